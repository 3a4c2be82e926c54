"""Learning-rate schedules by the names in `layerlab.spec.catalog.SCHEDULES`: one entry each, with its code once.

A schedule gives the rate for a position measured in epochs (fractions allowed: the rate is
set before every batch, so warm-up and one-cycle are smooth). An entry's `code()` is the
`learning_rate(pos)` function (or, for reduce_on_plateau, the `Plateau` class) the standalone
script writes over its constants (LR, EPOCHS, MIN_LR and the entry's own); `Schedule` runs
that same text, so the engine's rates and the script's cannot drift.

`reduce_on_plateau` also listens to the validation loss at the end of each epoch. Its
state is JSON so that a continued run picks up where it stopped. cosine and one_cycle
anneal over the epochs of the current run segment: continuing a finished run starts a
fresh cycle (a warm restart), whereas step and warmup count from the run's first epoch.

>>> from layerlab.spec.models import ScheduleSpec
>>> s = Schedule(ScheduleSpec(type="step", step_size=2, gamma=0.5), base_lr=1.0, start_epoch=0, end_epoch=6)
>>> [s.lr(e) for e in range(6)]
[1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
>>> print(SCHEDULES["step"].code().splitlines()[-1])
    return max(LR * GAMMA ** int(pos // STEP_SIZE), MIN_LR)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..i18n import msg
from ..spec.errors import SpecError
from .codetext import define

# the script's constant -> the ScheduleSpec field it holds
FIELDS = {"STEP_SIZE": "step_size", "GAMMA": "gamma", "PLATEAU_PATIENCE": "patience",
          "WARMUP_EPOCHS": "warmup_epochs", "MIN_LR": "min_lr"}


@dataclass(frozen=True)
class ScheduleKind:
    """One schedule: its rate as code over the script's constants, and how the loop applies it."""

    name: str
    body: str = ""                      # learning_rate(pos)'s body ("" for a constant rate)
    constants: tuple[str, ...] = ()     # the constants body reads besides LR and EPOCHS (FIELDS)
    per_batch: bool = False             # the rate changes within an epoch (set before every batch)
    segment: bool = False               # pos counts from the start of the run segment (else the run's start)
    plateau: bool = False               # listens to the loss at the end of each epoch (the Plateau class)
    summary: str = ""                   # the script header's words, formatted with the spec's fields

    def code(self) -> str:
        """The script's learning_rate(pos) function, or the Plateau class ("" for a constant rate)."""
        if self.plateau:
            return PLATEAU_CODE
        if not self.body:
            return ""
        return f'''def learning_rate(pos):
    """The {self.name!r} schedule's rate at a position in epochs (0 = start, 1.5 = halfway through epoch 2)."""
{self.body}'''

    def constant_values(self, spec: Any) -> dict[str, Any]:
        """The entry's constants for a ScheduleSpec, in the order the script's constants line names them."""
        return {c: getattr(spec, FIELDS[c]) for c in self.constants}

    def describe(self, spec: Any, has_val: bool) -> str:
        """What the schedule does, in words for the script's header."""
        return self.summary.format(gamma=spec.gamma, step_size=spec.step_size, warmup_epochs=spec.warmup_epochs,
                                   epochs_in_a_row=spec.patience + 1,
                                   watched="validation" if has_val else "training")


PLATEAU_CODE = '''class Plateau:
    """reduce_on_plateau: the rate times GAMMA after more than PLATEAU_PATIENCE epochs without a lower loss."""

    def __init__(self):
        self.factor, self.best, self.bad_epochs = 1.0, None, 0

    def learning_rate(self):
        return max(LR * self.factor, MIN_LR)

    def epoch_ended(self, watched):
        if not math.isfinite(watched):
            return
        if self.best is None or watched < self.best - 1e-12:
            self.best, self.bad_epochs = watched, 0
            return
        self.bad_epochs += 1
        if self.bad_epochs > PLATEAU_PATIENCE:
            self.factor *= GAMMA
            self.bad_epochs = 0
'''

