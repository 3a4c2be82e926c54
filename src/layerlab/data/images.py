"""The user's images: a folder with one subfolder per class (or a ZIP of one) in the project.

Every image is converted to the project's channels and size (squashed, padded or cropped to
a square by `fit`); small sets are decoded into memory (in parallel), large ones stream from
disk (see streaming.py).

>>> # project/data/images/cat/1.png, project/data/images/dog/7.jpg, ...
>>> from layerlab.data import get_source
>>> get_source("images").params[0].name
'path'
"""
from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import msg
from ..spec.errors import SpecError
from ..spec.params import Param
from .archive import extract_zip
from .base import DataInfo, DataSource, RawData, SourceCase, register
from .cache import files_stamp
from .files import inside, need_root
from .imagefiles import FITS, IMAGE_EXTS, decode_all, is_ignorable, relative_name

IMAGES_DIR = "data/images"
STREAM_ABOVE_BYTES = 256 * 1024 ** 2   # decoded float32 size above which 'auto' streams
WHERE = "data.params.path"


@dataclass
class ImageIndex:
    """The files of an image folder and their class indices (what a streaming split reads)."""

    folder: Path
    files: list[Path]
    labels: np.ndarray
    classes: list[str]
    info: DataInfo


def _unzipped(root: Path, zip_path: Path) -> Path:
    """The extracted copy of a ZIP inside the project (extracted once per ZIP version)."""
    st = zip_path.stat()
    tag = hashlib.sha1(f"{zip_path.name}:{st.st_mtime_ns}:{st.st_size}".encode()).hexdigest()[:10]
    dest = root / "data" / ".unzipped" / f"{zip_path.stem}-{tag}"
    if not dest.exists():
        extract_zip(zip_path, dest, WHERE)
    return dest


def image_folder(p: dict[str, Any], root: Path | None) -> tuple[Path, Path]:
    """(folder of class subfolders, project root) for the source's parameters."""
    root = need_root(root, WHERE)
    path = inside(root, p["path"] or IMAGES_DIR, WHERE)
    if path.suffix.lower() == ".zip" and path.is_file():
        return _unzipped(root, path), root
    if not path.is_dir():
        raise SpecError(WHERE, msg("is not a folder of images"), p["path"] or IMAGES_DIR,
                        msg("create one subfolder per class in it (e.g. data/images/cat, data/images/dog) "
                            "and put the images there, or add classes in the studio"))
    return path, root


@functools.lru_cache(maxsize=8)
def _scan(folder: str, stamp: tuple, root: str, allow_empty: bool = False) \
        -> tuple[tuple[str, ...], tuple[tuple[str, int], ...]]:
    base, proj = Path(folder), Path(root)
    classes, files = [], []
    loose = []
    for entry in sorted(os.scandir(base), key=lambda e: e.name):
        if is_ignorable(entry.name):
            continue
        if entry.is_file() and entry.name.lower().endswith(IMAGE_EXTS):
            loose.append(entry.name)
        if not entry.is_dir():
            continue
        k = len(classes)
        members = []
        for f in sorted(os.scandir(entry.path), key=lambda e: e.name):
            if is_ignorable(f.name) or f.is_dir():
                continue
            if not f.name.lower().endswith(IMAGE_EXTS):
                raise SpecError(WHERE, msg("holds a file that is not a supported image format"),
                                relative_name(Path(f.path), proj),
                                msg("convert it to PNG or JPEG ({exts}) or remove it", exts=", ".join(IMAGE_EXTS)))
            members.append((f.path, k))
        if not members and not allow_empty:
            raise SpecError(WHERE, msg("has a class with no images: {name!r}", name=entry.name),
                            relative_name(Path(entry.path), proj),
                            msg("add images to {name}/ or delete that class", name=entry.name))
        classes.append(entry.name)
        files.extend(members)
    if not classes:
        message = msg("has no class folders (the images lie loose in it)") if loose else msg("has no class folders")
        raise SpecError(WHERE, message, relative_name(base, proj),
                        msg("put the images into one subfolder per class, e.g. cat/1.png, dog/1.png"))
    if len(classes) < 2:
        raise SpecError(WHERE, msg("has only one class, so there is nothing to tell apart"), classes[0],
                        msg("add a second class folder with images"))
    return tuple(classes), tuple(files)


