"""Invalid settings are refused the same way everywhere: the CLI (exit 2, four parts), the Python
API and the HTTP API; nothing is clamped or silently ignored. When the data changes, the output
layer follows it and the CLI and HTTP API say so in a note."""
from __future__ import annotations

import io
import zipfile

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

from layerlab import api
from layerlab.cli import app
from layerlab.data import samples
from layerlab.server import security
from layerlab.spec.errors import SpecError
from layerlab.store import workspace as ws

runner = CliRunner()
BAD = [("training.epochs", "0", "greater than or equal to 1"), ("training.learning_rate", "-1", "greater than 0"),
       ("training.batch_size", "0", "greater than or equal to 1"), ("model.layers[0].units", "-5", "at least 1"),
       ("model.layers[0].units", "1000000000", "at most 65536")]


def _png(colour: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (12, 12), colour).save(buf, "PNG")
    return buf.getvalue()


@pytest.mark.parametrize("path, value, words", BAD)
def test_cli_set_refuses_in_four_parts_with_exit_2(tmp_path, path, value, words) -> None:
    folder = api.new(tmp_path / "xor", example="xor").dir
    before = (folder / "project.json").read_text()
    r = runner.invoke(app, ["set", str(folder), "--", path, value])
    out = " ".join(r.output.split())
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert f"Error: {path}: " in out and words in out and f"Received: {value}" in out and "Fix: " in out
    assert (folder / "project.json").read_text() == before  # nothing saved, nothing clamped


@pytest.mark.parametrize("epochs", ["0", "-3"])
def test_cli_train_refuses_bad_epochs_in_four_parts(tmp_path, epochs) -> None:
    folder = api.new(tmp_path / "xor", example="xor").dir
    r = runner.invoke(app, ["train", str(folder), f"--epochs={epochs}"])
    out = " ".join(r.output.split())
    assert r.exit_code == 2 and "Error: epochs: must be at least 1" in out and f"Received: {epochs}" in out
    assert "Fix: use a whole number of 1 or more" in out
    assert api.load(folder).runs() == []  # no run was started


@pytest.mark.parametrize("epochs", [0, -3, 2.5])
def test_python_api_refuses_bad_epochs(tmp_path, epochs) -> None:
    p = api.new(tmp_path / "xor", example="xor")
    with pytest.raises(SpecError) as info:
        p.train(epochs=epochs)
    assert info.value.path == "epochs" and info.value.hint
    assert p.runs() == []


@pytest.fixture
def client():
    server = FastAPI()
    security.install(server, token="t", host="127.0.0.1", port=8765)
    return TestClient(server, base_url="http://127.0.0.1:8765", headers={"Authorization": "Bearer t"})


@pytest.mark.parametrize("path, value, words", BAD[:3])
def test_http_api_refuses_bad_settings_in_four_parts(client, path, value, words) -> None:
    p = client.post("/api/projects", json={"name": "xor", "example": "xor"}).json()
    doc = p["doc"]
    doc["training"][path.split(".")[1]] = float(value)
    r = client.put("/api/projects/xor", json={"doc": doc, "revision": p["revision"]})
    err = r.json()["error"]
    assert r.status_code == 422 and err["path"] == path and err["received"] is not None and err["hint"]
    assert client.get("/api/projects/xor").json()["revision"] == p["revision"]


@pytest.mark.parametrize("units", [-5, 10**9])
def test_http_api_will_not_train_bad_units(client, units) -> None:
    p = client.post("/api/projects", json={"name": "xor", "example": "xor"}).json()
    p["doc"]["model"]["layers"][0]["units"] = units
    assert client.put("/api/projects/xor", json={"doc": p["doc"], "revision": p["revision"]}).status_code == 200
    r = client.post("/api/projects/xor/runs", json={})
    err = r.json()["error"]
    assert r.status_code == 422 and err["path"] == "model.layers[0].units" and err["hint"]
    assert client.get("/api/projects/xor").json()["doc"]["model"]["layers"][0]["units"] == units  # kept as sent


def _zip(classes: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i, c in enumerate(classes):
            zf.writestr(f"{c}/1.png", _png(("red", "blue", "green", "white")[i]))
    return buf.getvalue()


def test_http_upload_into_the_picture_folder_makes_the_output_follow(client) -> None:
    folder = ws.home() / "pets"
    p = api.new_image_project(folder, ["cat", "dog"], name="pets")
    p.doc["data"]["params"]["path"] = "data/more"   # the folder the next upload creates
    p.save()
    r = client.post("/api/projects/pets/uploads", params={"name": "more.zip"}, content=_zip(["a", "b", "c"]))
    assert r.status_code == 201, r.text
    assert r.json()["folder"] == "data/more"
    assert r.json()["notes"] == ["output layer now has 3 units, one per class"]
    assert api.load(folder).doc["model"]["layers"][-1]["units"] == 3 and api.load(folder).errors() == []


def test_http_put_of_new_data_makes_the_output_follow(client) -> None:
    api.new_image_project(ws.home() / "pets", ["cat", "dog"], name="pets")
    r = client.post("/api/projects/pets/uploads", params={"name": "four.zip"}, content=_zip(["a", "b", "c", "d"]))
    assert r.json()["notes"] == []                  # not the project's data (yet): the model is left alone
    p = client.get("/api/projects/pets").json()
    p["doc"]["data"]["params"]["path"] = "data/four"
    r = client.put("/api/projects/pets", json={"doc": p["doc"], "revision": p["revision"]},
                   headers={"Accept-Language": "de"})
    assert r.status_code == 200, r.text
    assert r.json()["notes"] == ["die Ausgabeschicht hat jetzt 4 Einheiten, eine je Klasse"]
    assert r.json()["doc"]["model"]["layers"][-1]["units"] == 4
    p = r.json()
    p["doc"]["description"] = "only words changed"
    r = client.put("/api/projects/pets", json={"doc": p["doc"], "revision": p["revision"]})
    assert r.json()["notes"] == []


def test_cli_set_on_the_data_makes_the_output_follow_with_a_note(tmp_path) -> None:
    p = api.new_image_project(tmp_path / "pets", ["cat", "dog"])
    for c in ("cat", "dog", "bird"):
        samples.add_sample(p.dir, c, _png("red"))  # a third class folder, added outside the studio
    r = runner.invoke(app, ["set", str(p.dir), "data.params.size", "28"])
    assert r.exit_code == 0, r.output
    assert "Note: output layer now has 3 units, one per class" in r.output
    assert api.load(p.dir).errors() == []