SCHEDULES = {s.name: s for s in (
    ScheduleKind("constant", constants=("MIN_LR",)),
    ScheduleKind("step", "    return max(LR * GAMMA ** int(pos // STEP_SIZE), MIN_LR)\n",
                 ("STEP_SIZE", "GAMMA", "MIN_LR"), summary="x{gamma} every {step_size} epochs"),
    ScheduleKind("cosine", '''    frac = min(max(pos / EPOCHS, 0.0), 1.0)
    return max(LR * (0.5 * (1 + math.cos(math.pi * frac))), MIN_LR)
''', ("MIN_LR",), per_batch=True, segment=True,
                 summary="down along a cosine over the run, set before every batch"),
    # torch's OneCycleLR: 30 % rise from base/25, then cosine down to base/1e4
    ScheduleKind("one_cycle", '''    frac = min(max(pos / EPOCHS, 0.0), 1.0)
    if frac < 0.3:  # 30 % of the run rising from LR / 25 to LR
        lo = 1 / 25
        return max(LR * (lo + (1 - lo) * 0.5 * (1 - math.cos(math.pi * frac / 0.3))), MIN_LR)
    lo = 1 / 25 / 1e4  # then down along a cosine to LR / 250000
    return max(LR * (lo + (1 - lo) * 0.5 * (1 + math.cos(math.pi * (frac - 0.3) / 0.7))), MIN_LR)
''', ("MIN_LR",), per_batch=True, segment=True,
                 summary="up from LR/25 in the first 30 %, then down to LR/250000, set before every batch"),
    ScheduleKind("reduce_on_plateau", constants=("GAMMA", "PLATEAU_PATIENCE", "MIN_LR"), plateau=True,
                 summary="x{gamma} after {epochs_in_a_row} epochs in a row without a lower {watched} loss"),
    ScheduleKind("warmup", '''    factor = min(1.0, (pos + 1 / 16) / WARMUP_EPOCHS) if pos < WARMUP_EPOCHS else 1.0
    return max(LR * factor, MIN_LR)
''', ("WARMUP_EPOCHS", "MIN_LR"), per_batch=True,
                 summary="rising to LR over {warmup_epochs} epochs, set before every batch"),
)}
NAMES = tuple(SCHEDULES)


def get_schedule(spec: Any) -> ScheduleKind:
    """The entry a ScheduleSpec runs as: warm-up over 0 epochs is a constant rate; SpecError for an unknown type."""
    if spec.type not in SCHEDULES:
        raise SpecError("training.schedule.type", msg("is not a known schedule"), spec.type,
                        msg("use one of {listing}", listing=", ".join(NAMES)))
    return SCHEDULES["constant" if spec.type == "warmup" and spec.warmup_epochs <= 0 else spec.type]


class Schedule:
    """lr(position_in_epochs) for one run segment [start_epoch, end_epoch), from the entry's code."""

    def __init__(self, spec: Any, base_lr: float, start_epoch: int, end_epoch: int,
                 state: dict[str, Any] | None = None):
        self.kind = get_schedule(spec)
        self.spec, self.base = spec, base_lr
        self.start, self.end = start_epoch, max(end_epoch, start_epoch + 1)
        names = {"LR": base_lr, "EPOCHS": self.end - self.start, "MIN_LR": spec.min_lr,
                 **SCHEDULES["reduce_on_plateau"].constant_values(spec), **self.kind.constant_values(spec)}
        # the plateau's state is kept (and saved) whatever the kind, as a continued run may change it
        self._plateau = define(PLATEAU_CODE, "Plateau", **names)()
        st = state or {}
        self._plateau.factor = float(st.get("plateau_factor", 1.0))
        self._plateau.best = st.get("best")
        self._plateau.bad_epochs = int(st.get("bad_epochs", 0))
        self._rate = define(self.kind.code(), "learning_rate", **names) if self.kind.body else None

    @property
    def per_batch(self) -> bool:
        """True when the rate changes within an epoch (the others change only between epochs)."""
        return self.kind.per_batch

    def lr(self, pos: float) -> float:
        """The learning rate at a position in epochs (0 = start of the first epoch)."""
        if self.kind.plateau:
            return self._plateau.learning_rate()
        if self._rate is None:
            return max(self.base, self.spec.min_lr)
        return self._rate(pos - self.start if self.kind.segment else pos)

    def epoch_ended(self, monitored: float | None) -> None:
        """reduce_on_plateau: lower the rate after `patience` epochs without improvement."""
        if self.kind.plateau and monitored is not None and math.isfinite(monitored):
            self._plateau.epoch_ended(monitored)

    def state(self) -> dict[str, Any]:
        p = self._plateau
        return {"plateau_factor": p.factor, "best": p.best, "bad_epochs": p.bad_epochs}
