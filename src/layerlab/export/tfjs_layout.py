"""What TF.js export and import share: the weight files (model.json's manifest and .bin shards).

Layouts and activation names, which the layer kinds' adapters use, are in layers/tfjs_support.py.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import msg
from ..spec.errors import SpecError

SHARD_BYTES = 4 * 1024 * 1024  # TF.js' default shard size


# -- weight files ------------------------------------------------------------------------
def weight_files(weights: list[tuple[str, np.ndarray]]) -> tuple[list[dict[str, Any]], list[tuple[str, bytes]]]:
    """The weightsManifest entry and the shard files (name, bytes) for named float32 arrays."""
    specs = [{"name": n, "shape": list(a.shape), "dtype": "float32"} for n, a in weights]
    blob = b"".join(np.ascontiguousarray(a, dtype="<f4").tobytes() for _, a in weights)
    n = max(1, math.ceil(len(blob) / SHARD_BYTES))
    shards = [(f"group1-shard{i + 1}of{n}.bin", blob[i * SHARD_BYTES:(i + 1) * SHARD_BYTES]) for i in range(n)]
    return [{"paths": [s for s, _ in shards], "weights": specs}], shards


def read_model(path: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """model.json (a file, or a folder holding one) and its weights by name; clear errors for bad files."""
    path = Path(path)
    file = path / "model.json" if path.is_dir() else path
    if not file.exists():
        raise SpecError("", msg("no TF.js model found at {path}", path=str(path)), str(path),
                        msg("give the model.json that TF.js (or asanAI) saved, with its .bin files beside it"))
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise SpecError("", msg("{file} is not valid JSON, so it is no TF.js model (or it is damaged)", file=file.name),
                        str(e)[:200], msg("export the model again from TF.js/asanAI")) from None
    if not isinstance(doc, dict) or "modelTopology" not in doc:
        raise SpecError("", msg("{file} is not a TF.js Layers model: it has no modelTopology", file=file.name),
                        sorted(doc)[:8] if isinstance(doc, dict) else type(doc).__name__,
                        msg("save the model with model.save() in TF.js (a graph model from the converter cannot be "
                            "imported)"))
    weights: dict[str, np.ndarray] = {}
    for group in doc.get("weightsManifest") or []:
        blob = b""
        for p in group.get("paths", []):
            shard = file.parent / p
            if not shard.is_file():
                raise SpecError("", msg("the weight file {shard!r} named in {file} is missing", shard=p, file=file.name),
                                str(shard), msg("put every .bin file that TF.js saved beside model.json"))
            blob += shard.read_bytes()
        offset = 0
        for spec in group.get("weights", []):
            dtype = {"float32": "<f4", "int32": "<i4"}.get(spec.get("dtype", "float32"))
            if dtype is None or spec.get("quantization"):
                raise SpecError("", msg("weight {name!r} is stored as {dtype} (quantized weights are not supported)",
                                        name=spec.get("name"), dtype=spec.get("dtype")), spec.get("dtype"),
                                msg("save the model with float32 weights"))
            shape = [int(d) for d in spec.get("shape", [])]
            size = 4 * math.prod(shape)
            if offset + size > len(blob):
                raise SpecError("", msg("the weight files are shorter than {file} says (damaged or cut off)",
                                        file=file.name), msg("{n} bytes", n=len(blob)),
                                msg("copy the .bin files again, completely"))
            weights[spec["name"]] = np.frombuffer(blob, dtype, math.prod(shape), offset).reshape(shape).astype(np.float32)
            offset += size
    return doc, weights
