"""Commands that manage the projects of the workspace (LAYERLAB_HOME, or --workspace DIR):
rename, duplicate, delete (to the trash), trash, restore; and a project as one file: pack, unpack.

    layerlab duplicate digits "digits 2"
    layerlab delete digits-2          # moved to the trash: `layerlab restore digits-2` undoes it
    layerlab pack digits --out digits.layerlab
    layerlab unpack digits.layerlab --name "digits from school"
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer
from rich.table import Table

from .. import api
from .common import PROJECT_HELP, WORKSPACE, app, console, emit_json, friendly, use_workspace

_WORKSPACE = WORKSPACE
_JSON = typer.Option(False, "--json", help="Print JSON.")


def _use(workspace: Path | None) -> None:
    use_workspace(workspace)


@app.command()
@friendly
def rename(project: str = typer.Argument(..., help=PROJECT_HELP),
           name: str = typer.Argument(..., help="The new name."),
           workspace: Path = _WORKSPACE, as_json: bool = _JSON) -> None:
    """Rename a project; its id follows the name (a fresh one when that is taken)."""
    _use(workspace)
    out = api.rename_project(api.project_id(project), name)
    if as_json:
        return emit_json(out)
    console.print(f"Renamed {project} to [bold]{out['name']}[/bold] (id {out['id']})")


@app.command()
@friendly
def duplicate(project: str = typer.Argument(..., help=PROJECT_HELP),
              name: str = typer.Argument(None, help="Name of the copy (default: '<name> (copy)')."),
              workspace: Path = _WORKSPACE, as_json: bool = _JSON) -> None:
    """Copy a project with its data and finished runs."""
    _use(workspace)
    out = api.duplicate_project(api.project_id(project), name)
    if as_json:
        return emit_json(out)
    console.print(f"Copied {project} to [bold]{out['name']}[/bold] (id {out['id']})")


@app.command()
@friendly
def delete(project: str = typer.Argument(..., help=PROJECT_HELP),
           workspace: Path = _WORKSPACE, as_json: bool = _JSON) -> None:
    """Move a project to the trash (undo with `layerlab restore`)."""
    _use(workspace)
    out = api.delete_project(api.project_id(project))
    if as_json:
        return emit_json(out)
    console.print(f"Moved {project} to the trash. Undo with: layerlab restore {out['project_id']}")


@app.command("trash")
@friendly
def trash_cmd(empty: bool = typer.Option(False, "--empty", help="Delete everything in the trash for good."),
              workspace: Path = _WORKSPACE, as_json: bool = _JSON) -> None:
    """List the deleted projects (or empty the trash with --empty)."""
    _use(workspace)
    if empty:
        n = api.empty_trash()
        return emit_json({"deleted": n}) if as_json else console.print(f"Deleted {n} project(s) for good.")
    rows = api.trash()
    if as_json:
        return emit_json(rows)
    if not rows:
        console.print("The trash is empty.")
        return
    t = Table("project", "name", "deleted", "trash id", title="Trash")
    for r in rows:
        t.add_row(r["project_id"], r["name"], datetime.fromtimestamp(r["deleted"]).strftime("%Y-%m-%d %H:%M"), r["id"])
    console.print(t)
    console.print("Restore one with: layerlab restore PROJECT")


@app.command()
@friendly
def restore(project: str = typer.Argument(..., help="Project id (or trash id) from `layerlab trash`."),
            name: str = typer.Option(None, "--name", help="Restore under this name."),
            workspace: Path = _WORKSPACE, as_json: bool = _JSON) -> None:
    """Bring a project back from the trash (under its old id when that is free)."""
    _use(workspace)
    out = api.restore_project(project, name)
    if as_json:
        return emit_json(out)
    console.print(f"Restored [bold]{out['name']}[/bold] (id {out['id']})")


@app.command()
@friendly
def pack(project: str = typer.Argument(..., help=PROJECT_HELP),
         out: Path = typer.Option(None, "--out", "-o", help="File to write (default: ./<id>.layerlab)."),
         run: str = typer.Option(None, "--run", help="Which run's weights (default: the one predict uses)."),
         workspace: Path = _WORKSPACE, as_json: bool = _JSON) -> None:
    """Write a project as one .layerlab file: spec, its own data, and one run's weights."""
    _use(workspace)
    result = api.pack_project(project, out, run)
    if as_json:
        return emit_json(result.to_dict())
    size = result.path.stat().st_size / 1024
    console.print(f"Wrote {result.path} ({size:,.0f} kB, {result.files} files"
                  + (f", weights of run {result.run_id})" if result.run_id else ", no trained run)"))
    for s in result.skipped:
        console.print(f"[yellow]Left out[/yellow] {s['name']}: {s['reason']}", markup=True)


@app.command()
@friendly
def unpack(file: Path = typer.Argument(..., help="A .layerlab file."),
           name: str = typer.Option(None, "--name", help="Name of the opened project (default: the file's)."),
           workspace: Path = _WORKSPACE, as_json: bool = _JSON) -> None:
    """Open a .layerlab file as a new project in the workspace (never overwrites one)."""
    _use(workspace)
    out = api.unpack_project(file, name)
    if as_json:
        return emit_json(out)
    console.print(f"Opened [bold]{out['name']}[/bold] as {out['folder']}")
    console.print(f"Next: layerlab summary {out['folder']}")
