"""export/ and inspect/ after issue 16.3: no circle among their modules even through imports inside
functions (which Python does not see at import time), each such import of a layerlab module says why
(tests/safety/test_import_graph.py's REASONS), and matplotlib loads with the first figure, not with
`import layerlab` (0.4-0.6 s of every CLI command's and the studio's start)."""
from __future__ import annotations

import ast

from tests.safety.test_import_graph import REASONS, SRC, circles, scan

AREA = ("layerlab.export", "layerlab.inspect")


def _with_local_imports() -> dict[str, set[str]]:
    top, local = scan()
    graph = {m: set(ts) for m, ts in top.items()}
    for m, _, t, _ in local:
        graph.setdefault(m, set()).add(t)
    return graph


def test_no_circle_in_export_or_inspect_even_through_imports_inside_functions():
    found = [c for c in circles(_with_local_imports()) if any(m.startswith(AREA) for m in c)]
    assert not found, ("modules that import each other (counting imports inside functions); move the shared "
                       "code to a module both import:\n" + "\n".join(" <-> ".join(c) for c in found))


def test_every_import_inside_a_function_in_export_or_inspect_says_why():
    _, local = scan()
    bare = [f"{m}:{line} -> {t}" for m, line, t, src in local
            if m.startswith(AREA) and not any(r in src.lower() for r in REASONS)]
    assert not bare, ("imports of layerlab modules inside functions without a reason: import at the top of the "
                      "module, or say why on the line with one of " + ", ".join(REASONS) + "\n" + "\n".join(bare))


def _import_time_imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every import a module runs when it is imported (not in functions or TYPE_CHECKING)."""
    out: list[tuple[int, str]] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            out.append((node.lineno, str(node.module)))
        else:
            out += _import_time_imports(node)
    return out


def test_matplotlib_is_not_imported_when_layerlab_is():
    found = [f"{f.relative_to(SRC)}:{line} imports {name}"
             for f in sorted((SRC / "layerlab").rglob("*.py"))
             for line, name in _import_time_imports(ast.parse(f.read_text(encoding="utf-8")))
             if name.split(".")[0] == "matplotlib"]
    assert not found, ("matplotlib at the top of a module costs every start 0.4-0.6 s; import it inside the "
                       "function that draws (see inspect/plots.new_figure):\n" + "\n".join(found))
