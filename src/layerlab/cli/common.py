"""What every command shares: the Typer app, the console, and errors printed without a traceback."""
from __future__ import annotations

import csv
import functools
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

import typer
from rich.console import Console

from .. import api
from ..i18n import Text, msg
from ..api_errors import SpecError

app = typer.Typer(help="LayerLab: design, debug, train and test neural networks without code.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


PROJECT_HELP = "Project folder, or project id in the workspace (LAYERLAB_HOME, or --workspace)."
WORKSPACE = typer.Option(None, "--workspace", help="Folder of your projects (default: LAYERLAB_HOME or "
                                                   "~/.layerlab/projects).")


def use_workspace(workspace: Path | None) -> None:
    """--workspace DIR: this command's projects live in DIR (as LAYERLAB_HOME=DIR would say)."""
    if workspace is not None:
        os.environ["LAYERLAB_HOME"] = str(workspace)


def open_project(ref: str, workspace: Path | None = None) -> api.Project:
    """The project a command names, by folder (or its project.json) or by workspace id: api.project_folder,
    the one resolver every command uses; neither is a four-part error listing the workspace's ids."""
    use_workspace(workspace)
    return api.load(api.project_folder(ref))


def print_spec_error(e: SpecError) -> None:
    """The four parts of an error, readable, on stderr."""
    where = f"[bold]{e.path}[/bold]: " if e.path else ""
    err_console.print(f"[red]Error:[/red] {where}{e.message}", markup=True)
    if e.has_received:
        quoted = isinstance(e.received, str) and not isinstance(e.received, Text)  # a Text describes, not quotes
        err_console.print(f"  Received: {e.received!r}" if quoted else f"  Received: {e.received}", markup=False)
    if e.hint:
        err_console.print(f"  Fix: {e.hint}", markup=False)
    for f in e.fixes:
        err_console.print(f"  Offered fix: {f.description}  (apply with `layerlab fix`)", markup=False)


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: SpecError and a bad file print cleanly (what, where, fix) and exit with status 2."""
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SpecError as e:
            _report(e, kwargs)
        except OSError as e:  # a missing file, a folder given for a file, no permission, a full disk
            _report(SpecError(str(e.filename or ""), msg("cannot use this file: {reason}",
                                                         reason=e.strerror or type(e).__name__),
                              hint=msg("check the path and the file's permissions")), kwargs)
        except (UnicodeError, RecursionError, json.JSONDecodeError, csv.Error) as e:  # a file no reader caught
            kind = "CSV" if isinstance(e, csv.Error) else type(e).__name__
            _report(SpecError("", msg("a file could not be read ({kind})", kind=kind), str(e)[:120],
                              msg("save the file again as UTF-8 text in the expected format")), kwargs)
    return wrapper


def _report(e: SpecError, kwargs: dict[str, Any]) -> None:
    if kwargs.get("as_json"):
        print(json.dumps({"error": e.to_dict()}))
    else:
        print_spec_error(e)
    raise typer.Exit(2) from None


def emit_json(obj: Any) -> None:
    """One JSON document on stdout."""
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
