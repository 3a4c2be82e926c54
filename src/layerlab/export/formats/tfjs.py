"""TensorFlow.js Layers: a folder (model.json + weight shards) that runs in a web page, like asanAI's
models (export/tfjs.py writes it and checks it by TF.js' rules; `layerlab import` reads it back)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...i18n import Text, msg
from ...spec.errors import SpecError
from ..common import Exported
from . import ExportFormat, register, run_torch_module


@register
class Tfjs(ExportFormat):
    name = "tfjs"
    order = 70
    label = msg("TensorFlow.js (model.json + .bin)")
    description = msg("TensorFlow.js: runs in a web page, like asanAI's models.")
    suffix = ""   # a folder
    bundle_path = "tfjs"
    snippet_language = "javascript"

    def snippet(self, file: str, shape: str, shape_tf: str) -> Text:
        return msg("const model = await tf.loadLayersModel('{file}/model.json');\n"
                   "const probs = model.predict(tf.tensor(input, [1, {shape_tf}]));", file=file, shape_tf=shape_tf)

    def plain_readme(self, shape: str) -> str:
        return """### tfjs/ — TensorFlow.js Layers model (runs in the browser, like asanAI's models)
```js
const model = await tf.loadLayersModel('tfjs/model.json');
const probs = model.predict(tf.tensor(pixels, [1, H, W, C]));   // images channels-last
```
Serve the folder over HTTP (e.g. `python -m http.server`)."""

    def readme(self, src: Exported, shape: str, report: dict[str, Any]) -> str:
        return f"{self.plain_readme(shape)}\n{_reimport(Path(report['path']))}"

    def blockers(self, kinds: list[str], layers: list[dict[str, Any]]) -> list[Text]:
        from ..tfjs import REFUSED, refusal, supported  # start-up time: the TF.js converter (50 ms)
        out = []
        ok = supported()
        for k in dict.fromkeys(kinds):
            if k not in ok:
                out.append(msg("{kind}: {reason}", kind=k, reason=REFUSED[k]) if k in REFUSED else
                           msg("{kind}: TensorFlow.js has no layer that computes exactly what LayerLab's {kind} "
                               "computes", kind=k))
        for layer in layers or []:
            why = refusal(layer)
            reason = msg("{kind}: {reason}", kind=str(layer.get("type")), reason=why) if why is not None else None
            if reason is not None and reason not in out:
                out.append(reason)
        return out

    def write(self, src: Exported, out: Path, project: Any = None) -> dict[str, Any]:
        from ..tfjs import export_tfjs  # start-up time: the TF.js converter (50 ms)
        return export_tfjs(src, out)

    def verify(self, path: Path, sample: np.ndarray) -> np.ndarray:
        """LayerLab's TF.js importer reads the folder back into a network; sample in that network's layout
        (channels last where the folder's model.json says so)."""
        from ..tfjs_import import network_from_tfjs  # start-up time: the TF.js reader (40 ms)
        net, _ = network_from_tfjs(path)
        return run_torch_module(net, sample)


def _reimport(folder: Path) -> str:
    """Whether `layerlab import` brings the TF.js model back, tried on the written files (not promised blindly)."""
    from ..tfjs_import import network_from_tfjs  # start-up time: the TF.js reader (40 ms)
    try:
        network_from_tfjs(folder)
    except SpecError as e:
        return (f"LayerLab cannot import this TF.js model back ({e}); continue from the LayerLab project "
                "(or weights/) instead.")
    return ("`layerlab import tfjs/model.json --out DIR` brings it back into LayerLab as a project "
            "(tried on these files: the imported model computes the same).")
