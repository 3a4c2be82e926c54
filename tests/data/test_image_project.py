"""Own picture projects: named classes, the output layer that follows them, empty classes as a hint."""
from __future__ import annotations

import pytest
from PIL import Image

from layerlab import api
from layerlab.data import samples
from layerlab.spec.errors import SpecError


def _fill(project, cls: str, n: int = 3, colour: str = "red") -> None:
    for _ in range(n):
        samples.add_sample(project.dir, cls, Image.new("RGB", (20, 20), colour))


def test_new_project_has_the_named_classes_and_a_valid_cnn(tmp_path) -> None:
    p = api.new_image_project(tmp_path / "pets", ["cat", "dog"], size=32)
    assert samples.list_classes(p.dir) == ["cat", "dog"]
    assert [r["type"] for r in p.doc["model"]["layers"]][:2] == ["conv2d", "max_pool2d"]
    assert p.errors() == []  # empty classes do not make the model wrong
    assert p.data_info().extra["empty_classes"] == ["cat", "dog"]


@pytest.mark.parametrize("classes, words", [(["cat"], "at least two"), (["cat", " ", ""], "at least two"),
                                            (["cat", "Cat"], "twice"), (["cat", "a/b"], "usable class name")])
def test_bad_class_names_are_refused_in_four_parts(tmp_path, classes, words) -> None:
    with pytest.raises(SpecError) as info:
        api.new_image_project(tmp_path / "x", classes)
    assert words in str(info.value) and info.value.hint and info.value.path == "classes"
    assert not (tmp_path / "x").exists()


def test_output_layer_follows_the_classes_with_a_note(tmp_path) -> None:
    p = api.new_image_project(tmp_path / "pets", ["cat", "dog"])
    samples.add_class(p.dir, "bird")
    assert "units" in p.errors()[0].path  # without following, the old 2 units are wrong
    notes = p.follow_data()
    assert notes == ["output layer now has 3 units, one per class"]
    assert notes[0].to("de") == "die Ausgabeschicht hat jetzt 3 Einheiten, eine je Klasse"
    assert p.doc["model"]["layers"][-1]["units"] == 3 and p.errors() == []
    assert p.follow_data() == []  # nothing more to change


def test_a_sigmoid_output_becomes_softmax_for_more_classes(tmp_path) -> None:
    p = api.new_image_project(tmp_path / "pets", ["cat", "dog", "bird"])
    p.doc["model"]["layers"][-1].update(units=1, activation="sigmoid")
    assert p.follow_data()
    assert p.doc["model"]["layers"][-1] == {"type": "dense", "units": 3, "activation": "softmax"}


def test_a_network_not_ending_in_dense_is_left_to_the_fix(tmp_path) -> None:
    p = api.new_image_project(tmp_path / "pets", ["cat", "dog"])
    p.doc["model"]["layers"] = [{"type": "conv2d", "filters": 2, "kernel_size": 3}]
    before = [dict(x) for x in p.doc["model"]["layers"]]
    assert p.follow_data() == []
    assert p.doc["model"]["layers"] == before
    err = p.errors()[0]
    assert err.fixes  # Train and Model show this error with its one-click fix


def test_regression_target_width_is_followed(tmp_path) -> None:
    p = api.new(tmp_path / "sine", example="sine")
    p.doc["model"]["layers"][-1]["units"] = 4
    assert p.follow_data() == ["output layer now has 1 units, one per target value"]
    assert p.errors() == []


def test_training_refuses_an_empty_class(tmp_path) -> None:
    p = api.new_image_project(tmp_path / "pets", ["cat", "dog"])
    _fill(p, "cat")
    assert p.errors() == []
    with pytest.raises(SpecError) as info:
        p.dataset()
    assert "no images" in str(info.value) and "dog" in str(info.value)
    _fill(p, "dog", colour="blue")
    assert len(p.dataset().train) + len(p.dataset().val) == 6
