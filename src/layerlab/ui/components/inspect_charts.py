"""ECharts options for the Inspect page's interactive pictures: the confusion matrix, 2-D
scatters (embeddings, PCA), the decision surface, histograms, per-epoch histories and the
hardest examples.

Each builder is a pure function from a view's JSON data (layerlab.inspect) to an options
dict for NiceGUI's `ui.echart` (ECharts ships with NiceGUI, served locally: no CDN). Data
items carry `tip` (the tooltip text) and, where a sample stands behind them, `sample` (its
index in the split), so a click can open it. Words come in already translated.

>>> o = confusion_options({"classes": ["a", "b"], "counts": [[3, 1], [0, 2]]}, "predicted", "true")
>>> [d["value"] for d in o["series"][0]["data"]][:2], o["series"][0]["data"][1]["tip"]
([[0, 0, 3], [1, 0, 1]], 'true a, predicted b: 1')
"""
from __future__ import annotations

from typing import Any, Sequence

from ...i18n.numbers import number
from .chart_numbers import LOCALES
from .charts import GRID_LINE

# ten clearly different colours (matplotlib's tab10), so that ten digit classes never share one
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf"]

RIGHT, WRONG, EMPTY = "#91cc75", "#ee6666", "rgba(128, 128, 128, 0.08)"
TIP = {"trigger": "item", ":formatter": "p => (p.data && p.data.tip) || p.name"}
TEXT = {"fontSize": 12}


def _grid(bottom: int = 48, left: int = 56) -> dict[str, Any]:
    return {"left": left, "right": 16, "top": 40, "bottom": bottom, "containLabel": False}


def _title(text: str) -> dict[str, Any]:
    # a long title breaks into lines rather than running off a phone's narrow chart
    return {"text": text, "left": "center", "textStyle": {"fontSize": 14, "fontWeight": "normal", "width": 320,
                                                          "overflow": "break"}}


def confusion_options(cm: dict[str, Any], predicted: str, true: str, title: str = "",
                      tip: str = "{true_word} {t}, {pred_word} {p}: {n}") -> dict[str, Any]:
    """A heatmap of counts[true][predicted]: right answers green, mistakes red, the count in
    each cell; each item's `cell` is [true, predicted]."""
    classes = list(cm["classes"])
    data = []
    for r, row in enumerate(cm["counts"]):
        for c, n in enumerate(row):
            colour = EMPTY if not n else (RIGHT if r == c else WRONG)
            data.append({"value": [c, r, n], "cell": [r, c],
                         "tip": tip.format(true_word=true, t=classes[r], pred_word=predicted, p=classes[c], n=n),
                         "itemStyle": {"color": colour, "borderColor": "rgba(128,128,128,0.35)", "borderWidth": 1}})
    rotate = 45 if max((len(str(c)) for c in classes), default=1) * len(classes) > 40 else 0
    return {
        "title": _title(title), "tooltip": TIP, "grid": _grid(bottom=64 if rotate else 48, left=72),
        "xAxis": {"type": "category", "data": classes, "name": predicted, "nameLocation": "middle",
                  "nameGap": 44 if rotate else 28, "axisLabel": {**TEXT, "rotate": rotate, "interval": 0},
                  "splitArea": {"show": False}},
        "yAxis": {"type": "category", "data": classes, "name": true, "nameLocation": "middle", "nameGap": 56,
                  "inverse": True, "axisLabel": {**TEXT, "interval": 0}},
        "series": [{"type": "heatmap", "data": data, "label": {"show": True, "fontSize": 12},
                    "emphasis": {"itemStyle": {"borderColor": "#333", "borderWidth": 2}}}],
    }


