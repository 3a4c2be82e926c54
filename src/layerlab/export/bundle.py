"""A ZIP bundle of every format that fits the model, with a README.md that shows how to use each file.

A format the model cannot take (e.g. TF.js for a GRU) is left out and the README says why;
every file inside was verified against PyTorch when it was written. The ONNX, int8, TorchScript
and .pt2 files of a project take raw inputs (standalone.py); the weights, the script and TF.js
keep the network's own input, scaled as weights/preprocessing.json says.
"""
from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from ..spec.errors import SpecError
from ..store import atomic
from .common import Exported, join_reasons
from .describe import describe
from .formats import export_to, formats
from .standalone import is_standalone


def parts() -> list[Any]:
    """The formats that go into the bundle (those with a `bundle_path`), in the registry's order."""
    return [f for f in formats() if f.bundle_path]


def export_zip(src: Exported, out: str | Path, project: Any = None) -> dict[str, Any]:
    """Export every format that fits into one ZIP with a README.md; returns the per-format reports."""
    out = Path(out)
    shape = ", ".join(str(d) for d in src.input_shape)
    reports: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as d, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for part in parts():
            fmt, inner = part.name, str(part.bundle_path)
            why = join_reasons(part.blockers(src.kinds(), list(src.meta.get("layers") or [])))
            if why:
                skipped[fmt] = why
                continue
            try:
                reports[fmt] = export_to(src, fmt, Path(d) / inner, project)
            except SpecError as e:  # one format failing must not cost the user the others
                skipped[fmt] = str(e)
        for path in sorted(Path(d).rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(d).as_posix())
        z.writestr("README.md", readme(src, reports, skipped, shape))
        z.writestr("export_report.json", json.dumps({"reports": reports, "skipped": skipped}, indent=2, default=str))
    data = buf.getvalue()
    atomic.write_bytes(out, data)
    return {"format": "zip", "path": str(out), "size": len(data), "parts": sorted(reports), "skipped": skipped,
            "max_diff": max([reports[p.name].get("max_diff", 0.0) for p in parts()
                             if p.name in reports and not p.approximate] or [0.0])}


def readme(src: Exported, reports: dict[str, Any], skipped: dict[str, str], shape: str) -> str:
    """README.md of the bundle: what the model is, then how to use each file."""
    m = src.meta
    classes = m.get("classes")
    alone = [str(p.bundle_path) for p in parts() if p.sample_snippet]
    own = [str(p.bundle_path) for p in parts() if not p.standalone]   # weights, model.npz, train.py, tfjs
    inputs = ([f"Input of {', '.join(alone[:-1])} and {alone[-1]}: what you have, unscaled — "
               + "; ".join(f"`{i['name']}` {i['dtype']} ({', '.join(map(str, i['shape']))})"
                          for i in describe(src, "onnx")["inputs"])
               + ". The scaling, missing-value fills and text encoding the run learned are inside; the metadata "
               "(ONNX `metadata_props`, the torch files' extra file `layerlab.json`) lists the classes, the input "
               "columns and the preprocessing (for pictures: size, fit and channels to resize to first).",
               f"Input of the {', '.join(own[:-1])} and {own[-1]}: the network's own input (N, {shape}) float32 "
               "(channels first, except TF.js), scaled as weights/preprocessing.json says."]
              if is_standalone(src) else
              [f"Input: a batch of shape (N, {shape}) float32 (channels first for images), scaled as "
               "weights/preprocessing.json says."])
    lines = [f"# {m.get('name', 'model')} — exported from LayerLab", "", *inputs,
             "Output: " + ("probabilities of the classes " + ", ".join(map(str, classes)) if classes
                           else "the predicted values") + ".",
             f"Weights: {'run ' + str(m.get('run_id')) if m.get('trained') else 'untrained (no run yet)'}"
             + (f" ({m['weights_note']})." if m.get("trained") and m.get("weights_note") else "."), "",
             "Every file was checked when it was written (largest differences below): "
             + ("the ONNX and torch files against LayerLab's own predictions on the same raw inputs, the others "
                "against PyTorch." if is_standalone(src) else "against PyTorch on the same inputs."), "", "| file | size | largest difference |", "|---|---|---|"]
    for part in parts():
        if part.name in reports:
            r = reports[part.name]
            lines.append(f"| {part.bundle_path} | {r.get('size', 0):,} bytes | {r.get('max_diff', 0.0):.2g} |")
    for part in parts():
        note = part.readme_table_note(reports[part.name]) if part.name in reports else ""
        if note:
            lines += ["", note]
    lines.append("")
    for part in parts():
        if part.name in reports:
            lines += [part.readme(src, shape, reports[part.name]), ""]
    if skipped:
        lines += ["## Not included", ""] + [f"- {fmt}: {why}" for fmt, why in skipped.items()] + [""]
    return "\n".join(lines)

