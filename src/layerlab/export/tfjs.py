"""TensorFlow.js Layers format: model.json plus weight shards, loadable in a browser as asanAI's are.

    const model = await tf.loadLayersModel('model/model.json');
    model.predict(tf.tensor(image, [1, 8, 8, 1]))   // images channels-last: (batch, H, W, C)

Images become channels-last (TF.js' layout): the model's input is (H, W, C) and a flatten
of feature maps is matched by permuting the next dense kernel's rows (or by a Permute layer
when no dense layer follows). A model without residual blocks is a Sequential model; a
residual block makes it a functional graph, its shortcut joined to its body by an Add layer.
Every export is read back from disk and computed by tfjs_reference (TF.js' rules, in PyTorch)
against the PyTorch network; the tests also run the files in Node with @tensorflow/tfjs.
What stays refused, and why: a gru with reset_after (TF.js' GRU applies the reset gate before the
recurrent weights only; reset_after false exports),
bilinear upsampling (TF.js samples other source pixels), bidirectional recurrent layers.
This file only walks: each layer kind carries its TF.js adapter (tfjs_export, tfjs_import,
tfjs_reference, or a declared tfjs_refused) at the end of its class in layers/*.py.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..i18n import msg
from ..layers.base import LAYERS, LayerKind, load_all
from ..layers.stack import Row, infer_stack
from ..layers.tfjs_support import permute_dims, to_channels_last
from ..spec.errors import SpecError
from ..store import atomic
from .common import Exported, ExportFailed, check_close, torch_outputs, write_dir_atomically
from .describe import scaling
from .tfjs_layers import INPUT, Builder
from .tfjs_layout import read_model, weight_files
from .tfjs_reference import run_model

LAYOUT_NOTE = "the scaling steps work channels first (as LayerLab): apply them, then move the channels last"


def refused() -> dict[str, Any]:
    """Kinds TF.js cannot compute as LayerLab does, with the reason (shown when an export is refused)."""
    return {k: kind.tfjs_refused.reason for k, kind in load_all().items() if kind.tfjs_refused is not None}


def __getattr__(name: str) -> Any:
    if name == "REFUSED":  # the old module constant, read by export/facade.py: now from the registry
        return refused()
    raise AttributeError(name)


def has_adapter(kind: LayerKind) -> bool:
    """Whether a layer kind carries its TF.js export (and is not refused)."""
    return kind.tfjs_refused is None and type(kind).tfjs_export is not LayerKind.tfjs_export


def refusal(layer: dict[str, Any]) -> Any:
    """Why TF.js cannot hold this spec layer (a Text), or None; settings-dependent, unlike REFUSED."""
    kind = load_all().get(layer.get("type"))
    return None if kind is None else kind.tfjs_refusal(layer, refusal)


def prefers_channels_last(row: Row) -> bool | None:
    """Whether TF.js computes this layer channels-last (True), in LayerLab's layout (False), or in either (None)."""
    kind = load_all().get(row.type)
    if len(row.in_shape or ()) < 2:
        return None
    return False if kind is None else kind.tfjs_channels_last(row, prefers_channels_last)


def supported() -> list[str]:
    """LayerLab layer kinds this exporter converts."""
    return sorted(k for k, kind in load_all().items() if has_adapter(kind))


class _Walker:
    """Walks LayerLab's layers, keeping track of the layout TF.js holds the tensor in; each kind adds its own
    Keras layers (its tfjs_export) through this context: b, cl, flat_perm, rest, to_layout, walk."""

    def __init__(self, cl: bool):
        self.b = Builder()
        self.cl = cl
        self.flat_perm = None  # set by a flatten of channels-last maps: the next dense kernel reads in that order
        self.rest: list[Row] = []  # the rows after the one being converted
        self.ok = supported()

    def to_layout(self, channels_last: bool, rank: int) -> None:
        if rank >= 2 and channels_last != self.cl:
            self.b.add("Permute", {"dims": permute_dims(rank, to_last=channels_last)})
            self.cl = channels_last

    def walk(self, rows: list[Row], modules: list[torch.nn.Module]) -> None:
        for i, (row, module) in enumerate(zip(rows, modules)):
            if row.type not in self.ok:
                raise SpecError(row.path, msg("layer kind {kind!r} cannot be exported to TF.js", kind=row.type),
                                row.type, refused().get(row.type)
                                or msg("TF.js export supports: {listing}", listing=", ".join(self.ok)))
            kind = LAYERS[row.type]
            want = prefers_channels_last(row)
            if want is not None and not kind.tfjs_own_layout:  # a flatten chooses its own way
                self.to_layout(want, len(row.in_shape))
            self.rest = rows[i + 1:]
            kind.tfjs_export(row, module, self)


