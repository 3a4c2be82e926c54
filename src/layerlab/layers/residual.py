"""residual: a block of layers whose input is added back to its output, y = f(F(x) + shortcut(x)).

The block holds its own `layers` list (its body). The shortcut is the identity when the body
keeps the shape; otherwise a projection: a linear map for features, a 1x1 convolution with the
matching stride for feature maps. Errors inside point at the nested path,
e.g. `model.layers[3].layers[1].kernel_size`.

>>> r = get_layer("residual")
>>> p = r.resolve({"layers": [{"type": "dense", "units": 8}, {"type": "dense", "units": 8}]}, "l")
>>> r.infer_shape(p, (8,), "l"), r.param_count(p, (8,))
((8,), 144)

The body is inferred once per block (`from_body` takes its rows), so a summary is linear in
the number of layers however deeply blocks nest.
"""
from __future__ import annotations

from typing import Any

import torch
from torch import nn

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from .activations import ACTIVATIONS, activation_param, build_activation
from .base import Case, LayerKind, Shape, from_code, get_layer, numel, register
from .modules import Activated
from . import tfjs_support as T
from .stack import infer_stack
from typing import Callable
from dataclasses import dataclass
import numpy as np


class Residual(nn.Module):
    """y = f(x) + shortcut(x), shortcut an identity or a 1x1 projection when shapes differ."""

    def __init__(self, body: nn.Module, shortcut: nn.Module | None = None, activation: nn.Module | None = None):
        super().__init__()
        self.body = body
        self.shortcut = shortcut if shortcut is not None else nn.Identity()
        self.activation = activation if activation is not None else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation(self.body(x) + self.shortcut(x))


def _fmt(s: Shape) -> str:
    return "(" + ", ".join(map(str, s)) + ("," if len(s) == 1 else "") + ")"


