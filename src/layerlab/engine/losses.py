"""Losses by the names in `layerlab.spec.catalog.LOSSES`, each computed stably from logits.

Classification losses take the network's logits (before its final softmax/sigmoid) and
integer class targets; regression losses take the network's output and float targets.
`class_weights` (one weight per class) scales each sample by the weight of its class.

>>> import torch
>>> loss = make_loss("cross_entropy", n_outputs=3)
>>> round(float(loss(torch.zeros(2, 3), torch.tensor([0, 2]))), 4)
1.0986
"""
from __future__ import annotations

import math
from typing import Callable

import torch
import torch.nn.functional as F

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
_LOG2 = math.log(2.0)


def _weighted_mean(per_sample: torch.Tensor, y: torch.Tensor, w: torch.Tensor | None) -> torch.Tensor:
    if w is None:
        return per_sample.mean()
    sw = w[y]
    return (per_sample * sw).sum() / sw.sum()


def _cross_entropy(w):
    return lambda z, y: F.cross_entropy(z, y, weight=w)


def _binary_cross_entropy(w):
    def fn(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if z.shape[1] == 1:  # one sigmoid unit: P(class 1)
            per = F.binary_cross_entropy_with_logits(z[:, 0], y.to(z.dtype), reduction="none")
        else:  # one yes/no unit per class (one-vs-rest)
            target = F.one_hot(y, z.shape[1]).to(z.dtype)
            per = F.binary_cross_entropy_with_logits(z, target, reduction="none").sum(dim=1)
        return _weighted_mean(per, y, w)
    return fn


def _hinge(w):
    def fn(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if z.shape[1] == 1:  # binary: targets ±1, margin 1
            per = F.relu(1.0 - z[:, 0] * (2.0 * y.to(z.dtype) - 1.0))
            return _weighted_mean(per, y, w)
        return F.multi_margin_loss(z, y, weight=w)
    return fn


def _kl_divergence(w):
    def fn(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if y.dtype.is_floating_point and y.dim() == 2:  # target distributions
            target = y
        else:
            target = F.one_hot(y, z.shape[1]).to(z.dtype)
        per = F.kl_div(F.log_softmax(z, dim=1), target, reduction="none").sum(dim=1)
        return per.mean() if target is y else _weighted_mean(per, y, w)
    return fn


def _log_cosh(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    d = p - y
    return (d + F.softplus(-2.0 * d) - _LOG2).mean()  # log(cosh d) without overflow


def _poisson(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    # Keras' form: the output is the rate; the log is guarded so a negative output only pushes up.
    return (p - y * torch.log(p.clamp_min(0.0) + 1e-7)).mean()


def _cosine(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return 1.0 - F.cosine_similarity(p, y, dim=1, eps=1e-8).mean()


REGRESSION: dict[str, LossFn] = {
    "mse": F.mse_loss,
    "mae": F.l1_loss,
    "huber": lambda p, y: F.huber_loss(p, y, delta=1.0),
    "smooth_l1": lambda p, y: F.smooth_l1_loss(p, y, beta=1.0),
    "poisson": _poisson,
    "log_cosh": _log_cosh,
    "cosine_similarity": _cosine,
}
CLASSIFICATION = {
    "cross_entropy": _cross_entropy,
    "binary_cross_entropy": _binary_cross_entropy,
    "hinge": _hinge,
    "kl_divergence": _kl_divergence,
}
LOSSES = {**{k: (lambda f: (lambda w: f))(f) for k, f in REGRESSION.items()}, **CLASSIFICATION}


def is_classification_loss(name: str) -> bool:
    return name in CLASSIFICATION


def make_loss(name: str, n_outputs: int = 1, class_weights: torch.Tensor | None = None) -> LossFn:
    """The loss function for a catalog name: fn(logits_or_outputs, targets) -> scalar tensor."""
    if name not in LOSSES:
        from ..i18n import msg
        from ..spec.errors import SpecError
        raise SpecError("training.loss", msg("is not a known loss"), name,
                        msg("use one of {listing}", listing=", ".join(sorted(LOSSES))))
    if name in CLASSIFICATION:
        return CLASSIFICATION[name](class_weights)
    base = REGRESSION[name]
    return lambda p, y: base(p, y.reshape(p.shape) if y.numel() == p.numel() else y)
