"""Adversarial examples: small input changes that flip a prediction (FGSM and PGD, L-infinity).

FGSM takes one step of size epsilon along the sign of the loss gradient; PGD takes several
smaller steps and projects back into the epsilon box after each. At epsilon 0 both return
the input unchanged.

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 2}], (3,), seed=0)
>>> x, y = torch.randn(4, 3), torch.tensor([0, 1, 0, 1])
>>> bool((fgsm(net, x, y, 0.0) == x).all())
True
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from ..i18n import msg
from ..spec.errors import SpecError
from .trace import eval_mode, need_numbers, predict
from .weights import loss_per_example


def _check_eps(eps: float) -> float:
    if not isinstance(eps, (int, float)) or eps < 0:
        raise SpecError("epsilon", msg("must be a number of at least 0"), eps, msg("use e.g. {example}", example=0.1))
    return float(eps)


def _loss_gradient(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """d loss / d x, each sample's loss on its own: (B, *input_shape)."""
    need_numbers(x, msg("an adversarial attack"))
    with eval_mode(net):
        xg = x.detach().clone().requires_grad_(True)
        (g,) = torch.autograd.grad(loss_per_example(net, xg, y).sum(), xg)
    return g


def _clip(x: torch.Tensor, bounds: tuple[float, float] | None) -> torch.Tensor:
    return x if bounds is None else x.clamp(bounds[0], bounds[1])


def fgsm(net: nn.Module, x: torch.Tensor, y: torch.Tensor, epsilon: float,
         bounds: tuple[float, float] | None = None) -> torch.Tensor:
    """Fast gradient sign method: x + epsilon * sign(grad of the loss)."""
    eps = _check_eps(epsilon)
    if eps == 0:
        return x.clone()
    return _clip(x + eps * _loss_gradient(net, x, y).sign(), bounds).detach()


def pgd(net: nn.Module, x: torch.Tensor, y: torch.Tensor, epsilon: float, steps: int = 10,
        step_size: float | None = None, random_start: bool = True, seed: int = 0,
        bounds: tuple[float, float] | None = None) -> torch.Tensor:
    """Projected gradient descent (Madry et al.): steps of sign-gradient ascent kept within epsilon of x."""
    eps = _check_eps(epsilon)
    if eps == 0:
        return x.clone()
    alpha = step_size if step_size is not None else 2.5 * eps / max(steps, 1)
    adv = x.clone()
    if random_start:
        gen = torch.Generator().manual_seed(seed)
        adv = adv + (torch.rand(x.shape, generator=gen) * 2 - 1) * eps
    for _ in range(steps):
        adv = adv + alpha * _loss_gradient(net, adv, y).sign()
        adv = _clip(torch.max(torch.min(adv, x + eps), x - eps), bounds).detach()  # back into the box
    return adv


ATTACKS = {"fgsm": fgsm, "pgd": pgd}


@dataclass
class AttackResult:
    """One attack on a batch: inputs, perturbation and predictions before and after."""

    method: str
    epsilon: float
    x: torch.Tensor              # (B, *input_shape)
    adversarial: torch.Tensor    # (B, *input_shape)
    probs_before: torch.Tensor   # (B, classes)
    probs_after: torch.Tensor    # (B, classes)

    @property
    def perturbation(self) -> torch.Tensor:
        return self.adversarial - self.x

    @property
    def pred_before(self) -> torch.Tensor:
        return self.probs_before.argmax(dim=1)

    @property
    def pred_after(self) -> torch.Tensor:
        return self.probs_after.argmax(dim=1)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "epsilon": self.epsilon,
                "pred_before": self.pred_before.tolist(), "pred_after": self.pred_after.tolist(),
                "confidence_before": self.probs_before.max(dim=1).values.tolist(),
                "confidence_after": self.probs_after.max(dim=1).values.tolist(),
                "changed": (self.pred_before != self.pred_after).tolist(),
                "max_abs_perturbation": float(self.perturbation.abs().max()) if self.x.numel() else 0.0}


def _method(name: str):
    if name not in ATTACKS:
        raise SpecError("method", msg("is not an attack"), name, msg("use 'fgsm' or 'pgd'"))
    return ATTACKS[name]


def _classification(y: torch.Tensor) -> None:
    if y.dtype != torch.int64:
        raise SpecError("task", msg("adversarial examples are shown for classification"), str(y.dtype),
                        msg("use a classification project"))


def attack(net: nn.Module, x: torch.Tensor, y: torch.Tensor, method: str = "fgsm", epsilon: float = 0.1,
           **options) -> AttackResult:
    """Attack a batch and report how the predictions change."""
    _classification(y)
    adv = _method(method)(net, x, y, epsilon, **options)
    with eval_mode(net):
        before = torch.softmax(predict(net, x), dim=1)          # (B, classes)
        after = torch.softmax(predict(net, adv), dim=1)         # (B, classes)
    return AttackResult(method, float(epsilon), x, adv, before, after)


def accuracy_under_attack(net: nn.Module, x: torch.Tensor, y: torch.Tensor, epsilons: list[float],
                          method: str = "fgsm", batch_size: int = 256, **options) -> list[dict[str, float]]:
    """Accuracy on (x, y) after attacking every sample, for each epsilon."""
    _classification(y)
    fn = _method(method)
    rows = []
    for eps in epsilons:
        correct = 0
        for s in range(0, x.shape[0], batch_size):
            xb, yb = x[s:s + batch_size], y[s:s + batch_size]
            adv = fn(net, xb, yb, eps, **options)
            with eval_mode(net):
                correct += int((predict(net, adv).argmax(dim=1) == yb).sum())
        rows.append({"epsilon": float(eps), "accuracy": correct / max(x.shape[0], 1)})
    return rows
