"""What the Train page shows after each epoch, computed from the latest saved weights:
validation samples with predicted labels, the confusion matrix and, for 2-D points, the
decision-boundary picture. No UI here: the page runs `evaluate` in a thread.

Everything goes through the facade (`project.dataset()`, `project.load_run()`), so a run
that is still going is evaluated with the weights of its last finished epoch.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from ...api_data import dataset_samples as samples
from ...api_data import mixed_indices, raw_view
from ...api_runs import predict_loaded
from . import boundary

GRID_SAMPLES = 16
MAX_CONFUSION_CLASSES = 20  # beyond this a matrix is unreadable on a page


@dataclass
class Evaluation:
    """Predictions of one epoch's weights on the validation split."""

    run_id: str
    task: str
    classes: list[str] | None
    samples: list[dict[str, Any]] = field(default_factory=list)  # label, predicted, ok, image or values
    confusion: list[list[int]] | None = None                     # rows: true class, columns: predicted
    accuracy: float | None = None
    boundary_url: str | None = None


def confusion_matrix(true: np.ndarray, pred: np.ndarray, k: int) -> list[list[int]]:
    """Counts of (true, predicted) class pairs as a k×k list of lists.

    >>> confusion_matrix(np.array([0, 1, 1]), np.array([0, 0, 1]), 2)
    [[1, 0], [1, 1]]
    """
    m = np.zeros((k, k), np.int64)
    np.add.at(m, (true.astype(np.int64), pred.astype(np.int64)), 1)
    return m.tolist()


def evaluate(project: Any, run_id: str, n_samples: int = GRID_SAMPLES, boundary: bool = True) -> Evaluation:
    """Evaluate the run's latest weights on the project's validation split (or training split);
    boundary=False leaves the decision-boundary picture out (slow motion draws newer ones)."""
    loaded = project.load_run(run_id)
    ds = project.dataset()
    info = ds.info
    split_name, part = ("validation", ds.val) if ds.val is not None and len(ds.val) else ("train", ds.train)
    out = Evaluation(run_id, info.task, list(info.classes) if info.classes else None)
    x_all = part.x if hasattr(part, "x") else None
    if x_all is None:  # a streaming split: evaluate only the shown samples
        idx = np.arange(min(len(part), 256))
        x_all, y_all = part.take(idx)
    else:
        y_all = part.y
    probs = predict_loaded(loaded, x_all)
    if info.task == "classification":
        pred = probs.argmax(axis=1)
        true = np.asarray(y_all).reshape(-1)
        out.accuracy = float((pred == true).mean()) if len(true) else None
        k = len(info.classes or [])
        if 0 < k <= MAX_CONFUSION_CLASSES:
            out.confusion = confusion_matrix(true, pred, k)
        shown = samples(ds, n_samples, split_name, indices=pick_samples(true, pred, n_samples))
        for s in shown:
            i = s["position"]
            p = int(pred[i])
            s.update(predicted=info.classes[p], confidence=float(probs[i, p]), ok=info.classes[p] == s["label"])
    else:
        shown = samples(ds, n_samples, split_name, indices=range(min(n_samples, len(probs))))
        for s in shown:
            s.update(predicted=[float(v) for v in np.reshape(probs[s["position"]], -1)], ok=None)
    for s in shown:
        if "image_png" in s:
            s["image_url"] = "data:image/png;base64," + base64.b64encode(s.pop("image_png")).decode("ascii")
    out.samples = shown
    if boundary and info.kind == "points" and tuple(info.input_shape) == (2,):
        out.boundary_url = boundary_picture(project, loaded)
    return out


def training_points(project: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Up to 2,000 training points as the user sees them (unscaled) and their class numbers."""
    ds = project.dataset()
    x, y = raw_view(ds, "train", 2000)
    return x, (y.reshape(-1).astype(int) if ds.info.task == "classification" else None)


def pick_samples(true: np.ndarray, pred: np.ndarray, n: int) -> list[int]:
    """Positions to show after an epoch: the wrong ones first (taking turns between their true
    classes, at most three quarters of the grid), then right ones of every class, n in all.

    >>> pick_samples(np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 1, 1, 2, 0]), 4)
    [1, 5, 0, 2]
    """
    wrong = np.flatnonzero(true != pred)
    right = np.flatnonzero(true == pred)
    room = n if not len(right) else max(n - min(len(right), max(1, n // 4)), 1)   # a few right ones stay
    chosen = [int(wrong[i]) for i in mixed_indices(true[wrong], room)]
    chosen += [int(right[i]) for i in mixed_indices(true[right], n - len(chosen))] if len(chosen) < n else []
    return chosen


def boundary_picture(project: Any, loaded: Any, size: int = 280,
                     points: tuple[np.ndarray, np.ndarray | None] | None = None) -> str:
    """The decision-boundary heat map of the loaded weights over the training points (a data URL)."""
    x, labels = points if points is not None else training_points(project)
    pre = loaded.preprocessor

    def predict(points: np.ndarray) -> np.ndarray:
        scaled = pre.transform_x(points) if hasattr(pre, "transform_x") else points
        return predict_loaded(loaded, torch.as_tensor(np.asarray(scaled, np.float32)))

    buf = io.BytesIO()  # quick compression: slow motion redraws this several times a second
    boundary.heatmap(predict, x, labels, size=size).save(buf, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
