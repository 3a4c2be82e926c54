"""The training half of the standalone script: loss, metrics, learning-rate schedule, early stopping.

Each function returns source text for one project, containing only what that project uses:
a constant schedule writes no schedule code, a project without class weights no weights.
Losses, optimizers, schedules and metrics are written from their entries in layerlab.engine
(losses.py, optimizers.py, schedules.py, metrics.py): the same code text the engine runs, so
the script's history equals the run's. Nothing here names a loss, optimizer, schedule or metric.

>>> from layerlab.spec.models import ScheduleSpec
>>> print(schedule_code(ScheduleSpec(type="step", step_size=2, gamma=0.5)).splitlines()[-1])
    return max(LR * GAMMA ** int(pos // STEP_SIZE), MIN_LR)
"""
from __future__ import annotations

from typing import Any

from ..engine.losses import BALANCED_CODE, class_weights
from ..engine.metrics import lower_is_better
from ..engine.schedules import get_schedule
from ..i18n import msg
from .common import ExportFailed


def class_weight_code(setting: Any, classes: list[str], task: str) -> tuple[str, str, str]:
    """(constant line, function text, train() line) for the class weights, checked as the engine checks them."""
    checked = class_weights(setting, classes, task)
    if checked is None:
        return "", "", ""
    if checked == "balanced":
        return "", BALANCED_CODE, "weight = balanced_weights(ytr).to(DEVICE)"
    const = f"CLASS_WEIGHTS = {checked!r}  # one per class, in the order of CLASSES\n"
    return const, "", "weight = torch.tensor(CLASS_WEIGHTS).to(DEVICE)"


def schedule_constants(s: Any) -> str:
    """The schedule's settings as constants (empty for a constant rate)."""
    kind = get_schedule(s)
    if not kind.code():  # a constant rate: the script's LR
        return ""
    values = kind.constant_values(s)
    names, given = ", ".join(values), ", ".join(repr(v) for v in values.values())
    return f"{names} = {given}  # the {kind.name!r} learning-rate schedule\n"


def schedule_code(s: Any) -> str:
    """set_learning_rate() and the entry's learning_rate(pos) (or its Plateau class), as the engine runs them."""
    kind = get_schedule(s)
    if not kind.code():  # a constant rate: the script's LR
        return ""
    when = "batch" if kind.per_batch else "epoch"
    return f'''def set_learning_rate(optimizer, lr):
    """Give every parameter group the rate lr (the schedule sets it before each {when})."""
    for group in optimizer.param_groups:
        group["lr"] = lr


''' + kind.code()


def early_stopping_code(es: Any, monitor: str) -> tuple[str, str]:
    """(constants, EarlyStopping class) for the spec's early_stopping, the engine's rule exactly."""
    lower = lower_is_better(monitor)
    change = "value - self.best" if lower else "self.best - value"
    keep = "\n            self.best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}" \
        if es.restore_best else ""
    init_state = "\n        self.best_state = None  # the weights of the best epoch" if es.restore_best else ""
    const = f"MONITOR, PATIENCE, MIN_DELTA = {monitor!r}, {es.patience!r}, {es.min_delta!r}  # early stopping\n"
    cls = f'''class EarlyStopping:
    """Stop after PATIENCE epochs in which MONITOR did not {"fall" if lower else "rise"} by more than MIN_DELTA."""

    def __init__(self):
        self.best, self.best_epoch, self.bad_epochs = None, None, 0{init_state}

    def update(self, value, epoch, model):
        """Record one epoch's MONITOR value; True when training should stop."""
        if self.best is None or {change} < -MIN_DELTA:
            self.best, self.best_epoch, self.bad_epochs = value, epoch, 0{keep}
        else:
            self.bad_epochs += 1
        return self.bad_epochs >= PATIENCE
'''
    return const, cls


def check_monitor(es: Any, names: list[str], has_val: bool) -> str:
    """The monitored key of the script's epoch rows (val_ dropped without validation data, as the engine does)."""
    monitor = es.monitor if has_val else es.monitor.removeprefix("val_")
    keys = ["loss", *names] + ([f"val_{k}" for k in ("loss", *names)] if has_val else [])
    if monitor not in keys:
        raise ExportFailed("training.early_stopping.monitor", msg("is not a metric this run computes"), monitor,
                           msg("use one of {listing}", listing=", ".join(keys)))
    return monitor
