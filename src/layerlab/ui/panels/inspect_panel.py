"""The studio's Inspect page: the ten views of layerlab.inspect for a project's runs.

A tab per view, a form of the view's options (generated from its signature, with an
epsilon slider for adversarial examples), the picture the view draws, and extras where
a picture is not enough: formulas typeset by KaTeX in the math view and a confusion
matrix whose cells open the samples they count. Views are computed in a worker thread;
while a run of this project trains in this server, views that are cheap enough redraw
after each saved epoch (the same CheckpointSaved events the Train page listens to).
"""
from __future__ import annotations

import base64
import json
import logging
from typing import Any

from nicegui import background_tasks, run, ui

from ...engine import events as ev
from ...inspect.views import VIEWS
from ...spec.errors import SpecError
from ..frame import lang
from ..i18n import add, err_text, t

log = logging.getLogger(__name__)

add({
    "insp.title": "Inspect", "insp.intro": "See inside the network: what each layer does, what it looks at, "
    "where it fails.", "insp.run": "Run", "insp.latest": "the latest run", "insp.split": "Samples",
    "insp.val": "validation", "insp.train": "training", "insp.test": "test", "insp.index": "Sample number",
    "insp.compare": "Compare with run", "insp.none": "none", "insp.untrained": "No trained run yet: you see the "
    "network as it starts, with random weights. Train it on the Train page.",
    "insp.shown": "Run {run}", "insp.working": "Computing…", "insp.error": "{message}", "insp.fix": "Fix: {hint}",
    "insp.live": "Updates after each saved epoch while the run trains.", "insp.cell": "Click a cell to see its samples.",
    "insp.cell_title": "true {true}, predicted {pred}: {n} samples", "insp.empty_cell": "No samples in this cell.",
    "insp.numbers": "with its numbers", "insp.refresh": "Recompute",
}, {
    "insp.title": "Untersuchen", "insp.intro": "Schau in das Netz hinein: was jede Schicht tut, worauf es achtet, "
    "wo es sich irrt.", "insp.run": "Lauf", "insp.latest": "der letzte Lauf", "insp.split": "Beispiele",
    "insp.val": "Validierung", "insp.train": "Training", "insp.test": "Test", "insp.index": "Beispielnummer",
    "insp.compare": "Vergleichen mit Lauf", "insp.none": "keiner", "insp.untrained": "Noch kein trainierter Lauf: "
    "du siehst das Netz im Startzustand mit zufälligen Gewichten. Trainiere es auf der Seite Training.",
    "insp.shown": "Lauf {run}", "insp.working": "Berechne…", "insp.error": "{message}", "insp.fix": "Lösung: {hint}",
    "insp.live": "Aktualisiert sich nach jeder gespeicherten Epoche, während der Lauf trainiert.",
    "insp.cell": "Klicke auf eine Zelle, um ihre Beispiele zu sehen.",
    "insp.cell_title": "wahr {true}, vorhergesagt {pred}: {n} Beispiele", "insp.empty_cell": "Keine Beispiele in dieser Zelle.",
    "insp.numbers": "mit ihren Zahlen", "insp.refresh": "Neu berechnen",
})

CHOICES = {("saliency", "method"): ["all", "vanilla", "smoothgrad", "grad_cam"],
           ("adversarial", "method"): ["fgsm", "pgd"], ("max_activation", "reduce"): ["mean", "max"]}
LAYER_OPTIONS = {("max_activation", "layer"), ("embeddings", "layer")}


