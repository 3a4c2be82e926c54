"""Every activation and initializer by name, and the L1/L2 regularizers on kernel, bias and activity."""
from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from layerlab.engine.build import build_network
from layerlab.i18n import translate
from layerlab.layers import ACTIVATIONS, INITIALIZERS, build_activation
from layerlab.layers.base import code_namespace
from layerlab.layers.initializers import init_module, init_tensor

PROBABILITY_OUTPUTS = {"sigmoid", "softmax", "log_softmax"}


def test_the_catalogue_has_the_promised_names():
    assert len(ACTIVATIONS) >= 20
    assert {"relu", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus", "softsign",
            "sigmoid", "hard_sigmoid", "tanh", "hard_tanh", "relu6", "prelu", "thresholded_relu", "snake",
            "softmax", "log_softmax", "linear", "exponential"} <= set(ACTIVATIONS)
    assert {"glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform", "lecun_normal",
            "orthogonal", "zeros", "ones", "constant", "random_uniform", "random_normal",
            "truncated_normal"} <= set(INITIALIZERS)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_runs_keeps_shape_and_matches_its_code(name):
    act = ACTIVATIONS[name]
    x = torch.randn(3, 7, generator=torch.Generator().manual_seed(0)) * 3
    y = build_activation(name)(x)
    assert y.shape == x.shape and torch.isfinite(y).all()
    twin = eval(act.code, code_namespace())
    torch.testing.assert_close(twin(x), y)
    assert act.latex and act.explain and translate(act.explain, "de") != act.explain
    # the output flag marks exactly the activations whose values are (log-)probabilities
    assert act.output == (name in PROBABILITY_OUTPUTS)
    if act.output:
        probs = y.exp() if name == "log_softmax" else y
        assert ((probs >= 0) & (probs <= 1)).all()
        if name != "sigmoid":
            torch.testing.assert_close(probs.sum(dim=1), torch.ones(3))
    else:
        assert not torch.allclose(y.sum(dim=1), torch.ones(3))


def test_activations_have_their_shape():
    x = torch.tensor([[-2.0, -0.5, 0.5, 2.0]])
    assert build_activation("relu")(x).tolist() == [[0.0, 0.0, 0.5, 2.0]]
    assert build_activation("thresholded_relu")(x).tolist() == [[0.0, 0.0, 0.0, 2.0]]
    torch.testing.assert_close(build_activation("hard_sigmoid")(x), torch.tensor([[0.1, 0.4, 0.6, 0.9]]))
    assert build_activation("relu6")(torch.tensor([[9.0]])).item() == 6.0
    assert build_activation(None)(x).equal(x) and build_activation("linear")(x).equal(x)


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_initializer_applies_to_linear_and_conv_weights(name):
    torch.manual_seed(0)
    for module in (nn.Linear(20, 30), nn.Conv2d(3, 8, 3)):
        before = {k: v.clone() for k, v in module.state_dict().items()}
        init_module(module, name, name)
        for k, v in module.state_dict().items():
            assert torch.isfinite(v).all()
            if name == "default":
                assert v.equal(before[k]), "'default' must keep PyTorch's own initialisation"
        if name == "zeros":
            assert not module.weight.any() and not module.bias.any()
        if name == "ones":
            assert (module.weight == 1).all()


@pytest.mark.parametrize("name,bound", [
    ("glorot_uniform", math.sqrt(6 / (400 + 300))), ("he_uniform", math.sqrt(6 / 400)),
    ("lecun_uniform", math.sqrt(3 / 400)), ("random_uniform", 0.05)])
def test_uniform_initializers_use_keras_limits(name, bound):
    w = torch.empty(300, 400)
    init_tensor(w, name)
    assert w.abs().max() <= bound and w.abs().max() > 0.9 * bound


@pytest.mark.parametrize("name,std", [("glorot_normal", math.sqrt(2 / 700)), ("he_normal", math.sqrt(2 / 400)),
                                      ("lecun_normal", math.sqrt(1 / 400)), ("random_normal", 0.05)])
def test_normal_initializers_have_keras_spread(name, std):
    torch.manual_seed(0)
    w = torch.empty(300, 400)
    init_tensor(w, name)
    assert abs(w.std().item() / std - 1) < 0.05


def test_orthogonal_and_identity():
    w = torch.empty(6, 6)
    init_tensor(w, "orthogonal")
    torch.testing.assert_close(w @ w.T, torch.eye(6), atol=1e-5, rtol=0)
    init_tensor(w, "identity")
    assert w.equal(torch.eye(6))
    b = torch.empty(5)
    init_tensor(b, "orthogonal")  # a bias is a single row: a unit vector
    assert abs(b.norm().item() - 1) < 1e-5


def test_recurrent_biases_take_the_bias_initializer():
    net = build_network([{"type": "gru", "units": 3, "kernel_initializer": "zeros", "bias_initializer": "ones"}],
                        (4, 2))
    for name, t in net.named_parameters():
        assert (t == (1 if "bias" in name else 0)).all(), name


def test_regularizers_add_their_penalties():
    layers = [{"type": "dense", "units": 3, "kernel_l1": 0.1, "bias_l2": 0.5, "activity_l2": 0.2,
               "bias_initializer": "ones"}]
    net = build_network(layers, (4,), seed=0)
    core = net.layers[0].core
    net.train()
    y = net(torch.ones(2, 4))
    expected = 0.1 * core.weight.abs().sum() + 0.5 * 3 + 0.2 * (y ** 2).sum() / 2
    torch.testing.assert_close(net.penalty(), expected)
    plain = build_network([{"type": "dense", "units": 3}], (4,), seed=0)
    assert plain.penalty().item() == 0
