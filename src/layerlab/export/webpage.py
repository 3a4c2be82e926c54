"""Export -> Web page: ONE self-contained HTML file with the model, the runtime and a live demo.

A pupil opens the file from disk (file://, no server, no network) on any device with a current
browser: the self-contained ONNX file (onnx_front: raw inputs in, probabilities out, metadata
inside) runs in onnxruntime-web's WebAssembly build, vendored in the studio's static files
(ui/static/ort). Everything is inlined as base64 in inert `<script type="text/plain">` blocks:
the runtime's two ES modules are imported from blob: URLs, the .wasm (gzip-compressed, about a
quarter of its size) is unpacked with the browser's DecompressionStream and handed to the
runtime as bytes, so nothing is fetched at all. The demo (web/page.js) builds itself from the
metadata: camera, drawing and picture upload for pictures (resized as the metadata says), a form
for tables (numbers and text columns), number fields for other inputs; English or German by the
browser's language.

The ONNX bytes are the ones the ONNX format writes, verified in onnxruntime against LayerLab's
own predictions before the page is written; the browser test checks the page itself.
"""
from __future__ import annotations

import base64
import functools
import gzip
import html
import json
from pathlib import Path
from typing import Any

from ..i18n import msg
from ..spec.errors import SpecError
from ..store import atomic
from .common import Exported, not_exportable, torch_outputs
from .describe import _png_base64, describe
from .onnx_export import onnx_file, verify_onnx
from .standalone import as_rows, is_standalone, pixels, preprocessing, raw_inputs, reference

WEB = Path(__file__).with_name("web")
# the runtime is vendored once, for the studio's Test page and for these pages (static files, not code)
STATIC = Path(__file__).resolve().parent.parent / "ui" / "static"
RUNTIME = STATIC / "ort"
RUNTIME_FILES = {"ort": "ort.wasm.min.mjs", "glue": "ort-wasm-simd-threaded.mjs", "wasm": "ort-wasm-simd-threaded.wasm"}
ONDEVICE = STATIC / "ondevice" / "model.js"   # the Test page's model module: the same preprocessing, bit for bit


def runtime_version() -> str:
    """The vendored onnxruntime-web version (from its README), '' when unknown."""
    try:
        text = (RUNTIME / "README.md").read_text(encoding="utf-8")
    except OSError:
        return ""
    import re
    m = re.search(r"\*\*(\d+\.\d+\.\d+)\*\*", text)
    return m.group(1) if m else ""


def _runtime_blobs() -> dict[str, str]:
    """base64 of the runtime's files (the .wasm gzip-compressed); a clear error when they are missing."""
    paths = [RUNTIME / n for n in RUNTIME_FILES.values()] + [ONDEVICE]
    return _blobs(tuple(p.stat().st_mtime_ns if p.exists() else 0 for p in paths))


@functools.lru_cache(maxsize=1)
def _blobs(stamp: tuple[int, ...]) -> dict[str, str]:   # compressing the .wasm takes seconds: once per process
    out = {}
    for key, path in [*((k, RUNTIME / n) for k, n in RUNTIME_FILES.items()), ("ondevice", ONDEVICE)]:
        try:
            data = path.read_bytes()
        except OSError:
            raise SpecError("export", msg("the browser runtime (onnxruntime-web) is missing from this installation"),
                            str(path), msg("reinstall LayerLab, or export ONNX and use it with onnxruntime")) from None
        if key == "wasm":
            data = _gzipped(data)
        out[key] = base64.b64encode(data).decode("ascii")
    return out


def _gzipped(data: bytes) -> bytes:
    """gzip of the runtime's .wasm (about a quarter of its size), kept in the user's cache folder by its
    SHA-256: compressing 15 MB takes seconds, once per runtime version instead of once per process."""
    import hashlib
    import os
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "layerlab"
    path = cache / f"ort-wasm-{hashlib.sha256(data).hexdigest()[:16]}.wasm.gz"
    try:
        kept = path.read_bytes()
        if kept[:2] == b"\x1f\x8b" and int.from_bytes(kept[-4:], "little") == len(data) % 2**32:   # gzip's size
            return kept
    except OSError:
        pass
    packed = gzip.compress(data, compresslevel=6, mtime=0)   # 9 saves 0.5 % and takes 40 % longer
    try:
        atomic.write_bytes(path, packed)
    except OSError:   # a read-only home: compress each time
        pass
    return packed


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no '<' at all, so nothing can close or re-open it."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")


