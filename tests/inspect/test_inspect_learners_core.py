"""Inspect for learners, the choices made without a browser: meaningful defaults (layer and a
living unit), hardest examples that are wrong or unsure, one sample's real numbers in the math,
Grad-CAM saying why it cannot help, whole-number epochs, plain option labels in both languages,
and the chart options the Inspect page draws."""
from __future__ import annotations

import pytest
import torch

from layerlab.engine.build import build_network
from layerlab.i18n import localize
from layerlab.inspect.confusion import hardest
from layerlab.inspect.context import Context
from layerlab.inspect.history import EpochRecorder
from layerlab.inspect.mathview import sample_math
from layerlab.inspect.maxact import alive_unit, default_layer
from layerlab.inspect.views import VIEWS, run_view
from layerlab.layers.stack import infer_stack
from layerlab.spec.errors import SpecError
from layerlab.ui.components import inspect_charts as charts
from layerlab.ui.panels import inspect_options as texts

torch.set_num_threads(1)

MLP = [{"type": "dense", "units": 6, "activation": "relu"}, {"type": "dropout", "rate": 0.2},
       {"type": "dense", "units": 3, "activation": "softmax"}]
CNN = [{"type": "conv2d", "filters": 3, "kernel_size": 3, "padding": "same", "activation": "relu"},
       {"type": "max_pool2d", "pool_size": 2}, {"type": "flatten"},
       {"type": "dense", "units": 5, "activation": "relu"}, {"type": "dense", "units": 2, "activation": "softmax"}]
