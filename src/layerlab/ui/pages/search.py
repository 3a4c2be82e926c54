"""Search page (issue 19.2): declare ranges on settings, run a search, watch its trials, use the best.

Ranges live in the project document itself, at the setting they search (`spec/search.py`);
the page adds them with the setting's current value as the default, so every other page and
`train` keep working while a range is declared. A search runs in LayerLab's worker processes
(`layerlab.api_search.search`, the scheduler's budgets and fairness apply) and keeps running
when the page is left; coming back shows it. "Use the best" writes the best trial's values as
the ranges' defaults through the session, so Undo takes it back.
"""
from __future__ import annotations

import logging
from typing import Any

from nicegui import ui

from ... import api_search
from ...api_class import lesson_of
from ...api_owners import owner_of
from ...api_errors import SpecError
from ...api_spec import parse_path as parse
from ...api_spec import ranges, use_values
from ..components.chart_numbers import localized
from ..components.charts import metric_label
from ..frame import frame, lang, tr
from ...i18n.numbers import number
from ..i18n import err_text

log = logging.getLogger(__name__)

# project id -> its running or last Search (a search outlives the page that started it)
SEARCHES: dict[str, Any] = {}
NUMERIC = ("units", "filters", "rate", "learning_rate", "batch_size", "weight_decay", "kernel_size")


def _setting_label(path: str, doc: dict[str, Any]) -> str:
    """'Layer 2 (dense): units' or 'learning_rate' for a spec path."""
    parts = parse(path)
    if parts[:2] == ["model", "layers"] and len(parts) >= 3:
        layers = doc.get("model", {}).get("layers", [])
        i = parts[2]
        kind = layers[i].get("type", "?") if isinstance(i, int) and i < len(layers) else "?"
        rest = ".".join(str(p) for p in parts[3:])
        return f"{tr('search.optional', n=i + 1)} ({kind})" if not rest else f"{i + 1} ({kind}): {rest}"
    return str(parts[-1])


def candidates(doc: dict[str, Any], locked: tuple[str, ...] | list[str] = ()) -> dict[str, str]:
    """Settings a pupil may give a range: numbers of the top-level layers and training, and each hidden layer
    as optional; {path: label}. A lesson's locked layers offer none of theirs (the store refuses a range
    written into a locked part)."""
    out: dict[str, str] = {}
    for key in ("learning_rate", "batch_size", "weight_decay"):
        value = (doc.get("training") or {}).get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out[f"training.{key}"] = _setting_label(f"training.{key}", doc)
    layers = [] if "layers" in locked else ((doc.get("model") or {}).get("layers") or [])
    for i, layer in enumerate(layers):
        for key, value in layer.items():
            if key in NUMERIC and isinstance(value, (int, float)) and not isinstance(value, bool):
                out[f"model.layers[{i}].{key}"] = _setting_label(f"model.layers[{i}].{key}", doc)
        if 0 < i < len(layers) - 1 and "search" not in layer:
            out[f"model.layers[{i}]"] = _setting_label(f"model.layers[{i}]", doc)
    return out


def _read_values(text: str, kind: str) -> list[Any]:
    """The numbers typed for a range: comma-separated, or, as German writes them with a decimal comma,
    semicolon-separated ('0,001; 0,1').

    >>> _read_values("0.001, 0.1", "loguniform"), _read_values("0,001; 0,1", "loguniform")
    ([0.001, 0.1], [0.001, 0.1])
    >>> _read_values("16; 32", "int")
    [16, 32]
    """
    out = []
    parts = [p.replace(",", ".") for p in text.split(";")] if ";" in text else text.split(",")
    for part in parts:
        part = part.strip()
        if not part:
            continue
        number = float(part)
        out.append(int(number) if number.is_integer() and kind in ("choice", "int") else number)
    return out


def add_range(doc: dict[str, Any], path: str, kind: str, values: list[Any]) -> dict[str, Any]:
    """doc with a range at path whose default is the setting's current value (so train keeps working)."""
    parts = parse(path)
    node: Any = doc
    for p in parts[:-1]:
        node = node[p]
    key = parts[-1]
    if path.endswith("]"):  # a whole layer: optional, in by default
        node[key]["search"] = {"optional": True, "default": True}
        return doc
    current = node[key]
    body: dict[str, Any] = {kind: values if kind == "choice" else values[:2]}
    if kind == "choice" and current not in values:
        body["choice"] = [current, *values]
    if kind != "choice" and not (values[0] <= current <= values[1]):
        body[kind] = [min(values[0], current), max(values[1], current)]
    body["default"] = current
    node[key] = {"search": body}
    return doc


