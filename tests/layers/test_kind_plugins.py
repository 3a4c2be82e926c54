"""Plug-ins are found by entry points (layerlab.layers, layerlab.sources, layerlab.exports), so a fresh
process, like a spawned worker, sees a third-party layer kind without being told; a broken plug-in is
left out with a warning that names it. The fake distribution is a dist-info folder on sys.path."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from layerlab.data.base import REGISTRY as SOURCES
from layerlab.export.formats import EXPORTS
from layerlab.i18n import msg
from layerlab.layers.base import REGISTRY as LAYERS
from layerlab.spec.registry import Registry

CUBE = '''
"""cube: a third-party layer kind in one file (y = x^3), with its own torch module."""
import torch
from torch import nn

from layerlab.layers.base import Case, LayerKind, register
from layerlab.layers.tfjs_support import Refused
from layerlab.i18n import msg


class Cube(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * x * x


@register
class CubeLayer(LayerKind):
    name = "cube"
    summary = "Cubes every value."
    explain = "Keeps the sign and stretches large values."
    latex = r"y = x^3"
    keeps_layout = True
    tfjs_refused = Refused(msg("TF.js has no cube layer"))
    cases = (Case((4,), {}, (4,)), Case((2, 3, 3), {}, (2, 3, 3)))

    def infer_shape(self, p, in_shape, path):
        return tuple(in_shape)

    def param_count(self, p, in_shape):
        return 0

    def build(self, p, in_shape):
        return Cube()

    def code(self, p, in_shape):
        return "Cube()"
'''


def fake_distribution(root: Path, entry_points: str, modules: dict[str, str]) -> Path:
    """A installed-looking package: <root>/fakeplug-0.1.dist-info with entry_points.txt, plus its modules."""
    info = root / "fakeplug-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakeplug\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    for name, text in modules.items():
        (root / f"{name}.py").write_text(text)
    return root


# the plug-in's German: a catalogue in locale/ next to the module its layerlab.locales entry point names
CUBE_PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Cubes every value."
msgstr "Nimmt jeden Wert hoch drei."

msgid "Keeps the sign and stretches large values."
msgstr "Behält das Vorzeichen und streckt große Werte."
'''


def test_the_registries_read_their_entry_point_groups():
    assert (LAYERS.group, SOURCES.group, EXPORTS.group) == ("layerlab.layers", "layerlab.sources", "layerlab.exports")


def test_a_fresh_process_finds_a_third_party_kind_by_its_entry_point(tmp_path):
    root = fake_distribution(tmp_path / "site", """
        [layerlab.layers]
        cube = fakeplug_cube
        broken = fakeplug_broken

        [layerlab.locales]
        fakeplug = fakeplug_cube
        """, {"fakeplug_cube": CUBE, "fakeplug_broken": "raise ImportError('needs a library that is missing')\n"})
    (root / "locale" / "de" / "LC_MESSAGES").mkdir(parents=True)
    (root / "locale" / "de" / "LC_MESSAGES" / "fakeplug.po").write_text(CUBE_PO, encoding="utf-8")
    code = ("import json, warnings\n"
            "warnings.simplefilter('ignore')\n"
            "from layerlab.layers import load_all\n"
            "from layerlab.layers.base import REGISTRY, code_namespace\n"
            "from layerlab.layers.conformance import check_layer_kind\n"
            "kinds = load_all()\n"
            "from layerlab.engine import worker\n"
            "worker._import_plugins(worker.plugin_modules())  # what a warm worker does with a job's plug-ins\n"
            "print(json.dumps({'names': sorted(kinds), 'errors': REGISTRY.plugin_errors,\n"
            "                  'helper': 'Cube' in code_namespace(), 'passed': check_layer_kind('cube')}))\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), *sys.path]), "OMP_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert "cube" in got["names"] and "dense" in got["names"]
    assert got["helper"]  # its own nn.Module is in the namespace generated code is built in
    assert {"shape rule", "code", "save/reload", "onnx", "torchscript", "german"} <= set(got["passed"])
    assert len(got["errors"]) == 1 and "'broken'" in got["errors"][0] and "fakeplug" in got["errors"][0]
    assert "missing" in got["errors"][0]
    assert "could not import" not in out.stderr  # the worker does not import an entry point's module twice


def test_an_entry_point_may_name_a_class_to_register(tmp_path, monkeypatch):
    root = fake_distribution(tmp_path / "site", """
        [layerlab.test_things]
        spiral = fakeplug_things:Spiral
        """, {"fakeplug_things": "class Spiral:\n    name = 'spiral'\n"})
    monkeypatch.syspath_prepend(str(root))
    things = Registry("thing", msg("is not a known thing"), lambda close, listing: msg("use {listing}", listing=listing),
                      group="layerlab.test_things")
    assert things.names() == ["spiral"] and type(things.get("spiral")).__module__ == "fakeplug_things"
    with pytest.raises(Exception, match="spirla"):
        things.get("spirla")
