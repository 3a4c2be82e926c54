"""The TF.js exporter, importer and reference are walkers: every layer kind carries its own adapter.

A new layer kind is one file: it declares its Keras classes and its tfjs_export, tfjs_import and
tfjs_reference at the end of its class, or a `Refused(reason)`. These tests fail when export/tfjs*.py
branches on a layer kind's name or a Keras class name again, or when a registered kind has neither
its adapters nor a declared refusal.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import torch
from torch import nn

import layerlab
from layerlab.layers.base import LayerKind, from_code, load_all
from layerlab.layers.tfjs_support import Refused
from layerlab.spec.params import Param

EXPORT = Path(layerlab.__file__).parent / "export"
ADAPTERS = ("tfjs_export", "tfjs_import", "tfjs_reference")


def names() -> set[str]:
    """Every registered kind name and every Keras class name a kind declares."""
    kinds = load_all()
    declared = {c for k in kinds.values() for c in (*k.keras_classes, *k.keras_written)}
    return set(kinds) | declared


def _strings(node: ast.AST) -> list[str]:
    """String constants of a node, or of the elements of a tuple/list/set literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [s for e in node.elts for s in _strings(e)]
    return []


def kind_branches(source: str, known: set[str]) -> list[str]:
    """Places that decide by a layer kind or Keras class name: comparisons and membership tests against
    such a name (or a part of one), per-kind tables (dict keys, module-level lists/sets), regexes that
    match such names, and startswith/endswith on parts of them."""
    tree = ast.parse(source)
    found: list[str] = []

    def part_of_name(s: str) -> bool:
        return len(s) >= 3 and any(s in n for n in known)

    for node in ast.walk(tree):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            hits = [s for side in sides for s in _strings(side) if s in known]
            if any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
                hits += [s for s in _strings(node.left) if part_of_name(s) and s not in hits]
            found += [f"{where}: compares with {h!r}" for h in hits]
        elif isinstance(node, ast.Dict):  # a table by kind (one such key may be a config key: "activation")
            keyed = [s for k in node.keys if k is not None for s in _strings(k) if s in known]
            found += [f"{where}: table keyed by {s!r}" for s in keyed] if len(keyed) >= 2 else []
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr, args = node.func.attr, [s for a in node.args for s in _strings(a)]
            if attr in ("startswith", "endswith"):
                found += [f"{where}: {attr}({s!r})" for s in args if part_of_name(s)]
            if isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and args:
                found += [f"{where}: regex {args[0]!r}" for n in known if re.fullmatch(args[0], n)][:1]
    for stmt in tree.body:  # per-kind name lists at module level
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            listed = [s for s in _strings(stmt.value) if s in known]
            if isinstance(stmt.value, (ast.Tuple, ast.List, ast.Set)) and listed:
                found.append(f"line {stmt.lineno}: a list of kinds {listed[:3]}")
    return found


def test_the_tfjs_walkers_never_branch_on_a_kind_or_keras_class_name():
    known = names()
    bad = {p.name: hits for p in sorted(EXPORT.glob("tfjs*.py"))
           if (hits := kind_branches(p.read_text(encoding="utf-8"), known))}
    assert not bad, f"per-kind code belongs on the layer kind (its tfjs_* methods in layers/): {bad}"


@pytest.mark.parametrize("snippet, hit", [
    ('if kind == "dense":\n    pass', "compares with 'dense'"),
    ('if cls in ("Conv1D", "Conv2D"):\n    pass', "compares with 'Conv1D'"),
    ('x = {"lstm": "LSTM", "gru": "GRU"}', "table keyed by 'lstm'"),
    ('ELEMENTWISE = {"dropout", "activation"}', "a list of kinds"),
    ('import re\nPOOL = re.compile(r"^(max|avg)_pool([123])d$")', "regex"),
    ('ok = cls.startswith("MaxPooling")', "startswith('MaxPooling')"),
    ('ok = "Max" in cls', "compares with 'Max'"),
])
def test_the_scan_finds_each_kind_of_branch(snippet, hit):
    assert any(hit in h for h in kind_branches(snippet, names())), kind_branches(snippet, names())


def test_the_scan_lets_layer_construction_and_structure_through():
    ok = ('b.add("Permute", {"dims": dims})\nspec = {"type": "permute", "dims": dims}\n'
          'b.add("Activation", {"activation": "linear"})\n'
          'if layer["class_name"] == "InputLayer":\n    pass\nif kind.holds_layers:\n    pass')
    assert kind_branches(ok, names()) == []


def _overrides(kind: LayerKind, method: str) -> bool:
    return getattr(type(kind), method) is not getattr(LayerKind, method)


