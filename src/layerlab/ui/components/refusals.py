"""An upload box that says why it refused a file, instead of dropping it without a word.

Quasar's uploader checks a chosen or dropped file against the box's `accept` list, its size
limit and its number of files before anything is sent; a refused file just vanished. `explain`
listens to that refusal and shows, for each file, what was refused, where, why and what to do.

>>> refusal_text({"why": "accept", "name": "notes.txt", "size": 12}, "Add pictures", "image/*", 0, "en")
'notes.txt was not added to “Add pictures”: only pictures (PNG, JPEG, GIF, WebP, …) can be used here. Choose a picture file instead.'
>>> refusal_text({"why": "max-file-size", "name": "big.zip", "size": 30e6}, "ZIP", ".zip", 20e6, "de")
'big.zip wurde nicht zu „ZIP“ hinzugefügt: Die Datei ist 30 MB groß, erlaubt sind höchstens 20 MB. Wähle eine kleinere Datei.'
"""
from __future__ import annotations

from typing import Any

from nicegui import ui

from ...i18n.numbers import number
from ..i18n import t


# Quasar emits [{failedPropValidation, file}]; only plain facts about each file come back
_JS = "(entries) => emit((entries || []).map(e => ({why: e.failedPropValidation, name: e.file.name, size: e.file.size})))"


def _mb(n: float, lang: str | None = None) -> str:
    """Bytes as megabytes in lang's notation: whole from 10 MB, else one decimal ('1,5' in German).

    >>> _mb(1.5e6, "de"), _mb(1.5e6, "en"), _mb(2e6, "de"), _mb(25.4e6, "de")
    ('1,5', '1.5', '2', '25')
    """
    return number(round(n / 1e6), lang) if n >= 1e7 else number(round(n / 1e6, 1), lang)


def refusal_text(entry: dict[str, Any], box: str, accept: str, limit: float, lang: str | None) -> str:
    """The sentence for one refused file (entry: why, name, size)."""
    name, why = str(entry.get("name") or "?"), entry.get("why")
    if why == "accept":
        if accept.strip() == "image/*":
            return t("refuse.accept_images", lang, name=name, box=box)
        return t("refuse.accept", lang, name=name, box=box, kinds=", ".join(k.strip() for k in accept.split(",")))
    if why in ("max-file-size", "max-total-size"):
        return t("refuse.size", lang, name=name, box=box, size=_mb(float(entry.get("size") or 0), lang),
                 limit=_mb(limit, lang))
    return t("refuse.count", lang, name=name, box=box)


def explain(upload: ui.upload, lang: str | None) -> ui.upload:
    """Make `upload` tell the user about every file it refuses (a notice per file); returns it."""
    def refused(e: Any) -> None:
        box = str(upload.props.get("label") or "")
        accept = str(upload.props.get("accept") or "")
        limit = float(upload.props.get("max-file-size") or upload.props.get("max-total-size") or 0)
        for entry in e.args if isinstance(e.args, list) else []:
            if isinstance(entry, dict):
                ui.notify(refusal_text(entry, box, accept, limit, lang), type="negative", multi_line=True,
                          position="center", timeout=8000)
    upload.on("rejected", refused, js_handler=_JS)
    return upload
