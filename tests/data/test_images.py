"""The user's images: folders, ZIPs (safely), conversion of sizes and modes, samples, bad input."""
from __future__ import annotations

import stat
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from layerlab.data import get_source, samples
from layerlab.data.archive import extract_zip
from layerlab.data.prepare import prepare
from layerlab.spec.errors import SpecError

from .helpers import image_folder, png, zip_of


def _load(root, **params):
    src = get_source("images")
    p = src.resolve(params)
    return src.info(p, root), src.load(p, root, 0)


def test_folder_per_class_loads_with_labels_and_colours(tmp_path):
    image_folder(tmp_path / "data" / "images", per_class=5)
    info, raw = _load(tmp_path, size=16)
    assert info.classes == ["blue", "red"] and info.input_shape == (3, 16, 16) and info.n_samples == 10
    assert raw.x.shape == (10, 3, 16, 16) and np.bincount(raw.y).tolist() == [5, 5]
    red = raw.x[raw.y == 1].mean(axis=(0, 2, 3))
    assert red[0] > 0.8 and red[2] < 0.2                  # the red class is red


def test_mixed_sizes_and_modes_are_converted_not_refused(tmp_path):
    image_folder(tmp_path / "data" / "images", per_class=4, mixed=True)
    info, raw = _load(tmp_path, size=8, channels=1)
    assert raw.x.shape == (8, 1, 8, 8) and info.input_shape == (1, 8, 8)
    assert raw.x.min() >= 0 and raw.x.max() <= 1
    # greyscale of pure blue is darker than of red, whatever mode the file had
    assert raw.x[raw.y == 0].mean() < raw.x[raw.y == 1].mean()


def test_dataset_from_images_is_stratified_and_normalised(tmp_path):
    image_folder(tmp_path / "data" / "images", per_class=10, classes=("red", "blue", "green"))
    ds = prepare({"source": "images", "params": {"size": 8}, "validation_split": 0.3}, root=tmp_path)
    assert len(ds.train) == 21 and len(ds.val) == 9
    assert torch.bincount(ds.val.y).tolist() == [3, 3, 3]
    assert ds.preprocessor.image == {"size": 8, "channels": 3, "fit": "squash"}   # the default: as before fits


def test_zip_in_the_project_and_a_wrapping_top_folder(tmp_path):
    src = image_folder(tmp_path / "src", per_class=3)
    (tmp_path / "proj" / "data").mkdir(parents=True)
    zip_of(src, tmp_path / "proj" / "data" / "animals.zip", prefix="animals/")
    info, raw = _load(tmp_path / "proj", path="data/animals.zip", size=8)
    assert info.classes == ["blue", "red"] and len(raw.y) == 6


def test_zip_slip_links_and_bombs_are_refused_and_nothing_is_left(tmp_path):
    bad = tmp_path / "slip.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("red/1.png", png())
        z.writestr("../../evil.png", png())
    with pytest.raises(SpecError) as e:
        extract_zip(bad, tmp_path / "out")
    assert "outside its folder" in e.value.message and "../../evil.png" in e.value.received and e.value.hint
    assert not (tmp_path / "out").exists() and not (tmp_path.parent / "evil.png").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as z:
        info = zipfile.ZipInfo("red/link.png")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/etc/passwd")
    with pytest.raises(SpecError) as e:
        extract_zip(link, tmp_path / "out")
    assert "symbolic link" in e.value.message
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("red/big.png", b"\0" * (8 * 1024 ** 2))
    with pytest.raises(SpecError) as e:
        extract_zip(bomb, tmp_path / "out")
    assert "zip bomb" in e.value.message
    assert not (tmp_path / "out").exists()


