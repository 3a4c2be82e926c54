"""What inspection reads of every epoch a network trained: the training loop's records.

The engine keeps only the latest weights, so views across epochs (per-example loss for
learned-then-forgotten examples, weight and gradient histograms per epoch, dead ReLU
units over time) read the records the training loop took after each epoch
(layerlab.engine.recording.EpochRecords, saved as a run folder's inspect.json):

    rec = EpochRecorder(val.x, val.y)        # the samples to follow
    ... after each epoch:  rec.on_epoch_end(epoch, network)
    rec.save(run_folder / "inspect.json")     # EpochRecorder.load(path) reads it back

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 2}], (3,), seed=0)
>>> rec = EpochRecorder(torch.randn(8, 3), torch.randint(0, 2, (8,)))
>>> _ = rec.on_epoch_end(1, net); rec.forgetting()["events"]
[0, 0, 0, 0, 0, 0, 0, 0]
"""
from __future__ import annotations

from typing import Any

from ..engine.recording import FILE, EpochRecords
from .confusion import forgetting

__all__ = ["FILE", "EpochRecorder"]


class EpochRecorder(EpochRecords):
    """The per-epoch records with what the views compute from them."""

    def forgetting(self) -> dict[str, Any]:
        """Learned-then-forgotten examples (see confusion.forgetting)."""
        return forgetting(self.correct())
