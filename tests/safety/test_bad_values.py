"""NaN, Infinity, 1e400, huge integers and absurd nesting are refused where JSON is read: HTTP
bodies, project.json on load, the CLI's `set`/`add` and the studio's edits; a bad file never
gives the CLI a traceback. Each case was a 500, a saved NaN or a traceback before."""
from __future__ import annotations

import json
import math

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from layerlab import api
from layerlab.cli import app as cli
from layerlab.server import security
from layerlab.spec.errors import SpecError
from layerlab.spec.models import parse_project
from layerlab.api import create_project
from layerlab.store import workspace as ws

TOKEN = "t"
runner = CliRunner()


@pytest.fixture
def client():
    app = FastAPI()
    security.install(app, token=TOKEN, host="127.0.0.1", port=8765)
    return TestClient(app, base_url="http://127.0.0.1:8765", headers={"Authorization": f"Bearer {TOKEN}"},
                      raise_server_exceptions=False)


def _put_raw(client, doc_text: str, revision: str):
    body = '{"doc": %s, "revision": "%s"}' % (doc_text, revision)
    return client.put("/api/projects/xor", content=body, headers={"content-type": "application/json"})


def _xor(client) -> dict:
    r = client.post("/api/projects", json={"name": "xor", "example": "xor"})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize("literal,where,words", [
    ("NaN", "doc.model.layers[0].units", "not a finite number"),
    ("Infinity", "doc.model.layers[0].units", "not a finite number"),
    ("-Infinity", "doc.model.layers[0].units", "not a finite number"),
    ("1e400", "doc.model.layers[0].units", "too large to store"),
    ("1" + "0" * 30, "doc.model.layers[0].units", "whole number too large"),
])
def test_a_raw_body_with_a_non_finite_or_huge_number_is_a_422_and_nothing_is_saved(client, literal, where, words):
    p = _xor(client)
    text = json.dumps(p["doc"])
    units = json.dumps(p["doc"]["model"]["layers"][0]["units"])
    bad = text.replace('"units": %s' % units, '"units": %s' % literal, 1)
    assert bad != text
    r = _put_raw(client, bad, p["revision"])
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["path"] == where and words in err["message"] and err["hint"] and err["received"] == literal[:40]
    assert client.get("/api/projects/xor").json()["revision"] == p["revision"]  # nothing written
    assert client.get("/api/projects/xor/summary").status_code == 200  # was a 500 after a saved NaN


def test_infinity_in_weight_decay_is_refused_instead_of_round_tripping_as_null(client):
    p = _xor(client)
    doc = json.dumps(dict(p["doc"], training=dict(p["doc"]["training"], weight_decay=0.5)))
    r = _put_raw(client, doc.replace('"weight_decay": 0.5', '"weight_decay": Infinity'), p["revision"])
    assert r.status_code == 422 and r.json()["error"]["path"] == "doc.training.weight_decay"
    sent_back = client.get("/api/projects/xor").json()
    assert client.put("/api/projects/xor", json={"doc": sent_back["doc"], "revision": sent_back["revision"]}
                      ).status_code == 200  # the document can always be sent back


