"""The class dataset as a project's data: the pictures the whole class pooled (store/class_dataset.py).

A pupil's project names the dataset by id; at training time (also in the worker process that
trains) the source walks up from the project's folder to the class folder and reads the pool as
an image folder, so pictures added since the last run count in the next one.

    {"source": "class_dataset", "params": {"dataset": "d1a2b3c4", "size": 32, "channels": 3}}

`sample_png` turns what a pupil hands in (an upload, a camera frame, a drawing) into the PNG the
pool keeps: checked by data/safefiles.py first, decoded, shrunk to at most 256 px.

>>> from layerlab.data import get_source
>>> get_source("class_dataset").params[0].name
'dataset'
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..i18n import msg
from ..spec.errors import SpecError
from ..spec.params import Param
from ..store.class_dataset import DATASETS, ClassDatasets, class_root
from .base import DataInfo, RawData, SourceCase, register
from .cache import files_stamp
from .files import need_root
from .imagefiles import convert, open_image
from .images import Images, ImageIndex, _decoded, scan
from .safefiles import verify_image

WHERE = "data.params.dataset"
POOL_SIDE = 256   # pooled pictures are kept this large at most: models see 28-96 px; 30 pupils x 300 stay under 2 GB


def pool_folder(p: dict[str, Any], root: Path | None) -> Path:
    """The pooled pictures' folder of the dataset p names, seen from the project folder root."""
    root = need_root(root, WHERE)
    home = class_root(root)
    if home is None:
        raise SpecError(WHERE, msg("needs the project to be in a class (a class dataset is read from the class "
                                   "server's folder)"), p.get("dataset"),
                        msg("train this project on the class server, or give it its own pictures (source 'images')"))
    return ClassDatasets(home).images_dir(p.get("dataset"))


def sample_png(image: Any) -> bytes:
    """One picture (PNG/JPEG/... bytes, a data: URL or a PIL image) as the PNG a class dataset keeps."""
    if isinstance(image, str) and image.startswith("data:image"):
        image = open_image(image, "picture")
    if isinstance(image, (bytes, bytearray)):
        verify_image(bytes(image))   # a file that only claims to be a picture stops here
        image = open_image(bytes(image), "picture")
    if not isinstance(image, Image.Image):
        raise SpecError("picture", msg("is not a picture"), type(image).__name__,
                        msg("send a PNG or JPEG file, or a canvas as a data: URL"))
    img = convert(image, 3 if image.mode not in ("1", "L", "LA", "I", "I;16") else 1)
    if max(img.size) > POOL_SIDE:
        img.thumbnail((POOL_SIDE, POOL_SIDE))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


_CASE_ID = "d0c1a55e5"


def _case_files() -> dict[str, Any]:
    """A class folder for the conformance cases: class.json, a pupil's folder, a pool of two classes."""
    meta = {"id": _CASE_ID, "title": "Fruit", "classes": ["apple", "banana"], "open": True, "created": 0.0}
    pool = f"{DATASETS}/{_CASE_ID}"
    files: dict[str, Any] = {"class.json": "{}", "pupils/p1/.keep": "", f"{pool}/dataset.json": json.dumps(meta)}
    for k, (name, rgb) in enumerate((("apple", (220, 30, 30)), ("banana", (230, 220, 40)))):
        for i in range(3):
            files[f"{pool}/images/{name}/{k}{i:015x}.png"] = np.full((6, 9, 3), (rgb[0], rgb[1] + 9 * i, rgb[2]),
                                                                      np.uint8)
    return files


@register
class ClassDataset(Images):
    name = "class_dataset"
    builtin = False
    summary = "The pictures the whole class collects together (a class dataset shared by the teacher)."
    params = (
        Param("dataset", "str", "", "The class dataset's id (the teacher page lists them)."),
        *(p for p in Images.params if p.name != "path"),
    )

    cases = (SourceCase({"dataset": _CASE_ID, "size": 8}, _case_files(), project="pupils/p1/fruit"),
             SourceCase({"dataset": _CASE_ID, "size": 8, "channels": 1}, _case_files(), project="teacher/fruit"),
             SourceCase({"dataset": "dffffffff", "size": 8}, _case_files(), project="pupils/p1/fruit",
                        error="is not a class dataset of this class"),
             SourceCase({"dataset": _CASE_ID, "size": 8}, _case_files(), project="elsewhere/fruit",
                        error="needs the project to be in a class"))

    def files_folder(self, p: dict[str, Any], root: Path | None) -> Path | None:
        """The pool, whose files' stamp tells the prepared-data cache that pictures were added or withdrawn."""
        try:
            return pool_folder(p, root)
        except SpecError:
            return None   # load() says what is wrong

    def info(self, p: dict[str, Any], root: Path | None) -> DataInfo:
        folder = pool_folder(p, root)
        classes, files, labels = scan(folder, folder, allow_empty=True)
        info = self._info(p, classes, len(files))
        empty = [c for k, c in enumerate(classes) if not (labels == k).any()]
        if empty:
            info.extra["empty_classes"] = empty
        return info

    def stream_plan(self, p: dict[str, Any], root: Path | None) -> ImageIndex | None:
        folder = pool_folder(p, root)
        classes, files, labels = scan(folder, folder)
        if p["streaming"] == "stream":
            return ImageIndex(folder, files, labels, classes, self._info(p, classes, len(files)))
        return None

    def load(self, p: dict[str, Any], root: Path | None, seed: int) -> RawData:
        folder = pool_folder(p, root)
        classes, files, labels = scan(folder, folder)
        x = _decoded(str(folder), files_stamp(folder), p["size"], p["channels"], p["fit"], str(folder))
        return RawData(x, labels, self._info(p, classes, len(files)))


__all__ = ["ClassDataset", "pool_folder", "sample_png"]
