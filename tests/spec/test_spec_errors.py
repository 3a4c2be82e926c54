"""Errors that teach: each invalid spec names where (path), what is wrong, what was received and
how to fix it; where a fix is obvious, applying the one offered makes the project valid."""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from layerlab import api
from layerlab.api import Project
from layerlab.spec.errors import SpecError
from layerlab.spec.fixes import apply_fix
from tests.conftest import toy_doc

OUT = {"type": "dense", "units": 3, "activation": "softmax"}
IMG = (1, 8, 8)


@dataclass
class Case:
    id: str
    doc: dict[str, Any]
    path: str
    message: str          # a fragment of what is wrong
    received: Any
    fix: str | None = None  # a fragment of the first offered fix; None: no fix is obvious
    extra: dict = field(default_factory=dict)


def _tokens(layers, vocab=10, shape=(5,)):
    doc = toy_doc(layers, shape=shape)
    doc["data"]["params"]["tokens"] = vocab
    return doc


def _with(doc, **top):
    doc.update(top)
    return doc


CASES = [
    Case("dense-after-feature-maps", toy_doc([{"type": "conv2d", "filters": 4}, OUT], shape=IMG),
         "model.layers[1]", "dense needs a flat input", "input of shape (4, 6, 6)", "insert a flatten"),
    Case("conv2d-on-flat-input", toy_doc([{"type": "conv2d"}, {"type": "flatten"}, OUT], shape=(64,)),
         "model.layers[0]", "conv2d needs an image", "input of shape (64,)", "reshape to (1, 8, 8)"),
    Case("conv2d-on-a-signal", toy_doc([{"type": "conv2d", "kernel_size": 3}, {"type": "flatten"}, OUT],
                                       shape=(2, 16)),
         "model.layers[0]", "conv2d needs an image", "input of shape (2, 16)", "use conv1d"),
    Case("upsampling-a-signal", toy_doc([{"type": "upsampling2d"}, {"type": "flatten"}, OUT], shape=(2, 16)),
         "model.layers[0]", "upsampling2d needs an image", "input of shape (2, 16)"),
    Case("conv3d-on-an-image", toy_doc([{"type": "conv3d", "filters": 2}, {"type": "flatten"}, OUT], shape=IMG),
         "model.layers[0]", "conv3d needs a volume", "input of shape (1, 8, 8)", "use conv2d"),
    Case("kernel-larger-than-image", toy_doc([{"type": "conv2d", "kernel_size": 9}, {"type": "flatten"}, OUT],
                                             shape=IMG),
         "model.layers[0].kernel_size", "larger than its input", 9, "shrink kernel_size to 8"),
    Case("pool-larger-than-image", toy_doc([{"type": "max_pool2d", "pool_size": 10}, {"type": "flatten"}, OUT],
                                           shape=IMG),
         "model.layers[0].pool_size", "larger than its input", 10, "shrink pool_size to 8"),
    Case("pool-on-flat-input", toy_doc([{"type": "avg_pool1d"}, {"type": "flatten"}, OUT], shape=(6,)),
         "model.layers[0]", "avg_pool1d needs a signal", "input of shape (6,)", "reshape to (1, 6)"),
    Case("units-not-classes", toy_doc([{"type": "dense", "units": 5, "activation": "softmax"}]),
         "model.layers[0].units", "one unit per output", 5, "set units to 3"),
    Case("output-is-a-block", toy_doc([{"type": "conv2d", "filters": 2}], shape=IMG),
         "model.layers[0]", "must end in 3 values", "output of shape (2, 6, 6)", "append flatten"),
    Case("output-dense-on-a-signal", toy_doc([{"type": "conv1d", "filters": 4}, OUT], shape=(2, 10)),
         "model.layers[1]", "gives 3 values for each of 4 rows", "output of shape (4, 3)", "insert a flatten"),
    Case("sigmoid-on-regression", toy_doc([{"type": "dense", "units": 1, "activation": "sigmoid"}], classes=0),
         "model.layers[0].activation", "regression must predict any value", "sigmoid", "use 'linear'"),
    Case("softmax-on-regression-behind-dropout",
         toy_doc([{"type": "dense", "units": 1, "activation": "softmax"}, {"type": "dropout"}], classes=0),
         "model.layers[0].activation", "regression must predict any value", "softmax", "use 'linear'"),
    Case("loss-does-not-fit-task", toy_doc([OUT], loss="mse"),
         "training.loss", "does not fit a classification task", "mse", "use 'cross_entropy'"),
    Case("metric-does-not-fit-task", toy_doc([{"type": "dense", "units": 1, "activation": "linear"}], classes=0,
                                             metrics=["accuracy"]),
         "training.metrics[0]", "does not fit a regression task", "accuracy", "use"),
    Case("unknown-layer-type", toy_doc([{"type": "dens", "units": 3, "activation": "softmax"}]),
         "model.layers[0].type", "is not a known layer type", "dens", "use 'dense'"),
    Case("unknown-activation", toy_doc([{"type": "dense", "units": 3, "activation": "softmaks"}]),
         "model.layers[0].activation", "is not one of the allowed values", "softmaks", "use 'softmax'"),
    Case("unknown-optimizer", toy_doc([OUT], optimizer="adma"),
         "training.optimizer", "is not a known name", "adma", "use 'adam'"),
    Case("unknown-metric", toy_doc([OUT], metrics=["acuracy"]),
         "training.metrics[0]", "is not a known metric", "acuracy", "use 'accuracy'"),
    Case("unknown-parameter", toy_doc([{"type": "dense", "unit": 3, "activation": "softmax"}]),
         "model.layers[0].unit", "is not a parameter of layer 'dense'", 3, "rename 'unit' to 'units'"),
    Case("unknown-setting", _with(toy_doc([OUT]), colour="blue"),
         "colour", "is not a known setting", "blue", "remove colour"),
    Case("units-out-of-range", toy_doc([{"type": "dense", "units": 0, "activation": "softmax"}]),
         "model.layers[0].units", "must be at least 1", 0),
    Case("rate-out-of-range", toy_doc([{"type": "dropout", "rate": 1.5}, OUT]),
         "model.layers[0].rate", "must be at most 0.95", 1.5),
    Case("epochs-out-of-range", toy_doc([OUT], epochs=0),
         "training.epochs", "greater than or equal to 1", 0),
    Case("units-wrong-type", toy_doc([{"type": "dense", "units": "ten", "activation": "softmax"}]),
         "model.layers[0].units", "must be a whole number", "ten"),
    Case("bool-wrong-type", toy_doc([{"type": "dense", "units": 3, "use_bias": "maybe", "activation": "softmax"}]),
         "model.layers[0].use_bias", "must be true or false", "maybe"),
    Case("missing-type", toy_doc([{"units": 3, "activation": "softmax"}]),
         "model.layers[0].type", "every layer needs a 'type'", {"units": 3, "activation": "softmax"},
         "make it a dense layer"),
    Case("missing-type-inside-residual",
         toy_doc([{"type": "residual", "layers": [{"filters": 1, "padding": "same"}]}, {"type": "flatten"}, OUT],
                 shape=IMG),
         "model.layers[0].layers[0].type", "every layer needs a 'type'", {"filters": 1, "padding": "same"},
         "make it a conv2d layer"),
    Case("empty-model", toy_doc([]), "model.layers", "the model has no layers", [], "add an output layer"),
    Case("reshape-mismatch", toy_doc([{"type": "reshape", "target_shape": [3, 3]}, {"type": "flatten"}, OUT],
                                     shape=(8,)),
         "model.layers[0].target_shape", "holds 9 values, but the input has 8", [3, 3], "reshape to (1, 8)"),
    Case("reshape-two-unknowns", toy_doc([{"type": "reshape", "target_shape": [-1, -1]}, OUT], shape=(8,)),
         "model.layers[0].target_shape", "only one size may be -1", [-1, -1]),
    Case("error-inside-residual",
         toy_doc([{"type": "residual", "layers": [{"type": "conv2d", "filters": 1, "kernel_size": 12}]},
                  {"type": "flatten"}, OUT], shape=IMG),
         "model.layers[0].layers[0].kernel_size", "larger than its input", 12, "shrink kernel_size to 8"),
    Case("unknown-type-inside-residual",
         toy_doc([{"type": "dense", "units": 4}, {"type": "residual", "layers": [{"type": "dens", "units": 4}]},
                  OUT]),
         "model.layers[1].layers[0].type", "is not a known layer type", "dens", "use 'dense'"),
    Case("residual-body-changes-rank",
         toy_doc([{"type": "residual", "layers": [{"type": "conv2d", "padding": "same"}, {"type": "flatten"}]},
                  OUT], shape=IMG),
         "model.layers[0].layers", "must keep the number of axes", "(1, 8, 8) in, (1024,) out"),
    Case("residual-without-body", toy_doc([{"type": "residual"}, OUT]),
         "model.layers[0].layers", "needs its own list of layers", None, "add a dense layer inside"),
    Case("recurrent-on-flat-input", toy_doc([{"type": "lstm", "units": 4}, OUT], shape=(6,)),
         "model.layers[0]", "lstm needs a sequence", "input of shape (6,)", "reshape to (6, 1)"),
    Case("recurrent-on-an-image", toy_doc([{"type": "gru", "units": 4}, OUT], shape=IMG),
         "model.layers[0]", "gru needs a sequence", "input of shape (1, 8, 8)", "reshape to (8, 8)"),
    Case("transposed-even-kernel-same", toy_doc([{"type": "conv2d_transpose", "kernel_size": 2, "padding": "same"},
                                                 {"type": "flatten"}, OUT], shape=IMG),
         "model.layers[0].kernel_size", "needs an odd kernel_size", 2, "use kernel_size 3"),
    Case("task-does-not-match-data", toy_doc([OUT], task="regression"),
         "task", "is for classification", "regression", "set task to 'classification'"),
    Case("unknown-data-source", _with(toy_doc([OUT]), data={"source": "toyy"}),
         "data.source", "is not a known data source", "toyy", "use 'toy'"),
    Case("newer-spec-version", _with(toy_doc([OUT]), version=99),
         "version", "is newer than this LayerLab understands", 99),
    Case("embedding-too-small-for-vocabulary",
         _tokens([{"type": "embedding", "input_dim": 4, "output_dim": 2}, {"type": "flatten"}, OUT]),
         "model.layers[0].input_dim", "smaller than the vocabulary", 4, "set input_dim to 10"),
    Case("token-data-without-embedding", _tokens([OUT]),
         "model.layers[0]", "the data gives token ids", "dense", "insert an embedding"),
    Case("global-pool-over-features-of-a-sequence",
         _tokens([{"type": "embedding", "input_dim": 10, "output_dim": 6}, {"type": "global_avg_pool"}, OUT]),
         "model.layers[1]", "would treat the 5 steps from embedding", "a sequence of shape (5, 6)", "keep 'last'"),
    Case("conv1d-on-steps-first-sequence",
         _tokens([{"type": "embedding", "input_dim": 10, "output_dim": 6}, {"type": "dropout"},
                  {"type": "conv1d", "filters": 4, "kernel_size": 3}, {"type": "flatten"}, OUT]),
         "model.layers[2]", "would treat the 5 steps from embedding", "a sequence of shape (5, 6)",
         "insert permute"),
    Case("permute-with-wrong-axes", toy_doc([{"type": "permute", "dims": [1, 3]}, {"type": "flatten"}, OUT],
                                            shape=(2, 4)),
         "model.layers[0].dims", "must list each axis 1..2 exactly once", [1, 3], "use [2, 1]"),
    Case("splits-leave-nothing-to-train", _with(toy_doc([OUT]), data={"source": "toy", "validation_split": 0.5,
                                                                       "test_split": 0.5}),
         "data.validation_split", "leaves (almost) nothing to train on", [0.5, 0.5], "set validation_split to 0.4"),
    Case("early-stopping-watches-unknown-number",
         toy_doc([OUT], early_stopping={"monitor": "val_acc"}),
         "training.early_stopping.monitor", "is not a number the training records", "val_acc", "use 'val_accuracy'"),
    Case("class-weight-for-unknown-class", toy_doc([OUT], class_weights={"c0": 1.0, "cat": 2.0}),
         "training.class_weights.cat", "is not a class of the data", "cat", "balanced"),
    Case("class-weights-on-regression",
         toy_doc([{"type": "dense", "units": 1, "activation": "linear"}], classes=0, class_weights="balanced"),
         "training.class_weights", "only apply to classification", "balanced", "remove class_weights"),
    Case("embedding-on-measurements",
         toy_doc([{"type": "embedding", "input_dim": 4, "output_dim": 2}, {"type": "flatten"}, OUT]),
         "model.layers[0]", "reads token ids (whole numbers), but the data gives measurements",
         "data of shape (4,)", "remove it"),
    Case("embedding-not-first",
         _tokens([{"type": "dense", "units": 4}, {"type": "embedding", "input_dim": 10, "output_dim": 2},
                  {"type": "flatten"}, OUT]),
         "model.layers[1]", "must be the first layer", "position 1", "move it to the top"),
]


