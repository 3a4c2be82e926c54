"""`layerlab studio`: start the browser studio."""
from __future__ import annotations

from pathlib import Path

import typer

from .common import app, err_console, friendly


@app.command()
@friendly
def studio(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for a class server)."),
           port: int = typer.Option(8765, "--port", min=1, max=65535, help="Port to listen on."),
           workspace: Path = typer.Option(None, "--workspace", help="Folder of your projects (default: LAYERLAB_HOME "
                                          "or ~/.layerlab/projects)."),
           no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a browser tab."),
           no_auth: bool = typer.Option(False, "--no-auth", help="Serve without the access token (prints a warning; "
                                        "only on a machine nobody else can reach)."),
           https: bool = typer.Option(False, "--https", help="Serve over https with a certificate from a local "
                                      "authority made for this machine (phones need https for the camera)."),
           cert: Path = typer.Option(None, "--cert", help="A school's certificate (PEM) instead; with --key."),
           key: Path = typer.Option(None, "--key", help="The private key (PEM) of --cert.")) -> None:
    """Start the studio in your browser (prints the URL with its access token)."""
    from ..server import launch  # defers the studio: fastapi and the server load for `layerlab studio` only
    if workspace is not None and workspace.exists() and not workspace.is_dir():
        err_console.print(f"[red]Error:[/red] --workspace {workspace} is a file; give a folder", markup=True)
        raise typer.Exit(2)
    launch.run(host=host, port=port, workspace=workspace, open_browser=not no_browser, no_auth=no_auth,
               https=https, cert=cert, key=key)
