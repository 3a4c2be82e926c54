"""The command line, mirroring the facade. Each module here adds its commands to `app`.

    layerlab examples            list the built-in examples
    layerlab new DIR --example digits
    layerlab summary DIR         shapes and parameters per layer
"""
from __future__ import annotations

import importlib
import pkgutil

from .common import app

for _mod in pkgutil.iter_modules(__path__):
    if _mod.name != "common":
        importlib.import_module(f"{__name__}.{_mod.name}")


def main() -> None:
    """Entry point of the `layerlab` command."""
    app()


__all__ = ["app", "main"]
