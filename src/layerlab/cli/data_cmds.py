"""Commands about data: `layerlab data PROJECT` (a summary) and `layerlab datasets` (the built-ins)."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..api_data import data_sources
from .common import PROJECT_HELP, WORKSPACE, app, console, emit_json, friendly, open_project


@app.command("data")
@friendly
def data_summary(project: str = typer.Argument(..., help=PROJECT_HELP),
                 workspace: Path = WORKSPACE,
                 as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Summarise a project's data: samples, shape or features, classes and counts, split sizes."""
    p = open_project(project, workspace)
    s = p.data_summary()
    if as_json:
        return emit_json(s)
    console.print(f"[bold]{p.name}[/bold]: source {s['source']} ({s['kind']}, {s['task']})")
    console.print(f"Samples: {s['n_samples']:,}   input shape: {tuple(s['input_shape'])}"
                  + ("   [streaming from disk]" if s["streaming"] else ""))
    sp = s["splits"]
    console.print(f"Splits: train {sp['train']:,}, validation {sp['validation']:,}, test {sp['test']:,}")
    if s["feature_names"] and s["kind"] != "image":
        names = s["feature_names"]
        console.print("Features: " + ", ".join(names[:12]) + (f" … (+{len(names) - 12})" if len(names) > 12 else ""),
                      markup=False)
    if s.get("classes"):
        t = Table("class", "samples", "train", "validation", "test", title=f"{len(s['classes'])} classes")
        split_counts = s["split_class_counts"] or {}
        for c in s["classes"]:
            t.add_row(c, str(s["class_counts"][c]),
                      *(str(split_counts.get(k, {}).get(c, 0)) for k in ("train", "validation", "test")))
        console.print(t)
    else:
        console.print(f"Regression targets: {s['outputs']}" + (f" ({s['target']})" if s.get("target") else ""),
                      markup=False)
    for col, n in (s.get("missing") or {}).items():
        console.print(f"Missing values in {col!r}: {n}", markup=False)
    for col, why in (s.get("ignored_columns") or {}).items():
        console.print(f"Ignored column {col!r}: {why}", markup=False)


@app.command("datasets")
@friendly
def datasets(as_json: bool = typer.Option(False, "--json", help="Print JSON."),
             lang: str = typer.Option("en", "--lang", help="en or de.")) -> None:
    """List the data sources: built-in sets and the kinds of your own data."""
    rows = data_sources()
    if as_json:
        return emit_json(rows)
    t = Table("source", "built-in", "parameters", "description", title="Data sources")
    for r in rows:
        t.add_row(r["name"], "yes" if r["builtin"] else "your data", ", ".join(q["name"] for q in r["params"]),
                  r["summary_de" if lang == "de" else "summary"])
    console.print(t)