def test_bad_image_folders_have_four_part_errors(tmp_path):
    base = image_folder(tmp_path / "data" / "images", per_class=2)
    (base / "green").mkdir()
    with pytest.raises(SpecError) as e:
        _load(tmp_path)
    assert "class with no images: 'green'" in e.value.message and "add images" in e.value.hint
    (base / "green").rmdir()
    noisy = Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8))
    noisy.save(base / "red" / "1.png")
    data = (base / "red" / "1.png").read_bytes()
    (base / "red" / "1.png").write_bytes(data[:len(data) // 2])  # cut off mid-file
    with pytest.raises(SpecError) as e:
        _load(tmp_path)
    assert "truncated image" in e.value.message and "red/1.png" in str(e.value.received)
    assert e.value.path == "data.params.path" and "re-save" in e.value.hint
    (base / "red" / "1.png").write_bytes(b"this is not an image")
    with pytest.raises(SpecError) as e:
        _load(tmp_path)
    assert "not an image" in e.value.message and "red/1.png" in str(e.value.received)
    (base / "red" / "1.png").write_bytes(png())
    (base / "red" / "notes.docx").write_bytes(b"x")
    with pytest.raises(SpecError) as e:
        _load(tmp_path)
    assert "not a supported image format" in e.value.message and "notes.docx" in str(e.value.received)
    (base / "red" / "notes.docx").unlink()
    (base / "red" / ".DS_Store").write_bytes(b"x")              # hidden files are ignored
    assert _load(tmp_path)[0].n_samples == 4


def test_a_single_class_and_loose_images_are_refused(tmp_path):
    image_folder(tmp_path / "data" / "images", per_class=2, classes=("red",))
    with pytest.raises(SpecError) as e:
        _load(tmp_path)
    assert "only one class" in e.value.message and e.value.received == "red"
    loose = tmp_path / "p2" / "data" / "images"
    loose.mkdir(parents=True)
    (loose / "a.png").write_bytes(png())
    with pytest.raises(SpecError) as e:
        _load(tmp_path / "p2")
    assert "no class folders" in e.value.message and "subfolder per class" in e.value.hint


def test_samples_add_rename_delete_and_count(tmp_path):
    proj = tmp_path / "p"
    samples.add_class(proj, "cat")
    samples.add_sample(proj, "cat", png((250, 250, 250)))
    samples.add_sample(proj, "cat", Image.new("L", (3000, 40), 10))   # a huge capture is shrunk
    import base64
    samples.add_sample(proj, "dog", "data:image/png;base64," + base64.b64encode(png((5, 5, 5), (30, 20))).decode())
    assert samples.class_counts(proj) == {"cat": 2, "dog": 1}
    big = Image.open(samples.images_dir(proj) / "cat" / samples.list_samples(proj)["cat"][1])
    assert max(big.size) <= samples.MAX_SIDE
    info, raw = _load(proj, size=8)
    assert info.classes == ["cat", "dog"] and len(raw.y) == 3
    samples.rename_class(proj, "dog", "hound")
    assert samples.list_classes(proj) == ["cat", "hound"]
    assert _load(proj, size=8)[0].classes == ["cat", "hound"]      # the source sees the rename
    with pytest.raises(SpecError) as e:
        samples.rename_class(proj, "cat", "hound")
    assert "already a class" in e.value.message
    first = samples.list_samples(proj)["cat"][0]
    assert samples.thumbnail_png(proj, "cat", first).startswith(b"\x89PNG")
    samples.delete_sample(proj, "cat", first)
    samples.delete_class(proj, "hound")
    assert samples.class_counts(proj) == {"cat": 1}
    for bad in ("../x", "", ".hidden", "a/b"):
        with pytest.raises(SpecError):
            samples.add_class(proj, bad)
    with pytest.raises(SpecError) as e:
        samples.add_sample(proj, "cat", b"not an image")
    assert "not an image" in e.value.message


def test_project_dataset_sees_new_samples(tmp_path):
    import layerlab
    proj = tmp_path / "p"
    for c, col in (("a", (255, 0, 0)), ("b", (0, 0, 255))):
        for _ in range(3):
            samples.add_sample(proj, c, png(col))
    doc = {"name": "cam", "data": {"source": "images", "params": {"size": 8}, "validation_split": 0.0},
           "model": {"layers": [{"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}]}}
    p = layerlab.api.Project(doc, proj)
    assert len(p.dataset().train) == 6
    samples.add_sample(proj, "b", png((0, 0, 200)))
    assert len(p.dataset().train) == 7
    assert p.analyze().ok
    assert p.data_summary()["class_counts"] == {"a": 3, "b": 4}
    grid = p.data_samples(4)
    assert grid[0]["image_png"].startswith(b"\x89PNG") and grid[0]["label"] in ("a", "b")
