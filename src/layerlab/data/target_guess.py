"""Which column of a table is the thing to predict? A ranked guess the user confirms.

The target is always the user's choice; this module only describes every column (its kind
and a few values) and ranks the likely targets so a picker can preselect one and an error
can suggest one. A text column with few distinct values is a label; a column named like
label/class/target/y/species is one whatever its kind; a numeric column with few distinct
values (a year, a count) is never taken by itself, since it is as likely a feature.

>>> import pandas as pd
>>> df = pd.DataFrame({"species": ["Adelie", "Gentoo", "Adelie", "Chinstrap"] * 5,
...                    "bill_mm": [39.1 + i for i in range(20)], "year": [2007, 2008, 2009, 2007] * 5})
>>> guess_target(df)
'species'
>>> [c.name for c in rank_targets(df)]
['species']
>>> describe_columns(df)[2].kind, describe_columns(df)[2].examples
('whole numbers', ['2007', '2008', '2009'])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from .encode import numeric_view

# names people give the column to predict (compared as whole words, case-insensitive)
TARGET_NAMES = ("label", "labels", "class", "classes", "target", "y", "species", "category", "outcome",
                "diagnosis", "result", "grade", "quality", "survived", "churn", "sentiment", "answer")
LISTED = 12              # columns an error lists (the rest are counted)
MAX_LABEL_VALUES = 20    # a text column with more distinct values is not read as a label by itself
EXAMPLES = 3


@dataclass(frozen=True)
class Column:
    """One column as a picker shows it: its name, kind, distinct values and a few of them."""

    name: str
    kind: str                      # "text", "numbers", "whole numbers" or "empty"
    distinct: int
    examples: list[str] = field(default_factory=list)
    missing: int = 0
    score: float = 0.0             # > 0: a likely target; higher is likelier

    @property
    def values_text(self) -> str:
        """'3 values: Adelie, Chinstrap, Gentoo' or '344 values: 32.1, 33.1, …'."""
        more = ", …" if self.distinct > len(self.examples) else ""
        return msg("{n} values: {examples}{more}", n=self.distinct, examples=", ".join(self.examples), more=more)

    @property
    def kind_label(self) -> str:
        """The kind as people read it ('text', 'whole numbers')."""
        return kind_text(self.kind)

    @property
    def label(self) -> str:
        """'species (text, 3 values: Adelie, Chinstrap, Gentoo)', for listings."""
        return msg("{name} ({kind}, {values})", name=self.name, kind=self.kind_label, values=self.values_text)

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "distinct": self.distinct, "examples": self.examples,
                "missing": self.missing, "score": self.score}


def kind_text(kind: str) -> str:
    """A column kind as people read it (translatable)."""
    return {"text": msg("text"), "numbers": msg("numbers"), "whole numbers": msg("whole numbers"),
            "empty": msg("empty")}.get(kind, kind)


def _named_like_target(name: str) -> bool:
    words = [w for w in re.split(r"[^a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", name).lower()) if w]
    return any(w in TARGET_NAMES for w in words)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.4g}"


def _describe(name: str, col: pd.Series, position: float) -> Column:
    present = col.dropna()
    missing = int(len(col) - len(present))
    if present.empty:
        return Column(name, "empty", 0, [], missing, 0.0)
    num = numeric_view(col)
    rows = len(present)
    if num is None:
        text = present.astype(str)
        distinct = int(text.nunique())
        counts = text.value_counts()
        examples = sorted(counts.index[:EXAMPLES].tolist())
        few = 2 <= distinct <= min(MAX_LABEL_VALUES, max(2, rows // 2))
        score = (5.0 if few else 0.0)
        kind = "text"
    else:
        values = num.dropna()
        distinct = int(values.nunique())
        whole = bool(np.all(np.equal(np.mod(values, 1), 0)))
        examples = [_fmt(v) for v in sorted(values.unique())[:EXAMPLES]]
        score = 0.0              # few distinct numbers (a year) are as likely a feature: never by itself
        kind = "whole numbers" if whole else "numbers"
    if distinct < 2:
        return Column(name, kind, distinct, examples, missing, 0.0)   # one value: nothing to predict
    if _named_like_target(name):
        score += 10.0
    if score:
        score += position        # the usual layout puts what to predict last: a tie goes to the right
    return Column(name, kind, distinct, examples, missing, round(score, 4))


def describe_columns(df: pd.DataFrame) -> list[Column]:
    """Every column in table order, with its kind, distinct count, a few values and its target score."""
    n = max(len(df.columns) - 1, 1)
    return [_describe(str(c), df[c], i / n) for i, c in enumerate(df.columns)]


def rank_targets(df: pd.DataFrame) -> list[Column]:
    """The likely targets, best first (empty when no column looks like one)."""
    return sorted((c for c in describe_columns(df) if c.score > 0), key=lambda c: -c.score)


def guess_target(df: pd.DataFrame) -> str | None:
    """The likeliest target column, or None when none looks like one (the user must say)."""
    ranked = rank_targets(df)
    return ranked[0].name if ranked else None


class TargetNeeded(SpecError):
    """A table was given without saying which column to predict; carries the columns and the guess."""

    def __init__(self, columns: list[Column], guess: str | None, where: str, hint: str, fixes: list[Fix]):
        self.columns, self.guess = columns, guess
        shown = columns[0].label if columns else ""
        for c in columns[1:LISTED]:     # Texts joined as a Text, so the listing reads German in German
            shown = msg("{listing}; {column}", listing=shown, column=c.label)
        if len(columns) > LISTED:
            shown = msg("{shown}; and {n} more", shown=shown, n=len(columns) - LISTED)
        super().__init__(where, msg("does not say which column to predict (LayerLab never picks it silently)"),
                         msg("Columns: {listing}", listing=shown), hint, fixes)


def target_needed(df: pd.DataFrame, where: str = "data.params.target", how: str = "target={name!r}") -> TargetNeeded:
    """The error for a table without a chosen target: every column listed, the guess suggested and offered.

    `how` says how the reader names a column (`--target {name}` on the command line).
    """
    columns = describe_columns(df)
    ranked = sorted((c for c in columns if c.score > 0), key=lambda c: -c.score)
    guess = ranked[0].name if ranked else None
    if guess is not None:
        hint = msg("say which column to predict, e.g. {how} ({name!r} looks like a label)",
                   how=how.format(name=guess), name=guess)
    else:
        hint = msg("say which column to predict with {how}, naming one of the columns above",
                   how=how.format(name="COLUMN"))
    fixes = [Fix(msg("predict {name!r}", name=c.name), [{"op": "set", "path": where, "value": c.name}])
             for c in ranked[:3]] if where.startswith("data.") else []   # a spec path can be fixed in place
    return TargetNeeded(columns, guess, where, hint, fixes)
