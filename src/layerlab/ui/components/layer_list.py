"""The model editor's palette and layer cards (used by pages/model.py through ModelView).

Cards can be reordered with the up/down buttons (keyboard) or by dragging (mouse, or a finger on the handle);
each shows its generated form, its output shape and parameter count, and when it is
invalid a red border with the error in four parts and one button per offered fix.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from nicegui import ui

from ...i18n import Text
from ...i18n.numbers import number
from ...api_spec import FAMILIES
from ...api_errors import Fix, SpecError
from .. import edits
from ..frame import tr
from ..i18n import err_text, in_lang
from . import layer_form
from .diagram import FAMILY, shape_text
from .lazy import lazy_expansion
from .mathview import Tex, layer_tex


def layer_index(path: str) -> int | None:
    """'model.layers[3].units' -> 3; paths outside the layer list -> None."""
    m = re.match(r"model\.layers\[(\d+)\](?:\.|$)", path or "")
    return int(m.group(1)) if m else None


def error_box(err: SpecError, marker: str, on_fix: Callable[[Fix], Any]) -> None:
    """An error in four parts (what, where, received, how to fix) with one button per offered fix."""
    with ui.column().classes("w-full gap-1 p-2 rounded bg-red-50 text-red-900 ll-error") \
            .props(f'role="alert" data-testid="{marker}"').mark(marker):
        ui.label(err_text(err.message)).classes("font-semibold")
        if err.path:
            ui.label(f"{tr('model.where')}: {err.path}").classes("text-xs font-mono break-all")
        if err.has_received:
            got = err_text(err.received) if isinstance(err.received, Text) else repr(err.received)
            ui.label(f"{tr('model.received')}: {got}"[:300]).classes("text-xs break-all")
        if err.hint:
            ui.label(f"{tr('model.how')}: {err_text(err.hint)}").classes("text-sm")
        with ui.row().classes("gap-2"):
            for k, fix in enumerate(err.fixes):
                ui.button(err_text(fix.description), icon="auto_fix_high", on_click=lambda f=fix: on_fix(f)) \
                    .props("color=positive dense no-caps").mark(f"{marker}-fix-{k}")


def palette(view: Any) -> None:
    """Layer kinds grouped by family; a click adds the kind at the chosen insertion point."""
    by_family: dict[str, list[Any]] = {}
    for name, kind in sorted(view.kinds.items()):
        by_family.setdefault(kind.family, []).append(kind)
    ui.label(tr("model.palette")).classes("text-lg font-semibold")
    view.insert_note()
    for family in FAMILIES:
        kinds = by_family.get(family)
        if not kinds:
            continue
        lazy_expansion(tr(f"family.{family}"), lambda family=family, kinds=kinds: _family_buttons(view, family, kinds),
                       value=family == "core").classes("w-full").props("dense").mark(f"family-{family}")


def _family_buttons(view: Any, family: str, kinds: list[Any]) -> None:
    """One family's buttons (built when its expansion first opens: most stay closed)."""
    with ui.row().classes("gap-1"):
        for kind in kinds:
            summary = in_lang(kind.summary, view.lang)
            ui.button(kind.name, on_click=lambda k=kind.name: view.add(k)) \
                .props(f'dense outline no-caps aria-label="{kind.name}: {summary}"') \
                .style(f"border-left: 4px solid {FAMILY.get(family, '#64748b')}") \
                .tooltip(summary).mark(f"palette-{kind.name}")


def insert_note(view: Any) -> None:
    """Where the palette adds new layers (view.insert_note is its refreshable wrapper)."""
    if view.insert_at is None:
        ui.label(tr("model.add_end")).classes("text-xs opacity-75").mark("insert-note")
        return
    with ui.row().classes("items-center gap-1"):
        ui.label(tr("model.add_at", n=view.insert_at + 1)).classes("text-xs font-semibold").mark("insert-note")
        ui.button(tr("model.add_cancel"), on_click=lambda: view.set_insert(None)).props("flat dense no-caps size=sm")


