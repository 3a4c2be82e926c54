"""Numbers on charts in the reader's language: ECharts writes 1,234.5 on axes and in tooltips
whatever the page's language; a German reader reads that as 1,2345. `localized(options, lang)`
gives the value axes and the tooltip a formatter that writes 1.234,5 on German pages.

>>> o = localized({"xAxis": {"type": "value"}, "yAxis": [{"type": "category"}], "tooltip": {}}, "de")
>>> ":formatter" in o["xAxis"]["axisLabel"], "axisLabel" in o["yAxis"][0], ":valueFormatter" in o["tooltip"]
(True, False, True)
>>> localized({"xAxis": {"type": "value"}}, "en")["xAxis"]
{'type': 'value'}
"""
from __future__ import annotations

from typing import Any

LOCALES = {"de": "de-DE"}


def _js(locale: str) -> str:
    return (f"v => (typeof v === 'number' && isFinite(v)) ? "
            f"v.toLocaleString('{locale}', {{maximumSignificantDigits: 6}}) : v")


def localized(options: dict[str, Any], lang: str | None) -> dict[str, Any]:
    """options with locale-aware number labels for lang (unchanged for English); changes options in place."""
    locale = LOCALES.get(lang or "en")
    if locale is None:
        return options
    fmt = _js(locale)
    for key in ("xAxis", "yAxis"):
        axes = options.get(key)
        for axis in axes if isinstance(axes, list) else [axes] if isinstance(axes, dict) else []:
            if axis.get("type", "value") not in ("value", "log"):
                continue
            label = axis.setdefault("axisLabel", {})
            if label.get("formatter") == "{value} %":
                label.pop("formatter")
                label[":formatter"] = f"v => ({fmt})(v) + ' %'"
            elif ":formatter" in label:  # a formatter that rounds: its number, then written in German
                label[":formatter"] = f"v => {{ const r = ({label[':formatter']})(v); " \
                                      f"return ({fmt})(typeof r === 'string' && r.trim() !== '' && !isNaN(r) ? Number(r) : r); }}"
            elif "formatter" not in label:
                label[":formatter"] = fmt
    tip = options.get("tooltip")
    if isinstance(tip, dict) and "formatter" not in tip and ":formatter" not in tip:
        tip[":valueFormatter"] = fmt
    return options
