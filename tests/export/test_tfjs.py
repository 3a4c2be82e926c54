"""TensorFlow.js import: models saved by the real @tensorflow/tfjs import with equal outputs (exports: test_tfjs_export)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

import layerlab

from layerlab.export.tfjs import export_tfjs
from layerlab.export.tfjs_import import import_tfjs, network_from_tfjs
from layerlab.spec.errors import SpecError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "tfjs"


def _io(name):
    io = json.loads((FIXTURES / name / "io.json").read_text())
    return np.array(io["input"], np.float32), np.array(io["output"], np.float32)


def _run_layerlab(net, info, x_tf):
    x = np.moveaxis(x_tf, -1, 1) if info["input_layout"] == "channels_last" else x_tf
    with torch.no_grad():
        return net(torch.from_numpy(np.ascontiguousarray(x))).numpy()


@pytest.mark.parametrize("name", ["dense", "conv", "rnn", "seqconv"])
def test_models_saved_by_tfjs_import_with_equal_outputs(name):
    net, info = network_from_tfjs(FIXTURES / name / "model.json")
    x, want = _io(name)
    assert np.abs(_run_layerlab(net, info, x) - want).max() <= 1e-4


def test_conv_import_converts_channels_last():
    _, info = network_from_tfjs(FIXTURES / "conv")
    assert info["input_shape"] == [3, 7, 6] and info["input_layout"] == "channels_last"
    assert [d["type"] for d in info["layers"]] == ["conv2d", "max_pool2d", "conv2d", "avg_pool2d", "flatten", "dense"]


def test_import_writes_a_project_that_loads_and_predicts(tmp_path):
    import layerlab
    folder = import_tfjs(FIXTURES / "conv" / "model.json", tmp_path / "imported")
    p = layerlab.load(folder)
    run = p.load_run()
    x, want = _io("conv")
    with torch.no_grad():
        got = run.network(torch.from_numpy(np.ascontiguousarray(np.moveaxis(x, -1, 1)))).numpy()
    assert np.abs(got - want).max() <= 1e-4
    report = p.export("onnx", tmp_path / "m.onnx")  # an imported model leaves again
    assert report["trained"] and report["max_diff"] <= 1e-4


@pytest.mark.parametrize("name", ["dense", "conv", "rnn", "seqconv"])
def test_round_trip_layerlab_tfjs_layerlab(name, tmp_path):
    net, info = network_from_tfjs(FIXTURES / name)
    from layerlab.export.common import from_network
    src = from_network(net, info["layers"])
    export_tfjs(src, tmp_path / "out")
    back, _ = network_from_tfjs(tmp_path / "out" / "model.json")
    with torch.no_grad():
        assert np.abs(back(src.example).numpy() - net(src.example).numpy()).max() <= 1e-4


def test_unsupported_layer_is_named_with_the_supported_list(tmp_path):
    d = tmp_path / "bad"
    shutil.copytree(FIXTURES / "conv", d)
    doc = json.loads((d / "model.json").read_text())
    doc["modelTopology"]["config"]["layers"][1]["class_name"] = "ConvLSTM2D"
    (d / "model.json").write_text(json.dumps(doc))
    with pytest.raises(SpecError) as e:
        import_tfjs(d, tmp_path / "proj")
    assert "ConvLSTM2D" in str(e.value) and e.value.path.startswith("layer 1 (")
    assert all(s in e.value.hint for s in ("Dense", "Conv2D", "LSTM"))
    assert not (tmp_path / "proj").exists()


def test_hard_sigmoid_lstm_imports_with_tfjs_gates(tmp_path):
    """TF.js' default LSTM gates are hard sigmoids: the import keeps them and computes what TF.js computes."""
    d = tmp_path / "rnn"
    shutil.copytree(FIXTURES / "rnn", d)
    doc = json.loads((d / "model.json").read_text())
    del doc["modelTopology"]["config"]["layers"][1]["config"]["recurrent_activation"]  # TF.js' default
    (d / "model.json").write_text(json.dumps(doc))
    from layerlab.export.tfjs_layout import read_model
    from layerlab.export.tfjs_reference import run_model
    project = layerlab.load(import_tfjs(d, tmp_path / "proj"))
    assert project.doc["model"]["layers"][1]["recurrent_activation"] == "hard_sigmoid"
    x = torch.randn(5, 6, 3, generator=torch.Generator().manual_seed(0))
    saved, weights = read_model(d / "model.json")
    want = run_model(saved, weights, x.numpy())
    with torch.no_grad():
        got = project.load_run().network(x).numpy()
    assert np.abs(got - np.asarray(want)).max() < 1e-5
    assert project.summary().total_params > 0 and project.validate()  # imported projects validate like any other


