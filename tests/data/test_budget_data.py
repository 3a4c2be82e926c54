"""Budgets on data: a table's encoded width while it is encoded, a picture's pixels from its header,
all pictures of a ZIP together before one is decoded."""
from __future__ import annotations

import io
import time
import zipfile

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from layerlab.data import encode as enc
from layerlab.data.imagefiles import open_image
from layerlab.data import safefiles as uploads
from layerlab.spec.errors import SpecError


@pytest.fixture
def limits(tmp_path, monkeypatch):
    def use(text: str) -> None:
        path = tmp_path / "limits.toml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("LAYERLAB_LIMITS", str(path))
    return use


def wide_table(columns: int, values: int, rows: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({f"c{i}": rng.choice([f"v{j}" for j in range(values)], rows) for i in range(columns)})


def test_a_table_too_wide_after_encoding_is_refused_while_encoding(limits, monkeypatch):
    limits("features = 100\n")
    seen = []
    real = enc.numeric_view
    monkeypatch.setattr(enc, "numeric_view", lambda col, *a, **k: seen.append(col.name) or real(col, *a, **k))
    with pytest.raises(SpecError) as e:
        enc.fit_schema(wide_table(40, 10), "onehot", "mean")
    assert e.value.path == "data.params.roles"
    assert "features after encoding" in e.value.message and "features = " not in e.value.hint
    assert "limits.toml" in e.value.hint and "distinct text values" in e.value.hint
    assert len(seen) <= 12  # stopped at the column that crossed the budget, not after all 40


def test_one_wide_column_is_named_in_the_fix(limits):
    limits("features = 100\n")
    df = wide_table(2, 3).assign(city=[f"town{i}" for i in range(60)] * 1)
    df = pd.concat([df] * 3, ignore_index=True)
    df["city"] = [f"town{i}" for i in range(len(df))]
    with pytest.raises(SpecError, match="features") as e:
        enc.fit_schema(df, "onehot", "mean")
    assert "'city'" in e.value.hint


def test_encode_refuses_a_wide_schema_before_allocating(limits):
    limits('profile = "class"\n')
    schema = [{"name": "a", "kind": "categorical", "categories": [str(i) for i in range(30_000)]}]
    t = time.perf_counter()
    with pytest.raises(SpecError, match="30,000 features"):
        enc.encode(pd.DataFrame({"a": ["1"] * 200_000}), schema)  # would be 24 GB of one-hot values
    assert time.perf_counter() - t < 1.0


def png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("L", (width, height)).save(buf, "PNG")
    return buf.getvalue()


def test_a_picture_over_the_pixel_budget_is_refused_from_its_header(limits, monkeypatch):
    limits("image_megapixels = 1\n")
    data = png(1100, 1000)
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(1))
    with pytest.raises(SpecError) as e:
        open_image(data, "data.upload", "big.png")
    assert "1.1 megapixels" in e.value.message and "image_megapixels" in e.value.hint
    assert not decoded


def test_a_zip_over_the_upload_pixel_budget_is_refused_before_decoding(limits, monkeypatch, tmp_path):
    limits("image_megapixels = 1\nupload_megapixels = 3\n")
    verified = []
    monkeypatch.setattr(uploads, "verify_image", lambda *a, **k: verified.append(1))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        one = png(1000, 900)
        for i in range(5):
            zf.writestr(f"pics/{'ab'[i % 2]}/{i}.png", one)
    with pytest.raises(uploads.UploadError) as e:
        uploads.unpack_images(buf.getvalue(), tmp_path / "out")
    assert e.value.status == 413 and "megapixels together" in e.value.message
    assert not verified and not (tmp_path / "out").exists()
