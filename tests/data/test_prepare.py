"""Splits, preprocessing fitted on training data, the Dataset and the facade's dataset()."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

import layerlab
from layerlab.data.base import DataInfo
from layerlab.data.prepare import prepare
from layerlab.data.preprocess import Preprocessor
from layerlab.data.split import split_indices
from layerlab.spec.errors import SpecError


def test_splits_are_seeded_disjoint_and_stratified():
    y = np.array([0] * 60 + [1] * 30 + [2] * 10)
    a = split_indices(y, "classification", 0.2, 0.1, seed=3)
    b = split_indices(y, "classification", 0.2, 0.1, seed=3)
    c = split_indices(y, "classification", 0.2, 0.1, seed=4)
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[1], c[1])
    tr, va, te = a
    assert (len(tr), len(va), len(te)) == (70, 20, 10)
    assert len(np.intersect1d(tr, va)) == 0 and len(np.union1d(np.union1d(tr, va), te)) == 100
    assert np.bincount(y[va]).tolist() == [12, 6, 2]   # same proportions as the whole
    assert np.bincount(y[te]).tolist() == [6, 3, 1]


def test_split_that_leaves_nothing_to_train_is_refused():
    with pytest.raises(SpecError) as e:
        split_indices(np.zeros(10), "regression", 0.6, 0.5, 0)
    assert e.value.path == "data.validation_split" and "no training" in str(e.value)


def test_preprocessing_is_fitted_on_the_training_split_only():
    ds = prepare({"source": "wine", "validation_split": 0.25, "seed": 0})
    assert torch.allclose(ds.train.x.mean(0), torch.zeros(13), atol=1e-4)
    assert torch.allclose(ds.train.x.std(0, unbiased=False), torch.ones(13), atol=1e-3)
    assert ds.val.x.mean(0).abs().max() > 1e-3       # validation was not used to fit
    from layerlab.data import get_source
    raw = get_source("wine").load({}, None, 0)
    back = ds.preprocessor.inverse_x(ds.val.x)
    assert torch.allclose(back, torch.from_numpy(raw.x[ds.val.indices.numpy()]), rtol=1e-4, atol=1e-3)


def test_preprocessor_json_round_trip_gives_identical_outputs():
    ds = prepare({"source": "diabetes", "preprocessing": {"standardize_target": True}})
    d = json.loads(json.dumps(ds.preprocessor.to_dict()))
    pre = Preprocessor.from_dict(d)
    x = np.random.default_rng(0).normal(size=(5, 10)).astype(np.float32)
    assert np.array_equal(pre.transform_x(x), ds.preprocessor.transform_x(x))
    assert abs(float(ds.train.y.mean())) < 1e-4                      # targets standardised
    y = pre.inverse_y(ds.train.y)
    assert 25 <= float(y.min()) and float(y.max()) <= 346            # the diabetes scale again
    assert pre.task == "regression" and pre.y_mean is not None


def test_images_are_normalised_per_channel_and_tokens_pass_through():
    ds = prepare({"source": "shapes", "params": {"n_samples": 60, "size": 16}})
    assert len(np.asarray(ds.preprocessor.mean).reshape(-1)) == 3
    assert torch.allclose(ds.train.x.mean((0, 2, 3)), torch.zeros(3), atol=1e-4)
    tok = prepare({"source": "modular_arithmetic", "params": {"p": 5}})
    assert tok.train.x.dtype == torch.int64 and tok.preprocessor.method == "none"
    with pytest.raises(SpecError) as e:
        prepare({"source": "modular_arithmetic", "params": {"p": 5}, "preprocessing": {"normalize": "standard"}})
    assert e.value.path == "data.preprocessing.normalize"


def test_minmax_and_none_and_unknown_options():
    x = np.array([[0.0], [5.0], [10.0]], np.float32)
    info = DataInfo("tabular", (1,), "classification", ["a", "b"])
    assert Preprocessor.fit(x, None, info, {"normalize": "minmax"}).transform_x(x).ravel().tolist() == [0, .5, 1]
    assert Preprocessor.fit(x, None, info, {"normalize": "none"}).transform_x(x).ravel().tolist() == [0, 5, 10]
    with pytest.raises(SpecError) as e:
        Preprocessor.fit(x, None, info, {"normalise": "none"})
    assert "normalize" in e.value.hint


def test_batches_cover_the_split_and_follow_the_generator():
    ds = prepare({"source": "iris", "seed": 1})
    seen = torch.cat([yb for _, yb in ds.train.batches(32, shuffle=True, generator=torch.Generator().manual_seed(0))])
    again = torch.cat([yb for _, yb in ds.train.batches(32, shuffle=True, generator=torch.Generator().manual_seed(0))])
    assert len(seen) == len(ds.train) == 120 and torch.equal(seen, again)
    assert sorted(seen.tolist()) == sorted(ds.train.y.tolist())


def test_a_source_with_one_class_is_refused(monkeypatch):
    from layerlab.data.base import RawData
    from layerlab.data.prepare import check_targets
    info = DataInfo("tabular", (1,), "classification", ["cat", "dog"])
    with pytest.raises(SpecError) as e:
        check_targets(RawData(np.zeros((5, 1)), np.zeros(5, np.int64), info))
    assert "only one class" in e.value.message and e.value.received == "cat" and "more class" in e.value.hint


def test_facade_dataset_is_cached_until_the_data_section_changes(tmp_path):
    p = layerlab.new(tmp_path / "xor", example="xor")
    ds = p.dataset()
    assert p.dataset() is ds and len(ds.train) == 320
    p.doc["data"]["params"]["n_samples"] = 100
    ds2 = p.dataset()
    assert ds2 is not ds and len(ds2.train) + len(ds2.val) == 100
    s = p.data_summary()
    assert s["n_samples"] == 100 and s["splits"]["validation"] == 20 and s["classes"] == ["0", "1"]
    assert sum(s["class_counts"].values()) == 100
    assert p.preview_png().startswith(b"\x89PNG")
    p.doc["data"]["augmentation"] = {"gaussian_noise": {"std": 0.1}}
    assert p.dataset() is ds2                       # augmentation does not change the prepared data


def test_task_mismatch_offers_the_fix():
    with pytest.raises(SpecError) as e:
        prepare({"source": "sine"}, task="classification")
    assert e.value.path == "task" and e.value.fixes


@pytest.mark.parametrize("name", layerlab.api.example_names())
def test_every_example_project_loads_its_data(name, tmp_path):
    p = layerlab.new(tmp_path / name, example=name)
    ds = p.dataset()
    info = p.data_info()
    assert tuple(ds.train.x.shape[1:]) == tuple(info.input_shape)
    assert len(ds.train) + len(ds.val) == info.n_samples
    if info.task == "classification":
        assert ds.train.y.dtype == torch.int64 and int(ds.train.y.max()) < len(info.classes)
    else:
        assert ds.train.y.shape[1] == info.outputs
    json.dumps(info.to_dict()), json.dumps(ds.preprocessor.to_dict())    # both are stored with every run
    a = p.analyze()
    if any("is not a known layer type" in e.message for e in a.errors):
        pytest.skip("the layer catalogue is still being completed: " + str(a.errors[0]))
    assert a.ok, a.errors
    samples = p.data_samples(3)
    assert len(samples) == 3 and all("label" in s for s in samples)


def test_statistics_are_exact_in_chunks_even_for_large_values():
    from layerlab.data.preprocess import _moments
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5000, 3, 2, 2)) * 5 + 1e6            # mean far from zero, small spread
    mean, std = _moments(x, (0, 2, 3), "standard", chunk=333)
    assert np.allclose(mean, x.mean((0, 2, 3), keepdims=True)[0]) and mean.shape == (3, 1, 1)
    assert np.allclose(std, x.std((0, 2, 3), keepdims=True)[0], rtol=1e-6)
