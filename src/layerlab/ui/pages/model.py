"""Model page: palette, layer cards with generated forms, live shapes, errors with one-click
fixes, undo/redo (buttons and Ctrl+Z / Ctrl+Y), the network diagram and the math view.

Nothing heavy runs on the event loop: at most layer_list.CARDS_PER_STEP cards (and the math of
as many layers) are built at first, "show more" appends as many again without rebuilding the
shown ones, and the diagram of a larger model is one SVG
string drawn in a worker thread (run.io_bound) while the page is already usable."""
from __future__ import annotations

from typing import Any, Callable

import json

from nicegui import app, background_tasks, run, ui

from ...api_spec import layer_kinds
from ...api_errors import Fix, SpecError
from ...api_class import lesson_of
from ...i18n import msg
from .. import edits
from ..components import layer_list
from ..components.diagram import STYLES, diagram_layers, diagram_weights, network_svg, shape_text, standalone_svg
from ...i18n.numbers import data_size, number, rounded
from ..components.mathview import math_view, use_katex
from ..components.predicting import PredictingLine
from ..frame import expert, frame, lang, tr
from ..i18n import err_text
from ..state import Session


INLINE_DIAGRAM = 40  # layers: a diagram this small is drawn at once, a larger one off the loop


class ModelView:
    """What one browser tab shows of a session; every action becomes a Session edit."""

    def __init__(self, session: Session):
        self.session = session
        self.kinds = layer_kinds()
        self.families = {name: kind.family for name, kind in self.kinds.items()}
        self.lang, self.expert = lang(), expert()
        self.insert_at: int | None = None
        # a lesson whose layers the teacher locked: cards are shown, not edited (the store refuses edits anyway)
        self.layers_locked = "layers" in (lesson_of(session.folder) or {}).get("locked", ())
        self.dragging: int | None = None
        self.expected: list[dict[str, Any]] | None = None  # the layers after this tab's own form edit
        self.cards: dict[int, ui.card] = {}
        self.diagram: ui.html | None = None
        self.shown = layer_list.CARDS_PER_STEP  # cards built so far; "show more" adds a step
        self.cards_box: ui.column | None = None  # the column holding the cards
        self.more: ui.column | None = None  # "show more" and its note, when layers are not shown
        self._drawing = 0  # the latest diagram request; older results are dropped
        style = app.storage.user.get("diagram_style") if _has_storage() else None
        self.style = style if style in STYLES else "fcnn"
        self.trained: tuple[list[dict[str, Any]], dict[int, dict[str, Any]]] | None = None  # (layers, weights)

    # -- reading the analysis -------------------------------------------------------------
    def row(self, i: int):
        a = self.session.analysis
        return a.rows[i] if a is not None and i < len(a.rows) else None

    def layer_errors(self, i: int) -> list[SpecError]:
        return [e for e in self.session.errors() if layer_list.layer_index(e.path) == i]

    def other_errors(self) -> list[SpecError]:
        """Errors outside the layer cards: the model as a whole, settings, and layers not shown yet."""
        out = []
        for e in self.session.errors():
            i = layer_list.layer_index(e.path)
            if i is None or i >= self.shown:
                out.append(e)
        return out

    # -- actions ---------------------------------------------------------------------------
    def _do(self, change: Callable[[dict], Any]) -> None:
        if not self.session.edit(change):
            refused = self.session.refused  # a lesson's lock says why; else the file changed elsewhere
            ui.notify(err_text(refused, self.lang) if refused is not None else tr("model.not_saved"),
                      type="warning")

    def add(self, kind: str) -> None:
        at, self.insert_at = self.insert_at, None
        self._do(lambda d: edits.add_layer(d, kind, at))

    def remove(self, i: int) -> None:
        self._do(lambda d: edits.remove_layer(d, i))

    def move(self, i: int, j: int) -> None:
        self._do(lambda d: edits.move_layer(d, i, j))

    def set_param(self, i: int, name: str, value: Any) -> None:
        new = edits.set_param(self.session.doc, i, name, value)
        self.expected = new["model"]["layers"]
        self._do(lambda d: edits.set_param(d, i, name, value))

    def fix(self, fix: Fix) -> None:
        if not self.session.apply(fix):
            ui.notify(tr("model.not_saved"), type="warning")

    def undo(self) -> None:
        self.session.undo()

    def redo(self) -> None:
        self.session.redo()

    def set_insert(self, at: int | None) -> None:
        self.insert_at = at
        self.insert_note.refresh()
        self.cards_view.refresh()

    def show_more(self) -> None:
        """Append the next cards below the shown ones (the shown ones are not rebuilt)."""
        start, more = self.shown, self.more
        self.shown += layer_list.CARDS_PER_STEP
        if more is None or self.cards_box is None:
            self.cards_view.refresh()
        else:
            more.delete()
            with self.cards_box:
                layer_list.more_cards(self, start)
        self.global_errors.refresh()

    def start_drag(self, i: int) -> None:
        self.dragging = i

    def drop_on(self, i: int) -> None:
        src, self.dragging = self.dragging, None
        if src is not None and src != i:
            self.move(src, i)

    def style_card(self, i: int) -> None:
        card = self.cards.get(i)
        if card is None:
            return
        bad = bool(self.layer_errors(i)) or (self.row(i) is not None and self.row(i).error is not None)
        card.classes(add="ll-error border-2 border-red-600" if bad else "",
                     remove="" if bad else "ll-error border-2 border-red-600")

    # -- views -----------------------------------------------------------------------------
    @ui.refreshable_method
    def insert_note(self) -> None:
        layer_list.insert_note(self)

    @ui.refreshable_method
    def status(self, i: int) -> None:
        layer_list.layer_status(self, i)

    @ui.refreshable_method
    def cards_view(self) -> None:
        with ui.column().classes("w-full gap-1").mark("layers") as self.cards_box:
            layer_list.layer_cards(self)

    @ui.refreshable_method
    def toolbar_status(self) -> None:
        s, a = self.session, self.session.analysis
        n_err = len(s.errors())
        with ui.row().classes("items-center gap-3 flex-wrap"):
            if a is not None:
                ui.label(tr("model.input", shape=shape_text(a.input_shape))).classes("font-mono text-sm")
                ui.label(tr("model.output", shape=shape_text(a.output_shape))).classes("font-mono text-sm") \
                    .mark("total-output")
                ui.label(tr("model.total", n=number(a.total_params, self.lang))).classes("font-semibold") \
                    .props('data-testid="total-params"').mark("total-params")
                cost = {i["name"]: i["used"] for i in (a.budget or {}).get("items", [])}
                if "memory_bytes" in cost:   # in the page's notation ('680,7 KiB', '18.100.000' in German)
                    ui.label(tr("model.cost", memory=data_size(cost["memory_bytes"], self.lang),
                                flops=rounded(cost["flops_per_step"], self.lang))) \
                        .classes("text-xs opacity-75").mark("model-cost")
            if n_err:
                ui.badge(tr("model.invalid", n=n_err), color="negative").props('data-testid="model-invalid"') \
                    .mark("model-invalid")
            else:
                ui.badge(tr("model.valid"), color="positive").props('data-testid="model-valid"').mark("model-valid")
        self.undo_button.set_enabled(bool(s.undo_stack))
        self.redo_button.set_enabled(bool(s.redo_stack))

    @ui.refreshable_method
    def global_errors(self) -> None:
        for k, err in enumerate(self.other_errors()):
            layer_list.error_box(err, f"global-error-{k}", self.fix)

    @ui.refreshable_method
    def math(self) -> None:
        rows = self.session.analysis.rows if self.session.analysis else []
        math_view(rows[:layer_list.CARDS_PER_STEP], self.kinds, self.lang)  # bounded, like the first cards

    def _diagram_args(self) -> tuple[Any, ...] | None:
        """Plain data for network_svg (no session objects cross into the worker)."""
        a = self.session.analysis
        if a is None:
            return None
        bad = {layer_list.layer_index(e.path) for e in self.session.errors()} - {None}
        weights, legend = None, ()
        if self.trained is not None and self.trained[0] == self.session.layers and not bad:
            weights, legend = self.trained[1], (tr("model.legend_weights"), tr("model.legend_colours"))
        return (a.input_shape, diagram_layers(a, self.families, bad), tr("model.diagram"),
                tr("model.input_layer"), tr("model.more_layers", n="{n}"), self.style, weights, legend, self.lang)

    def diagram_svg(self) -> str:
        args = self._diagram_args()
        return network_svg(*args) if args is not None else ""

    def set_style(self, style: str) -> None:
        """Switch the drawing style (kept per browser) and redraw."""
        self.style = style if style in STYLES else "fcnn"
        if _has_storage():
            app.storage.user["diagram_style"] = self.style
        background_tasks.create(self.redraw(), name="model-diagram")

    async def load_weights(self) -> None:
        """After training: the latest run's weights colour the diagram while the model is the trained one."""
        try:
            self.trained = await run.io_bound(trained_weights, self.session.project)
        except Exception:  # noqa: BLE001 - no run, or weights of an older format: the plain drawing stays
            self.trained = None
        if self.trained is not None and self.trained[0] == self.session.layers:
            await self.redraw()

    async def download(self, fmt: str) -> None:
        """The diagram as a file: SVG as drawn, PNG rasterised by the browser from the same SVG."""
        args = self._diagram_args()
        if args is None:
            return
        svg = standalone_svg(await run.io_bound(network_svg, *args) if len(args[1]) > INLINE_DIAGRAM
                             else network_svg(*args))
        name = f"{self.session.name or 'network'}-{self.style}".replace(" ", "_")
        if fmt == "svg":
            ui.download.content(svg, f"{name}.svg", "image/svg+xml")
        else:
            ui.run_javascript(PNG_JS % (json.dumps(svg), json.dumps(f"{name}.png")))

    async def redraw(self) -> None:
        """Draw the diagram: at once when small, else in a worker thread, keeping only the latest result."""
        args = self._diagram_args()
        self._drawing += 1
        ticket = self._drawing
        if args is None or len(args[1]) <= INLINE_DIAGRAM:
            svg = network_svg(*args) if args is not None else ""
        else:
            svg = await run.io_bound(network_svg, *args)  # None when the app is shutting down
        if svg is not None and ticket == self._drawing and self.diagram is not None and not self.diagram.is_deleted:
            self.diagram.set_content(svg)

    def changed(self) -> None:
        """After any change of the session: light update after this tab's own form edit, else rebuild."""
        if self.expected is not None and self.session.layers == self.expected:
            self.status.refresh()
            for i in list(self.cards):
                self.style_card(i)
        else:
            self.cards_view.refresh()
        self.expected = None
        self.insert_note.refresh()
        self.toolbar_status.refresh()
        self.global_errors.refresh()
        self.math.refresh()
        if self.diagram is not None and len(self.session.layers) <= INLINE_DIAGRAM:
            self._drawing += 1  # a slower drawing still on its way is out of date
            self.diagram.set_content(self.diagram_svg())
        elif self.diagram is not None:
            background_tasks.create(self.redraw(), name="model-diagram")

    # -- layout ----------------------------------------------------------------------------
    def build(self) -> None:
        use_katex()
        with ui.row().classes("w-full items-center gap-2"):
            self.undo_button = ui.button(tr("model.undo"), icon="undo", on_click=self.undo) \
                .props("outline dense no-caps").mark("undo").tooltip(tr("model.shortcuts"))
            self.redo_button = ui.button(tr("model.redo"), icon="redo", on_click=self.redo) \
                .props("outline dense no-caps").mark("redo").tooltip(tr("model.shortcuts"))
            self.toolbar_status()
        PredictingLine(self.session, self.lang)
        self.global_errors()
        with ui.element("div").classes("grid gap-4 w-full grid-cols-1 md:grid-cols-[14rem_1fr] "
                                       "xl:grid-cols-[14rem_minmax(0,1fr)_minmax(0,1fr)]"):
            with ui.column().classes("gap-1 w-full").mark("palette"):
                if self.layers_locked:
                    ui.label(msg("Your teacher locked the layers for this lesson: change the training, or test "
                                 "and inspect the model.").to(lang())).classes("text-body2").mark("palette-locked")
                else:
                    layer_list.palette(self)
            self.cards_view()
            with ui.column().classes("w-full gap-3 md:col-span-2 xl:col-span-1"):
                with ui.card().classes("ll-card w-full min-w-0 p-2 sm:p-4").props('data-testid="diagram-card"') \
                        .mark("diagram-card"):
                    with ui.row().classes("w-full items-center justify-between gap-2"):
                        ui.label(tr("model.diagram")).classes("text-lg font-semibold")
                        with ui.row().classes("items-center gap-1"):
                            ui.button(tr("model.download_svg"), icon="download",
                                      on_click=lambda: self.download("svg")).props(
                                f'flat dense no-caps data-testid="diagram-svg" aria-label="{tr("model.download", fmt="SVG")}"') \
                                .classes("min-h-[44px] min-w-[44px]").mark("diagram-svg")
                            ui.button(tr("model.download_png"), icon="image",
                                      on_click=lambda: self.download("png")).props(
                                f'flat dense no-caps data-testid="diagram-png" aria-label="{tr("model.download", fmt="PNG")}"') \
                                .classes("min-h-[44px] min-w-[44px]").mark("diagram-png")
                    ui.toggle({s: tr(f"model.style.{s}") for s in STYLES}, value=self.style,
                              on_change=lambda e: self.set_style(e.value)).props(
                        f'no-caps spread data-testid="diagram-style" aria-label="{tr("model.style")}"').classes("w-full") \
                        .mark("diagram-style")
                    ui.label(tr("model.style_help")).classes("text-xs opacity-75")  # said, not a tooltip: phones
                    with ui.element("div").classes("w-full overflow-x-auto").props('data-testid="diagram-box"') \
                            .mark("diagram-box"):
                        small = len(self.session.layers) <= INLINE_DIAGRAM
                        self.diagram = ui.html(self.diagram_svg() if small else tr("model.drawing"),
                                               sanitize=False).classes("w-full").props('data-testid="diagram"') \
                            .mark("diagram")
                        if not small:
                            ui.timer(0.05, self.redraw, once=True)
                    ui.timer(0.1, self.load_weights, once=True)
                with ui.card().classes("ll-card w-full"):
                    ui.label(tr("model.math")).classes("text-lg font-semibold")
                    with ui.column().classes("w-full gap-2").mark("math"):
                        self.math()
        ui.keyboard(on_key=self._key, ignore=["input", "select", "textarea"])

    def _key(self, e: Any) -> None:
        if not e.action.keydown or not (e.modifiers.ctrl or e.modifiers.meta):
            return
        key = str(e.key.name).lower()
        if key == "z" and e.modifiers.shift or key == "y":
            self.redo()
        elif key == "z":
            self.undo()


