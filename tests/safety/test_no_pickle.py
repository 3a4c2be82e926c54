"""No pickle anywhere: a file a user uploads or downloads must never be able to run code.

Scans every Python file of the project (src, tests, bench, scripts) by its syntax tree:
imports of pickle-family modules, torch.load without weights_only=True, torch.save
(pickle inside), numpy loads with allow_pickle=True, pandas read_pickle, joblib.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("src", "tests", "bench", "scripts")
PICKLE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "shelve", "marshal",
                  "copyreg", "pickletools"}


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _kw_is_true(call: ast.Call, name: str) -> bool:
    return any(k.arg == name and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords)


def violations(source: str, filename: str = "<code>") -> list[str]:
    """Each use of pickle in source, as 'file:line: what'."""
    found = []
    tree = ast.parse(source, filename)
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in PICKLE_MODULES:
                    found.append(f"{where}: import {a.name}")
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in PICKLE_MODULES:
                found.append(f"{where}: from {node.module} import ...")
            if node.module == "torch" and any(a.name in ("load", "save") for a in node.names):
                found.append(f"{where}: from torch import load/save (check weights_only by name is impossible)")
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            last = name.rsplit(".", 1)[-1]
            if name in ("torch.load", "torch.serialization.load") and not _kw_is_true(node, "weights_only"):
                found.append(f"{where}: {name} without weights_only=True")
            elif name in ("torch.save", "torch.serialization.save"):
                found.append(f"{where}: {name} pickles; use safetensors")
            elif last in ("read_pickle", "to_pickle"):
                found.append(f"{where}: {name}")
            elif _kw_is_true(node, "allow_pickle"):
                found.append(f"{where}: {name}(allow_pickle=True)")
        elif isinstance(node, ast.Attribute):
            if _dotted(node).startswith(("pickle.", "dill.", "joblib.")):
                found.append(f"{where}: {_dotted(node)}")
    return found


def project_files() -> list[Path]:
    files = []
    for d in SCANNED:
        base = ROOT / d
        if base.is_dir():
            files += [p for p in base.rglob("*.py") if ".venv" not in p.parts and "node_modules" not in p.parts]
    return sorted(files)


def test_the_scanner_catches_every_kind_of_pickle_use():
    bad = """
import pickle
import dill as d
from joblib import load
import torch, numpy as np, pandas as pd
torch.load("w.pt")
torch.load("w.pt", weights_only=False)
torch.save({}, "w.pt")
np.load("x.npy", allow_pickle=True)
pd.read_pickle("x.pkl")
"""
    assert len(violations(bad)) == 8, violations(bad)
    good = """
import torch, numpy as np
from safetensors.torch import load_file
torch.load("w.pt", weights_only=True)
np.load("x.npy", allow_pickle=False)
text = "we never use pickle"
"""
    assert violations(good) == []


def test_no_pickle_anywhere_in_the_project():
    files = project_files()
    assert len(files) > 20  # the scan really looked at the tree
    me = Path(__file__).resolve()
    found = []
    for f in files:
        if f.resolve() == me:
            continue
        try:
            found += violations(f.read_text(encoding="utf-8"), str(f.relative_to(ROOT)))
        except SyntaxError as e:
            pytest.fail(f"{f}: {e}")
    assert found == [], "pickle can run code from a file; use safetensors/JSON:\n" + "\n".join(found)


def test_a_trained_run_holds_only_safetensors_and_json(tmp_path):
    """What training writes can be opened without running code: weights, optimizer state and
    random-generator states are safetensors, everything else JSON."""
    import layerlab
    p = layerlab.new(tmp_path / "xor", example="xor")
    run = p.train(epochs=1)
    assert run.status == "finished"
    files = [f for f in (tmp_path / "xor" / "runs" / run.run_id).rglob("*") if f.is_file()]
    assert {f.suffix for f in files} <= {".safetensors", ".json"}, files
    assert any(f.suffix == ".safetensors" for f in files)
