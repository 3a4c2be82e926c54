"""Weight initializers by name (Keras' names and Keras' formulas, applied with torch.nn.init).

The fan-based ones follow Keras' variance scaling: uniform within ±sqrt(3·scale/fan), or a
normal truncated at two standard deviations whose spread is corrected for the truncation.
A 1-D tensor (a bias) counts its length as both fans, as Keras does.

>>> import torch
>>> w = torch.empty(3, 4); init_tensor(w, "ones"); float(w.sum())
12.0
>>> w = torch.empty(64, 100); init_tensor(w, "he_uniform"); bool(w.abs().max() <= (6 / 100) ** 0.5)
True
"""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch import nn

from ..spec.params import Param

# std of a unit normal truncated to [-2, 2]; Keras divides by it so the spread stays as asked
_TRUNC_STD = 0.87962566103423978


def _fans(t: torch.Tensor) -> tuple[int, int]:
    if t.dim() < 2:
        return t.numel(), t.numel()
    return nn.init._calculate_fan_in_and_fan_out(t)


def _scaling(scale: float, mode: str, uniform: bool) -> Callable[[torch.Tensor], None]:
    """Keras' VarianceScaling: glorot (1, fan_avg), he (2, fan_in), lecun (1, fan_in)."""
    def init(t: torch.Tensor) -> None:
        fan_in, fan_out = _fans(t)
        fan = fan_in if mode == "fan_in" else (fan_in + fan_out) / 2
        var = scale / max(1.0, fan)
        if uniform:
            limit = math.sqrt(3.0 * var)
            nn.init.uniform_(t, -limit, limit)
        else:
            std = math.sqrt(var) / _TRUNC_STD
            nn.init.trunc_normal_(t, 0.0, std, -2 * std, 2 * std)
    return init


def _orthogonal(t: torch.Tensor) -> None:
    # a 1-D tensor is taken as one row: a random unit vector
    nn.init.orthogonal_(t if t.dim() >= 2 else t.view(1, -1))


def _identity(t: torch.Tensor) -> None:
    if t.dim() == 2:
        nn.init.eye_(t)
    elif 3 <= t.dim() <= 5:
        nn.init.dirac_(t)  # convolution kernels that pass each channel through
    else:
        nn.init.ones_(t)


INITIALIZERS: dict[str, Callable[[torch.Tensor], None] | None] = {
    "default": None,  # PyTorch's own default for the layer
    "glorot_uniform": _scaling(1.0, "fan_avg", True),
    "glorot_normal": _scaling(1.0, "fan_avg", False),
    "he_uniform": _scaling(2.0, "fan_in", True),
    "he_normal": _scaling(2.0, "fan_in", False),
    "lecun_uniform": _scaling(1.0, "fan_in", True),
    "lecun_normal": _scaling(1.0, "fan_in", False),
    "orthogonal": _orthogonal,
    "identity": _identity,
    "zeros": nn.init.zeros_,
    "ones": nn.init.ones_,
    "constant": lambda t: nn.init.constant_(t, 0.1),
    "random_uniform": lambda t: nn.init.uniform_(t, -0.05, 0.05),
    "random_normal": lambda t: nn.init.normal_(t, 0.0, 0.05),
    "truncated_normal": lambda t: nn.init.trunc_normal_(t, 0.0, 0.05, -0.1, 0.1),
}


def init_tensor(t: torch.Tensor, name: str) -> None:
    """Fill a tensor in place by initializer name ('default' leaves it as PyTorch made it)."""
    fn = INITIALIZERS[name]
    if fn is not None:
        with torch.no_grad():
            fn(t)


def is_bias(param_name: str) -> bool:
    """True for bias tensors: 'bias', 'core.bias', and recurrent 'bias_ih_l0'."""
    return param_name.rsplit(".", 1)[-1].startswith("bias")


def init_module(module: nn.Module, kernel: str, bias: str) -> None:
    """Initialise every weight/bias parameter of a module by name."""
    for pname, t in module.named_parameters():
        init_tensor(t, bias if is_bias(pname) else kernel)


INIT_PARAMS = (
    Param("kernel_initializer", "choice", "default", "How the weights start before training.",
          choices=tuple(INITIALIZERS), expert=True),
    Param("bias_initializer", "choice", "default", "How the biases start before training.",
          choices=tuple(INITIALIZERS), expert=True),
)

_WHAT_EN = {"kernel": "weights", "bias": "biases", "activity": "outputs (activity)"}

REGULARIZER_PARAMS = tuple(
    Param(f"{what}_{kind}", "float", 0.0, f"{kind.upper()} penalty on the {_WHAT_EN[what]} (0 = off).", min=0.0,
          expert=True)
    for what in ("kernel", "bias", "activity") for kind in ("l1", "l2")
)


def reg_kwargs(p: dict) -> dict:
    """The regularisation weights of resolved params, for modules.Activated."""
    return {r.name: p.get(r.name, 0.0) for r in REGULARIZER_PARAMS}
