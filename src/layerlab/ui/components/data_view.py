"""The Data page's overview: what the data is (source, kind, samples, splits), class counts,
and a preview fitting its kind: an image grid with labels, a table, or a 2-D scatter.

Loading a dataset can take a moment, so `load()` runs in a thread and the page shows a
spinner meanwhile; a data error is shown in words with its fix, never as a traceback.
"""
from __future__ import annotations

import base64
import logging
from typing import Any

import numpy as np
from nicegui import run, ui

from ...api_data import dataset_samples as samples
from ...api_data import raw_view, row_text
from ...api_data import samples as pictures
from ...i18n.numbers import number
from ...api_errors import SpecError
from ..i18n import err_text, known, t
from .boundary import colour
from .chart_numbers import localized
from .charts import GRID_LINE

log = logging.getLogger(__name__)
GRID_N, TABLE_N, SCATTER_N = 24, 50, 2000


def pager_props(lang: str) -> str:
    """Quasar table props that say the pager's words in lang ('Zeilen pro Seite:', '1–10 von 50')."""
    return (f'rows-per-page-label="{t("dv.per_page", lang)}" '
            f':pagination-label="(a, b, n) => a + \'–\' + b + \' {t("dv.of", lang)} \' + n" '
            f'no-data-label="{t("dv.no_rows", lang)}"')


def read_data(project: Any) -> dict[str, Any]:
    """Summary and preview material of a project's dataset (runs in a thread)."""
    ds = project.dataset()
    summary = project.data_summary()
    info = ds.info
    out: dict[str, Any] = {"summary": summary, "kind": info.kind, "task": info.task, "classes": info.classes}
    if info.kind == "image":
        out["grid"] = [{"label": s["label"], "url": "data:image/png;base64," + base64.b64encode(s["image_png"]).decode()}
                       for s in samples(ds, GRID_N)]
    elif info.kind == "points" and tuple(info.input_shape) == (2,):
        x, y = raw_view(ds, "train", SCATTER_N)
        out["points"] = (np.asarray(x, float).round(4).tolist(), np.asarray(y).reshape(len(y), -1)[:, 0].tolist())
    else:
        out["rows"] = samples(ds, TABLE_N)
    return out


def scatter_options(points: list[list[float]], labels: list[Any], classes: list[str] | None) -> dict[str, Any]:
    """ECharts options of a 2-D scatter coloured by class (or by value for regression).

    >>> o = scatter_options([[0, 1], [1, 0]], [0, 1], ["a", "b"])
    >>> [s["name"] for s in o["series"]], o["series"][1]["data"]
    (['a', 'b'], [[1, 0]])
    """
    base = {"animation": False, "backgroundColor": "transparent", "tooltip": {"trigger": "item"},
            "grid": {"left": 40, "right": 12, "top": 30, "bottom": 30},
            "xAxis": {"type": "value", "scale": True, "axisLabel": {"color": "#888"}, "splitLine": GRID_LINE},
            "yAxis": {"type": "value", "scale": True, "axisLabel": {"color": "#888"}, "splitLine": GRID_LINE}}
    if classes:
        series = []
        for i, c in enumerate(classes):
            rgb = colour(i)
            series.append({"name": c, "type": "scatter", "symbolSize": 6,
                           "itemStyle": {"color": f"rgb{rgb}"},
                           "data": [p for p, lab in zip(points, labels) if int(lab) == i]})
        return {**base, "legend": {"top": 0, "textStyle": {"color": "#888"}}, "series": series}
    vals = [float(v) for v in labels]
    return {**base, "visualMap": {"min": min(vals, default=0), "max": max(vals, default=1), "calculable": True,
                                  "orient": "horizontal", "left": "center", "bottom": 0,
                                  "inRange": {"color": ["#f59322", "#e8eaeb", "#0877bd"]}},
            "series": [{"type": "scatter", "symbolSize": 6, "data": [[*p, v] for p, v in zip(points, vals)]}]}


