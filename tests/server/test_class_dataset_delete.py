"""Deleting a class dataset (issue 17.5): the teacher can close a class dataset and also delete it with every
picture (DELETE /api/class/datasets/<id>, teacher only). The teacher's project it was shared from trains on its
own pictures again; a pupil's project that trained on the pool says, when it loads its data or starts a run,
that the teacher deleted the dataset and how to go on, in German too; nothing crashes."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from layerlab import api
from layerlab.data import samples
from layerlab.spec.errors import SpecError
from tests.server.conftest import TEACHER, class_client as _client, join as _join


def _png(colour) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), colour).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def pooled(klass):
    """(server, teacher, ada, ben, dataset id, Ada's project id on the pool, Ada's id)"""
    server, app = klass
    project = api.new_image_project(server.classroom.teacher_home / "fruit", ["apple", "banana"], "Fruit", 28)
    samples.add_sample(project.dir, "apple", Image.new("RGB", (20, 20), "red"))
    samples.add_sample(project.dir, "banana", Image.new("RGB", (20, 20), "yellow"))
    teacher = _client(app, TEACHER)
    ds = teacher.post("/api/class/datasets", json={"project": "fruit"}).json()["id"]
    a, b = _join(app, "Ada").json(), _join(app, "Ben").json()
    ada, ben = _client(app, a["token"]), _client(app, b["token"])
    r = ada.post(f"/api/class-datasets/{ds}/samples", params={"class": "banana"}, content=_png("yellow"),
                 headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 201, r.text
    pid = ada.post(f"/api/class-datasets/{ds}/projects", json={"name": "my fruit"}).json()["id"]
    return server, teacher, ada, ben, ds, pid, a["pupil"]["id"]


def test_only_the_teacher_deletes_a_class_dataset_and_its_pictures_go(pooled):
    server, teacher, ada, ben, ds, pid, ada_id = pooled
    assert ben.delete(f"/api/class/datasets/{ds}").status_code == 403
    assert ada.get(f"/api/class-datasets/{ds}").status_code == 200
    r = teacher.delete(f"/api/class/datasets/{ds}")
    assert r.status_code == 200, r.text
    assert r.json() == {"deleted": ds, "title": "Fruit"}
    assert not (server.classroom.root / "datasets" / ds).exists()
    assert teacher.get("/api/class/datasets").json() == [] and ada.get("/api/class-datasets").json() == []
    gone = ada.get(f"/api/class-datasets/{ds}")
    assert gone.status_code == 404 and "deleted by the teacher" in gone.json()["error"]["message"]
    assert teacher.delete(f"/api/class/datasets/{ds}").status_code == 404   # twice: it is gone
    assert teacher.delete("/api/class/datasets/dffffffff").status_code == 404
    # the teacher's shared project trains on its own pictures again
    fruit = api.load(server.classroom.teacher_home / "fruit")
    assert fruit.doc["data"]["source"] == "images" and "dataset" not in fruit.doc["data"]["params"]
    assert fruit.data_summary()["class_counts"] == {"apple": 1, "banana": 1}


def test_a_pupils_project_on_a_deleted_dataset_says_so_and_how_to_go_on(pooled):
    server, teacher, ada, ben, ds, pid, ada_id = pooled
    folder = server.classroom.pupil_home(ada_id) / pid
    assert api.load(folder).data_summary()["class_counts"] == {"apple": 1, "banana": 2}
    assert teacher.delete(f"/api/class/datasets/{ds}").status_code == 200
    with pytest.raises(SpecError) as e:
        api.load(folder).data_summary()
    assert "deleted by the teacher" in e.value.message and e.value.received == "Fruit"
    assert "Data page" in e.value.hint and "new class dataset" in e.value.hint
    # her project is still hers and opens; a run is refused with that error, not a crash
    assert [p["id"] for p in ada.get("/api/projects").json()] == [pid]
    run = ada.post(f"/api/projects/{pid}/runs", json={})
    assert run.status_code in (400, 404, 422), run.text
    assert "deleted by the teacher" in run.text and "Traceback" not in run.text
    german = ada.get(f"/api/class-datasets/{ds}", headers={"Accept-Language": "de"}).json()["error"]
    assert "Lehrkraft" in german["message"] and "Daten" in german["hint"], german
