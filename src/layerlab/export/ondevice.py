"""The model a browser runs on the pupil's own device: a run's self-contained ONNX file.

The Test page fetches it (over the authenticated session, see server/api_ondevice.py) and runs
it in onnxruntime-web (ui/static/ondevice/model.js). It is exactly the file of Export -> ONNX
(`onnx_export.onnx_file`): raw inputs in (pictures as pixels 0-255, tables with text columns as
strings), the run's preprocessing and the probabilities inside, the metadata in metadata_props.

The weights are those `Project.predict` would use at this moment: the run's best epoch's (the
best so far while it trains). Files are cached per project, run, weights choice and the weights
file's time, so polling during training costs one export per improved epoch, not per request.

>>> import layerlab, tempfile
>>> p = layerlab.new(tempfile.mkdtemp() + "/xor", example="xor")
>>> p.train(epochs=1)                                              # doctest: +ELLIPSIS
<...>
>>> m = browser_model(p)
>>> m.data[:2] == b"\\x08\\x08" or len(m.data) > 100, m.weights in ("best", "last")   # ONNX bytes
(True, True)
>>> browser_model(p) is m                                          # the same weights: the cached file
True
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from ..i18n import msg
from ..store.runs import open_run
from .common import ExportFailed, join_reasons
from .formats import blockers
from .onnx_export import onnx_file

CACHE_SIZE = 16   # files kept in memory (a class of 30 mostly tests a few runs at a time)


@dataclass(frozen=True)
class BrowserModel:
    """ONNX bytes for the browser and which weights they hold."""

    data: bytes
    run_id: str
    weights: str            # 'best' or 'last'
    epoch: int | None
    etag: str               # changes whenever the weights change

    @property
    def key(self) -> str:
        """What the browser stores the file under (run, weights and their version)."""
        return f"{self.run_id}:{self.weights}:{self.etag}"


_cache: OrderedDict[tuple[Any, ...], BrowserModel] = OrderedDict()
_lock = threading.Lock()


def _stamp(project: Any, run_id: str | None, weights: str | None) -> tuple[str, str, int]:
    """(run id, 'best'|'last', the weights file's mtime in ns): what the file depends on."""
    folder = open_run(project.dir, run_id)
    which = folder.pick_weights(weights)
    file = folder.path / ("best.safetensors" if which == "best" else "weights.safetensors")
    return folder.run_id, which, file.stat().st_mtime_ns


def browser_model(project: Any, run_id: str | None = None, weights: str | None = None) -> BrowserModel:
    """The self-contained ONNX file of a run (default: the latest with weights) for the browser.

    Raises SpecError when there is no trained run, ExportFailed (4 parts) when a layer kind has no
    ONNX export: the page then says so in one line and predicts on the server.
    """
    run, which, mtime = _stamp(project, run_id, weights)
    key = (str(project.dir), run, which, mtime)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    src = project.export_source(run, untrained_ok=False, weights=which)
    problems = blockers(src.kinds(), "onnx", src.meta.get("layers"))
    if problems:
        raise ExportFailed("model.layers", msg("this model cannot run in the browser"), join_reasons(problems),
                           msg("the server predicts instead; replace those layers to predict on the device"))
    try:
        data = onnx_file(src)
    except Exception as e:  # the exporter's own errors are long; the page needs one line
        raise ExportFailed("model.layers", msg("this model cannot run in the browser"),
                           f"{type(e).__name__}: {str(e)[:200]}",
                           msg("the server predicts instead; replace those layers to predict on the device")) from e
    etag = hashlib.sha256(data).hexdigest()[:16]
    model = BrowserModel(data, run, which, src.meta.get("epoch"), etag)
    with _lock:
        _cache[key] = model
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return model
