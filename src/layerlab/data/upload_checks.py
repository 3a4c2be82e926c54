"""What every file from outside must pass before it is stored: the limits, the refusal, the content checks.

data/safefiles.py (names, paths, single files, archives) and data/unpack.py (project files) build
on these; an `UploadError` is a SpecError carrying the HTTP status the API answers with. Images
are decoded with Pillow (allow-listed formats only, the pixel limit checked from the header before
a pixel is decoded) and never trusted by their extension; tables must be text.

>>> check_size(10, UploadLimits(max_file_bytes=100)) is None
True
>>> verify_table("name,age".encode()) is None
True
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ..i18n import msg
from ..spec.errors import SpecError
from ..spec import env

MB = 1024 * 1024
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")


class UploadError(SpecError):
    """A refused upload; `status` is the HTTP status the API answers with."""

    def __init__(self, message: str, received: Any = None, hint: str = "", status: int = 400):
        super().__init__("upload", message, received, hint)
        self.status = status


@dataclass(frozen=True)
class UploadLimits:
    """What one upload may be; `from_env()` reads LAYERLAB_MAX_* so a teacher can tune a class server."""

    max_file_bytes: int = 200 * MB         # one uploaded file or archive (the studio offers 200 MB ZIPs)
    max_files: int = 10_000                # entries in one archive
    max_project_files: int = 50_000        # files under one project's data/
    max_unpacked_bytes: int = 1024 * MB    # total size of an archive's contents
    max_ratio: float = 100.0               # unpacked/packed size of an archive (and of one entry)
    max_image_pixels: int = 40_000_000     # per image; Pillow's bomb check uses this

    @classmethod
    def from_env(cls) -> "UploadLimits":
        d = cls()
        return cls(max_file_bytes=int(env.number("LAYERLAB_MAX_UPLOAD_MB", d.max_file_bytes / MB) * MB),
                   max_files=int(env.number("LAYERLAB_MAX_UPLOAD_FILES", d.max_files)),
                   max_project_files=int(env.number("LAYERLAB_MAX_PROJECT_FILES", d.max_project_files)),
                   max_unpacked_bytes=int(env.number("LAYERLAB_MAX_UNPACKED_MB", d.max_unpacked_bytes / MB) * MB),
                   max_ratio=env.number("LAYERLAB_MAX_ZIP_RATIO", d.max_ratio),
                   max_image_pixels=int(env.number("LAYERLAB_MAX_IMAGE_PIXELS", d.max_image_pixels)))


def verify_image(data: bytes, limits: UploadLimits | None = None) -> tuple[str, tuple[int, int]]:
    """(format, (width, height)) of an image decoded from data; UploadError if it is not one."""
    limits = limits or UploadLimits.from_env()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as im:
                # The header alone gives the size: refuse giants before decoding a pixel.
                if im.size[0] * im.size[1] > limits.max_image_pixels:
                    raise Image.DecompressionBombError("too many pixels")
                im.verify()  # structure and checksums
            with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as im:
                im.load()  # every pixel: catches truncated files verify() lets through
                return str(im.format), im.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError(msg("the image is too large"), None,
                          msg("use images under {pixels:,} pixels", pixels=limits.max_image_pixels), 413) from None
    except Exception as e:  # Pillow raises many types for broken data; all mean "not an image"
        raise UploadError(msg("the file is not a readable image"), type(e).__name__,
                          msg("upload PNG, JPEG, GIF, BMP or WebP files")) from None


def verify_table(data: bytes) -> None:
    """A text table: UTF-8 (or Latin-1) without NUL bytes, with at least one line."""
    if b"\x00" in data:
        raise UploadError(msg("the file is not a text table (it contains binary data)"), None,
                          msg("upload a .csv file saved as text"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if not text.strip():
        raise UploadError(msg("the table is empty"), None, msg("upload a .csv file with a header line and rows"))


def check_size(n: int, limits: UploadLimits) -> None:
    if n > limits.max_file_bytes:
        raise UploadError(msg("the file is too large"), msg("{mb:.1f} MB", mb=n / MB),
                          msg("upload at most {limit:.0f} MB (a server admin can raise LAYERLAB_MAX_UPLOAD_MB)",
                              limit=limits.max_file_bytes / MB), 413)
