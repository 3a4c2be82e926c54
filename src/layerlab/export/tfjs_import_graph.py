"""The shape of a TF.js Layers model as LayerLab reads it: a chain of layers and residual blocks.

A Sequential model is a chain. A functional one ("Model", "Functional") is read back into a
chain as well when every join is an Add of two branches that leave one tensor: one branch is
the block's body, the other its shortcut - the tensor itself, or one Dense or 1x1 convolution,
with Permute layers where the two branches' layouts differ. That is the graph LayerLab's TF.js
export writes for a residual block, and the usual hand-built Keras ResNet block; blocks may
nest, and may follow one another. Any other graph is refused with what is supported.

>>> def layer(cls, name, *inputs):
...     return {"class_name": cls, "name": name, "config": {"name": name}, "inbound_nodes": [[[i, 0, 0, {}]
...             for i in inputs]] if inputs else []}
>>> graph = {"class_name": "Model", "config": {"input_layers": [["x", 0, 0]], "output_layers": [["r", 0, 0]],
...     "layers": [layer("InputLayer", "x"), layer("Dense", "d", "x"), layer("Add", "a", "d", "x"),
...                layer("Activation", "r", "a")]}}
>>> _, items, _ = chain({"modelTopology": graph})
>>> [names(i.body) for i in items[:1]], items[0].shortcut, items[1]["name"]
([['d']], [], 'r')
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from ..i18n import msg
from ..layers.base import LayerKind, load_all
from ..spec.errors import SpecError


def joins() -> dict[str, LayerKind]:
    """Keras class of a join (Add) -> the layer kind that holds the branches it joins (residual)."""
    return {cls: kind for kind in load_all().values() if kind.holds_layers for cls in kind.keras_written}


@dataclass
class Block:
    """Two branches from one tensor added by `add`: a residual block (body, shortcut)."""

    body: list[Any]                  # layer dicts and Blocks, in order
    shortcut: list[dict[str, Any]]   # Permute layers and at most one projection
    add: dict[str, Any]
    kind: str = ""                   # the layer kind that holds it (the one whose Keras join `add` is)


def names(items: list[Any]) -> list[Any]:
    """Layer names of a chain, a block as [body names, shortcut names] (for messages and doctests)."""
    return [[names(i.body), names(i.shortcut)] if isinstance(i, Block) else _name(i) for i in items]


def flat(items: list[Any]) -> Iterator[dict[str, Any]]:
    """The layers of a chain in the order they compute: a block's body before its shortcut."""
    for item in items:
        if isinstance(item, Block):
            yield from flat(item.body)
            yield from item.shortcut
        else:
            yield item


def _name(layer: dict[str, Any]) -> str:
    return layer.get("name") or layer.get("config", {}).get("name") or layer.get("class_name", "?")


def _refs(node: Any) -> Iterator[list[Any]]:
    """[layer name, node index, tensor index] of each input of one call, in TF.js' or Keras 3's format."""
    if isinstance(node, dict):
        if "keras_history" in node.get("config", {}):
            yield list(node["config"]["keras_history"])
            return
        for value in (node.get("args", []), *node.get("kwargs", {}).values()) if "args" in node else ():
            yield from _refs(value)
    elif isinstance(node, list) and node and isinstance(node[0], str):
        yield node[:3]
    elif isinstance(node, list):
        for part in node:
            yield from _refs(part)


# what the refusals say LayerLab reads; one Text (the reader's language is chosen when it is shown)
SUPPORTED_GRAPHS = msg("the only branches LayerLab imports are residual blocks: two branches from one tensor joined "
                       "by an Add, one of them the tensor itself or a single Dense or 1x1 Conv layer with a linear "
                       "activation (Permute layers allowed), the other the block's layers")


def _unsupported(layer: dict[str, Any], where: str, message: Any = None) -> SpecError:
    """The refusal of a graph that is not a chain with residual blocks: says what LayerLab imports."""
    return SpecError(where, message or msg("layer {name!r} has several inputs: LayerLab models are one chain",
                                           name=_name(layer)), layer.get("class_name"),
                     msg("{first}; {then}", first=SUPPORTED_GRAPHS, then=msg("import a Sequential model")))


