"""`layerlab inspect PROJECT VIEW`: see inside a trained network; writes VIEW.png and VIEW.json.

    layerlab inspect my-digits                       # list the views
    layerlab inspect my-digits saliency --index 3 --out inspect/
    layerlab inspect my-digits adversarial -o epsilon=0.05 -o method=pgd
    layerlab inspect my-digits flow --input my-drawing.png
    layerlab inspect my-digits all --out inspect/     # every view
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from ..i18n import msg
from ..api_errors import SpecError
from .common import PROJECT_HELP, WORKSPACE, app, console, emit_json, friendly, open_project


def parse_options(pairs: list[str]) -> dict[str, Any]:
    """key=value pairs; values are read as JSON where they parse (numbers, lists), else kept as text."""
    out: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise SpecError("--option", msg("must look like key=value"), pair, msg("e.g. -o epsilon=0.1"))
        key, raw = pair.split("=", 1)
        try:
            out[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            out[key.strip()] = raw
    return out


@app.command()
@friendly
def inspect(project: str = typer.Argument(..., help=PROJECT_HELP),
            workspace: Path = WORKSPACE,
            view: str = typer.Argument(None, help="A view (leave out to list them), or 'all'."),
            input: Path = typer.Option(None, "--input", "-i", help="An input file (image, CSV, JSON or .npy) to look at."),
            out: Path = typer.Option(Path("inspect"), "--out", help="Folder for VIEW.png and VIEW.json."),
            run: str = typer.Option(None, "--run", help="Run id (default: the latest trained run)."),
            compare_run: str = typer.Option(None, "--compare-run", help="A second run, for CKA between runs."),
            weights: str = typer.Option(None, "--weights",
                                        help="The run's best epoch (the default) or its last."),
            split: str = typer.Option("val", "--split", help="Samples to use: val, train or test."),
            index: int = typer.Option(0, "--index", help="Which sample of the split is the input."),
            option: list[str] = typer.Option([], "--option", "-o", help="A view option as key=value (repeatable)."),
            as_json: bool = typer.Option(False, "--json", help="Print the written files as JSON.")) -> None:
    """Inspect a network: data flow, weights, saliency, adversarial examples, errors and more."""
    p = open_project(project, workspace)
    if view is None:
        views = p.inspect_views()
        if as_json:
            return emit_json(views)
        t = Table("view", "what it shows", "options", title="Inspect views")
        for v in views:
            t.add_row(v["name"], v["summary"], ", ".join(f"{k}={d!r}" for k, d in v["options"].items()))
        console.print(t)
        console.print(f"Run one with: layerlab inspect {project} VIEW --out DIR")
        return
    views = {v["name"]: v for v in p.inspect_views()}
    names = list(views) if view == "all" else [view]
    options = parse_options(option)
    if view == "all":  # each view takes the options it knows; one that none knows is a mistake
        unknown = [k for k in options if not any(k in v["options"] for v in views.values())]
        if unknown:
            raise SpecError(f"--option {unknown[0]}", msg("is not an option of any view"), unknown[0],
                            msg("list the views and their options with `layerlab inspect PROJECT`"))
    written: dict[str, list[str]] = {}
    for name in names:
        opts = options if view != "all" else {k: v for k, v in options.items() if k in views[name]["options"]}
        result = p.inspect(name, input=input, run=run, split=split, index=index, compare_run=compare_run,
                           weights=weights, **opts)
        paths = result.save(out)
        written[name] = [str(x) for x in paths]
        if not as_json:
            state = f"run {result.data['run']}, {result.data['weights_note']}" if result.data.get("trained") \
                else "untrained network (no run yet)"
            console.print(f"[bold]{name}[/bold] ({state}): " + ", ".join(written[name]), markup=True)
    if as_json:
        emit_json({"written": written})
