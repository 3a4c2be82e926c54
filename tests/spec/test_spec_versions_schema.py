"""Old project files are upgraded (never rejected silently), and `layerlab schema` describes every
valid project: all built-in examples pass it, typical mistakes do not."""
from __future__ import annotations

import copy

import jsonschema
import pytest

from layerlab import api
from layerlab.api import Project
from layerlab.spec import SPEC_VERSION, SpecError, parse_project
from layerlab.spec.schema import project_schema
from tests.conftest import toy_doc
from tests.layers.cases import CASES as LAYER_CASES

OUT = {"type": "dense", "units": 3, "activation": "softmax"}


@pytest.fixture(scope="module")
def validator():
    schema = project_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _v1(**training):
    doc = toy_doc([OUT])
    doc["version"] = 1
    doc["training"] = training
    return doc


def test_version_1_file_is_upgraded():
    doc = _v1(lr_schedule="cosine", loss="sparse_categorical_crossentropy", epochs=3)
    before = copy.deepcopy(doc)
    spec = parse_project(doc)
    assert spec.version == SPEC_VERSION
    assert spec.training.schedule.type == "cosine"
    assert spec.training.loss == "cross_entropy"
    assert spec.training.epochs == 3
    assert doc == before, "upgrading must not change the caller's document"
    assert Project(doc).errors() == []


def test_file_without_version_counts_as_version_1():
    doc = _v1(loss="categorical_crossentropy")
    del doc["version"]
    assert parse_project(doc).training.loss == "cross_entropy"


def test_fixing_an_old_file_converges():
    project = Project(_v1(lr_schedule="cosin"))
    err = project.errors()[0]
    assert (err.path, err.received) == ("training.schedule.type", "cosin")
    project.fix()
    assert project.errors() == []
    assert project.spec.training.schedule.type == "cosine"


@pytest.mark.parametrize("version,message", [(99, "is newer than this LayerLab"), (0, "1 or more"),
                                             ("two", "1 or more")])
def test_unusable_versions_are_explained(version, message):
    doc = toy_doc([OUT])
    doc["version"] = version
    with pytest.raises(SpecError) as info:
        parse_project(doc)
    assert info.value.path == "version" and message in info.value.message and info.value.received == version


@pytest.mark.parametrize("name", api.example_names())
def test_every_example_matches_the_schema(validator, name):
    validator.validate(api.example(name))


def test_every_layer_case_matches_the_schema(validator):
    for kind, cases in LAYER_CASES.items():
        for _, params in cases:
            validator.validate(toy_doc([{"type": kind, **params}]))


def test_schema_accepts_nested_residual_and_labels(validator):
    doc = toy_doc([{"type": "residual", "name": "block 1", "layers": [{"type": "dense", "units": 4}]}, OUT],
                  optimizer="sgd", loss="cross_entropy", metrics=["accuracy", "f1"])
    validator.validate(doc)


@pytest.mark.parametrize("doc,where", [
    (toy_doc([{"type": "dens", "units": 3}]), "model"),
    (toy_doc([{"type": "dense", "units": "ten"}]), "model"),
    (toy_doc([{"type": "dense", "unit": 3}]), "model"),
    (toy_doc([{"type": "residual", "layers": [{"type": "dense", "units": 0}]}]), "model"),
    (toy_doc([OUT], optimizer="adma"), "optimizer"),
    (toy_doc([OUT], metrics=["acuracy"]), "metrics"),
    (toy_doc([OUT], epochs=0), "epochs"),
    ({**toy_doc([OUT]), "colour": "blue"}, "colour"),
])
def test_schema_rejects_mistakes(validator, doc, where):
    errors = list(validator.iter_errors(doc))
    assert errors
    assert any(where in "/".join(map(str, e.absolute_path)) or where in e.message for e in errors)
