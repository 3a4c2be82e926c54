"""Learning-rate schedules by the names in `layerlab.spec.catalog.SCHEDULES`.

A schedule gives a factor of the base rate for a position measured in epochs (fractions
allowed: the rate is set before every batch, so warm-up and one-cycle are smooth).
`reduce_on_plateau` also listens to the validation loss at the end of each epoch. Its
state is JSON so that a continued run picks up where it stopped. cosine and one_cycle
anneal over the epochs of the current run segment: continuing a finished run starts a
fresh cycle (a warm restart), whereas step and warmup count from the run's first epoch.

>>> from layerlab.spec.models import ScheduleSpec
>>> s = Schedule(ScheduleSpec(type="step", step_size=2, gamma=0.5), base_lr=1.0, start_epoch=0, end_epoch=6)
>>> [s.lr(e) for e in range(6)]
[1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
"""
from __future__ import annotations

import math
from typing import Any

NAMES = ("constant", "step", "cosine", "one_cycle", "reduce_on_plateau", "warmup")


class Schedule:
    """lr(position_in_epochs) for one run segment [start_epoch, end_epoch)."""

    def __init__(self, spec: Any, base_lr: float, start_epoch: int, end_epoch: int,
                 state: dict[str, Any] | None = None):
        if spec.type not in NAMES:
            from ..i18n import msg
            from ..spec.errors import SpecError
            raise SpecError("training.schedule.type", msg("is not a known schedule"), spec.type,
                            msg("use one of {listing}", listing=", ".join(NAMES)))
        self.spec, self.base = spec, base_lr
        self.start, self.end = start_epoch, max(end_epoch, start_epoch + 1)
        st = state or {}
        self.plateau_factor = float(st.get("plateau_factor", 1.0))
        self.best = st.get("best")
        self.bad_epochs = int(st.get("bad_epochs", 0))

    def _factor(self, pos: float) -> float:
        s, t = self.spec, self.spec.type
        frac = min(max((pos - self.start) / (self.end - self.start), 0.0), 1.0)
        if t == "step":
            return s.gamma ** int(pos // s.step_size)
        if t == "cosine":
            return 0.5 * (1 + math.cos(math.pi * frac))
        if t == "one_cycle":  # 30 % rise from base/25, then cosine down to base/1e4 (torch's OneCycleLR)
            if frac < 0.3:
                lo = 1 / 25
                return lo + (1 - lo) * 0.5 * (1 - math.cos(math.pi * frac / 0.3))
            lo = 1 / 25 / 1e4
            return lo + (1 - lo) * 0.5 * (1 + math.cos(math.pi * (frac - 0.3) / 0.7))
        if t == "warmup":
            w = s.warmup_epochs
            return 1.0 if w <= 0 else min(1.0, (pos + 1 / 16) / w) if pos < w else 1.0
        if t == "reduce_on_plateau":
            return self.plateau_factor
        return 1.0

    @property
    def per_batch(self) -> bool:
        """True when the rate changes within an epoch (the others change only between epochs)."""
        return self.spec.type in ("cosine", "one_cycle", "warmup")

    def lr(self, pos: float) -> float:
        """The learning rate at a position in epochs (0 = start of the first epoch)."""
        return max(self.base * self._factor(pos), self.spec.min_lr)

    def epoch_ended(self, monitored: float | None) -> None:
        """reduce_on_plateau: lower the rate after `patience` epochs without improvement."""
        if self.spec.type != "reduce_on_plateau" or monitored is None or not math.isfinite(monitored):
            return
        if self.best is None or monitored < self.best - 1e-12:
            self.best, self.bad_epochs = monitored, 0
            return
        self.bad_epochs += 1
        if self.bad_epochs > self.spec.patience:
            self.plateau_factor *= self.spec.gamma
            self.bad_epochs = 0

    def state(self) -> dict[str, Any]:
        return {"plateau_factor": self.plateau_factor, "best": self.best, "bad_epochs": self.bad_epochs}
