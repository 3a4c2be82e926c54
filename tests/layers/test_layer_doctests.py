"""The runnable examples in the docstrings of the layer catalogue and the spec stay true."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import layerlab.layers
import layerlab.spec

MODULES = [f"{pkg.__name__}.{m.name}" for pkg in (layerlab.layers, layerlab.spec)
           for m in pkgutil.iter_modules(pkg.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