# Cards are built on the server's event loop: a page shows at most this many at first and each
# "show more" adds as many again, so a 10,000-layer spec costs no more than a small one to open.
CARDS_PER_STEP = 20


def layer_cards(view: Any) -> None:
    """The first view.shown layers as cards, with insertion points between them, then "show more"."""
    layers = view.session.layers
    view.cards.clear()
    if not layers:
        ui.label(tr("model.no_layers")).classes("opacity-75").mark("no-layers")
    more_cards(view, 0)


def more_cards(view: Any, start: int) -> None:
    """Cards start..view.shown-1 appended to the current container, then "show more" or the last insert point."""
    layers = view.session.layers
    shown = min(len(layers), view.shown)
    for i in range(start, shown):
        layer = layers[i]
        _insert_point(view, i)
        _card(view, i, layer if isinstance(layer, dict) else {"type": "?"})
    view.more = None
    if shown < len(layers):
        view.more = ui.column().classes("w-full items-center gap-1")
        with view.more:
            _more_button(view, shown)
    elif layers:
        _insert_point(view, len(layers))


def _more_button(view: Any, shown: int) -> None:
    layers = view.session.layers
    if shown < len(layers):
        rest = len(layers) - shown
        ui.button(tr("model.show_more", n=min(rest, CARDS_PER_STEP), rest=number(rest, view.lang)), icon="expand_more",
                  on_click=view.show_more).props("outline no-caps").mark("show-more")
        hidden_bad = {layer_index(e.path) for e in view.session.errors()} - {None} - set(range(shown))
        if hidden_bad:
            ui.label(tr("model.hidden_errors", n=len(hidden_bad))).classes("text-xs text-red-700") \
                .mark("hidden-errors")


def _insert_point(view: Any, i: int) -> None:
    if getattr(view, "layers_locked", False):
        return
    active = view.insert_at == i
    ui.button(icon="add", on_click=lambda: view.set_insert(i)) \
        .props(f'flat dense round size=sm aria-label="{tr("model.insert_here")} ({i + 1})"'
               + (" color=primary" if active else "")) \
        .classes("self-center opacity-60 hover:opacity-100" + (" bg-blue-100 opacity-100" if active else "")) \
        .tooltip(tr("model.insert_here")).mark(f"insert-{i}")


def _card(view: Any, i: int, layer: dict[str, Any]) -> None:
    kind = view.kinds.get(str(layer.get("type")))
    row = view.row(i)
    card = ui.card().classes("ll-card w-full gap-2 p-3").props(f'draggable="true" data-testid="layer-{i}"') \
        .mark(f"layer-{i}")
    card.on("dragstart", lambda i=i: view.start_drag(i), [],
            js_handler='(e) => { e.dataTransfer.effectAllowed = "move"; e.dataTransfer.setData("text/plain", ""); emit(); }')
    card.on("dragover", js_handler="(e) => e.preventDefault()")
    card.on("drop", lambda i=i: view.drop_on(i), [], js_handler="(e) => { e.preventDefault(); emit(); }")
    view.cards[i] = card
    n = len(view.session.layers)
    locked = getattr(view, "layers_locked", False)  # a lesson's locked layers: read, not edited
    with card:
        with ui.row().classes("w-full items-center gap-2 flex-nowrap"):
            if not locked:
                _drag_handle(view, i)
            colour = FAMILY.get(kind.family if kind else "", "#64748b")
            ui.label(f"{i + 1}").classes("text-xs rounded-full px-2 text-white").style(f"background:{colour}")
            with ui.column().classes("gap-0 grow"):
                ui.label(str(layer.get("type"))).classes("font-semibold") \
                    .props(f'data-testid="layer-type-{i}"').mark(f"layer-type-{i}")
                if kind is not None:
                    summary = in_lang(kind.summary, view.lang)
                    ui.label(summary).classes("text-xs opacity-75 max-sm:hidden")
            tools = ui.row().classes("gap-0 flex-nowrap shrink-0")
            tools.set_visibility(not locked)
            with tools:
                _icon_button("arrow_upward", tr("model.up"), lambda: view.move(i, i - 1), f"up-{i}", i == 0)
                _icon_button("arrow_downward", tr("model.down"), lambda: view.move(i, i + 1), f"down-{i}", i == n - 1)
                _icon_button("delete", tr("model.delete"), lambda: view.remove(i), f"delete-{i}", False)
        view.status(i)
        if kind is not None:
            params = kind.describe()["params"]
            with ui.column().classes("w-full gap-2" + (" pointer-events-none opacity-70" if locked else "")) \
                    .props('inert aria-disabled="true"' if locked else ""):
                hidden = layer_form.render(params, layer, row.resolved if row else {},
                                           lambda name, value: view.set_param(i, name, value),
                                           expert=view.expert, lang=view.lang, marker=f"param-{i}")
            if hidden:
                ui.label(tr("model.hidden", n=hidden)).classes("text-xs opacity-60").mark(f"hidden-{i}")
            lazy_expansion(tr("model.help"), lambda kind=kind, row=row: _help(view, kind, row)) \
                .props("dense").classes("w-full text-sm")
    view.style_card(i)


