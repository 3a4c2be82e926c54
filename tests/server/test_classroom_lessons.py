"""Lessons (issue 17.5): the teacher sends a project to the class; each pupil gets their own copy
with the locked parts refused by the API (not only hidden by the page), late joiners get it too,
and the teacher collects every pupil's best result as CSV."""
from __future__ import annotations

import layerlab
from tests.server.conftest import TEACHER, class_client as _client, join


def _pupil(app, name):
    return _client(app, join(app, name).json()["token"])


def test_a_lesson_reaches_every_pupil_with_its_locks_enforced_by_the_api(klass, tmp_path):
    server, app = klass
    teacher = _client(app, TEACHER)
    ada = _pupil(app, "Ada")
    assert teacher.post("/api/projects", json={"name": "xor lesson", "doc": layerlab.example("xor")}).status_code == 201
    r = teacher.post("/api/class/lessons", json={"project": "xor-lesson", "locked": ["layers", "training"],
                                                 "hidden": ["export"]})
    assert r.status_code == 201 and r.json()["pupils"] == 1
    lesson_id = r.json()["id"]

    mine = ada.get("/api/projects/xor-lesson").json()
    doc, rev = mine["doc"], mine["revision"]
    layers = dict(doc, model={"layers": doc["model"]["layers"][:-1]})
    refused = ada.put("/api/projects/xor-lesson", json={"doc": layers, "revision": rev})
    assert refused.status_code >= 400
    assert "your teacher locked the layers" in refused.text
    german = ada.put("/api/projects/xor-lesson", json={"doc": dict(doc, training=dict(doc["training"], epochs=3)),
                                                        "revision": rev}, headers={"Accept-Language": "de"})
    assert "Trainingseinstellungen" in german.text
    renamed = ada.put("/api/projects/xor-lesson", json={"doc": dict(doc, name="my xor"), "revision": rev})
    assert renamed.status_code == 200                         # what is not locked stays the pupil's
    assert ada.get("/api/projects/xor-lesson").json()["doc"]["model"] == doc["model"]

    ben = _pupil(app, "Ben")                                   # joins after the lesson was sent
    assert ben.get("/api/projects/xor-lesson").status_code == 200
    assert ben.post("/api/class/lessons", json={"project": "xor-lesson"}).status_code == 403

    # a result comes in for Ada: a finished run in her copy
    ada_id = next(p.id for p in server.classroom.pupils.values() if p.name == "Ada")
    ada_copy = server.classroom.root / "pupils" / ada_id / server.classroom.lessons[0]["copies"][ada_id]
    run = layerlab.load(ada_copy).train(epochs=2)
    csv = teacher.get(f"/api/class/lessons/{lesson_id}/results?format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.startswith("\ufeff")                    # so a spreadsheet reads umlauts as UTF-8
    lines = csv.text.lstrip("\ufeff").splitlines()
    assert lines[0] == "pupil,project,best_val_accuracy" and lines[2] == "Ben,xor-lesson,"
    assert lines[1].startswith("Ada,xor-lesson,0.") or lines[1] == "Ada,xor-lesson,1.0000"
    assert abs(float(lines[1].split(",")[2]) - run.final["val_accuracy"]) < 1e-4


def test_sending_refuses_what_is_not_there(klass):
    _, app = klass
    teacher = _client(app, TEACHER)
    r = teacher.post("/api/class/lessons", json={"project": "nothing-here"})
    assert r.status_code == 422 and "is not one of your projects" in r.json()["error"]["message"]
    assert teacher.post("/api/projects", json={"name": "x", "doc": layerlab.example("xor")}).status_code == 201
    bad = teacher.post("/api/class/lessons", json={"project": "x", "locked": ["weights"]})
    assert bad.status_code == 422 and "weights" in bad.json()["error"]["message"]
