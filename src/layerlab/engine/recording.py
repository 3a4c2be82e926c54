"""Per-epoch records for the inspect views, taken while training within a small time budget.

The weights view (histograms of weights and gradients, dead ReLU units per epoch) and the
errors view (per-example loss across epochs: examples learned and forgotten again) need
a record of every epoch. Taking one costs a forward pass over up to `MAX_SAMPLES`
validation samples and one gradient batch, so an epoch is recorded only while the time
spent recording stays under `BUDGET` of the time spent training (the last epoch always is:
the views show the final state). Recording runs in eval mode and never touches the optimizer or the
shuffling generator, so it does not change what the run learns.
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

BUDGET = 0.03       # share of training time recording may take (LAYERLAB_RECORD_BUDGET overrides it)
MAX_SAMPLES = 1000  # per-example losses kept for this many samples each epoch


class InspectionTap:
    """Feeds layerlab.inspect.history.EpochRecorder from the training loop."""

    def __init__(self, dataset: Any, device: Any):
        from ..inspect.history import EpochRecorder
        part = dataset.val if dataset.val is not None and len(dataset.val) else dataset.train
        x, y = getattr(part, "x", None), getattr(part, "y", None)
        self.recorder = EpochRecorder(x[:MAX_SAMPLES].to(device), y[:MAX_SAMPLES].to(device),
                                      max_samples=MAX_SAMPLES) if x is not None and y is not None else None
        self.spent = 0.0
        self.recorded = 0

    def epoch_ended(self, epoch: int, net: Any, training_s: float, last: bool) -> None:
        """Record this epoch if its expected cost fits the budget (the last epoch always)."""
        if self.recorder is None:
            return
        # before the first record its cost is unknown: a quarter of an average epoch is typical
        expected = self.spent / self.recorded if self.recorded else 0.25 * training_s / max(epoch, 1)
        budget = float(os.environ.get("LAYERLAB_RECORD_BUDGET") or BUDGET)  # the env reaches worker processes
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