def scatter_options(coords: Sequence[Sequence[float]], colours: Sequence[int] | None, classes: Sequence[str] | None,
                    tips: Sequence[str], title: str = "", xname: str = "", yname: str = "",
                    symbols: Sequence[str] | None = None) -> dict[str, Any]:
    """Points in 2-D, one series per class (so the legend switches classes on and off); each
    item's `sample` is its position in coords."""
    groups: dict[int, list[dict[str, Any]]] = {}
    for i, xy in enumerate(coords):
        k = int(colours[i]) if colours is not None else 0
        item = {"value": [round(float(xy[0]), 5), round(float(xy[1]), 5)], "sample": i, "tip": tips[i]}
        if symbols is not None and symbols[i] != "circle":
            item["symbol"] = symbols[i]
            item["symbolSize"] = 11
        groups.setdefault(k, []).append(item)
    names = list(classes) if classes else []
    series = [{"type": "scatter", "name": names[k] if k < len(names) else str(k), "data": items, "symbolSize": 7,
               "itemStyle": {"color": COLOURS[k % len(COLOURS)], "opacity": 0.85},
               "emphasis": {"focus": "series"}}
              for k, items in sorted(groups.items())]
    return {
        "title": _title(title), "tooltip": TIP, "grid": _grid(bottom=72),
        "legend": {"bottom": 0, "type": "scroll", "textStyle": TEXT},
        "xAxis": {"type": "value", "name": xname, "nameLocation": "middle", "nameGap": 26, "scale": True,
                  "splitLine": GRID_LINE, "axisLabel": TEXT},
        "yAxis": {"type": "value", "name": yname, "nameLocation": "middle", "nameGap": 40, "scale": True,
                  "splitLine": GRID_LINE, "axisLabel": TEXT},
        "series": series,
    }


# one rectangle per grid cell of the decision surface (value: x0, y0, x1, y1, shade), filled with
# the predicted class's colour mixed with white: paler where the network is less sure. Opaque
# shades, so that neighbouring cells can overlap by a pixel without seams.
LEVELS = 5
_RECT = ("(params, api) => { const a = api.coord([api.value(0), api.value(1)]);"
         " const b = api.coord([api.value(2), api.value(3)]); const C = %s;"
         " return {type: 'rect', shape: {x: a[0], y: b[1], width: b[0] - a[0] + 1, height: a[1] - b[1] + 1},"
         " style: {fill: C[api.value(4)]}}; }")


