"""What inspection needs from every epoch, recorded while a network trains.

The engine keeps only the latest weights, so views across epochs (per-example loss for
learned-then-forgotten examples, weight and gradient histograms per epoch, dead ReLU
units over time) need a recorder that looks at the network after each epoch:

    rec = EpochRecorder(val.x, val.y)        # the samples to follow
    ... after each epoch:  rec.on_epoch_end(epoch, network)
    rec.save(run_folder / "inspect.json")     # EpochRecorder.load(path) reads it back

Gradients are computed on the first `grad_samples` samples in eval mode without touching
the optimizer, so recording never changes the training.

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 2}], (3,), seed=0)
>>> rec = EpochRecorder(torch.randn(8, 3), torch.randint(0, 2, (8,)))
>>> _ = rec.on_epoch_end(1, net); rec.losses().shape
torch.Size([1, 8])
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..store import atomic
from .confusion import forgetting, losses
from .trace import eval_mode, predict
from .weights import dead_relu, gradient_histograms, weight_histograms

FILE = "inspect.json"


class EpochRecorder:
    """Per-epoch per-example losses and correctness, histograms and dead units for fixed samples."""

    def __init__(self, x: torch.Tensor | None = None, y: torch.Tensor | None = None, bins: int = 30,
                 grad_samples: int = 256, max_samples: int = 5000):
        # beyond max_samples the per-example table grows too large to keep for every epoch
        self.x = x[:max_samples] if x is not None else None  # (N, *input_shape)
        self.y = y[:max_samples] if y is not None else None  # (N,) or (N, outputs)
        self.bins, self.grad_samples = bins, grad_samples
        self.epochs: list[dict[str, Any]] = []

    def on_epoch_end(self, epoch: int, net: nn.Module) -> dict[str, Any]:
        """Record one epoch (call after the epoch's last optimizer step); returns the record."""
        rec: dict[str, Any] = {"epoch": int(epoch),
                               "weights": {k: h.to_dict() for k, h in weight_histograms(net, self.bins).items()}}
        if self.x is not None and self.y is not None and len(self.x):
            loss = losses(net, self.x, self.y)                  # (N,)
            rec["loss"] = [round(float(v), 6) for v in loss]
            if self.y.dtype == torch.int64:
                with eval_mode(net):
                    z = predict(net, self.x)                    # (N, classes)
                pred = (z[:, 0] > 0).long() if z.shape[1] == 1 else z.argmax(dim=1)
                rec["correct"] = (pred == self.y).tolist()
            g = self.grad_samples
            rec["gradients"] = {k: h.to_dict() for k, h in
                                gradient_histograms(net, self.x[:g], self.y[:g], self.bins).items()}
            rec["dead"] = [d.to_dict() for d in dead_relu(net, self.x)]
        self.epochs = [e for e in self.epochs if e["epoch"] != rec["epoch"]] + [rec]
        return rec

    # -- reading -----------------------------------------------------------------------------
    def losses(self) -> torch.Tensor:
        """Per-example loss per recorded epoch: (E, N)."""
        return torch.tensor([e["loss"] for e in self.epochs if "loss" in e])

    def correct(self) -> torch.Tensor:
        """Per-example correctness per recorded epoch: (E, N) booleans (classification)."""
        return torch.tensor([e["correct"] for e in self.epochs if "correct" in e], dtype=torch.bool)

    def forgetting(self) -> dict[str, Any]:
        """Learned-then-forgotten examples (see confusion.forgetting)."""
        return forgetting(self.correct())

    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, "epochs": self.epochs}

    def save(self, path: str | Path) -> Path:
        """Write the records atomically (a run folder's inspect.json)."""
        path = Path(path)
        if path.is_dir():
            path = path / FILE
        atomic.write_text(path, json.dumps(self.to_dict()))
        return path

    @classmethod
    def load(cls, path: str | Path) -> "EpochRecorder":
        """Records saved by save() (without the samples themselves)."""
        path = Path(path)
        if path.is_dir():
            path = path / FILE
        rec = cls()
        rec.epochs = json.loads(path.read_text(encoding="utf-8")).get("epochs", [])
        return rec
