"""Weight initializers by name (Keras' names, PyTorch's functions).

>>> import torch
>>> w = torch.empty(3, 4); init_tensor(w, "ones"); float(w.sum())
12.0
"""
from __future__ import annotations

import math

import torch
from torch import nn

from ..spec.params import Param


def _lecun(t: torch.Tensor, uniform: bool) -> None:
    fan_in = nn.init._calculate_fan_in_and_fan_out(t)[0] if t.dim() > 1 else t.numel()
    if uniform:
        limit = math.sqrt(3.0 / fan_in)
        nn.init.uniform_(t, -limit, limit)
    else:
        nn.init.trunc_normal_(t, 0.0, math.sqrt(1.0 / fan_in), -2 * math.sqrt(1.0 / fan_in), 2 * math.sqrt(1.0 / fan_in))


INITIALIZERS = {
    "default": None,  # PyTorch's own default for the layer
    "glorot_uniform": lambda t: nn.init.xavier_uniform_(t),
    "glorot_normal": lambda t: nn.init.xavier_normal_(t),
    "he_uniform": lambda t: nn.init.kaiming_uniform_(t, nonlinearity="relu"),
    "he_normal": lambda t: nn.init.kaiming_normal_(t, nonlinearity="relu"),
    "lecun_uniform": lambda t: _lecun(t, True),
    "lecun_normal": lambda t: _lecun(t, False),
    "orthogonal": lambda t: nn.init.orthogonal_(t),
    "zeros": lambda t: nn.init.zeros_(t),
    "ones": lambda t: nn.init.ones_(t),
    "constant": lambda t: nn.init.constant_(t, 0.1),
    "random_uniform": lambda t: nn.init.uniform_(t, -0.05, 0.05),
    "random_normal": lambda t: nn.init.normal_(t, 0.0, 0.05),
    "truncated_normal": lambda t: nn.init.trunc_normal_(t, 0.0, 0.05, -0.1, 0.1),
}
_NEEDS_2D = {"glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "orthogonal", "lecun_uniform", "lecun_normal"}


def init_tensor(t: torch.Tensor, name: str) -> None:
    """Fill a tensor in place by initializer name; fan-based ones fall back for 1-D tensors."""
    fn = INITIALIZERS[name]
    if fn is None:
        return
    with torch.no_grad():
        if name in _NEEDS_2D and t.dim() < 2:
            nn.init.zeros_(t) if name != "orthogonal" else nn.init.normal_(t, 0, 0.05)
        else:
            fn(t)


def init_module(module: nn.Module, kernel: str, bias: str) -> None:
    """Initialise every weight/bias parameter of a module by name."""
    for pname, t in module.named_parameters():
        init_tensor(t, bias if pname.endswith("bias") else kernel)


INIT_PARAMS = (
    Param("kernel_initializer", "choice", "default", "How the weights start before training.",
          choices=tuple(INITIALIZERS), expert=True, description_de="Wie die Gewichte vor dem Training starten."),
    Param("bias_initializer", "choice", "default", "How the biases start before training.",
          choices=tuple(INITIALIZERS), expert=True, description_de="Wie die Biases vor dem Training starten."),
)

REGULARIZER_PARAMS = tuple(
    Param(f"{what}_{kind}", "float", 0.0, f"{kind.upper()} penalty on the {what} (0 = off).", min=0.0,
          expert=True, description_de=f"{kind.upper()}-Strafe auf {what} (0 = aus).")
    for what in ("kernel", "bias", "activity") for kind in ("l1", "l2")
)


def reg_kwargs(p: dict) -> dict:
    """The regularisation weights of resolved params, for modules.Activated."""
    return {r.name: p.get(r.name, 0.0) for r in REGULARIZER_PARAMS}
