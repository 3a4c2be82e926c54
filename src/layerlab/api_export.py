"""Export formats and TF.js import as the studio and the CLI use them (they import only the facade).

`get_format(name)` is one registered export format (a SpecError listing the valid ones for another
name), `format_names()` every format's name in the order they are offered; `import_tfjs` makes a
project from a TF.js Layers model on disk, `import_tfjs_upload` from uploaded files (model.json with
its .bin shards, or one .zip). Writing a file in a format is `Project.export(fmt, out)`.

>>> format_names()[:2], get_format("onnx").file_name("digits")
(['onnx', 'onnx_int8'], 'digits.onnx')
"""
from __future__ import annotations

from pathlib import Path

from .export.formats import get_format
from .export.formats import names as format_names


def import_tfjs(path: str | Path, out_dir: str | Path, name: str | None = None) -> Path:
    """A new project (with the model's weights as a run) in out_dir from a TF.js model.json or its folder."""
    from .export.tfjs_import import import_tfjs as run  # start-up time: the TF.js reader loads for an import only
    return run(path, out_dir, name=name)


def import_tfjs_upload(files: dict[str, bytes], out_dir: str | Path, name: str | None = None) -> Path:
    """A new project in out_dir from uploaded TF.js files (name -> bytes); nothing is written on failure."""
    from .export.tfjs_upload import import_tfjs_upload as run  # start-up time: as import_tfjs
    return run(files, out_dir, name=name)


__all__ = ["format_names", "get_format", "import_tfjs", "import_tfjs_upload"]
