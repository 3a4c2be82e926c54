"""`check_export_format(fmt)`: what every export format must do, checked on a small real project.

Like scikit-learn's check_estimator for export formats: the format writes the project's model
into a temp folder, and the check asks of it what the facade, the bundle, the CLI and the Export
page rely on: the file (or folder) has the declared suffix and is not empty, the format's own
verifier loads it and gets LayerLab's outputs (or the format says why it has no verifier), its
blockers are messages, its label, description and usage snippet read German too, and it sits
in the bundle at a path of its own. Run over the whole registry by
tests/export/test_export_conformance.py; a plug-in format from another package checks itself
the same way.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.build import build_network
from ..i18n import Text, catalog
from ..layers import load_all
from .common import Exported, check_close, from_network, torch_outputs
from .formats import ExportFormat, formats, get_format
from .standalone import is_standalone, raw_inputs, reference


@dataclass
class Checked:
    """What check_export_format found: the written path, its report, the verifier's largest difference
    (None where the format has no verifier) and the problems (empty when the format conforms)."""

    fmt: str
    path: Path | None = None
    report: dict[str, Any] = field(default_factory=dict)
    max_diff: float | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _german(problems: list[str], what: str, text: Any) -> None:
    """text must be a msg() Text whose template has a German catalogue entry."""
    if not isinstance(text, Text):
        problems.append(f"{what} is not a msg() Text (the studio cannot show it in German): {text!r}")
    elif text.template not in catalog("de"):
        problems.append(f"{what} has no German entry in the catalogues: {text.template!r}")


def sample_of(fmt: ExportFormat, src: Exported) -> tuple[np.ndarray, np.ndarray]:
    """(the input the format's file takes, the outputs LayerLab gives for it): raw inputs and LayerLab's
    own predictions for a standalone file of a project's model, else the network's input and outputs."""
    if fmt.standalone and is_standalone(src):
        raw = np.asarray(raw_inputs(src, odd_rows=False), np.float32)
        return raw, reference(src, raw)
    x = src.example
    return x.numpy(), torch_outputs(src, x)


def check_export_format(fmt: str | ExportFormat, src: Exported | None = None, project: Any = None,
                        folder: Path | None = None) -> Checked:
    """Write src (default: `small_source()`) in fmt under folder (default: a temp dir) and check the written
    file and the format's declarations; the problems found are in the result. project: what src came
    from (`layerlab.api.Project`), for the formats that read its data."""
    form = get_format(fmt) if isinstance(fmt, str) else fmt
    out = Checked(form.name)
    p = out.problems
    # declarations
    for what in ("label", "description"):
        _german(p, f"{form.name}: {what}", getattr(form, what))
    _german(p, f"{form.name}: snippet", form.snippet(form.file_name("model"), "4", "4"))
    if form.no_verify:
        _german(p, f"{form.name}: no_verify", form.no_verify)
    if form.suffix and not form.suffix.startswith("."):
        p.append(f"{form.name}: suffix {form.suffix!r} does not start with a dot")
    if form.bundle_path is not None:
        if any(f.bundle_path == form.bundle_path and f.name != form.name for f in formats()):
            p.append(f"{form.name}: bundle path {form.bundle_path!r} is used by another format too")
        if form.suffix and not str(form.bundle_path).endswith(form.suffix):
            p.append(f"{form.name}: bundle path {form.bundle_path!r} does not end in its suffix {form.suffix!r}")
    kinds = sorted(load_all())
    reasons = form.blockers(kinds, [{"type": k} for k in kinds])
    if not isinstance(reasons, list) or not all(isinstance(r, Text) for r in reasons):
        p.append(f"{form.name}: blockers must be a list of msg() Texts, got {reasons!r}")
    else:
        for r in reasons:
            _german(p, f"{form.name}: blocker", r)
    # the written file
    if src is None:
        src = small_source()
    folder = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix=f"check-{form.name}-"))
    path = folder / form.file_name(str(src.meta.get("name") or "model"))
    out.path = path
    out.report = form.write(src, path, project)
    if form.folder:
        if not path.is_dir() or not any(f.stat().st_size for f in path.rglob("*") if f.is_file()):
            p.append(f"{form.name}: declares a folder, but {path} is not a folder with files in it")
    elif not path.is_file() or path.stat().st_size == 0:
        p.append(f"{form.name}: {path} is missing or empty")
    elif not path.name.endswith(form.suffix):
        p.append(f"{form.name}: {path.name} does not end in {form.suffix}")
    if not out.report.get("size"):
        p.append(f"{form.name}: the report gives no size: {out.report!r}")
    if form.no_verify:
        return out
    sample, expected = sample_of(form, src)
    try:
        got = form.verify(path, sample)
        out.max_diff = check_close(expected, got, f"the {form.name} file", src.kinds(), form.tolerance)
    except Exception as e:  # noqa: BLE001 - any failure to load or compute is the finding
        p.append(f"{form.name}: verify failed: {type(e).__name__}: {str(e)[:300]}")
    return out


def small_source() -> Exported:
    """A small untrained network on iris' four measurements (three classes), without a project folder."""
    layers = [{"type": "dense", "units": 8, "activation": "relu"},
              {"type": "dense", "units": 3, "activation": "softmax"}]
    doc = {"name": "small", "data": {"source": "iris"}, "model": {"layers": layers}}
    return from_network(build_network(layers, (4,), seed=0), layers, name="small", doc=doc, task="classification",
                        classes=["setosa", "versicolor", "virginica"])
