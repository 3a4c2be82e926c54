"""The table process reads tables without torch: what it imports never loads torch or the layers.

data/table_process.py starts its process with empty packages in place of `layerlab` and
`layerlab.data` (their __init__ import torch and the whole API: seconds of CPU and hundreds of MB
for a process that only reads CSV files). Every other module it reaches through top-level imports
runs, package __init__ included, so one hoisted import (spec.models -> layers.stack did it once)
would bring torch back. The walk uses the import graph of tests/safety/test_import_graph.py.
"""
from __future__ import annotations

import ast

from test_import_graph import _is_type_checking, _modules, scan

STUBBED = {"layerlab", "layerlab.data"}   # table_process.ENTRY puts empty packages there


def reached(start: str, top: dict[str, set[str]] | None = None) -> set[str]:
    """The layerlab modules importing `start` runs: top-level imports and the packages above each."""
    top = scan()[0] if top is None else top
    seen: set[str] = set()
    todo = [start]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        parts = m.split(".")
        todo.extend(p for p in (".".join(parts[:i]) for i in range(1, len(parts))) if p not in STUBBED)
        todo.extend(top.get(m, ()))
    return seen


def imports_torch(module: str) -> bool:
    """Whether the module imports torch when it is imported (not inside a function)."""
    def walk(node: ast.AST) -> bool:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child) or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(child, ast.Import) and any(a.name.split(".")[0] == "torch" for a in child.names):
                return True
            if isinstance(child, ast.ImportFrom) and not child.level and (child.module or "").split(".")[0] == "torch":
                return True
            if walk(child):
                return True
        return False
    return walk(ast.parse(_modules()[module].read_text(encoding="utf-8")))


def test_the_table_process_loads_no_torch():
    found = reached("layerlab.data.table_process")
    assert "layerlab.data.csvread" in found and "layerlab.spec.errors" in found  # the walk sees its imports
    heavy = sorted(m for m in found if imports_torch(m))
    assert not heavy, ("the table process would import torch through these modules (import what needs torch "
                       "inside the function that needs it, with '# start-up time: ...'): " + ", ".join(heavy))


def test_the_walk_finds_torch_behind_a_hoisted_import():
    top = {m: set(ts) for m, ts in scan()[0].items()}
    assert "layerlab.spec.models" in reached("layerlab.data.table_process", top)
    top["layerlab.spec.models"].add("layerlab.layers.stack")   # the import that once brought torch in
    assert any(imports_torch(m) for m in reached("layerlab.data.table_process", top))
