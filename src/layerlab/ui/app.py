"""Assemble the studio: static assets from the package and every page in layerlab.ui.pages.

Each module in `layerlab/ui/pages/` registers its routes with `@ui.page` when it is
imported. `setup()` (re)loads them, because NiceGUI's test harness clears the routes
between tests; calling it twice in one process is therefore safe.
"""
from __future__ import annotations

import importlib
import mimetypes
import pkgutil
import sys
from pathlib import Path

from nicegui import app

from . import pages
from .runtime_files import serve

STATIC = Path(__file__).parent / "static"
STATIC_URL = "/layerlab-static"
# The in-browser runtime (static/ort) is an ES module plus WebAssembly: with nosniff the browser
# refuses them under any other type, and some systems' mime tables lack these two.
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("application/wasm", ".wasm")


def page_modules() -> list[str]:
    """Dotted names of every page module, in a stable order."""
    return [f"{pages.__name__}.{m.name}" for m in sorted(pkgutil.iter_modules(pages.__path__), key=lambda m: m.name)]


def setup() -> None:
    """Serve the bundled assets and register every page (idempotent)."""
    serve(STATIC_URL)   # the runtime's 15 MB WebAssembly, compressed once rather than per request
    app.add_static_files(STATIC_URL, STATIC)
    for name in page_modules():
        if name in sys.modules:
            importlib.reload(sys.modules[name])  # re-run its @ui.page decorators
        else:
            importlib.import_module(name)
