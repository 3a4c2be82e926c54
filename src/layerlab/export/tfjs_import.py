"""Import TensorFlow.js Layers models (what asanAI saves: model.json + .bin shards) into LayerLab.

    layerlab import ~/Downloads/model.json --out my-model

Keras' channels-last layouts become LayerLab's channels-first ones: an (H, W, C) input is
(C, H, W) here, conv kernels (kh, kw, I, O) become (O, I, kh, kw), and the dense layer after
a flatten gets its kernel rows reordered, so the imported model computes exactly what the
TF.js model computed (on inputs moved from channels-last to channels-first). Sequential models
and functional ones whose branches are residual blocks (tfjs_import_graph.py; what LayerLab's
TF.js export writes) are read; every import is then computed by TF.js' rules (tfjs_reference)
on random inputs and refused if the LayerLab network gives other outputs.
The project folder is written into a temp folder and renamed: an import never leaves half a project.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..data.base import DataInfo, kind_of_model_input
from ..data.preprocess import Preprocessor
from ..engine.build import build_network
from ..i18n import msg
from ..layers.stack import infer_stack
from ..spec.errors import SpecError
from ..store import atomic
from ..store.runs import new_run_id, spec_hash, versions
from ..layers.base import LayerKind, load_all
from ..layers.tfjs_support import KerasLayer, permute_dims, to_channels_first
from .common import TOLERANCE, write_dir_atomically
from .tfjs_import_graph import Block, chain, flat
from .tfjs_layout import read_model
from .tfjs_reference import run_model

__all__ = ["SUPPORTED", "convert", "import_tfjs", "network_from_tfjs"]
INPUT_LAYER = "InputLayer"  # a model's input, read by the graph reader: no layer kind


def importers() -> dict[str, LayerKind]:
    """Keras class -> the layer kind that imports it (its keras_classes, declared on the kind)."""
    return {cls: kind for kind in load_all().values() for cls in kind.keras_classes}


def joins() -> tuple[str, ...]:
    """Keras classes that join branches into a block (the Add of a residual block): read by the graph reader."""
    return tuple(cls for kind in load_all().values() if kind.holds_layers for cls in kind.keras_written)


def supported_classes() -> tuple[str, ...]:
    """The Keras classes LayerLab imports, as the layer kinds declare them."""
    return (INPUT_LAYER, *importers(), *joins())


def __getattr__(name: str) -> Any:
    if name == "SUPPORTED":  # the old module constant, read by the tests
        return supported_classes()
    raise AttributeError(name)


def _channels_last(table: dict[str, LayerKind], cls: str) -> bool:
    kind = table.get(cls)
    return kind is not None and kind.tfjs_keras_channels_last(cls)


def _agnostic(table: dict[str, LayerKind], layer: dict[str, Any]) -> bool:
    """A layer TF.js computes the same in either layout (elementwise, or a layer norm over all values)."""
    kind = table.get(layer["class_name"])
    return kind is not None and kind.tfjs_agnostic(layer["class_name"], layer.get("config", {}))


class _Weights(dict):
    """One layer's weights by name; a missing one is a clear error, not a KeyError."""

    def __init__(self, where: str, found: dict[str, np.ndarray]):
        super().__init__(found)
        self.where = where

    def __missing__(self, key: str) -> np.ndarray:
        raise SpecError(self.where, msg("has no weight {name!r} in the weight files", name=key), sorted(self),
                        msg("save the model again with its weights (model.save in TF.js), with every .bin file"))


