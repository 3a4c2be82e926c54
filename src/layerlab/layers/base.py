"""The layer contract and registry. Adding a layer kind touches one module in this folder.

A layer kind declares its parameters once and provides a pure shape rule, a torch build,
its costs per sample (parameter count, FLOPs of a forward pass, values kept for the backward
pass; the budgets in spec/budgets.py add them up before anything is built), LaTeX,
plain-language explanations (en/de) and a code snippet.
Shapes exclude the batch and follow PyTorch: images are (C, H, W), sequences (T, F).

>>> from layerlab.layers import get_layer
>>> dense = get_layer("dense")
>>> p = dense.resolve({"units": 10}, "model.layers[0]")
>>> dense.infer_shape(p, (64,), "model.layers[0]")
(10,)
>>> dense.param_count(p, (64,))
650
>>> dense.flops(p, (64,), (10,)), dense.activation_size(p, (64,), (10,))
(1300, 20)
"""
from __future__ import annotations

import math
import sys
from typing import Any, ClassVar, NamedTuple

from torch import nn

from ..i18n import Text, msg, translate
from ..spec.errors import Fix, SpecError
from ..spec.params import Param, resolve_params
from ..spec.registry import Registry
from . import modules

Shape = tuple[int, ...]

class Case(NamedTuple):
    """A conformance case a layer kind declares (LayerKind.cases): its params, an input shape without the
    batch and the output shape its shape rule must give; layers/conformance.py checks each."""

    in_shape: Shape
    params: dict[str, Any]
    out_shape: Shape


FAMILIES = ("core", "convolution", "pooling", "normalization", "regularization",
            "recurrent", "reshape", "structure")


