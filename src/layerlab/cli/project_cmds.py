"""Commands about the spec: examples, new, summary, validate, fix, schema, layers, and edits
(add, remove, set) checked against each parameter's declaration.

    layerlab add my-net dense units=10 activation=softmax
    layerlab set my-net model.layers[0].filters 32
    layerlab remove my-net 2
"""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from .. import api
from ..i18n import LANGS, current_lang, keyed, msg, translate
from ..api_errors import SpecError
from ..api_spec import ACTIVATIONS, apply_edits, get_layer, layer_kinds, loads, parse_path, project_schema
from .common import PROJECT_HELP, WORKSPACE, app, console, emit_json, err_console, friendly, open_project, print_spec_error


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
        target: str = typer.Option(None, "--target", help="CSV column to predict (needed with a table)."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing project.json.")) -> None:
    """Create a project folder from an example or from your own data (a table needs --target)."""
    if data is not None:
        try:
            p = api.new(folder, data=data, target=target, overwrite=force, how="--target {name}")
        except SpecError as e:
            if getattr(e, "columns", None):   # a table without --target: show its columns first
                _list_columns(e)
            raise
    else:
        p = api.new(folder, example=example or "digits", overwrite=force)
    console.print(f"Created project [bold]{p.name}[/bold] in {p.dir}")
    console.print(f"Next: layerlab summary {p.dir}")


def _list_columns(e) -> None:
    """The table's columns (kind, a few values) on stderr, the guess marked, before the error itself."""
    t = Table("column", "kind", "values", title="Which column should the network predict?")
    for c in e.columns:
        mark = "  ← likely" if c.name == e.guess else ""
        t.add_row(c.name + mark, c.kind_label, c.values_text)
    err_console.print(t)
    e.received = [c.name for c in e.columns]


def _fmt_shape(s) -> str:
    """A shape as Python writes a tuple, (64,) or (16, 8, 8); '?' when unknown after an error."""
    return str(tuple(s)) if s is not None else "?"


@app.command()
@friendly
def summary(project: str = typer.Argument(..., help=PROJECT_HELP),
            workspace: Path = WORKSPACE,
            as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Print each layer with its output shape and parameter count (like Keras' summary)."""
    p = open_project(project, workspace)
    a = p.analyze()
    if as_json:
        return emit_json({"name": p.name, **a.to_dict()})
    t = Table("#", "Layer (type)", "Output Shape", "Param #", title=f"Model: {p.name}")
    t.add_row("", "input", _fmt_shape(a.input_shape), "0")
    for r in a.rows:
        style = "red" if r.error else None
        t.add_row(str(r.index), r.type, _fmt_shape(r.out_shape), f"{r.params:,}", style=style)
        _nested(t, r.children, "  ")
    console.print(t)
    console.print(f"Total params: {a.total_params:,}")
    console.print(f"Trainable params: {a.total_params:,}")
    _print_budget(a.budget)
    if a.errors:
        for e in a.errors:
            print_spec_error(e)
        raise typer.Exit(2)


def _nested(t: Table, rows, indent: str) -> None:
    """The layers inside a residual block, indented under it (their parameters are in its count)."""
    for r in rows:
        t.add_row("", f"{indent}└ {r.type}", _fmt_shape(r.out_shape), f"({r.params:,})", style="dim")
        _nested(t, r.children, indent + "  ")


@app.command()
@friendly
def validate(project: str = typer.Argument(..., help=PROJECT_HELP),
             workspace: Path = WORKSPACE,
             as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Check a project; list every error with where it is and how to fix it, and each budget's use."""
    p = open_project(project, workspace)
    budget = None
    try:
        a = p.analyze()
        errs, budget = a.errors, a.budget
    except api.SpecError as e:  # the spec itself (not a layer) is wrong
        errs = [e]
    if as_json:
        emit_json({"ok": not errs, "errors": [e.to_dict() for e in errs], "budget": budget})
    else:
        if not errs:
            console.print("[green]Valid.[/green]")
        _print_budget(budget)
    for e in errs if not as_json else []:
        print_spec_error(e)
    if errs:
        raise typer.Exit(2)


def _print_budget(budget) -> None:
    """Each budget's use against its limit, with the profile and the file that raises them."""
    if not budget:
        return
    console.print(f"Budgets ({budget['profile']} profile; raise them in {budget['config']}):", markup=False)
    for i in budget["items"]:
        mark = "[green]ok[/green]" if i["ok"] else "[red]over budget[/red]"
        console.print(f"  {i['label']:<16} {i['used_text']:>10} of {i['limit_text']:<10} {mark}")


@app.command()
@friendly
def fix(project: str = typer.Argument(..., help=PROJECT_HELP),
        workspace: Path = WORKSPACE,
        dry_run: bool = typer.Option(False, "--dry-run", help="Show the fixes without saving.")) -> None:
    """Apply the fixes that errors offer until the project is valid, then save it."""
    p = open_project(project, workspace)
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
    print(json.dumps(project_schema(), indent=2))


# the words of `layerlab layers`: keys layers.<word> of the cli catalogue (i18n/locale/cli.pot, <lang>/cli.po)
_WORDS = ("formula", "example", "parameter", "default", "allowed", "description", "expert", "kinds", "type",
          "family", "what", "choices", "body")


def _allowed(prm: dict, words: dict) -> str:
    if prm["choices"]:
        shown = ", ".join(map(str, prm["choices"][:8]))
        more = len(prm["choices"]) - 8
        return shown + (f", … ({len(prm['choices'])} {words['choices']})" if more > 0 else "")
    lo = "" if prm["min"] is None else f"{prm['min']:g}"
    hi = "" if prm["max"] is None else f"{prm['max']:g}"
    return f"{lo}..{hi}" if lo or hi else ""


@app.command()
@friendly
def layers(name: str = typer.Argument(None, help="Show one layer kind in detail."),
           as_json: bool = typer.Option(False, "--json", help="Print JSON."),
           lang: str = typer.Option("en", "--lang", help="en or de.")) -> None:
    """List the layer kinds, or describe one with its parameters."""
    if lang not in LANGS:
        raise SpecError("--lang", msg("is not a supported language"), lang, msg("use en or de"))
    words, de = {w: keyed("cli", f"layers.{w}", lang) for w in _WORDS}, lang == "de"
    if name:
        d = get_layer(name).describe()
        if as_json:
            return emit_json(d)
        console.print(f"[bold]{d['name']}[/bold] ({d['family']}): {d['summary_de' if de else 'summary']}")
        console.print(d["explain_de" if de else "explain"], markup=False)
        console.print(f"{words['formula']}: {d['latex']}", markup=False)
        example = {"type": d["name"], **{p["name"]: p["default"] for p in d["params"] if not p["expert"]}}
        if d["name"] == "residual":
            example["layers"] = [{"type": "dense", "units": 32}]
        console.print(f"{words['example']}: {json.dumps(example)}", markup=False)
        t = Table(words["parameter"], words["default"], words["allowed"], words["description"])
        for prm in d["params"]:
            t.add_row(prm["name"] + (f" ({words['expert']})" if prm["expert"] else ""), json.dumps(prm["default"]),
                      _allowed(prm, words), prm["description_de" if de else "description"])
        if d["name"] == "residual":
            t.add_row("layers", "[]", "", words["body"])
        console.print(t)
        return
    kinds = layer_kinds()
    if as_json:
        return emit_json([k.describe() for k in kinds.values()])
    t = Table(words["type"], words["family"], words["what"], title=f"{len(kinds)} {words['kinds']}")
    for k in sorted(kinds.values(), key=lambda k: (k.family, k.name)):
        t.add_row(k.name, k.family, translate(k.summary, lang))
    console.print(t)


@app.command()
@friendly
def activations(as_json: bool = typer.Option(False, "--json", help="Print JSON."),
                lang: str = typer.Option("en", "--lang", help="en or de.")) -> None:
    """List the activation functions a layer's `activation` accepts, with their formulas."""
    rows = [{"name": a.name, "latex": a.latex, "explain": a.explain, "explain_de": translate(a.explain, "de"),
             "output": a.output} for a in ACTIVATIONS.values()]
    if as_json:
        return emit_json(rows)
    de = lang == "de"
    t = Table("activation", "formula", keyed("cli", "activations.meaning", lang), title=f"{len(rows)} activations")
    for r in rows:
        t.add_row(r["name"], r["latex"], r["explain_de" if de else "explain"])
    console.print(t, markup=False)


# -- edits without opening the JSON ----------------------------------------------------------
def _value(text: str, path: str = ""):
    """A typed value from the command line: JSON where it parses (10, true, [3, 3]), else text.

    NaN, Infinity and 1e400 parse as JSON here but no project may hold them: a SpecError at path."""
    try:
        return loads(text, prefix=path)
    except json.JSONDecodeError:
        return text


def _save_and_report(p: api.Project, what: str) -> None:
    p.save()
    console.print(f"{what}; saved {p.dir / api.PROJECT_FILE}")
    errs = p.errors()
    if errs:
        console.print(f"[yellow]The project has {len(errs)} problem(s) now:[/yellow]")
        for e in errs:
            print_spec_error(e)


@app.command()
@friendly
def add(project: str = typer.Argument(..., help=PROJECT_HELP),
        workspace: Path = WORKSPACE,
        layer_type: str = typer.Argument(..., metavar="TYPE", help="Layer type, e.g. dense (see `layerlab layers`)."),
        settings: list[str] = typer.Argument(None, metavar="[NAME=VALUE]...", help="Parameters, e.g. units=10."),
        at: int = typer.Option(None, "--at", help="Position (0 = first); default: before the output layer."),
        end: bool = typer.Option(False, "--end", help="Append after the last layer.")) -> None:
    """Add a layer; its parameters are checked before anything is saved."""
    p = open_project(project, workspace)
    layers = p.doc.setdefault("model", {}).setdefault("layers", [])
    index = len(layers) if end or not layers else (max(len(layers) - 1, 0) if at is None else at)
    if not 0 <= index <= len(layers):
        raise SpecError("--at", msg("must be a position from 0 to {last}", last=len(layers)), index,
                        msg("count layers from 0"))
    layer = {"type": layer_type}
    for item in settings or []:
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise SpecError(item, msg("is not NAME=VALUE"), item, msg("write parameters like units=10 or activation=relu"))
        layer[name] = _value(text, f"model.layers[{index}].{name}")
    path = f"model.layers[{index}]"
    get_layer(layer_type, f"{path}.type").resolve(layer, path)  # unknown names, types and ranges stop here
    layers.insert(index, layer)
    _save_and_report(p, f"Added {layer_type} at {path}")


@app.command()
@friendly
def remove(project: str = typer.Argument(..., help=PROJECT_HELP),
           workspace: Path = WORKSPACE,
           index: int = typer.Argument(..., help="Position of the layer (0 = first).")) -> None:
    """Remove the layer at a position."""
    p = open_project(project, workspace)
    layers = p.doc.get("model", {}).get("layers", [])
    if not 0 <= index < len(layers):
        raise SpecError("model.layers", msg("has no layer at position {index}", index=index), index,
                        msg("use a position from 0 to {last}", last=len(layers) - 1) if layers
                        else msg("the model has no layers"))
    gone = layers.pop(index)
    _save_and_report(p, f"Removed {gone.get('type', 'layer')} from model.layers[{index}]")


@app.command("set")
@friendly
def set_value(project: str = typer.Argument(..., help=PROJECT_HELP),
              workspace: Path = WORKSPACE,
              path: str = typer.Argument(..., help="Spec path, e.g. model.layers[0].units or training.epochs."),
              value: str = typer.Argument(..., help="New value (JSON: 10, true, [3, 3], \"adam\"; or plain text).")) -> None:
    """Set one value in project.json; an invalid value is refused and nothing is saved."""
    p = open_project(project, workspace)
    try:
        doc = apply_edits(p.doc, [{"op": "set", "path": path, "value": _value(value, path)}])
    except (KeyError, IndexError, TypeError):
        raise SpecError(path, msg("does not exist in this project"), _value(value),
                        msg("check the path with `layerlab summary --json` or `layerlab schema`")) from None
    candidate = api.Project(doc, p.dir)
    own = [e for e in candidate.errors() if e.path == path or e.path.startswith(path + ".")]
    if own and parse_path(path):
        raise own[0]
    p.doc = doc
    notes = p.follow_data() if parse_path(path)[:1] in (["data"], ["task"]) else []  # the output follows the data
    _save_and_report(p, f"Set {path} to {json.dumps(_value(value))}")
    for note in notes:
        console.print(f"Note: {note.to(current_lang.get())}")
