"""Weights view: exact dead-unit counts on constructed nets, histograms and kernels."""
from __future__ import annotations

import pytest
import torch

from layerlab.engine.build import build_network
from layerlab.inspect.weights import conv_kernels, dead_relu, gradient_histograms, histogram, weight_histograms
from layerlab.spec.errors import SpecError


def test_dead_dense_units_are_measured_exactly():
    net = build_network([{"type": "dense", "units": 6}, {"type": "dense", "units": 2, "activation": "softmax"}],
                        (3,), seed=0)
    core = net.layers[0].core
    x = torch.rand(50, 3)                                       # inputs in [0, 1)
    with torch.no_grad():
        core.weight.copy_(torch.ones(6, 3))
        # units 1 and 4: bias so negative that w.x + b < 0 for every input in [0, 1)^3
        core.bias.copy_(torch.tensor([0.0, -5.0, 0.1, -2.9, -3.0, 1.0]))
    res = dead_relu(net, x)
    assert len(res) == 1 and res[0].index == 0 and res[0].units == 6
    # unit 3 (bias -2.9) fires only where x sums above 2.9: alive exactly when some sample does
    unit3_alive = bool((x.sum(dim=1) > 2.9).any())
    assert res[0].dead_units == ([1, 4] if unit3_alive else [1, 3, 4])
    assert res[0].fraction == len(res[0].dead_units) / 6


def test_dead_conv_channels_are_measured_exactly():
    net = build_network([{"type": "conv2d", "filters": 4, "kernel_size": 3}, {"type": "flatten"},
                         {"type": "dense", "units": 2}], (1, 5, 5), seed=0)
    conv = net.layers[0].core
    with torch.no_grad():
        conv.weight.zero_()
        conv.bias.copy_(torch.tensor([1.0, -1.0, 0.5, -0.01]))  # channels 1 and 3 are always 0 after ReLU
    res = dead_relu(net, torch.randn(20, 1, 5, 5))
    assert res[0].index == 0 and res[0].dead_units == [1, 3]
    assert res[0].units == 4 and res[0].fraction == 0.5


def test_a_net_without_relu_has_no_dead_units():
    net = build_network([{"type": "dense", "units": 3, "activation": "tanh"}], (2,), seed=0)
    assert dead_relu(net, torch.randn(5, 2)) == []


def test_histograms_count_every_value_and_gradients_match_autograd():
    net = build_network([{"type": "dense", "units": 5}, {"type": "dense", "units": 3, "activation": "softmax"}],
                        (4,), seed=0)
    h = weight_histograms(net, bins=7)
    assert set(h) == {"0/dense/weight", "0/dense/bias", "1/dense/weight", "1/dense/bias"}
    assert sum(h["0/dense/weight"].counts) == 20 and len(h["0/dense/weight"].edges) == 8
    x, y = torch.randn(16, 4), torch.randint(0, 3, (16,))
    g = gradient_histograms(net, x, y, bins=7)
    torch.nn.functional.cross_entropy(net.logits(x), y).backward()
    expected = histogram(net.layers[1].core.weight.grad, 7)
    assert g["1/dense/weight"].counts == expected.counts
    assert g["1/dense/weight"].mean == pytest.approx(expected.mean)


def test_kernels_are_the_conv_weights_and_a_dense_net_has_none():
    net = build_network([{"type": "conv2d", "filters": 3, "kernel_size": 2}], (2, 4, 4), seed=0)
    k = conv_kernels(net)
    assert list(k) == [0] and torch.equal(k[0], net.layers[0].core.weight.detach())
    with pytest.raises(SpecError, match="no convolution"):
        conv_kernels(build_network([{"type": "dense", "units": 2}], (3,), seed=0))