def _mix(colour: str, share: float) -> str:
    """colour mixed with white: share 0 is white, 1 the colour itself."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 + (c - 255) * share):02x}" for c in rgb)


def shades() -> list[str]:
    """LEVELS shades per class colour, palest first: index class * LEVELS + level."""
    return [_mix(c, 0.12 + 0.4 * level / (LEVELS - 1)) for c in COLOURS for level in range(LEVELS)]


def surface_options(d: dict[str, Any], classes: Sequence[str] | None, tips: Sequence[str], title: str = "",
                    step: int = 2) -> dict[str, Any]:
    """The predicted class over the input plane (every `step`-th grid cell, paler where the
    network is unsure) and the samples on top, coloured by their label."""
    xs, ys, pred, conf = d["xs"], d["ys"], d["predicted"], d["confidence"]
    cells = []
    for r in range(0, len(ys) - step, step):
        for c in range(0, len(xs) - step, step):
            sure = max(0.0, min(1.0, (float(conf[r][c]) - 0.5) * 2))   # 0.5 (a coin toss) .. 1
            level = min(LEVELS - 1, int(sure * LEVELS))
            cells.append([xs[c], ys[r], xs[c + step], ys[r + step], (int(pred[r][c]) % len(COLOURS)) * LEVELS + level])
    colours = d.get("point_labels") or d.get("point_predicted")
    opts = scatter_options(d["points"], colours, classes, tips, title, "x1", "x2")
    for axis, values in (("xAxis", xs), ("yAxis", ys)):
        opts[axis].update(min=values[0], max=values[-1], scale=False)
        opts[axis]["axisLabel"] = {**TEXT, ":formatter": "v => Number(v.toPrecision(3))"}
    opts["legend"]["data"] = [s["name"] for s in opts["series"]]  # the classes, not the surface behind them
    for s in opts["series"]:
        s["itemStyle"]["borderColor"] = "#fff"
        s["itemStyle"]["borderWidth"] = 0.5
    opts["series"].insert(0, {"type": "custom", "name": "surface", ":renderItem": _RECT % shades(),
                              "data": cells, "silent": True, "z": 1, "encode": {"x": [0, 2], "y": [1, 3]},
                              "tooltip": {"show": False}})
    return opts


def histogram_options(hist: dict[str, Any], title: str, colour: str = COLOURS[0], xname: str = "",
                      yname: str = "", lang: str | None = None) -> dict[str, Any]:
    """Counts in bins as bars over the bins' centres; numbers in lang's notation (German: 0,15 … 0,2).

    >>> histogram_options({"edges": [0.1, 0.2], "counts": [7]}, "w", lang="de")["series"][0]["data"][0]["tip"]
    '0,1 … 0,2: 7'
    """
    edges, counts = hist["edges"], hist["counts"]
    centres = [round((a + b) / 2, 4) for a, b in zip(edges[:-1], edges[1:])]
    data = [{"value": n, "tip": f"{number(a, lang, significant=3)} … {number(b, lang, significant=3)}: {n}"}
            for n, a, b in zip(counts, edges[:-1], edges[1:])]
    locale = LOCALES.get(lang or "en")   # a category axis: localized() leaves its labels alone
    label = f"v => Number(v).toLocaleString('{locale}', {{maximumSignificantDigits: 2}})" if locale \
        else "v => Number(v).toPrecision(2)"
    return {
        "title": _title(title), "tooltip": TIP, "grid": _grid(bottom=40, left=48),
        "xAxis": {"type": "category", "data": centres, "name": xname, "nameLocation": "middle", "nameGap": 26,
                  "axisLabel": {**TEXT, ":formatter": label}},
        "yAxis": {"type": "value", "name": yname, "minInterval": 1, "splitLine": GRID_LINE, "axisLabel": TEXT},
        "series": [{"type": "bar", "data": data, "barCategoryGap": "5%", "itemStyle": {"color": colour}}],
    }


def epoch_lines_options(series: dict[str, list[list[float]]], title: str, epoch: str, yname: str = "",
                        tips: dict[str, str] | None = None, percent: Sequence[str] = (),
                        lang: str | None = None) -> dict[str, Any]:
    """Lines over whole epochs (the x axis ticks only whole numbers): {name: [[epoch, value], ...]}.
    Series named in `percent` are drawn on a second axis from 0 to 100 %."""
    out = []
    for k, (name, points) in enumerate(series.items()):
        on_right = name in percent
        out.append({"type": "line", "name": name, "showSymbol": len(points) <= 30, "yAxisIndex": 1 if on_right else 0,
                    "data": [{"value": [p[0], round(p[1] * 100, 2) if on_right else p[1]],
                              "tip": f"{name}, {epoch} {p[0]}: "
                                     + (f"{number(p[1] * 100, lang, digits=1)} %" if on_right
                                        else number(p[1], lang, significant=4)),
                              **({"sample": (tips or {}).get(name)} if tips and name in tips else {})}
                             for p in points],
                    "itemStyle": {"color": COLOURS[k % len(COLOURS)]}})
    y_axes = [{"type": "value", "scale": True, "splitLine": GRID_LINE, "axisLabel": TEXT}]  # the title names it
    if percent:
        y_axes.append({"type": "value", "min": 0, "max": 100, "axisLabel": {**TEXT, "formatter": "{value} %"},
                       "splitLine": {"show": False}})
    return {
        "title": _title(title), "tooltip": TIP, "grid": _grid(bottom=72),
        "legend": {"bottom": 0, "type": "scroll", "textStyle": TEXT},
        "xAxis": {"type": "value", "name": epoch, "nameLocation": "middle", "nameGap": 26, "minInterval": 1,
                  "scale": True, "splitLine": GRID_LINE, "axisLabel": TEXT},
        "yAxis": y_axes,
        "series": out,
    }


def hardest_options(hard: list[dict[str, Any]], names: Sequence[str], title: str, loss: str,
                    wrong: str, unsure: str) -> dict[str, Any]:
    """The hardest examples as bars of their loss: a red series for the wrong ones and an
    orange one for those right but unsure (the legend names both); each item's `sample` is
    the sample's index."""
    series = []
    for name, colour, want in ((wrong, WRONG, True), (unsure, "#fac858", False)):
        data = [{"value": round(h["loss"], 4), "sample": h["index"], "tip": tip}
                if (h.get("why") != "unsure") == want else "-" for h, tip in zip(hard, names)]
        series.append({"type": "bar", "name": name, "stack": "hard", "data": data, "itemStyle": {"color": colour}})
    return {
        "title": _title(title), "tooltip": TIP, "grid": _grid(bottom=84, left=48),
        "legend": {"bottom": 0, "textStyle": TEXT},
        "xAxis": {"type": "category", "data": [f"#{h['index']}" for h in hard],
                  "axisLabel": {**TEXT, "rotate": 45 if len(hard) > 6 else 0, "interval": 0}},
        "yAxis": {"type": "value", "name": "", "splitLine": GRID_LINE, "axisLabel": TEXT},
        "series": series,
    }
