"""The Inspect page's views drawn in the page as interactive charts (layerlab.ui.panels.inspect_panel
shows the others as pictures): the math view typeset by KaTeX with one sample's numbers flowing
through every layer; the confusion matrix, the loss history, the examples the network forgot and
the hardest examples (errors); the decision surface or its PCA scatter (surface); the embeddings;
the weight and gradient histograms with the dead units per epoch (weights). A click on a cell,
point or bar opens the samples behind it in a box under its chart.
"""
from __future__ import annotations

import base64
from typing import Any

from nicegui import run, ui

from ...api_inspect import layer_key
from ..components import inspect_charts as charts
from ..components.chart_numbers import localized
from ..components.mathview import Tex, tex_in
from ..frame import lang
from ..i18n import t

CHART_VIEWS = {"errors", "surface", "embeddings", "weights", "math"}  # drawn in the page; PNG as download
CHART_HEIGHT = "h-80"
MAX_HISTOGRAMS = 8


def png_url(data: bytes) -> str:
    """A PNG as a data URL for ui.image."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _pct(v: float) -> str:
    return f"{v * 100:.0f} %"


def _alt(image: Any, text: str) -> Any:
    """A picture with words for screen readers (Quasar's q-img puts `alt` on its img)."""
    image.props["alt"] = text
    return image


class ChartViews:
    """Draws one result of a view in CHART_VIEWS into the current NiceGUI container: the method named
    like the view takes the result's data and the page's extra picture (the hardest examples for
    errors). It reads from the panel the project (`panel.session`), the run and split the samples
    come from (`panel.run_id`, `panel.split`) and the view's PNG (`panel.png`: the kernels)."""

    def __init__(self, panel: Any) -> None:
        self.panel = panel

    def _chart(self, options: dict[str, Any], marker: str, on_pick: Any = None) -> Any:
        chart = ui.echart(localized(options, lang()), on_point_click=on_pick).classes(f"w-full max-w-3xl {CHART_HEIGHT}").mark(marker)
        chart.props(f"data-chart={marker}")
        return chart

    def _names(self, d: dict[str, Any]) -> list[str] | None:
        return d.get("classes")

    def _cls(self, d: dict[str, Any], k: Any) -> str:
        names = self._names(d)
        if k is None:
            return "?"
        return str(names[int(k)]) if names and 0 <= int(k) < len(names) else str(k)

    def math(self, d: dict[str, Any], _extra: Any = None) -> None:
        de = lang()
        if d.get("sample_index") is not None:
            ui.label(t("insp.sample_flow", i=d["sample_index"])).classes("text-sm font-medium")
        for row in d["layers"]:
            with ui.card().classes("ll-card w-full gap-1").mark(f"math-{row['index'] + 1}"):
                ui.label(t("insp.layer", i=row["index"] + 1, type=row["type"])).classes("text-sm font-semibold")
                Tex(tex_in(row["latex"], de)).classes("w-full")
                if row.get("input"):
                    with ui.row().classes("w-full items-baseline gap-x-3 gap-y-0"):
                        ui.label(t("insp.in")).classes("text-xs opacity-70")
                        Tex("{" + row["input"] + "}", display=False).classes("ll-tex-wrap")  # one unbreakable piece
                if row.get("worked"):
                    ui.label(t("insp.worked")).classes("text-xs opacity-70")
                    # inline, so that a long sum wraps at its + and = on a phone instead of running off
                    Tex(tex_in(row["worked"], de), display=False).classes("w-full ll-tex-wrap") \
                        .mark(f"math-worked-{row['index'] + 1}")
                if row.get("output"):
                    with ui.row().classes("w-full items-baseline gap-x-3 gap-y-0"):
                        ui.label(t("insp.out")).classes("text-xs opacity-70")
                        Tex("{" + row["output"] + "}", display=False).classes("ll-tex-wrap")  # one unbreakable piece
                if row.get("numeric"):
                    ui.label(t("insp.all_weights")).classes("text-xs opacity-70")
                    Tex(row["numeric"]).classes("w-full")

    def errors(self, d: dict[str, Any], hardest_png: bytes | None) -> None:
        cm = d["confusion"]
        ui.label(t("insp.cell")).classes("text-sm")
        opts = charts.confusion_options(cm, t("insp.predicted"), t("insp.true"),
                                        t("insp.confusion", acc=_pct(cm["accuracy"])))
        box: dict[str, Any] = {}
        self._chart(opts, "confusion-chart",
                    lambda e: self._open_cell(cm, *e.data["cell"], box["detail"]) if isinstance(e.data, dict) else None)
        box["detail"] = ui.column().classes("w-full")
        hist = d.get("history") or []
        if hist:
            series = {t("insp.loss"): [[h["epoch"], h["loss"]] for h in hist],
                      t("insp.accuracy"): [[h["epoch"], h["accuracy"]] for h in hist]}
            self._chart(charts.epoch_lines_options(series, t("insp.history"), t("insp.epoch"), t("insp.loss"),
                                                   percent=[t("insp.accuracy")], lang=lang()), "history-chart")
        else:
            ui.label(t("insp.no_history")).classes("text-sm opacity-80").mark("inspect-no-history")
        curves = d.get("loss_curves") or []
        if hist and not curves:
            ui.label(t("insp.none_forgotten")).classes("text-sm opacity-80").mark("inspect-none-forgotten")
        if curves:
            series = {f"#{c['index']}": [[e, v] for e, v in zip(c["epochs"], c["loss"])] for c in curves}
            self._pickable(charts.epoch_lines_options(series, t("insp.forgotten"), t("insp.epoch"), t("insp.loss"),
                                                     lang=lang()),
                           "forgotten-chart", lambda e: [int(e.series_name.lstrip("#"))])
        hard = d.get("hardest") or []
        if hard:
            tips = [t("insp.hardest_tip", i=h["index"], true=self._cls(d, h.get("label")),
                      pred=self._cls(d, h.get("predicted")), conf=_pct(h.get("confidence", 0.0)),
                      why=t("insp.wrong") if h.get("why") == "wrong" else t("insp.unsure")) for h in hard]
            ui.label(t("insp.bar")).classes("text-sm")
            self._pickable(charts.hardest_options(hard, tips, t("insp.hardest"), t("insp.loss"), t("insp.wrong"),
                                                  t("insp.unsure")), "hardest-chart")
        if hardest_png:
            ui.label(t("insp.hardest_pictures")).classes("text-sm font-medium")
            _alt(ui.image(png_url(hardest_png)), t("insp.hardest_pictures")).classes("w-full max-w-4xl") \
                .props("fit=contain no-transition") \
                .mark("hardest-samples")

    def _point_tips(self, d: dict[str, Any], labels: Any, predicted: Any, n: int) -> list[str]:
        out = []
        for i in range(n):
            pred = self._cls(d, predicted[i]) if predicted else "?"
            if labels:
                out.append(t("insp.point_tip", i=i, true=self._cls(d, labels[i]), pred=pred))
            else:
                out.append(t("insp.point_tip_nolabel", i=i, pred=pred))
        return out

    def _pickable(self, options: dict[str, Any], marker: str, samples_of: Any = None) -> None:
        """A chart whose points open their samples in a box right under it (samples_of(event)
        -> indices; default: the clicked item's `sample`)."""
        box: dict[str, Any] = {}

        def pick(e: Any) -> Any:
            indices = samples_of(e) if samples_of is not None else (
                [e.data["sample"]] if isinstance(e.data, dict) and e.data.get("sample") is not None else None)
            return self._open_samples(indices, box["detail"]) if indices else None
        self._chart(options, marker, pick)
        box["detail"] = ui.column().classes("w-full")

    def surface(self, d: dict[str, Any], _extra: Any = None) -> None:
        ui.label(t("insp.point")).classes("text-sm")
        if d.get("mode") == "surface":
            tips = self._point_tips(d, d.get("point_labels"), d.get("point_predicted"), len(d["points"]))
            opts = charts.surface_options(d, self._names(d), tips, t("insp.surface_title"))
        else:
            tips = self._point_tips(d, d.get("labels"), d.get("predicted"), len(d["coords"]))
            opts = charts.scatter_options(d["coords"], d["predicted"], self._names(d), tips, t("insp.pca_title"),
                                          "PC1", "PC2")
        self._pickable(opts, "surface-chart")

    def embeddings(self, d: dict[str, Any], _extra: Any = None) -> None:
        ui.label(t("insp.point")).classes("text-sm")
        tips = self._point_tips(d, d.get("labels"), d.get("predicted"), len(d["coords"]))
        colours = d.get("labels") if d.get("labels") is not None else d.get("predicted")
        self._pickable(charts.scatter_options(d["coords"], colours, self._names(d), tips,
                                              t("insp.embed_title", i=d["layer"] + 1, type=d["type"]), "PC1", "PC2"),
                       "embeddings-chart")

    def _param_title(self, key: str, which: str) -> str:
        """'0/dense/weight' as 'Layer 1 (dense): weights' (or 'gradients of the weights')."""
        i, _, rest = key.partition("/")
        kind, _, name = rest.partition("/")
        what = t(f"insp.param_{name}") if name in ("weight", "bias") else name
        if not i.isdigit():
            return layer_key(key)
        return t(f"insp.{which}_title", i=int(i) + 1, type=kind, what=what)

    def weights(self, d: dict[str, Any], _extra: Any = None) -> None:
        every = d.get("weights", {})
        weights = {k: h for k, h in every.items() if k.rsplit("/", 1)[-1].startswith("weight")} or every
        shown = list(weights)[:MAX_HISTOGRAMS]                 # a 500-layer model must not get 1,000 charts
        if len(weights) > len(shown):
            ui.label(t("insp.more_layers", n=len(shown), total=len(weights))).classes("text-sm opacity-80")
        with ui.element("div").classes("w-full grid grid-cols-1 md:grid-cols-2 gap-2"):
            for key in shown:
                self._chart(charts.histogram_options(weights[key], self._param_title(key, "weights"),
                                                     xname=t("insp.value"), yname=t("insp.count"), lang=lang()),
                            f"weights-chart-{key.replace('/', '-')}")
                g = d.get("gradients", {}).get(key)
                if g is not None:
                    self._chart(charts.histogram_options(g, self._param_title(key, "grads"), "#fc8452",
                                                         xname=t("insp.value"), yname=t("insp.count"), lang=lang()),
                                f"grads-chart-{key.replace('/', '-')}")
        epochs = d.get("epochs") or []
        types = {dd["index"]: dd.get("type", "") for dd in d.get("dead", [])}
        if epochs and any(e.get("dead") for e in epochs):
            series: dict[str, list[list[float]]] = {}
            for e in epochs:
                for dd in e.get("dead", []):
                    name = f"{dd['index'] + 1}: {types.get(dd['index'], '')}".rstrip(": ")
                    series.setdefault(name, []).append([e["epoch"], dd["fraction"]])
            self._chart(charts.epoch_lines_options(series, t("insp.dead_title"), t("insp.epoch"),
                                                   percent=list(series)), "dead-chart")
        if d.get("kernels"):
            ui.label(t("insp.kernels")).classes("text-sm font-medium")
            _alt(ui.image(png_url(self.panel.png or b"")), t("insp.kernels")).classes("w-full max-w-5xl") \
                .props("fit=contain no-transition") \
                .mark("inspect-image-weights")

    async def _open_cell(self, cm: dict[str, Any], r: int, c: int, box: Any) -> None:
        """Show the samples one confusion cell counts."""
        indices = cm["cells"][r][c]
        box.clear()
        with box:
            ui.label(t("insp.cell_title", true=cm["classes"][r], pred=cm["classes"][c], n=len(indices))) \
                .classes("text-sm font-medium").mark("cell-title")
        if not indices:
            with box:
                ui.label(t("insp.empty_cell")).classes("text-sm")
            return
        panel = self.panel
        png = await run.io_bound(panel.session.project.inspect_samples_png, indices, panel.run_id, panel.split)
        with box:
            _alt(ui.image(png_url(png)), t("insp.cell_title", true=cm["classes"][r], pred=cm["classes"][c], n=len(indices))) \
                .classes("w-full max-w-4xl ll-cell-samples").props("fit=contain").mark("cell-samples")

    async def _open_samples(self, indices: list[int], box: Any) -> None:
        """Show the samples behind a point or bar."""
        box.clear()
        with box:
            ui.label(t("insp.sample_title", i=", #".join(str(i) for i in indices))).classes("text-sm font-medium") \
                .mark("point-title")
        panel = self.panel
        png = await run.io_bound(panel.session.project.inspect_samples_png, indices, panel.run_id, panel.split)
        with box:
            _alt(ui.image(png_url(png)), t("insp.sample_title", i=", #".join(str(i) for i in indices))) \
                .classes("w-full max-w-xs ll-point-samples").props("fit=contain").mark("point-samples")
