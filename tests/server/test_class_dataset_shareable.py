"""The teacher's 'Picture project' choice for a class dataset offers only projects that can be shared: picture
projects with two or more classes (a newcomer walk found xor offered and preselected, and sharing it refused)."""
from __future__ import annotations

import json

from PIL import Image

import layerlab
from layerlab.api_class_data import shareable_projects
from layerlab.data.image_project import image_project_doc


def _pictures(home, pid, classes):
    folder = home / pid
    (folder / "data" / "images").mkdir(parents=True)
    (folder / "project.json").write_text(json.dumps(image_project_doc(pid.title(), ["a", "b"], 28)))
    for c in classes:   # the classes it has pictures for
        (folder / "data" / "images" / c).mkdir()
        Image.new("RGB", (8, 8)).save(folder / "data" / "images" / c / "0.png")


def test_only_picture_projects_with_two_classes_are_offered(tmp_path):
    home = tmp_path / "teacher"
    _pictures(home, "fruit", ["apple", "banana"])
    _pictures(home, "single", ["cat"])
    (home / "xor").mkdir()
    (home / "xor" / "project.json").write_text(json.dumps(layerlab.example("xor")))
    (home / "broken").mkdir()
    (home / "broken" / "project.json").write_text("{not json")
    assert shareable_projects(home) == {"fruit": "Fruit"}
    assert shareable_projects(tmp_path / "nobody") == {}
