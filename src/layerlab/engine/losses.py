"""Losses by the names in `layerlab.spec.catalog.LOSSES`: one entry each, carrying its torch code once.

An entry's `code(units, weighted)` is the `loss_fn` the standalone script writes, and `build()`
runs that same text (engine/codetext.py), so the engine's loss and the script's cannot drift.
Classification losses take the network's logits (before its final softmax/sigmoid) and
integer class targets, computed stably from the logits; regression losses take the network's
output and float targets. Class weights (one per class, `class_weights()`) scale each sample
by the weight of its class.

>>> import torch
>>> loss = make_loss("cross_entropy", n_outputs=3)
>>> round(float(loss(torch.zeros(2, 3), torch.tensor([0, 2]))), 4)
1.0986
>>> print(LOSSES["hinge"].code(1, weighted=False))
def loss_fn(out, y):
    \"\"\"The hinge loss on the logits (the output before the last activation).\"\"\"
    per_sample = F.relu(1.0 - out[:, 0] * (2.0 * y.float() - 1.0))
    return per_sample.mean()
<BLANKLINE>
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch

from ..i18n import msg
from ..spec.errors import SpecError
from .codetext import define

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
CLASSIFICATION, REGRESSION = "classification", "regression"
ONE_HOT = "target = F.one_hot(y, out.shape[1]).float()"
WEIGHTED_MEAN = "(per_sample * weight[y]).sum() / weight[y].sum()"


@dataclass(frozen=True)
class Form:
    """A loss as torch code over `out` (logits or outputs) and `y` (targets).

    per_sample: the code gives one value per sample, averaged (by the class weights when given);
    otherwise it is the batch's loss, and `{weight}` in it stands for the weight argument.
    """

    expr: str
    per_sample: bool = False


@dataclass(frozen=True)
class Loss:
    """One loss: its name, the task it suits, and its torch code for one output unit and for several."""

    name: str
    task: str
    one: Form                 # one output unit (P(class 1)), or a regression output of any width
    many: Form | None = None  # one unit per class (None: the same code as one)

    def form(self, units: int) -> Form:
        return self.one if units == 1 or self.many is None else self.many

    def code(self, units: int, weighted: bool = False) -> str:
        """The script's loss_fn(out, y[, weight]) for a network with `units` output units."""
        f = self.form(units)
        if self.task == REGRESSION:
            return f'''def loss_fn(out, y):
    """The {self.name} loss of outputs and targets (both (N, outputs)), as LayerLab trains with it."""
    return {f.expr}
'''
        args = "out, y, weight" if weighted else "out, y"
        why = "\n    Each sample counts with the weight of its class." if weighted else ""
        if f.per_sample:
            mean = WEIGHTED_MEAN if weighted else "per_sample.mean()"
            target = f"{ONE_HOT}\n    " if "target" in f.expr else ""
            body = f"{target}per_sample = {f.expr}\n    return {mean}"
        else:
            body = "return " + f.expr.format(weight=", weight=weight" if weighted else "")
        return f'''def loss_fn({args}):
    """The {self.name} loss on the logits (the output before the last activation).{why}"""
    {body}
'''

    def build(self, units: int, weight: torch.Tensor | None = None) -> LossFn:
        """loss(out, y): the function code() writes, run as the engine's loss."""
        fn = define(self.code(units, weight is not None), "loss_fn")
        return fn if weight is None else (lambda out, y: fn(out, y, weight))


def _table(*entries: Loss) -> dict[str, Loss]:
    return {e.name: e for e in entries}


