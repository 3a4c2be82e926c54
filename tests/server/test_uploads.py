"""Uploads: limits, decoding instead of trusting extensions, hostile ZIPs, safe names, and
nothing written outside the project."""
from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from layerlab.data import safefiles as uploads
from layerlab.data.safefiles import UploadError, UploadLimits


def png(size=(8, 8), color=(255, 0, 0)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def zip_of(entries: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture
def project(tmp_path) -> Path:
    p = tmp_path / "ws" / "proj"
    (p / "data").mkdir(parents=True)
    return p


def files_outside(root: Path, project: Path) -> list[Path]:
    return [f for f in root.rglob("*") if f.is_file() and not f.resolve().is_relative_to(project.resolve())]


def test_a_good_image_is_stored_under_data(project):
    path = uploads.save_file(project, "cat.png", png())
    assert path == (project / "data" / "uploads" / "cat.png").resolve()
    assert path.read_bytes() == png()


@pytest.mark.parametrize("name,expected", [
    ("../../evil.png", "evil.png"), ("/etc/passwd.png", "passwd.png"), ("..\\..\\win.png", "win.png"),
    ("ＣＡＴ  photo!.PNG", "CAT-photo.png"), (".hidden.png", "hidden.png"), ("con.png", "file-con.png"),
    ("a\x00b.png", "a-b.png"), ("..", "file"), ("", "file"), ("x" * 300 + ".png", "x" * 90 + ".png")])
def test_names_are_sanitised(name, expected):
    assert uploads.sanitize_name(name) == expected


def test_image_content_is_decoded_not_trusted_by_extension(project):
    with pytest.raises(UploadError, match="not a readable image"):
        uploads.save_file(project, "fake.png", b"#!/bin/sh\nrm -rf /\n")
    truncated = png((64, 64))[:-40]
    with pytest.raises(UploadError, match="not a readable image"):
        uploads.save_file(project, "cut.png", truncated)
    assert not (project / "data" / "uploads").exists() or not any((project / "data" / "uploads").iterdir())


def test_a_real_image_without_extension_gets_one(project):
    assert uploads.save_file(project, "blob", png()).name == "blob.png"


def test_unknown_kinds_and_binary_tables_are_refused(project):
    with pytest.raises(UploadError) as e:
        uploads.save_file(project, "run.exe", b"MZ\x90")
    assert e.value.status == 415 and ".csv" in e.value.hint
    with pytest.raises(UploadError, match="binary"):
        uploads.save_file(project, "t.csv", b"a,b\n\x00\x01")
    assert uploads.save_file(project, "t.csv", b"a,b\n1,2\n").read_text() == "a,b\n1,2\n"


def test_size_limit_with_a_clear_message(project, monkeypatch):
    monkeypatch.setenv("LAYERLAB_MAX_UPLOAD_MB", "0.001")
    with pytest.raises(UploadError) as e:
        uploads.save_file(project, "big.png", png((200, 200), (1, 2, 3)) + b"\x00" * 2000)
    assert e.value.status == 413 and "too large" in e.value.message and "LAYERLAB_MAX_UPLOAD_MB" in e.value.hint


def test_pixel_bomb_is_refused_before_decoding(project):
    limits = UploadLimits(max_image_pixels=100)
    with pytest.raises(UploadError, match="too large"):
        uploads.verify_image(png((20, 20)), limits)


def test_project_file_count_limit(project):
    limits = UploadLimits(max_project_files=2)
    uploads.save_file(project, "a.png", png(), limits=limits)
    uploads.save_file(project, "b.png", png(), limits=limits)
    with pytest.raises(UploadError, match="too many files"):
        uploads.save_file(project, "c.png", png(), limits=limits)


def test_zip_of_class_folders_is_extracted_with_non_images_skipped(project):
    data = zip_of({"cats/a.png": png(), "cats/b.png": png(), "dogs/c.png": png(color=(0, 0, 255)),
                   "README.txt": b"hi", "__MACOSX/._a.png": b"junk", "dogs/broken.png": b"nope"})
    r = uploads.extract_images(project, data, "pets.zip")
    assert r.folder == "data/pets"
    assert sorted(r.saved) == ["data/pets/cats/a.png", "data/pets/cats/b.png", "data/pets/dogs/c.png"]
    reasons = {s["name"]: s["reason"] for s in r.skipped}
    assert reasons["README.txt"] == "not an image file" and "readable" in reasons["dogs/broken.png"]
    assert (project / "data" / "pets" / "dogs" / "c.png").read_bytes() == png(color=(0, 0, 255))
    again = uploads.extract_images(project, data, "pets.zip")
    assert again.folder == "data/pets-2"  # never overwrites an earlier upload


@pytest.mark.parametrize("name", ["../evil.png", "../../../../tmp/evil.png", "/abs/evil.png", "C:/win/evil.png",
                                  "a/../../evil.png", "..\\..\\evil.png", "C:\\evil.png"])
def test_zip_slip_is_refused_and_nothing_is_written(project, tmp_path, name):
    data = zip_of({"ok/a.png": png(), name: png()})
    with pytest.raises(UploadError, match="zip-slip"):
        uploads.extract_images(project, data)
    assert files_outside(tmp_path, project) == []
    assert [p.name for p in (project / "data").iterdir()] == []  # no half-extracted folder either


def test_symlink_entries_are_refused(project, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("ok/a.png", png())
        link = zipfile.ZipInfo("ok/link.png")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    with pytest.raises(UploadError, match="symbolic link"):
        uploads.extract_images(project, buf.getvalue())
    assert list((project / "data").iterdir()) == []


def test_symlink_planted_in_the_project_is_not_followed(project, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, project / "data" / "uploads")
    with pytest.raises(UploadError):
        uploads.save_file(project, "a.png", png())
    assert list(outside.iterdir()) == []


def test_zip_bomb_by_ratio_and_by_total_size(project):
    bomb = zip_of({"x/a.png": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(UploadError, match="zip bomb") as e:
        uploads.extract_images(project, bomb)
    assert e.value.status == 413
    stored = zip_of({f"x/{i}.png": png() for i in range(5)}, zipfile.ZIP_STORED)
    with pytest.raises(UploadError, match="unpacks to too much"):
        uploads.extract_images(project, stored, limits=UploadLimits(max_unpacked_bytes=len(png()) * 4))
    with pytest.raises(UploadError, match="too many files"):
        uploads.extract_images(project, stored, limits=UploadLimits(max_files=4))


def test_entry_lying_about_its_size_is_caught_while_reading(project):
    data = bytearray(zip_of({"x/a.png": png((32, 32))}, zipfile.ZIP_STORED))
    # Patch the central directory's uncompressed size to claim 10 bytes.
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (10).to_bytes(4, "little")
    with pytest.raises(UploadError):
        uploads.extract_images(project, bytes(data))
    assert list((project / "data").iterdir()) == []


@pytest.mark.parametrize("blob", [b"", b"PK\x03\x04garbage", b"not a zip at all", zip_of({"a.png": png()})[:50]])
def test_broken_archives_give_a_clear_error(project, blob):
    with pytest.raises(UploadError):
        uploads.extract_images(project, blob)


def test_encrypted_entries_are_refused(project):
    data = bytearray(zip_of({"x/a.png": png()}))
    data[6] |= 1  # local header flag
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 8] |= 1  # central directory flag
    with pytest.raises(UploadError, match="encrypted"):
        uploads.extract_images(project, bytes(data))


def test_archive_without_images_is_refused(project):
    with pytest.raises(UploadError, match="no readable images"):
        uploads.extract_images(project, zip_of({"a.txt": b"x", "b/c.csv": b"1"}))
    assert list((project / "data").iterdir()) == []
