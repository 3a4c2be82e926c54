"""German for the server, the store and the CLI: refused uploads, stale writes and unknown runs read
German with their values, and the HTTP API answers in the language Accept-Language prefers."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from layerlab.cli import app
from layerlab.data import safefiles as uploads
from layerlab.server.routing import accept_language
from layerlab.spec.errors import SpecError
from layerlab.store import runs, workspace as ws
from tests.server import test_http_api as http_api
from tests.server.test_http_api import TOKEN, create

client = http_api.client  # the HTTP API tests' fixture: an app with the security middleware and the token


def test_a_refused_upload_reads_german_with_its_values(tmp_path):
    with pytest.raises(uploads.UploadError) as info:
        uploads.save_file(tmp_path, "fake.png", b"#!/bin/sh\n")
    de = info.value.localized("de")
    assert "kein lesbares Bild" in de and "lade PNG-" in de and "UnidentifiedImageError" in de
    assert "not a readable image" in str(info.value)  # English unchanged
    with pytest.raises(uploads.UploadError) as info:
        uploads.check_size(3 * uploads.MB, uploads.UploadLimits(max_file_bytes=2 * uploads.MB))
    de = info.value.localized("de")
    assert "zu groß" in de and "3.0 MB" in de and "höchstens 2 MB" in de and "LAYERLAB_MAX_UPLOAD_MB" in de


def test_stale_writes_and_unknown_runs_read_german(tmp_path):
    folder = tmp_path / "my-net"
    folder.mkdir()
    stale = ws.StaleWriteError(folder)
    assert stale.to_dict("de")["message"].startswith("Projekt 'my-net' wurde woanders geändert")
    assert "lade das Projekt neu" in stale.to_dict("de")["hint"]
    (folder / "runs" / "20240101-120000-000-abcd").mkdir(parents=True)
    with pytest.raises(SpecError) as info:
        runs.open_run(folder, "nope")
    de = info.value.localized("de")
    assert "ist kein Lauf dieses Projekts" in de and "gültige Läufe: 20240101-120000-000-abcd" in de


def test_cli_edit_errors_are_texts():
    r = CliRunner().invoke(app, ["layers", "--lang", "fr"])
    assert r.exit_code == 2 and "is not a supported language" in r.stderr
    from layerlab.cli.inspect_cmds import parse_options
    with pytest.raises(SpecError) as info:
        parse_options(["epsilon"])
    assert "muss die Form key=value haben" in info.value.localized("de")


@pytest.mark.parametrize("header,lang", [
    (None, "en"), ("", "en"), ("de", "de"), ("de-DE", "de"), ("de-AT,de;q=0.9,en;q=0.8", "de"),
    ("en-US,en;q=0.9,de;q=0.8", "en"), ("en;q=0.5, de;q=0.9", "de"), ("fr, de;q=0.1", "de"),
    ("de;q=0, en", "en"), ("DE;Q=0.7, en;q=0.3", "de"), ("de;q=abc, en;q=0.2", "en"), ("fr", "en")])
def test_accept_language_honours_q_values(header, lang):
    assert accept_language(header) == lang


def test_the_api_answers_in_german_when_accept_language_prefers_it(client):
    german = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"}
    r = client.get("/api/projects/nothing-here", headers=german)
    assert r.status_code == 404
    assert r.json()["error"]["message"] == "dieses Projekt gibt es nicht"
    assert r.json()["error"]["hint"] == "liste die Projekte mit GET /api/projects auf"
    r = client.get("/api/projects/nothing-here", headers={"Accept-Language": "en-US,de;q=0.5"})
    assert r.json()["error"]["message"] == "no such project"
    assert client.get("/api/projects/nothing-here").json()["error"]["message"] == "no such project"
    # pydantic's own words for a bad request body, and our validators' Texts inside them
    r = client.post("/api/projects", json={"name": ""}, headers=german)
    assert r.status_code == 422 and r.json()["error"]["message"] == "Text muss mindestens 1 Zeichen haben"
    create(client)
    r = client.post("/api/projects/my-xor/predict", json={"inputs": [["a"]]}, headers=german)
    assert r.status_code == 422
    assert r.json()["error"]["message"] == ("ungültiger Wert: inputs müssen Zahlen sein "
                                            "(verschachtelte Listen von Zahlen)")
    r = client.post("/api/projects/my-xor/runs/20240101-120000-000-abcd/stop", headers=german)
    assert r.status_code == 404 and r.json()["error"]["message"] == "ist kein Lauf dieses Projekts"
    # sync routes run in the thread pool and still see the request's language: validation and summary
    p = client.get("/api/projects/my-xor").json()
    doc = dict(p["doc"], model={"layers": [{"type": "conv2d", "filters": 4}, *p["doc"]["model"]["layers"]]})
    assert client.put("/api/projects/my-xor", json={"doc": doc, "revision": p["revision"]}).status_code == 200
    en, de = (client.get("/api/projects/my-xor/summary", headers=h).json() for h in ({}, german))
    assert en["layers"][0]["error"]["message"].startswith("conv2d needs an image")
    assert de["layers"][0]["error"]["message"].startswith("conv2d braucht ein Bild")
    assert de["errors"][0]["message"] == de["layers"][0]["error"]["message"]
    de = client.get("/api/projects/my-xor/validate", headers=german).json()
    assert de["errors"][0]["message"].startswith("conv2d braucht ein Bild")


def test_the_sign_in_refusal_is_german_too():
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from layerlab.server import security
    app_ = FastAPI()
    security.install(app_, token=TOKEN, host="127.0.0.1", port=8765, with_api=False)
    anonymous = TestClient(app_, base_url="http://127.0.0.1:8765")
    r = anonymous.get("/api/projects", headers={"Accept-Language": "de"})
    assert r.status_code == 401 and "Zugangstoken" in r.json()["error"]["message"]
    page = anonymous.get("/", headers={"Accept-Language": "de", "accept": "text/html"}).text
    assert "Zugangstoken" in page and "Öffnen" in page and 'lang="de"' in page
    assert "needs its access token" in anonymous.get("/", headers={"accept": "text/html"}).text


def test_json_syntax_errors_name_the_place_in_german(tmp_path: Path):
    from layerlab import api
    (tmp_path / "project.json").write_text('{"name": "x" "task": 1}', encoding="utf-8")
    with pytest.raises(SpecError) as info:
        api.load(tmp_path)
    de = info.value.localized("de")
    assert "ist kein gültiges JSON (Zeile 1, Spalte 14: es fehlt ein Komma)" in de
    assert "Expecting ',' delimiter" in str(info.value)


def test_skipped_upload_entries_say_why_in_german(client):
    import io
    import zipfile

    create(client)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("cats/1.png", http_api.png())
        zf.writestr("cats/notes.txt", b"hello")
        zf.writestr("cats/broken.png", b"not a png")
    r = client.post("/api/projects/my-xor/uploads", params={"name": "set.zip"}, content=buf.getvalue(),
                    headers={"Accept-Language": "de"})
    assert r.status_code == 201 and r.json()["count"] == 1
    reasons = {s["name"]: s["reason"] for s in r.json()["skipped"]}
    assert reasons == {"cats/notes.txt": "keine Bilddatei", "cats/broken.png": "die Datei ist kein lesbares Bild"}


def test_a_failed_run_read_back_later_says_why_in_german(client):
    from layerlab import api
    create(client)
    folder = ws.project_dir("my-xor")
    doc = api.load(folder).doc
    doc["training"]["learning_rate"] = 1e30       # refused when the run starts: the run fails and says why
    ws.save_doc(folder, doc, ws.revision(folder))
    run = api.load(folder).train()
    assert run.status == "failed"
    german = {"Accept-Language": "de"}
    en, de = (client.get(f"/api/projects/my-xor/runs/{run.run_id}", headers=h).json() for h in ({}, german))
    assert en["failure"]["message"].startswith("The project cannot be trained: training.learning_rate")
    assert de["failure"]["message"].startswith("Das Projekt kann nicht trainiert werden: training.learning_rate")
