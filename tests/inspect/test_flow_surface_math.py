"""Data flow shapes, decision surface and PCA projections, embeddings, and the math view."""
from __future__ import annotations

import re

import pytest
import torch

from layerlab.engine.build import build_network
from layerlab.inspect.embeddings import embedding
from layerlab.inspect.flow import data_flow
from layerlab.inspect.mathview import layer_math
from layerlab.inspect.surface import decision_surface, pca_projection
from layerlab.layers.stack import infer_stack
from layerlab.spec.errors import SpecError

CONV = [{"type": "conv2d", "filters": 4, "kernel_size": 3}, {"type": "conv2d", "filters": 2, "kernel_size": 2,
         "strides": 2}, {"type": "flatten"}, {"type": "dense", "units": 5}, {"type": "dense", "units": 3,
         "activation": "softmax"}]


def test_flow_gives_one_output_per_layer_with_the_inferred_shapes():
    rows = infer_stack(CONV, (1, 9, 9))
    net = build_network(CONV, (1, 9, 9), seed=0)
    x = torch.randn(1, 9, 9)
    outs = data_flow(net, x)
    assert [o.shape for o in outs] == [r.out_shape for r in rows]
    assert [o.kind for o in outs] == ["maps", "maps", "vector", "vector", "vector"]
    assert [o.type for o in outs] == [r.type for r in rows]
    assert torch.allclose(outs[-1].values, net(x[None])[0].detach())   # the last is what the user sees
    assert outs[0].tiles().shape == (4, 7, 7)


def test_flow_rejects_an_input_of_the_wrong_shape():
    net = build_network(CONV, (1, 9, 9), seed=0)
    with pytest.raises(SpecError, match=r"\(1, 9, 9\)"):
        data_flow(net, torch.randn(3, 8, 8))


def test_decision_surface_agrees_with_predictions_at_grid_points():
    net = build_network([{"type": "dense", "units": 8, "activation": "tanh"},
                         {"type": "dense", "units": 3, "activation": "softmax"}], (2,), seed=0)
    x = torch.randn(40, 2) * 3
    s = decision_surface(net, x, resolution=17)
    pts = s.grid_points()                                        # (17*17, 2)
    assert s.predicted.shape == (17, 17)
    assert torch.equal(s.predicted.flatten(), net(pts).argmax(dim=1))
    # row r, column c is the input (xs[c], ys[r]); the grid covers the data
    assert torch.equal(s.predicted[4, 11], net(torch.stack([s.xs[11], s.ys[4]])[None]).argmax(dim=1)[0])
    assert s.xs[0] < x[:, 0].min() and s.ys[-1] > x[:, 1].max()
    assert len(set(s.predicted.flatten().tolist())) > 1


def test_surface_needs_two_inputs_and_pca_takes_over_for_wider_ones():
    net = build_network([{"type": "dense", "units": 3, "activation": "softmax"}], (5,), seed=0)
    x, y = torch.randn(30, 5), torch.randint(0, 3, (30,))
    with pytest.raises(SpecError, match="two numbers"):
        decision_surface(net, x)
    p = pca_projection(net, x, y)
    assert p.coords.shape == (30, 2) and p.labels == y.tolist()
    assert p.predicted == net(x).argmax(dim=1).tolist()
    assert p.explained[0] >= p.explained[1] > 0


def test_embedding_of_any_layer_is_a_2d_pca_per_sample():
    net = build_network(CONV, (1, 9, 9), seed=0)
    x, y = torch.randn(25, 1, 9, 9), torch.randint(0, 3, (25,))
    for layer in (0, 3):
        e = embedding(net, x, layer, y)
        assert e.coords.shape == (25, 2) and e.labels == y.tolist()
    # the first principal axis carries the most variance of the layer's outputs
    e = embedding(net, x, 3)
    assert e.coords[:, 0].var() >= e.coords[:, 1].var()


def _numbers(latex: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", latex)]


def test_math_view_writes_a_small_dense_layer_with_its_actual_numbers():
    layers = [{"type": "dense", "units": 4, "activation": "relu"}, {"type": "dense", "units": 8}]
    rows = infer_stack(layers, (4,))
    net = build_network(layers, (4,), seed=3)
    out = layer_math(rows, net)
    w, b = net.layers[0].core.weight.detach(), net.layers[0].core.bias.detach()
    numeric = out[0]["numeric"]
    matrices = re.findall(r"\\begin\{bmatrix\}(.*?)\\end\{bmatrix\}", numeric)
    assert len(matrices) == 2
    rows_w = [_numbers(r) for r in matrices[0].split(r"\\")]
    assert torch.allclose(torch.tensor(rows_w), w, atol=5e-5)     # 4 decimals
    assert torch.allclose(torch.tensor(_numbers(matrices[1])), b, atol=5e-5)
    assert r"\max(0, x)" in numeric                               # its activation, spelled out
    assert out[1]["numeric"] is None                              # 4x8 weights: too many to write out
    assert out[1]["latex"].startswith("y_j") and "j = 1..8" in out[1]["latex"]