def _topology(b: Builder, src: Exported, input_shape: tuple[int, ...]) -> dict[str, Any]:
    """A Sequential model for a chain of layers, a functional one ("Model") once a layer reads two inputs."""
    dtype = "float32" if src.example.is_floating_point() else "int32"  # token ids; the weights stay float32
    inp = {"class_name": "InputLayer", "config": {"batch_input_shape": [None, *input_shape], "dtype": dtype,
                                                  "sparse": False, "name": INPUT}}
    name = src.meta.get("name", "model")
    if b.graph:
        return {"class_name": "Model", "config": {
            "name": name, "layers": [{**inp, "name": INPUT, "inbound_nodes": []}, *b.layers],
            "input_layers": [[INPUT, 0, 0]], "output_layers": [[b.cur, 0, 0]]}}
    layers = [{"class_name": layer["class_name"], "config": layer["config"]} for layer in b.layers]
    if dtype == "float32":
        layers[0]["config"]["batch_input_shape"] = [None, *input_shape]
    else:
        layers.insert(0, inp)
    return {"class_name": "Sequential", "config": {"name": name, "layers": layers}}


def build_model_json(src: Exported) -> tuple[dict[str, Any], list[tuple[str, bytes]]]:
    """The model.json document and weight shards for src (raises SpecError for what TF.js cannot hold)."""
    rows = infer_stack(src.meta.get("layers") or [], tuple(src.input_shape))
    wants = (prefers_channels_last(r) for r in rows)
    cl = len(src.input_shape) >= 2 and next((c for c in wants if c is not None), False)
    input_shape = to_channels_last(src.input_shape) if cl else tuple(src.input_shape)
    w = _Walker(cl)
    w.walk(rows, list(src.network.layers))
    if w.cl and rows and len(rows[-1].out_shape) >= 2:
        w.b.add("Permute", {"dims": permute_dims(len(rows[-1].out_shape), to_last=False)})  # outputs as in LayerLab
    if not w.b.layers:
        w.b.add("Activation", {"activation": "linear"})
    manifest, shards = weight_files(w.b.weights)
    doc = {
        "modelTopology": {**_topology(w.b, src, input_shape), "keras_version": "tfjs-layers 4.22.0",
                          "backend": "tensor_flow.js"},
        "format": "layers-model", "generatedBy": "LayerLab", "convertedBy": None,
        "weightsManifest": manifest,
        "userDefinedMetadata": {"layerlab": {
            "input_layout": "channels_last" if cl else "as_layerlab",
            "layerlab_input_shape": list(src.input_shape), "classes": src.meta.get("classes"),
            "kinds": [r.type for r in rows], "scaling": {**scaling(src), **({"layout": LAYOUT_NOTE} if cl else {})}}},
    }
    return doc, shards


def tfjs_input(src: Exported, x: torch.Tensor, doc: dict[str, Any]) -> np.ndarray:
    """LayerLab-layout inputs rearranged as the TF.js model wants them."""
    arr = x.numpy()
    if doc["userDefinedMetadata"]["layerlab"]["input_layout"] == "channels_last":
        arr = np.moveaxis(arr, 1, -1)
    return arr


def export_tfjs(src: Exported, out: str | Path) -> dict[str, Any]:
    """Write a TF.js Layers model folder (model.json + shards); verified by computing the files against PyTorch."""
    out = Path(out)
    try:
        doc, shards = build_model_json(src)
    except SpecError:
        raise
    except Exception as e:  # noqa: BLE001 - a module layout this exporter did not expect: say which layers
        raise ExportFailed("", msg("this model could not be converted to TF.js"), f"{type(e).__name__}: {e}",
                           msg("layer kinds in the model: {kinds}", kinds=", ".join(dict.fromkeys(src.kinds())))) from e

    def fill(tmp: Path) -> float:
        atomic.write_json(tmp / "model.json", doc)
        for name, data in shards:
            atomic.write_bytes(tmp / name, data)
        # read the files back and compute them by TF.js' rules (not LayerLab's): the same outputs as PyTorch?
        saved, weights = read_model(tmp / "model.json")
        try:
            got = run_model(saved, weights, tfjs_input(src, src.example, doc))
        except SpecError:
            raise
        except Exception as e:  # noqa: BLE001 - weights or shapes that do not fit together: nothing is written
            raise ExportFailed("", msg("this model could not be converted to TF.js"), f"{type(e).__name__}: {e}",
                               msg("layer kinds in the model: {kinds}",
                                   kinds=", ".join(dict.fromkeys(src.kinds())))) from e
        return check_close(torch_outputs(src), got, msg("the TF.js model (read back)"), src.kinds())

    diff = write_dir_atomically(out, fill, marker="model.json")
    size = sum(len(d) for _, d in shards)
    return {"format": "tfjs", "path": str(out), "size": size, "max_diff": diff,
            "input_layout": doc["userDefinedMetadata"]["layerlab"]["input_layout"]}
