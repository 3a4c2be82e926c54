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
from .describe import describe, snippet
from .standalone import is_standalone

PARTS = [  # (format, path inside the zip)
    ("onnx", "model.onnx"), ("onnx_int8", "model.int8.onnx"), ("torchscript", "model.pt"), ("pt2", "model.pt2"),
    ("safetensors", "weights"), ("script", "train.py"), ("tfjs", "tfjs"), ("webpage", "webpage.html"),
]


TITLES = {"onnx": "### model.onnx — ONNX (any runtime: onnxruntime, OpenCV, ONNX.js, C#, Java)",
          "onnx_int8": "### model.int8.onnx — ONNX quantized to int8 (smaller, faster on CPUs)",
          "torchscript": "### model.pt — TorchScript (Python or C++ LibTorch, no LayerLab needed)",
          "pt2": "### model.pt2 — torch.export program (ExecuTorch, AOTInductor)"}


def _usage(fmt: str, shape: str, name: str, src: Exported | None = None) -> str:
    """The README section of one format; a self-contained file's shows its project's first validation sample."""
    if src is not None and is_standalone(src) and fmt in TITLES:
        inner = dict(PARTS)[fmt]
        code = snippet(src, fmt, inner)
        note = ("\nUsed like model.onnx; outputs differ slightly (see the accuracy change below)."
                if fmt == "onnx_int8" else "")
        return f"{TITLES[fmt]}\n```python\n{code}\n```{note}"
    return {
        "onnx": f"""### model.onnx — ONNX (any runtime: onnxruntime, OpenCV, ONNX.js, C#, Java)
```python
import numpy as np, onnxruntime as ort
sess = ort.InferenceSession("model.onnx")
probs = sess.run(None, {{"input": np.zeros((1, {shape}), np.float32)}})[0]   # batch size is free
```""",
        "onnx_int8": """### model.int8.onnx — ONNX quantized to int8 (smaller, faster on CPUs)
Used exactly like model.onnx; outputs differ slightly (see the accuracy change below).""",
        "torchscript": f"""### model.pt — TorchScript (Python or C++ LibTorch, no LayerLab needed)
```python
import torch
model = torch.jit.load("model.pt")
probs = model(torch.zeros(1, {shape}))
```""",
        "pt2": f"""### model.pt2 — torch.export program (ExecuTorch, AOTInductor)
```python
import torch
model = torch.export.load("model.pt2").module()
probs = model(torch.zeros(2, {shape}))
```""",
        "safetensors": f"""### weights/ — weights.safetensors with project.json, labels.json, preprocessing.json
```python
import layerlab
from safetensors.torch import load_file
net = layerlab.load("weights").build()            # the spec rebuilds the network
net.load_state_dict(load_file("weights/weights.safetensors")); net.eval()
```
labels.json maps output positions to class names; preprocessing.json says how inputs were scaled
(subtract `mean`, divide by `scale`) — apply it before any of the model files.""",
        "script": """### train.py — a standalone PyTorch script (torch, numpy, Pillow)
```bash
python train.py                  # trains with the same hyper-parameters, prints validation accuracy
python train.py --predict x.png  # predicts with the weights it saved
```""",
        "tfjs": """### tfjs/ — TensorFlow.js Layers model (runs in the browser, like asanAI's models)
```js
const model = await tf.loadLayersModel('tfjs/model.json');
const probs = model.predict(tf.tensor(pixels, [1, H, W, C]));   // images channels-last
```
Serve the folder over HTTP (e.g. `python -m http.server`).""",
        "webpage": """### webpage.html — the model with a live demo in one web page (works offline)
Open it in a browser (double-click): camera, drawing or a form, depending on the model; no internet,
no server, no install (onnxruntime-web and model.onnx are inside). It checks itself on a sample of the
project when it opens. Programs: `await layerlab.ready; await layerlab.run(values)` in its console.""",
    }[fmt]


def export_zip(src: Exported, out: str | Path, project: Any = None) -> dict[str, Any]:
    """Export every format that fits into one ZIP with a README.md; returns the per-format reports."""
    from .facade import blockers, export_to
    out = Path(out)
    shape = ", ".join(str(d) for d in src.input_shape)
    reports: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as d, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for fmt, inner in PARTS:
            why = join_reasons(blockers(src.kinds(), fmt, src.meta.get("layers")))
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
            "max_diff": max([r.get("max_diff", 0.0) for f, r in reports.items() if f != "onnx_int8"] or [0.0])}


def readme(src: Exported, reports: dict[str, Any], skipped: dict[str, str], shape: str) -> str:
    """README.md of the bundle: what the model is, then how to use each file."""
    m = src.meta
    classes = m.get("classes")
    inputs = (["Input of model.onnx, model.int8.onnx, model.pt and model.pt2: what you have, unscaled — "
               + "; ".join(f"`{i['name']}` {i['dtype']} ({', '.join(map(str, i['shape']))})"
                          for i in describe(src, "onnx")["inputs"])
               + ". The scaling, missing-value fills and text encoding the run learned are inside; the metadata "
               "(ONNX `metadata_props`, the torch files' extra file `layerlab.json`) lists the classes, the input "
               "columns and the preprocessing (for pictures: size, fit and channels to resize to first).",
               f"Input of the weights, train.py and tfjs: the network's own input (N, {shape}) float32 "
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
    for fmt, inner in PARTS:
        if fmt in reports:
            r = reports[fmt]
            lines.append(f"| {inner} | {r.get('size', 0):,} bytes | {r.get('max_diff', 0.0):.2g} |")
    q = reports.get("onnx_int8")
    if q and "accuracy_change" in q:
        lines += ["", f"int8: {q['size']:,} bytes ({q['size_ratio']:.0%} of float); validation accuracy "
                  f"{q['float_accuracy']:.4f} → {q['int8_accuracy']:.4f} ({q['accuracy_change']:+.4f})."]
    lines.append("")
    for fmt, _ in PARTS:
        if fmt in reports:
            lines += [_usage(fmt, shape, m.get("name", "model"), src), ""]
            if fmt == "tfjs":
                lines[-1:] = [_reimport(Path(reports[fmt]["path"])), ""]
    if skipped:
        lines += ["## Not included", ""] + [f"- {fmt}: {why}" for fmt, why in skipped.items()] + [""]
    return "\n".join(lines)


def _reimport(folder: Path) -> str:
    """Whether `layerlab import` brings the TF.js model back, tried on the written files (not promised blindly)."""
    from .tfjs_import import network_from_tfjs
    try:
        network_from_tfjs(folder)
    except SpecError as e:
        return (f"LayerLab cannot import this TF.js model back ({e}); continue from the LayerLab project "
                "(or weights/) instead.")
    return ("`layerlab import tfjs/model.json --out DIR` brings it back into LayerLab as a project "
            "(tried on these files: the imported model computes the same).")
