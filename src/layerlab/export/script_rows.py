"""The standalone script's reader of table rows: `--predict "5.1,3.5,1.4,0.2"` or a CSV file of rows.

A table project's script takes rows as the project's CSV has them: one value per column in the
column order, or a header row of column names first (other columns, such as the target, are left
out). Missing cells take the fill the run learned from its training rows and text columns are
one-hot (or integer) encoded over the categories it knew, as layerlab.data.encode encodes a row
for Project.predict; a text value the run never saw encodes as all zeros (integer code -1).

>>> cols = script_columns({"columns": [{"name": "size", "kind": "numeric", "fill": 2.0},
...     {"name": "colour", "kind": "categorical", "categories": ["blue", "red"], "fill": "red",
...      "encoding": "onehot"}]}, (3,), None)
>>> space = {}
>>> exec("import csv\\nfrom pathlib import Path\\nimport numpy as np\\n" + rows_code(cols), space)
>>> space["read_input"]("colour,size\\nblue,1.5\\n,").tolist()
[[1.5, 1.0, 0.0], [2.0, 0.0, 1.0]]
"""
from __future__ import annotations

import json
from typing import Any

from ..data.csvread import NULLS

KEYS = ("name", "kind", "fill", "categories", "encoding", "layout")


def takes_rows(pre: dict[str, Any], input_shape: tuple[int, ...], tokens: bool) -> bool:
    """Whether the script of a model with this preprocessing reads table rows (a table of numbers or
    with a schema: one sample is one row)."""
    return pre.get("kind", "tabular") == "tabular" and len(input_shape) == 1 and not tokens


def script_columns(pre: dict[str, Any], input_shape: tuple[int, ...],
                   feature_names: list[str] | None) -> list[dict[str, Any]]:
    """The table's raw columns as the script encodes them: the run's fitted schema, or one numeric
    column per feature (named as the data names them) for a table of numbers only."""
    if pre.get("columns"):
        return [{k: c[k] for k in KEYS if k in c} for c in pre["columns"]]
    n = 1
    for d in input_shape:
        n *= int(d)
    names = list(feature_names or [])
    if len(names) != n:
        names = [f"x{i + 1}" for i in range(n)]
    return [{"name": str(name), "kind": "numeric"} for name in names]


def rows_code(columns: list[dict[str, Any]]) -> str:
    """COLUMNS, MISSING, encode_row(cells) and read_input(text) for a table of these raw columns."""
    listing = json.dumps(columns, ensure_ascii=False)
    return f'''COLUMNS = {listing}  # the table's columns in order: fill for a missing cell, the categories a text column knows
MISSING = {json.dumps(sorted(NULLS))}  # cells that count as missing (as LayerLab reads a CSV)


def decimal(cell, mark):
    """Whether a cell writes a number with this decimal mark ("5,1" for ",", "5.1" or ".5" for ".")."""
    c = cell.strip()
    whole, found, part = (c[1:] if c.startswith("-") else c).partition(mark)
    return bool(found) and (whole.isdigit() or (mark == "." and not whole)) and part.isdigit()


def encode_row(cells, where, comma=False):
    """One row's values (text, in COLUMNS order) as the model's features: missing cells filled,
    text columns one-hot (or integer) encoded as in training; a value never seen in training is all zeros.
    comma: numbers are written with a decimal comma ("5,1")."""
    x = []
    for c, cell in zip(COLUMNS, cells):
        missing = cell.strip() in MISSING
        if c["kind"] == "numeric":
            if missing and "fill" not in c:
                raise SystemExit(f"{{where}}, column {{c['name']!r}}: the cell is empty, but this model has no value "
                                 "to fill it with: give a number")
            if missing:
                x.append(float(c["fill"]))
                continue
            try:
                x.append(float(cell.replace(",", ".") if comma else cell))
            except ValueError:
                raise SystemExit(f"{{where}}, column {{c['name']!r}}: {{cell!r}} is not a number: give a number, "
                                 "or leave the cell empty for a missing value") from None
            continue
        value = c["fill"] if missing else cell if cell in c["categories"] else cell.strip()
        if c.get("encoding", "onehot") == "onehot":
            x += [1.0 if value == v and value in c["categories"] else 0.0 for v in c.get("layout", c["categories"])]
        else:
            x.append(float(c["categories"].index(value)) if value in c["categories"] else -1.0)
    return x


def read_input(text):
    """Table rows: a CSV file, or text with one row per line, the values in COLUMNS order or
    under a header row of column names (other columns, such as the target, are left out)."""
    path = Path(text)
    if path.suffix.lower() in (".csv", ".tsv", ".txt") and path.is_file():
        text = path.read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines() if line.strip()]
    names = [c["name"] for c in COLUMNS]
    if not lines:
        raise SystemExit(f"--predict got no rows: give one row of values for {{', '.join(names)}}, "
                         "or a CSV file of rows")
    try:  # the delimiter as LayerLab finds it in a CSV file
        sep = csv.Sniffer().sniff("\\n".join(lines[:20]), delimiters=",;\\t|").delimiter
    except csv.Error:
        counts = {{d: lines[0].count(d) for d in (",", ";", "\\t", "|")}}
        sep = max(counts, key=counts.get) if max(counts.values()) else ","
    rows = list(csv.reader(lines, delimiter=sep))
    cells = [cell for row in rows for cell in row]   # German Excel's "5,1;3,5": a decimal comma, as LayerLab reads it
    comma = sep != "," and any(decimal(c, ",") for c in cells) and not any(decimal(c, ".") for c in cells)
    first = [cell.strip() for cell in rows[0]]
    header = set(names) <= set(first)
    at = [first.index(n) for n in names] if header else list(range(len(names)))
    width = len(first) if header else len(names)
    out = []
    for i, row in enumerate(rows[1:] if header else rows, 2 if header else 1):
        where = f"--predict row {{i}}"
        if len(row) != width:
            raise SystemExit(f"{{where}} has {{len(row)}} values, but the model takes {{width}}: give "
                             f"{{', '.join(names)}} in this order (or a header row with these names first)")
        out.append(encode_row([row[j] for j in at], where, comma))
    if not out:
        raise SystemExit("--predict got a header row but no rows of values: add a row below it")
    return np.array(out, np.float32)
'''