def png_url(data: bytes) -> str:
    """A PNG as a data URL for ui.image."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


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
        self._build()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        ui.label(t("insp.title")).classes("text-2xl")
        ui.label(t("insp.intro"))
        runs = self._run_ids()
        with ui.row().classes("items-end gap-4 flex-wrap"):
            from ..components.run_names import project_run_names
            from ..frame import expert
            names = project_run_names(self.session.project, lang(), expert(), ids=runs)  # ids in expert mode only
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
                ui.tab(name, v.title_de if de else v.title).mark(f"tab-{name}")
        self.summary = ui.label("").classes("text-sm opacity-80")
        self.form = ui.row().classes("items-end gap-4 flex-wrap")
        self.status = ui.label("").classes("text-sm opacity-70").mark("inspect-status")
        self.out = ui.column().classes("w-full gap-2").mark("inspect-output")
        self._switch(self.view)
        ui.timer(0.5, self._tick)

    def _run_ids(self) -> list[str]:
        from ...store.runs import run_ids
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
        self.summary.set_text((v.summary_de if de else v.summary) + (" " + t("insp.live") if v.per_epoch else ""))
        self.form.clear()
        with self.form:
            for key, default in v.options().items():
                self._option(view, key, default)
        self.refresh_soon()

    def _option(self, view: str, key: str, default: Any) -> None:
        """One input for a view option, its kind taken from the default value."""
        store = self.options[view]
        value = store.get(key, default)

        def set_value(v: Any) -> None:
            store[key] = v
            self.refresh_soon()
        if (view, key) in CHOICES:
            ui.select(CHOICES[(view, key)], value=value, label=key, on_change=lambda e: set_value(e.value)) \
                .classes("w-40").mark(f"opt-{key}")
        elif (view, key) in LAYER_OPTIONS and self.session.analysis is not None:
            rows = self.session.analysis.rows
            names = {r.index: f"{r.index}: {r.type}" for r in rows}
            current = value % len(rows) if rows and isinstance(value, int) else value
            ui.select(names, value=current, label=key, on_change=lambda e: set_value(e.value)) \
                .classes("w-48").mark(f"opt-{key}")
        elif key == "epsilon":
            with ui.column().classes("gap-0 w-64"):
                ui.label(key).classes("text-xs opacity-70")
                ui.slider(min=0.0, max=1.0, step=0.01, value=value, on_change=lambda e: set_value(float(e.value))) \
                    .props("label-always").mark("opt-epsilon")
        elif isinstance(default, bool):
            ui.checkbox(key, value=value, on_change=lambda e: set_value(bool(e.value))).mark(f"opt-{key}")
        elif isinstance(default, (int, float)):
            is_int = isinstance(default, int)
            ui.number(key, value=value, step=1 if is_int else None, format="%d" if is_int else None,
                      on_change=lambda e: set_value((int if is_int else float)(e.value or 0))) \
                .classes("w-32").mark(f"opt-{key}")
        else:
            ui.input(key, value="" if value is None else json.dumps(value),
                     on_change=lambda e: set_value(_parse(e.value))).classes("w-40").mark(f"opt-{key}")

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
            png = await run.io_bound(result.png, lang())
        except SpecError as e:
            self._show_error(e)
        except Exception as e:  # noqa: BLE001 - a failing view must not take the page down
            log.warning("inspect view %s failed", view, exc_info=True)
            self._show_error(SpecError("", str(e)))
        else:
            if view == self.view:
                self._show(result, png)
        finally:
            self.busy = False
        if self.wanted:
            self.wanted = False
            await self.refresh()

    def _compute(self, view: str, opts: dict[str, Any]) -> Any:
        return self.session.project.inspect(view, run=self.run_id, split=self.split, index=self.index,
                                            compare_run=self.compare if view == "cka" else None, **opts)

    def _show_error(self, e: SpecError) -> None:
        self.status.set_text("")
        self.out.clear()
        with self.out, ui.card().classes("ll-card w-full").mark("inspect-error"):
            message = err_text(e.message)
            ui.label(t("insp.error", message=f"{e.path}: {message}" if e.path else message)).classes("text-negative")
            if e.hint:
                ui.label(t("insp.fix", hint=err_text(e.hint)))

    def _show(self, result: Any, png: bytes) -> None:
        self.last = result
        d = result.data
        self.status.set_text(t("insp.shown", run=d["run"]) if d.get("trained") else t("insp.untrained"))
        self.out.clear()
        with self.out:
            if result.view == "math":
                self._math(d["layers"])
            ui.image(png_url(png)).classes("w-full max-w-5xl").props("fit=contain no-transition") \
                .mark(f"inspect-image-{result.view}")
            if result.view == "errors":
                self._confusion(d["confusion"])

    def _math(self, layers: list[dict[str, Any]]) -> None:
        from ..components.mathview import Tex, use_katex
        use_katex()
        for row in layers:
            with ui.card().classes("ll-card w-full").mark(f"math-{row['index']}"):
                ui.label(f"{row['index']}: {row['type']}").classes("text-sm font-medium")
                Tex(row["latex"])
                if row.get("numeric"):
                    ui.label(t("insp.numbers")).classes("text-xs opacity-70")
                    Tex(row["numeric"])

    def _confusion(self, cm: dict[str, Any]) -> None:
        ui.label(t("insp.cell")).classes("text-sm")
        classes = cm["classes"]
        grid = ui.grid(columns=len(classes) + 1).classes("gap-1").mark("confusion-grid")
        samples = ui.column().classes("w-full")
        with grid:
            ui.label("")
            for c in classes:
                ui.label(c).classes("text-xs text-center")
            for r, name in enumerate(classes):
                ui.label(name).classes("text-xs")
                for c in range(len(classes)):
                    n = cm["counts"][r][c]
                    ui.button(str(n), on_click=lambda _, r=r, c=c: self._open_cell(cm, r, c, samples)) \
                        .props("flat dense" + ("" if n else " disable")) \
                        .classes("bg-green-1" if r == c else ("bg-red-1" if n else "")).mark(f"cell-{r}-{c}")

    async def _open_cell(self, cm: dict[str, Any], r: int, c: int, box: Any) -> None:
        """Show the samples one confusion cell counts."""
        indices = cm["cells"][r][c]
        box.clear()
        with box:
            ui.label(t("insp.cell_title", true=cm["classes"][r], pred=cm["classes"][c], n=len(indices))) \
                .mark("cell-title")
        if not indices:
            return
        png = await run.io_bound(self.session.project.inspect_samples_png, indices, self.run_id, self.split)
        with box:
            ui.image(png_url(png)).classes("w-full max-w-4xl").props("fit=contain").mark("cell-samples")

    # -- live updates -----------------------------------------------------------------------
    def _tick(self) -> None:
        """Follow a run of this project that trains in this server; redraw per-epoch views after each save."""
        from ...engine.runner import default_runner
        from ..components.run_feed import RunFeed
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
    from pathlib import Path
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
