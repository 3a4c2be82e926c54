"""The facade's error types, for the studio, the CLI and the server (which import only the facade).

A light module: it loads the spec's errors and nothing heavy, so `layerlab --help` stays quick.

>>> from layerlab.api_errors import SpecError
>>> print(SpecError("model.layers[0].units", "must be at least 1", 0, "use 1 or more"))
model.layers[0].units: must be at least 1. Received: 0. Fix: use 1 or more
"""
from __future__ import annotations

from .spec.errors import Fix, SpecError

__all__ = ["Fix", "SpecError"]
