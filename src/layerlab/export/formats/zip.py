"""Everything in one ZIP with a README (export/bundle.py): each format that fits the model, at its
`bundle_path`; what does not fit is left out and the README says why."""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ...i18n import Text, msg
from ..bundle import export_zip
from ..common import Exported
from . import ExportFormat, get_format, register, run_onnx_file


@register
class Zip(ExportFormat):
    name = "zip"
    order = 1000   # last: it holds the others
    label = msg("Everything (.zip)")
    description = msg("Everything above in one ZIP, with a README.")
    suffix = ".zip"
    bundle_path = None
    snippet_language = "bash"
    partial = True   # a format that does not fit is left out (and named in the README), not refused
    standalone = True   # verify() runs its model.onnx, which takes raw inputs

    def snippet(self, file: str, shape: str, shape_tf: str) -> Text:
        return msg("unzip {file}   # then read README.md: one section per file", file=file)

    def blockers(self, kinds: list[str], layers: list[dict[str, Any]]) -> list[Text]:
        return get_format("onnx").blockers(kinds, layers)   # the Export page's warning: its main file

    def write(self, src: Exported, out: Path, project: Any = None) -> dict[str, Any]:
        return export_zip(src, out, project)

    def verify(self, path: Path, sample: np.ndarray) -> np.ndarray:
        """The bundle's model.onnx, in onnxruntime."""
        with zipfile.ZipFile(path) as z:
            data = z.read(str(get_format("onnx").bundle_path))
        return run_onnx_file(data, sample)
