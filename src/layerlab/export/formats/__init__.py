"""The export formats: each one file in this package that declares everything about its format.

A format is an `ExportFormat` registered in `EXPORTS`: its name (what `--format` takes), label,
one-line description and usage snippet (Texts: German through the catalogues), file suffix, path
inside the ZIP bundle, the reasons a model cannot take it (`blockers`), `write(src, out, project)`
and `verify(path, sample)` (loads the written file and computes outputs; a format that cannot
be loaded outside its own tools says why in `no_verify`). The facade, the bundle, the CLI and the
studio's Export page read the registry: adding a format is adding a module here (or a
`layerlab.exports` entry point of another package). `conformance.check_export_format` checks one.
Every format module loads with `layerlab --help` and the studio: it imports its writer at the top
unless that writer is slow to import (the script's, TF.js'), then inside `write` with a start-up-time note.

>>> [f.name for f in formats()][:3], get_format("onnx").file_name("digits")
(['onnx', 'onnx_int8', 'torchscript'], 'digits.onnx')
>>> get_format("safetensors").file_name("digits"), get_format("safetensors").bundle_path
('digits_weights', 'weights')
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ...i18n import Text, msg
from ...layers import load_all
from ...spec.errors import SpecError
from ...spec.params import closest
from ...spec.registry import Registry
from ..common import TOLERANCE, Exported, join_reasons
from ..describe import snippet
from ..onnx_core import session
from ..standalone import is_standalone


class ExportFormat:
    """Base of every export format. Subclasses set the class attributes and override methods."""

    name: ClassVar[str]
    order: ClassVar[int] = 100           # place in lists (the CLI's help, the Export page, the bundle)
    label: ClassVar[str] = ""            # a msg() Text: "Weights (.safetensors + JSON)"
    description: ClassVar[str] = ""      # a msg() Text: one line on the Export page
    suffix: ClassVar[str] = ""           # the file's ending; "" for a format that writes a folder
    bundle_path: ClassVar[str | None] = None   # its path inside the ZIP bundle (None: not in it)
    snippet_language: ClassVar[str] = "python"
    standalone: ClassVar[bool] = False   # takes raw inputs, preprocessing inside (for a project's model)
    sample_snippet: ClassVar[bool] = False   # its snippet can feed the project's first validation sample
    sample_runtime: ClassVar[str] = "torch"  # what that snippet feeds: "onnx" (numpy to `sess`) or "torch"
    approximate: ClassVar[bool] = False  # outputs differ from PyTorch by design (int8): not in max_diff
    partial: ClassVar[bool] = False      # writes what fits and says what it left out: blockers only warn
    tolerance: ClassVar[float] = TOLERANCE   # largest difference verify() may show against LayerLab
    no_verify: ClassVar[str] = ""        # a msg() Text: why verify() cannot load the file ("" when it can)

    @property
    def folder(self) -> bool:
        """Whether the format writes a folder (no suffix) rather than one file."""
        return not self.suffix

    def file_name(self, stem: str) -> str:
        """The name a download or CLI export of a project named stem gets: 'stem.onnx', 'stem_weights'."""
        return f"{stem}{self.suffix}" if self.suffix else f"{stem}_{self.bundle_path or self.name}"

    def snippet(self, file: str, shape: str, shape_tf: str) -> Text:
        """How to load the written file (the Export page's "How to use it"): a msg() Text."""
        raise NotImplementedError

    def sample_loader(self, file: str) -> list[str]:
        """The first lines of the sample snippet (describe.snippet): imports, load the file as `sess` (onnx)
        or `model` (torch), and its metadata as `meta`."""
        raise NotImplementedError

    def readme(self, src: Exported, shape: str, report: dict[str, Any]) -> str:
        """The bundle README's section on this format's file (English, like the README): a standalone
        file of a project's model shows its project's first validation sample going through it."""
        if self.sample_snippet and is_standalone(src):
            return f"{self.title}\n```python\n{snippet(src, self, str(self.bundle_path))}\n```{self.readme_note}"
        return self.plain_readme(shape)

    title: ClassVar[str] = ""            # the README section's heading
    readme_note: ClassVar[str] = ""      # a line under a standalone file's README code

    def readme_table_note(self, report: dict[str, Any]) -> str:
        """A line the bundle README puts under its table of files ('' for none)."""
        return ""

    def plain_readme(self, shape: str) -> str:
        """The README section for a bare network's file (input shape written into the code)."""
        raise NotImplementedError

    def blockers(self, kinds: list[str], layers: list[dict[str, Any]]) -> list[Text]:
        """Why a model with these layer kinds (spec layers for settings that matter) cannot take this
        format: 'kind: reason' Texts; empty when it can."""
        return []

    def write(self, src: Exported, out: Path, project: Any = None) -> dict[str, Any]:
        """Write src to out (a file, or a folder when `folder`), checked against PyTorch; the report.

        project: what the export was made from (`layerlab.api.Project`); only formats that read the
        project's raw data (the script) or export others (the bundle) use it, through `spec` and `dir`.
        """
        raise NotImplementedError

    def verify(self, path: Path, sample: np.ndarray) -> np.ndarray:
        """Load the written file with the format's own tools and compute its outputs for sample (the
        input the file takes: raw inputs for a standalone file of a project's model)."""
        raise NotImplementedError(str(self.no_verify))

    def cli_lines(self, report: dict[str, Any]) -> list[str]:
        """What `layerlab export` prints about the report after the file's name and size."""
        if report.get("max_diff") is None:
            return []
        return [f"Checked against PyTorch: largest difference {report['max_diff']:.2g}"]

    def summary(self, report: dict[str, Any], human: Any) -> Text | None:
        """The Export page's line after a download (None: the common 'size — checked' line)."""
        return None


def _unknown_hint(close: str | None, listing: str) -> Text:
    return (msg("did you mean {close!r}? Formats: {listing}", close=close, listing=listing) if close
            else msg("Formats: {listing}", listing=listing))


EXPORTS: Registry[ExportFormat] = Registry(
    "export format", msg("is not an export format"), _unknown_hint, package=__name__, path="format", fixable=False,
    group="layerlab.exports")
register = EXPORTS.register


def formats() -> list[ExportFormat]:
    """Every registered format, in its declared order."""
    return sorted(EXPORTS.load().values(), key=lambda f: (f.order, f.name))


def names() -> list[str]:
    """The format names, in order (what `--format` takes)."""
    return [f.name for f in formats()]


def get_format(name: str) -> ExportFormat:
    """The format called name, or a SpecError listing the valid ones in order (closest first)."""
    entries = EXPORTS.load()
    if isinstance(name, str) and name in entries:
        return entries[name]
    listing = names()
    raise SpecError("format", EXPORTS.unknown, name, _unknown_hint(closest(str(name), listing), ", ".join(listing)))


def file_stem(project_name: str) -> str:
    """The stem of a project's export files: its name with anything but letters, digits, - and _ as _."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in project_name) or "model"


def onnx_blockers(kinds: list[str]) -> list[Text]:
    """The layer kinds ONNX refuses, with their reasons (for the formats built on an ONNX file)."""
    registry = load_all()
    out = []
    for k in dict.fromkeys(kinds):
        kind = registry.get(k)
        if kind is not None and not kind.exportable:
            out.append(msg("{kind}: {reason}", kind=k, reason=kind.export_note or msg("cannot be exported to ONNX")))
    return out


def run_onnx_file(path: Path | bytes, sample: np.ndarray) -> np.ndarray:
    """An ONNX file's first output for sample, in onnxruntime (one input: the sample)."""
    sess = session(path)
    return np.asarray(sess.run(None, {sess.get_inputs()[0].name: sample})[0], np.float32)


def run_torch_module(module: Any, sample: np.ndarray) -> np.ndarray:
    """A loaded torch module's outputs for sample, without gradients."""
    import torch
    with torch.no_grad():
        return module(torch.from_numpy(np.ascontiguousarray(sample))).float().numpy()


def check_format(fmt: str) -> str:
    """The format name, or a SpecError listing the valid ones."""
    return get_format(fmt).name


def blockers(kinds: list[str], fmt: str, layers: list[dict[str, Any]] | None = None) -> list[Text]:
    """Why a model with these layer kinds (and spec layers, for settings that matter) cannot be exported as fmt.

    'kind: reason' Texts; empty when it can.
    """
    return get_format(fmt).blockers(kinds, list(layers or []))


def export_to(src: Exported, fmt: str, out: Path, project: Any = None) -> dict[str, Any]:
    """Write src in the format to out (project: for the formats that read its data or export others)."""
    report = get_format(fmt).write(src, Path(out), project)
    report["run_id"] = src.meta.get("run_id")
    report["trained"] = src.meta.get("trained", False)
    report["weights_note"] = src.meta.get("weights_note") or ""
    return report


def format_table(layers: list[dict[str, Any]], project_name: str, input_shape: Any = None) -> list[dict[str, Any]]:
    """Each format for a project's model: format, label, suffix, why it is blocked (None when it is not),
    and for the Export page its description, download file name, usage snippet (Texts) and `summary`
    (report, size formatter) -> the line after a download, or None for the common one.

    input_shape: a callable giving the network's input shape (a SpecError leaves '...' in the snippets).
    """
    kinds = [str(layer.get("type")) for layer in layers]
    try:
        dims = tuple(input_shape()) if input_shape is not None else None
    except SpecError:
        dims = None
    shape = ", ".join(map(str, dims)) if dims is not None else "..."
    shape_tf = ", ".join(map(str, (*dims[1:], dims[0]) if len(dims) == 3 else dims)) if dims is not None else "..."
    stem = file_stem(project_name)
    out = []
    for f in formats():
        file = f.file_name(stem)
        out.append({"format": f.name, "label": f.label, "suffix": f.suffix,
                    "blocked": join_reasons(f.blockers(kinds, layers)) or None,
                    "description": f.description, "file": file, "sample_snippet": f.sample_snippet,
                    "language": f.snippet_language, "snippet": f.snippet(file, shape, shape_tf),
                    "summary": f.summary})
    return out