def test_there_are_at_least_fifteen_distinct_cases():
    assert len({(c.path, c.message) for c in CASES}) >= 15


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_invalid_spec_gives_four_part_error_and_working_fix(case):
    project = Project(copy.deepcopy(case.doc))
    errors = project.errors()
    assert errors, "the spec should be invalid"
    e = errors[0]
    assert isinstance(e, SpecError)
    assert e.path == case.path
    assert case.message in e.message
    assert e.has_received and e.received == case.received
    assert e.hint
    text = str(e)
    assert text.startswith(f"{case.path}: ") and "Received:" in text and "Fix:" in text
    assert json.dumps(e.to_dict())  # the studio and `--json` send it as JSON
    with pytest.raises(SpecError):
        project.validate()
    if case.fix is None:
        for fix in e.fixes:  # whatever is offered must at least be applicable
            apply_fix(project.doc, fix)
        return
    assert e.fixes, "an obvious fix should be offered"
    assert case.fix in e.fixes[0].description
    fixed = Project(apply_fix(project.doc, e.fixes[0]))
    assert fixed.errors() == [], "applying the offered fix should make the project valid"
    assert project.doc == case.doc, "offering a fix must not change the document"


def test_fix_applies_every_offered_fix_until_valid():
    doc = toy_doc([{"type": "conv2d", "filters": 4, "kernel_size": 9},  # too large, then dense needs flatten
                   {"type": "dense", "units": 5, "activation": "softmax"}], shape=IMG, loss="mse")
    project = Project(doc)
    applied = project.fix()
    assert len(applied) == 4
    assert project.errors() == []
    assert project.doc["model"]["layers"][1] == {"type": "flatten"}
    assert project.doc["training"]["loss"] == "cross_entropy"


