"""Missing numeric values are filled with a statistic of the training split only."""
from __future__ import annotations

import numpy as np
import pytest

from layerlab.data.prepare import prepare


def _table(n: int = 40) -> str:
    rows = ["a,b,kind"]
    for i in range(n):
        a = "" if i % 5 == 0 else str(float(i))          # every fifth value missing
        rows.append(f"{a},{i % 7},{'x' if i % 2 else 'y'}")
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("rule,stat", [("mean", np.mean), ("median", np.median)])
def test_fill_comes_from_training_rows(rule, stat):
    data = {"source": "csv", "params": {"text": _table(), "target": "kind", "missing": rule},
            "validation_split": 0.25, "seed": 3, "preprocessing": {"normalize": "none"}}
    ds = prepare(data)
    train_idx = ds.train.indices.numpy()
    col_a = ds.preprocessor.columns[0]
    given = np.array([float(i) for i in train_idx if i % 5 != 0])   # the training rows' own values of a
    assert col_a["fill"] == pytest.approx(float(stat(given)))
    every = np.array([float(i) for i in range(40) if i % 5 != 0])
    assert col_a["fill"] != pytest.approx(float(stat(every)))      # the whole table would give another fill
    # every missing cell, in training and validation rows alike, holds the training fill
    xs = np.concatenate([ds.train.x.numpy(), ds.val.x.numpy()])
    idx = np.concatenate([train_idx, ds.val.indices.numpy()])
    assert np.allclose(xs[idx % 5 == 0, 0], col_a["fill"])
    assert not np.isnan(xs).any()


def test_zero_rule_is_not_fitted():
    data = {"source": "csv", "params": {"text": _table(), "target": "kind", "missing": "zero"}, "seed": 3,
            "preprocessing": {"normalize": "none"}}
    ds = prepare(data)
    assert ds.preprocessor.columns[0]["fill"] == 0.0
