"""The other formats through the facade and the CLI: int8 ONNX, safetensors, the script, the ZIP bundle."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import torch
from safetensors.torch import load_file
from typer.testing import CliRunner

import layerlab
from export_cases import exported
from layerlab.cli import app
from layerlab.export.quantize import export_onnx_int8
from layerlab.spec.errors import SpecError


@pytest.fixture(scope="module")
def iris(tmp_path_factory):
    """A trained iris project (a few seconds of training)."""
    p = layerlab.new(tmp_path_factory.mktemp("p") / "iris", example="iris")
    p.train(epochs=30)
    return p


def test_int8_reports_size_and_accuracy_change(iris, tmp_path):
    r = iris.export("onnx_int8", tmp_path / "m.int8.onnx")
    assert r["trained"] and r["validation_samples"] == 30
    assert abs(r["accuracy_change"] - (r["int8_accuracy"] - r["float_accuracy"])) < 1e-9
    assert r["float_accuracy"] > 0.8 and abs(r["accuracy_change"]) <= 0.1
    assert (tmp_path / "m.int8.onnx").stat().st_size == r["size"]


def test_int8_shrinks_dense_and_conv_models(tmp_path):
    for layers, shape in [([{"type": "dense", "units": 128}, {"type": "dense", "units": 10}], (64,)),
                          ([{"type": "conv2d", "filters": 32}, {"type": "conv2d", "filters": 32}, {"type": "flatten"},
                            {"type": "dense", "units": 10, "activation": "softmax"}], (1, 8, 8))]:
        src = exported(layers, shape)
        r = export_onnx_int8(src, tmp_path / "q.onnx")
        assert r["size"] < 0.5 * r["float_size"], r
        assert r["max_diff"] < 0.1
    assert r["method"].startswith("static")  # the conv model was calibrated


def test_safetensors_folder_rebuilds_the_trained_network(iris, tmp_path):
    iris.export("safetensors", tmp_path / "w")
    names = sorted(p.name for p in (tmp_path / "w").iterdir())
    assert names == ["labels.json", "preprocessing.json", "project.json", "weights.safetensors"]
    assert json.loads((tmp_path / "w" / "labels.json").read_text())["0"] == "setosa"
    assert json.loads((tmp_path / "w" / "preprocessing.json").read_text())["method"] == "standard"
    net = layerlab.load(tmp_path / "w").build()
    net.load_state_dict(load_file(tmp_path / "w" / "weights.safetensors"))
    net.eval()
    x = torch.randn(5, 4)
    with torch.no_grad():
        assert torch.equal(net(x), iris.load_run().network(x))


def test_zip_bundle_holds_every_format_and_a_readme(iris, tmp_path):
    r = iris.export("zip", tmp_path / "all.zip")
    z = zipfile.ZipFile(tmp_path / "all.zip")
    names = set(z.namelist())
    for must in ("README.md", "model.onnx", "model.int8.onnx", "model.pt", "model.pt2", "train.py", "webpage.html",
                 "weights/weights.safetensors", "weights/project.json", "tfjs/model.json"):
        assert must in names, must
    readme = z.read("README.md").decode()
    for how in ("ort.InferenceSession", "torch.jit.load", "torch.export.load", "tf.loadLayersModel", "python train.py"):
        assert how in readme
    assert r["max_diff"] <= 1e-4 and not r["skipped"]


def test_zip_leaves_out_what_tfjs_cannot_hold_and_says_why(tmp_path):
    from tests.conftest import toy_doc
    p = layerlab.new(tmp_path / "g", doc=toy_doc([{"type": "gru", "units": 4}, {"type": "dense", "units": 3,
                                                                               "activation": "softmax"}], shape=(5, 2)))
    r = p.export("zip", tmp_path / "g.zip")
    assert "tfjs" in r["skipped"] and "gru" in r["skipped"]["tfjs"]
    assert "gru" in zipfile.ZipFile(tmp_path / "g.zip").read("README.md").decode()
    tfjs = next(f for f in p.export_formats() if f["format"] == "tfjs")
    assert "gru" in tfjs["blocked"]  # shown before the user tries


def test_cli_export_and_import(iris, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["export", str(iris.dir), "--format", "onnx", "--out", str(tmp_path / "m.onnx")])
    assert res.exit_code == 0, res.output
    assert "largest difference" in res.output and (tmp_path / "m.onnx").exists()
    res = runner.invoke(app, ["export", str(iris.dir), "--format", "tfjs", "--out", str(tmp_path / "tfjs"),
                              "--run", iris.load_run().run_id])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["import", str(tmp_path / "tfjs" / "model.json"), "--out", str(tmp_path / "back")])
    assert res.exit_code == 0, res.output
    back = layerlab.load(tmp_path / "back").load_run().network
    x = torch.randn(7, 4)
    with torch.no_grad():
        assert np.abs(back(x).numpy() - iris.load_run().network(x).numpy()).max() <= 1e-4
    res = runner.invoke(app, ["export", str(iris.dir), "--format", "onx", "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "did you mean 'onnx'" in res.output
    res = runner.invoke(app, ["export", str(iris.dir), "--format", "onnx", "--out", str(tmp_path / "y"), "--run", "nope"])
    assert res.exit_code == 2 and "is not a run of this project" in res.output


def test_script_reproduces_digits_training(tmp_path):
    """The generated script trains on its own (subprocess, no LayerLab) to a comparable accuracy."""
    p = layerlab.new(tmp_path / "digits", example="digits")
    p.doc["training"]["epochs"] = 3  # the project's other hyper-parameters stay; 3 epochs keep the test short
    r = p.export("script", tmp_path / "digits.py")
    assert r["max_diff"] <= 1e-4 and r["helpers"] == ["Activated"]
    text = (tmp_path / "digits.py").read_text()
    assert "import layerlab" not in text and "from layerlab" not in text
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": ""}
    proc = subprocess.run([sys.executable, str(tmp_path / "digits.py")], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=170)
    assert proc.returncode == 0, proc.stderr[-2000:]
    acc = float(re.search(r"final validation accuracy ([\d.]+)", proc.stdout).group(1))
    assert acc >= 0.9, proc.stdout
    proc = subprocess.run([sys.executable, str(tmp_path / "digits.py"), "--predict", ",".join(["0.5"] * 64)],
                          capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
    assert proc.returncode == 0 and proc.stdout.split()[0] in [str(i) for i in range(10)], proc.stderr[-1000:]


def test_script_of_a_generated_dataset_ships_its_samples(tmp_path):
    p = layerlab.new(tmp_path / "xor", example="xor")
    r = p.export("script", tmp_path / "xor.py")
    assert (tmp_path / "xor_data.npz").exists() and len(r["files"]) == 2
    with np.load(tmp_path / "xor_data.npz", allow_pickle=False) as d:
        assert d["x"].shape[1:] == (2,)


def test_unknown_run_and_format_errors(iris, tmp_path):
    with pytest.raises(SpecError, match="not an export format"):
        iris.export("keras", tmp_path / "m")
    with pytest.raises(SpecError, match="not a run"):
        iris.export("onnx", tmp_path / "m.onnx", run_id="20990101-000000-000-dead")


def test_export_uses_the_runs_model_even_after_the_spec_changed(iris, tmp_path):
    edited = layerlab.load(iris.dir)
    edited.doc["model"]["layers"].insert(0, {"type": "dense", "units": 7, "activation": "relu"})
    r = edited.export("tfjs", tmp_path / "tfjs")
    assert r["trained"] and r["max_diff"] <= 1e-4
    units = [layer["config"].get("units") for layer in
             json.loads((tmp_path / "tfjs" / "model.json").read_text())["modelTopology"]["config"]["layers"]]
    assert 7 not in units


def test_folder_exports_never_replace_foreign_folders(iris, tmp_path):
    docs = tmp_path / "documents"
    docs.mkdir()
    (docs / "thesis.txt").write_text("precious")
    for fmt in ("tfjs", "safetensors"):
        with pytest.raises(SpecError, match="choose a new or empty folder"):
            iris.export(fmt, docs)
    assert (docs / "thesis.txt").read_text() == "precious"
    iris.export("tfjs", tmp_path / "t")
    iris.export("tfjs", tmp_path / "t")  # an earlier export of the same kind is replaced
    from layerlab.export.tfjs_import import import_tfjs
    with pytest.raises(SpecError, match="already holds files"):
        import_tfjs(tmp_path / "t" / "model.json", docs)
    assert sorted(p.name for p in docs.iterdir()) == ["thesis.txt"]


def test_script_for_token_inputs_keeps_integer_ids(tmp_path):
    p = layerlab.new(tmp_path / "mod", example="modular_arithmetic")
    r = p.export("script", tmp_path / "mod.py")  # its Model is run with the network's weights: same outputs
    assert r["max_diff"] <= 1e-4 and "TOKENS = True" in (tmp_path / "mod.py").read_text()
