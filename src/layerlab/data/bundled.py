"""scikit-learn's bundled datasets (shipped inside the package, never downloaded).

digits (8x8 greyscale images of handwritten digits, as (1, 8, 8) in [0, 1]), iris, wine,
breast_cancer (tables for classification) and diabetes (a table for regression).

>>> from layerlab.data import get_source
>>> src = get_source("digits")
>>> src.info(src.resolve({}), None).input_shape
(1, 8, 8)
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .base import DataInfo, DataSource, RawData, SourceCase, register


@functools.lru_cache(maxsize=None)
def _bundle(name: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """(x, y, class names, feature names) of one bundled set; read once per process."""
    from sklearn import datasets
    b = getattr(datasets, f"load_{name}")()
    x = np.asarray(b.data, dtype=np.float32)
    y = np.asarray(b.target)
    if name == "digits":
        classes = tuple(str(i) for i in range(10))
    else:
        classes = tuple(str(c) for c in b.get("target_names", []))
    features = tuple(str(f) for f in b.get("feature_names", []))
    x.setflags(write=False)  # shared by every caller; copies are made when splitting
    y.setflags(write=False)
    return x, y, classes, features


class _Bundled(DataSource):
    """A table from scikit-learn's bundled files."""

    task = "classification"
    cases = (SourceCase({}),)

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        x, y, _, _ = _bundle(self.name)
        if self.task == "classification":
            return x, y.astype(np.int64)
        return x, y.astype(np.float32).reshape(-1, 1)

    def info(self, p: dict[str, Any] | None = None, root: Any = None) -> DataInfo:  # type: ignore[override]
        x, _, classes, features = _bundle(self.name)
        return DataInfo("tabular", (x.shape[1],), self.task,
                        list(classes) if self.task == "classification" else None, 1, int(x.shape[0]),
                        list(features) or None)

    def load(self, p: dict[str, Any], root: Any, seed: int) -> RawData:
        x, y = self._arrays()
        return RawData(x, y, self.info(p, root))


@register
class Digits(_Bundled):
    name = "digits"
    summary = "1,797 handwritten digits 0-9 as 8x8 greyscale images."

    def info(self, p: dict[str, Any] | None = None, root: Any = None) -> DataInfo:  # type: ignore[override]
        x, _, classes, _ = _bundle("digits")
        return DataInfo("image", (1, 8, 8), "classification", list(classes), 1, int(x.shape[0]),
                        extra={"channels": 1, "value_range": [0.0, 1.0], "ink": "light_on_dark"})

    def load(self, p: dict[str, Any], root: Any, seed: int) -> RawData:
        x, y, _, _ = _bundle("digits")
        images = (x / 16.0).reshape(-1, 1, 8, 8).astype(np.float32)  # (N, 1, 8, 8) in [0, 1]
        return RawData(images, y.astype(np.int64), self.info())


@register
class Iris(_Bundled):
    name = "iris"
    summary = "150 iris flowers: 4 measurements, 3 species."


@register
class Wine(_Bundled):
    name = "wine"
    summary = "178 wines: 13 chemical measurements, 3 cultivars."


@register
class BreastCancer(_Bundled):
    name = "breast_cancer"
    summary = "569 tumour samples: 30 cell measurements, malignant or benign."


@register
class Diabetes(_Bundled):
    name = "diabetes"
    summary = "442 patients: 10 measurements, predict disease progression after a year (regression)."
    task = "regression"
