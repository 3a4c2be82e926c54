"""The project commands as a user types them: summary, validate, fix, layers, schema, examples, new."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from layerlab import api
from layerlab.cli import app
from layerlab.layers import load_all
from tests.conftest import toy_doc

runner = CliRunner()
GOOD = [{"type": "conv2d", "filters": 4, "padding": "same"}, {"type": "max_pool2d"}, {"type": "flatten"},
        {"type": "dense", "units": 3, "activation": "softmax"}]
# three mistakes with obvious fixes: kernel too large, dense on feature maps, units != classes
BROKEN = [{"type": "conv2d", "filters": 4, "kernel_size": 9}, {"type": "dense", "units": 5, "activation": "softmax"}]


def _project(tmp_path, layers, name="p", **kw):
    return api.new(tmp_path / name, doc=toy_doc(layers, shape=(1, 8, 8), **kw)).dir


def _flat(text: str) -> str:
    """Output with the terminal's line wrapping undone."""
    return " ".join(text.split())


def _run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result


def test_summary_prints_a_keras_like_table(tmp_path):
    folder = _project(tmp_path, GOOD)
    r = _run("summary", folder)
    assert r.exit_code == 0
    for text in ("Layer (type)", "Output Shape", "Param #", "conv2d", "max_pool2d", "(4, 8, 8)", "(4, 4, 4)",
                 "(64,)", "(3,)", "Total params: 235"):
        assert text in r.output, text


