"""The runnable examples in the core's docstrings stay true (the studio's pages are tested by page tests)."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import layerlab.data
import layerlab.engine
import layerlab.export
import layerlab.i18n
import layerlab.inspect
import layerlab.layers
import layerlab.spec
import layerlab.store

PACKAGES = (layerlab.layers, layerlab.spec, layerlab.i18n, layerlab.data, layerlab.engine, layerlab.inspect,
            layerlab.export, layerlab.store)
MODULES = [pkg.__name__ for pkg in PACKAGES] + [f"{pkg.__name__}.{m.name}" for pkg in PACKAGES
                                                 for m in pkgutil.iter_modules(pkg.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
