"""Issue 16.1: a layer kind is one module of layers/ named after it; shared code lives in helper modules
that declare no kind (conv_base.py, recurrent_base.py, ...). A new kind added to a shared file fails here."""
from __future__ import annotations

import importlib
import pkgutil
from collections import Counter

import layerlab.layers
from layerlab.layers import base, load_all


def _builtin_kinds():
    return {n: k for n, k in load_all().items() if type(k).__module__.startswith("layerlab.layers.")}


def test_every_builtin_kind_lives_in_a_module_named_after_it():
    kinds = _builtin_kinds()
    assert len(kinds) >= 32
    wrong = {n: type(k).__module__ for n, k in kinds.items() if type(k).__module__ != f"layerlab.layers.{n}"}
    assert not wrong, f"kinds declared outside a module named after them: {wrong}"


def test_no_module_of_the_package_declares_two_kinds():
    per_module = Counter(type(k).__module__ for k in _builtin_kinds().values())
    assert max(per_module.values()) == 1, [m for m, c in per_module.items() if c > 1]


def test_helper_modules_declare_no_kind():
    """Every module of layers/ either is a kind's own module or registers none (a helper: *_base.py, base.py, ...)."""
    names = {m.name for m in pkgutil.iter_modules(layerlab.layers.__path__)}
    kinds = set(_builtin_kinds())
    helpers = names - kinds
    assert {"conv_base", "recurrent_base", "noise_base", "norm_base", "global_pool_base"} <= helpers
    for name in sorted(helpers):
        mod = importlib.import_module(f"layerlab.layers.{name}")
        declared = [c for c in vars(mod).values() if isinstance(c, type) and issubclass(c, base.LayerKind)
                    and c.__module__ == mod.__name__ and getattr(c, "name", None) in kinds]
        assert not declared, f"helper module {name} declares kinds {declared}"
