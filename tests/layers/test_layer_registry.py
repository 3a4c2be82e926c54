"""The registry contract: for every layer kind, the pure shape rule, the parameter count and the
generated code agree with what PyTorch really builds and computes."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from layerlab.layers import FAMILIES, get_layer, load_all
from layerlab.layers.base import code_namespace
from tests.layers.cases import CASES

LAYERS = load_all()
ALL_CASES = [pytest.param(name, shape, params, id=f"{name}-{i}")
             for name, cases in sorted(CASES.items()) for i, (shape, params) in enumerate(cases)]


def _input(kind, shape, params):
    g = torch.Generator().manual_seed(1)
    if kind.token_input:
        return torch.randint(0, params["input_dim"], (3, *shape), generator=g)
    return torch.randn(3, *shape, generator=g)


def test_every_registered_layer_has_a_case():
    assert sorted(set(LAYERS) - set(CASES)) == []
    assert sorted(set(CASES) - set(LAYERS)) == [], "a case names a layer that is not registered"
    assert len(LAYERS) >= 30


@pytest.mark.parametrize("name,shape,params", ALL_CASES)
def test_infer_build_forward_and_code_agree(name, shape, params, monkeypatch):
    kind = get_layer(name)
    p = kind.resolve({"type": name, **params}, "model.layers[0]")
    with monkeypatch.context() as m:
        # shape inference and parameter counts must never build torch modules (they run on every edit)
        m.setattr(nn.Module, "__init__", lambda *a, **k: pytest.fail("built a torch module"))
        out_shape = kind.infer_shape(p, shape, "model.layers[0]")
        count = kind.param_count(p, shape)
    torch.manual_seed(0)
    module = kind.build(p, shape)
    x = _input(kind, shape, params)
    module.eval()
    with torch.no_grad():
        y = module(x)
    assert tuple(y.shape) == (3, *out_shape)
    assert count == sum(t.numel() for t in module.parameters() if t.requires_grad)
    # the code generated scripts contain builds the same module: same weights, same output
    twin = eval(kind.code(p, shape), code_namespace())
    twin.load_state_dict(module.state_dict())
    twin.eval()
    with torch.no_grad():
        torch.testing.assert_close(twin(x), y)
    latex = kind.math(p, shape)
    assert latex and latex.count("{") == latex.count("}")


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_described_in_english_and_german(name):
    d = get_layer(name).describe()
    assert d["family"] in FAMILIES
    for key in ("summary", "explain", "latex"):
        assert d[key], f"{name} lacks {key}"
    assert d["summary_de"] != d["summary"] and d["explain_de"] != d["explain"]
    for prm in d["params"]:
        assert prm["description"] and prm["description_de"] != prm["description"], (name, prm["name"])


def test_math_shows_the_actual_parameters():
    dense = get_layer("dense")
    assert "12" in dense.math(dense.resolve({"units": 12}, "l"), (5,))
    conv = get_layer("conv2d")
    assert "24" in conv.math(conv.resolve({"filters": 24}, "l"), (1, 8, 8))
    drop = get_layer("dropout")
    assert "0.25" in drop.math(drop.resolve({"rate": 0.25}, "l"), (5,))


def _random_value(p, rng):
    if p.choices:
        return rng.choice(p.choices)
    if p.kind == "bool":
        return rng.random() < 0.5
    lo = p.min if p.min is not None else 0
    if p.kind == "float":
        return round(rng.uniform(lo, min(p.max if p.max is not None else lo + 2, lo + 2)), 3)
    if p.kind == "int":
        return rng.randint(int(lo), int(lo) + 5)
    n = p.length or rng.randint(1, 3)
    v = [rng.randint(max(int(lo), -1), 5) for _ in range(n)]
    return v[0] if p.kind == "int_or_ints" and rng.random() < 0.5 else v


def test_random_parameters_and_shapes_either_fail_clearly_or_keep_the_contract():
    """Beyond the hand-picked cases: whatever infer_shape accepts, torch builds with that shape and size."""
    import random

    from layerlab.spec.errors import SpecError
    rng = random.Random(7)
    accepted = 0
    for _ in range(400):
        name = rng.choice(sorted(set(LAYERS) - {"residual"}))
        kind = LAYERS[name]
        raw = {p.name: _random_value(p, rng) for p in kind.params if rng.random() < 0.6}
        shape = tuple(rng.randint(1, 7) for _ in range(rng.randint(1, 4)))
        try:
            p = kind.resolve(raw, "l")
            out = kind.infer_shape(p, shape, "l")
            count = kind.param_count(p, shape)
        except SpecError as e:
            assert e.path.startswith("l") and e.message and e.hint and e.has_received
            continue
        accepted += 1
        module = kind.build(p, shape).eval()
        x = _input(kind, shape, p)
        with torch.no_grad():
            assert tuple(module(x).shape) == (3, *out), (name, raw, shape)
        assert count == sum(t.numel() for t in module.parameters()), (name, raw, shape)
    assert accepted > 100
