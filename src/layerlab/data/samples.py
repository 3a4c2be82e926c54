"""Images added one at a time (uploaded, captured from the webcam, drawn) into the project's
image folder, data/images/<class>/; the studio calls these.

>>> import tempfile, io
>>> from PIL import Image
>>> d = tempfile.mkdtemp()
>>> _ = add_sample(d, "cat", Image.new("RGB", (20, 20), "red"))
>>> class_counts(d)
{'cat': 1}
"""
from __future__ import annotations

import io
import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from ..i18n import msg
from ..spec.errors import SpecError
from ..store import atomic
from ..store.lesson import check_data_files
from ..store.quota import check_quota
from .cache import clear_cache
from .imagefiles import IMAGE_EXTS, convert, is_ignorable, open_image

IMAGES = Path("data") / "images"
_NAME = re.compile(r"^[^/\\:*?\"<>|\x00-\x1f]{1,64}$")
MAX_SIDE = 1024  # larger captures are shrunk on the way in: the network sees them small anyway


def images_dir(project_dir: str | Path) -> Path:
    """The project's image folder (one subfolder per class)."""
    return Path(project_dir) / IMAGES


def check_class_name(name: str, where: str = "class") -> str:
    """The name when a class folder may have it, else the 4-part error saying which names work."""
    if not isinstance(name, str) or not _NAME.match(name) or name.strip() != name or name in (".", "..") \
            or name.startswith("."):
        raise SpecError(where, msg("is not a usable class name"), name,
                        msg("use 1-64 characters without / \\ : * ? \" < > | and not starting with a dot, e.g. 'cat'"))
    return name


def _class_dir(project_dir: str | Path, name: str, where: str = "class") -> Path:
    return images_dir(project_dir) / check_class_name(name, where)


def _invalidate() -> None:
    clear_cache()


def add_class(project_dir: str | Path, name: str) -> Path:
    """Create an (empty) class folder; an existing one is kept."""
    check_data_files(project_dir)   # a lesson's locked data
    d = _class_dir(project_dir, name)
    d.mkdir(parents=True, exist_ok=True)
    return d


def add_sample(project_dir: str | Path, class_name: str, image: Any) -> Path:
    """Store one image (PNG/JPEG bytes, a data: URL or a PIL image) as PNG in the class's folder; returns its path."""
    check_data_files(project_dir)   # a lesson's locked data
    d = _class_dir(project_dir, class_name)
    img = open_image(image, "image")
    img = convert(img, 3 if img.mode not in ("1", "L", "LA", "I", "I;16") else 1)
    if max(img.size) > MAX_SIDE:
        img.thumbnail((MAX_SIDE, MAX_SIDE))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    check_quota(d, 1, buf.tell(), "sample")  # webcam and drawn pictures count toward the workspace's disk quota
    path = d / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.png"
    atomic.write_bytes(path, buf.getvalue())
    _invalidate()
    return path


def rename_class(project_dir: str | Path, old: str, new: str) -> Path:
    """Rename a class folder (refuses to merge into an existing class)."""
    check_data_files(project_dir)   # a lesson's locked data
    src, dst = _class_dir(project_dir, old, "class"), _class_dir(project_dir, new, "new_name")
    if not src.is_dir():
        raise SpecError("class", msg("is not a class of this project"), old,
                        msg("choose one of: {listing}", listing=", ".join(list_classes(project_dir))))
    if dst.exists():
        raise SpecError("new_name", msg("is already a class"), new,
                        msg("choose another name or delete that class first"))
    src.rename(dst)
    _invalidate()
    return dst


def delete_class(project_dir: str | Path, name: str) -> None:
    """Delete a class folder with its images."""
    check_data_files(project_dir)   # a lesson's locked data
    d = _class_dir(project_dir, name)
    if not d.is_dir():
        raise SpecError("class", msg("is not a class of this project"), name,
                        msg("choose one of: {listing}", listing=", ".join(list_classes(project_dir))))
    shutil.rmtree(d)
    _invalidate()


def delete_sample(project_dir: str | Path, class_name: str, file_name: str) -> None:
    """Delete one image of a class."""
    check_data_files(project_dir)   # a lesson's locked data
    d = _class_dir(project_dir, class_name)
    path = d / Path(file_name).name
    if not path.is_file():
        raise SpecError("sample", msg("is not an image of this class"), file_name,
                        msg("pick one listed by list_samples"))
    path.unlink()
    _invalidate()


def list_classes(project_dir: str | Path) -> list[str]:
    """Class names (folder names), sorted as the data source orders them."""
    root = images_dir(project_dir)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not is_ignorable(p.name))


def list_samples(project_dir: str | Path) -> dict[str, list[str]]:
    """Class name -> sorted image file names."""
    out = {}
    for c in list_classes(project_dir):
        d = images_dir(project_dir) / c
        out[c] = sorted(p.name for p in d.iterdir() if p.suffix.lower() in IMAGE_EXTS and not is_ignorable(p.name))
    return out


def class_counts(project_dir: str | Path) -> dict[str, int]:
    """Class name -> number of images."""
    return {c: len(files) for c, files in list_samples(project_dir).items()}


def sample_path(project_dir: str | Path, class_name: str, file_name: str) -> Path:
    """The file of one sample (for showing it), refusing names that leave the class folder."""
    return _class_dir(project_dir, class_name) / Path(file_name).name


def thumbnail_png(project_dir: str | Path, class_name: str, file_name: str, size: int = 96) -> bytes:
    """A small PNG of one stored sample."""
    img = open_image(sample_path(project_dir, class_name, file_name), "sample")
    img.thumbnail((size, size))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


