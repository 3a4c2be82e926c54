"""A damaged project.json anywhere in the workspace is listed as damaged, with what is wrong and
how to repair or remove it, and never breaks the list (it was a 500 for everyone)."""
from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from layerlab.cli import app as cli
from layerlab.server import security
from layerlab.api import create_project
from layerlab.store import workspace as ws

TOKEN = "t"

DAMAGES = {
    "syntax": (b'{"name": "x",', "not valid JSON"),
    "nan": (b'{"name": "x", "data": {"source": "xor"}, "training": {"epochs": NaN}}', "not a finite number"),
    "utf16": (json.dumps({"name": "x", "data": {"source": "xor"}}).encode("utf-16"), "UTF-16"),
    "binary": (bytes(range(256)), "binary data"),
    "deep": (b"[" * 50_000 + b"]" * 50_000, "nests more than"),
    "list": (b"[1, 2]", "must be a JSON object"),
}


@pytest.fixture
def workspace_with_damage():
    """Two good projects and one of each kind of damage."""
    create_project("good one", example="xor")
    for name, (content, _) in DAMAGES.items():
        folder = ws.home() / f"bad-{name}"
        folder.mkdir()
        (folder / "project.json").write_bytes(content)
    odd = ws.home() / "odd-types"  # readable JSON with odd types: listed normally, opened to be fixed
    odd.mkdir()
    (odd / "project.json").write_text('{"name": 5, "task": [], "data": [1]}')
    (ws.home() / "folder-as-file").mkdir()
    (ws.home() / "folder-as-file" / "project.json").mkdir()
    create_project("good two", example="spiral")


@pytest.fixture
def client():
    app = FastAPI()
    security.install(app, token=TOKEN, host="127.0.0.1", port=8765)
    return TestClient(app, base_url="http://127.0.0.1:8765", headers={"Authorization": f"Bearer {TOKEN}"},
                      raise_server_exceptions=False)


def test_the_api_lists_damaged_projects_beside_the_good_ones(client, workspace_with_damage):
    r = client.get("/api/projects")
    assert r.status_code == 200, r.text
    rows = {p["id"]: p for p in r.json()}
    assert rows["good-one"]["name"] == "good one" and "damaged" not in rows["good-one"]
    assert rows["good-two"]["source"] == "spiral" and "damaged" not in rows["good-two"]
    assert rows["odd-types"] == dict(rows["odd-types"], name="odd-types", task="", source="")
    assert "damaged" not in rows["odd-types"]
    for name, (_, words) in DAMAGES.items():
        d = rows[f"bad-{name}"]["damaged"]
        assert words in d["message"], (name, d)
        assert d["hint"] and d["file"].endswith(f"bad-{name}/project.json") and "move the folder" in d["remove"]
    assert "is a folder, not a file" in rows["folder-as-file"]["damaged"]["message"]
    # opening one says the same; removing it works like any project (to the trash)
    assert client.get("/api/projects/bad-nan").status_code == 422
    for pid in ("bad-nan", "bad-deep", "bad-utf16"):
        assert client.delete(f"/api/projects/{pid}").status_code == 204, pid
    assert not {"bad-nan", "bad-deep", "bad-utf16"} & {p["id"] for p in client.get("/api/projects").json()}
    trash = client.get("/api/trash")
    assert trash.status_code == 200 and {e["project_id"] for e in trash.json()} == {"bad-nan", "bad-deep", "bad-utf16"}


def test_the_damage_is_described_in_german_for_a_german_request(client, workspace_with_damage):
    rows = {p["id"]: p for p in client.get("/api/projects", headers={"accept-language": "de"}).json()}
    assert "UTF-16 gespeichert" in rows["bad-utf16"]["damaged"]["message"]
    assert "verschiebe den Ordner" in rows["bad-utf16"]["damaged"]["remove"]


def test_layerlab_list_shows_the_damage_and_how_to_repair_it(workspace_with_damage):
    r = CliRunner().invoke(cli, ["list"])
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    flat = " ".join(r.output.split())
    assert "good one" in flat and "good two" in flat
    assert "Damaged: bad-syntax: project.json is not valid JSON" in flat and "Fix:" in flat
    assert "move the folder" in flat
    rows = json.loads(CliRunner().invoke(cli, ["list", "--json"]).output)["projects"]
    assert {r["id"] for r in rows if r.get("damaged")} == {f"bad-{n}" for n in DAMAGES} | {"folder-as-file"}
