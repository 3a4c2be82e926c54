"""embedding: turn token ids (whole numbers) into learned vectors.

Input is integer ids of any shape, e.g. (T,) for T tokens; output adds an axis: (T, output_dim).
input_dim is the vocabulary size: ids must lie in 0 .. input_dim - 1.

>>> e = get_layer("embedding"); p = e.resolve({"input_dim": 97, "output_dim": 16}, "l")
>>> e.infer_shape(p, (2,), "l"), e.param_count(p, (2,))
((2, 16), 1552)
"""
from __future__ import annotations

from ..i18n import msg
from ..spec.errors import SpecError
from ..spec.params import Param
from .base import Case, LayerKind, from_code, get_layer, register
from .initializers import INITIALIZERS, init_tensor
from . import tfjs_support as T


@register
class Embedding(LayerKind):
    name = "embedding"
    cases = (
        Case((5,), {"input_dim": 11, "output_dim": 4}, (5, 4)),
        Case((2, 3), {"input_dim": 7, "output_dim": 2}, (2, 3, 2)),
    )
    family = "core"
    token_input = True
    makes_sequence = True
    params = (
        Param("input_dim", "int", 1000, "Vocabulary size: token ids run from 0 to input_dim - 1.", min=1,
              max=10_000_000),
        Param("output_dim", "int", 32, "Length of the vector learned for each token.", min=1, max=65536,
              suggested=(8, 16, 32, 64, 128)),
        Param("embeddings_initializer", "choice", "default", "How the vectors start before training.",
              choices=tuple(INITIALIZERS), expert=True),
    )
    summary = "Looks up a learned vector for each token id."
    explain = ("A table with one row per word or symbol: each token id picks its row. Training moves the rows so "
               "that tokens used alike end up close together.")
    latex = r"y_t = E[x_t]"

    def infer_shape(self, p, in_shape, path):
        if len(in_shape) == 0:
            raise SpecError(path, msg("embedding needs a list of token ids"), in_shape,
                            msg("give it token input, e.g. (T,)"))
        return (*in_shape, p["output_dim"])

    def param_count(self, p, in_shape):
        return p["input_dim"] * p["output_dim"]

    def code(self, p, in_shape):
        return f"nn.Embedding({p['input_dim']}, {p['output_dim']})"

    def build(self, p, in_shape):
        m = from_code(self.code(p, in_shape))
        init_tensor(m.weight, p["embeddings_initializer"])
        return m

    def activation_of(self, p):
        return None

    def math(self, p, in_shape=None):
        return rf"y_t = E[x_t],\ E \in \mathbb{{R}}^{{{p['input_dim']} \times {p['output_dim']}}}"

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("Embedding",)

    def tfjs_export(self, row, module, ctx):
        weight = T.find(T.state(module), "weight")
        ctx.b.add("Embedding", {"input_dim": int(weight.shape[0]), "output_dim": int(weight.shape[1])},
                  {"embeddings": weight})

    def tfjs_import(self, layer, ctx):
        c = layer.config
        return ({"type": "embedding", "input_dim": int(c["input_dim"]), "output_dim": int(c["output_dim"])},
                {"weight": layer.weights["embeddings"]})

    def tfjs_reference(self, cls, c, w, xs):
        return w["embeddings"][xs[0].long()]


__all__ = ["Embedding", "get_layer"]