class _Walker:
    """Walks the chain of TF.js layers and blocks, keeping track of how TF.js holds LayerLab's tensor."""

    def __init__(self, weights: dict[str, np.ndarray], positions: dict[str, int], cl: bool,
                 table: dict[str, LayerKind]):
        self.weights, self.positions, self.cl, self.table = weights, positions, cl, table
        self.flat_perm: np.ndarray | None = None
        self.notes: list[str] = []
        self.tensors: dict[tuple[Any, ...], dict[str, np.ndarray]] = {}  # (index, body index, ...) -> tensors

    def channels_last(self, cls: str) -> bool:
        """Whether this Keras class computes on channels-last maps (the kind that imports it says)."""
        return _channels_last(self.table, cls)

    def agnostic(self, layer: dict[str, Any]) -> bool:
        return _agnostic(self.table, layer)

    def where(self, layer: dict[str, Any]) -> str:
        name = layer.get("config", {}).get("name") or layer.get("name") or layer["class_name"]
        return f"layer {self.positions.get(name, '?')} ({name}, {layer['class_name']})"

    def weights_of(self, layer: dict[str, Any]) -> dict[str, np.ndarray]:
        name = layer.get("config", {}).get("name") or layer.get("name")
        return _Weights(self.where(layer), {k.split("/")[-1]: v for k, v in self.weights.items()
                                            if k.rsplit("/", 1)[0] == name or k.rsplit("/", 1)[0].endswith("/" + name)})

    def emit(self, out: list[dict[str, Any]], in_shape: tuple[int, ...], spec: dict[str, Any], t: dict[str, Any],
             where: str, cls: str, path: tuple[Any, ...]) -> tuple[int, ...]:
        """Append a LayerLab layer; returns its output shape by LayerLab's own shape rules."""
        self.tensors[(*path, len(out))] = t
        out.append(spec)
        rows = infer_stack(out, in_shape)
        bad = next((r for r in rows if r.error), None)
        if bad is not None:
            raise SpecError(where, msg("does not fit LayerLab's rules: {reason}", reason=bad.error.message), cls,
                            bad.error.hint)
        return tuple(rows[-1].out_shape)

    def walk(self, items: list[Any], in_shape: tuple[int, ...], path: tuple[Any, ...] = ()):
        """(LayerLab layer dicts, output shape) for a chain whose input LayerLab holds as in_shape."""
        out: list[dict[str, Any]] = []
        cur, i = tuple(in_shape), 0
        while i < len(items):
            item, i = items[i], i + 1
            if isinstance(item, Block):  # branches joined by an Add: the kind that joins them reads the block
                cur = load_all()[item.kind].tfjs_import_block(item, self, out, in_shape, cur, path)
                continue
            cls, c = item["class_name"], item.get("config", {})
            where, rank = self.where(item), len(cur)
            kind = self.table.get(cls)
            if kind is None:
                raise SpecError(where, msg("is a layer LayerLab cannot import"), cls,
                                msg("supported TF.js layers: {listing}", listing=", ".join(supported_classes())))
            if c.get("data_format", "channels_last") != "channels_last":
                raise SpecError(where, msg("uses channels_first data, which TF.js itself rarely runs"),
                                c.get("data_format"), msg("save the model with the default channels_last format"))
            rest = list(flat(items[i:]))
            nxt = next((b["class_name"] for b in rest if not self.agnostic(b)), None)
            layer = KerasLayer(cls, c, {}, cur, where, rest)
            if kind.tfjs_import_layout_only(layer, self, nxt):
                continue
            want = kind.tfjs_import_layout(cls, c, rank, nxt) if rank >= 2 else None
            if want is not None and want != self.cl:  # lay LayerLab's tensor out as this TF.js layer reads it
                cur = self.emit(out, in_shape, {"type": "permute", "dims": permute_dims(rank, to_last=self.cl)}, {},
                                where, cls, path)
                self.cl, rank = not self.cl, len(cur)
            if i < len(items) and not isinstance(items[i], Block) and kind.tfjs_import_takes(cls, items[i]):
                layer.following, i = items[i], i + 1   # read as part of this layer (a Cropping2D after its convolution)
            layer.cur, layer.weights = cur, self.weights_of(item)
            spec, t = kind.tfjs_import(layer, self)
            if not kind.tfjs_softmax_last:
                self.check_softmax(spec, cls, c, rank, where)
            if out and i >= 2 and isinstance(items[i - 2], Block) and \
                    load_all()[out[-1]["type"]].tfjs_import_absorbs(out[-1], spec):
                continue  # (a residual block takes the activation after its Add in)
            cur = self.emit(out, in_shape, spec, t, where, cls, path)
        return out, cur

    def check_softmax(self, spec: dict[str, Any], cls: str, c: dict[str, Any], rank: int, where: str) -> None:
        """LayerLab's softmax runs over the first axis after the batch: TF.js' axis must be that one (a Softmax
        layer says it in its config; an activation string takes the last axis)."""
        if spec.get("activation") not in ("softmax", "log_softmax") or rank < 2:
            return
        axis = int(c.get("axis", -1)) % (rank + 1)
        if axis != (rank if self.cl else 1):
            raise SpecError(where, msg("takes a softmax over the last axis of a sequence; LayerLab's softmax runs "
                                       "over the first axis after the batch"), cls,
                            msg("apply softmax after a flatten or pooling"))


