"""Linear CKA: 1 with itself, invariant to orthogonal rotations and isotropic scaling."""
from __future__ import annotations

import pytest
import torch

from layerlab.engine.build import build_network
from layerlab.inspect.cka import cka_between, cka_matrix, linear_cka


def rotation(n: int, seed: int = 0) -> torch.Tensor:
    """A random orthogonal matrix (n, n)."""
    q, _ = torch.linalg.qr(torch.randn(n, n, generator=torch.Generator().manual_seed(seed), dtype=torch.float64))
    return q


@pytest.mark.parametrize("features", [6, 80])  # narrow (feature form) and wide (Gram form)
def test_cka_is_one_with_itself_and_invariant_to_rotation_and_scaling(features):
    x = torch.randn(40, features, dtype=torch.float64)
    y = torch.tanh(x @ torch.randn(features, 5, dtype=torch.float64))   # another representation of the samples
    assert linear_cka(x, x) == pytest.approx(1.0, abs=1e-9)
    base = linear_cka(x, y)
    assert base < 0.999
    q = rotation(features)
    assert linear_cka(x @ q, y) == pytest.approx(base, abs=1e-9)
    assert linear_cka(3.7 * x, y) == pytest.approx(base, abs=1e-9)
    assert linear_cka(x + 5.0, y) == pytest.approx(base, abs=1e-9)  # centring removes offsets


def test_cka_of_unrelated_representations_is_small_and_it_checks_sample_counts():
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(500, 3, generator=g), torch.randn(500, 3, generator=g)
    assert linear_cka(a, b) < 0.05
    with pytest.raises(ValueError, match="same samples"):
        linear_cka(a, b[:10])


def test_layer_matrix_is_symmetric_with_a_unit_diagonal_and_runs_compare_by_layer():
    layers = [{"type": "dense", "units": 8}, {"type": "dense", "units": 8}, {"type": "dense", "units": 3}]
    net = build_network(layers, (4,), seed=0)
    x = torch.randn(64, 4)
    m = cka_matrix(net, x)
    assert m.shape == (3, 3) and torch.allclose(m, m.T) and torch.allclose(m.diagonal(), torch.ones(3, dtype=m.dtype))
    same = cka_between(net, net, x)
    assert same == {0: pytest.approx(1.0), 1: pytest.approx(1.0), 2: pytest.approx(1.0)}
    other = build_network(layers, (4,), seed=5)
    assert cka_between(net, other, x, layer=1) < 0.999
