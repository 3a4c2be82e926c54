"""The Keras layer configs and weights a TF.js export collects (`Builder`).

`Builder` collects Keras layer configs with named weights and the edges between them (a
chain, or a graph once a residual block adds a branch). Each layer kind adds its own layers
through its `tfjs_export` (layers/*.py); weight layouts are in layers/tfjs_support.py.

>>> b = Builder()
>>> b.add("Dense", {"units": 2}), b.add("Dense", {"units": 1}), b.layers[1]["inbound_nodes"]
('dense_1', 'dense_2', [[['dense_1', 0, 0, {}]]])
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..layers.tfjs_support import emit_activation

INPUT = "input_1"  # the InputLayer's name in a graph (and for token inputs)


class Builder:
    """Keras layer configs, named weights and edges collected while walking the LayerLab layers."""

    def __init__(self):
        self.layers: list[dict[str, Any]] = []
        self.weights: list[tuple[str, np.ndarray]] = []
        self.count: dict[str, int] = {}
        self.cur = INPUT          # the layer whose output the next layer reads
        self.graph = False        # True once a layer reads two inputs (an Add): the model must be functional

    def add(self, cls: str, config: dict[str, Any], weights: dict[str, np.ndarray] | None = None,
            inputs: list[str] | None = None) -> str:
        """Append a layer reading `inputs` (default: the previous layer); returns its name."""
        n = self.count[cls] = self.count.get(cls, 0) + 1
        name = f"{re.sub(r'(?<!^)(?=[A-Z])', '_', cls).lower()}_{n}"
        self.layers.append({"class_name": cls, "config": {"name": name, "trainable": True, "dtype": "float32", **config},
                            "name": name, "inbound_nodes": [[[i, 0, 0, {}] for i in inputs or [self.cur]]]})
        for key, arr in (weights or {}).items():
            self.weights.append((f"{name}/{key}", np.asarray(arr, dtype=np.float32)))
        self.graph = self.graph or len(inputs or []) > 1
        self.cur = name
        return name

    def activation(self, act: str, rank: int, cl: bool, path: str) -> None:
        """A separate layer for an activation that Keras' `activation` string cannot say."""
        emit_activation(self, act, rank, cl, path)
