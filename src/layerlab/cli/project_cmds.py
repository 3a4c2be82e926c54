"""Commands about the spec: examples, new, summary, validate, fix, schema, layers."""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from .. import api
from .common import app, console, emit_json, friendly, print_spec_error


@app.command()
@friendly
def examples(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the built-in example projects."""
    rows = api.examples()
    if as_json:
        return emit_json(rows)
    t = Table("name", "task", "description", title="Built-in examples")
    for r in rows:
        t.add_row(r["name"], r["task"], r["description"])
    console.print(t)
    console.print("Create one with: layerlab new DIR --example NAME")


@app.command()
@friendly
def new(folder: Path = typer.Argument(..., help="Folder to create the project in."),
        example: str = typer.Option(None, "--example", "-e", help="Start from a built-in example."),
        data: Path = typer.Option(None, "--data", help="Start from your own CSV file, image folder or ZIP."),
        target: str = typer.Option(None, "--target", help="CSV column to predict (with --data)."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing project.json.")) -> None:
    """Create a project folder from an example or from your own data."""
    if data is not None:
        from ..data.wizard import project_from_data  # the data issue provides this
        p = project_from_data(folder, data, target=target, overwrite=force)
    else:
        p = api.new(folder, example=example or "digits", overwrite=force)
    console.print(f"Created project [bold]{p.name}[/bold] in {p.dir}")
    console.print(f"Next: layerlab summary {p.dir}")


def _fmt_shape(s) -> str:
    return "(" + ", ".join(str(x) for x in s) + ")" if s is not None else "?"


@app.command()
@friendly
def summary(project: Path = typer.Argument(..., help="Project folder."),
            as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Print each layer with its output shape and parameter count (like Keras' summary)."""
    p = api.load(project)
    a = p.analyze()
    if as_json:
        return emit_json({"name": p.name, **a.to_dict()})
    t = Table("#", "Layer (type)", "Output Shape", "Param #", title=f"Model: {p.name}")
    t.add_row("", "input", _fmt_shape(a.input_shape), "0")
    for r in a.rows:
        style = "red" if r.error else None
        t.add_row(str(r.index), r.type, _fmt_shape(r.out_shape), f"{r.params:,}", style=style)
    console.print(t)
    console.print(f"Total params: {a.total_params:,}")
    console.print(f"Trainable params: {a.total_params:,}")
    if a.errors:
        for e in a.errors:
            print_spec_error(e)
        raise typer.Exit(2)


@app.command()
@friendly
def validate(project: Path = typer.Argument(..., help="Project folder."),
             as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Check a project; list every error with where it is and how to fix it."""
    p = api.load(project)
    errs = p.errors()
    if as_json:
        emit_json({"ok": not errs, "errors": [e.to_dict() for e in errs]})
    elif not errs:
        console.print("[green]Valid.[/green]")
    for e in errs if not as_json else []:
        print_spec_error(e)
    if errs:
        raise typer.Exit(2)


@app.command()
@friendly
def fix(project: Path = typer.Argument(..., help="Project folder."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Show the fixes without saving.")) -> None:
    """Apply the fixes that errors offer until the project is valid, then save it."""
    p = api.load(project)
    applied = p.fix()
    for f in applied:
        console.print(f"Applied: {f.description}")
    remaining = p.errors()
    if applied and not dry_run:
        p.save()
        console.print(f"Saved {p.dir / api.PROJECT_FILE}")
    if not applied and not remaining:
        console.print("[green]Nothing to fix: the project is valid.[/green]")
    for e in remaining:
        print_spec_error(e)
    if remaining:
        raise typer.Exit(2)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a project file, layers included."""
    from ..spec.schema import project_schema
    print(json.dumps(project_schema(), indent=2))


@app.command()
@friendly
def layers(name: str = typer.Argument(None, help="Show one layer kind in detail."),
           as_json: bool = typer.Option(False, "--json", help="Print JSON."),
           lang: str = typer.Option("en", "--lang", help="en or de.")) -> None:
    """List the layer kinds, or describe one with its parameters."""
    from ..layers import get_layer, load_all
    if name:
        d = get_layer(name).describe()
        if as_json:
            return emit_json(d)
        de = lang == "de"
        console.print(f"[bold]{d['name']}[/bold] ({d['family']}): {d['summary_de' if de else 'summary']}")
        console.print(d["explain_de" if de else "explain"], markup=False)
        console.print(f"Formula: {d['latex']}", markup=False)
        t = Table("parameter", "default", "allowed", "description")
        for prm in d["params"]:
            allowed = ", ".join(map(str, prm["choices"]))[:60] if prm["choices"] else \
                f"{'' if prm['min'] is None else prm['min']}..{'' if prm['max'] is None else prm['max']}"
            t.add_row(prm["name"] + (" (expert)" if prm["expert"] else ""), str(prm["default"]), allowed,
                      prm["description_de" if de else "description"])
        console.print(t)
        return
    kinds = load_all()
    if as_json:
        return emit_json([k.describe() for k in kinds.values()])
    t = Table("type", "family", "what it does", title=f"{len(kinds)} layer kinds")
    for k in sorted(kinds.values(), key=lambda k: (k.family, k.name)):
        t.add_row(k.name, k.family, k.summary_de if lang == "de" else k.summary)
    console.print(t)