def remove_range(doc: dict[str, Any], path: str) -> dict[str, Any]:
    found = {r.path: r for r in ranges(doc)}
    r = found[path]
    parts = parse(path)
    node: Any = doc
    for p in parts[:-1]:
        node = node[p]
    if r.kind == "optional":
        node[parts[-1]].pop("search", None)
    else:
        node[parts[-1]] = r.first()
    return doc


class SearchView:
    def __init__(self, session: Any, project_id: str):
        self.session, self.pid = session, project_id
        try:
            self.owner = owner_of(ui.context.client.request)
        except (RuntimeError, AttributeError):
            self.owner = "local"
        ui.label(tr("search.title")).classes("text-xl font-bold")
        ui.label(tr("search.intro")).classes("text-sm max-w-3xl")
        self.ranges_box = ui.column().classes("w-full gap-1").mark("search-ranges")
        self._adder()
        with ui.row().classes("items-end gap-3 flex-wrap"):
            self.trials = ui.number(tr("search.trials"), value=10, min=1, max=200, format="%d").mark("search-trials")
            self.parallel = ui.number(tr("search.parallel"), value=1, min=1, max=8, format="%d").mark("search-parallel")
            self.epochs = ui.number(tr("search.epochs"), value=None, min=1, format="%d").mark("search-epochs")
            self.start_btn = ui.button(tr("search.start"), on_click=self.start).mark("search-start")
            self.stop_btn = ui.button(tr("search.stop"), on_click=self.stop).props("outline").mark("search-stop")
        self.status = ui.label("").classes("font-medium").mark("search-status").props('aria-live="polite"')
        self.problem = ui.label("").classes("text-negative").mark("search-problem")
        columns = [{"name": n, "label": tr(f"search.col.{n}"), "field": n, "align": "left"}
                   for n in ("trial", "state", "value", "epochs")]
        self.table = ui.table(columns=columns, rows=[], row_key="trial").classes("w-full").mark("search-table") \
            .props(f'no-data-label="{tr("search.no_trials")}"')   # Quasar's own words are English
        with ui.row().classes("items-center gap-2"):
            self.plot_x = ui.select({}, label=tr("search.plot_x"), on_change=lambda e: self._draw()) \
                .classes("min-w-[220px]").mark("search-plot-x")
            self.use_btn = ui.button(tr("search.use_best"), on_click=self.use_best).mark("search-use-best")
        self.chart = ui.echart({"xAxis": {"type": "value"}, "yAxis": {"type": "value"}, "series": []}) \
            .classes("w-full h-72").mark("search-chart")
        self._seen = -1
        self.show_ranges()
        self.session.subscribe(self.show_ranges, ui.context.client)
        ui.timer(0.5, self._poll)

    # -- ranges ----------------------------------------------------------------------------
    def _adder(self) -> None:
        with ui.expansion(tr("search.add")).classes("w-full").mark("search-add"):
            with ui.row().classes("items-end gap-2 flex-wrap"):
                self.setting = ui.select({}, label=tr("search.setting")).classes("min-w-[240px]").mark("search-setting")
                kinds = {k: tr(f"search.kind.{k}") for k in ("choice", "loguniform", "uniform", "int")}
                self.kind = ui.select(kinds, value="choice", label=tr("search.kind")).classes("min-w-[200px]") \
                    .mark("search-kind")
                self.values = ui.input(tr("search.values")).classes("min-w-[240px]").mark("search-values")
                ui.button(tr("search.add_btn"), on_click=self.add).mark("search-add-btn")

    def show_ranges(self) -> None:
        doc = self.session.doc
        self.ranges_box.clear()
        found = []
        try:
            found = ranges(doc)
        except SpecError as e:
            with self.ranges_box:
                ui.label(err_text(e, lang())).classes("text-negative")
        with self.ranges_box:
            ui.label(tr("search.ranges")).classes("font-semibold")
            if not found:
                ui.label(tr("search.none")).classes("text-sm")
            for r in found:
                with ui.row().classes("items-center gap-2"):
                    what = ", ".join(str(v) for v in r.values) if r.kind != "optional" else "✓ / ✗"
                    default = tr("search.default", value=r.default) if r.has_default else ""
                    ui.label(f"{_setting_label(r.path, doc)}: {tr('search.kind.' + r.kind) if r.kind != 'optional' else ''}"
                             f" {what} {('· ' + default) if default else ''}").mark("search-range")
                    ui.button(icon="delete", on_click=lambda _, p=r.path: self._remove(p)) \
                        .props(f'flat round aria-label="{tr("search.remove")}"').tooltip(tr("search.remove"))
        self.setting.options = candidates(doc, (lesson_of(self.session.folder) or {}).get("locked", ()))
        self.setting.update()
        self.plot_x.options = {r.path: _setting_label(r.path, doc) for r in found}
        if self.plot_x.value not in self.plot_x.options:
            self.plot_x.value = next(iter(self.plot_x.options), None)
        self.plot_x.update()

    def add(self) -> None:
        path, kind = self.setting.value, self.kind.value
        if not path:
            return
        try:
            values = _read_values(self.values.value or "", kind) if not path.endswith("]") else []
        except ValueError:
            self.problem.text = tr("search.bad_values")
            return
        if not path.endswith("]") and (not values or kind != "choice" and len(values) < 2):
            self.problem.text = tr("search.bad_values")
            return
        self.problem.text = ""
        self.session.edit(lambda d: add_range(d, path, kind, values))
        try:
            api_search.check(self.session.project)
        except SpecError as e:
            self.problem.text = err_text(e, lang())

    def _remove(self, path: str) -> None:
        self.session.edit(lambda d: remove_range(d, path))

    # -- the search ------------------------------------------------------------------------
    def start(self) -> None:
        running = SEARCHES.get(self.pid)
        if running is not None and not running.done:
            return
        self.problem.text = ""
        try:
            s = api_search.search(self.session.project, trials=int(self.trials.value or 10),
                                  parallel=int(self.parallel.value or 1),
                                  epochs=int(self.epochs.value) if self.epochs.value else None,
                                  background=True, owner=self.owner)
        except SpecError as e:
            self.problem.text = err_text(e, lang())
            return
        SEARCHES[self.pid] = s
        self._seen = -1

    def stop(self) -> None:
        s = SEARCHES.get(self.pid)
        if s is not None:
            s.stop()

    def use_best(self) -> None:
        s = SEARCHES.get(self.pid)
        best = s.result.best if s is not None else None
        if best is None:
            return
        if self.session.edit(lambda d: use_values(d, best.params)):
            with ui.notification(tr("search.used"), timeout=8, close_button=True) as n:
                ui.button(tr("search.undo"), on_click=lambda: (self.session.undo(), n.dismiss())) \
                    .props("flat").mark("search-undo")

    def _poll(self) -> None:
        s = SEARCHES.get(self.pid)
        running = s is not None and not s.done
        self.start_btn.set_enabled(not running)
        self.stop_btn.set_visibility(running)
        if s is None:
            self.use_btn.set_visibility(False)
            return
        trials = list(s.result.trials)
        key = (len(trials), sum(t.state != "running" for t in trials), s.done)
        if key == self._seen:
            return
        self._seen = key
        n_done = sum(t.state != "running" for t in trials)
        if running:
            self.status.text = tr("search.running", done=n_done, n=s.n_trials)
        else:
            self.status.text = tr("search.finished" if s.result.status == "finished" else "search.stopped",
                                  n=len(trials))
        best = s.result.best
        if best is not None:
            self.status.text += " · " + tr("search.best", metric=metric_label(s.result.metric, lang()),
                                           value=number(best.value, lang(), significant=4), number=best.number + 1)
        self.use_btn.set_visibility(best is not None and not running)
        self.table.rows = [{"trial": t.number + 1, "state": tr(f"search.state.{t.state}"),
                            "value": number(t.value, lang(), significant=4)
                            if t.value is not None else "–", "epochs": t.epochs}
                           for t in sorted(trials, key=lambda t: t.number)]
        self.table.update()
        self._draw()

    def _draw(self) -> None:
        s = SEARCHES.get(self.pid)
        x = self.plot_x.value
        if s is None or not x:
            return
        series = []
        for state in ("finished", "pruned", "failed"):
            pts = [[t.params.get(x) if not isinstance(t.params.get(x), bool) else int(t.params[x]), t.value]
                   for t in s.result.trials if t.state == state and t.value is not None]
            series.append({"name": tr(f"search.state.{state}"), "type": "scatter", "data": pts, "symbolSize": 12})
        log_x = any(r["path"] == x and r["kind"] == "loguniform" for r in s.result.ranges)
        self.chart.options.update(localized({"legend": {}, "tooltip": {"trigger": "item"},
                                   "xAxis": {"type": "log" if log_x else "value", "name": self.plot_x.options.get(x, x),
                                             "scale": True},
                                   "yAxis": {"type": "value", "name": s.result.metric, "scale": True},
                                   "series": series}, lang()))
        self.chart.update()


@ui.page("/p/{project_id}/search")
def search_page(project_id: str) -> None:
    """The Search page of one project."""
    with frame(project_id, "train") as session:
        if session is None:
            return
        if "training" in (lesson_of(session.folder) or {}).get("locked", ()):
            # a search writes ranges and its best values into the settings, which the store refuses here
            ui.label(tr("search.title")).classes("text-xl font-bold")
            ui.label(tr("search.locked")).classes("text-body2").mark("search-locked")
            ui.link(tr("search.back_to_train"), f"/p/{project_id}/train").mark("search-back-to-train")
            return
        SearchView(session, project_id)
