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
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..i18n import msg
from ..layers.stack import Row, infer_stack
from ..spec.errors import SpecError
from ..store import atomic
from .common import Exported, ExportFailed, check_close, torch_outputs, write_dir_atomically
from .tfjs_layers import CONV, DEPTHWISE, ELEMENTWISE, GPOOL, GRU_RESET_AFTER, INPUT, POOL, RNN, Builder, convert
from .tfjs_layout import conv_kernel_to_tfjs, permute_dims, to_channels_last, weight_files

_CHANNELS_LAST = {"batch_norm", "batch_normalization", "upsampling2d", "conv2d_transpose", *DEPTHWISE}
# kinds TF.js cannot compute as LayerLab does, with the reason (shown when an export is refused)
REFUSED: dict[str, Any] = {}


def refusal(layer: dict[str, Any]) -> Any:
    """Why TF.js cannot hold this spec layer (a Text), or None; settings-dependent, unlike REFUSED."""
    kind = layer.get("type")
    if kind == "gru" and layer.get("reset_after", True):
        return GRU_RESET_AFTER
    if kind == "residual":
        return next((r for r in map(refusal, layer.get("layers") or []) if r is not None), None)
    return REFUSED.get(kind)


def prefers_channels_last(row: Row) -> bool | None:
    """Whether TF.js computes this layer channels-last (True), in LayerLab's layout (False), or in either (None)."""
    kind, p, rank = row.type, row.resolved, len(row.in_shape or ())
    if rank < 2 or kind in ELEMENTWISE:
        return None
    if kind == "residual":  # whatever its first layer wants: the shortcut then needs no permute
        return next((c for c in map(prefers_channels_last, row.children) if c is not None), None)
    if kind == "layer_norm":
        return None if p.get("over", "all") == "all" else False
    if GPOOL.match(kind):
        return p.get("keep", "first") == "first"
    return bool(CONV.match(kind) or POOL.match(kind) or kind in _CHANNELS_LAST)


def supported() -> list[str]:
    """LayerLab layer kinds this exporter converts."""
    from ..layers import load_all
    plain = {"dense", "flatten", "reshape", "permute", "embedding", "upsampling2d", "batch_norm", "layer_norm",
             "conv2d_transpose", "residual", *RNN, *DEPTHWISE}
    return sorted(k for k in load_all() if k in ELEMENTWISE | plain
                  or CONV.match(k) or POOL.match(k) or GPOOL.match(k))


class _Walker:
    """Walks LayerLab's layers, keeping track of the layout TF.js holds the tensor in."""

    def __init__(self, cl: bool):
        self.b = Builder()
        self.cl = cl
        self.flat_perm = None  # set by a flatten of channels-last maps: the next dense kernel reads in that order
        self.ok = supported()

    def to_layout(self, channels_last: bool, rank: int) -> None:
        if rank >= 2 and channels_last != self.cl:
            self.b.add("Permute", {"dims": permute_dims(rank, to_last=channels_last)})
            self.cl = channels_last

    def walk(self, rows: list[Row], modules: list[torch.nn.Module]) -> None:
        for i, (row, module) in enumerate(zip(rows, modules)):
            if row.type not in self.ok:
                raise SpecError(row.path, msg("layer kind {kind!r} cannot be exported to TF.js", kind=row.type),
                                row.type, REFUSED.get(row.type)
                                or msg("TF.js export supports: {listing}", listing=", ".join(self.ok)))
            want = prefers_channels_last(row)
            if want is not None and row.type != "flatten":  # a flatten chooses its own way (see convert)
                self.to_layout(want, len(row.in_shape))
            if row.type == "residual":
                self.residual(row, module)
            else:
                convert(self, row, module, rows[i + 1:])

    def residual(self, row: Row, module: torch.nn.Module) -> None:
        """Body and shortcut as two branches from the block's input, joined by an Add, then the activation."""
        block = module.core                                    # Activated(Residual(body, shortcut), activation)
        rank = len(row.in_shape)
        x, x_cl = self.b.cur, self.cl
        self.walk(row.children, list(block.body))
        body, body_cl = self.b.cur, self.cl
        self.b.cur, self.cl = x, x_cl
        sc = block.shortcut
        if isinstance(sc, torch.nn.Linear):                    # features: a linear map on LayerLab's last axis
            self.to_layout(False, rank)
            self.b.add("Dense", {"units": sc.out_features, "activation": "linear", "use_bias": sc.bias is not None},
                       {"kernel": sc.weight.detach().numpy().T,
                        **({"bias": sc.bias.detach().numpy()} if sc.bias is not None else {})})
        elif isinstance(sc, torch.nn.modules.conv._ConvNd):    # feature maps: a strided 1x1 convolution
            self.to_layout(True, rank)
            nd = rank - 1
            self.b.add(f"Conv{nd}D", {"filters": sc.out_channels, "kernel_size": [1] * nd, "strides": list(sc.stride),
                                      "padding": "valid", "dilation_rate": [1] * nd, "data_format": "channels_last",
                                      "activation": "linear", "use_bias": sc.bias is not None},
                       {"kernel": conv_kernel_to_tfjs(sc.weight.detach().numpy()),
                        **({"bias": sc.bias.detach().numpy()} if sc.bias is not None else {})})
        self.to_layout(body_cl, rank)
        self.b.add("Add", {}, inputs=[body, self.b.cur])
        self.b.activation(row.resolved.get("activation") or "linear", len(row.out_shape), self.cl, row.path)


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
            "kinds": [r.type for r in rows]}},
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
        from .tfjs_layout import read_model
        from .tfjs_reference import run_model
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
