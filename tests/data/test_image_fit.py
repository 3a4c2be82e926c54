"""How pictures that are not square become the network's size: squash (the default), pad or crop,
the same in training (memory and streaming) and in predictions from files, uploads or canvases."""
from __future__ import annotations

import base64
import io

import numpy as np
import pytest
import torch
from PIL import Image

import layerlab
from layerlab.data import get_source
from layerlab.data.imagefiles import to_array
from layerlab.data.inputs import load_inputs
from layerlab.data.prepare import prepare
from layerlab.data.preprocess import Preprocessor
from layerlab.spec.errors import SpecError

BLUE, WHITE, BLACK, RED = (0, 0, 200), (255, 255, 255), (0, 0, 0), (255, 0, 0)


def _wide(background=BLUE, square=WHITE) -> Image.Image:
    """40x20: a background, a 20x20 square in the middle and a red mark near the left edge."""
    img = Image.new("RGB", (40, 20), background)
    img.paste(square, (10, 0, 30, 20))
    img.paste(RED, (2, 8, 6, 12))
    return img


def _square(a: np.ndarray, square=WHITE) -> np.ndarray:
    """(H, W) mask of the square's pixels in a (3, H, W) array: white (or black) in every channel."""
    return a.min(0) > 0.5 if square == WHITE else a.max(0) < 0.5


def _red_mark(a: np.ndarray) -> bool:
    return bool((a[0] - a[1]).max() > 0.3)


def test_squash_stretches_the_whole_picture():
    a = to_array(_wide(), 16, 3, "squash")
    square = _square(a)
    assert square[:, 6:10].all() and square.any(1).all()      # the square fills the height ...
    assert square.any(0).sum() == 8                            # ... and half the width: stretched to 8x16
    assert _red_mark(a[:, :, :3])                              # the red mark is still there


@pytest.mark.parametrize("background,square", [(BLUE, WHITE), (BLACK, WHITE), (WHITE, BLACK)])
def test_pad_keeps_the_aspect_ratio_and_letterboxes_in_the_border_colour(background, square):
    a = to_array(_wide(background, square), 16, 3, "pad")
    bars = np.r_[0:4, 12:16]                       # 40x20 -> 16x8, centred: rows 4..11 hold the picture
    colour = np.array(background, np.float32)[:, None, None] / 255
    assert np.array_equal(a[:, bars], np.broadcast_to(colour, (3, 8, 16)))   # exactly the border colour
    inside = _square(a, square)
    assert np.flatnonzero(inside.any(1)).tolist() == list(range(4, 12))     # the 20x20 square is 8 rows high
    assert np.flatnonzero(inside.any(0)).tolist() == list(range(4, 12))     # ... and 8 columns wide, centred
    assert _red_mark(a[:, 4:12, :3])                                         # the red mark is kept


def test_crop_keeps_the_centre():
    a = to_array(_wide(), 16, 3, "crop")
    assert (a > 0.9).all() and not _red_mark(a)    # the centre 20x20 is the white square: no blue, no red mark
    tall = to_array(_wide().transpose(Image.Transpose.ROTATE_90), 16, 3, "crop")
    assert (tall > 0.9).all()


def _folder(root, n: int = 4) -> None:
    """data/images/{wide,tall}/: 40x20 pictures and their 20x40 turns."""
    for cls, turn in (("wide", False), ("tall", True)):
        d = root / "data" / "images" / cls
        d.mkdir(parents=True)
        for i in range(n):
            img = _wide((0, 0, 150 + 20 * i))
            (img.transpose(Image.Transpose.ROTATE_90) if turn else img).save(d / f"{i}.png")


def test_the_fit_is_a_parameter_of_the_image_source_and_travels_with_the_preprocessing(tmp_path):
    _folder(tmp_path)
    src = get_source("images")
    assert "fit" in [q.name for q in src.params] and src.resolve({})["fit"] == "squash"
    data = {"source": "images", "params": {"size": 16, "fit": "pad"}, "validation_split": 0.25,
            "preprocessing": {"normalize": "none"}}
    ds = prepare(data, root=tmp_path)
    assert ds.preprocessor.image == {"size": 16, "channels": 3, "fit": "pad"}
    assert Preprocessor.from_dict(ds.preprocessor.to_dict()).image["fit"] == "pad"
    first = ds.train.x[0].numpy()
    bars = first[:, np.r_[0:4, 12:16]] if ds.info.classes[int(ds.train.y[0])] == "wide" \
        else first[:, :, np.r_[0:4, 12:16]]
    assert np.allclose(bars[:2], 0) and bars[2].min() > 0.5    # letterboxed in the picture's own blue
    streamed = prepare({**data, "params": {**data["params"], "streaming": "stream"}}, root=tmp_path)
    assert torch.allclose(streamed.train.x[0:len(ds.train)], ds.train.x, atol=1 / 255)
    with pytest.raises(SpecError) as e:
        src.resolve({"fit": "crops"})
    assert e.value.path == "data.params.fit" and e.value.fixes


def test_a_run_trained_with_pad_predicts_with_pad(tmp_path):
    _folder(tmp_path / "p")
    doc = {"name": "p", "task": "classification",
           "data": {"source": "images", "params": {"size": 16, "fit": "pad"}, "validation_split": 0.25},
           "model": {"layers": [{"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}]},
           "training": {"epochs": 1, "batch_size": 4}}
    p = layerlab.new(tmp_path / "p", doc=doc)
    assert p.train().status == "finished"
    loaded = p.load_run()
    assert loaded.preprocessor.image["fit"] == "pad"
    picture = _wide((0, 0, 90))                                # a new picture, as uploaded
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    frame = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()   # a webcam frame or drawing
    padded = loaded.preprocessor.transform_x(torch.from_numpy(to_array(picture, 16, 3, "pad"))[None])
    squashed = loaded.preprocessor.transform_x(torch.from_numpy(to_array(picture, 16, 3, "squash"))[None])
    for item in (picture, buf.getvalue(), frame):
        x = load_inputs([item], loaded.info, loaded.preprocessor)
        assert torch.allclose(x, padded, atol=1e-5) and not torch.allclose(x, squashed, atol=1e-2)
    assert np.allclose(p.predict([frame]), p.predict(padded), atol=1e-6)


def test_a_run_saved_before_fits_existed_squashes(tmp_path):
    _folder(tmp_path)
    ds = prepare({"source": "images", "params": {"size": 16}, "validation_split": 0.0}, root=tmp_path)
    old = ds.preprocessor.to_dict()
    old["image"] = {"size": 16, "channels": 3}                 # what older runs saved
    x = load_inputs([_wide()], ds.info.to_dict(), Preprocessor.from_dict(old))
    expect = ds.preprocessor.transform_x(torch.from_numpy(to_array(_wide(), 16, 3, "squash"))[None])
    assert torch.allclose(x, expect, atol=1e-5)
