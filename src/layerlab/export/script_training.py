"""The training half of the standalone script: loss, metrics, learning-rate schedule, early stopping.

Each function returns source text for one project, containing only what that project uses:
a constant schedule writes no schedule code, a project without class weights no weights.
The text mirrors the engine line for line where the numbers depend on it (layerlab.engine:
losses.py, metrics.py, schedules.py, loop.py), so the script's history equals the run's.

>>> from layerlab.spec.models import ScheduleSpec
>>> print(schedule_code(ScheduleSpec(type="step", step_size=2, gamma=0.5)).splitlines()[-1])
    return max(LR * GAMMA ** int(pos // STEP_SIZE), MIN_LR)
"""
from __future__ import annotations

from typing import Any

from ..engine.metrics import TOP_K, lower_is_better
from ..engine.optimizers import FUSED
from ..engine.schedules import NAMES as SCHEDULE_NAMES
from ..i18n import msg
from .common import ExportFailed

REGRESSION_LOSS = {
    "mse": "F.mse_loss(out, y)",
    "mae": "F.l1_loss(out, y)",
    "huber": "F.huber_loss(out, y, delta=1.0)",
    "smooth_l1": "F.smooth_l1_loss(out, y, beta=1.0)",
    "poisson": "(out - y * torch.log(out.clamp_min(0.0) + 1e-7)).mean()",
    "log_cosh": "((out - y) + F.softplus(-2.0 * (out - y)) - math.log(2.0)).mean()",
    "cosine_similarity": "1.0 - F.cosine_similarity(out, y, dim=1, eps=1e-8).mean()",
}
# per-sample classification losses for one output unit (1) or one unit per class (k)
ONE_HOT = "target = F.one_hot(y, out.shape[1]).float()\n    "
PER_SAMPLE = {
    ("binary_cross_entropy", 1): 'F.binary_cross_entropy_with_logits(out[:, 0], y.float(), reduction="none")',
    ("binary_cross_entropy", "k"): 'F.binary_cross_entropy_with_logits(out, target, reduction="none").sum(dim=1)',
    ("hinge", 1): "F.relu(1.0 - out[:, 0] * (2.0 * y.float() - 1.0))",
    ("kl_divergence", 1): 'F.kl_div(F.log_softmax(out, dim=1), target, reduction="none").sum(dim=1)',
}
PER_SAMPLE[("kl_divergence", "k")] = PER_SAMPLE[("kl_divergence", 1)]
LOSSES = ("cross_entropy", "binary_cross_entropy", "hinge", "kl_divergence", *REGRESSION_LOSS)
OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop", "adagrad": "Adagrad",
              "adadelta": "Adadelta", "adamax": "Adamax", "nadam": "NAdam"}
PER_BATCH = ("cosine", "one_cycle", "warmup")   # the engine sets these before every batch, the rest per epoch


def check_supported(loss: str, optimizer: str) -> None:
    """Raise ExportFailed for a loss or optimizer the script has no code for."""
    if loss not in LOSSES or optimizer not in OPTIMIZERS:
        raise ExportFailed("training", msg("the script cannot reproduce this loss or optimizer"),
                           f"{loss}, {optimizer}", msg("choose one of {listing}", listing=", ".join(LOSSES)))


def optimizer_code(tr: Any) -> str:
    """The optimizer line, naming only the settings that differ from torch's defaults."""
    args = ["model.parameters()", "lr=LR"]
    if tr.optimizer in ("sgd", "rmsprop") and tr.momentum > 0:
        args.append(f"momentum={tr.momentum!r}")
    if tr.optimizer == "sgd" and tr.nesterov:
        args.append("nesterov=True")
    if tr.weight_decay > 0:
        args.append(f"weight_decay={tr.weight_decay!r}")
    if tr.optimizer in FUSED:  # the engine's fused kernel: faster, and the same arithmetic as the engine's run
        args.append("fused=True")
    return f"torch.optim.{OPTIMIZERS[tr.optimizer]}({', '.join(args)})"