class DataOverview:
    """Summary, class counts and preview; call load() to (re)read the data."""

    def __init__(self, session: Any, lang: str) -> None:
        self.session, self.lang = session, lang
        with ui.card().classes("w-full ll-card gap-2"):
            ui.label(self.tr("dv.title")).classes("text-lg font-medium")
            self.box = ui.column().classes("w-full gap-2").mark("data-overview")
        with ui.card().classes("w-full ll-card gap-2") as self.preview_card:
            ui.label(self.tr("dv.preview")).classes("text-lg font-medium")
            self.preview = ui.column().classes("w-full").mark("data-preview")

    def tr(self, key: str, **fmt: Any) -> str:
        return t(key, self.lang, **fmt)

    async def load(self) -> None:
        """Read the data in a thread and redraw."""
        self.box.clear()
        with self.box:
            with ui.row().classes("items-center gap-2"):
                ui.spinner()
                ui.label(self.tr("dv.loading"))
        try:
            d = await run.io_bound(read_data, self.session.project)
        except SpecError as e:
            self._problem(err_text(e, self.lang))
            return
        except Exception as e:  # noqa: BLE001 - a broken file must not take the page down
            log.warning("data of %s unreadable: %s", self.session.id, e)
            self._problem(err_text(e, self.lang))
            return
        if d is None:
            return
        self._summary(d)
        self.preview_card.set_visibility(True)
        self._preview(d)

    def _problem(self, text: str) -> None:
        self.box.clear()
        self.preview.clear()
        self.preview_card.set_visibility(False)  # nothing to preview: no empty card
        if self._collecting():
            with self.box:
                ui.label(self.tr("dv.need_classes")).mark("data-problem")
            return
        with self.box:
            ui.label(self.tr("dv.problem", error=text)).classes("text-negative").props('role="alert"') \
                .mark("data-problem")

    def _collecting(self) -> bool:
        """Own pictures with fewer than two filled classes: a step of the work, not an error."""
        if (self.session.doc.get("data") or {}).get("source") != "images":
            return False
        return sum(1 for n in pictures.class_counts(self.session.folder).values() if n) < 2

    def _summary(self, d: dict[str, Any]) -> None:
        s = d["summary"]
        shape = "×".join(str(v) for v in s.get("input_shape") or [])
        kind = self.tr(f"dv.kind.{d['kind']}", shape=shape, n=len(s.get("feature_names") or []) or shape)
        self.box.clear()
        with self.box:
            source = s.get("source")   # in words where the catalogues have them, with the id a project file names
            if source and known(f"home.src.{source}"):
                source = f"{self.tr(f'home.src.{source}')} ({source})"
            ui.label(self.tr("dv.source", source=source)).classes("text-sm opacity-70").mark("data-source")
            ui.label(f"{self.tr('dv.samples', n=number(s['n_samples'], self.lang))}: {kind}").mark("data-samples")
            sp = s.get("splits") or {}
            ui.label(self.tr("dv.splits", train=number(sp.get("train", 0), self.lang),
                             validation=number(sp.get("validation", 0), self.lang),
                             test=number(sp.get("test", 0), self.lang))).classes("text-sm opacity-80")
            counts = s.get("class_counts")
            if counts:
                ui.label(self.tr("dv.counts")).classes("text-sm font-medium mt-2")
                top = max(counts.values()) or 1
                with ui.column().classes("w-full gap-1"):
                    for i, (c, n) in enumerate(counts.items()):
                        with ui.row().classes("w-full items-center gap-2 no-wrap").mark(f"data-count-{i}"):
                            ui.label(str(c)).classes("w-24 shrink-0 truncate text-right").tooltip(str(c))
                            with ui.element("div").classes("grow h-3 rounded bg-grey-3 overflow-hidden"):
                                ui.element("div").classes("h-full").style(
                                    f"width: {100 * n / top:.1f}%; background: rgb{colour(i)}")
                            ui.label(number(n, self.lang)).classes("w-12 shrink-0 tabular-nums")
            elif d["task"] == "regression":
                ui.label(self.tr("dv.regression", n=s.get("outputs", 1))).classes("text-sm")
            unseen = s.get("unseen_categories") or {}
            if unseen:
                values = "; ".join(f"{col}: {', '.join(map(str, vals))}" for col, vals in unseen.items())
                ui.label(self.tr("dv.unseen", values=values)).classes("text-sm text-warning").mark("data-unseen")

    def _preview(self, d: dict[str, Any]) -> None:
        self.preview.clear()
        with self.preview:
            if "grid" in d:
                with ui.element("div").classes("w-full grid gap-2 grid-cols-4 sm:grid-cols-6 lg:grid-cols-8") \
                        .mark("image-grid"):
                    for s in d["grid"]:
                        with ui.column().classes("items-center gap-0"):
                            ui.image(s["url"]).classes("w-16 h-16 rounded").style("image-rendering: pixelated") \
                                .props(f'fit="contain" no-spinner no-transition alt="{s["label"]}"')
                            ui.label(str(s["label"])).classes("text-xs")
            elif "points" in d:
                pts, labels = d["points"]
                ui.echart(localized(scatter_options(pts, labels, d["classes"] if d["task"] == "classification"
                                                    else None), self.lang)) \
                    .classes("w-full max-w-md").style("aspect-ratio: 1; height: auto").mark("data-scatter")
            else:
                rows = d.get("rows") or []
                if not rows:
                    return
                # one line per row as people read it ("bill_length_mm 39.1, island Torgersen, ..."),
                # not a column per encoded value ("island=Biscoe 0, island=Dream 0, island=Torgersen 1")
                columns = [{"name": "label", "label": self.tr("dv.label"), "field": "label", "align": "left"},
                           {"name": "row", "label": self.tr("dv.row"), "field": "row", "align": "left",
                            "classes": "whitespace-normal", "headerClasses": "whitespace-normal"}]
                table_rows = []
                for k, r in enumerate(rows):
                    lab = r["label"] if not isinstance(r["label"], list) else \
                        ", ".join(number(v, self.lang) for v in r["label"])
                    table_rows.append({"key": k, "label": lab, "row": row_text(r.get("values") or [], self.lang)})
                ui.table(columns=columns, rows=table_rows, row_key="key", pagination=10).props(
                    f"dense flat wrap-cells {pager_props(self.lang)}").classes("w-full").mark("data-table")