def _help(view: Any, kind: Any, row: Any) -> None:
    """A card's help: what the kind does and its formula (built when first opened)."""
    ui.label(in_lang(kind.explain, view.lang)).classes("text-sm")
    Tex(layer_tex(kind, row.resolved if row else None, row.in_shape if row else None, view.lang))


# Touch screens do not fire HTML drag events: the handle follows the finger itself and, on release,
# names the card under the finger; the up/down buttons remain the way for keyboards.
_TOUCH_START = "(e) => { e.currentTarget.closest('.ll-card').classList.add('ll-dragging'); }"
_TOUCH_END = """(e) => {
  e.currentTarget.closest('.ll-card').classList.remove('ll-dragging');
  const t = e.changedTouches[0];
  const under = t && document.elementFromPoint(t.clientX, t.clientY);
  const card = under && under.closest('.ll-card[data-testid^="layer-"]');
  const m = card && /^layer-(\\d+)$/.exec(card.dataset.testid);
  if (m) emit(parseInt(m[1]));
}"""


def _drag_handle(view: Any, i: int) -> None:
    handle = ui.icon("drag_indicator").classes("cursor-move opacity-60").style("touch-action: none") \
        .tooltip(tr("model.drag")).mark(f"drag-{i}")
    handle.on("touchstart", js_handler=_TOUCH_START)
    handle.on("touchend", lambda e, i=i: view.move(i, int(e.args)) if int(e.args) != i else None,
              js_handler=_TOUCH_END)


def _icon_button(icon: str, label: str, action: Callable[[], Any], marker: str, disabled: bool) -> None:
    b = ui.button(icon=icon, on_click=action).props(f'flat dense round aria-label="{label}"').tooltip(label).mark(marker)
    if disabled:
        b.disable()


def layer_status(view: Any, i: int) -> None:
    """Output shape, parameter count and the layer's errors (view.status is its refreshable wrapper)."""
    row = view.row(i)
    with ui.row().classes("items-center gap-3 text-sm"):
        ui.label("→ " + shape_text(row.out_shape if row else None)).classes("font-mono") \
            .props(f'data-testid="shape-{i}"').mark(f"shape-{i}")
        ui.label(tr("model.params", n=number(row.params if row else 0, view.lang))).classes("opacity-80").mark(f"params-{i}")
    for k, err in enumerate(view.layer_errors(i)):
        error_box(err, f"error-{i}-{k}", view.fix)


def apply_drag(doc: dict[str, Any], src: int | None, dst: int) -> dict[str, Any]:
    """The document after dropping the dragged layer on position dst."""
    return doc if src is None or src == dst else edits.move_layer(doc, src, dst)
