"""A prepared dataset: fitted preprocessing and train/validation/test splits ready for batches.

The engine only uses `len(split)` and `split.batches(...)`, so an in-memory split (tensors,
batches taken by index) and a streaming split (images read from disk by workers) are
interchangeable.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import torch

from .base import DataInfo


class Split:
    """Samples held in memory as tensors; batches are index slices (no per-sample Python)."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor, indices: torch.Tensor | None = None):
        self.x = x  # (N, *input_shape), preprocessed
        self.y = y  # (N,) int64 class indices, or (N, outputs) float32 targets
        self.indices = indices  # positions in the source's full sample list, for inspection

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def batches(self, batch_size: int, shuffle: bool = False,
                generator: torch.Generator | None = None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """(x, y) batches; shuffled with the generator when asked."""
        n = len(self)
        if shuffle:
            order = torch.randperm(n, generator=generator)
            for i in range(0, n, batch_size):
                idx = order[i:i + batch_size]
                yield self.x[idx], self.y[idx]
        else:
            for i in range(0, n, batch_size):
                yield self.x[i:i + batch_size], self.y[i:i + batch_size]


@dataclass
class Dataset:
    """What `project.dataset()` returns."""

    info: DataInfo
    train: Split
    val: Split | None
    test: Split | None
    preprocessor: Any  # layerlab.data.preprocess.Preprocessor: to_dict()/from_dict(), transform()
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def classes(self) -> list[str] | None:
        return self.info.classes
