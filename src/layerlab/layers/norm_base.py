"""What batch_norm and layer_norm (one module each) share: the epsilon and scale parameters and the Norm
base class (family, build from code, no activation, FLOPs and activation size of normalising).
"""
from __future__ import annotations

from ..spec.params import Param
from .base import LayerKind, from_code, numel

EPS = Param("epsilon", "float", 1e-3, "Small number added to the variance to avoid dividing by zero.",
            min=1e-12, max=1.0, expert=True)
SCALE = Param("scale", "bool", True, "Learn a scale and a shift after normalising (gamma, beta).", expert=True)


class Norm(LayerKind):
    family = "normalization"

    def build(self, p, in_shape):
        return from_code(self.code(p, in_shape))

    def activation_of(self, p):
        return None

    def flops(self, p, in_shape, out_shape):
        return 5 * numel(out_shape)  # mean, variance, subtract, divide, scale and shift

    def activation_size(self, p, in_shape, out_shape):
        return 2 * numel(out_shape)  # the normalised values and the output


__all__ = ["EPS", "SCALE", "Norm"]
