"""Maximum activation: top samples are the arg-max of independently recorded activations."""
from __future__ import annotations

import pytest
import torch

from layerlab.engine.build import build_network
from layerlab.inspect.maxact import synthesize, top_samples
from layerlab.spec.errors import SpecError


def recorded(net, layer: int, x: torch.Tensor) -> torch.Tensor:
    """The layer's outputs for x, recorded with a plain forward hook (the oracle)."""
    seen = []
    handle = net.layers[layer].register_forward_hook(lambda m, i, o: seen.append(o.detach()))
    with torch.no_grad():
        net(x)
    handle.remove()
    return seen[0]


def test_top_samples_of_a_dense_unit_are_the_argmax_of_its_activations():
    net = build_network([{"type": "dense", "units": 5}, {"type": "dense", "units": 2}], (3,), seed=0)
    x = torch.randn(300, 3)
    top = top_samples(net, x, layer=0, unit=2, k=7)
    acts = recorded(net, 0, x)[:, 2]                             # (N,)
    assert top.indices == torch.argsort(acts, descending=True)[:7].tolist()
    assert top.scores == pytest.approx(acts[top.indices].tolist())


def test_top_samples_of_a_conv_channel_use_its_mean_or_max(patches):
    net, _, _, xv, _, _ = patches
    acts = recorded(net, 1, xv)[:, 3]                            # (N, h, w) channel 3
    mean_top = top_samples(net, xv, layer=1, unit=3, k=5)
    max_top = top_samples(net, xv, layer=1, unit=3, k=5, reduce="max")
    assert mean_top.indices == torch.argsort(acts.mean(dim=(1, 2)), descending=True)[:5].tolist()
    assert max_top.indices == torch.argsort(acts.amax(dim=(1, 2)), descending=True)[:5].tolist()


def test_a_unit_out_of_range_is_a_clear_error():
    net = build_network([{"type": "dense", "units": 5}], (3,), seed=0)
    with pytest.raises(SpecError) as e:
        top_samples(net, torch.randn(4, 3), layer=0, unit=9)
    assert "0 to 4" in e.value.hint


def test_synthesised_input_excites_the_unit_more_than_the_data_does(patches):
    net, _, _, xv, _, _ = patches
    syn = synthesize(net, layer=-1, unit=2, steps=60)
    assert syn.input.shape == (1, 12, 12)
    assert syn.trajectory[-1] > syn.trajectory[0] + 1.0
    # the regularised picture stays readable: no value explodes
    assert syn.input.abs().max() < 10
    assert syn.layer == 3


def test_the_last_layer_ranks_by_class_score_before_softmax():
    net = build_network([{"type": "dense", "units": 3, "activation": "softmax"}], (4,), seed=0)
    x = torch.randn(100, 4)
    top = top_samples(net, x, layer=-1, unit=0, k=10)
    assert top.indices == torch.argsort(net.logits(x)[:, 0].detach(), descending=True)[:10].tolist()
