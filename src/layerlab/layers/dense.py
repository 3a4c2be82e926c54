"""dense: every input connected to every output neuron."""
from __future__ import annotations

from torch import nn

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from ..spec.params import Param
from . import modules as M
from .activations import ACTIVATIONS, activation_param
from .base import Case, LayerKind, from_code, numel, register, weight_flops
from .initializers import INIT_PARAMS, REGULARIZER_PARAMS, init_module, reg_kwargs
from .latex import activated, bmatrix, weighted_sum, wrap
import numpy as np
from . import tfjs_support as T


@register
class Dense(LayerKind):
    name = "dense"
    cases = (
        Case((5,), {"units": 3}, (3,)),
        Case((4, 6), {"units": 2, "activation": "prelu", "use_bias": False}, (4, 2)),
        Case((4, 6), {"units": 3, "activation": "softmax"}, (4, 3)),
        Case((5,), {"units": 4, "kernel_initializer": "he_normal", "activation": "softmax"}, (4,)),
    )
    family = "core"
    keeps_layout = True
    params = (
        Param("units", "int", 32, "Number of neurons (output values).", min=1, max=65536,
              suggested=(8, 16, 32, 64, 128, 10)),
        activation_param("relu"),
        Param("use_bias", "bool", True, "Add a learned offset to each neuron.", expert=True),
        *INIT_PARAMS, *REGULARIZER_PARAMS,
    )
    summary = "Fully connected: every input feeds every neuron."
    explain = ("Each neuron multiplies every input by a weight, adds them up with a bias, and "
               "passes the sum through the activation.")
    latex = r"y = f(W x + b)"

    def infer_shape(self, p, in_shape, path):
        if len(in_shape) == 0:
            raise SpecError(path, msg("dense needs at least one input value"), in_shape,
                            msg("give it a list of numbers, e.g. after flatten"))
        if len(in_shape) > 2:
            index_path = path  # e.g. model.layers[3]: insert flatten at this position
            raise SpecError(path, msg("dense needs a flat input (a list of numbers), but gets a {rank}-D block",
                                      rank=len(in_shape)), msg("input of shape {shape}", shape=in_shape),
                            msg("insert a flatten layer before this dense layer"),
                            [Fix(msg("insert a flatten layer before it"),
                                 [{"op": "insert", "path": index_path, "value": {"type": "flatten"}}])])
        return (*in_shape[:-1], p["units"])

    def param_count(self, p, in_shape):
        return in_shape[-1] * p["units"] + (p["units"] if p["use_bias"] else 0) + (
            1 if p["activation"] == "prelu" else 0)

    def flops(self, p, in_shape, out_shape):
        return weight_flops(in_shape[-1] * p["units"], numel(in_shape[:-1]), out_shape, p)  # per row of a sequence

    def _activation_code(self, p, in_shape) -> str:
        code = ACTIVATIONS[p["activation"]].code
        # on a sequence (T, F) the units are the last axis: softmax must normalise over them, not over T
        return code.replace("dim=1", "dim=-1") if len(in_shape) > 1 else code

    def build(self, p, in_shape):
        core = nn.Linear(in_shape[-1], p["units"], bias=p["use_bias"])
        init_module(core, p["kernel_initializer"], p["bias_initializer"])
        return M.Activated(core, from_code(self._activation_code(p, in_shape)), **reg_kwargs(p))

    def code(self, p, in_shape):
        return (f"Activated(nn.Linear({in_shape[-1]}, {p['units']}, bias={p['use_bias']}), "
                f"{self._activation_code(p, in_shape)})")

    def numeric_math(self, p, module, max_weights=16, digits=4):
        lin = module.core if hasattr(module, "core") else module
        if not isinstance(lin, nn.Linear) or lin.weight.numel() > max_weights:
            return None
        inner = f"{bmatrix(lin.weight.detach().tolist(), digits)} x"
        if lin.bias is not None:
            inner += f" + {bmatrix([[b] for b in lin.bias.detach().tolist()], digits)}"
        return wrap(p.get("activation"), inner)

    def worked_math(self, p, module, x_in, y, digits=3, shown=4):
        lin = module.core if hasattr(module, "core") else module
        if not isinstance(lin, nn.Linear) or x_in.dim() != 1:
            return None
        j = int(y.abs().argmax())                                   # the output that says most
        z = float(lin(x_in[None])[0, j])
        w = lin.weight[j].detach().tolist()
        b = float(lin.bias[j].detach()) if lin.bias is not None else None
        inner = weighted_sum(w, x_in.tolist(), b, shown, digits)
        return activated(p.get("activation"), f"y_{{{j + 1}}}", inner, z, float(y[j]), digits), j

    def math(self, p, in_shape=None):
        f = ACTIVATIONS[p["activation"]].latex.split("=", 1)[1].strip()
        n = in_shape[-1] if in_shape else "n"
        return (rf"y_j = f\left(\sum_{{i=1}}^{{{n}}} w_{{ji}} x_i + b_j\right),\ j = 1..{p['units']},"
                rf"\quad f(x) = {f}")

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("Dense",)
    tfjs_takes_flat_order = True  # after a flatten of channels-last maps its kernel rows take TF.js' order
    tfjs_softmax_last = True  # its softmax normalises the units, the last axis, as a Keras activation string does

    def tfjs_export(self, row, module, ctx):
        st = T.state(module)
        # the units are the last axis in both layouts (TF.js holds a dense layer's input as LayerLab does), and
        # LayerLab's softmax of a dense layer runs over them: Keras' activation string says just that, at any rank
        act, extra = T.split_act(row.resolved, 1)
        weight, bias = T.find(st, "weight"), T.find(st, "bias")
        kernel = weight.T
        if ctx.flat_perm is not None:  # the flatten before it gave TF.js' order: read the rows in that order
            kernel, ctx.flat_perm = kernel[ctx.flat_perm], None
        ctx.b.add("Dense", {"units": int(weight.shape[0]), "activation": act, "use_bias": bias is not None},
                  T.with_bias({"kernel": kernel}, bias))
        if extra:
            ctx.b.activation(extra, len(row.out_shape), ctx.cl, row.path)

    def tfjs_import(self, layer, ctx):
        c, w = layer.config, layer.weights
        spec = {"type": "dense", "units": int(c["units"]), "activation": T.keras_act(c.get("activation"), layer.where),
                "use_bias": bool(c.get("use_bias", True))}
        kernel = w["kernel"]  # (in, out)
        wt = kernel.T.copy()
        if ctx.flat_perm is not None:  # rows are in TF.js' flatten order: put them in LayerLab's
            wt = np.empty_like(wt)
            wt[:, ctx.flat_perm] = kernel.T
            ctx.flat_perm = None
        return spec, {"weight": wt, **({"bias": w["bias"]} if "bias" in w else {})}

    def tfjs_reference(self, cls, c, w, xs):
        return T.ref_act(c)(xs[0] @ w["kernel"] + (w["bias"] if "bias" in w else 0.0))