def test_bad_json_file_says_where(tmp_path):
    (tmp_path / "project.json").write_text('{\n  "name": "x",\n  "task" "classification"\n}\n')
    with pytest.raises(SpecError) as info:
        api.load(tmp_path)
    e = info.value
    assert "not valid JSON (line 3" in e.message
    assert e.received == '"task" "classification"'
    assert "comma" in e.hint


def test_a_project_must_be_an_object(tmp_path):
    (tmp_path / "project.json").write_text("[1, 2]")
    with pytest.raises(SpecError) as info:
        api.load(tmp_path)
    assert info.value.received == "list"


@pytest.mark.parametrize("keras,ours", [("MaxPooling2D", "max_pool2d"), ("GlobalAveragePooling1D", "global_avg_pool"),
                                        ("BatchNormalization", "batch_norm"), ("Conv2DTranspose", "conv2d_transpose"),
                                        ("SimpleRNN", "simple_rnn"), ("Dense", "dense")])
def test_keras_layer_names_are_translated(keras, ours):
    project = Project(toy_doc([{"type": keras}]))
    e = project.errors()[0]
    assert (e.path, e.received) == ("model.layers[0].type", keras)
    assert f"did you mean {ours!r}?" in e.hint and e.fixes[0].edits[0]["value"] == ours
