"""Names of training runs that a pupil can read: "Run 3 · 97 % · 2 min ago".

A run's id (20261203-161916-169-0f96) stays the key everywhere; people see its number in the
project (oldest is Run 1), its accuracy (or loss) and how long ago it ended. Expert mode adds the
id, for the command line and the run folders.

>>> rows = [{"run_id": "20261203-161916-169-0f96", "ended": 1000.0, "final": {"val_accuracy": 0.971}},
...         {"run_id": "20261203-150000-001-aaaa", "ended": 400.0, "final": {"loss": 0.25}}]
>>> names = RunNames(rows, "en", expert=False, now=1120.0)
>>> names.name("20261203-161916-169-0f96")
'Run 2 · 97 % · 2 min ago'
>>> names.name("20261203-150000-001-aaaa")
'Run 1 · loss 0.25 · 12 min ago'
>>> RunNames(rows, "de", expert=True, now=1000.0 + 7200).name("20261203-161916-169-0f96")
'Lauf 2 · 97 % · vor 2 Std. · 20261203-161916-169-0f96'
>>> RunNames([], "en", expert=False).name("20261203-161916-169-0f96")
'Run 1'
"""
from __future__ import annotations

import time
from typing import Any, Iterable

from ..i18n import t


def ago(seconds: float, lang: str | None) -> str:
    """How long ago, in words (rounded down).

    >>> ago(30, "en"), ago(3600 * 5, "de"), ago(86400 * 3, "en")
    ('just now', 'vor 5 Std.', '3 days ago')
    """
    s = max(0.0, float(seconds))
    if s < 60:
        return t("rn.now", lang)
    if s < 3600:
        return t("rn.min", lang, n=int(s // 60))
    if s < 86400:
        return t("rn.hour", lang, n=int(s // 3600))
    return t("rn.day", lang, n=int(s // 86400))


def _number(v: float, lang: str | None) -> str:
    text = f"{v:.3g}"
    return text.replace(".", ",") if lang == "de" else text


def score_text(final: dict[str, Any], lang: str | None) -> str:
    """A run's result as pupils read it: its accuracy in percent, else its loss ('' without either).

    >>> score_text({"val_accuracy": 0.8356, "val_loss": 0.56}, "en"), score_text({"loss": 0.25}, "de")
    ('84 %', 'Verlust 0,25')
    """
    final = final or {}
    acc = next((final[k] for k in ("val_accuracy", "accuracy") if isinstance(final.get(k), (int, float))), None)
    loss = next((final[k] for k in ("val_loss", "loss") if isinstance(final.get(k), (int, float))), None)
    if acc is not None:
        return f"{100 * acc:.0f} %"
    return t("rn.loss", lang, v=_number(loss, lang)) if loss is not None else ""


class RunNames:
    """Readable names for the runs of one project (rows as Project.runs() gives them, any order)."""

    def __init__(self, rows: Iterable[dict[str, Any]], lang: str | None, expert: bool = False,
                 now: float | None = None, ids: Iterable[str] = ()) -> None:
        self.rows = {r["run_id"]: r for r in rows if r.get("run_id")}
        self.order = sorted(set(self.rows) | set(ids))  # ids begin with their start time: oldest first
        self.lang, self.expert = lang, expert
        self.now = time.time() if now is None else now

    def number(self, run_id: str) -> int:
        """The run's place in the project, 1 for the oldest."""
        if run_id not in self.order:
            self.order = sorted([*self.order, run_id])
        return self.order.index(run_id) + 1

    def name(self, run_id: str) -> str:
        """'Run 3 · 97 % · 2 min ago' (with the id in expert mode)."""
        parts = [t("rn.run", self.lang, n=self.number(run_id))]
        row = self.rows.get(run_id) or {}
        score = score_text(row.get("final") or {}, self.lang)
        if score:
            parts.append(score)
        when = row.get("ended") or row.get("started")
        if isinstance(when, (int, float)):
            parts.append(ago(self.now - when, self.lang))
        if self.expert:
            parts.append(run_id)
        return " · ".join(parts)


def project_run_names(project: Any, lang: str | None, expert: bool, ids: Iterable[str] = ()) -> RunNames:
    """RunNames for a facade Project (its registry rows; ids only on disk are numbered too)."""
    try:
        rows = project.runs()
    except Exception:  # noqa: BLE001 - an unreadable registry leaves plain numbers
        rows = []
    return RunNames(rows, lang, expert, ids=ids)
