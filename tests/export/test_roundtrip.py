"""Every layer kind in the registry survives ONNX, TorchScript and torch.export with the same outputs,
or declares itself not exportable with a reason shown before the user tries."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from export_cases import all_cases, exported
from layerlab.engine.build import Network
from layerlab.export.common import ExportFailed, from_network
from layerlab.export.onnx_export import export_onnx, run_onnx
from layerlab.export.pt2 import export_pt2, load_pt2
from layerlab.export.torchscript import export_torchscript, load_torchscript
from layerlab.layers import load_all

CASES = all_cases()


@pytest.mark.parametrize("name", sorted(CASES))
def test_onnx_and_torchscript_round_trip(name, tmp_path):
    layers, shape, vocab = CASES[name]
    kind = load_all().get(name)
    src = exported(layers, shape, vocab)
    if kind is not None and not kind.exportable:
        assert kind.export_note, f"{name} is marked not exportable without an export_note"
        with pytest.raises(ExportFailed, match=name):
            export_onnx(src, tmp_path / "m.onnx")
        return
    report = export_onnx(src, tmp_path / "m.onnx")
    assert report["max_diff"] <= 1e-4
    # the file on disk, on a batch size it never saw (the batch axis is dynamic)
    x = torch.cat([src.example, src.example[:3]])
    with torch.no_grad():
        want = src.network(x).numpy()
    assert np.abs(run_onnx(tmp_path / "m.onnx", x.numpy()) - want).max() <= 1e-4
    export_torchscript(src, tmp_path / "m.pt")
    with torch.no_grad():
        assert np.abs(load_torchscript(tmp_path / "m.pt")(x).numpy() - want).max() <= 1e-4


@pytest.mark.parametrize("name", ["conv2d", "lstm", "embedding", "batch_norm", "residual", "max_pool2d_same"])
def test_pt2_round_trip(name, tmp_path):
    layers, shape, vocab = CASES[name]
    src = exported(layers, shape, vocab)
    export_pt2(src, tmp_path / "m.pt2")
    x = torch.cat([src.example, src.example[:5]])
    with torch.no_grad():
        got = load_pt2(tmp_path / "m.pt2")(x).numpy()
        want = src.network(x).numpy()
    assert np.abs(got - want).max() <= 1e-4


class _DiffersWhenTraced(nn.Module):
    """Computes something else inside the ONNX exporter's tracer: a stand-in for a mis-exported op."""

    def forward(self, x):
        return x * 2.0 if torch.jit.is_tracing() else x


def test_onnx_export_fails_loudly_naming_the_layer(tmp_path):
    layers = [nn.Linear(4, 3), _DiffersWhenTraced()]
    net = Network(layers, ["dense", "sneaky"], [(3,), (3,)], (4,), None)
    src = from_network(net, [{"type": "dense", "units": 3}])
    with pytest.raises(ExportFailed) as e:
        export_onnx(src, tmp_path / "m.onnx")
    assert "layer 1 (sneaky)" in str(e.value)
    assert not (tmp_path / "m.onnx").exists()  # nothing written for a wrong export


def test_not_exportable_kind_is_refused_before_trying(tmp_path, monkeypatch):
    kind = load_all()["upsampling2d"]
    monkeypatch.setattr(type(kind), "exportable", False)
    monkeypatch.setattr(type(kind), "export_note", "nearest upsampling is not in opset 17")
    from tests.conftest import toy_doc
    from layerlab.api import Project
    layers = [{"type": "upsampling2d"}, {"type": "flatten"}, {"type": "dense", "units": 3, "activation": "softmax"}]
    p = Project(toy_doc(layers, shape=(2, 4, 4)))
    onnx = next(f for f in p.export_formats() if f["format"] == "onnx")
    assert "nearest upsampling is not in opset 17" in onnx["blocked"]
    with pytest.raises(ExportFailed, match="opset 17"):
        p.export("onnx", tmp_path / "m.onnx")