def convert(doc: dict[str, Any], weights: dict[str, np.ndarray]):
    """(LayerLab layer dicts, input shape (channels first), {layer path: {suffix: array}}, input layout, notes)."""
    first_cfg, items, positions = chain(doc)
    shape_tf = first_cfg.get("batch_input_shape") or first_cfg.get("batch_shape")
    if not shape_tf or any(d is None for d in shape_tf[1:]):
        raise SpecError("", msg("the model does not say the shape of its input (batch_input_shape)"), shape_tf,
                        msg("give the first layer an inputShape in TF.js"))
    shape_tf = tuple(int(d) for d in shape_tf[1:])
    table = importers()
    first = next((layer for layer in flat(items) if not _agnostic(table, layer)), None)
    cl = first is not None and len(shape_tf) >= 2 and _channels_last(table, first["class_name"])
    written = ((doc.get("userDefinedMetadata") or {}).get("layerlab") or {}).get("input_layout")
    if written in ("channels_last", "as_layerlab") and len(shape_tf) >= 2:
        # LayerLab's own export says how it laid the input out: a GlobalPooling1D or a Reshape first reads a
        # (L, C) signal and a (T, F) sequence alike, and only the file knows which one LayerLab held
        cl = written == "channels_last"
    shape = to_channels_first(shape_tf) if cl else shape_tf
    w = _Walker(weights, positions, cl, table)
    out, _ = w.walk(items, tuple(shape))
    return out, shape, w.tensors, "channels_last" if cl else "as_layerlab", w.notes


def _module_at(net: torch.nn.Module, path: tuple[Any, ...]) -> tuple[torch.nn.Module, str]:
    """The module a layer path names (body layers and shortcuts of residual blocks), and its spec path."""
    module, where = net.layers[path[0]], f"model.layers[{path[0]}]"
    for step in path[1:]:
        block = module.core  # Activated(Residual(body, shortcut), activation)
        module = block.shortcut if step == "shortcut" else block.body[step]
        where += ".shortcut" if step == "shortcut" else f".layers[{step}]"
    return module, where


def _load_tensors(net: torch.nn.Module, tensors: dict[tuple[Any, ...], dict[str, np.ndarray]]) -> None:
    for path, want in tensors.items():
        if not want:
            continue
        module, where = _module_at(net, path)
        state = module.state_dict()
        weights = [k for k in state if k.endswith("weight")]
        for suffix, arr in want.items():
            if suffix.isdigit():  # the n-th weight tensor (depthwise, then pointwise)
                keys = weights[int(suffix):int(suffix) + 1]
            elif suffix == "bias":  # the last bias: separable convolutions have one, after the pointwise step
                keys = [k for k in state if k == "bias" or k.endswith(".bias")][-1:]
            else:
                keys = [k for k in state if k == suffix or k.endswith("." + suffix)]
            if len(keys) != 1:
                raise SpecError(where, msg("LayerLab's layer has no single tensor {name!r} to load into", name=suffix),
                                sorted(state), msg("report this to the LayerLab developers"))
            if tuple(state[keys[0]].shape) != tuple(arr.shape):
                raise SpecError(where, msg("weight {name!r} has shape {got}, LayerLab expects {expected}",
                                           name=suffix, got=tuple(arr.shape), expected=tuple(state[keys[0]].shape)),
                                suffix, msg("the file may be damaged"))
            state[keys[0]] = torch.from_numpy(np.ascontiguousarray(arr, dtype=np.float32))
        module.load_state_dict(state)


