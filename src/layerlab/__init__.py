"""LayerLab: design, debug, train and test neural networks without code.

>>> import layerlab
>>> "digits" in layerlab.example_names()
True
"""
from .api import Project, example, example_names, examples, load, new
from .spec.errors import Fix, SpecError

__version__ = "0.1.0"
__all__ = ["Fix", "Project", "SpecError", "example", "example_names", "examples", "load", "new"]
