"""Every view computes, serialises to JSON and draws a PNG, on a conv net and a 2-D net."""
from __future__ import annotations

import json

import pytest
import torch

from layerlab.engine.build import build_network
from layerlab.inspect.context import Context, jsonable
from layerlab.inspect.history import EpochRecorder
from layerlab.inspect.views import VIEWS, run_view
from layerlab.layers.stack import infer_stack
from layerlab.spec.errors import SpecError

from patchset import CONV_NET, SIDE

FAST = {"max_activation": {"steps": 5}, "adversarial": {"epsilons": [0.0, 0.1]}, "saliency": {"samples": 3}}


@pytest.fixture(scope="module")
def conv_ctx(patches):
    net, _, _, xv, yv, _ = patches
    rec = EpochRecorder(xv, yv)
    rec.on_epoch_end(1, net)
    return Context(net, xv, yv, ["tl", "tr", "bl", "br"], infer_stack(CONV_NET, (1, SIDE, SIDE)), index=5,
                   history=rec, other=build_network(CONV_NET, (1, SIDE, SIDE), seed=1))


@pytest.mark.parametrize("name", list(VIEWS))
def test_every_view_gives_json_and_a_png(conv_ctx, name, tmp_path):
    r = run_view(name, conv_ctx, **FAST.get(name, {}))
    paths = r.save(tmp_path)
    assert json.loads(paths[0].read_text())["view"] == name
    assert paths[1].read_bytes()[:4] == b"\x89PNG"


def test_views_on_a_two_input_net_show_the_surface():
    layers = [{"type": "dense", "units": 4}, {"type": "dense", "units": 2, "activation": "softmax"}]
    net = build_network(layers, (2,), seed=0)
    ctx = Context(net, torch.randn(20, 2), torch.randint(0, 2, (20,)), None, infer_stack(layers, (2,)))
    assert run_view("surface", ctx, resolution=5).data["mode"] == "surface"
    sal = run_view("saliency", ctx, samples=2)
    assert set(sal.data["maps"]) == {"vanilla", "smoothgrad"}      # no Grad-CAM without conv layers
    assert json.dumps(jsonable(sal.to_dict()))


def test_views_that_need_labels_say_so():
    net = build_network([{"type": "dense", "units": 1, "activation": "linear"}], (3,), seed=0)
    ctx = Context(net, torch.randn(10, 3), torch.randn(10, 1))
    with pytest.raises(SpecError, match="classification"):
        run_view("errors", ctx)


def test_token_models_get_the_views_that_make_sense_and_a_clear_no_for_gradients():
    layers = [{"type": "embedding", "input_dim": 7, "output_dim": 4}, {"type": "flatten"},
              {"type": "dense", "units": 3, "activation": "softmax"}]
    net = build_network(layers, (2,), seed=0)
    x, y = torch.randint(0, 7, (20, 2)), torch.randint(0, 3, (20,))
    ctx = Context(net, x, y, None, infer_stack(layers, (2,)))
    assert run_view("surface", ctx).data["mode"] == "pca"
    assert run_view("max_activation", ctx, layer=-1).data["synthesised"] is None
    assert len(run_view("flow", ctx).data["layers"]) == 3
    with pytest.raises(SpecError, match="token ids"):
        run_view("saliency", ctx)
