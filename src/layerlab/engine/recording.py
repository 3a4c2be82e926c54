"""Per-epoch records for the inspect views, taken while training within a small time budget.

The weights view (histograms of weights and gradients, dead ReLU units per epoch) and the
errors view (per-example loss across epochs: examples learned and forgotten again) need
a record of every epoch. Taking one costs a forward pass over up to `MAX_SAMPLES`
validation samples and one gradient batch, so an epoch is recorded only while the time
spent recording stays under `BUDGET` of the time spent training (the last epoch always is:
the views show the final state). Recording runs in eval mode and never touches the optimizer or the
shuffling generator, so it does not change what the run learns.

`EpochRecords` is the record and its file, runs/<id>/inspect.json; the inspect views read it back
through layerlab.inspect.history.EpochRecorder, which adds what they compute from it:

    rec = EpochRecords(val.x, val.y)         # the samples to follow
    ... after each epoch:  rec.on_epoch_end(epoch, network)
    rec.save(run_folder / "inspect.json")     # EpochRecords.load(path) reads it back

Gradients are computed on the first `grad_samples` samples in eval mode without touching
the optimizer, so recording never changes the training.

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 2}], (3,), seed=0)
>>> rec = EpochRecords(torch.randn(8, 3), torch.randint(0, 2, (8,)))
>>> _ = rec.on_epoch_end(1, net); rec.losses().shape
torch.Size([1, 8])
"""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..store import atomic
from ..spec import env
from .measure import dead_relu, eval_mode, gradient_histograms, losses, predict, weight_histograms

log = logging.getLogger(__name__)

BUDGET = 0.03       # share of training time recording may take (LAYERLAB_RECORD_BUDGET overrides it)
MAX_SAMPLES = 1000  # per-example losses kept for this many samples each epoch
FILE = "inspect.json"


class EpochRecords:
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
    def load(cls, path: str | Path) -> "EpochRecords":
        """Records saved by save() (without the samples themselves)."""
        path = Path(path)
        if path.is_dir():
            path = path / FILE
        rec = cls()
        rec.epochs = json.loads(path.read_text(encoding="utf-8")).get("epochs", [])
        return rec


class InspectionTap:
    """Feeds EpochRecords from the training loop."""

    def __init__(self, dataset: Any, device: Any):
        part = dataset.val if dataset.val is not None and len(dataset.val) else dataset.train
        x, y = getattr(part, "x", None), getattr(part, "y", None)
        self.recorder = EpochRecords(x[:MAX_SAMPLES].to(device), y[:MAX_SAMPLES].to(device),
                                     max_samples=MAX_SAMPLES) if x is not None and y is not None else None
        self.spent = 0.0
        self.recorded = 0

    def epoch_ended(self, epoch: int, net: Any, training_s: float, last: bool) -> None:
        """Record this epoch if its expected cost fits the budget (the last epoch always)."""
        if self.recorder is None:
            return
        # before the first record its cost is unknown: a quarter of an average epoch is typical
        expected = self.spent / self.recorded if self.recorded else 0.25 * training_s / max(epoch, 1)
        budget = float(env.number("LAYERLAB_RECORD_BUDGET", BUDGET))  # the env reaches worker processes
        if not last and self.spent + expected > budget * training_s:
            return
        t0 = time.perf_counter()
        try:
            self.recorder.on_epoch_end(epoch, net)
            self.recorded += 1
        except Exception:  # noqa: BLE001 - a diagnostic must never fail the run it watches
            log.warning("inspection records stopped at epoch %s", epoch, exc_info=True)
            self.recorder = None
        self.spent += time.perf_counter() - t0

    def save(self, folder: Path) -> None:
        """Write runs/<id>/inspect.json (atomically) when anything was recorded."""
        if self.recorder is not None and self.recorded:
            try:
                self.recorder.save(folder)
            except OSError:
                log.warning("could not save inspection records in %s", folder, exc_info=True)
