"""Running the torch code that losses, optimizers, schedules and metrics carry as text.

Each entry of those catalogues writes its torch code once, as the text the standalone script
contains (export/codegen.py); the engine builds its object by running that same text here, so
the two cannot drift. The text may use torch, F (torch.nn.functional) and math, and the
constants passed by name (as the script's constants block defines them).

>>> square = define("def square(x):\\n    return x * x\\n", "square")
>>> square(3)
9
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import torch
import torch.nn.functional as F


@lru_cache(maxsize=256)
def _compiled(text: str, name: str, mode: str = "exec") -> Any:
    return compile(text, f"<layerlab {name}>", mode)


def define(text: str, name: str, **names: Any) -> Any:
    """The object called name that text defines, with names as its module's constants (our own text, never input)."""
    space: dict[str, Any] = {"torch": torch, "F": F, "math": math, **names}
    exec(_compiled(text, name), space)  # noqa: S102 - the catalogue's own code text
    return space[name]


def evaluate(expression: str, **names: Any) -> Any:
    """The value of one expression of the catalogue's own code text, with names bound."""
    space = {"torch": torch, "F": F, "math": math, **names}
    return eval(_compiled(expression, "expression", "eval"), space)  # noqa: S307 - the catalogue's own code text