def projection(in_shape: Shape, out_shape: Shape, path: str) -> str | None:
    """Code of the shortcut that maps the input onto the body's output shape (None: identity)."""
    if tuple(in_shape) == tuple(out_shape):
        return None
    if len(in_shape) != len(out_shape):
        raise SpecError(f"{path}.layers", msg("the body must keep the number of axes so its input can be added back"),
                        msg("{in_shape} in, {out_shape} out", in_shape=_fmt(in_shape), out_shape=_fmt(out_shape)),
                        msg("move flatten, global pooling or reshape layers out of the residual block"))
    if len(in_shape) == 1 or (len(in_shape) == 2 and in_shape[0] == out_shape[0]):
        # features (F,) or a sequence (T, F) whose feature count changes: a linear map on the last axis
        return f"nn.Linear({in_shape[-1]}, {out_shape[-1]})"
    strides = []
    for n, m in zip(in_shape[1:], out_shape[1:]):
        s = next((s for s in range(1, n + 1) if (n - 1) // s + 1 == m), None)
        if s is None:
            raise SpecError(f"{path}.layers", msg("the body turns a size of {n} into {m}, which a strided 1x1 "
                                                  "shortcut cannot follow", n=n, m=m),
                            msg("{in_shape} in, {out_shape} out", in_shape=_fmt(in_shape), out_shape=_fmt(out_shape)),
                            msg("keep the size (padding 'same') or shrink it by a whole factor (strides)"))
        strides.append(s)
    dims = len(in_shape) - 1
    return f"nn.Conv{dims}d({in_shape[0]}, {out_shape[0]}, kernel_size=1, stride={tuple(strides)})"


def _projection_params(in_shape: Shape, out_shape: Shape, code: str | None) -> int:
    if code is None:
        return 0
    if code.startswith("nn.Linear"):
        return in_shape[-1] * out_shape[-1] + out_shape[-1]
    return in_shape[0] * out_shape[0] + out_shape[0]


@register
class ResidualBlock(LayerKind):
    name = "residual"
    cases = (
        Case((6,),
             {"layers": [{"type": "dense", "units": 6}, {"type": "dense", "units": 6, "activation": "linear"}]},
             (6,)),
        Case((6,), {"layers": [{"type": "dense", "units": 4}], "activation": "relu"}, (4,)),
        Case((3, 8, 8),
             {"layers": [{"type": "conv2d", "filters": 3, "padding": "same"}, {"type": "batch_norm"}]},
             (3, 8, 8)),
        Case((3, 8, 8),
             {"layers": [{"type": "conv2d", "filters": 5, "strides": 2, "padding": "same"}],
              "activation": "relu"},
             (5, 4, 4)),
        Case((5, 4), {"layers": [{"type": "lstm", "units": 6, "return_sequences": True}]}, (5, 6)),
        Case((4,),
             {"layers": [{"type": "residual", "layers": [{"type": "dense", "units": 4}]},
                         {"type": "dropout", "rate": 0.1}]},
             (4,)),
    )
    family = "structure"
    holds_layers = True
    params = (activation_param("linear"),)
    summary = "A block of layers whose input is added back to its output (a skip connection)."
    explain = ("The layers inside only have to learn a correction to their input, because the input is added "
               "back at the end. This lets very deep networks (ResNet) train well. If the inside changes the "
               "shape, the input is first projected to fit.")
    latex = r"y = f(F(x) + x)"

    def resolve(self, raw: dict[str, Any], path: str) -> dict[str, Any]:
        raw = dict(raw)
        body = raw.pop("layers", None)
        where = f"{path}.layers"
        example = [{"type": "dense", "units": 32, "activation": "relu"}]
        if body is None:
            raise SpecError(where, msg("a residual block needs its own list of layers"), None,
                            msg('add "layers": [...] with the layers inside the block'),
                            [Fix(msg("add a dense layer inside"), [{"op": "set", "path": where, "value": example}])])
        if not isinstance(body, list):
            raise SpecError(where, msg("must be a list of layers"), body, msg("use e.g. {example}", example=example))
        if not body:
            raise SpecError(where, msg("the block is empty, so it would only double its input"), [],
                            msg("put at least one layer inside"),
                            [Fix(msg("add a dense layer inside"), [{"op": "set", "path": where, "value": example}])])
        p = super().resolve(raw, path)
        p["layers"] = body
        return p

    def _body(self, p, in_shape: Shape, path: str):
        return infer_stack(p["layers"], in_shape, prefix=f"{path}.layers", stop_on_error=True)

    def from_body(self, p, in_shape, body, path):
        out = body[-1].out_shape
        shortcut = _projection_params(in_shape, out, projection(in_shape, out, path))
        params = sum(r.params for r in body) + shortcut + (1 if p["activation"] == "prelu" else 0)
        positions = numel(out[:-1]) if len(out) <= 2 else numel(out[1:])  # where the shortcut's weights apply
        flops = sum(r.flops for r in body) + 2 * shortcut * positions + self.flops(p, in_shape, out)
        acts = sum(r.activations for r in body) + (numel(out) if shortcut else 0) + \
            self.activation_size(p, in_shape, out)
        return out, params, flops, acts

    def flops(self, p, in_shape, out_shape):
        return numel(out_shape) * (2 if p["activation"] != "linear" else 1)  # the addition and the activation

    def infer_shape(self, p, in_shape, path):
        return self.from_body(p, in_shape, self._body(p, in_shape, path), path)[0]

    def param_count(self, p, in_shape):
        return self.from_body(p, in_shape, self._body(p, in_shape, "residual"), "residual")[1]

    def code(self, p, in_shape):
        rows = self._body(p, in_shape, "residual")
        body = ", ".join(get_layer(r.type).code(r.resolved, r.in_shape) for r in rows)
        shortcut = projection(in_shape, rows[-1].out_shape, "")
        return f"Activated(Residual(nn.Sequential({body}), {shortcut}), {ACTIVATIONS[p['activation']].code})"

    def build(self, p, in_shape):
        rows = self._body(p, in_shape, "residual")
        body = [get_layer(r.type).build(r.resolved, r.in_shape) for r in rows]  # each with its initializers
        code = projection(in_shape, rows[-1].out_shape, "")
        shortcut = from_code(code) if code else None
        return Activated(Residual(nn.Sequential(*body), shortcut), build_activation(p["activation"]))

    def math(self, p, in_shape=None):
        f = ACTIVATIONS[p["activation"]].latex.split("=", 1)[1].strip()
        inner = r" \circ ".join(f"\\mathrm{{{layer.get('type', '?')}}}".replace("_", r"\_")
                                for layer in reversed(p["layers"]))
        shortcut = "x"
        if in_shape is not None:
            rows = self._body(p, in_shape, "residual")
            if projection(in_shape, rows[-1].out_shape, "") is not None:
                shortcut = "W_s x"
        return rf"y = f\left(F(x) + {shortcut}\right),\ F = {inner},\ f(x) = {f}"

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_written = ("Add",)  # body and shortcut joined (the graph reader finds the blocks)

    def tfjs_refusal(self, layer, refusal):
        return next((r for r in map(refusal, layer.get("layers") or []) if r is not None), None)

    def tfjs_channels_last(self, row, prefers):
        # whatever its first layer wants: the shortcut then needs no permute
        return next((c for c in map(prefers, row.children) if c is not None), None)

    def tfjs_export(self, row, module, ctx):
        """Body and shortcut as two branches from the block's input, joined by an Add, then the activation."""
        block = module.core                                    # Activated(Residual(body, shortcut), activation)
        rank = len(row.in_shape)
        b = ctx.b
        x, x_cl = b.cur, ctx.cl
        ctx.walk(row.children, list(block.body))
        body, body_cl = b.cur, ctx.cl
        b.cur, ctx.cl = x, x_cl
        sc = block.shortcut
        if isinstance(sc, torch.nn.Linear):                    # features: a linear map on LayerLab's last axis
            ctx.to_layout(False, rank)
            b.add("Dense", {"units": sc.out_features, "activation": "linear", "use_bias": sc.bias is not None},
                  {"kernel": sc.weight.detach().numpy().T,
                   **({"bias": sc.bias.detach().numpy()} if sc.bias is not None else {})})
        elif isinstance(sc, torch.nn.modules.conv._ConvNd):    # feature maps: a strided 1x1 convolution
            ctx.to_layout(True, rank)
            nd = rank - 1
            b.add(f"Conv{nd}D", {"filters": sc.out_channels, "kernel_size": [1] * nd, "strides": list(sc.stride),
                                 "padding": "valid", "dilation_rate": [1] * nd, "data_format": "channels_last",
                                 "activation": "linear", "use_bias": sc.bias is not None},
                  {"kernel": T.conv_kernel_to_tfjs(sc.weight.detach().numpy()),
                   **({"bias": sc.bias.detach().numpy()} if sc.bias is not None else {})})
        ctx.to_layout(body_cl, rank)
        b.add("Add", {}, inputs=[body, b.cur])
        b.activation(row.resolved.get("activation") or "linear", len(row.out_shape), ctx.cl, row.path)

    def tfjs_import_absorbs(self, mine, spec):
        if spec["type"] == "activation" and mine["activation"] == "linear":
            mine["activation"] = spec["activation"]  # the block's activation, applied after its Add
            return True
        return False

    def tfjs_reference(self, cls, c, w, xs):
        return torch.stack(xs).sum(dim=0)


    keras_shortcut: tuple[str, ...] = ("Dense", "Conv1D", "Conv2D", "Conv3D")  # a shortcut's projection
    keras_moves: tuple[str, ...] = ("Permute",)  # what else a shortcut may hold: layout moves

    def tfjs_is_shortcut(self, items: list[Any]) -> bool:
        """Whether a branch into the Add can be this block's shortcut: Permute layers and at most one linear
        Dense or Conv layer (a nested block, a dataclass, is not a layer dict)."""
        if any(not isinstance(i, dict) or i.get("class_name") not in (*self.keras_moves, *self.keras_shortcut)
               for i in items):
            return False
        projections = [i for i in items if i.get("class_name") in self.keras_shortcut]
        return len(projections) <= 1 and all((p["config"].get("activation") or "linear") == "linear"
                                             for p in projections)

    def tfjs_import_block(self, block: Any, ctx: Any, out: list[dict[str, Any]], in_shape: tuple[int, ...],
                          cur: tuple[int, ...], path: tuple[Any, ...]) -> tuple[int, ...]:
        """A residual layer for body + shortcut joined by an Add (block: body, shortcut, add); the body ends in
        the layout the Add reads. ctx is the import walker (walk, emit, where, weights_of, tensors, cl)."""
        cls = block.add["class_name"]
        where, here = ctx.where(block.add), (*path, len(out))
        cl_in, rank = ctx.cl, len(cur)
        body, body_shape = ctx.walk(block.body, cur, here)
        sc = _shortcut_plan(block.shortcut, cl_in, rank, ctx.where)
        if len(body_shape) >= 2 and ctx.cl != sc.cl_end:  # TF.js adds the branches in the shortcut's layout
            body_shape = ctx.emit(body, cur, {"type": "permute", "dims": T.permute_dims(len(body_shape),
                                                                                         to_last=ctx.cl)},
                                  {}, where, cls, here)
        ctx.cl = sc.cl_end if len(body_shape) >= 2 else ctx.cl
        weights = ctx.weights_of(sc.op) if sc.op else {}
        ctx.tensors[(*here, "shortcut")] = _shortcut_tensors(sc, cur, body_shape, weights, ctx.where, where)
        return ctx.emit(out, in_shape, {"type": "residual", "layers": body, "activation": "linear"}, {}, where,
                        cls, path)


__all__ = ["ResidualBlock", "get_layer"]


# -- TF.js import of a shortcut branch ---------------------------------------------------------
# LayerLab does not store a shortcut: its residual block adds the input unchanged when the body keeps the
# shape, and otherwise projects it (projection above). A TF.js shortcut is imported when it computes exactly
# that: its Permute layers only move the channel axis, and its one Dense or 1x1 Conv layer (if any) works on
# the axis LayerLab's projection works on, with the same strides. Its weights become the projection's; a
# projection without a bias gets a zero one.



@dataclass
class Shortcut:
    """The projection layer of a shortcut branch (None: the input itself) and the layout around it."""

    op: dict[str, Any] | None
    cl_at_op: bool     # whether TF.js holds LayerLab's tensor channels-last where the projection reads it
    cl_end: bool       # ... and where the branch reaches the Add


def _shortcut_plan(items: list[dict[str, Any]], cl: bool, rank: int,
                   where: Callable[[dict[str, Any]], str]) -> Shortcut:
    """Follow the layout through a shortcut branch that leaves the block's input held as `cl` says."""
    op, cl_at_op = None, cl
    for layer in items:
        if layer["class_name"] not in ResidualBlock.keras_moves:
            op, cl_at_op = layer, cl
            continue
        dims = [int(d) for d in layer["config"].get("dims", [])]
        if rank < 2 or dims != T.permute_dims(rank, to_last=not cl):
            raise SpecError(where(layer), msg("a shortcut's Permute may only move the channel axis last or first"),
                            dims, msg("use dims {dims}, or no Permute in the shortcut",
                                      dims=T.permute_dims(rank, to_last=not cl) if rank >= 2 else []))
        cl = not cl
    return Shortcut(op, cl_at_op, cl)


def _shortcut_tensors(sc: Shortcut, in_shape: tuple[int, ...], out_shape: tuple[int, ...],
                      weights: dict[str, np.ndarray], where: Callable[[dict[str, Any]], str],
                      block_where: str) -> dict[str, np.ndarray]:
    """The weights of LayerLab's projection for a block from in_shape to out_shape, taken from sc."""
    try:
        code = projection(in_shape, out_shape, block_where)
    except SpecError as e:
        raise SpecError(block_where, msg("does not fit LayerLab's rules: {reason}", reason=e.message), e.received,
                        e.hint) from None
    op = sc.op
    if code is None:
        if op is not None:
            raise SpecError(where(op), msg("the shortcut has a {cls} layer although the block keeps the shape; "
                                           "LayerLab's residual block then adds its input unchanged",
                                           cls=op["class_name"]), op["class_name"],
                            msg("remove the shortcut's {cls} layer", cls=op["class_name"]))
        return {}
    module = from_code(code)
    rank, mat, strides = len(in_shape), None, [1] * (len(in_shape) - 1)
    if op is not None:
        kernel = weights["kernel"]                                   # Dense: (in, out); Conv: (*k, in, out)
        if op["class_name"] == ResidualBlock.keras_shortcut[0] or set(kernel.shape[:-2]) == {1}:
            mat = kernel.reshape(kernel.shape[-2:])
        if op["class_name"] != ResidualBlock.keras_shortcut[0]:
            strides = T.ints(op["config"].get("strides", 1), rank - 1)
    sizes = (module.in_features, module.out_features) if isinstance(module, torch.nn.Linear) else \
        (module.in_channels, module.out_channels)
    fits = mat is not None and mat.shape == sizes
    if isinstance(module, torch.nn.Linear):   # LayerLab's last axis: TF.js must hold the tensor as LayerLab does
        fits = fits and (rank == 1 or not sc.cl_at_op) and set(strides) <= {1}
    else:                                     # LayerLab's first axis as channels: TF.js' last one
        fits = fits and sc.cl_at_op and all(s == mine or m == 1 for s, mine, m in zip(strides, module.stride,
                                                                                      out_shape[1:]))
    if op is None or not fits:
        raise SpecError(where(op) if op else block_where,
                        msg("the shortcut does not compute what LayerLab's shortcut for this block computes ({code})",
                            code=code), op["class_name"] if op else msg("the input itself"),
                        msg("LayerLab projects a shortcut with a linear map on the last axis for features and "
                            "sequences, and with a 1x1 convolution (strides as the body shrinks the size) for "
                            "feature maps"))
    weight = mat.T.reshape(module.weight.shape)
    bias = weights.get("bias", np.zeros(weight.shape[0], np.float32))
    return {"weight": np.ascontiguousarray(weight), "bias": bias}
