"""What a saved run or a cached dataset wrote about its data, read back: its DataInfo and preprocessor.

>>> info_from_dict({"kind": "tabular", "input_shape": [4], "task": "classification", "classes": ["a", "b"],
...                 "note": 1}).extra
{'note': 1}
>>> preprocessor_from_dict(None) is None
True
"""
from __future__ import annotations

from typing import Any

from ..data.base import DataInfo
from ..data.preprocess import Preprocessor

KNOWN = ("kind", "input_shape", "task", "classes", "outputs", "n_samples", "feature_names", "vocab_size")


def info_from_dict(d: dict[str, Any]) -> DataInfo:
    """The DataInfo of data.json (fields it does not know go to `extra`)."""
    return DataInfo(d["kind"], tuple(d["input_shape"]), d["task"], d.get("classes"), d.get("outputs", 1),
                    d.get("n_samples"), d.get("feature_names"), d.get("vocab_size"),
                    {k: v for k, v in d.items() if k not in KNOWN})


def preprocessor_from_dict(d: dict[str, Any] | None) -> Preprocessor | None:
    """The Preprocessor of preprocessing.json, or None when the run had none."""
    return Preprocessor.from_dict(d) if d else None