class LayerKind:
    """Base of every layer kind. Subclasses set the class attributes and override methods."""

    name: ClassVar[str]
    family: ClassVar[str] = "core"
    params: ClassVar[tuple[Param, ...]] = ()
    summary: ClassVar[str] = ""          # one line, English
    explain: ClassVar[str] = ""          # plain words, English
    latex: ClassVar[str] = ""            # formula with symbols x (input), y (output)
    exportable: ClassVar[bool] = True    # to ONNX; False needs `export_note`
    export_note: ClassVar[str] = ""
    transparent: ClassVar[bool] = False  # keeps the values' meaning (reshape, dropout, noise): checks look through it
    token_input: ClassVar[bool] = False  # reads integer token ids (embedding), not float values
    holds_layers: ClassVar[bool] = False  # has its own `layers` list (residual)
    # layout flags, read by the sequence-layout check (spec/check.py); sequences are (steps, features)
    makes_sequence: ClassVar[bool] = False  # a two-axis output is (steps, features) (embedding, recurrent)
    reads_channels: ClassVar[bool] = False  # reads a two-axis input as (channels, length) (conv1d, 1-D pools)
    keeps_layout: ClassVar[bool] = False    # works per step, keeping (steps, features) (dense, norms, noise)
    cases: ClassVar[tuple[Case, ...]] = ()  # conformance cases: check_layer_kind runs each (at least one)

    # -- parameters --------------------------------------------------------------------
    def resolve(self, raw: dict[str, Any], path: str) -> dict[str, Any]:
        """Validated parameters with defaults filled (raw may include 'type')."""
        given = {k: v for k, v in raw.items() if k not in ("type", "name", "comment")}
        return resolve_params(self.params, given, path, msg("layer {name!r}", name=self.name))

    # -- the contract ------------------------------------------------------------------
    def infer_shape(self, p: dict[str, Any], in_shape: Shape, path: str) -> Shape:
        """Output shape for an input shape, or a SpecError (with fixes where obvious)."""
        raise NotImplementedError

    def build(self, p: dict[str, Any], in_shape: Shape) -> nn.Module:
        """A torch module computing this layer (without the batch in the shapes)."""
        raise NotImplementedError

    def param_count(self, p: dict[str, Any], in_shape: Shape) -> int:
        """Number of trainable parameters (default: count a built module)."""
        return sum(t.numel() for t in self.build(p, in_shape).parameters() if t.requires_grad)

    def flops(self, p: dict[str, Any], in_shape: Shape, out_shape: Shape) -> int:
        """Floating-point operations of one forward pass of one sample (default: one per output value).

        Kinds with weights override it (a multiply-add counts 2); training costs about 3x this.
        """
        return numel(out_shape)

    def activation_size(self, p: dict[str, Any], in_shape: Shape, out_shape: Shape) -> int:
        """Numbers per sample that training keeps for the backward pass (default: the output, twice
        when a non-linear activation keeps its input as well)."""
        return numel(out_shape) * (2 if p.get("activation", "linear") not in ("linear", None) else 1)

    def from_body(self, p: dict[str, Any], in_shape: Shape, body: list[Any], path: str
                  ) -> tuple[Shape, int, int, int]:
        """A block's (out_shape, params, flops, activations) from its body's rows, inferred once (holds_layers)."""
        raise NotImplementedError

    def code(self, p: dict[str, Any], in_shape: Shape) -> str:
        """A Python expression that constructs the same module using torch/nn only."""
        raise NotImplementedError

    def math(self, p: dict[str, Any], in_shape: Shape | None = None) -> str:
        """LaTeX for this layer with its parameters."""
        return self.latex

    def numeric_math(self, p: dict[str, Any], module: nn.Module, max_weights: int = 16, digits: int = 4
                     ) -> str | None:
        """The formula with the built module's numbers filled in (layers/latex.py helps), or None when the
        layer has more than max_weights weights or no such form (the math view shows math() then)."""
        return None

    def worked_math(self, p: dict[str, Any], module: nn.Module, x_in: Any, y: Any, digits: int = 3,
                    shown: int = 4) -> tuple[str, int] | None:
        """One output of one sample worked out from the weights, as LaTeX, and the unit it picked (from 0);
        x_in and y are the sample's tensors before and after the layer (no batch axis), under no_grad.
        None where the kind has no such sketch."""
        return None

    def activation_of(self, p: dict[str, Any]) -> str | None:
        """The activation this layer applies at its end, if any (used for logits)."""
        return p.get("activation")

    # -- helpers for subclasses ---------------------------------------------------------
    def expect_rank(self, in_shape: Shape, ranks: tuple[int, ...], path: str, what: str,
                    fixes: list[Fix] | None = None, hint: str = "") -> None:
        """Raise a SpecError unless len(in_shape) is one of ranks."""
        if len(in_shape) not in ranks:
            raise SpecError(path, msg("{name} needs {what}", name=self.name, what=what),
                            msg("input of shape {shape}", shape=_shape(in_shape)),
                            hint or msg("change the layers before it so they give {what}", what=what), fixes)

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """A JSON-able description: for the studio's palette, the CLI and the docs."""
        return {
            "name": cls.name, "family": cls.family, "summary": cls.summary,
            "summary_de": translate(cls.summary, "de"), "explain": cls.explain,
            "explain_de": translate(cls.explain, "de"), "latex": cls.latex,
            "params": [p.to_dict() for p in cls.params],
            "exportable": cls.exportable, "export_note": cls.export_note,
            "holds_layers": cls.holds_layers, "token_input": cls.token_input,
        }


    # -- TF.js (export, import, reference): the adapters the walkers in export/tfjs*.py dispatch to ------
    # A kind either overrides tfjs_export, tfjs_import and tfjs_reference or declares tfjs_refused.
    tfjs_refused: ClassVar[Any] = None           # a layers.tfjs_support.Refused(reason): TF.js cannot hold it
    keras_classes: ClassVar[tuple[str, ...]] = ()  # the Keras classes this kind imports (and the reference computes)
    keras_written: ClassVar[tuple[str, ...]] = ()  # further Keras classes its export writes (the reference computes)
    keras_channels_last: ClassVar[bool] = False   # its Keras classes compute channels-last (convolutions, pooling)
    tfjs_own_layout: ClassVar[bool] = False       # chooses its input layout itself (flatten): no Permute before it
    tfjs_elementwise: ClassVar[bool] = False      # computes value by value: right in either layout
    tfjs_takes_flat_order: ClassVar[bool] = False  # reads a flatten of channels-last maps in TF.js' order (dense)
    tfjs_softmax_last: ClassVar[bool] = False     # its activation's softmax runs over the last axis (dense)

    def tfjs_refusal(self, layer: dict[str, Any], refusal: Any) -> Any:
        """Why TF.js cannot hold this spec layer (raw dict; a Text) or None; `refusal` answers for nested layers."""
        return self.tfjs_refused.reason if self.tfjs_refused is not None else None

    def tfjs_channels_last(self, row: Any, prefers: Any) -> bool | None:
        """Whether TF.js computes this layer channels-last (True), in LayerLab's layout (False), or in either (None);
        `prefers` answers for nested rows."""
        return None if self.tfjs_elementwise else self.keras_channels_last

    def tfjs_export(self, row: Any, module: nn.Module, ctx: Any) -> None:
        """Add the Keras layers for this layer (a layers.stack.Row) to ctx.b, its input laid out as ctx.cl says."""
        raise NotImplementedError

    def tfjs_import(self, layer: Any, ctx: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """(LayerLab layer dict, {parameter suffix: array}) for one Keras layer (a tfjs_support.KerasLayer)."""
        raise NotImplementedError

    def tfjs_import_layout(self, cls: str, c: dict[str, Any], rank: int, nxt: str | None) -> bool | None:
        """The layout this Keras layer reads LayerLab's tensor in: channels-last (True), LayerLab's (False), either."""
        return None if self.tfjs_agnostic(cls, c) else self.tfjs_keras_channels_last(cls)

    def tfjs_keras_channels_last(self, cls: str) -> bool:
        """Whether this Keras class computes on channels-last maps."""
        return self.keras_channels_last

    def tfjs_agnostic(self, cls: str, c: dict[str, Any]) -> bool:
        """Whether TF.js computes this Keras layer the same in either layout (elementwise ones)."""
        return self.tfjs_elementwise

    def tfjs_import_layout_only(self, layer: Any, ctx: Any, nxt: str | None) -> bool:
        """True when this Keras layer only moves TF.js' layout back to what LayerLab holds (ctx.cl is updated)."""
        return False

    def tfjs_import_takes(self, cls: str, following: dict[str, Any]) -> bool:
        """Whether this Keras layer takes the layer after it in as its own part (a Cropping2D after Conv2DTranspose)."""
        return False

    def tfjs_import_absorbs(self, mine: dict[str, Any], spec: dict[str, Any]) -> bool:
        """Whether this imported layer (mine) takes the next one (spec) in (a residual block's activation)."""
        return False

    def tfjs_reference(self, cls: str, c: dict[str, Any], w: dict[str, Any], xs: list[Any]) -> Any:
        """A Keras layer's output computed by TF.js' rules (torch tensors, channels-last), or None: not computed."""
        raise NotImplementedError


_CLASSES: dict[tuple[str, ...], dict[str, type[nn.Module]]] = {}


def module_classes() -> dict[str, type[nn.Module]]:
    """The nn.Module helpers that code() snippets may name: those defined in the module of each
    registered layer kind or of a base class it shares with others (e.g. pool_base.py), and those of the
    activation catalogue (activations.py, for every kind with an activation setting), built-in or
    plug-in, in module-name order, each in source order; then the shared ones of layers/modules.py.
    Generated scripts copy their source."""
    names = sorted({c.__module__ for k in load_all().values() for c in type(k).__mro__ if c is not object}
                   | {f"{__package__}.activations"})
    key = tuple(names)
    if key not in _CLASSES:
        found: dict[str, type[nn.Module]] = {}
        for mod in [sys.modules[n] for n in names if n in sys.modules] + [modules]:
            for n, c in vars(mod).items():
                if isinstance(c, type) and issubclass(c, nn.Module) and c.__module__ == mod.__name__:
                    if found.get(n, c) is not c:
                        raise ValueError(f"two layer helper classes are named {n!r}: in {found[n].__module__} and "
                                         f"{mod.__name__}; generated code names them, so rename one")
                    found[n] = c
        _CLASSES.clear()
        _CLASSES[key] = found
    return _CLASSES[key]


def code_namespace() -> dict[str, Any]:
    """What code() snippets may use: nn, torch and the helper classes of every layer kind's module."""
    import torch
    return {"nn": nn, "torch": torch, **module_classes()}


def from_code(code: str) -> nn.Module:
    """The module a code() snippet constructs; build() uses it so scripts and builds cannot drift."""
    return eval(code, code_namespace())  # our own generated text, never user input


def numel(shape: Shape) -> int:
    """Values in one sample of this shape (1 for a scalar)."""
    return math.prod(shape)


def weight_flops(weights: int, positions: int, out_shape: Shape, p: dict[str, Any]) -> int:
    """FLOPs of a layer applying `weights` multiply-adds at `positions` places, plus bias and activation."""
    extra = numel(out_shape) * (2 if p.get("activation", "linear") not in ("linear", None) else 1)
    return 2 * weights * positions + extra


def _shape(s: Shape) -> str:
    return "(" + ", ".join(str(d) for d in s) + ")"


def _canonical(name: str) -> str:
    n = name.lower().replace("_", "")
    for long, short in (("pooling", "pool"), ("average", "avg"), ("normalization", "norm")):
        n = n.replace(long, short)
    return n


def keras_alias(name: str, valid: list[str]) -> str | None:
    """Our name for a Keras/TF.js class name: MaxPooling2D -> max_pool2d, GlobalAveragePooling2D -> global_avg_pool."""
    table = {_canonical(v): v for v in valid}
    n = _canonical(name)
    if n.startswith("global") and n[-2:] in ("1d", "2d", "3d"):
        n = n[:-2]  # one global pool serves every rank here
    return table.get(n)


def _unknown_hint(close: str | None, listing: str) -> Text:
    if close:
        return msg("did you mean {close!r}? Valid layer types: {listing}", close=close, listing=listing)
    return msg("Valid layer types: {listing}", listing=listing)


REGISTRY: Registry[LayerKind] = Registry("layer", msg("is not a known layer type"), _unknown_hint,
                                         package=__package__, path="type", alias=keras_alias,
                                         group="layerlab.layers")
LAYERS = REGISTRY.entries
register = REGISTRY.register


def load_all() -> dict[str, LayerKind]:
    """Every layer kind, after importing each module of this package (each registers its own)."""
    return REGISTRY.load()


def get_layer(name: Any, path: str = "type") -> LayerKind:
    """The layer kind registered under a name, or a SpecError listing the valid names."""
    return REGISTRY.get(name, path)