def loss_code(loss: str, n_out: int, weighted: bool) -> str:
    """The loss_fn(out, y[, weight]) function: on logits for classification, on outputs for regression."""
    if loss in REGRESSION_LOSS:
        return f'''def loss_fn(out, y):
    """The {loss} loss of outputs and targets (both (N, outputs)), as LayerLab trains with it."""
    return {REGRESSION_LOSS[loss]}
'''
    args = "out, y, weight" if weighted else "out, y"
    why = "\n    Each sample counts with the weight of its class." if weighted else ""
    if loss == "cross_entropy" or (loss == "hinge" and n_out > 1):
        fn = "F.cross_entropy" if loss == "cross_entropy" else "F.multi_margin_loss"
        body = f"return {fn}(out, y{', weight=weight' if weighted else ''})"
    else:
        per = PER_SAMPLE[(loss, 1 if n_out == 1 else "k")]
        mean = "(per_sample * weight[y]).sum() / weight[y].sum()" if weighted else "per_sample.mean()"
        body = f"{ONE_HOT if 'target' in per else ''}per_sample = {per}\n    return {mean}"
    return f'''def loss_fn({args}):
    """The {loss} loss on the logits (the output before the last activation).{why}"""
    {body}
'''


def class_weight_code(setting: Any, classes: list[str]) -> tuple[str, str, str]:
    """(constant line, function text, train() line) for the project's class weights."""
    if setting == "balanced":
        fn = '''def balanced_weights(y):
    """One weight per class, n / (classes * count) on the training labels, so rare classes count more."""
    counts = torch.bincount(y, minlength=len(CLASSES)).double()
    w = torch.where(counts > 0, counts.sum() / (len(CLASSES) * counts.clamp_min(1)), torch.ones_like(counts))
    return w.float()
'''
        return "", fn, "weight = balanced_weights(ytr).to(DEVICE)"
    unknown = [c for c in setting if c not in classes]
    if unknown:
        raise ExportFailed("training.class_weights", msg("names a class the data does not have"), unknown[0],
                           msg("use class names from the data: {listing}", listing=", ".join(classes)))
    weights = [float(setting.get(c, 1.0)) for c in classes]
    const = f"CLASS_WEIGHTS = {weights!r}  # one per class, in the order of CLASSES\n"
    return const, "", "weight = torch.tensor(CLASS_WEIGHTS).to(DEVICE)"


def metrics_code(task: str, names: list[str], n_out: int) -> str:
    """scores(out, y): the project's metrics, computed as layerlab.engine.metrics computes them."""
    if task == "classification":
        pred = "(out[:, 0] > 0).long()" if n_out == 1 else "out.argmax(dim=1)"
        lines = [f"pred = {pred}"] if set(names) - {"top_k_accuracy"} else []
        values = {"accuracy": "float((pred == y).float().mean())"}
        if "top_k_accuracy" in names and n_out <= TOP_K:
            values["top_k_accuracy"] = f"1.0  # every class is among the {TOP_K} most likely"
        elif "top_k_accuracy" in names:
            lines.append(f"top = out.topk({TOP_K}, dim=1).indices  # the {TOP_K} most likely classes")
            values["top_k_accuracy"] = "float((top == y[:, None]).any(dim=1).float().mean())"
        if any(n in ("precision", "recall", "f1") for n in names):
            lines.append("precision, recall, f1 = macro_scores(pred, y)")
            values.update(precision="precision", recall="recall", f1="f1")
    else:
        lines = ["d = out.double() - y.double()"]
        values = {"mse": "float((d * d).mean())", "mae": "float(d.abs().mean())"}
        if "r2" in names:
            lines += ["sst = ((y.double() - y.double().mean(0)) ** 2).sum(0)",
                      "r2 = torch.where(sst > 0, 1 - (d * d).sum(0) / sst.clamp_min(1e-300), torch.zeros_like(sst))"]
            values["r2"] = "float(r2.mean())"
    entries = "".join(f'\n        "{n}": {values[n]},' for n in names)
    body = "\n    ".join(lines)
    text = f'''def scores(out, y):
    """The project's metrics for {"logits" if task == "classification" else "outputs"} and targets."""
    {body}
    return {{{entries}
    }}
'''
    if "precision, recall" in text:
        text += '''

def macro_scores(pred, y):
    """Macro precision, recall and f1 over the classes that occur, as scikit-learn computes them."""
    k = max(len(CLASSES), 2)
    cm = torch.bincount(y * k + pred, minlength=k * k).reshape(k, k).double().cpu()  # rows: true class
    tp, support, predicted = cm.diag(), cm.sum(1), cm.sum(0)
    zero = torch.zeros_like(tp)
    precision = torch.where(predicted > 0, tp / predicted.clamp_min(1), zero)
    recall = torch.where(support > 0, tp / support.clamp_min(1), zero)
    both = precision + recall
    f1 = torch.where(both > 0, 2 * precision * recall / both.clamp_min(1e-12), zero)
    present = (support + predicted) > 0
    return [float(v[present].mean()) if bool(present.any()) else 0.0 for v in (precision, recall, f1)]
'''
    return text


