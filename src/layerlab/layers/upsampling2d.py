"""upsampling2d: make an image larger by repeating (or blending) its pixels; no weights.

>>> u = get_layer("upsampling2d"); p = u.resolve({"size": 2}, "l")
>>> u.infer_shape(p, (8, 7, 7), "l"), u.code(p, (8, 7, 7))
((8, 14, 14), "nn.Upsample(scale_factor=(2.0, 2.0), mode='nearest')")
"""
from __future__ import annotations

from ..spec.params import Param
from .base import Case, LayerKind, from_code, get_layer, register
from .conv_base import as_tuple, rank_error
from ..spec.errors import SpecError
from ..i18n import msg
from . import tfjs_support as T


@register
class UpSampling2D(LayerKind):
    name = "upsampling2d"
    cases = (
        Case((2, 3, 4), {"size": 2}, (2, 6, 8)),
        Case((1, 3, 3), {"size": [2, 3], "interpolation": "bilinear"}, (1, 6, 9)),
    )
    family = "reshape"
    params = (
        Param("size", "int_or_ints", 2, "How many times larger the image gets (height, width).", min=1, max=64,
              length=2),
        Param("interpolation", "choice", "nearest", "'nearest' repeats pixels, 'bilinear' blends neighbours.",
              choices=("nearest", "bilinear"), expert=True),
    )
    summary = "Makes an image larger by repeating its pixels."
    explain = ("Each pixel becomes a small block of size x size pixels (or a smooth blend of its neighbours). "
               "Nothing is learned; decoders follow it with a convolution.")
    latex = r"y_{c,i,j} = x_{c,\lfloor i/s_h \rfloor,\lfloor j/s_w \rfloor}"

    def infer_shape(self, p, in_shape, path):
        if len(in_shape) != 3:
            raise rank_error(self, 2, in_shape, path)
        sh, sw = as_tuple(p["size"], 2)
        return (in_shape[0], in_shape[1] * sh, in_shape[2] * sw)

    def param_count(self, p, in_shape):
        return 0

    def code(self, p, in_shape):
        s = tuple(float(x) for x in as_tuple(p["size"], 2))
        # align_corners=False samples at pixel centres, as Keras' bilinear resize does
        extra = ", align_corners=False" if p["interpolation"] == "bilinear" else ""
        return f"nn.Upsample(scale_factor={s}, mode={p['interpolation']!r}{extra})"

    def build(self, p, in_shape):
        return from_code(self.code(p, in_shape))

    def activation_of(self, p):
        return None

    def math(self, p, in_shape=None):
        sh, sw = as_tuple(p["size"], 2)
        if p["interpolation"] == "bilinear":
            return rf"y = \mathrm{{bilinear}}_{{{sh} \times {sw}}}(x)"
        return rf"y_{{c,i,j}} = x_{{c,\lfloor i/{sh} \rfloor,\lfloor j/{sw} \rfloor}}"

    # -- TF.js: export, import, reference (dispatched by export/tfjs*.py) ---------------------------
    keras_classes = ("UpSampling2D",)
    keras_channels_last = True

    def tfjs_export(self, row, module, ctx):
        p = row.resolved
        if p.get("interpolation", "nearest") != "nearest":
            # TF.js 4.22 resizes with half_pixel_centers=False (source pixel = output pixel / size), PyTorch's
            # align_corners=False samples pixel centres: the edges and every other pixel differ
            raise SpecError(f"{row.path}.interpolation", msg("TF.js' bilinear upsampling samples pixels differently "
                                                             "from LayerLab's"), p.get("interpolation"),
                            msg("use interpolation 'nearest' to export to TF.js"))
        ctx.b.add("UpSampling2D", {"size": T.ints(p.get("size", 2), 2), "interpolation": "nearest",
                                   "data_format": "channels_last"})

    def tfjs_import(self, layer, ctx):
        c = layer.config
        if c.get("interpolation", "nearest") != "nearest":
            raise SpecError(layer.where, msg("bilinear upsampling in TF.js samples pixels differently from LayerLab"),
                            c.get("interpolation"), msg("use interpolation 'nearest'"))
        return {"type": "upsampling2d", "size": T.ints(c.get("size", 2), 2), "interpolation": "nearest"}, {}

    def tfjs_reference(self, cls, c, w, xs):
        if c.get("interpolation", "nearest") != "nearest":
            return None  # not computed: TF.js samples other source pixels (the export refuses bilinear)
        sh, sw = T.ints(c.get("size", 2), 2)
        return xs[0].repeat_interleave(sh, dim=1).repeat_interleave(sw, dim=2)


__all__ = ["UpSampling2D", "get_layer"]
