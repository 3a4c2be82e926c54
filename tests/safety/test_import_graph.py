"""The import graph of layerlab: no circles, the layer order kept, and fewer imports hidden in functions.

The layers, lowest first (docs/LAYERS.md says why):

    i18n < spec, layers < store < data < engine < inspect, export < api (the facade) < ui < server < cli

A module may import its own package and anything in a lower layer; packages named on one level
(spec and layers, inspect and export) are peers and may import each other, as long as no two
modules import each other. ui, server and cli go through the facade: they import only `layerlab`,
`layerlab.api*`, i18n and the levels above the facade. Only the imports executed when a module
is imported count for circles (a function's body runs later); the layer order holds for every
import, at the top or inside a function. `if TYPE_CHECKING:` blocks do not count.

An import inside a function hides a circle from Python; one of a layerlab module is allowed when
its line says why with one of REASONS (it defers an optional or heavy dependency, or code that runs
in another process); none without a reason is left, and no circle either, counting those imports.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
LEVELS: list[set[str]] = [{"i18n"}, {"spec", "layers"}, {"store"}, {"data"}, {"engine"}, {"inspect", "export"},
                          {"api"}, {"ui"}, {"server"}, {"cli"}]
RANK = {pkg: i for i, level in enumerate(LEVELS) for pkg in level}
FACADE_USERS = {"ui", "server", "cli"}
# What a reason comment on a function-local import of a layerlab module may say.
REASONS = ("defers ray", "defers optuna", "defers onnx", "defers playwright", "defers nicegui",
           "defers the studio", "defers tensorflow", "runs in the worker process", "start-up time")
# Imports that break the layer order and are not fixed yet: (importer, imported). None is left
# (issue 16.3: the studio, the CLI and the server take what they need from the facade's api_*
# modules); never add one (move the code to the right layer, or name it in the facade, instead).
KNOWN_BREAKS: set[tuple[str, str]] = set()


def _name(file: Path) -> str:
    parts = file.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@lru_cache(maxsize=1)
def _modules() -> dict[str, Path]:
    return {_name(f): f for f in sorted((SRC / "layerlab").rglob("*.py"))}


def package(module: str) -> str:
    """The layer package of a module: 'api' for layerlab, layerlab.api and layerlab.api_*."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "api" or parts[1].startswith("api_"):
        return "api"
    return "cli" if parts[1] == "__main__" else parts[1]


def _targets(module: str, file: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The layerlab modules an import statement loads (a package's __init__ for `from pkg import name`)."""
    mods = _modules()
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        here = module.split(".") if file.name == "__init__.py" else module.split(".")[:-1]
        base = ".".join((here[:len(here) - node.level + 1] if node.level else []) + ([node.module] if node.module else []))
        names = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
    out = []
    for n in names:
        while n and n not in mods:
            n = n.rpartition(".")[0]
        if n and n.startswith("layerlab") and n not in out:
            out.append(n)
    return out


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


@lru_cache(maxsize=1)
def scan() -> tuple[dict[str, set[str]], list[tuple[str, int, str, str]]]:
    """(top-level imports per module, function-local imports as (module, line, target, source line))."""
    top: dict[str, set[str]] = {}
    local: list[tuple[str, int, str, str]] = []
    for module, file in _modules().items():
        text = file.read_text(encoding="utf-8")
        lines = text.splitlines()
        top[module] = set()

        def walk(node: ast.AST, in_function: bool) -> None:
            for child in ast.iter_child_nodes(node):
                if _is_type_checking(child):
                    continue
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                    walk(child, True)
                elif isinstance(child, (ast.Import, ast.ImportFrom)):
                    for t in _targets(module, file, child):
                        if t == module:
                            continue
                        if in_function:
                            local.append((module, child.lineno, t, lines[child.lineno - 1]))
                        else:
                            top[module].add(t)
                else:
                    walk(child, in_function)
        walk(ast.parse(text), False)
    return top, local


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def allowed(importer: str, imported: str) -> bool:
    """Whether the layer order lets importer import imported."""
    a, b = package(importer), package(imported)
    if a == b:
        return True
    if a in FACADE_USERS:
        return b == "i18n" or RANK[b] >= RANK["api"] and RANK[b] < RANK[a]
    return RANK[b] <= RANK[a]


def breaks(top: dict[str, set[str]], local: list[tuple[str, int, str, str]]) -> set[tuple[str, str]]:
    """(importer, imported) pairs against the layer order, at the top of a module or inside a function."""
    pairs = {(m, t) for m, ts in top.items() for t in ts} | {(m, t) for m, _, t, _ in local}
    return {(m, t) for m, t in pairs if not allowed(m, t)}


def test_no_import_circle_between_modules():
    top, _ = scan()
    found = circles(top)
    assert not found, "modules that import each other (at import time):\n" + "\n".join(" <-> ".join(c) for c in found)


def test_the_layer_order_is_kept():
    new = sorted(breaks(*scan()) - KNOWN_BREAKS)
    assert not new, ("imports against the layer order (see this file's docstring and docs/LAYERS.md); "
                     "move the code to the right layer or go through the facade:\n"
                     + "\n".join(f"{m} -> {t}" for m, t in new))


def test_every_function_local_import_of_layerlab_says_why():
    # 287 such imports without a reason before issue 16.3 (4 Dec 2026), 0 after it (5 Dec)
    _, local = scan()
    unexplained = [(m, line, t) for m, line, t, src in local
                   if not any(r in src.lower() for r in REASONS)]
    assert not unexplained, (
        f"{len(unexplained)} imports of layerlab modules inside functions without a reason: "
        "import at the top of the module, or say why on the line with one of " + ", ".join(REASONS)
        + "\n" + "\n".join(f"{m}:{line} -> {t}" for m, line, t in unexplained))


def test_no_circle_even_through_imports_inside_functions():
    top, local = scan()
    graph = {m: set(targets) for m, targets in top.items()}
    for m, _, t, _ in local:
        graph[m].add(t)
    found = circles(graph)
    assert not found, "modules that import each other (counting imports inside functions):\n" + "\n".join(
        " <-> ".join(c) for c in found)


def test_the_scanner_sees_circles_breaks_and_local_imports():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []
    assert not allowed("layerlab.store.workspace", "layerlab.api")
    assert not allowed("layerlab.ui.pages.home", "layerlab.store.workspace")
    assert not allowed("layerlab.engine.recording", "layerlab.inspect.history")
    assert allowed("layerlab.export.codegen", "layerlab.engine.losses")
    assert allowed("layerlab.ui.pages.home", "layerlab.api") and allowed("layerlab.cli.main", "layerlab.ui.app")
    assert allowed("layerlab.spec.check", "layerlab.layers.base") and allowed("layerlab.layers.dense", "layerlab.spec.params")
    tree = ast.parse("from ..store import atomic\nfrom . import events\nimport layerlab.api\n")
    file = SRC / "layerlab" / "engine" / "x.py"
    got = [t for node in tree.body for t in _targets("layerlab.engine.x", file, node)]
    assert got == ["layerlab.store.atomic", "layerlab.engine.events", "layerlab.api"]