def schedule_kind(s: Any) -> str:
    """The schedule as the script writes it: 'warmup' over 0 epochs and the like are 'constant'."""
    if s.type not in SCHEDULE_NAMES:
        raise ExportFailed("training.schedule.type", msg("is not a known schedule"), s.type,
                           msg("use one of {listing}", listing=", ".join(SCHEDULE_NAMES)))
    return "constant" if s.type == "warmup" and s.warmup_epochs <= 0 else s.type


def schedule_constants(s: Any) -> str:
    """The schedule's settings as constants (empty for a constant rate)."""
    kind = schedule_kind(s)
    if kind == "constant":
        return ""
    names = {"step": "STEP_SIZE, GAMMA, MIN_LR", "reduce_on_plateau": "GAMMA, PLATEAU_PATIENCE, MIN_LR",
             "warmup": "WARMUP_EPOCHS, MIN_LR"}.get(kind, "MIN_LR")
    values = {"STEP_SIZE": s.step_size, "GAMMA": s.gamma, "PLATEAU_PATIENCE": s.patience,
              "WARMUP_EPOCHS": s.warmup_epochs, "MIN_LR": s.min_lr}
    return f"{names} = {', '.join(repr(values[n]) for n in names.split(', '))}  # the {kind!r} learning-rate schedule\n"


def schedule_code(s: Any) -> str:
    """set_learning_rate() and learning_rate(pos) (or the Plateau class), as layerlab.engine.schedules."""
    kind = schedule_kind(s)
    if kind == "constant":
        return ""
    when = "batch" if kind in PER_BATCH else "epoch"
    return f'''def set_learning_rate(optimizer, lr):
    """Give every parameter group the rate lr (the schedule sets it before each {when})."""
    for group in optimizer.param_groups:
        group["lr"] = lr


''' + _rate_code(s, kind)


def _rate_code(s: Any, kind: str) -> str:
    head = f'''def learning_rate(pos):
    """The {kind!r} schedule's rate at a position in epochs (0 = start, 1.5 = halfway through epoch 2)."""
'''
    if kind == "step":
        return head + "    return max(LR * GAMMA ** int(pos // STEP_SIZE), MIN_LR)\n"
    if kind == "cosine":
        return head + '''    frac = min(max(pos / EPOCHS, 0.0), 1.0)
    return max(LR * (0.5 * (1 + math.cos(math.pi * frac))), MIN_LR)
'''
    if kind == "one_cycle":
        return head + '''    frac = min(max(pos / EPOCHS, 0.0), 1.0)
    if frac < 0.3:  # 30 % of the run rising from LR / 25 to LR
        lo = 1 / 25
        return max(LR * (lo + (1 - lo) * 0.5 * (1 - math.cos(math.pi * frac / 0.3))), MIN_LR)
    lo = 1 / 25 / 1e4  # then down along a cosine to LR / 250000
    return max(LR * (lo + (1 - lo) * 0.5 * (1 + math.cos(math.pi * (frac - 0.3) / 0.7))), MIN_LR)
'''
    if kind == "warmup":
        return head + '''    factor = min(1.0, (pos + 1 / 16) / WARMUP_EPOCHS) if pos < WARMUP_EPOCHS else 1.0
    return max(LR * factor, MIN_LR)
'''
    return '''class Plateau:
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