@pytest.mark.parametrize("levels", [300, 100_000])
def test_deep_nesting_is_a_422_with_a_message(client, levels):
    deep = "[" * levels + "]" * levels
    body = '{"name": "d", "doc": {"name": "d", "data": {"source": "xor", "params": {"a": %s}}}}' % deep
    r = client.post("/api/projects", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert "nests more than 100 levels" in err["message"] and "residual" in err["hint"]
    assert client.get("/api/projects").json() == []


def test_the_refusal_is_german_when_the_request_prefers_german(client):
    p = _xor(client)
    bad = json.dumps(p["doc"]).replace('"seed": 0', '"seed": NaN', 1)
    r = client.put("/api/projects/xor", content='{"doc": %s, "revision": "%s"}' % (bad, p["revision"]),
                   headers={"content-type": "application/json", "accept-language": "de"})
    assert r.status_code == 422 and "keine endliche Zahl" in r.json()["error"]["message"]


def test_a_project_file_holding_nan_opens_as_a_clear_error_not_a_500(client):
    _xor(client)
    f = ws.project_dir("xor") / "project.json"
    f.write_text(f.read_text().replace('"epochs": ', '"epochs": NaN, "x": ', 1))
    for url in ("/api/projects/xor", "/api/projects/xor/summary"):
        r = client.get(url)
        assert r.status_code == 422, (url, r.text)
        assert r.json()["error"]["path"] == "training.epochs" and "finite" in r.json()["error"]["message"]
    r = client.get("/api/projects/xor/validate")  # validate answers with the mistakes it found
    assert r.status_code == 200 and r.json()["valid"] is False
    assert r.json()["errors"][0]["path"] == "training.epochs"


def test_parse_project_refuses_values_python_built(tmp_path):
    doc = api.example("xor")
    doc["training"]["learning_rate"] = float("nan")
    with pytest.raises(SpecError) as e:
        parse_project(doc)
    assert e.value.path == "training.learning_rate"
    doc["training"]["learning_rate"] = 0.1
    doc["data"]["params"]["deep"] = nested = []
    for _ in range(150):
        nested.append([])
        nested = nested[0]
    with pytest.raises(SpecError, match="nests more than 100"):
        parse_project(doc)
    with pytest.raises(SpecError):  # nothing with NaN reaches the disk through the facade either
        api.Project(dict(api.example("xor"), description=math.inf), tmp_path / "p").save()
    assert not (tmp_path / "p" / "project.json").exists()


def test_ordinary_numbers_still_parse_exactly():
    from layerlab.spec import loader
    doc = loader.loads('{"a": 1e-8, "b": -3, "c": 9223372036854775807, "d": [0.1, 2.5e10], "e": "NaN [[["}')
    assert doc == {"a": 1e-8, "b": -3, "c": 2 ** 63 - 1, "d": [0.1, 2.5e10], "e": "NaN [[["}


def test_a_studio_edit_with_nan_is_refused_and_the_file_keeps_its_last_good_version():
    from layerlab.ui.state import Session
    pid = create_project("xor", example="xor").dir.name
    before = (ws.project_dir(pid) / "project.json").read_bytes()
    s = Session(ws.project_dir(pid))

    def set_units(doc):
        doc["model"]["layers"][0]["units"] = float("nan")
    assert s.edit(set_units) is False
    assert (ws.project_dir(pid) / "project.json").read_bytes() == before
    assert s.problem is not None and s.problem.path == "model.layers[0].units"
    assert s.edit(lambda d: d.update(description="fine")) is True and s.problem is None


# -- the command line ----------------------------------------------------------------------------
def _cli(*args):
    r = runner.invoke(cli, [str(a) for a in args])
    assert "Traceback" not in r.output and (r.exception is None or isinstance(r.exception, SystemExit)), r.exception
    return r, " ".join(r.stderr.split())


@pytest.mark.parametrize("args,path,words", [
    (("set", "training.weight_decay", "Infinity"), "training.weight_decay", "not a finite number"),
    (("set", "training.learning_rate", "1e400"), "training.learning_rate", "too large to store"),
    (("add", "dense", "units=NaN"), "model.layers[", "not a finite number"),
])
def test_cli_edits_refuse_non_finite_values(tmp_path, args, path, words):
    folder = api.new(tmp_path / "p", example="xor").dir
    before = (folder / "project.json").read_bytes()
    r, err = _cli(args[0], folder, *args[1:])
    assert r.exit_code == 2 and path in err and words in err and "Fix:" in err
    assert (folder / "project.json").read_bytes() == before


@pytest.mark.parametrize("content,words", [
    (lambda doc: json.dumps(doc).replace('"epochs": ', '"epochs": Infinity, "x": ', 1).encode(),
     "training.epochs: is not a finite number"),
    (lambda doc: ("[" * 100_000 + "]" * 100_000).encode(), "nests more than 100 levels deep"),
    (lambda doc: json.dumps(doc).encode("utf-16"), "saved as UTF-16"),
    (lambda doc: json.dumps(doc).encode("utf-16-le"), "saved as UTF-16"),
    (lambda doc: bytes(range(256)) * 8, "not a text file"),
    (lambda doc: json.dumps(doc).encode("latin-1") + b"\xe9\xff", "not UTF-8 text"),
])
def test_cli_reads_a_bad_project_file_without_a_traceback(tmp_path, content, words):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "project.json").write_bytes(content(api.example("xor")))
    for command in ("summary", "validate"):
        r, err = _cli(command, folder)
        assert r.exit_code == 2 and words in err and "Fix:" in err, err


def test_cli_reads_a_binary_file_given_as_a_table_without_a_traceback(tmp_path):
    import random
    rng = random.Random(3)
    table = tmp_path / "garbage.csv"
    table.write_bytes(bytes(rng.randrange(256) for _ in range(3000)))  # the csv module's own error
    r, err = _cli("new", tmp_path / "p", "--data", table)
    assert r.exit_code == 2 and "could not be read (CSV)" in err and "Fix:" in err, err