PNG_JS = """(() => {
  const svg = %s, name = %s, img = new Image(), scale = 2;
  img.onload = () => {
    const c = document.createElement('canvas');
    c.width = img.naturalWidth * scale; c.height = img.naturalHeight * scale;
    const g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
    g.drawImage(img, 0, 0, c.width, c.height);
    c.toBlob(b => { const a = document.createElement('a'); a.href = URL.createObjectURL(b); a.download = name;
                    document.body.appendChild(a); a.click(); a.remove(); setTimeout(() => URL.revokeObjectURL(a.href), 5000); },
             'image/png');
  };
  img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
})()"""


def _has_storage() -> bool:
    try:
        app.storage.user  # noqa: B018 - raises outside a page or without a storage secret
        return True
    except (RuntimeError, AssertionError):
        return False


def trained_weights(project: Any) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]] | None:
    """(the trained layers, what colours their diagram) of the latest run with weights; runs in a thread."""
    loaded = project.load_run()
    layers = (loaded.doc.get("model") or {}).get("layers") or []
    net = loaded.network
    plain = [{"out_shape": tuple(s) if s is not None else None} for s in getattr(net, "shapes", [])]
    return layers, diagram_weights(net, getattr(net, "input_shape", None), plain)


@ui.page("/p/{project_id}/model")
def model_page(project_id: str) -> None:
    with frame(project_id, "model") as session:
        if session is None:
            return
        view = ModelView(session)
        view.build()
        session.subscribe(view.changed, ui.context.client)
