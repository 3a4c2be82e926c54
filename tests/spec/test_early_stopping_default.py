"""Early stopping is on by default for new projects (version 3); older projects keep training every epoch."""
from __future__ import annotations

import copy

import pytest

from layerlab import api
from layerlab.spec import SPEC_VERSION, parse_project
from tests.conftest import toy_doc

OUT = {"type": "dense", "units": 3, "activation": "softmax"}


def test_a_new_project_stops_early_by_default():
    doc = toy_doc([OUT])
    doc["version"] = SPEC_VERSION
    doc.get("training", {}).pop("early_stopping", None)
    es = parse_project(doc).training.early_stopping
    assert es is not None and es.monitor == "val_loss" and es.patience == 5 and es.restore_best


def test_null_turns_it_off_and_survives_a_round_trip():
    doc = toy_doc([OUT])
    doc["version"] = SPEC_VERSION
    doc.setdefault("training", {})["early_stopping"] = None
    spec = parse_project(doc)
    assert spec.training.early_stopping is None
    again = parse_project(spec.to_json_dict())
    assert again.training.early_stopping is None, "dropping the null would turn early stopping back on"


@pytest.mark.parametrize("training", [None, {"epochs": 7}])
def test_a_version_2_project_without_it_keeps_training_every_epoch(training):
    doc = toy_doc([OUT])
    doc["version"] = 2
    doc.pop("training", None)
    if training is not None:
        doc["training"] = training
    before = copy.deepcopy(doc)
    spec = parse_project(doc)
    assert spec.version == SPEC_VERSION
    assert spec.training.early_stopping is None
    assert doc == before, "upgrading must not change the caller's document"
    if training:
        assert spec.training.epochs == 7


def test_a_version_2_project_with_it_keeps_its_settings():
    doc = toy_doc([OUT])
    doc["version"] = 2
    doc["training"] = {"early_stopping": {"patience": 9, "monitor": "val_accuracy"}}
    es = parse_project(doc).training.early_stopping
    assert (es.patience, es.monitor) == (9, "val_accuracy")


def test_examples_stop_early_except_the_one_whose_lesson_needs_long_training():
    on = {n: parse_project(api.example(n)).training.early_stopping is not None for n in api.example_names()}
    assert on.pop("modular_arithmetic") is False, "grokking happens long after validation loss rises"
    assert on and all(on.values()), on
