"""Seeded train/validation/test splits, stratified by class for classification, and their class counts.

>>> import numpy as np
>>> y = np.array([0] * 50 + [1] * 50)
>>> tr, va, te = split_indices(y, "classification", 0.2, 0.1, seed=0)
>>> len(tr), len(va), len(te), int(y[va].sum())
(70, 20, 10, 10)
"""
from __future__ import annotations

import numpy as np

from ..i18n import msg
from ..spec.errors import SpecError
from .base import DataInfo


def _stratify(y: np.ndarray, task: str, n_holdout: int) -> np.ndarray | None:
    """Class labels to stratify by, when every class can appear on both sides."""
    if task != "classification" or n_holdout == 0:
        return None
    _, counts = np.unique(y, return_counts=True)
    if counts.min() < 2 or n_holdout < len(counts) or len(y) - n_holdout < len(counts):
        return None  # too few samples per class: a plain seeded shuffle is the best one can do
    return y


def _cut(idx: np.ndarray, y: np.ndarray, task: str, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    n_hold = int(round(len(idx) * share))
    if n_hold == 0:
        return idx, idx[:0]
    from sklearn.model_selection import train_test_split  # imported here: sklearn is slow to import
    strat = _stratify(y[idx], task, n_hold)
    keep, hold = train_test_split(idx, test_size=n_hold, random_state=seed, shuffle=True, stratify=strat)
    return np.sort(keep), np.sort(hold)


def split_indices(y: np.ndarray, task: str, validation: float, test: float,
                  seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(train, validation, test) index arrays; the same seed gives the same split."""
    n = len(y)
    if validation + test >= 1.0:
        raise SpecError("data.validation_split", msg("together with data.test_split leaves no training samples"),
                        {"validation_split": validation, "test_split": test},
                        msg("keep validation_split + test_split below 1, e.g. 0.2 and 0.1"))
    idx = np.arange(n)
    rest, test_idx = _cut(idx, y, task, test, seed)
    # the validation share is of all samples, so it is rescaled to what is left after the test cut
    train_idx, val_idx = _cut(rest, y, task, validation / (1.0 - test) if test else validation, seed + 1)
    if len(train_idx) == 0:
        raise SpecError("data.validation_split", msg("leaves no samples to train on"), validation,
                        msg("use fewer held-out samples or more data (there are {n} samples)", n=n))
    return train_idx, val_idx, test_idx


def class_counts(info: DataInfo, parts: dict[str, np.ndarray]) -> dict[str, dict[str, int]] | None:
    """Samples per class in each split (classification only)."""
    if info.task != "classification" or not info.classes:
        return None
    k = len(info.classes)
    out = {}
    for name, y in parts.items():
        counts = np.bincount(np.asarray(y, np.int64).reshape(-1), minlength=k) if len(y) else np.zeros(k, int)
        out[name] = {c: int(n) for c, n in zip(info.classes, counts)}
    return out