@pytest.mark.parametrize("damage, message", [
    ("json", "not valid JSON"), ("truncate", "shorter"), ("missing", "missing"), ("topology", "modelTopology")])
def test_corrupt_files_get_clear_errors_and_write_nothing(tmp_path, damage, message):
    d = tmp_path / "bad"
    shutil.copytree(FIXTURES / "conv", d)
    if damage == "json":
        (d / "model.json").write_text('{"modelTopology": {"class_name": "Seq')
    elif damage == "truncate":
        (d / "model.weights.bin").write_bytes((d / "model.weights.bin").read_bytes()[:100])
    elif damage == "missing":
        (d / "model.weights.bin").unlink()
    else:
        (d / "model.json").write_text('{"format": "graph-model"}')
    with pytest.raises(SpecError, match=message):
        import_tfjs(d, tmp_path / "proj")
    assert not (tmp_path / "proj").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".proj")]  # no temp folder left behind


def test_upload_of_files_or_a_zip_imports(tmp_path):
    import io
    import zipfile
    from layerlab.export.tfjs_upload import import_tfjs_upload
    files = {p.name: p.read_bytes() for p in (FIXTURES / "dense").iterdir() if p.name != "io.json"}
    files["../../model.json"] = files.pop("model.json")  # a hostile name stays inside the temp folder
    net = import_tfjs_upload(files, tmp_path / "a")
    assert (net / "project.json").is_file() and not (tmp_path / "model.json").exists()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for p in (FIXTURES / "rnn").iterdir():
            z.write(p, f"my-model/{p.name}")
    folder = import_tfjs_upload({"model.zip": buf.getvalue()}, tmp_path / "b", name="rnn")
    import layerlab
    x, want = _io("rnn")
    with torch.no_grad():
        got = layerlab.load(folder).load_run().network(torch.from_numpy(x)).numpy()
    assert np.abs(got - want).max() <= 1e-4
    with pytest.raises(SpecError, match="no model.json"):
        import_tfjs_upload({"notes.txt": b"hello"}, tmp_path / "c")
    assert not (tmp_path / "c").exists()


def test_damaged_or_oversized_zip_uploads_are_refused_clearly(tmp_path, monkeypatch):
    import io
    import zipfile
    from layerlab.export import tfjs_upload
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in (FIXTURES / "dense").iterdir():
            z.write(p, p.name)
    data = bytearray(buf.getvalue())
    data[60:90] = b"\xff" * 30                       # inside the first entry's deflate stream
    with pytest.raises(SpecError, match="not a readable ZIP"):
        tfjs_upload.import_tfjs_upload({"m.zip": bytes(data)}, tmp_path / "a")
    assert not (tmp_path / "a").exists()
    monkeypatch.setattr(tfjs_upload, "MAX_UPLOAD", 2000)   # a zip whose content unpacks past the limit
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("model.json", b" " * 100_000)
    with pytest.raises(SpecError, match="unpacks to more than"):
        tfjs_upload.import_tfjs_upload({"b.zip": bomb.getvalue()}, tmp_path / "b")
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize("config, imported", [({}, False), ({"alpha": 0.3}, False), ({"negative_slope": 0.01}, True),
                                              ({"alpha": 0.01}, True)])
def test_leaky_relu_takes_tfjs_default_slope_when_the_file_leaves_it_out(tmp_path, config, imported):
    """TF.js' and Keras' LeakyReLU default is 0.3, LayerLab's 0.01: a file without the slope is not LayerLab's."""
    d = tmp_path / "dense"
    shutil.copytree(FIXTURES / "dense", d)
    doc = json.loads((d / "model.json").read_text())
    doc["modelTopology"]["config"]["layers"].insert(1, {"class_name": "LeakyReLU", "config": {"name": "lr", **config}})
    (d / "model.json").write_text(json.dumps(doc))
    if imported:
        _, info = network_from_tfjs(d)
        assert info["layers"][1] == {"type": "activation", "activation": "leaky_relu"}
    else:
        with pytest.raises(SpecError, match="alpha=0.3"):
            network_from_tfjs(d)
