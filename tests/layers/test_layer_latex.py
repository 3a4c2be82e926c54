"""Every formula the catalogue shows renders with the KaTeX the studio ships (needs node; skipped without)."""
from __future__ import annotations

import json
import shutil
import subprocess
from importlib import resources

import pytest

from layerlab.layers import ACTIVATIONS, get_layer
from tests.layers.cases import CASES

KATEX = resources.files("layerlab") / "ui" / "static" / "katex" / "katex.min.js"
RENDER = """
const fs = require('fs'), vm = require('vm');
const ctx = {module: {exports: {}}, exports: {}}; ctx.self = ctx; vm.createContext(ctx);
vm.runInContext(fs.readFileSync(process.argv[1], 'utf8'), ctx);
const katex = ctx.module.exports.default || ctx.module.exports;
const bad = [];
for (const [name, tex] of JSON.parse(fs.readFileSync(0, 'utf8'))) {
  try { katex.renderToString(tex, {throwOnError: true}); } catch (e) { bad.push([name, tex, e.message]); }
}
console.log(JSON.stringify(bad));
"""


@pytest.mark.skipif(shutil.which("node") is None or not KATEX.is_file(), reason="needs node and the bundled KaTeX")
def test_every_formula_renders_in_katex():
    formulas = [[a.name, a.latex] for a in ACTIVATIONS.values()]
    for name, cases in CASES.items():
        kind = get_layer(name)
        formulas.append([name, kind.latex])
        for shape, params in cases:
            p = kind.resolve(params, "l")
            formulas += [[name, kind.math(p, shape)], [name, kind.math(p, None)]]
    out = subprocess.run(["node", "-e", RENDER, str(KATEX)], input=json.dumps(formulas), capture_output=True,
                         text=True, timeout=60, check=True)
    assert json.loads(out.stdout) == []
