"""docs/SECURITY.md stays true: every budget of spec/budgets.py is in its table with the numbers the
code uses for the class and laptop profiles, and every test the page names exists."""
from __future__ import annotations

import re
from pathlib import Path

from layerlab.spec import budgets

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")


def _budget_rows() -> dict[str, list[str]]:
    start = DOC.index("| Budget | key |")
    rows = {}
    for line in DOC[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[1].strip("`")] = cells
    return rows


def _number(cell: str) -> float:
    return float(cell.replace(",", ""))


def test_every_budget_is_listed_with_the_numbers_the_code_uses():
    rows = _budget_rows()
    assert set(rows) == set(budgets.CONFIG_KEYS), set(rows) ^ set(budgets.CONFIG_KEYS)
    for key, (field, factor) in budgets.CONFIG_KEYS.items():
        cells = rows[key]
        for profile, cell in (("class", cells[2]), ("laptop", cells[3])):
            assert _number(cell) == getattr(budgets.PROFILES[profile], field) / factor, (key, profile, cell)
        assert "tests/" in cells[5], f"{key}: no test proves it"


def test_every_test_the_page_names_exists():
    named = set(re.findall(r"(tests/[\w/]+\.py)::(\w+)", DOC))
    assert len(named) > 30
    missing = [f"{f}::{t}" for f, t in sorted(named)
               if not (ROOT / f).exists() or not re.search(rf"^def {t}\(", (ROOT / f).read_text(), re.M)]
    assert not missing, missing
    files = set(re.findall(r"`(tests/[\w/]+\.py)`", DOC))
    assert not [f for f in files if not (ROOT / f).exists()]
