"""flatten: turn a block of values (e.g. feature maps) into one flat list."""
from __future__ import annotations

import math

from torch import nn

from .base import LayerKind, register


@register
class Flatten(LayerKind):
    name = "flatten"
    family = "reshape"
    transparent = True
    params = ()
    summary = "Lays all values out in one long list."
    summary_de = "Legt alle Werte in einer langen Liste aus."
    explain = "Feature maps are 3-D blocks; dense layers want a flat list. Flatten reads the block row by row."
    explain_de = "Feature-Maps sind 3-D-Blöcke; Dense-Schichten wollen eine flache Liste. Flatten liest den Block zeilenweise."
    latex = r"y = \mathrm{vec}(x)"

    def infer_shape(self, p, in_shape, path):
        return (math.prod(in_shape),)

    def param_count(self, p, in_shape):
        return 0

    def flops(self, p, in_shape, out_shape):
        return 0  # a view of the same numbers

    def activation_size(self, p, in_shape, out_shape):
        return 0

    def build(self, p, in_shape):
        return nn.Flatten()

    def code(self, p, in_shape):
        return "nn.Flatten()"

    def activation_of(self, p):
        return None
