"""Every export format in the registry conforms (check_export_format on a real iris project), and the
.npz weights are usable with numpy alone: a separate process without torch reproduces the project's
predictions from the arrays by hand."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import load_iris

import layerlab
from layerlab.export.conformance import check_export_format, small_source
from layerlab.export.formats import ExportFormat, get_format, names, register
from layerlab.i18n import msg


@pytest.fixture(scope="module")
def iris(tmp_path_factory):
    """A briefly trained iris project and its model ready to export (raw inputs: standalone files)."""
    p = layerlab.new(tmp_path_factory.mktemp("conf") / "iris", example="iris")
    p.train(epochs=1)
    return p, p.export_source()


@pytest.mark.parametrize("fmt", names())
def test_every_format_conforms(fmt, iris, tmp_path):
    project, src = iris
    checked = check_export_format(fmt, src, project, tmp_path)
    assert checked.ok, "\n".join(checked.problems)
    form = get_format(fmt)
    assert checked.max_diff is not None or form.no_verify
    assert checked.path is not None and checked.path.name == form.file_name("iris")


def test_the_check_finds_a_format_that_breaks_its_promises(tmp_path):
    class Broken(ExportFormat):
        name = "broken"
        label = "Broken (.bin)"                     # not a msg(): no German
        description = msg("the ONNX file")          # a Text with German
        suffix = ".bin"
        bundle_path = "model.onnx"                  # taken by ONNX, and not ending in .bin

        def snippet(self, file, shape, shape_tf):
            return msg("{first}; {then}", first=file, then=shape)

        def blockers(self, kinds, layers):
            return ["a plain string"]

        def write(self, src, out, project=None):
            out.write_bytes(b"")
            return {"format": "broken", "path": str(out), "size": 0}

        def verify(self, path, sample):
            raise ValueError("cannot read an empty file")

    problems = "\n".join(check_export_format(Broken(), small_source(), None, tmp_path).problems)
    for expected in ("label is not a msg() Text", "bundle path 'model.onnx' is used by another format",
                     "does not end in its suffix", "blockers must be a list of msg() Texts", "is missing or empty",
                     "the report gives no size", "verify failed: ValueError: cannot read an empty file"):
        assert expected in problems, problems
    assert "broken" not in names()          # checked without registering it
    with pytest.raises(ValueError, match="registered twice"):
        register(type("Again", (Broken,), {"name": "onnx"}))


HAND = r"""
import json, sys
import numpy as np
w = np.load(sys.argv[1])                      # allow_pickle stays off: plain arrays only
meta = json.loads(str(w["__layerlab__"]))
pre = meta["preprocessing"]
x = (np.array(json.loads(sys.argv[2]), np.float32) - np.array(pre["mean"])) / np.array(pre["scale"])
for i, layer in enumerate(meta["layers"]):    # dense layers: x @ W.T + b, then the activation
    x = x @ w[f"layers.{i}.core.weight"].T + w[f"layers.{i}.core.bias"]
    if layer["activation"] == "relu":
        x = np.maximum(x, 0)
    elif layer["activation"] == "softmax":
        e = np.exp(x - x.max(axis=1, keepdims=True))
        x = e / e.sum(axis=1, keepdims=True)
print(json.dumps({"probs": x.tolist(), "classes": w["__classes__"].tolist(),
                  "shape": w["__input_shape__"].tolist(), "torch": "torch" in sys.modules}))
"""


def test_npz_weights_compute_the_projects_predictions_with_numpy_alone(iris, tmp_path):
    project, _ = iris
    report = project.export("npz", tmp_path / "iris.npz")
    assert report["max_diff"] < 1e-5 and report["arrays"] == 4 and report["trained"]
    rows = load_iris().data[[0, 60, 120]].tolist()
    done = subprocess.run([sys.executable, "-c", HAND, str(tmp_path / "iris.npz"), json.dumps(rows)],
                          capture_output=True, text=True, timeout=60, check=True)
    got = json.loads(done.stdout)
    assert got["torch"] is False and got["shape"] == [4]
    assert got["classes"] == ["setosa", "versicolor", "virginica"]
    expected = project.predict(rows)
    np.testing.assert_allclose(np.array(got["probs"]), expected, atol=1e-5)
    assert [layer["type"] for layer in project.doc["model"]["layers"]] == ["dense", "dense"]


def test_a_format_declared_in_one_class_reaches_the_facade_the_cli_and_the_bundle(iris, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from layerlab.cli import app
    from layerlab.export.formats import EXPORTS

    class WeightsJson(ExportFormat):   # a plug-in's whole declaration: nothing else is edited
        name = "weights_json"
        order = 56
        label = msg("the ONNX file")
        suffix = ".json"
        bundle_path = "weights.json"

        def snippet(self, file, shape, shape_tf):
            return msg("{first}; {then}", first=f"json.load(open({file!r}))", then=shape)

        def plain_readme(self, shape):
            return "### weights.json — every weight as nested lists"

        def readme(self, src, shape, report):
            return self.plain_readme(shape)

        def write(self, src, out, project=None):
            text = json.dumps({k: v.tolist() for k, v in src.network.state_dict().items()})
            out.write_text(text)
            return {"format": self.name, "path": str(out), "size": len(text), "max_diff": 0.0}

    monkeypatch.setitem(EXPORTS.entries, "weights_json", WeightsJson())
    project, _ = iris
    listed = {f["format"]: f for f in project.export_formats()}
    assert listed["weights_json"]["file"] == "iris.json" and listed["weights_json"]["blocked"] is None
    assert names().index("weights_json") == names().index("npz") + 1
    done = CliRunner().invoke(app, ["export", str(project.dir), "-f", "weights_json", "-o", str(tmp_path / "w.json")])
    assert done.exit_code == 0 and "Checked against PyTorch: largest difference 0" in done.output, done.output
    assert set(json.loads((tmp_path / "w.json").read_text())) == set(project.build().state_dict())
    from layerlab.export.bundle import parts, readme
    assert "weights_json" in [p.name for p in parts()]
    assert "### weights.json" in readme(project.export_source(), {"weights_json": {"size": 1}}, {}, "4")
