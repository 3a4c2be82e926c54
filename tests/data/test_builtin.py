"""Every built-in source: real content (counts, shapes, label maps), determinism, cheap info."""
from __future__ import annotations

import time

import numpy as np
import pytest

from layerlab.data import get_source, load_all
from layerlab.data.preview import gallery, thumbnail
from layerlab.i18n import translate
from layerlab.spec.errors import SpecError

BUILTIN = ["digits", "iris", "wine", "breast_cancer", "diabetes", "xor", "circle", "gaussians",
           "spiral", "moons", "sine", "plane", "shapes", "modular_arithmetic"]


def _load(name, params=None, seed=0):
    src = get_source(name)
    p = src.resolve(params or {})
    return src, p, src.load(p, None, seed)


@pytest.mark.parametrize("name", BUILTIN)
def test_every_builtin_loads_arrays_that_match_its_info(name):
    params = {"n_samples": 60} if name == "shapes" else {}
    src, p, raw = _load(name, params)
    info = src.info(p, None)
    assert raw.x.shape == (info.n_samples, *info.input_shape)
    assert len(raw.y) == info.n_samples
    if info.task == "classification":
        assert raw.y.dtype == np.int64
        assert set(np.unique(raw.y)) == set(range(len(info.classes)))
    else:
        assert raw.y.dtype == np.float32 and raw.y.shape == (info.n_samples, info.outputs)
    assert src.summary and translate(src.summary, "de") != src.summary  # German in descriptions.po
    assert np.isfinite(raw.x).all()


def test_scikit_learn_sets_have_their_known_contents():
    _, _, digits = _load("digits")
    assert digits.x.shape == (1797, 1, 8, 8) and digits.x.min() == 0.0 and digits.x.max() == 1.0
    assert digits.info.classes == [str(i) for i in range(10)]
    _, _, iris = _load("iris")
    assert iris.info.classes == ["setosa", "versicolor", "virginica"]
    assert np.bincount(iris.y).tolist() == [50, 50, 50]
    assert iris.info.feature_names[0] == "sepal length (cm)"
    _, _, bc = _load("breast_cancer")
    assert bc.info.classes == ["malignant", "benign"] and bc.x.shape == (569, 30)
    _, _, wine = _load("wine")
    assert np.bincount(wine.y).tolist() == [59, 71, 48]
    _, _, diab = _load("diabetes")
    assert diab.info.task == "regression" and diab.x.shape == (442, 10) and diab.y.min() >= 25


def test_digits_info_is_cheap_after_the_first_call():
    src = get_source("digits")
    src.info({}, None)
    t = time.perf_counter()
    for _ in range(100):
        src.info({}, None)
    assert (time.perf_counter() - t) / 100 < 0.003


@pytest.mark.parametrize("name", ["xor", "circle", "gaussians", "spiral", "moons", "sine", "plane", "shapes"])
def test_generated_sets_follow_the_seed(name):
    params = {"n_samples": 30} if name == "shapes" else {}
    a, b, c = (_load(name, params, s)[2] for s in (0, 0, 1))
    assert np.array_equal(a.x, b.x) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)


def test_playground_sets_have_their_geometry():
    xor = _load("xor", {"n_samples": 400, "noise": 0.0})[2]
    assert np.array_equal(xor.y, (xor.x[:, 0] * xor.x[:, 1] > 0).astype(np.int64))
    circle = _load("circle", {"n_samples": 400, "noise": 0.0})[2]
    r = np.linalg.norm(circle.x, axis=1)
    assert (r[circle.y == 1] <= 0.5).all() and (r[circle.y == 0] >= 0.7).all()
    g = _load("gaussians", {"n_samples": 300, "classes": 4})[2]
    assert g.info.classes == ["0", "1", "2", "3"] and np.bincount(g.y).tolist() == [75] * 4
    sp = _load("spiral", {"n_samples": 300, "arms": 3})[2]
    assert sp.info.classes == ["0", "1", "2"]
    sine = _load("sine", {"n_samples": 100, "noise": 0.0})[2]
    assert np.allclose(sine.y, np.sin(sine.x), atol=1e-6)
    plane = _load("plane", {"n_samples": 100, "noise": 0.0})[2]
    assert np.allclose(plane.y[:, 0], plane.x.sum(1) / 2, atol=1e-6)


def test_noise_moves_points():
    clean = _load("xor", {"noise": 0.0})[2]
    noisy = _load("xor", {"noise": 0.5})[2]
    assert np.abs(clean.x - noisy.x).mean() > 0.05


def test_shapes_draw_three_classes_in_colour():
    raw = _load("shapes", {"n_samples": 90, "size": 24})[2]
    assert raw.x.shape == (90, 3, 24, 24) and raw.info.classes == ["circle", "square", "triangle"]
    assert np.bincount(raw.y).tolist() == [30, 30, 30]
    # each image has exactly two colours' worth of contrast: background and shape differ
    assert (raw.x.reshape(90, 3, -1).std(axis=2).max(axis=1) > 0.05).all()
    # random colours: the channel means differ between images
    assert raw.x.mean(axis=(2, 3)).std(axis=0).min() > 0.05


@pytest.mark.parametrize("op,expect", [("add", lambda a, b, p: (a + b) % p), ("sub", lambda a, b, p: (a - b) % p),
                                       ("mul", lambda a, b, p: (a * b) % p),
                                       ("square_sum", lambda a, b, p: (a * a + b * b) % p)])
def test_modular_arithmetic_is_the_operation_mod_p(op, expect):
    raw = _load("modular_arithmetic", {"p": 11, "op": op})[2]
    a, b = raw.x[:, 0], raw.x[:, 1]
    assert raw.x.dtype == np.int64 and raw.x.shape == (121, 2)
    assert np.array_equal(raw.y, expect(a, b, 11))
    assert raw.info.vocab_size == 11 and raw.info.classes[-1] == "10"


def test_modular_division_uses_the_inverse_and_needs_a_prime():
    raw = _load("modular_arithmetic", {"p": 7, "op": "div"})[2]
    assert len(raw.y) == 42 and 0 not in raw.x[:, 1]
    assert np.array_equal((raw.y * raw.x[:, 1]) % 7, raw.x[:, 0])
    with pytest.raises(SpecError) as e:
        _load("modular_arithmetic", {"p": 8, "op": "div"})
    assert e.value.path == "data.params.p" and "prime" in str(e.value) and e.value.fixes


def test_bad_params_name_the_path():
    with pytest.raises(SpecError) as e:
        get_source("spiral").resolve({"n_samples": 3})
    assert e.value.path == "data.params.n_samples" and "at least" in str(e.value)
    with pytest.raises(SpecError) as e:
        get_source("spirals")
    assert "spiral" in e.value.hint


def test_gallery_lists_every_builtin_with_a_png_thumbnail():
    load_all()
    items = {g["name"]: g for g in gallery("de", size=48)}
    assert set(BUILTIN) <= set(items)
    assert items["iris"]["summary"].startswith("150 Iris")
    assert all(g["thumbnail_png"].startswith(b"\x89PNG") for g in items.values())
    assert thumbnail("digits", size=48) is thumbnail("digits", size=48)  # cached
