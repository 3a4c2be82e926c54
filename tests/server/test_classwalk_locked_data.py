"""A lesson whose data the teacher locked (issue 17.5, seen in the class walk): project.json's data part was
refused, but its files were not, so a pupil uploaded, drew, renamed or deleted the lesson's pictures freely.
Now every write of a data file of such a copy is refused with the reason, through the API and the core; the
pupil's own projects and an unlocked lesson are not touched by it."""
from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from layerlab import api
from layerlab.data import samples
from layerlab.store import lesson
from tests.server.conftest import TEACHER, class_client as _client, join


def _png(colour) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), colour).save(buf, "PNG")
    return buf.getvalue()


def test_a_locked_lessons_pictures_are_refused_by_the_api_and_the_core(klass):
    server, app = klass
    teacher = _client(app, TEACHER)
    fruit = api.new_image_project(server.classroom.teacher_home / "fruit", ["apple", "banana"], "Fruit", 28)
    samples.add_sample(fruit.dir, "apple", _png("red"))
    joined = join(app, "Ada").json()
    ada, ada_id = _client(app, joined["token"]), joined["pupil"]["id"]
    assert teacher.post("/api/class/lessons", json={"project": "fruit", "locked": ["data"]}).status_code == 201
    copy = server.classroom.pupil_home(ada_id) / "fruit"
    before = sorted(p.relative_to(copy).as_posix() for p in (copy / "data").rglob("*"))

    up = ada.post("/api/projects/fruit/uploads", params={"name": "x.png", "folder": "images/apple"},
                  content=_png("green"), headers={"Content-Type": "application/octet-stream"})
    assert up.status_code == 422 and "your teacher locked the data" in up.json()["error"]["message"], up.text
    assert "ask your teacher" in up.json()["error"]["hint"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("pear/1.png", _png("green"))
    zipped = ada.post("/api/projects/fruit/uploads", params={"name": "more.zip"}, content=buf.getvalue(),
                      headers={"Content-Type": "application/octet-stream", "Accept-Language": "de"})
    assert zipped.status_code == 422 and "Daten" in zipped.json()["error"]["message"], zipped.text
    for call, args in ((samples.add_sample, ("apple", _png("blue"))), (samples.add_class, ("pear",)),
                       (samples.rename_class, ("apple", "Apfel")), (samples.delete_class, ("banana",)),
                       (samples.delete_sample, ("apple", samples.list_samples(copy)["apple"][0]))):
        with pytest.raises(lesson.LockedError):
            call(copy, *args)
    assert sorted(p.relative_to(copy).as_posix() for p in (copy / "data").rglob("*")) == before

    # not locked: the teacher's own project, and a lesson that locks only the layers
    samples.add_sample(fruit.dir, "banana", _png("yellow"))
    lesson.write(copy, lesson.Lesson("l2", "Fruit", locked=("layers",)))
    samples.add_sample(copy, "banana", _png("yellow"))
    assert samples.class_counts(copy)["banana"] == 1

