"""The layer catalogue: one module per layer kind, registered by the name users type."""
from .base import FAMILIES, LAYERS, LayerKind, Shape, get_layer, load_all, register
from .activations import ACTIVATIONS, build_activation
from .initializers import INITIALIZERS

__all__ = ["ACTIVATIONS", "FAMILIES", "INITIALIZERS", "LAYERS", "LayerKind", "Shape",
           "build_activation", "get_layer", "load_all", "register"]