def scan(folder: Path, root: Path, allow_empty: bool = False) -> tuple[list[str], list[Path], np.ndarray]:
    """Classes, files and labels of an image folder (cached until its files change).

    allow_empty keeps a class that has no pictures yet (the shapes and the output layer can follow
    the classes the user named); training reads with allow_empty=False, which refuses it."""
    classes, files = _scan(str(folder), files_stamp(folder), str(root), allow_empty)
    return list(classes), [Path(f) for f, _ in files], np.array([k for _, k in files], np.int64)


@functools.lru_cache(maxsize=2)
def _decoded(key: str, stamp: tuple, size: int, channels: int, fit: str, root: str) -> np.ndarray:
    folder = Path(key)
    _, files, _ = scan(folder, Path(root))
    x = decode_all(files, size, channels, Path(root), fit)
    x.setflags(write=False)
    return x


def _pictures(folder: str, per_class: int = 3) -> dict[str, np.ndarray]:
    """Small one-colour pictures (9 x 6 pixels), red and blue ones, for the conformance cases."""
    return {f"{folder}/{name}/{i}.png": np.full((6, 9, 3), (rgb[0], rgb[1] + 20 * i, rgb[2]), np.uint8)
            for name, rgb in (("red", (220, 30, 30)), ("blue", (30, 30, 220))) for i in range(per_class)}


@register
class Images(DataSource):
    name = "images"
    builtin = False
    summary = "Your own images: one folder per class (or a ZIP of them), uploaded, captured or drawn."
    params = (
        Param("path", "str", "", "Folder (or ZIP) inside the project with one subfolder per class "
              "(empty: data/images)."),
        Param("size", "int", 32, "Images are resized to size x size pixels.", min=8, max=512, suggested=(28, 32, 64, 96)),
        Param("channels", "choice", 3, "1 = greyscale, 3 = colour (every image is converted).", choices=(1, 3)),
        Param("fit", "choice", "squash", "How pictures that are not square become size x size: squash "
              "(stretch them), pad (keep the aspect ratio, fill the rest with the picture's border colour) "
              "or crop (keep the aspect ratio, cut out the centre).", choices=FITS),
        Param("streaming", "choice", "auto", "Keep all images in memory, stream them from disk, or decide "
              "by size (auto).", choices=("auto", "memory", "stream"), expert=True),
    )
    cases = (SourceCase({"size": 8, "channels": 3}, _pictures(IMAGES_DIR)),
             SourceCase({"path": "pics", "size": 8, "channels": 1, "fit": "pad"}, _pictures("pics", 2)),
             SourceCase({"size": 8}, error="is not a folder of images"))

    def _info(self, p: dict[str, Any], classes: list[str], n: int) -> DataInfo:
        c, s = p["channels"], p["size"]
        return DataInfo("image", (c, s, s), "classification", classes, 1, n,
                        extra={"channels": c, "value_range": [0.0, 1.0],
                               "image": {"size": s, "channels": c, "fit": p["fit"]}})

    def info(self, p: dict[str, Any], root: Path | None) -> DataInfo:
        folder, root = image_folder(p, root)
        classes, files, labels = scan(folder, root, allow_empty=True)
        info = self._info(p, classes, len(files))
        empty = [c for k, c in enumerate(classes) if not (labels == k).any()]
        if empty:  # a gentle hint until training, which refuses them
            info.extra["empty_classes"] = empty
        return info

    def stream_plan(self, p: dict[str, Any], root: Path | None) -> ImageIndex | None:
        """An index of files instead of arrays when the decoded set would be large."""
        folder, root = image_folder(p, root)
        classes, files, labels = scan(folder, root)
        decoded = len(files) * p["channels"] * p["size"] ** 2 * 4
        if p["streaming"] == "stream" or (p["streaming"] == "auto" and decoded > STREAM_ABOVE_BYTES):
            return ImageIndex(folder, files, labels, classes, self._info(p, classes, len(files)))
        return None

    def load(self, p: dict[str, Any], root: Path | None, seed: int) -> RawData:
        folder, root = image_folder(p, root)
        classes, files, labels = scan(folder, root)
        x = _decoded(str(folder), files_stamp(folder), p["size"], p["channels"], p["fit"], str(root))
        return RawData(x, labels, self._info(p, classes, len(files)))
