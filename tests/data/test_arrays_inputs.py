"""NumPy arrays as data, and load_inputs: raw items at prediction time become the training batch."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from layerlab.data import get_source
from layerlab.data.inputs import load_inputs
from layerlab.data.prepare import prepare
from layerlab.data.preprocess import Preprocessor
from layerlab.spec.errors import SpecError

from .helpers import image_folder, png


def _npz(root, **arrays):
    (root / "data").mkdir(parents=True, exist_ok=True)
    np.savez(root / "data" / "set.npz", **arrays)
    return root


def test_npz_tables_images_and_regression(tmp_path):
    rng = np.random.default_rng(0)
    src = get_source("npy")
    root = _npz(tmp_path / "a", x=rng.normal(size=(20, 5)).astype(np.float32), labels=np.array(["n", "y"] * 10))
    info = src.info(src.resolve({}), root)
    assert info.kind == "tabular" and info.classes == ["n", "y"] and info.input_shape == (5,)
    root = _npz(tmp_path / "b", images=rng.integers(0, 255, (12, 28, 28, 3), dtype=np.uint8), y=np.arange(12) % 3)
    raw = src.load(src.resolve({}), root, 0)
    assert raw.info.kind == "image" and raw.x.shape == (12, 3, 28, 28) and raw.x.max() <= 1.0
    root = _npz(tmp_path / "c", x=rng.normal(size=(30, 2)), y=rng.normal(size=30))
    raw = src.load(src.resolve({}), root, 0)
    assert raw.info.task == "regression" and raw.y.shape == (30, 1)
    (tmp_path / "d" / "data").mkdir(parents=True)
    np.save(tmp_path / "d" / "data" / "x.npy", np.ones((6, 2)))
    np.save(tmp_path / "d" / "data" / "y.npy", np.array([0, 1] * 3))
    raw = src.load(src.resolve({"path": "data/x.npy", "y_path": "data/y.npy"}), tmp_path / "d", 0)
    assert raw.info.classes == ["0", "1"] and raw.x.shape == (6, 2)


def test_npz_bad_input(tmp_path):
    src = get_source("npy")
    root = _npz(tmp_path / "a", x=np.array([{"a": 1}] * 4, dtype=object), y=np.arange(4))
    with pytest.raises(SpecError) as e:
        src.info(src.resolve({}), root)
    assert "Python objects" in e.value.message and "np.savez" in e.value.hint
    root = _npz(tmp_path / "b", x=np.ones((4, 2)), y=np.arange(3))
    with pytest.raises(SpecError) as e:
        src.info(src.resolve({}), root)
    assert "different numbers" in e.value.message and "4 inputs, 3 targets" == e.value.received
    root = _npz(tmp_path / "c", inputs=np.ones((4, 2)))
    with pytest.raises(SpecError) as e:
        src.info(src.resolve({}), root)
    assert "no targets array" in e.value.message
    root = _npz(tmp_path / "e", x=np.array([[1.0, np.nan], [2.0, 3.0]]), y=np.arange(2))
    with pytest.raises(SpecError) as e:
        src.info(src.resolve({}), root)
    assert "not finite" in e.value.message and e.value.received == "sample 0, value 1"
    (tmp_path / "d" / "data").mkdir(parents=True)
    (tmp_path / "d" / "data" / "x.npz").write_bytes(b"garbage")
    with pytest.raises(SpecError) as e:
        src.info(src.resolve({}), tmp_path / "d")
    assert "not a readable NumPy file" in e.value.message


def test_load_inputs_for_tables_matches_training_rows(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_text("size,colour,kind\n" + "".join(
        f"{i},{'rgb'[i % 3]},{'ab'[i % 2]}\n" for i in range(30)))
    ds = prepare({"source": "csv", "params": {"target": "kind"}, "validation_split": 0.0}, root=tmp_path)
    pre = Preprocessor.from_dict(ds.preprocessor.to_dict())       # as after loading a run
    info = ds.info.to_dict()
    x = load_inputs([{"size": 4, "colour": "g"}, [5, "b"]], info, pre)
    assert torch.allclose(x, ds.train.x[4:6], atol=1e-5)
    rows = load_inputs("size,colour\n4,g\n5,b\n", info, pre)
    assert torch.allclose(rows, x)
    (tmp_path / "new.csv").write_text("colour,size,kind\ng,4,a\n")
    assert torch.allclose(load_inputs([tmp_path / "new.csv"], info, pre), x[:1])
    with pytest.raises(SpecError) as e:
        load_inputs([{"sise": 4, "colour": "g"}], info, pre)
    assert e.value.path == "inputs[0]" and "did you mean 'size'" in e.value.hint
    with pytest.raises(SpecError) as e:
        load_inputs([{"size": 4}], info, pre)
    assert "misses the feature 'colour'" in e.value.message
    with pytest.raises(SpecError) as e:
        load_inputs([[1, 2, 3]], info, pre)
    assert "must have 2 values" in e.value.message and "size, colour" in e.value.hint


def test_load_inputs_for_images_from_paths_bytes_pil_and_arrays(tmp_path):
    image_folder(tmp_path / "data" / "images", per_class=3)
    ds = prepare({"source": "images", "params": {"size": 12}, "validation_split": 0.0}, root=tmp_path)
    info, pre = ds.info, ds.preprocessor
    red_file = tmp_path / "data" / "images" / "red" / "0.png"
    a = load_inputs([red_file], info, pre)
    i = int(np.flatnonzero(ds.train.indices.numpy() == 3)[0])      # blue 0..2, red 3..5
    assert torch.allclose(a[0], ds.train.x[i], atol=1e-5)
    b = load_inputs([red_file.read_bytes(), Image.open(red_file), np.full((3, 12, 12), 0.5, np.float32)], info, pre)
    assert torch.allclose(b[0], a[0], atol=1e-5) and torch.allclose(b[1], a[0], atol=1e-5)
    assert b.shape == (3, 3, 12, 12)
    import base64
    url = "data:image/png;base64," + base64.b64encode(red_file.read_bytes()).decode()
    assert torch.allclose(load_inputs([url], info, pre)[0], a[0], atol=1e-5)       # a canvas drawing
    big = load_inputs([png((220, 30, 30), size=(100, 40), mode="RGBA")], info, pre)   # converted
    assert big.shape == (1, 3, 12, 12)
    with pytest.raises(SpecError) as e:
        load_inputs([b"not an image"], info, pre)
    assert e.value.path == "inputs[0]" and "not an image" in e.value.message
    with pytest.raises(SpecError) as e:
        load_inputs([tmp_path / "missing.png"], info, pre)
    assert "exists" in e.value.message
    with pytest.raises(SpecError) as e:
        load_inputs([np.zeros((5, 5))], info, pre)
    assert "wrong shape" in e.value.message


def test_load_inputs_for_builtins_tokens_and_points():
    ds = prepare({"source": "modular_arithmetic", "params": {"p": 7}})
    x = load_inputs([[3, 5], {"a": 1, "b": 2}], ds.info, ds.preprocessor)
    assert x.dtype == torch.int64 and x.tolist() == [[3, 5], [1, 2]]
    with pytest.raises(SpecError) as e:
        load_inputs([[3, 9]], ds.info, ds.preprocessor)
    assert "0 to 6" in e.value.message
    ds = prepare({"source": "xor"})
    x = load_inputs([{"x1": 0.5, "x2": -0.5}, [0.5, -0.5]], ds.info, ds.preprocessor)
    assert torch.allclose(x[0], x[1]) and torch.allclose(x[0], ds.preprocessor.transform_x(torch.tensor([0.5, -0.5])))
    batch = load_inputs(np.zeros((4, 2), np.float32), ds.info, ds.preprocessor)
    assert batch.shape == (4, 2)
    ds = prepare({"source": "digits"})
    assert load_inputs([np.zeros((8, 8))], ds.info, ds.preprocessor).shape == (1, 1, 8, 8)
