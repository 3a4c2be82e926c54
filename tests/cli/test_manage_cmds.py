"""The workspace commands as a user types them: duplicate, rename, delete, trash, restore, pack, unpack."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from layerlab.cli import app
from layerlab.api import create_project
from layerlab.store import workspace

runner = CliRunner()


def _run(*args, code=0):
    r = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in r.output and r.exit_code == code, r.output
    return r


def test_duplicate_rename_delete_restore_and_empty(tmp_path):
    create_project("xor", example="xor")
    assert "Copied xor to xor (copy) (id xor-copy)" in " ".join(_run("duplicate", "xor").output.split())
    assert json.loads(_run("rename", "xor-copy", "Second", "--json").output) == {"id": "second", "name": "Second"}
    assert "layerlab restore second" in _run("delete", "second").output
    rows = json.loads(_run("trash", "--json").output)
    assert [r["project_id"] for r in rows] == ["second"]
    assert "second" in _run("trash").output
    assert "Restored" in _run("restore", "second").output
    _run("delete", "second")
    assert "Deleted 1 project(s) for good" in _run("trash", "--empty").output
    assert "The trash is empty" in _run("trash").output


def test_errors_exit_2_with_the_fix(tmp_path):
    create_project("xor", example="xor")
    r = _run("rename", "nope", "x", code=2)
    assert "no such project" in r.output and "xor" in r.output
    assert "the trash is empty" in _run("restore", "xor", code=2).output
    assert "does not exist" in _run("unpack", tmp_path / "x.layerlab", code=2).output
    (tmp_path / "bad.layerlab").write_bytes(b"nope")
    assert "not a ZIP" in _run("unpack", tmp_path / "bad.layerlab", code=2).output


def test_pack_and_unpack_into_another_workspace(tmp_path):
    p = create_project("my xor", example="xor")
    out = tmp_path / "x.layerlab"
    assert "no trained run" in _run("pack", p.dir.name, "--out", out).output
    r = _run("unpack", out, "--name", "From school", "--workspace", tmp_path / "other")
    assert "Opened From school" in r.output
    assert (tmp_path / "other" / "from-school" / "project.json").is_file()
