"""Budgets on every cost of a model, checked from shape inference before anything is built."""
from __future__ import annotations

import importlib
import time

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from layerlab.api import Project
from layerlab.engine.build import build_network
from layerlab.layers import get_layer
from layerlab.layers.stack import infer_stack
from layerlab.spec import budgets
from layerlab.spec.errors import SpecError
from tests.conftest import toy_doc


def nested(depth: int) -> list[dict]:
    layer = {"type": "dense", "units": 8}
    for _ in range(depth):
        layer = {"type": "residual", "layers": [{"type": "dense", "units": 8}, layer]}
    return [layer, {"type": "dense", "units": 3, "activation": "softmax"}]


def project(layers, shape=(8,), **training) -> Project:
    return Project(toy_doc(layers, shape=shape, **training))


def use_limits(tmp_path, monkeypatch, text: str) -> None:
    path = tmp_path / "limits.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("LAYERLAB_LIMITS", str(path))


def test_depth_14_nested_residuals_summarise_in_well_under_a_second():
    project(nested(1)).analyze()  # imports every layer kind once
    p = project(nested(14))
    t = time.perf_counter()
    a = p.analyze()
    took = time.perf_counter() - t
    assert a.ok, a.errors
    assert took < 0.5, f"{took:.2f} s: a nested block must be inferred once, not three times per level"
    # the totals are those of the built network
    assert a.total_params == sum(t.numel() for t in p.build().parameters())


def test_ten_thousand_layers_are_refused_before_any_shape_is_inferred(monkeypatch):
    calls = []
    project(nested(1)).analyze()  # imports every layer kind once
    # the module object itself: a test before may have re-imported packages, so no dotted-path lookup
    monkeypatch.setattr(importlib.import_module("layerlab.spec.check"), "infer_stack",
                        lambda *a, **k: calls.append(1))
    p = project([{"type": "dense", "units": 4}] * 10_000)
    t = time.perf_counter()
    a = p.analyze()
    assert time.perf_counter() - t < 3.0  # one walk of the document (it took minutes of shape inference)
    assert not calls
    err = a.errors[0]
    assert err.path == "model.layers" and "10,000 layers" in err.message
    assert "remove layers" in err.hint and "limits.toml" in err.hint
    with pytest.raises(SpecError, match="10,000 layers"):
        build_network([{"type": "dense", "units": 4}] * 10_000, (8,))


def test_nesting_depth_20_is_refused_at_the_deepest_block():
    a = project(nested(20)).analyze()
    assert len(a.errors) == 1 and not a.rows
    err = a.errors[0]
    assert "nested 20 deep" in err.message
    assert err.path == "model.layers[0]" + ".layers[1]" * 19


def test_a_4e9_parameter_model_is_refused_without_allocating():
    layers = [{"type": "dense", "units": 65536}, {"type": "dense", "units": 65536},
              {"type": "dense", "units": 3, "activation": "softmax"}]
    a = project(layers).analyze()
    params = next(e for e in a.over_budget if "parameters" in e.message)
    assert params.path == "model.layers[1]"  # the largest layer
    assert "4,295" in params.message and "500,000,000" in params.message
    assert any("memory" in e.message for e in a.over_budget)
    t = time.perf_counter()
    with pytest.raises(SpecError, match="parameters"):
        build_network(layers, (8,))
    assert time.perf_counter() - t < 1.0
    item = {i["name"]: i for i in a.budget["items"]}["params"]
    assert item["used"] > item["limit"] and not item["ok"]


