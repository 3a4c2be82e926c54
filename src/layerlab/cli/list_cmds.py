"""`layerlab list`: the projects of the workspace, a damaged one with what is wrong and how to repair it.

    layerlab list [--json]      # the workspace is LAYERLAB_HOME (default ~/.layerlab/projects)
"""
from __future__ import annotations

import time

import typer
from rich.markup import escape
from rich.table import Table

from .. import api_workspace as workspace
from .common import app, console, emit_json, friendly


@app.command("list")
@friendly
def list_projects(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The workspace's projects, newest first; a damaged one is listed with how to repair or remove it."""
    rows = workspace.list_projects()
    if as_json:
        emit_json({"workspace": str(workspace.home()), "projects": rows})
        return
    if not rows:
        console.print(f"No projects in {workspace.home()} yet: try `layerlab new my-digits --example digits`.")
        return
    table = Table("id", "name", "task", "source", "changed", title=f"{len(rows)} project(s) in {workspace.home()}")
    for r in rows:
        changed = time.strftime("%Y-%m-%d %H:%M", time.localtime(r["modified"])) if r["modified"] else "?"
        task = "[red]damaged[/red]" if r.get("damaged") else r["task"]
        table.add_row(escape(r["id"]), escape(r["name"]), task, escape(r["source"]), changed)
    console.print(table)
    for r in rows:
        if d := r.get("damaged"):
            console.print(f"[red]Damaged:[/red] {escape(r['id'])}: {escape(d['text'])}", markup=True)
            console.print(f"  File: {d['file']}", markup=False)
            console.print(f"  {d['remove'][:1].upper()}{d['remove'][1:]}", markup=False)
