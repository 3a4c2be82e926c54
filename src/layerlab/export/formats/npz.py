"""NumPy weights (.npz): every parameter and buffer of the network under its PyTorch state_dict name,
plus what the network is, for people and programs with numpy only (no torch, no pickle).

Besides the arrays the file holds `__classes__` (the class names, strings), `__input_shape__` (the
network's input shape without the batch) and `__layerlab__` (one JSON string: name, task, spec
layers, classes, input shape, the run's preprocessing, and `scaling`: the steps, in order, that turn a
raw sample into the network's input and its last layer into probabilities or values, as
describe.scaling writes them). Written with
`numpy.savez`, read back with `numpy.load` (allow_pickle stays off) and checked: the arrays loaded
into a network built from the same layers compute what PyTorch computes.

>>> from layerlab.export.formats import get_format
>>> fmt = get_format("npz")
>>> fmt.file_name("iris"), fmt.bundle_path
('iris.npz', 'model.npz')
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ...engine.build import build_network
from ...i18n import Text, msg
from ...store import atomic
from ..common import Exported, ExportFailed, check_close, torch_outputs
from ..describe import scaling
from . import ExportFormat, register, run_torch_module

META = "__layerlab__"        # the JSON string entry
CLASSES = "__classes__"
INPUT_SHAPE = "__input_shape__"


def arrays(src: Exported) -> dict[str, np.ndarray]:
    """The file's entries: the state dict as numpy arrays, then the class names, input shape and metadata."""
    out = {k: v.detach().cpu().contiguous().numpy() for k, v in src.network.state_dict().items()}
    m = src.meta
    meta = {"format": 1, "producer": "LayerLab", "name": str(m.get("name", "model")),
            "task": m.get("task", "classification"), "layers": list(m.get("layers") or []),
            "input_shape": [int(d) for d in src.input_shape], "classes": m.get("classes"),
            "preprocessing": m.get("preprocessing") or {"method": "none"}, "scaling": scaling(src)}
    out[CLASSES] = np.array([str(c) for c in (m.get("classes") or [])], dtype=np.str_)
    out[INPUT_SHAPE] = np.array(meta["input_shape"], dtype=np.int64)
    out[META] = np.array(json.dumps(meta, default=str))
    return out


@register
class Npz(ExportFormat):
    name = "npz"
    order = 55
    label = msg("NumPy arrays (.npz)")
    description = msg("Every weight as a NumPy array under its PyTorch name, with the classes and input shape: "
                      "for your own code, numpy is all it needs.")
    suffix = ".npz"
    bundle_path = "model.npz"

    def snippet(self, file: str, shape: str, shape_tf: str) -> Text:
        return msg('import json, numpy as np\nw = np.load("{file}")   # arrays by their PyTorch name\n'
                   'meta = json.loads(str(w["__layerlab__"]))   # layers, input shape ({shape}), classes, '
                   'preprocessing\nfor name in w.files:\n    print(name, w[name].shape)', file=file, shape=shape)

    def plain_readme(self, shape: str) -> str:
        return f"""### model.npz — every weight as a NumPy array, by its PyTorch name (numpy only)
```python
import json, numpy as np
w = np.load("model.npz")
meta = json.loads(str(w["__layerlab__"]))   # layers, input shape ({shape}), classes, scaling
for name in w.files:
    print(name, w[name].shape)                # e.g. layers.0.core.weight: a dense layer's (units, inputs)
```
A dense layer computes `x @ weight.T + bias`, then its activation. The input is the network's own
(N, {shape}): apply `meta["scaling"]["steps"]` in order to a raw sample first (a table's encoding,
pixels divided by 255, then subtract `subtract` and divide by `divide_by`), and turn the last
layer's outputs into the answer as `meta["scaling"]["output"]` says."""

    def readme(self, src: Exported, shape: str, report: dict[str, Any]) -> str:
        return self.plain_readme(shape)

    def write(self, src: Exported, out: Path, project: Any = None) -> dict[str, Any]:
        """Write the arrays; checked by loading them back into a network built from the layers."""
        out = Path(out)
        entries = arrays(src)
        buf = io.BytesIO()
        np.savez(buf, **entries)
        data = buf.getvalue()
        loaded = np.load(io.BytesIO(data), allow_pickle=False)
        for k, v in entries.items():
            if k not in loaded.files or not np.array_equal(loaded[k], v):
                raise ExportFailed("", msg("weight {name!r} did not survive the .npz round trip", name=k), k,
                                   msg("report this to the LayerLab developers"))
        got = self.run(loaded, src.example.numpy())
        diff = check_close(torch_outputs(src), got, msg("the .npz weights (loaded back)"), src.kinds())
        atomic.write_bytes(out, data)
        return {"format": "npz", "path": str(out), "size": len(data), "max_diff": diff,
                "arrays": len(entries) - 3}

    def verify(self, path: Path, sample: np.ndarray) -> np.ndarray:
        with np.load(path, allow_pickle=False) as loaded:
            return self.run(loaded, sample)

    @staticmethod
    def run(loaded: Any, sample: np.ndarray) -> np.ndarray:
        """The network built from the file's layers and input shape, its weights from the file's arrays."""
        meta = json.loads(str(loaded[META]))
        net = build_network(meta["layers"], tuple(meta["input_shape"]))
        state = {k: torch.from_numpy(np.array(loaded[k])) for k in loaded.files if not k.startswith("__")}
        net.load_state_dict(state)
        return run_torch_module(net.eval(), sample)
