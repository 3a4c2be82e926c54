"""The math view: each layer's formula, typeset in the browser by the bundled KaTeX.

Why KaTeX (vendored from npm into ui/static/katex) rather than server-side mathtext: it
typesets the full LaTeX the layers write (\\left..\\right, \\text, cases, sums with limits)
crisply at any zoom, adds MathML for screen readers, costs no server work per edit, and is
only ~280 KB plus fonts, served from the installed package (no CDN).
"""
from __future__ import annotations

import logging
import re
from typing import Any

from nicegui import ui

from ..app import STATIC_URL
from ...i18n import translate
from ...i18n.numbers import SEPARATORS
from ..i18n import in_lang

log = logging.getLogger(__name__)


class Tex(ui.element, component="katex_view.js"):
    """A LaTeX formula rendered by KaTeX; `tex` can be changed later with set_tex."""

    def __init__(self, tex: str, display: bool = True) -> None:
        super().__init__()
        self._props["tex"] = tex
        self._props["display"] = display

    @property
    def tex(self) -> str:
        return self._props["tex"]

    def set_tex(self, tex: str) -> None:
        """Show another formula."""
        self._props["tex"] = tex
        self.update()


def use_katex() -> None:
    """Load KaTeX's script and style into this page (call once per page that shows math)."""
    ui.add_head_html(f'<link rel="stylesheet" href="{STATIC_URL}/katex/katex.min.css">'
                     f'<script src="{STATIC_URL}/katex/katex.min.js"></script>'
                     '<style>.ll-tex-block{display:block;overflow-x:auto;overflow-y:hidden;max-width:100%}'
                     '.ll-tex .katex-display{margin:.25em 0}'
                     '.ll-tex-wrap{display:block;line-height:2.2;white-space:normal}</style>')


# The few words the layers' formulas write inside \text{...} (longest first); their translations are
# in descriptions.po under msgctxt "formula".
TEX_WORDS = ("window at", "all values", "the last axis", "positions", "window", "over", "if", "else", "more")
_TEXT = re.compile(r"\\text\{([^{}]*)\}")
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")


def tex_in(tex: str, lang: str) -> str:
    """The formula with the words inside \\text{...} in lang, and its decimal numbers in lang's notation
    (German writes 0{,}8: the braces keep TeX from spacing the comma as a separator).

    >>> tex_in(r"y = \\max_{2 \\text{ window at } 2 i} x", "de")
    'y = \\\\max_{2 \\\\text{ Fenster bei } 2 i} x'
    >>> tex_in(r"m \\sim \\mathrm{Bernoulli}(0.8), \\; 1 - 0.2", "de")
    'm \\\\sim \\\\mathrm{Bernoulli}(0{,}8), \\\\; 1 - 0{,}2'
    """
    if lang == "en":
        return tex

    def words(m: re.Match) -> str:
        text = m.group(1)
        for en in TEX_WORDS:
            text = re.sub(rf"\b{en}\b", translate(en, lang, context="formula"), text)
        return r"\text{" + text + "}"
    tex = _TEXT.sub(words, tex)   # first: the words' pattern takes no braces, and {,} has them
    return _DECIMAL_POINT.sub("{,}", tex) if SEPARATORS.get(lang, SEPARATORS["en"])[1] == "," else tex


def layer_tex(kind: Any, resolved: dict[str, Any] | None, in_shape: Any, lang: str = "en") -> str:
    """The layer's formula with its parameters, or its generic formula when the layer is broken."""
    if resolved and in_shape is not None:
        try:
            return tex_in(kind.math(resolved, tuple(in_shape)), lang)
        except Exception as e:  # a formula is an explanation: a bug in one must not hide the page
            log.warning("no formula for %s: %s", kind.name, e)
    return tex_in(kind.latex or r"\text{" + kind.name + "}", lang)


def math_view(rows: list[Any], kinds: dict[str, Any], lang: str) -> None:
    """One block per layer: number, name, plain-words explanation and typeset formula."""
    for r in rows:
        kind = kinds.get(r.type)
        if kind is None:
            continue
        with ui.column().classes("w-full gap-0").mark(f"math-{r.index}"):
            ui.label(f"{r.index + 1}. {r.type}").classes("text-sm font-semibold")
            explain = in_lang(kind.explain, lang)
            if explain:
                ui.label(explain).classes("text-xs opacity-80")
            Tex(layer_tex(kind, r.resolved, r.in_shape, lang)).classes("w-full")
