"""predict() takes data in the user's own units and applies the run's preprocessing."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris

import layerlab


def test_raw_rows_and_preprocessed_tensors_give_the_same_prediction(tmp_path):
    p = layerlab.new(tmp_path / "iris", example="iris")
    p.train(epochs=5)
    ds = p.dataset()
    rows = load_iris().data.astype(np.float32)[ds.val.indices.numpy()]   # centimetres, as measured
    assert not np.allclose(rows, ds.val.x.numpy())                       # the run standardises them
    from_rows = p.predict(rows.tolist())
    from_array = p.predict(rows)
    from_tensor = p.predict(ds.val.x)                                    # model input, already scaled
    assert from_rows.shape == (len(rows), 3)
    assert np.abs(from_rows - from_tensor).max() < 1e-6
    assert np.abs(from_array - from_tensor).max() < 1e-6
    assert np.allclose(from_rows.sum(axis=1), 1.0, atol=1e-5)


def test_forcing_preprocessed_reading_of_numbers(tmp_path):
    p = layerlab.new(tmp_path / "iris", example="iris")
    p.train(epochs=2)
    x = p.dataset().val.x[:4].numpy()
    assert np.abs(p.predict(x, raw=False) - p.predict(p.dataset().val.x[:4])).max() < 1e-6
    with pytest.raises(layerlab.SpecError):
        p.predict([[1.0, 2.0]])                                          # iris has 4 features
