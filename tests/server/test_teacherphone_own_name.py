"""A pupil's own project on a class dataset ("Train my own model") is named apart from the lesson's
project: 'Fruit – my model' / 'Obst – mein Modell' in the pupil's language, not 'Fruit' twice on Home."""
from __future__ import annotations

from PIL import Image

from layerlab import api
from layerlab.api_class_data import own_model_name
from layerlab.data import samples
from tests.server.conftest import TEACHER, class_client as _client, join as _join


def test_own_project_on_a_class_dataset_is_named_apart_in_the_pupils_language(klass):
    server, app = klass
    project = api.new_image_project(server.classroom.teacher_home / "fruit", ["apple", "banana"], "Obst", 28)
    samples.add_sample(project.dir, "apple", Image.new("RGB", (20, 20), "red"))
    ds = _client(app, TEACHER).post("/api/class/datasets", json={"project": "fruit"}).json()["id"]
    ada = _client(app, _join(app, "Ada").json()["token"])
    german = ada.post(f"/api/class-datasets/{ds}/projects", headers={"Accept-Language": "de"})
    english = ada.post(f"/api/class-datasets/{ds}/projects", json={})
    assert german.status_code == english.status_code == 201, (german.text, english.text)
    assert german.json()["name"] == "Obst – mein Modell" and english.json()["name"] == "Obst – my model"
    names = sorted(p["name"] for p in ada.get("/api/projects").json())
    assert names == ["Obst – mein Modell", "Obst – my model"]
    # a name the pupil chose stays theirs
    assert ada.post(f"/api/class-datasets/{ds}/projects", json={"name": "Früchte"}).json()["name"] == "Früchte"
    assert own_model_name("Obst", "de") == "Obst – mein Modell" != own_model_name("Obst", "en")
