"""A layer that is an activation of its own (swish) at the end of a classifier is caught like an
activation layer there: after the softmax it would squash the probabilities (a digits run trained to
31 % that way while the Model page said the model was valid)."""
from __future__ import annotations

import layerlab
from layerlab.api_spec import apply_fix


def test_swish_after_the_softmax_output_is_an_error_with_a_fix():
    doc = layerlab.example("digits")
    doc["model"]["layers"].append({"type": "swish"})
    project = layerlab.Project(doc)
    errors = [e for e in project.errors() if "class probabilities" in str(e.message)]
    assert errors, [str(e) for e in project.errors()]
    e = errors[0]
    assert e.path == f"model.layers[{len(doc['model']['layers']) - 1}]" and "swish" in str(e.message)
    fixed = layerlab.Project(apply_fix(doc, e.fixes[0]))
    assert fixed.errors() == [] and fixed.doc["model"]["layers"][-1]["type"] != "swish"
    assert e.localized("de").count("entferne diese Schicht") == 1


def test_swish_inside_the_network_is_fine():
    doc = layerlab.example("xor")
    doc["model"]["layers"].insert(1, {"type": "swish"})
    assert layerlab.Project(doc).errors() == []