def test_every_kind_has_its_tfjs_adapters_or_a_declared_refusal():
    missing = {}
    for name, kind in load_all().items():
        if kind.tfjs_refused is not None:
            assert isinstance(kind.tfjs_refused, Refused) and str(kind.tfjs_refused.reason), name
            continue
        # a kind that holds layers is imported from the branches an Add joins (tfjs_import_block)
        need = ("tfjs_export", "tfjs_reference", "tfjs_import_block" if kind.holds_layers else "tfjs_import")
        lacks = [m for m in need if not hasattr(type(kind), m) or
                 (hasattr(LayerKind, m) and not _overrides(kind, m))]
        if lacks or not (kind.keras_classes or kind.keras_written):
            missing[name] = lacks or ["keras_classes"]
    assert not missing, ("each layer kind carries tfjs_export, tfjs_import and tfjs_reference (and its Keras "
                         f"class names), or declares tfjs_refused = Refused(reason): {missing}")


def test_keras_classes_belong_to_one_kind_each_and_reach_the_importer():
    from layerlab.export.tfjs_import import importers, supported_classes
    owners: dict[str, list[str]] = {}
    for name, kind in load_all().items():
        for cls in kind.keras_classes:
            owners.setdefault(cls, []).append(name)
    assert {c: o for c, o in owners.items() if len(o) > 1} == {}
    assert set(importers()) == set(owners) and set(owners) <= set(supported_classes())


def test_a_refused_kind_is_refused_with_its_reason(monkeypatch):
    from layerlab.export import tfjs
    from layerlab.i18n import msg
    dense = load_all()["dense"]
    reason = msg("TF.js export supports: {listing}", listing="none")  # any Text with a German entry
    monkeypatch.setattr(type(dense), "tfjs_refused", Refused(reason))
    assert "dense" not in tfjs.supported() and tfjs.refusal({"type": "dense"}) == reason
    assert tfjs.refused()["dense"] == reason


class Crop1D(nn.Module):
    """Drop steps at both ends of a sequence (B, T, F)."""

    def __init__(self, start: int, end: int):
        super().__init__()
        self.start, self.end = start, end

    def forward(self, x):
        return x[:, self.start:x.shape[1] - self.end]


class CropSteps(LayerKind):
    """A plug-in kind in one file: its TF.js adapters are all the exporter, importer and reference need."""

    name = "crop_steps_probe"
    family = "reshape"
    params = (Param("cropping", "ints", (1, 1), "Steps dropped at the start and the end.", min=0),)
    keras_classes = ("Cropping1D",)

    def infer_shape(self, p, in_shape, path):
        return (in_shape[0] - sum(p["cropping"]), *in_shape[1:])

    def code(self, p, in_shape):
        return f"Crop1D({p['cropping'][0]}, {p['cropping'][1]})"

    def build(self, p, in_shape):
        return from_code(self.code(p, in_shape))

    def activation_of(self, p):
        return None

    def tfjs_export(self, row, module, ctx):
        ctx.b.add("Cropping1D", {"cropping": [int(c) for c in row.resolved["cropping"]]})

    def tfjs_import(self, layer, ctx):
        return {"type": self.name, "cropping": [int(c) for c in layer.config["cropping"]]}, {}

    def tfjs_reference(self, cls, c, w, xs):
        start, end = c["cropping"]
        return xs[0][:, start:xs[0].shape[1] - end]


def test_a_new_kind_exports_and_imports_through_its_own_adapters_only(tmp_path, monkeypatch):
    from export_cases import exported
    from layerlab.export.tfjs import export_tfjs, supported
    from layerlab.export.tfjs_import import network_from_tfjs
    from layerlab.layers.base import REGISTRY
    load_all()
    monkeypatch.setitem(REGISTRY.entries, CropSteps.name, CropSteps())
    assert CropSteps.name in supported()
    layers = [{"type": CropSteps.name, "cropping": [1, 2]}, {"type": "flatten"}, {"type": "dense", "units": 3}]
    src = exported(layers, (7, 4))
    report = export_tfjs(src, tmp_path / "web")                  # read back and computed by the kind's reference
    doc = json.loads((tmp_path / "web" / "model.json").read_text())
    assert [layer["class_name"] for layer in doc["modelTopology"]["config"]["layers"]][0] == "Cropping1D"
    net, info = network_from_tfjs(tmp_path / "web")               # and imported by its tfjs_import
    assert [d["type"] for d in info["layers"]] == [CropSteps.name, "flatten", "dense"]
    x = torch.randn(5, 7, 4, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.allclose(net(x), src.network(x), atol=1e-5) and report["max_diff"] < 1e-5