NO_CONV = [{"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}]


def test_defaults_pick_the_last_conv_or_hidden_layer_and_a_living_unit():
    mlp = build_network(MLP, (4,), seed=0)
    assert default_layer(mlp) == 0, "the hidden dense layer, not the dropout layer after it"
    assert default_layer(build_network(CNN, (1, 6, 6), seed=0)) == 0, "the last conv layer of a conv net"
    with torch.no_grad():                                        # units 0-3 dead, 4 and 5 alive
        mlp.layers[0].core.bias.copy_(torch.tensor([-50.0, -50, -50, -50, 0.5, 0.5]))
        mlp.layers[0].core.weight[:4].zero_()
    x = torch.randn(40, 4)
    unit = alive_unit(mlp, x, 0)
    assert unit in (4, 5)
    ctx = Context(mlp, x, torch.randint(0, 3, (40,)), ["a", "b", "c"])
    data = run_view("max_activation", ctx, steps=0).data
    assert (data["layer"], data["unit"]) == (0, unit)
    assert max(data["scores"]) > 0, "a dead unit would score 0 on every sample"
    assert run_view("embeddings", ctx).data["layer"] == 0


def test_hardest_examples_are_the_wrong_ones_then_the_least_sure_marked():
    net = build_network([{"type": "dense", "units": 2, "activation": "softmax"}], (2,), seed=0)
    with torch.no_grad():
        net.layers[0].core.weight.copy_(torch.eye(2))
        net.layers[0].core.bias.zero_()
    x = torch.tensor([[3.0, 0.0], [0.2, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 0.1], [0.0, 4.0]])
    y = torch.tensor([0, 0, 0, 1, 1, 1])                         # samples 2 and 3 are predicted wrong
    hard = hardest(net, x, y, k=4)
    assert [h["index"] for h in hard] == [3, 2, 4, 1], "wrong (worst first), then right but least sure"
    assert [h["why"] for h in hard] == ["wrong", "wrong", "unsure", "unsure"]
    assert all(h["predicted"] != h["label"] for h in hard[:2]) and all(h["predicted"] == h["label"] for h in hard[2:])
    assert hard[2]["confidence"] == pytest.approx(float(torch.softmax(torch.tensor([0.0, 0.1]), 0)[1]), abs=1e-4)


def test_math_works_one_sample_through_each_layer_with_its_real_numbers():
    torch.manual_seed(0)
    net = build_network(CNN, (1, 6, 6), seed=0)
    rows = infer_stack(CNN, (1, 6, 6))
    x = torch.rand(1, 6, 6)
    flow = sample_math(rows, net, x, digits=3)
    outs = net.layers[0](x[None])[0].detach()                   # (3, 6, 6) the first conv's output
    c, r, q = (int(v) for v in torch.nonzero(outs.abs() == outs.abs().max())[0])
    conv = flow[0]["worked"]
    assert conv.startswith(f"y_{{{c + 1}}}[{r + 1},{q + 1}] = \\mathrm{{relu}}(")
    assert conv.endswith(f"= {float(outs[c, r, q]):.3f}".rstrip("0").rstrip(".")), conv
    assert "\\cdot" in conv and "more" in conv, "a few weights times inputs, the rest folded"
    assert flow[1]["worked"] is None and flow[1]["output"].startswith("y = \\begin{bmatrix}")
    probs = net(x[None])[0].detach()
    last = flow[-1]["worked"]
    j = int(probs.argmax())
    assert f"\\mathrm{{softmax}}(z)_{{{j + 1}}} = {float(probs[j]):.3f}".rstrip("0").rstrip(".") in last
    assert flow[3]["input"].endswith("_{27}"), "the flattened input says how many values it has"


def test_math_view_carries_the_numbers_and_the_chosen_sample():
    net = build_network(MLP, (4,), seed=0)
    x = torch.randn(5, 4)
    ctx = Context(net, x, torch.randint(0, 3, (5,)), rows=infer_stack(MLP, (4,)), index=2)
    data = run_view("math", ctx).data
    assert data["sample_index"] == 2
    first = data["layers"][0]
    assert first["input"].startswith("x = \\begin{bmatrix}") and first["worked"] and first["unit"] is not None
    hidden = net.layers[0](x[2:3])[0].detach()
    assert f"= {float(hidden[first['unit']]):.3f}".rstrip("0").rstrip(".") in first["worked"]


def test_grad_cam_says_why_it_cannot_help():
    net = build_network(NO_CONV, (1, 6, 6), seed=0)
    ctx = Context(net, torch.rand(4, 1, 6, 6), torch.tensor([0, 1, 0, 1]), ["a", "b"])
    data = run_view("saliency", ctx, samples=2).data
    assert "grad_cam" not in data["maps"]
    assert [localize(n, "en") for n in data["notes"]] == [
        "Grad-CAM needs a convolution layer before the flatten layer, and this network has none"]
    assert "Faltungsschicht vor der Flatten-Schicht" in localize(data["notes"][0], "de")
    with pytest.raises(SpecError, match="convolution layer before the flatten layer"):
        run_view("saliency", ctx, method="grad_cam")


def test_errors_history_runs_over_whole_epochs_and_the_picture_ticks_whole_numbers():
    net = build_network(MLP, (4,), seed=0)
    x, y = torch.randn(30, 4), torch.randint(0, 3, (30,))
    rec = EpochRecorder(x, y)
    for epoch in (1, 2, 3):
        rec.on_epoch_end(epoch, net)
    res = run_view("errors", Context(net, x, y, ["a", "b", "c"], history=rec))
    assert [h["epoch"] for h in res.data["history"]] == [1, 2, 3]
    fig = res.figure("en")
    side = [ax for ax in fig.axes if ax.get_xlabel() == "epoch"]
    if side:                                                     # drawn when an example was forgotten
        assert all(float(t).is_integer() for t in side[0].get_xticks())
    opts = charts.epoch_lines_options({"loss": [[1, 0.5], [2, 0.4]]}, "t", "epoch")
    assert opts["xAxis"]["minInterval"] == 1


def test_every_option_has_a_plain_label_and_help_in_both_languages():
    for name, view in VIEWS.items():
        for key in view.options():
            for lang in ("en", "de"):
                assert texts.label(name, key, lang) != key, f"{name}.{key} shows its raw name"
                assert texts.help_text(name, key, lang), f"{name}.{key} has no help in {lang}"
            assert texts.label(name, key, "en") != texts.label(name, key, "de") or key == "layer"


def test_chart_items_carry_what_a_click_opens():
    cm = {"classes": ["cat", "dog"], "counts": [[5, 1], [2, 4]]}
    items = charts.confusion_options(cm, "predicted", "true")["series"][0]["data"]
    assert [(d["cell"], d["value"][2]) for d in items] == [([0, 0], 5), ([0, 1], 1), ([1, 0], 2), ([1, 1], 4)]
    assert items[2]["itemStyle"]["color"] == charts.WRONG and items[3]["itemStyle"]["color"] == charts.RIGHT
    scatter = charts.scatter_options([[0, 0], [1, 1], [2, 2]], [1, 0, 1], ["a", "b"], ["t0", "t1", "t2"])
    assert [[d["sample"] for d in s["data"]] for s in scatter["series"]] == [[1], [0, 2]]
    hard = charts.hardest_options([{"index": 7, "loss": 2.0, "why": "wrong"}, {"index": 3, "loss": 0.7, "why": "unsure"}],
                                  ["a", "b"], "t", "loss", "wrong", "unsure")
    assert [[d if d == "-" else d["sample"] for d in s["data"]] for s in hard["series"]] == [[7, "-"], ["-", 3]]
