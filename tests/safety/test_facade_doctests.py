"""The facade modules' runnable examples stay true (tests/test_doctests.py runs the core's): what each
api_*.py module names for the studio, the CLI and the server is shown working in its docstring."""
from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["layerlab.api_data", "layerlab.api_export", "layerlab.api_inspect", "layerlab.api_project",
           "layerlab.api_runs", "layerlab.api_spec", "layerlab.api_workspace"]


@pytest.mark.parametrize("name", MODULES)
def test_facade_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} shows no example"
    assert result.failed == 0
