"""Augmentation of training batches and its preview; streaming splits for large image folders."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from layerlab.data.augment import AUGMENTATIONS, augmenter, build_augmenter
from layerlab.data.prepare import prepare
from layerlab.spec.errors import SpecError

from .helpers import image_folder


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_flip_mirrors_and_is_seeded():
    x = torch.arange(2 * 1 * 4 * 4, dtype=torch.float32).reshape(2, 1, 4, 4)
    out = augmenter({"flip": {"probability": 1.0}}).apply(x, _gen())
    assert torch.allclose(out, x.flip(-1), atol=1e-5)
    a = augmenter({"rotation": {"degrees": 30}, "shift": {}, "zoom": {}, "noise": {}})
    x = torch.rand(8, 3, 16, 16)
    assert torch.equal(a.apply(x, _gen(1)), a.apply(x, _gen(1)))
    assert not torch.equal(a.apply(x, _gen(1)), a.apply(x, _gen(2)))


def test_each_image_augmentation_changes_the_batch_but_keeps_its_shape_and_range():
    x = torch.rand(6, 3, 12, 12)
    for name, aug in AUGMENTATIONS.items():
        if "image" not in aug.kinds:
            continue
        out = augmenter({name: True}).apply(x, _gen())
        assert out.shape == x.shape and not torch.allclose(out, x), name
        assert out.min() >= 0 and out.max() <= 1, name


def test_brightness_works_in_pixel_units_through_the_fitted_normalisation(tmp_path):
    image_folder(tmp_path / "data" / "images", per_class=4)
    ds = prepare({"source": "images", "params": {"size": 8}}, root=tmp_path)
    aug = build_augmenter({"brightness": {"delta": 0.3}}, ds.info)            # as the engine calls it
    xb = ds.train.x[:4]
    out = aug(xb, _gen())
    raw_in, raw_out = ds.preprocessor.inverse_x(xb), ds.preprocessor.inverse_x(out)
    assert raw_out.min() >= -1e-5 and raw_out.max() <= 1 + 1e-5               # clamped to real pixels
    shift = (raw_out - raw_in).mean(dim=(1, 2, 3)).abs()
    assert shift.max() > 0.01 and shift.max() <= 0.3 + 1e-4
    assert build_augmenter({}, ds.info) is None


def test_tabular_noise_and_kind_mismatch():
    x = torch.zeros(1000, 4)
    out = augmenter({"gaussian_noise": {"std": 0.5}}, kind="tabular").apply(x, _gen())
    assert abs(float(out.std()) - 0.5) < 0.03
    with pytest.raises(SpecError) as e:
        augmenter({"rotation": {}}, kind="tabular")
    assert e.value.path == "data.augmentation.rotation" and "gaussian_noise" in e.value.hint and e.value.fixes
    with pytest.raises(SpecError) as e:
        augmenter({"flipp": {}})
    assert "did you mean 'flip'" in e.value.hint
    with pytest.raises(SpecError) as e:
        augmenter({"rotation": {"degrees": 500}})
    assert e.value.path == "data.augmentation.rotation.degrees"


def test_preview_gives_n_versions_of_one_sample(tmp_path):
    import layerlab
    p = layerlab.new(tmp_path / "shapes", example="shapes")
    p.doc["data"]["params"] = {"n_samples": 30, "size": 16}
    p.doc["data"]["augmentation"] = {"rotation": {"degrees": 40}, "flip": True}
    pngs = p.augment_preview(index=0, n=5, seed=1)
    assert len(pngs) == 5 and all(b.startswith(b"\x89PNG") for b in pngs) and len(set(pngs)) > 1
    sample = np.random.default_rng(0).random((3, 8, 8)).astype(np.float32)
    from layerlab.data.augment import preview
    out = preview({"noise": {"std": 0.1}}, sample, 4, seed=0)
    assert out.shape == (4, 3, 8, 8) and not torch.equal(out[0], out[1])
    p = layerlab.new(tmp_path / "iris", example="iris")
    p.doc["data"]["augmentation"] = {"gaussian_noise": {"std": 0.2}}
    rows = p.augment_preview(0, 3)
    assert len(rows) == 3 and len(rows[0]) == 4 and rows[0] != rows[1]


def test_streaming_split_matches_the_in_memory_one(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERLAB_DATA_WORKERS", "0")
    image_folder(tmp_path / "data" / "images", per_class=6, classes=("red", "blue", "green"), mixed=True)
    d = {"source": "images", "params": {"size": 8, "streaming": "memory"}, "validation_split": 0.25, "seed": 2}
    mem = prepare(d, root=tmp_path)
    d["params"]["streaming"] = "stream"
    st = prepare(d, root=tmp_path)
    assert st.meta["streaming"] and not mem.meta["streaming"]
    assert len(st.train) == len(mem.train) == 14 and len(st.val) == 4
    assert torch.equal(st.train.indices, mem.train.indices)
    xs, ys = zip(*st.train.batches(4))
    assert [len(y) for y in ys] == [4, 4, 4, 2]
    # JPEG round trips through uint8 in the cache, so allow one grey level
    assert torch.allclose(torch.cat(xs), mem.train.x, atol=2 / 255 / min(mem.preprocessor.scale[0][0]))
    assert torch.equal(torch.cat(ys), mem.train.y)
    g = torch.Generator().manual_seed(0)
    shuffled = torch.cat([y for _, y in st.train.batches(5, shuffle=True, generator=g)])
    assert sorted(shuffled.tolist()) == sorted(mem.train.y.tolist())
    assert torch.allclose(st.val.x[1], mem.val.x[1], atol=0.05) and st.val.x[:3].shape == (3, 3, 8, 8)
    assert st.train.x.shape == mem.train.x.shape and len(st.train.x[torch.tensor([0, 2])]) == 2
    from layerlab.data.summary import summarize
    assert summarize(st)["streaming"] is True and summarize(st)["class_counts"] == {"blue": 6, "green": 6, "red": 6}


def test_streaming_with_background_workers(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERLAB_DATA_WORKERS", "1")
    image_folder(tmp_path / "data" / "images", per_class=5)
    st = prepare({"source": "images", "params": {"size": 8, "streaming": "stream"}, "validation_split": 0.2},
                 root=tmp_path)
    for _ in range(2):                                    # workers persist across epochs
        n = sum(len(y) for _, y in st.train.batches(3, shuffle=True, generator=torch.Generator().manual_seed(0)))
        assert n == 8
    st.train.close()


def test_validate_reports_augmentation_and_preprocessing_mistakes(tmp_path):
    import layerlab
    p = layerlab.new(tmp_path / "iris", example="iris")
    p.doc["data"]["augmentation"] = {"rotation": {"degrees": 10}}
    p.doc["data"]["preprocessing"] = {"normalise": "none"}
    errors = {e.path: e for e in p.errors()}
    assert "data.augmentation.rotation" in errors and errors["data.augmentation.rotation"].fixes
    assert "data.preprocessing.normalise" in errors
    p.fix()
    assert p.doc["data"]["augmentation"] == {} and p.analyze().ok
