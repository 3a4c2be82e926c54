"""Errors of the spec package (cross-field checks, project parsing, upgrades) read German in German."""
from __future__ import annotations

import pytest

from layerlab.api import Project
from layerlab.spec.errors import SpecError
from layerlab.spec.models import SPEC_VERSION, parse_project
from tests.conftest import toy_doc

OUT = {"type": "dense", "units": 3, "activation": "softmax"}


def _first_error(doc) -> SpecError:
    errors = Project(doc).errors()
    assert errors
    return errors[0]


def test_output_units_check_is_german_with_its_numbers():
    e = _first_error(toy_doc([{"type": "dense", "units": 5, "activation": "softmax"}]))
    de = e.localized("de")
    assert str(e).startswith("model.layers[0].units: the last layer must have one unit per output")
    assert "die letzte Schicht braucht" in de and "3 Klassen" in de and "Erhalten: 5" in de
    assert "setze units auf 3" in de and "the last layer" not in de
    assert e.to_dict("de")["fixes"][0]["description"] == "setze units auf 3"


def test_a_block_at_the_end_names_its_shape_in_german():
    e = _first_error(toy_doc([{"type": "conv2d", "filters": 2}], shape=(1, 8, 8)))
    de = e.localized("de")
    assert "das Netz muss mit 3 Werten enden (einem pro Klasse)" in de
    assert "Erhalten: Ausgabe der Form (2, 6, 6)" in de
    assert e.to_dict("de")["received"] == "Ausgabe der Form (2, 6, 6)"
    assert e.received == "output of shape (2, 6, 6)"  # still the English text for code and tests


def test_loss_for_the_wrong_task_and_its_fix_are_german():
    e = _first_error(toy_doc([OUT], loss="mse"))
    de = e.localized("de")
    assert "passt nicht zu einer Klassifikationsaufgabe" in de and "'cross_entropy'" in de
    assert e.to_dict("de")["fixes"][0]["description"] == "verwende 'cross_entropy'"


def test_pydantic_range_errors_are_german_but_english_stays_pydantic():
    with pytest.raises(SpecError) as info:
        parse_project({"name": "x", "data": {"source": "toy"}, "training": {"epochs": 0}})
    e = info.value
    assert str(e.message) == "input should be greater than or equal to 1"
    assert "muss größer oder gleich 1 sein" in e.localized("de") and "verwende einen Wert ≥ 1" in e.localized("de")


def test_choices_of_a_setting_join_with_oder():
    with pytest.raises(SpecError) as info:
        parse_project({"name": "x", "data": {"source": "toy"}, "training": {"device": "tpu"}})
    assert "muss 'auto', 'cpu' oder 'cuda' sein" in info.value.localized("de")


def test_newer_version_says_which_version_in_german():
    with pytest.raises(SpecError) as info:
        parse_project({"version": 99, "name": "x", "data": {"source": "toy"}})
    de = info.value.localized("de")
    assert "ist neuer, als dieses LayerLab versteht" in de and f"Version {SPEC_VERSION}" in de and "Erhalten: 99" in de
