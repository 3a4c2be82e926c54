"""`layerlab classroom`: serve one studio to a whole class, each pupil in their own workspace."""
from __future__ import annotations

from pathlib import Path

import typer

from .common import app, err_console, friendly


@app.command()
@friendly
def classroom(host: str = typer.Option("0.0.0.0", "--host", help="Address to listen on (0.0.0.0: every network "
                                       "of this machine, so pupils' devices reach it)."),
              port: int = typer.Option(8765, "--port", min=1, max=65535, help="Port to listen on."),
              workspace: Path = typer.Option(None, "--workspace", help="Folder of the class: the teacher's "
                                             "projects, every pupil's, the class list (default ~/.layerlab/class)."),
              class_name: str = typer.Option("", "--class-name", help="Shown on the join page, e.g. 7b."),
              no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a browser tab."),
              https: bool = typer.Option(False, "--https", help="Serve over https with a certificate from a local "
                                         "authority made for this machine (phones need https for the camera)."),
              cert: Path = typer.Option(None, "--cert", help="A school's certificate (PEM) instead; with --key."),
              key: Path = typer.Option(None, "--key", help="The private key (PEM) of --cert.")) -> None:
    """Start a class server: prints the teacher's link, the class code and a QR code for pupils to join.

    LAYERLAB_TOKEN fixes the teacher's token and LAYERLAB_CLASS_CODE the class code (for scripts)."""
    from ..server import launch  # defers the studio, as in studio_cmds
    if workspace is not None and workspace.exists() and not workspace.is_dir():
        err_console.print(f"[red]Error:[/red] --workspace {workspace} is a file; give a folder", markup=True)
        raise typer.Exit(2)
    launch.run(host=host, port=port, workspace=workspace, open_browser=not no_browser, https=https, cert=cert,
               key=key, classroom={"name": class_name or None, "code": None})
