"""Class datasets (issue 17.5): the teacher shares a picture project, pupils add pictures to the pool, each
trains their own model on it, only the teacher sees who gave what, and pictures can be withdrawn."""
from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from layerlab import api
from layerlab.data import samples
from layerlab.store.class_dataset import ClassDatasets
from tests.server.conftest import TEACHER, class_client as _client, join as _join


def _png(colour, size=(24, 20)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def shared(klass):
    """(server, app, teacher, ada, ben, dataset id, Ada's id, Ben's id): a 'fruit' dataset with one teacher picture."""
    server, app = klass
    project = api.new_image_project(server.classroom.teacher_home / "fruit", ["apple", "banana"], "Fruit", 28)
    samples.add_sample(project.dir, "apple", Image.new("RGB", (20, 20), "red"))
    teacher = _client(app, TEACHER)
    r = teacher.post("/api/class/datasets", json={"project": "fruit"})
    assert r.status_code == 201, r.text
    a, b = _join(app, "Ada").json(), _join(app, "Ben").json()
    return (server, app, teacher, _client(app, a["token"]), _client(app, b["token"]), r.json()["id"],
            a["pupil"]["id"], b["pupil"]["id"])


def _add(client, ds, cls, data):
    return client.post(f"/api/class-datasets/{ds}/samples", params={"class": cls}, content=data,
                       headers={"Content-Type": "application/octet-stream"})


def test_pupils_add_the_teacher_sees_who_and_pupils_see_only_counts(shared):
    server, app, teacher, ada, ben, ds, ada_id, ben_id = shared
    for i in range(3):
        assert _add(ada, ds, "apple", _png((250, 10 * i, 0))).status_code == 201
    assert _add(ben, ds, "banana", _png((250, 250, 10))).status_code == 201
    seen = ada.get(f"/api/class-datasets/{ds}").json()
    assert seen["counts"] == {"apple": 4, "banana": 1} and seen["mine"] == {"apple": 3, "banana": 0}
    assert sum(s["mine"] for s in seen["samples"]) == 3 and len(seen["samples"]) == 5
    # nothing a pupil reads names another pupil, by name or by id
    for client in (ada, ben):
        for url in ("/api/class-datasets", f"/api/class-datasets/{ds}"):
            text = client.get(url).text
            assert "Ben" not in text and "Ada" not in text and ben_id not in text and ada_id not in text, url
    # the pooled files carry no pupil id in their names either
    files = [p.name for p in (server.classroom.root / "datasets" / ds / "images").rglob("*.png")]
    assert len(files) == 5 and not any(ada_id in f or ben_id in f for f in files)
    full = teacher.get(f"/api/class/datasets/{ds}").json()
    rows = {r["name"] or r["pupil"]: r["counts"] for r in full["contributors"]}
    assert rows == {"teacher": {"apple": 1}, "Ada": {"apple": 3}, "Ben": {"banana": 1}}
    listed = teacher.get("/api/class/datasets").json()
    assert [d["total"] for d in listed] == [5] and "samples" not in listed[0]
    # a thumbnail of anyone's picture is readable: the pool is shared
    thumb = ben.get(f"/api/class-datasets/{ds}/samples/{seen['samples'][1]['id']}.png")
    assert thumb.status_code == 200 and thumb.content[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_pupil_cannot_withdraw_another_pupils_picture_nor_reach_teacher_routes(shared):
    server, app, teacher, ada, ben, ds, ada_id, ben_id = shared
    sid = _add(ada, ds, "apple", _png("red")).json()["id"]
    r = ben.delete(f"/api/class-datasets/{ds}/samples/{sid}")
    assert r.status_code == 404 and "not one of your pictures" in r.json()["error"]["message"]
    assert ben.delete(f"/api/class-datasets/{ds}/samples").json() == {"withdrawn": 0}
    for method, url in (("GET", "/api/class/datasets"), ("GET", f"/api/class/datasets/{ds}"),
                        ("POST", f"/api/class/datasets/{ds}/open"),
                        ("DELETE", f"/api/class/datasets/{ds}/pupils/{ada_id}/samples")):
        assert ben.request(method, url, json={"open": False}).status_code == 403, (method, url)
    assert ada.get(f"/api/class-datasets/{ds}").json()["mine"]["apple"] == 1
    assert ada.delete(f"/api/class-datasets/{ds}/samples/{sid}").json() == {"withdrawn": 1}


def test_withdrawing_by_the_pupil_the_teacher_and_deleting_the_pupil(shared):
    server, app, teacher, ada, ben, ds, ada_id, ben_id = shared
    for c in ("apple", "banana"):
        _add(ada, ds, c, _png("green"))
        _add(ben, ds, c, _png("blue"))
    assert ada.get(f"/api/class-datasets/{ds}").json()["total"] == 5
    pool = ClassDatasets(server.classroom.root)
    before = pool.stamp(ds)   # what the pages poll: it moves with every change of the pool
    assert ada.delete(f"/api/class-datasets/{ds}/samples").json() == {"withdrawn": 2}     # "Withdraw my pictures"
    assert pool.stamp(ds) != before
    assert ada.get(f"/api/class-datasets/{ds}").json()["counts"] == {"apple": 2, "banana": 1}
    _add(ada, ds, "apple", _png("green"))
    odd = _add(ben, ds, "apple", _png("black")).json()["id"]   # a picture that does not belong: the teacher's call
    assert ben.delete(f"/api/class/datasets/{ds}/samples/{odd}").status_code == 403
    assert teacher.delete(f"/api/class/datasets/{ds}/samples/{odd}").json() == {"removed": 1, "pupil": ben_id,
                                                                              "name": "Ben"}
    assert teacher.delete(f"/api/class/datasets/{ds}/samples/{odd}").status_code == 404
    assert teacher.delete(f"/api/class/datasets/{ds}/pupils/{ben_id}/samples").json() == {"withdrawn": 2}
    assert teacher.delete(f"/api/class/pupils/{ada_id}").status_code == 204                  # deleting a pupil
    left = teacher.get(f"/api/class/datasets/{ds}").json()
    assert left["counts"] == {"apple": 1, "banana": 0} and [r["pupil"] for r in left["contributors"]] == ["teacher"]


def test_limits_bad_pictures_closed_datasets_and_german(shared, monkeypatch):
    server, app, teacher, ada, ben, ds, ada_id, ben_id = shared
    bad = _add(ada, ds, "apple", b"GIF89a but not really a picture")
    assert bad.status_code == 400 and "not a readable image" in bad.json()["error"]["message"]
    wrong = _add(ada, ds, "cherry", _png("red"))
    assert wrong.status_code == 422 and "apple, banana" in wrong.json()["error"]["hint"]
    monkeypatch.setenv("LAYERLAB_CLASS_DATASET_MAX_PER_PUPIL", "2")
    assert [_add(ada, ds, "apple", _png("red")).status_code for _ in range(3)] == [201, 201, 422]
    german = ada.post(f"/api/class-datasets/{ds}/samples", params={"class": "apple"}, content=_png("red"),
                      headers={"Accept-Language": "de"}).json()["error"]
    assert "Bilder" in german["message"], german
    big = _add(ben, ds, "apple", b"\0" * (11 * 1024 * 1024))
    assert big.status_code == 413
    assert teacher.post(f"/api/class/datasets/{ds}/open", json={"open": False}).json()["open"] is False
    closed = _add(ben, ds, "banana", _png("yellow"))
    assert closed.status_code == 422 and "closed" in closed.json()["error"]["message"]
    assert ben.get("/api/class-datasets/dffffffff").status_code == 404
    assert ben.get(f"/api/class-datasets/{ds}/samples/../../class.json").status_code == 404


def test_a_pupils_project_reads_the_pool_and_new_pictures_count_in_the_next_run(shared):
    server, app, teacher, ada, ben, ds, ada_id, ben_id = shared
    for i in range(4):
        _add(ada, ds, "apple", _png((250, 20 * i, 0)))
        _add(ben, ds, "banana", _png((0, 20 * i, 250)))
    made = ada.post(f"/api/class-datasets/{ds}/projects", json={"name": "my fruit"})
    assert made.status_code == 201, made.text
    pid = made.json()["id"]
    assert ada.get("/api/projects").json()[0]["id"] == pid and ben.get("/api/projects").json() == []
    project = api.load(server.classroom.pupil_home(ada_id) / pid)
    assert project.data_summary()["class_counts"] == {"apple": 5, "banana": 4}
    # training itself (in the worker, through the class server) is the real-browser test's
    # (tests/e2e/test_class_dataset_browser.py): here the data a run would read
    _add(ben, ds, "banana", _png("navy"))
    assert api.load(project.dir).data_summary()["class_counts"] == {"apple": 5, "banana": 5}
    # the teacher's shared project trains on the pool too
    assert api.load(server.classroom.teacher_home / "fruit").doc["data"]["params"]["dataset"] == ds


def test_the_archive_of_the_class_holds_the_dataset(shared):
    server, app, teacher, ada, ben, ds, ada_id, ben_id = shared
    _add(ada, ds, "apple", _png("red"))
    ended = teacher.request("DELETE", "/api/class", json={"archive": True}).json()
    with zipfile.ZipFile(ended["archive"]["path"]) as z:
        names = z.namelist()
    assert sum(n.startswith(f"datasets/{ds}/images/") for n in names) == 2
    # the pupils are gone, and their pictures with them; the teacher's stay
    assert teacher.get(f"/api/class/datasets/{ds}").json()["counts"] == {"apple": 1, "banana": 0}


def test_a_large_photo_is_kept_small_and_a_lesson_of_the_shared_project_reads_the_pool(shared):
    server, app, teacher, ada, ben, ds, ada_id, ben_id = shared
    buf = io.BytesIO()
    Image.effect_noise((1600, 1200), 80).convert("RGB").save(buf, "JPEG", quality=90)   # a phone's photo
    sid = _add(ada, ds, "banana", buf.getvalue()).json()["id"]
    with Image.open(server.classroom.root / "datasets" / ds / "images" / "banana" / f"{sid}.png") as kept:
        assert max(kept.size) == 256
    sent = teacher.post("/api/class/lessons", json={"project": "fruit", "locked": ["data"]}).json()
    assert sent["pupils"] == 2
    copy = server.classroom.lessons[0]["copies"][ben_id]
    project = api.load(server.classroom.pupil_home(ben_id) / copy)
    assert project.doc["data"]["params"]["dataset"] == ds
    assert project.data_summary()["class_counts"] == {"apple": 1, "banana": 1}
    # the data is locked in the lesson, yet Ben still adds to the pool: it is the class's, not his project's
    assert _add(ben, ds, "apple", _png("red")).status_code == 201
