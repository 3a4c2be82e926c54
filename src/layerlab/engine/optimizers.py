"""Optimizers by the names in `layerlab.spec.catalog.OPTIMIZERS`: one entry each, carrying its torch code once.

An entry's `code(training)` is the optimizer line the standalone script writes (naming only
the settings that differ from torch's defaults), and `build()` evaluates that same text, so
the engine's optimizer and the script's cannot drift.

`weight_decay` is decoupled for adamw (as its name promises) and an L2 term in the
gradient for the others, which is what torch does for each.

SGD, Adam, AdamW and Adagrad use torch's fused kernels (`fused=True`: one kernel updates every
parameter, instead of a few small ops per parameter tensor): the MLP of bench/throughput.py
trains about 1.1-1.2x faster with them (bench/RESULTS.md, "Speed"). Their arithmetic differs
from the default implementation in the last bits (2e-7 relative after 20 epochs), so the
exported script creates the same fused optimizer and its history still equals the engine's.
The others have no fused kernel and keep torch's default.

>>> import torch
>>> from layerlab.spec.models import TrainingSpec
>>> t = TrainingSpec(optimizer="sgd", momentum=0.9, nesterov=True)
>>> OPTIMIZERS["sgd"].code(t)
'torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9, nesterov=True, fused=True)'
>>> opt = make_optimizer(t, [torch.nn.Parameter(torch.zeros(2))])
>>> type(opt).__name__, opt.param_groups[0]["nesterov"]
('SGD', True)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import torch

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from .codetext import evaluate
from .setup import speed_off


def _fused() -> bool:
    return "fused" not in speed_off()


@dataclass(frozen=True)
class Optimizer:
    """One optimizer: its torch class and which training settings it takes besides lr and weight_decay."""

    name: str
    cls: str                  # the class in torch.optim
    momentum: bool = False    # takes training.momentum
    nesterov: bool = False    # takes training.nesterov
    fused: bool = False       # has a fused kernel (built with it unless LAYERLAB_SPEED_OFF names "fused")

    def check(self, t: Any) -> None:
        """SpecError for settings this optimizer cannot honour (the engine and the script alike)."""
        if self.nesterov and t.nesterov and t.momentum <= 0:
            raise SpecError("training.nesterov", msg("needs momentum above 0"), t.momentum,
                            msg("set training.momentum to e.g. {value}, or turn nesterov off", value=0.9),
                            [Fix(msg("set momentum to {value}", value=0.9),
                                 [{"op": "set", "path": "training.momentum", "value": 0.9}])])

    def code(self, t: Any, params: str = "model.parameters()", lr: str = "LR", fused: bool = True) -> str:
        """The torch expression creating this optimizer for training settings t (a TrainingSpec)."""
        args = [params, f"lr={lr}"]
        if self.momentum and t.momentum > 0:
            args.append(f"momentum={t.momentum!r}")
        if self.nesterov and t.nesterov:
            args.append("nesterov=True")
        if t.weight_decay > 0:
            args.append(f"weight_decay={t.weight_decay!r}")
        if self.fused:  # the fused kernel: faster, and the same arithmetic in the engine and the script
            args.append(f"fused={fused}")
        return f"torch.optim.{self.cls}({', '.join(args)})"

    def build(self, t: Any, params: Iterable[torch.nn.Parameter], fused: bool | None = None) -> torch.optim.Optimizer:
        """The optimizer code() writes, evaluated over params with the learning rate t.learning_rate."""
        self.check(t)
        return evaluate(self.code(t, "params", "lr", _fused() if fused is None else fused),
                        params=list(params), lr=t.learning_rate)


def _table(*entries: Optimizer) -> dict[str, Optimizer]:
    return {e.name: e for e in entries}


OPTIMIZERS = _table(
    Optimizer("sgd", "SGD", momentum=True, nesterov=True, fused=True),
    Optimizer("adam", "Adam", fused=True),
    Optimizer("adamw", "AdamW", fused=True),
    Optimizer("rmsprop", "RMSprop", momentum=True),
    Optimizer("adagrad", "Adagrad", fused=True),
    Optimizer("adadelta", "Adadelta"),
    Optimizer("adamax", "Adamax"),
    Optimizer("nadam", "NAdam"),
)
FUSED = frozenset(n for n, e in OPTIMIZERS.items() if e.fused)


def get_optimizer(name: str) -> Optimizer:
    """The entry for a catalog name, or a SpecError naming the known ones."""
    if name not in OPTIMIZERS:
        raise SpecError("training.optimizer", msg("is not a known optimizer"), name,
                        msg("use one of {listing}", listing=", ".join(sorted(OPTIMIZERS))))
    return OPTIMIZERS[name]


def make_optimizer(training: Any, params: Iterable[torch.nn.Parameter]) -> torch.optim.Optimizer:
    """A torch optimizer for the spec's training section (a TrainingSpec)."""
    return get_optimizer(training.optimizer).build(training, params)
