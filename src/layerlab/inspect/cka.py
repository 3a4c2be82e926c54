"""Representation similarity: linear CKA (Kornblith et al. 2019).

CKA(X, Y) = ||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F) for centred activations of the
same N samples. It is 1 for identical representations and does not change under an
orthogonal rotation or an isotropic scaling of either one.

>>> import torch
>>> x = torch.randn(50, 8)
>>> round(linear_cka(x, x), 6)
1.0
"""
from __future__ import annotations

import torch
from torch import nn

from ..i18n import msg
from ..spec.errors import SpecError
from .trace import eval_mode, layer_index, layers_of, trace, types_of


def linear_cka(x: torch.Tensor, y: torch.Tensor) -> float:
    """Linear CKA of two representations of the same samples: x (N, ...), y (N, ...)."""
    if x.shape[0] != y.shape[0]:
        raise SpecError("samples", msg("CKA compares two representations of the same samples"), (x.shape[0], y.shape[0]),
                        msg("use the same inputs for both"))
    a = x.reshape(x.shape[0], -1).double()
    b = y.reshape(y.shape[0], -1).double()
    a = a - a.mean(dim=0, keepdim=True)                         # (N, p)
    b = b - b.mean(dim=0, keepdim=True)                         # (N, q)
    if max(a.shape[1], b.shape[1]) > a.shape[0]:
        # wide layers: the N x N Gram form is cheaper and gives the same value
        ka, kb = a @ a.T, b @ b.T                               # (N, N)
        num, da, db = (ka * kb).sum(), (ka * ka).sum().sqrt(), (kb * kb).sum().sqrt()
    else:
        num = ((b.T @ a) ** 2).sum()
        da, db = torch.linalg.matrix_norm(a.T @ a), torch.linalg.matrix_norm(b.T @ b)
    if da == 0 or db == 0:
        return 0.0  # a constant representation carries no information to compare
    return float(num / (da * db))


def _all_outputs(net: nn.Module, x: torch.Tensor) -> list[torch.Tensor]:
    with eval_mode(net), torch.no_grad():
        return [o.reshape(o.shape[0], -1) for o in trace(net, x)]


def cka_matrix(net: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """CKA between every pair of layers of one network on samples x: (L, L), symmetric."""
    outs = _all_outputs(net, x)
    n = len(outs)
    m = torch.eye(n, dtype=torch.float64)
    for i in range(n):
        for j in range(i + 1, n):
            m[i, j] = m[j, i] = linear_cka(outs[i], outs[j])
    return m


def cka_between(net_a: nn.Module, net_b: nn.Module, x: torch.Tensor, layer=None) -> dict[int, float] | float:
    """CKA of the same layer in two networks (two runs) on the same samples.

    With layer=None, every layer position both networks share; else the one layer.
    """
    if layer is not None:
        ia, ib = layer_index(net_a, layer), layer_index(net_b, layer)
        with eval_mode(net_a), eval_mode(net_b), torch.no_grad():
            return linear_cka(trace(net_a, x, upto=ia)[ia], trace(net_b, x, upto=ib)[ib])
    if types_of(net_a) != types_of(net_b):
        raise SpecError("run", msg("the two runs have different layers, so layers cannot be paired by position"),
                        msg("{a} vs {b} layers", a=len(layers_of(net_a)), b=len(layers_of(net_b))),
                        msg("choose one layer in each"))
    oa, ob = _all_outputs(net_a, x), _all_outputs(net_b, x)
    return {i: linear_cka(a, b) for i, (a, b) in enumerate(zip(oa, ob))}