def test_summary_json_matches_the_api(tmp_path):
    folder = _project(tmp_path, GOOD)
    r = _run("summary", folder, "--json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["ok"] and data["total_params"] == api.load(folder).analyze().total_params == 235
    assert [row["type"] for row in data["layers"]] == ["conv2d", "max_pool2d", "flatten", "dense"]
    assert data["layers"][0]["out_shape"] == [4, 8, 8] and data["input_shape"] == [1, 8, 8]


def test_summary_shows_the_layers_inside_a_residual_block(tmp_path):
    block = {"type": "residual", "activation": "relu",
             "layers": [{"type": "conv2d", "filters": 4, "padding": "same"}, {"type": "batch_norm"}]}
    folder = _project(tmp_path, [GOOD[0], block, *GOOD[1:]])
    r = _run("summary", folder)
    assert r.exit_code == 0 and "└ conv2d" in r.output and "└ batch_norm" in r.output
    data = json.loads(_run("summary", folder, "--json").stdout)
    inner = data["layers"][1]["layers"]
    assert [(row["path"], row["out_shape"], row["params"]) for row in inner] == [
        ("model.layers[1].layers[0]", [4, 8, 8], 148), ("model.layers[1].layers[1]", [4, 8, 8], 8)]
    assert data["layers"][1]["params"] == 156


def test_validate_prints_four_parts_and_exits_2(tmp_path):
    folder = _project(tmp_path, BROKEN)
    r = _run("validate", folder)
    assert r.exit_code == 2
    err = _flat(r.stderr)
    assert "model.layers[0].kernel_size" in err and "larger than its input" in err
    assert "Received: 9" in err and "Fix: use a kernel_size of at most 8" in err
    assert "Offered fix: shrink kernel_size to 8" in err


def test_validate_json_and_valid_project(tmp_path):
    r = _run("validate", _project(tmp_path, BROKEN), "--json")
    assert r.exit_code == 2
    data = json.loads(r.stdout)
    assert data["ok"] is False and data["errors"][0]["path"] == "model.layers[0].kernel_size"
    assert data["errors"][0]["fixes"][0]["edits"][0] == {"op": "set", "path": "model.layers[0].kernel_size",
                                                         "value": 8}
    r = _run("validate", _project(tmp_path, GOOD, name="q"))
    assert r.exit_code == 0 and "Valid" in r.output


def test_fix_repairs_and_saves(tmp_path):
    folder = _project(tmp_path, BROKEN)
    r = _run("fix", folder, "--dry-run")
    assert r.exit_code == 0 and "Applied: shrink kernel_size to 8" in r.output
    assert api.load(folder).errors(), "--dry-run must not save"
    r = _run("fix", folder)
    assert r.exit_code == 0
    assert "insert a flatten layer" in r.output and "set units to 3" in r.output and "Saved" in r.output
    saved = api.load(folder)
    assert saved.errors() == []
    assert [layer["type"] for layer in saved.doc["model"]["layers"]] == ["conv2d", "flatten", "dense"]
    r = _run("fix", folder)
    assert r.exit_code == 0 and "Nothing to fix" in r.output


def test_fix_reports_what_it_cannot_fix(tmp_path):
    folder = _project(tmp_path, [{"type": "flatten"}, {"type": "dense", "units": 0}])
    r = _run("fix", folder)
    assert r.exit_code == 2 and "model.layers[1].units" in _flat(r.stderr) and "must be at least 1" in _flat(r.stderr)


def test_bad_json_and_missing_project_exit_2_without_traceback(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "project.json").write_text('{"name": "x",}')
    r = _run("summary", folder)
    assert r.exit_code == 2 and "not valid JSON" in _flat(r.stderr)
    r = _run("validate", tmp_path / "nowhere")
    assert r.exit_code == 2 and "no project found" in _flat(r.stderr)


def test_layers_lists_the_catalogue_in_english_and_german():
    r = _run("layers")
    assert r.exit_code == 0 and f"{len(load_all())} layer kinds" in r.output
    for name in ("dense", "conv2d_transpose", "global_avg_pool", "residual", "lstm"):
        assert name in r.output
    r = _run("layers", "conv2d", "--lang", "de")
    assert r.exit_code == 0 and "Schiebt kleine Filter" in r.output and "kernel_size" in r.output
    r = _run("layers", "lstm")
    assert "Long short-term memory" in r.output and "return_sequences" in r.output
    r = _run("layers", "--json")
    assert len(json.loads(r.stdout)) == len(load_all()) >= 30


def test_layers_unknown_name_suggests_the_closest():
    r = _run("layers", "conv2")
    assert r.exit_code == 2 and "did you mean 'conv2d'" in _flat(r.stderr)


def test_schema_is_json_schema():
    r = _run("schema")
    assert r.exit_code == 0
    schema = json.loads(r.stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"dense", "residual", "lstm"} <= {s["title"] for s in schema["$defs"]["Layer"]["oneOf"]}


def test_examples_and_new(tmp_path):
    r = _run("examples", "--json")
    names = [e["name"] for e in json.loads(r.stdout)]
    assert set(names) == set(api.example_names()) and "digits" in names
    r = _run("examples")
    assert r.exit_code == 0 and "layerlab new DIR --example NAME" in r.output
    r = _run("new", tmp_path / "x", "--example", "xor")
    assert r.exit_code == 0 and (tmp_path / "x" / "project.json").exists()
    assert api.load(tmp_path / "x").doc == api.example("xor")
    r = _run("new", tmp_path / "x", "--example", "xor")
    assert r.exit_code == 2 and "already holds a project" in _flat(r.stderr)
    r = _run("new", tmp_path / "y", "--example", "digts")
    assert r.exit_code == 2 and "did you mean 'digits'" in _flat(r.stderr)
    assert not (tmp_path / "y" / "project.json").exists()


@pytest.mark.parametrize("command", ["summary", "validate", "fix"])
def test_commands_need_a_project(command):
    r = _run(command)
    assert r.exit_code == 2 and "Missing argument" in r.output


def test_add_remove_and_set_edit_the_saved_project(tmp_path):
    folder = _project(tmp_path, GOOD)
    r = _run("add", folder, "dense", "units=16", "activation=tanh", "use_bias=false")
    assert r.exit_code == 0 and "Added dense at model.layers[3]" in r.output
    layers = api.load(folder).doc["model"]["layers"]
    assert layers[3] == {"type": "dense", "units": 16, "activation": "tanh", "use_bias": False}
    assert layers[4]["units"] == 3, "a new layer goes before the output layer"
    r = _run("set", folder, "model.layers[0].kernel_size", "[5, 3]")
    assert r.exit_code == 0 and api.load(folder).doc["model"]["layers"][0]["kernel_size"] == [5, 3]
    r = _run("remove", folder, "3")
    assert r.exit_code == 0 and "Removed dense" in r.output
    assert api.load(folder).errors() == []


@pytest.mark.parametrize("args,message", [
    (["add", "dense", "unit=8"], "did you mean 'units'?"),
    (["add", "dens"], "did you mean 'dense'?"),
    (["add", "dense", "units"], "is not NAME=VALUE"),
    (["add", "dense", "--at", "9"], "must be a position from 0 to 4"),
    (["set", "model.layers[0].filters", "0"], "must be at least 1"),
    (["set", "training.optimizer", "adma"], "did you mean 'adam'?"),
    (["set", "model.layers[7].units", "3"], "does not exist in this project"),
    (["remove", "4"], "has no layer at position 4"),
])
def test_invalid_edits_are_refused_and_nothing_is_saved(tmp_path, args, message):
    folder = _project(tmp_path, GOOD)
    before = (folder / "project.json").read_text()
    r = _run(args[0], folder, *args[1:])
    assert r.exit_code == 2 and message in _flat(r.stderr)
    assert (folder / "project.json").read_text() == before


def test_an_edit_that_breaks_the_shapes_is_saved_with_its_fix_shown(tmp_path):
    folder = _project(tmp_path, GOOD)
    r = _run("remove", folder, "2")  # the flatten
    assert r.exit_code == 0 and "1 problem(s)" in r.output
    assert "insert a flatten layer before it" in _flat(r.stderr)
    assert _run("fix", folder).exit_code == 0 and api.load(folder).errors() == []


def test_activations_are_listed_with_formulas():
    r = _run("activations", "--lang", "de")
    assert r.exit_code == 0 and "softmax" in r.output and "Wahrscheinlichkeiten" in _flat(r.output)
    rows = json.loads(_run("activations", "--json").stdout)
    assert len(rows) >= 20 and {r["name"] for r in rows if r["output"]} == {"sigmoid", "softmax", "log_softmax"}