def page_html(onnx: bytes, described: dict[str, Any], title: str) -> str:
    """The whole page: template, styles, demo code and the inlined model and runtime."""
    blobs = _runtime_blobs()
    template = (WEB / "page.html").read_text(encoding="utf-8")
    parts = {
        "TITLE": html.escape(title),
        "STYLE": (WEB / "page.css").read_text(encoding="utf-8"),
        "META": _script_json(described),
        "MODEL": base64.b64encode(onnx).decode("ascii"),
        "ORT": blobs["ort"], "GLUE": blobs["glue"], "WASM": blobs["wasm"], "ONDEVICE": blobs["ondevice"],
        "RUNTIME": html.escape(runtime_version()),
        "SCRIPT": (WEB / "page.js").read_text(encoding="utf-8"),
    }
    import re
    return re.sub(r"\{\{([A-Z]+)\}\}", lambda m: parts[m.group(1)], template)   # one pass: no value is re-read


def example(src: Exported) -> dict[str, Any] | None:
    """The project's first validation sample as the page takes it, with what LayerLab answers for it
    (the page checks itself on it when it opens, and shows it first)."""
    import numpy as np
    x = src.example[:1]
    if not is_standalone(src):
        if x.numel() > 64:
            return None
        if x.is_floating_point():
            x = x.round(decimals=4)      # shown in the page's form: short numbers, the answer computed on them
        values = [round(v, 4) if isinstance(v, float) else v for v in x.reshape(-1).tolist()]
        expected = torch_outputs(src, x)[0]
        out: dict[str, Any] = {"values": values}
    else:
        raw = raw_inputs(src, x, odd_rows=False)
        pre = preprocessing(src)
        if raw.dtype.kind == "f" and not pixels(src):
            raw = np.round(raw, 4)       # shown in the page's form: short numbers, the answer computed on them
        if pixels(src):
            raw = np.clip(np.round(raw), 0, 255).astype(np.float32)   # the picture as a PNG holds it
            png = _png_base64(raw[0], limit=200_000)
            if not png:
                return None
            out = {"png": png, "pixels": raw.reshape(-1).astype(int).tolist()}
        elif pre.get("columns"):
            row = as_rows(pre, raw)[0]
            out = {"values": {k: (None if v != v else round(v, 4)) if isinstance(v, float) else v
                              for k, v in row.items()}}
        elif raw.size <= 64:
            out = {"values": [None if v != v else (int(v) if pre["kind"] == "tokens" else round(float(v), 4))
                              for v in raw.reshape(-1).tolist()]}
        else:
            return None
        expected = reference(src, raw)[0]
    expected = np.asarray(expected, np.float64).reshape(-1)
    classes = src.meta.get("classes") or []
    task = src.meta.get("task", "classification")
    out["expected"] = [float(v) for v in expected]
    out["label"] = (str(classes[int(expected.argmax())]) if task == "classification" and len(classes) == len(expected)
                    else ", ".join(f"{v:.4g}" for v in expected))
    return out


def export_webpage(src: Exported, out: str | Path) -> dict[str, Any]:
    """Write src as one HTML file that runs it in the browser; returns {path, size, max_diff, runtime}."""
    out = Path(out)
    not_exportable(src.kinds(), "web page")
    data = onnx_file(src)
    diff = verify_onnx(src, data)
    described = {**describe(src, "onnx"), "runtime": runtime_version(), "example": example(src)}
    name = str(src.meta.get("name") or "model")
    page = page_html(data, described, name)
    atomic.write_bytes(out, page.encode("utf-8"))
    return {"format": "webpage", "path": str(out), "size": len(page.encode("utf-8")), "max_diff": diff,
            "model_size": len(data), "runtime": f"onnxruntime-web {runtime_version()}".strip(),
            "self_contained": is_standalone(src)}
