"""Commands that leave LayerLab and come back: export (ONNX, TorchScript, TF.js, ...) and import (TF.js)."""
from __future__ import annotations

from pathlib import Path

import typer

from .. import api
from ..api_export import format_names, get_format, import_tfjs
from .common import PROJECT_HELP, WORKSPACE, app, console, emit_json, friendly, open_project


@app.command()
@friendly
def export(project: str = typer.Argument(..., help=PROJECT_HELP),
           workspace: Path = WORKSPACE,
           fmt: str = typer.Option(..., "--format", "-f", help="One of: " + ", ".join(format_names()) + "."),
           out: Path = typer.Option(..., "--out", "-o", help="File (or folder for safetensors/tfjs) to write."),
           run: str = typer.Option(None, "--run", help="Run id (default: the latest trained run)."),
           as_json: bool = typer.Option(False, "--json", help="Print the report as JSON.")) -> None:
    """Export a project's model; every file is checked against PyTorch before it is written."""
    form = get_format(fmt)
    p = open_project(project, workspace)
    report = p.export(form.name, out, run_id=run)
    if as_json:
        return emit_json(report)
    if not report.get("trained"):
        console.print("[yellow]Note:[/yellow] no trained run yet: the exported model has its initial weights "
                      "(train first with `layerlab train`).")
    console.print(f"Wrote [bold]{report['path']}[/bold] ({report['size']:,} bytes)")
    for line in form.cli_lines(report):
        console.print(line)
    for fmt_name, why in (report.get("skipped") or {}).items():
        console.print(f"Left out {fmt_name}: {why}", markup=False)
    for extra in report.get("files", [])[1:]:
        console.print(f"Also wrote {extra} (the data the script trains on)")


@app.command("import")
@friendly
def import_(path: Path = typer.Argument(..., help="A TF.js model.json (with its .bin files beside it) or its folder."),
            out: Path = typer.Option(..., "--out", "-o", help="Folder of the new project."),
            name: str = typer.Option(None, "--name", help="Project name (default: the model's folder name)."),
            as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Import a TensorFlow.js Layers model (e.g. saved by asanAI) as a LayerLab project with its weights."""
    folder = import_tfjs(path, out, name=name)
    p = api.load(folder)
    if as_json:
        return emit_json({"project": str(folder), "layers": [d["type"] for d in p.doc["model"]["layers"]]})
    console.print(f"Imported [bold]{p.name}[/bold] into {folder}: "
                  + ", ".join(d["type"] for d in p.doc["model"]["layers"]))
    console.print(f"Next: layerlab predict {folder} ... or add data to {folder / 'data'} and train")
