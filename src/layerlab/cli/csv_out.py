"""CSV downloads on the command line: a run's history (`layerlab runs X --history RUN --csv`) and
predictions (`layerlab predict X rows.csv --out preds.csv`: each row with its prediction and the
class probabilities). The project's own validation predictions come from the API
(`Project.predictions_csv()`) and the studio."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from rich.table import Table

from .common import console


def history(p, run: str, as_csv: bool, out: Path | None) -> None:
    """Print or write a run's per-epoch history ('latest' for the newest run)."""
    text = p.history_csv(None if run == "latest" else run)
    if out is not None:
        return _write(out, text)
    if as_csv:
        print(text, end="")
        return
    df = pd.read_csv(io.StringIO(text))
    t = Table(*map(str, df.columns), title=f"History of run {p.load_run(None if run == 'latest' else run).run_id}")
    for row in df.itertuples(index=False):
        t.add_row(*(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row))
    console.print(t)


def predictions(p, items, run_id: str | None, out: Path) -> None:
    """Write the inputs' predictions as CSV (a table's own columns first)."""
    _write(out, p.predictions_csv(items, run_id=run_id))


def _write(out: Path, text: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(f"Wrote {out} ({text.count(chr(10)) - 1} rows)", markup=False, highlight=False)