_KL = Form('F.kl_div(F.log_softmax(out, dim=1), target, reduction="none").sum(dim=1)', per_sample=True)
LOSSES = _table(
    Loss("cross_entropy", CLASSIFICATION, Form("F.cross_entropy(out, y{weight})")),
    Loss("binary_cross_entropy", CLASSIFICATION,  # one sigmoid unit: P(class 1); else one yes/no unit per class
         Form('F.binary_cross_entropy_with_logits(out[:, 0], y.float(), reduction="none")', per_sample=True),
         Form('F.binary_cross_entropy_with_logits(out, target, reduction="none").sum(dim=1)', per_sample=True)),
    Loss("hinge", CLASSIFICATION,  # binary: targets ±1, margin 1
         Form("F.relu(1.0 - out[:, 0] * (2.0 * y.float() - 1.0))", per_sample=True),
         Form("F.multi_margin_loss(out, y{weight})")),
    Loss("kl_divergence", CLASSIFICATION, _KL),
    Loss("mse", REGRESSION, Form("F.mse_loss(out, y)")),
    Loss("mae", REGRESSION, Form("F.l1_loss(out, y)")),
    Loss("huber", REGRESSION, Form("F.huber_loss(out, y, delta=1.0)")),
    Loss("smooth_l1", REGRESSION, Form("F.smooth_l1_loss(out, y, beta=1.0)")),
    # Keras' form: the output is the rate; the log is guarded so a negative output only pushes up
    Loss("poisson", REGRESSION, Form("(out - y * torch.log(out.clamp_min(0.0) + 1e-7)).mean()")),
    # log(cosh d) without overflow
    Loss("log_cosh", REGRESSION, Form("((out - y) + F.softplus(-2.0 * (out - y)) - math.log(2.0)).mean()")),
    Loss("cosine_similarity", REGRESSION, Form("1.0 - F.cosine_similarity(out, y, dim=1, eps=1e-8).mean()")),
)


def is_classification_loss(name: str) -> bool:
    return name in LOSSES and LOSSES[name].task == CLASSIFICATION


def get_loss(name: str) -> Loss:
    """The entry for a catalog name, or a SpecError naming the known ones."""
    if name not in LOSSES:
        raise SpecError("training.loss", msg("is not a known loss"), name,
                        msg("use one of {listing}", listing=", ".join(sorted(LOSSES))))
    return LOSSES[name]


def make_loss(name: str, n_outputs: int = 1, class_weights: torch.Tensor | None = None) -> LossFn:
    """The loss function for a catalog name: fn(logits_or_outputs, targets) -> scalar tensor.

    The form (one output unit or one per class) is taken from the logits of the first batch.
    """
    entry = get_loss(name)
    if entry.task == REGRESSION:
        base = entry.build(1)
        return lambda p, y: base(p, y.reshape(p.shape) if y.numel() == p.numel() else y)
    built: dict[bool, LossFn] = {}

    def loss(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        one = z.shape[1] == 1
        fn = built.get(one)
        if fn is None:
            fn = built[one] = entry.build(1 if one else 2, class_weights)
        return fn(z, y)
    return loss


# -- class weights: checked here for the engine and the script alike ----------------------------------
BALANCED_CODE = '''def balanced_weights(y):
    """One weight per class, n / (classes * count) on the training labels, so rare classes count more."""
    counts = torch.bincount(y, minlength=len(CLASSES)).double()
    w = torch.where(counts > 0, counts.sum() / (len(CLASSES) * counts.clamp_min(1)), torch.ones_like(counts))
    return w.float()
'''


def class_weights(setting: Any, classes: list[str], task: str) -> str | list[float] | None:
    """training.class_weights checked against the task and the data's classes: None, 'balanced',
    or one weight per class in the order of classes (a class not named weighs 1)."""
    if setting is None:
        return None
    if task != CLASSIFICATION:
        raise SpecError("training.class_weights", msg("only applies to classification"), setting,
                        msg("remove class_weights for a regression task"))
    if setting == "balanced":
        return "balanced"
    unknown = [c for c in setting if c not in classes]
    if unknown:
        raise SpecError("training.class_weights", msg("names a class the data does not have"), unknown[0],
                        msg("use class names from the data: {listing}", listing=", ".join(classes)))
    return [float(setting.get(c, 1.0)) for c in classes]


def balanced_weights(y: torch.Tensor, classes: list[str]) -> torch.Tensor:
    """The 'balanced' weights of training labels y: the script's balanced_weights(y), run here."""
    return define(BALANCED_CODE, "balanced_weights", CLASSES=classes)(y)
