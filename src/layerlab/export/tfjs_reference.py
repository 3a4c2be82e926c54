"""Compute a TF.js Layers model the way TF.js computes it, in PyTorch: the TF.js export's own check.

    doc, weights = read_model("model/")
    y = run_model(doc, weights, x)        # x as TF.js takes it (images channels-last), numpy in and out

It follows Keras' rules, not LayerLab's: tensors are channels-last, 'same' padding puts an odd
extra pixel at the end, average pooling leaves padded cells out, a transposed convolution's
'same' output is cropped from its start by floor((kernel - strides) / 2), recurrent layers keep
one bias and Keras' gate order. It was written from the tfjs-layers 4.22 sources, and the tests
hold it to TF.js itself in Node, so an export that passes here computes the same in a browser.
Sequential models and functional graphs (an Add joining two branches) both run. Each layer is
computed by the layer kind that declares its Keras class (tfjs_reference in layers/*.py).

>>> import numpy as np
>>> doc = {"modelTopology": {"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense",
...     "config": {"name": "d", "units": 1, "activation": "relu", "batch_input_shape": [None, 2]}}]}}}
>>> run_model(doc, {"d/kernel": np.array([[1.0], [-1.0]]), "d/bias": np.array([0.5])}, np.array([[2.0, 1.0]]))
array([[1.5]], dtype=float32)
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..i18n import msg
from ..layers.base import LayerKind, load_all
from ..spec.errors import SpecError

Tensor = torch.Tensor
INPUT_LAYER = "InputLayer"  # a model's input: no layer kind, it passes the tensor on


def computers() -> dict[str, LayerKind]:
    """Keras class -> the layer kind whose tfjs_reference computes it (its own classes before written ones)."""
    table: dict[str, LayerKind] = {}
    for kind in load_all().values():
        for cls in kind.keras_written:
            table.setdefault(cls, kind)
    for kind in load_all().values():
        for cls in kind.keras_classes:
            table[cls] = kind
    return table


def _layer(table: dict[str, LayerKind], cls: str, c: dict[str, Any], w: dict[str, Tensor], xs: list[Tensor]) -> Tensor:
    """One layer's output (TF.js' semantics) from its inputs, by the layer kind that holds its Keras class."""
    if cls == INPUT_LAYER:
        return xs[0]
    kind = table.get(cls)
    y = kind.tfjs_reference(cls, c, w, xs) if kind is not None else None
    if y is None:
        raise SpecError(c.get("name", cls), msg("LayerLab cannot check a TF.js {cls} layer", cls=cls), cls,
                        msg("report this model to the LayerLab developers; layers: {kinds}", kinds=cls))
    return y


def run_model(doc: dict[str, Any], weights: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """The model's outputs for x (batch first, in TF.js' layout), as float32 numpy."""
    topo = doc["modelTopology"]
    cfg = topo["config"]
    layers = cfg["layers"]
    by_layer: dict[str, dict[str, Tensor]] = {}
    for key, arr in weights.items():
        owner, _, name = key.rpartition("/")
        by_layer.setdefault(owner, {})[name] = torch.from_numpy(np.asarray(arr, np.float32))
    dtype = next((layer["config"].get("dtype") for layer in layers[:1]), None)
    inp = torch.from_numpy(np.asarray(x)).long() if dtype == "int32" else torch.from_numpy(np.asarray(x, np.float32))
    table = computers()
    with torch.no_grad():
        if topo["class_name"] == "Sequential":
            y = inp
            for layer in layers:
                c = layer["config"]
                y = _layer(table, layer["class_name"], c, by_layer.get(c.get("name"), {}), [y])
            return y.float().numpy()
        out: dict[str, Tensor] = {}
        for layer in layers:
            c, name = layer["config"], layer.get("name") or layer["config"].get("name")
            if layer["class_name"] == INPUT_LAYER:
                out[name] = inp
                continue
            xs = [out[node[0]] for node in layer["inbound_nodes"][0]]
            out[name] = _layer(table, layer["class_name"], c, by_layer.get(name, {}), xs)
        return out[cfg["output_layers"][0][0]].float().numpy()
