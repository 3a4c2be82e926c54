"""The teacher sees the class's queue, and ends the class with or without one archive of it
(issue 17.7, 17.8)."""
from __future__ import annotations

import csv
import io
import json
import time
import zipfile

import pytest

import layerlab
from layerlab.engine import runner as runner_mod
from tests.server.conftest import CODE, TEACHER, class_client as _client


@pytest.fixture
def klass(klass, monkeypatch):
    # one training slot, runs in threads of this process: the second and third pupil must wait
    one_slot = runner_mod.Runner(max_running=1, time_slice_s=1e9, executor="thread")
    monkeypatch.setattr(runner_mod, "_default", one_slot)
    yield klass
    one_slot.close()


def _pupil(app, name):
    joined = _client(app).post("/api/class/join", json={"code": CODE, "name": name}).json()
    c = _client(app, joined["token"])
    doc = layerlab.example("xor")
    doc["training"] = dict(doc["training"], early_stopping=None)  # a long run trains until it is stopped
    assert c.post("/api/projects", json={"name": f"{name} xor", "doc": doc}).status_code == 201
    return joined, c


def _train(c, name, epochs):
    r = c.post(f"/api/projects/{name.lower()}-xor/runs", json={"epochs": epochs})
    assert r.status_code == 202, r.text
    return r.json()["run_id"]


def test_the_teacher_sees_the_queue_and_ends_the_class_with_one_archive(klass):
    from layerlab.ui.pages.teacher import _training
    from layerlab.ui.pages.teacher_life import queue_text
    server, app = klass
    teacher = _client(app, TEACHER)
    assert teacher.post("/api/projects", json={"name": "lesson", "example": "xor"}).status_code == 201
    (ada, ada_c), (ben, ben_c), (cleo, cleo_c) = (_pupil(app, n) for n in ("Ada", "Ben", "Cleo"))
    _train(ada_c, "Ada", 10_000)
    deadline = time.monotonic() + 60
    while teacher.get("/api/class/queue").json()["running"] == 0:
        assert time.monotonic() < deadline, "Ada's run never started"
        time.sleep(0.05)
    _train(ben_c, "Ben", 1)
    _train(cleo_c, "Cleo", 1)

    rows = {r["name"]: r for r in teacher.get("/api/class/pupils").json()}
    assert rows["Ada"]["training"]["status"] == "running"
    assert [(rows[n]["training"]["status"], rows[n]["training"]["position"]) for n in ("Ben", "Cleo")] == \
        [("queued", 0), ("queued", 1)]
    assert _training(rows["Cleo"]) == "queued, 1 ahead"   # what the teacher's table shows
    q = teacher.get("/api/class/queue").json()
    assert (q["slots"], q["running"], q["queued"]) == (1, 1, 2)
    assert [(r["name"], r["status"], r["position"]) for r in q["runs"]] == \
        [("Ada", "running", None), ("Ben", "queued", 0), ("Cleo", "queued", 1)]
    assert queue_text(q) == "1 training, 2 waiting (1 at a time) · next: Ben, Cleo"
    # pupils see neither the queue nor the way to end the class
    for method, url in (("GET", "/api/class/queue"), ("DELETE", "/api/class"),
                        ("GET", "/api/class/archives/x.zip")):
        assert ben_c.request(method, url, json={"archive": True}).status_code == 403, (method, url)

    hashes = {h for p in server.classroom.pupils.values() for h in (*p.tokens, p.rejoin)}
    ended = teacher.request("DELETE", "/api/class", json={"archive": True})
    assert ended.status_code == 200, ended.text
    done = ended.json()
    assert (done["pupils_deleted"], done["runs_stopped"]) == (3, 3)
    assert teacher.get("/api/class/queue").json()["runs"] == []   # Ada's run was stopped, the waiting ones too
    archive = done["archive"]
    got = teacher.get(archive["download"])
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    assert len(got.content) == archive["bytes"]
    with zipfile.ZipFile(io.BytesIO(got.content)) as z:
        names = z.namelist()
        kept = json.loads(z.read("class.json"))
        pupils_csv = z.read("pupils.csv")
        text = b"".join(z.read(n) for n in names if n.endswith((".json", ".yaml", ".txt")))
    assert [p["name"] for p in sorted(kept["pupils"], key=lambda p: p["name"])] == ["Ada", "Ben", "Cleo"]
    assert kept["code"] == CODE and not any(set(p) - {"id", "name", "joined"} for p in kept["pupils"])
    assert not any(h.encode() in text for h in hashes)                 # no token or rejoin hash anywhere
    for who in (ada, ben, cleo):          # every pupil's project is in it, under their name and id
        assert f"pupils/{who['pupil']['name']}-{who['pupil']['id']}/{who['pupil']['name'].lower()}-xor/project.json" \
            in names, who["pupil"]
    rows = list(csv.DictReader(io.StringIO(pupils_csv.decode("utf-8-sig"))))
    assert [(r["folder"], r["name"], r["id"]) for r in rows] == \
        [(f"{w['pupil']['name']}-{w['pupil']['id']}", w["pupil"]["name"], w["pupil"]["id"]) for w in (ada, ben, cleo)]
    assert any(n.startswith("teacher/lesson/") for n in names)
    assert not any(".studio/" in n or n.endswith("runs.db") for n in names)
    # and the class is over: nobody left, their data and tokens gone, joining closed
    assert teacher.get("/api/class/pupils").json() == []
    assert list((server.classroom.root / "pupils").iterdir()) == []
    assert ada_c.get("/api/projects").status_code == 401
    late = _client(app).post("/api/class/join", json={"code": CODE, "name": "Dan"})
    assert late.status_code == 400 and "closed" in late.json()["error"]["message"]
    assert [p["id"] for p in teacher.get("/api/projects").json()] == ["lesson"]   # the teacher's own stay


def test_ending_without_an_archive_deletes_and_a_bare_delete_ends_nothing(klass):
    server, app = klass
    teacher = _client(app, TEACHER)
    ada, _ = _pupil(app, "Ada")
    assert teacher.delete("/api/class").status_code == 422                 # the choice must be explicit
    assert teacher.get("/api/class/pupils").json()[0]["name"] == "Ada"
    done = teacher.request("DELETE", "/api/class", json={"archive": False}).json()
    assert done["archive"] is None and done["pupils_deleted"] == 1
    assert not (server.classroom.root / "archives").exists()
    assert not (server.classroom.root / "pupils" / ada["pupil"]["id"]).exists()
    for name in ("..%2Fclass.json", "class.json", "class-7b-20260101-000000.zip"):
        r = teacher.get(f"/api/class/archives/{name}")
        assert r.status_code == 404, name
    msg = teacher.get("/api/class/archives/class.json", headers={"Accept-Language": "de"}).json()["error"]
    assert msg["message"] == "ist kein Archiv dieser Klasse" and msg["path"] == "archive"