def _verify(doc: dict[str, Any], weights: dict[str, np.ndarray], net: torch.nn.Module, info: dict[str, Any]) -> None:
    """Compute the model.json by TF.js' rules on random inputs: the imported network must give the same outputs."""
    layers, shape = info["layers"], tuple(info["input_shape"])
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, int(layers[0]["input_dim"]), (4, *shape), generator=g) \
        if layers and load_all()[layers[0]["type"]].token_input else torch.randn((4, *shape), generator=g)
    x_tf = np.moveaxis(x.numpy(), 1, -1) if info["input_layout"] == "channels_last" else x.numpy()
    try:
        want = run_model(doc, weights, x_tf)
    except Exception:  # noqa: BLE001 - a layer or format the reference does not compute: the mapping rules stand
        return
    with torch.no_grad():
        got = net(x).numpy()
    diff = float(np.abs(want - got).max()) if want.shape == got.shape else float("inf")
    if not diff <= TOLERANCE * max(1.0, float(np.abs(want).max())):
        kinds = ", ".join(dict.fromkeys(d["type"] for d in layers))
        raise SpecError("", msg("the imported model does not compute what the TF.js model computes (largest "
                                "difference {diff:.3g})", diff=diff), kinds,
                        msg("report this model to the LayerLab developers; layers: {kinds}", kinds=kinds))


def network_from_tfjs(path: str | Path):
    """(Network with the TF.js weights in eval mode, info dict) for a model.json path."""
    doc, weights = read_model(path)
    layers, shape, tensors, layout, notes = convert(doc, weights)
    net = build_network(layers, shape, seed=0)
    _load_tensors(net, tensors)
    net.eval()
    meta = (doc.get("userDefinedMetadata") or {}).get("layerlab") or {}
    info = {"layers": layers, "input_shape": list(shape), "input_layout": layout, "classes": meta.get("classes"),
            "notes": notes}
    _verify(doc, weights, net, info)
    return net, info


def import_tfjs(path: str | Path, out_dir: str | Path, name: str | None = None) -> Path:
    """Create a LayerLab project (with its weights as a run) from a TF.js model; returns the folder."""
    from safetensors.torch import save
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        message = msg("{folder} already holds a project", folder=str(out_dir)) \
            if (out_dir / "project.json").exists() else msg("{folder} already holds files", folder=str(out_dir))
        raise SpecError("", message, str(out_dir), msg("choose a new or empty --out folder"))
    net, info = network_from_tfjs(path)
    shape = tuple(info["input_shape"])
    n_out = int(net.shapes[-1][0]) if net.shapes and len(net.shapes[-1]) == 1 else 1
    classes = info["classes"] or [str(i) for i in range(n_out)]
    task = "classification" if net.output_activation in ("softmax", "sigmoid", "log_softmax") else "regression"
    src_path = Path(path).resolve()
    name = name or (src_path.parent.name if src_path.is_file() else src_path.name)
    kind = kind_of_model_input(shape, info["layers"])
    # the weights arrive without data: the project waits for the user's samples as data/*.npz
    doc = {"version": 3, "name": name or "imported", "task": task,
           "description": f"Imported from the TensorFlow.js model {Path(path).name}. "
                          "Add data (data/*.npz) to train it further." + "".join(f" {n}." for n in info["notes"]),
           "data": {"source": "npy", "input_shape": list(shape),
                    **({"classes": classes} if task == "classification" else {"outputs": n_out})},
           "model": {"layers": info["layers"]}, "training": {}}
    run_id = new_run_id()
    vocab = info["layers"][0].get("input_dim") if kind == "tokens" else None
    data_info = DataInfo(kind, shape, task, classes if task == "classification" else None, n_out,
                         vocab_size=vocab, extra={"tfjs_input_layout": info["input_layout"]})
    pre = Preprocessor(kind, task, "none", classes=classes if task == "classification" else None, input_shape=shape)

    def fill(tmp: Path) -> None:
        atomic.write_json(tmp / "project.json", doc)
        (tmp / "data").mkdir()
        run = tmp / "runs" / run_id
        state = {k: v.detach().contiguous() for k, v in net.state_dict().items()}
        atomic.write_bytes(run / "weights.safetensors", save(state))
        atomic.write_json(run / "spec.json", doc)
        atomic.write_json(run / "preprocessing.json", pre.to_dict())
        atomic.write_json(run / "data.json", data_info.to_dict())
        atomic.write_json(run / "history.json", [])
        now = datetime.now(timezone.utc).isoformat()
        atomic.write_json(run / "meta.json", {"run_id": run_id, "status": "imported", "source": str(path),
                                              "started": now, "ended": now, "final": {},
                                              "spec_hash": spec_hash(doc), "versions": versions()})

    write_dir_atomically(out_dir, fill)
    return out_dir