def test_memory_refusal_offers_a_batch_size_that_fits(tmp_path, monkeypatch):
    use_limits(tmp_path, monkeypatch, "memory_mb = 64\n")
    layers = [{"type": "conv2d", "filters": 64, "kernel_size": 3, "padding": "same"}, {"type": "flatten"},
              {"type": "dense", "units": 3, "activation": "softmax"}]
    p = project(layers, shape=(3, 64, 64), batch_size=1024)
    err = next(e for e in p.analyze().errors if e.path == "training.batch_size")
    assert "memory" in err.message and "memory_mb" in err.hint and str(tmp_path) in err.hint
    p.apply(err.fixes[0])
    fitted = p.analyze()
    assert fitted.ok, fitted.errors
    assert fitted.estimate.memory_bytes <= 64 * budgets.MiB < 2 * fitted.estimate.memory_bytes


def test_the_class_profile_and_a_raised_limit_come_from_one_config_file(tmp_path, monkeypatch):
    layers = [{"type": "dense", "units": 4}] * 600 + [{"type": "dense", "units": 3, "activation": "softmax"}]
    assert project(layers).analyze().ok  # the laptop profile allows 2,000 layers
    use_limits(tmp_path, monkeypatch, 'profile = "class"\n')
    assert "601 layers" in project(layers).analyze().errors[0].message
    use_limits(tmp_path, monkeypatch, 'profile = "class"\nlayers = 1000\n')
    lim = budgets.limits()
    assert (lim.profile, lim.layers, lim.params) == ("class", 1000, 50_000_000)
    assert project(layers).analyze().ok


@pytest.mark.parametrize("text, words", [("layerz = 3\n", "is not a known limit"),
                                         ("params = -1\n", "must be a positive number"),
                                         ('profile = "huge"\n', "is not a budget profile"),
                                         ("params = [\n", "is not a valid TOML file")])
def test_a_wrong_config_file_says_what_and_how_to_fix(tmp_path, monkeypatch, text, words):
    use_limits(tmp_path, monkeypatch, text)
    with pytest.raises(SpecError, match=words) as e:
        budgets.limits()
    assert e.value.hint


CASES = [("dense", {"units": 16, "activation": "linear"}, (32,)),
         ("dense", {"units": 16, "activation": "linear"}, (5, 32)),
         ("conv1d", {"filters": 8, "kernel_size": 3, "activation": "linear"}, (4, 20)),
         ("conv2d", {"filters": 8, "kernel_size": 3, "strides": 2, "activation": "linear"}, (3, 16, 16)),
         ("conv2d_transpose", {"filters": 4, "kernel_size": 3, "strides": 2, "activation": "linear"}, (6, 8, 8)),
         ("depthwise_conv2d", {"kernel_size": 3, "depth_multiplier": 2, "activation": "linear"}, (4, 10, 10)),
         ("separable_conv2d", {"filters": 8, "kernel_size": 3, "activation": "linear"}, (4, 10, 10))]


@pytest.mark.parametrize("kind, raw, shape", CASES, ids=[c[0] + str(len(c[2])) for c in CASES])
def test_declared_flops_match_torchs_counter(kind, raw, shape):
    layer = get_layer(kind)
    p = layer.resolve(raw, "l")
    out = layer.infer_shape(p, shape, "l")
    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        layer.build(p, shape)(torch.zeros(1, *shape))
    counted = fc.get_total_flops()
    declared = layer.flops(p, shape, out)
    # torch counts the multiply-adds only; the declaration adds the bias (one per output value)
    assert counted <= declared <= counted * 1.25, (counted, declared)


def test_rows_carry_costs_and_blocks_add_up_their_body():
    rows = infer_stack(nested(2), (8,))
    block = rows[0]
    assert block.flops >= sum(c.flops for c in block.children) > 0
    assert block.activations >= sum(c.activations for c in block.children) > 0
    assert block.to_dict()["flops"] == block.flops


def test_validate_and_summary_report_every_budget():
    a = project([{"type": "dense", "units": 3, "activation": "softmax"}]).analyze()
    d = a.to_dict()
    names = [i["name"] for i in d["budget"]["items"]]
    assert names == ["layers", "depth", "params", "memory_bytes", "flops_per_step"]
    assert d["budget"]["profile"] == "laptop" and all(i["ok"] for i in d["budget"]["items"])