class _Graph:
    """A functional model's layers by name, their inputs, and the tensors each layer depends on."""

    def __init__(self, layers: list[dict[str, Any]]):
        self.by_name = {_name(layer): layer for layer in layers}
        self.position = {_name(layer): i for i, layer in enumerate(x for x in layers
                                                                    if x.get("class_name") != "InputLayer")}
        self.inputs: dict[str, list[str]] = {}
        for layer in layers:
            nodes = layer.get("inbound_nodes") or []
            refs = list(_refs(nodes[0])) if nodes else []
            unknown = next((r for r in refs if len(r) < 3 or r[0] not in self.by_name), None)
            if unknown is not None:
                raise SpecError(self.where(layer), msg("reads the output of {ref!r}, a layer the model does not have",
                                                       ref=unknown[0] if unknown else None), unknown,
                                msg("export the model again"))
            # a layer called on several tensors shares its weights between the calls; [name, 1, 0] reads such a
            # second call, [name, 0, 1] a second output
            again = next((self.by_name[r[0]] for r in refs if r[1:3] != [0, 0]), None)
            if len(nodes) > 1 or again is not None:
                shared = layer if len(nodes) > 1 else again
                raise _unsupported(shared, self.where(shared), msg(
                    "layer {name!r} is called more than once or gives several outputs; a LayerLab layer has its own "
                    "weights and one output", name=_name(shared)))
            self.inputs[_name(layer)] = [r[0] for r in refs]
        self._up: dict[str, frozenset[str]] = {}
        self.seen: set[str] = set()

    def where(self, layer: dict[str, Any]) -> str:
        name = _name(layer)
        return f"layer {self.position.get(name, '?')} ({name}, {layer.get('class_name')})"

    def upstream(self, name: str) -> frozenset[str]:
        """The layer itself and every layer it depends on."""
        if name not in self._up:
            found, todo = {name}, list(self.inputs.get(name, []))
            while todo:
                n = todo.pop()
                if n not in found:
                    found.add(n)
                    todo.extend(self.inputs.get(n, []))
            self._up[name] = frozenset(found)
        return self._up[name]

    def chain(self, end: str, stop: str | None, join: dict[str, Any] | None = None) -> list[Any]:
        """The items computing `end` from `stop`'s output (None: from the model's input), a branch of `join`."""
        items: list[Any] = []
        node = end
        while node != stop:
            layer = self.by_name[node]
            ins = self.inputs[node]
            if join is not None and (node in self.seen or stop not in self.upstream(node)):
                # a layer inside the branch feeds something outside it too (or the branch bypasses the fork)
                raise _unsupported(join, self.where(join), msg(
                    "the two branches that layer {name!r} adds are no residual block: they do not leave one tensor "
                    "and stay apart until the Add", name=_name(join)))
            self.seen.add(node)
            if not ins:
                if stop is None and layer.get("class_name") == "InputLayer":
                    break
                raise _unsupported(layer, self.where(layer), msg(
                    "layer {name!r} is not on the path from the model's input to its output", name=node))
            if len(ins) == 1:
                items.insert(0, layer)
                node = ins[0]
                continue
            kind = joins().get(layer.get("class_name"))
            if kind is None or len(ins) != 2:
                raise _unsupported(layer, self.where(layer))
            common = self.upstream(ins[0]) & self.upstream(ins[1])
            if not common:
                raise _unsupported(layer, self.where(layer))
            fork = max(common, key=lambda n: len(self.upstream(n)))  # the nearest tensor both branches leave
            first, second = self.chain(ins[0], fork, layer), self.chain(ins[1], fork, layer)
            items.insert(0, _block(kind, first, second, layer, self.where(layer)))
            node = fork
        return items


def _block(kind: LayerKind, first: list[Any], second: list[Any], add: dict[str, Any], where: str) -> Block:
    """Which branch is the shortcut (the kind says what one may hold): LayerLab's export adds (body, shortcut);
    Keras code often the other way."""
    if kind.tfjs_is_shortcut(second) and not (second and not first):
        return Block(first, second, add, kind.name)
    if kind.tfjs_is_shortcut(first):
        return Block(second, first, add, kind.name)
    raise SpecError(where, msg("neither branch into this Add is a shortcut LayerLab can hold"),
                    [names(first), names(second)], SUPPORTED_GRAPHS)


def chain(doc: dict[str, Any]) -> tuple[dict[str, Any], list[Any], dict[str, int]]:
    """(config that gives the input shape, the chain of layers and Blocks, each layer's position for messages)."""
    topo = doc["modelTopology"]
    topo = topo.get("model_config", topo)  # tf.keras' save format nests it once more
    cfg = topo.get("config", {})
    layers = cfg.get("layers", cfg) if isinstance(cfg, dict) else cfg
    if not isinstance(layers, list) or not all(isinstance(x, dict) and "class_name" in x for x in layers):
        raise SpecError("", msg("model.json has no list of layers"), type(layers).__name__,
                        msg("export the model again"))
    kind = topo.get("class_name")
    if kind == "Sequential":
        body = [x for x in layers if x["class_name"] != "InputLayer"]
        return (layers[0].get("config", {}) if layers else {}), body, {_name(x): i for i, x in enumerate(body)}
    if kind not in ("Model", "Functional"):
        also = msg("a functional model may also hold residual blocks (two branches joined by an Add)")
        raise SpecError("", msg("only Sequential models (and functional models that are a plain chain) can be "
                                "imported"), kind,
                        msg("{first}; {then}", first=msg("rebuild the model as tf.sequential()"), then=also))
    g = _Graph(layers)
    ins, outs = cfg.get("input_layers") or [], cfg.get("output_layers") or []
    ins, outs = ([ins] if ins and isinstance(ins[0], str) else ins), \
        ([outs] if outs and isinstance(outs[0], str) else outs)   # Keras 3 writes one input as a bare reference
    if len(ins) != 1 or len(outs) != 1 or ins[0][0] not in g.by_name or outs[0][0] not in g.by_name:
        raise SpecError("", msg("the model has {n} inputs and {m} outputs; a LayerLab model has one of each",
                                n=len(ins), m=len(outs)), [r[0] for r in [*ins, *outs]],
                        msg("save a model with one input and one output"))
    items = g.chain(outs[0][0], None)
    unused = [x for x in layers if _name(x) not in g.seen]
    if unused:  # layers whose outputs lead nowhere, or a second input
        raise _unsupported(unused[0], g.where(unused[0]), msg(
            "layer {name!r} is not on the path from the model's input to its output", name=_name(unused[0])))
    return g.by_name[ins[0][0]].get("config", {}), items, g.position
