"""Optimizers by the names in `layerlab.spec.catalog.OPTIMIZERS`, configured from the training spec.

`weight_decay` is decoupled for adamw (as its name promises) and an L2 term in the
gradient for the others, which is what torch does for each.

SGD, Adam, AdamW and Adagrad use torch's fused kernels (`fused=True`: one kernel updates every
parameter, instead of a few small ops per parameter tensor): the MLP of bench/throughput.py
trains about 1.1-1.2x faster with them (bench/RESULTS.md, "Speed"). Their arithmetic differs
from the default implementation in the last bits (2e-7 relative after 20 epochs), so the
exported script creates the same fused optimizer (`FUSED`, export/script_training.py) and its
history still equals the engine's. The others have no fused kernel and keep torch's default.

>>> import torch
>>> from layerlab.spec.models import TrainingSpec
>>> opt = make_optimizer(TrainingSpec(optimizer="sgd", momentum=0.9, nesterov=True), [torch.nn.Parameter(torch.zeros(2))])
>>> type(opt).__name__, opt.param_groups[0]["nesterov"]
('SGD', True)
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

import torch

from ..i18n import msg
from ..spec.errors import Fix, SpecError


def _fused() -> bool:
    from .setup import speed_off
    return "fused" not in speed_off()


def _sgd(t, params):
    if t.nesterov and t.momentum <= 0:
        raise SpecError("training.nesterov", msg("needs momentum above 0"), t.momentum,
                        msg("set training.momentum to e.g. {value}, or turn nesterov off", value=0.9),
                        [Fix(msg("set momentum to {value}", value=0.9),
                             [{"op": "set", "path": "training.momentum", "value": 0.9}])])
    return torch.optim.SGD(params, lr=t.learning_rate, momentum=t.momentum, nesterov=t.nesterov,
                           weight_decay=t.weight_decay, fused=_fused())


OPTIMIZERS: dict[str, Callable[[Any, Iterable[torch.nn.Parameter]], torch.optim.Optimizer]] = {
    "sgd": _sgd,
    "adam": lambda t, p: torch.optim.Adam(p, lr=t.learning_rate, weight_decay=t.weight_decay, fused=_fused()),
    "adamw": lambda t, p: torch.optim.AdamW(p, lr=t.learning_rate, weight_decay=t.weight_decay, fused=_fused()),
    "rmsprop": lambda t, p: torch.optim.RMSprop(p, lr=t.learning_rate, momentum=t.momentum,
                                                weight_decay=t.weight_decay),
    "adagrad": lambda t, p: torch.optim.Adagrad(p, lr=t.learning_rate, weight_decay=t.weight_decay, fused=_fused()),
    "adadelta": lambda t, p: torch.optim.Adadelta(p, lr=t.learning_rate, weight_decay=t.weight_decay),
    "adamax": lambda t, p: torch.optim.Adamax(p, lr=t.learning_rate, weight_decay=t.weight_decay),
    "nadam": lambda t, p: torch.optim.NAdam(p, lr=t.learning_rate, weight_decay=t.weight_decay),
}
FUSED = frozenset({"sgd", "adam", "adamw", "adagrad"})  # built with fused=True above (the script follows)


def make_optimizer(training: Any, params: Iterable[torch.nn.Parameter]) -> torch.optim.Optimizer:
    """A torch optimizer for the spec's training section (a TrainingSpec)."""
    name = training.optimizer
    if name not in OPTIMIZERS:
        raise SpecError("training.optimizer", msg("is not a known optimizer"), name,
                        msg("use one of {listing}", listing=", ".join(sorted(OPTIMIZERS))))
    return OPTIMIZERS[name](training, list(params))
