"""A table of thousands of text columns is refused without pandas calls per column, and asking again
is answered from memory (the load test's hostile client found a 30-row, 10,000-column CSV took a
minute of the server's CPU per summary and per Train, while the other clients waited)."""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

import layerlab
from layerlab.data import encode
from layerlab.spec.errors import SpecError


def test_text_columns_agrees_with_numeric_view_column_by_column():
    rng = np.random.default_rng(1)
    n = 1200
    df = pd.DataFrame({
        "words": rng.choice(["a", "b", "c"], n),
        "numbers_as_text": [str(x) for x in rng.normal(size=n)],
        "mostly_numbers": [str(i) if i % 20 else "x" for i in range(n)],   # 95 % parse: numeric
        "half_numbers": [str(i) if i % 2 else "x" for i in range(n)],      # text
        "late_gap": ["w"] * 1100 + [None] * 100,                           # probe complete: decided here
        "early_gap": [None] + ["w"] * (n - 1),                             # left to numeric_view
        "floats": rng.normal(size=n),
        "flags": rng.random(n) > 0.5,
    })
    found = encode.text_columns(df)
    assert set(found) == {"words", "half_numbers", "late_gap"}
    for name in df.columns:
        if name in found:
            assert encode.numeric_view(df[name]) is None, name
            present = df[name].dropna().astype(str)
            assert found[name][0] == sorted(present.unique().tolist())
            assert found[name][1] == sorted(present.mode().tolist())[0]
    schema = {c["name"]: c for c in encode.fit_schema(df[["words", "half_numbers"]], "onehot", "mean")}
    old = {c["name"]: c for c in encode.fit_schema(df[["words", "half_numbers"]], "onehot", "mean", text={})}
    assert schema == old  # the same schema as column by column


def wide_csv(rows: int, columns: int, values: int) -> str:
    head = "label," + ",".join(f"c{i}" for i in range(columns))
    return "\n".join([head] + [("ab"[r % 2] + "," + ",".join(f"v{(r * 7 + i) % values}" for i in range(columns)))
                               for r in range(rows)]) + "\n"


def test_a_wide_table_is_refused_once_and_then_from_memory(tmp_path, monkeypatch):
    limits = tmp_path / "limits.toml"
    limits.write_text("features = 5000\n")
    monkeypatch.setenv("LAYERLAB_LIMITS", str(limits))
    (tmp_path / "wide.csv").write_text(wide_csv(30, 500, 12))  # 6,000 features
    doc = {"name": "wide", "task": "classification",
           "data": {"source": "csv", "params": {"path": "wide.csv", "target": "label"}},
           "model": {"layers": [{"type": "dense", "units": 2, "activation": "softmax"}]}}
    p = layerlab.new(tmp_path / "p", doc=doc)
    (p.dir / "wide.csv").write_text((tmp_path / "wide.csv").read_text())
    calls = []
    real = encode.numeric_view
    monkeypatch.setattr(encode, "numeric_view", lambda col, *a, **k: calls.append(col.name) or real(col, *a, **k))
    with pytest.raises(SpecError, match="features after encoding") as first:
        p.data_info()
    assert len(calls) < 20  # not one per column
    t = time.perf_counter()
    with pytest.raises(SpecError, match="features after encoding") as again:
        p.data_info()
    assert time.perf_counter() - t < 1.0 and again.value is not first.value
    assert again.value.to_dict()["hint"] == first.value.to_dict()["hint"]
    limits.write_text("features = 10000\n")  # a raised limit asks the table again
    assert layerlab.load(p.dir).data_info().input_shape == (6_000,)
