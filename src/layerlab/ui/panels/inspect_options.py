"""Plain labels and one-line help for every option of every Inspect view, in English and
German (the views' signatures name them for programmers: max_channels, l2, jitter, ...).

`label(view, key)` and `help_text(view, key)` look up (view, key) first, then key alone, in the
studio catalogue: inspect.opt.<view or *>.<key>, inspect.help.<view or *>.<key>, inspect.choice.<value>.

>>> label("max_activation", "l2", "de")
'Blass halten (L2)'
"""
from __future__ import annotations

from ..i18n import known, t


def _key(kind: str, view: str, key: str) -> str | None:
    for v in (view, "*"):
        name = f"inspect.{kind}.{v}.{key}"
        if known(name):
            return name
    return None


def label(view: str, key: str, lang: str | None = None) -> str:
    """The option's plain label (the raw name only for an option this table does not know)."""
    k = _key("opt", view, key)
    return t(k, lang) if k else key


def help_text(view: str, key: str, lang: str | None = None) -> str:
    """One line saying what the option does ('' when unknown)."""
    k = _key("help", view, key)
    return t(k, lang) if k else ""


def choice(value: str, lang: str | None = None) -> str:
    """A choice's words (e.g. 'grad_cam' -> 'Grad-CAM')."""
    k = f"inspect.choice.{value}"
    return t(k, lang) if known(k) else value
