"""The loss chart does not join batch points that lie more than an epoch apart (a fast run's rate-limited batch
events drew one straight line from the first batch to one thirteen epochs later)."""
from __future__ import annotations

from layerlab.ui.components.charts import Curves, loss_options, with_gaps


def test_sparse_batch_points_are_not_joined_across_epochs():
    assert with_gaps([[0.5, 0.9], [0.75, 0.8], [13.5, 0.01]]) == [[0.5, 0.9], [0.75, 0.8], [7.125, None], [13.5, 0.01]]
    assert with_gaps([[0.25, 1.0], [0.5, 0.9], [1.25, 0.7]]) == [[0.25, 1.0], [0.5, 0.9], [1.25, 0.7]]
    curves = Curves(batch_points=[[0.5, 0.9], [13.5, 0.01]])
    batch = loss_options(curves)["series"][0]
    assert batch["connectNulls"] is False and [x for x, y in batch["data"] if y is None] == [7.0]
