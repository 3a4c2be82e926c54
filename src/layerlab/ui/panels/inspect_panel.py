"""The studio's Inspect page: the ten views of layerlab.inspect for a project's runs.

A tab per view, a form of the view's options (generated from its signature, each with a
plain label and a one-line help from inspect_options), and the result made for learners:
the math view typeset by KaTeX with one sample's numbers flowing through every layer;
the confusion matrix, embeddings, decision surface, histories, weight histograms and the
hardest examples as interactive ECharts (tooltips; a click opens the samples behind a
cell, point or bar); the other views as pictures; every view's picture as a PNG download;
and, where a view cannot say something, a sentence saying why. Views are computed in a
worker thread; while a run of this project trains in this server, views that are cheap
enough redraw after each saved epoch (the same CheckpointSaved events the Train page uses).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from nicegui import background_tasks, run, ui

from ... import api_events as ev
from ...api_errors import SpecError
from ...api_runs import default_runner, run_ids
from ...api_inspect import VIEWS
from ..components.local_number import LocalNumber
from ..components.mathview import use_katex
from ..components.run_feed import RunFeed
from ..components.run_names import project_run_names
from ..frame import expert, lang
from ..i18n import err_text, in_lang, t
from . import inspect_options as texts
from .inspect_views import CHART_VIEWS, ChartViews, _alt, png_url

log = logging.getLogger(__name__)


CHOICES = {("saliency", "method"): ["all", "vanilla", "smoothgrad", "grad_cam"],
           ("adversarial", "method"): ["fgsm", "pgd"], ("max_activation", "reduce"): ["mean", "max"]}
LAYER_OPTIONS = {("max_activation", "layer"), ("embeddings", "layer")}
ONE_BASED = {("max_activation", "unit")}                      # shown from 1, as on the Model page
class InspectPanel:
    """The page body: controls, view tabs, options, and the result area."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.view = "flow"
        self.options: dict[str, dict[str, Any]] = {name: dict(v.options()) for name, v in VIEWS.items()}
        self.run_id: str | None = None
        self.compare: str | None = None
        self.split, self.index = "val", 0
        self.busy = self.wanted = False
        self.feed: Any = None
        self.live_id: str | None = None
        self.last: Any = None
        self.png: bytes | None = None
        self.charts = ChartViews(self)
        self._build()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        use_katex()  # in the page's head now: a script added after the page loaded would never run
        ui.label(t("insp.title")).classes("text-2xl")
        ui.label(t("insp.intro"))
        runs = self._run_ids()
        with ui.row().classes("items-end gap-4 flex-wrap"):
            names = self.names = project_run_names(self.session.project, lang(), expert(), ids=runs)  # ids: expert
            opts = {None: t("insp.latest"), **{r: names.name(r) for r in reversed(runs)}}
            ui.select(opts, value=None, label=t("insp.run"), on_change=lambda e: self._set(run_id=e.value)) \
                .classes("w-64").mark("inspect-run")
            ui.select({s: t(f"insp.{s}") for s in ("val", "train", "test")}, value="val", label=t("insp.split"),
                      on_change=lambda e: self._set(split=e.value)).classes("w-40").mark("inspect-split")
            ui.number(t("insp.index"), value=0, min=0, step=1, format="%d",
                      on_change=lambda e: self._set(index=int(e.value or 0))).classes("w-36").mark("inspect-index")
            if len(runs) > 1:
                ui.select({None: t("insp.none"), **{r: names.name(r) for r in reversed(runs)}}, value=None,
                          label=t("insp.compare"),
                          on_change=lambda e: self._set(compare=e.value)).classes("w-64").mark("inspect-compare")
            ui.button(t("insp.refresh"), icon="refresh", on_click=self.refresh).props("flat").mark("inspect-refresh")
        if not runs:
            ui.label(t("insp.untrained")).classes("text-warning").mark("inspect-untrained")
        de = lang() == "de"
        with ui.tabs(value=self.view, on_change=lambda e: self._switch(e.value)).classes("w-full") \
                .props("inline-label outside-arrows mobile-arrows").mark("inspect-tabs"):
            for name, v in VIEWS.items():
                ui.tab(name, in_lang(v.title, "de" if de else "en")).mark(f"tab-{name}")
        self.summary = ui.label("").classes("text-sm opacity-80")
        self.form = ui.row().classes("items-start gap-4 flex-wrap")
        self.status = ui.label("").classes("text-sm opacity-70").mark("inspect-status")
        self.out = ui.column().classes("w-full gap-2").mark("inspect-output")
        self._switch(self.view)
        ui.timer(0.5, self._tick)

    def _run_ids(self) -> list[str]:
        try:
            return run_ids(self.session.folder)
        except OSError:
            return []

    def _set(self, **changes: Any) -> None:
        for k, v in changes.items():
            setattr(self, k, v)
        self.refresh_soon()

    def _switch(self, view: str) -> None:
        self.view = view
        v = VIEWS[view]
        de = lang() == "de"
        self.summary.set_text(in_lang(v.summary, "de" if de else "en") + (" " + t("insp.live") if v.per_epoch else ""))
        self.form.clear()
        with self.form:
            for key, default in v.options().items():
                self._option(view, key, default)
        self.refresh_soon()

    def _option(self, view: str, key: str, default: Any) -> None:
        """One input for a view option: a plain label, a one-line help under it, its kind taken
        from the default value."""
        store = self.options[view]
        value = store.get(key, default)
        name, hint = texts.label(view, key), texts.help_text(view, key)

        def set_value(v: Any) -> None:
            store[key] = v
            self.refresh_soon()

        def helped(make: Any, width: str) -> Any:
            # the help as its own line under the field: Quasar's hint overlaps what follows when it wraps
            with ui.column().classes(f"{width} gap-0"):
                el = make().classes("w-full").mark(f"opt-{key}")
                if hint:
                    el.props["aria-description"] = hint
                    ui.label(hint).classes("text-xs opacity-70 leading-tight")
            return el
        if (view, key) in CHOICES:
            helped(lambda: ui.select({c: texts.choice(c) for c in CHOICES[(view, key)]}, value=value, label=name,
                                     on_change=lambda e: set_value(e.value)), "w-56")
        elif (view, key) in LAYER_OPTIONS and self.session.analysis is not None:
            rows = self.session.analysis.rows
            names = {None: t("insp.auto"), **{r.index: f"{r.index + 1}: {r.type}" for r in rows}}
            current = value % len(rows) if rows and isinstance(value, int) else value
            helped(lambda: ui.select(names, value=current, label=name, on_change=lambda e: set_value(e.value)), "w-64")
        elif (view, key) in ONE_BASED:
            helped(lambda: ui.number(name, value=None if value is None else value + 1, min=1, step=1, format="%d",
                                     placeholder=t("insp.auto"),
                                     on_change=lambda e: set_value(None if e.value in (None, "") else int(e.value) - 1)),
                   "w-64")
        elif key == "epsilon":
            with ui.column().classes("gap-0 w-64"):
                ui.label(name).classes("text-xs opacity-70")
                ui.slider(min=0.0, max=1.0, step=0.01, value=value, on_change=lambda e: set_value(float(e.value))) \
                    .props("label-always").mark("opt-epsilon").props["aria-label"] = name
                ui.label(hint).classes("text-xs opacity-70")
        elif isinstance(default, bool):
            with ui.column().classes("gap-0"):
                ui.checkbox(name, value=value, on_change=lambda e: set_value(bool(e.value))).mark(f"opt-{key}")
                ui.label(hint).classes("text-xs opacity-70")
        elif isinstance(default, (int, float)):
            is_int = isinstance(default, int)
            helped(lambda: LocalNumber(name, value=value, step=1 if is_int else None, format="%d" if is_int else None,
                                     on_change=lambda e: set_value((int if is_int else float)(e.value or 0))), "w-56")
        else:
            helped(lambda: ui.input(name, value="" if value is None else json.dumps(value), placeholder=t("insp.auto"),
                                    on_change=lambda e: set_value(_parse(e.value))), "w-56")

    # -- computing --------------------------------------------------------------------------
    def refresh_soon(self) -> None:
        background_tasks.create(self.refresh(), name="inspect-view")

    async def refresh(self) -> None:
        """Compute the current view in a worker thread and show it (one at a time; the last wish wins)."""
        if self.busy:
            self.wanted = True
            return
        self.busy = True
        self.status.set_text(t("insp.working"))
        view, opts = self.view, dict(self.options[self.view])
        try:
            result = await run.io_bound(self._compute, view, opts)
            if result is None:  # the server is shutting down (NiceGUI's io_bound answers None then)
                return
            # views drawn in the page draw their PNG only when it is downloaded (the errors picture takes seconds)
            in_page = view in CHART_VIEWS and not (view == "weights" and result.data.get("kernels"))
            png = None if in_page else await run.io_bound(result.png, lang())
            if png is None and not in_page:  # shutting down, as above
                return
            extra = await run.io_bound(self._extra, result)
        except SpecError as e:
            self._show_error(e)
        except Exception as e:  # noqa: BLE001 - a failing view must not take the page down
            log.warning("inspect view %s failed", view, exc_info=True)
            self._show_error(SpecError("", str(e)))
        else:
            if view == self.view:
                self._show(result, png, extra)
        finally:
            self.busy = False
        if self.wanted:
            self.wanted = False
            await self.refresh()

    def _compute(self, view: str, opts: dict[str, Any]) -> Any:
        return self.session.project.inspect(view, run=self.run_id, split=self.split, index=self.index,
                                            compare_run=self.compare if view == "cka" else None, **opts)

    def _extra(self, result: Any) -> bytes | None:
        """A second picture some views need in the page: the hardest examples themselves."""
        if result.view == "errors" and result.data.get("hardest"):
            return self.session.project.inspect_samples_png([h["index"] for h in result.data["hardest"]],
                                                            self.run_id, self.split)
        return None

    def _show_error(self, e: SpecError) -> None:
        self.status.set_text("")
        self.out.clear()
        with self.out, ui.card().classes("ll-card w-full").mark("inspect-error"):
            message = err_text(e.message)
            ui.label(t("insp.error", message=f"{e.path}: {message}" if e.path else message)).classes("text-negative")
            if e.hint:
                ui.label(t("insp.fix", hint=err_text(e.hint)))

    def _show(self, result: Any, png: bytes | None, extra: bytes | None = None) -> None:
        self.last, self.png = result, png
        d = result.data
        shown = t("insp.shown", run=self.names.number(d["run"])) if d.get("trained") else None   # 'Run 2', not its id
        self.status.set_text(shown or t("insp.untrained"))
        self.out.clear()
        with self.out:
            for note in d.get("notes") or []:
                with ui.row().classes("items-center gap-2 no-wrap").mark("inspect-note"):
                    ui.icon("info", color="primary")
                    ui.label(err_text(note)).classes("text-sm")
            draw = getattr(self.charts, result.view, None)
            if result.view in CHART_VIEWS and draw is not None:
                draw(d, extra)
            else:
                _alt(ui.image(png_url(png)), self.summary.text).classes("w-full max-w-5xl") \
                    .props("fit=contain no-transition") \
                    .mark(f"inspect-image-{result.view}")
            ui.button(t("insp.download"), icon="download", on_click=lambda: self._download(result)) \
                .props("flat no-caps").mark("inspect-download")

    async def _download(self, result: Any) -> None:
        """The view's picture as a PNG file (drawn now when the page showed charts instead)."""
        png = self.png if self.last is result and self.png is not None else await run.io_bound(result.png, lang())
        if self.last is result:
            self.png = png
        ui.download.content(png, f"{result.view}.png", "image/png")

    # -- live updates -----------------------------------------------------------------------
    def _tick(self) -> None:
        """Follow a run of this project that trains in this server; redraw per-epoch views after each save."""
        mine = [r for r in default_runner().runs() if _same(r.project.dir, self.session.folder)]
        if mine and mine[-1].run_id != self.live_id:
            if self.feed is not None:
                self.feed.close()
            self.live_id, self.feed = mine[-1].run_id, RunFeed(mine[-1])
        if self.feed is None:
            return
        saved = any(isinstance(e, (ev.RunFinished, ev.RunStopped)) or (isinstance(e, ev.CheckpointSaved) and e.kind == "last")
                    for e in self.feed.drain())
        if saved and self.run_id is None and VIEWS[self.view].per_epoch:
            self.refresh_soon()

    def close(self) -> None:
        if self.feed is not None:
            self.feed.close()
            self.feed = None


def _same(a: Any, b: Any) -> bool:
    try:
        return a is not None and Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _parse(text: str) -> Any:
    """Text of an option box: JSON where it parses (numbers, lists), None when empty, else the text."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def render(project_id: str, session: Any) -> None:
    """The Inspect page body for one project (session: layerlab.ui.state.Session)."""
    panel = InspectPanel(session)
    client = ui.context.client
    client.on_disconnect(panel.close)
