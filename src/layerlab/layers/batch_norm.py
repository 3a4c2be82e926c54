"""batch_norm: normalises each feature or channel over the batch, then learns a scale and shift.

It follows the rank of its input: (F,) and (C, L) use BatchNorm1d, (C, H, W) BatchNorm2d,
(C, D, H, W) BatchNorm3d.

>>> bn = get_layer("batch_norm"); p = bn.resolve({}, "l")
>>> bn.param_count(p, (16, 8, 8)), bn.code(p, (16, 8, 8))
(32, 'nn.BatchNorm2d(16, eps=0.001, momentum=0.01, affine=True)')
"""
from __future__ import annotations

import torch

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from ..spec.params import Param
from .base import Case, get_layer, register
from .norm_base import EPS, SCALE, Norm
from . import tfjs_support as T


@register
class BatchNorm(Norm):
    name = "batch_norm"
    cases = (
        Case((5,), {}, (5,)),
        Case((3, 7), {"momentum": 0.9}, (3, 7)),
        Case((2, 5, 5), {"scale": False}, (2, 5, 5)),
        Case((2, 3, 4, 4), {"epsilon": 1e-05}, (2, 3, 4, 4)),
    )
    params = (
        Param("momentum", "float", 0.99, "How slowly the running mean and variance follow each batch (Keras' "
              "meaning: 0.99 keeps 99% of the old value).", min=0.0, max=1.0, expert=True),
        EPS, SCALE,
    )
    summary = "Normalises each feature over the batch; speeds up and steadies training."
    explain = ("For each feature (or image channel) it subtracts the batch's mean and divides by its spread, then "
               "applies a learned scale and shift. While training it keeps running averages, which it uses "
               "afterwards.")
    latex = r"y = \gamma \frac{x - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}} + \beta"

    def infer_shape(self, p, in_shape, path):
        if not 1 <= len(in_shape) <= 4:
            raise SpecError(path, msg("batch_norm needs features (F,), a signal (C, L), an image (C, H, W) or a "
                                      "volume (C, D, H, W)"), msg("input of shape {shape}", shape=tuple(in_shape)),
                            msg("insert a flatten layer before it"),
                            [Fix(msg("insert a flatten layer before it"),
                                 [{"op": "insert", "path": path, "value": {"type": "flatten"}}])])
        return tuple(in_shape)

    def param_count(self, p, in_shape):
        return 2 * in_shape[0] if p["scale"] else 0

    def code(self, p, in_shape):
        dims = max(1, len(in_shape) - 1)
        # torch's momentum is the weight of the new batch; Keras' (declared here) that of the old value
        return (f"nn.BatchNorm{dims}d({in_shape[0]}, eps={p['epsilon']}, momentum={round(1 - p['momentum'], 10)}, "
                f"affine={p['scale']})")

    def math(self, p, in_shape=None):
        c = in_shape[0] if in_shape else "C"
        return (rf"y_c = \gamma_c \frac{{x_c - \mu_c}}{{\sqrt{{\sigma_c^2 + {p['epsilon']:g}}}}} + \beta_c,"
                rf"\ c = 1..{c}")

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("BatchNormalization",)
    keras_channels_last = True

    def tfjs_export(self, row, module, ctx):
        st = T.state(module)
        bn = next(mod for mod in module.modules() if isinstance(mod, torch.nn.modules.batchnorm._BatchNorm))
        ctx.b.add("BatchNormalization", {"axis": -1, "epsilon": float(bn.eps),
                                         "momentum": 1 - float(bn.momentum or 0.1), "center": bn.affine,
                                         "scale": bn.affine},
                  {**({"gamma": T.find(st, "weight"), "beta": T.find(st, "bias")} if bn.affine else {}),
                   "moving_mean": T.find(st, "running_mean"), "moving_variance": T.find(st, "running_var")})

    def tfjs_import(self, layer, ctx):
        c, w = layer.config, layer.weights
        scale = bool(c.get("scale", True)) and bool(c.get("center", True))
        spec = {"type": "batch_norm", "momentum": float(c.get("momentum", 0.99)),
                "epsilon": float(c.get("epsilon", 1e-3)), "scale": scale}
        t = {"running_mean": w["moving_mean"], "running_var": w["moving_variance"]}
        if scale:
            t.update(weight=w["gamma"], bias=w["beta"])
        return spec, t

    def tfjs_reference(self, cls, c, w, xs):
        x = xs[0]
        y = (x - w["moving_mean"]) / torch.sqrt(w["moving_variance"] + float(c.get("epsilon", 1e-3)))
        return y * w.get("gamma", 1.0) + w.get("beta", 0.0)


__all__ = ["BatchNorm", "get_layer"]
