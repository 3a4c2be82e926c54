"""Every command that names a project takes a folder (or its project.json) or a workspace id, through
one resolver (api.project_folder); a name that is neither is a four-part error listing the ids."""
from __future__ import annotations

import inspect
import json

from typer.testing import CliRunner

import layerlab
from layerlab.api import create_project
from layerlab.cli import app
from layerlab.cli.common import PROJECT_HELP
from layerlab.i18n import msg
from layerlab.spec.errors import SpecError
from layerlab.store import workspace

runner = CliRunner()


def _run(*args, code=0):
    r = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in r.output and r.exit_code == code, r.output
    return r


def _flat(text):
    return " ".join(text.split())


def test_every_command_that_names_a_project_takes_a_folder_or_an_id():
    """The help says so for each command with a PROJECT argument (restore names a trash entry instead)."""
    named = []
    for command in app.registered_commands:
        params = inspect.signature(command.callback).parameters
        if "project" in params and command.callback.__name__ != "restore":
            named.append(command.callback.__name__)
            default = params["project"].default
            assert default.help.startswith(PROJECT_HELP), command.callback.__name__
            assert params["project"].annotation in ("str", str), command.callback.__name__
            assert "workspace" in params, command.callback.__name__      # --workspace DIR, as the manage commands
    assert {"summary", "validate", "train", "predict", "export", "inspect", "data_summary", "rename", "pack",
            "delete", "duplicate", "search", "add", "set_value"} <= set(named)


def test_a_folder_its_project_json_and_its_workspace_id_give_the_same_answers(tmp_path):
    create_project("xor", example="xor")
    folder = workspace.home() / "xor"
    for args in (["summary", "--json"], ["validate", "--json"], ["runs", "--json"]):
        by_id = _run(args[0], "xor", *args[1:]).output
        assert json.loads(by_id) == json.loads(_run(args[0], folder, *args[1:]).output)
        assert json.loads(by_id) == json.loads(_run(args[0], folder / "project.json", *args[1:]).output)
    _run("set", "xor", "training.epochs", "3")
    assert json.loads((folder / "project.json").read_text())["training"]["epochs"] == 3
    _run("export", "xor", "--format", "npz", "--out", tmp_path / "xor.npz")
    assert (tmp_path / "xor.npz").is_file()


def test_rename_duplicate_and_delete_take_a_workspace_folder_too(tmp_path):
    create_project("xor", example="xor")
    out = json.loads(_run("duplicate", workspace.home() / "xor", "--json").output)
    assert out["id"] == "xor-copy"
    assert json.loads(_run("rename", workspace.home() / "xor-copy", "Second", "--json").output)["id"] == "second"
    assert "layerlab restore second" in _run("delete", workspace.home() / "second").output


def test_a_folder_outside_the_workspace_is_managed_with_workspace_of_its_parent(tmp_path):
    layerlab.new(tmp_path / "school" / "mine", example="xor")
    r = _run("duplicate", tmp_path / "school" / "mine", code=2)
    text = _flat(r.stderr)
    assert "project: is a project folder outside the workspace" in text and "Received:" in text
    assert f"--workspace {(tmp_path / 'school').resolve()}" in text
    out = json.loads(_run("duplicate", tmp_path / "school" / "mine", "--workspace", tmp_path / "school",
                          "--json").output)
    assert (tmp_path / "school" / out["id"] / "project.json").is_file()
    # the folder commands take it as it is, wherever it lies; and its id with --workspace
    assert json.loads(_run("summary", tmp_path / "school" / "mine", "--json").output)["name"] == "xor"
    assert json.loads(_run("summary", "mine", "--workspace", tmp_path / "school", "--json").output)["name"] == "xor"


def test_a_name_that_is_neither_says_what_where_why_and_lists_the_ids(tmp_path):
    create_project("xor", example="xor")
    for args in (["summary", "xorr"], ["train", "xorr"], ["rename", "xorr", "x"], ["pack", "xorr"]):
        text = _flat(_run(*args, code=2).stderr)
        assert "project: no such project" in text and "Received: 'xorr'" in text, text
        assert "Fix: give a folder that contains project.json, or a project id" in text and "xor" in text, text
    text = _flat(_run("validate", tmp_path / "nowhere", code=2).stderr)
    assert "no project found at" in text and "Fix:" in text


def test_the_error_reads_in_german():
    try:
        layerlab.api.project_folder("nope")
    except SpecError as e:
        assert e.message.to("de") == msg("no such project").to("de")
        assert "gib einen Ordner an, der project.json enthält" in e.hint.to("de")
        assert "hat noch keine Projekte" in e.hint.to("de")
    else:
        raise AssertionError("no error for a project that does not exist")
