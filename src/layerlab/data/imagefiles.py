"""Decoding the user's images with Pillow: any mode or size becomes (C, size, size) in [0, 1].

Mixed sizes and modes (palette, RGBA, greyscale, 16-bit, CMYK) are converted, not refused;
corrupt or truncated files are named in the error. A picture of another shape is made
square by its fit: squashed (stretched), padded (letterboxed in its border colour) or
centre-cropped; training and prediction use the same fit.

>>> from PIL import Image
>>> to_array(Image.new("RGBA", (50, 20), (255, 0, 0, 255)), 8, 3).shape
(3, 8, 8)
>>> wide = Image.new("L", (40, 20), 0); wide.paste(255, (10, 0, 30, 20))   # a white square on black
>>> (to_array(wide, 4, 1, "pad")[0] > 0.5).astype(int).tolist()           # black bars above and below
[[0, 0, 0, 0], [0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]]
>>> bool((to_array(wide, 4, 1, "crop") > 0.5).all())                        # just the white centre
True
"""
from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from ..i18n import msg
from ..spec import budgets
from ..spec.errors import SpecError

IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
IGNORED_NAMES = ("thumbs.db", "desktop.ini")
ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated file is an error to report, not grey pixels
# Pillow's guard against decompression bombs; open_image sets it to the budget in force and checks
# each picture's header size against that budget before decoding a pixel
Image.MAX_IMAGE_PIXELS = budgets.PROFILES["class"].image_pixels
FITS = ("squash", "pad", "crop")         # how a picture of another shape becomes square


def is_ignorable(name: str) -> bool:
    """Hidden files and the files operating systems drop into folders."""
    return name.startswith(".") or name.lower() in IGNORED_NAMES or name.startswith("__MACOSX")


def convert(img: Image.Image, channels: int) -> Image.Image:
    """Greyscale ('L') or RGB; transparency is put on white, 16-bit scaled to 8-bit."""
    img = ImageOps.exif_transpose(img) or img
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        a = np.asarray(img, np.float64)
        img = Image.fromarray((a / max(a.max(), 1) * 255).astype(np.uint8), "L")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(bg, rgba)
    return img.convert("L" if channels == 1 else "RGB")


def border_colour(img: Image.Image) -> int | tuple[int, ...]:
    """The median colour of a picture's outermost pixels (black for a photo on black, white for a drawing)."""
    w, h = img.size
    edges = [img.crop(box) for box in ((0, 0, w, 1), (0, h - 1, w, h), (0, 0, 1, h), (w - 1, 0, w, h))]
    ring = np.concatenate([np.asarray(e).reshape(-1, len(img.getbands())) for e in edges])  # (pixels, bands)
    colour = tuple(int(v) for v in np.round(np.median(ring, axis=0)))
    return colour[0] if len(colour) == 1 else colour


def fit_to(img: Image.Image, width: int, height: int, fit: str = "squash") -> Image.Image:
    """img resized to width x height: squashed, padded in its border colour, or centre-cropped."""
    if fit == "squash":
        return img.resize((width, height), Image.BILINEAR)
    if fit == "pad":
        return ImageOps.pad(img, (width, height), Image.BILINEAR, color=border_colour(img))
    if fit == "crop":
        return ImageOps.fit(img, (width, height), Image.BILINEAR)
    raise SpecError("data.params.fit", msg("is not one of the allowed values"), fit,
                    msg("use one of: {listing}", listing=", ".join(FITS)))


def to_array(img: Image.Image, size: int, channels: int, fit: str = "squash") -> np.ndarray:
    """(channels, size, size) float32 in [0, 1]."""
    img = fit_to(convert(img, channels), size, size, fit)
    a = np.asarray(img, np.float32) / 255.0
    return a[None] if channels == 1 else a.transpose(2, 0, 1)


def open_image(source: Any, where: str, name: str = "") -> Image.Image:
    """A fully decoded Pillow image from a path, bytes or PIL image; a clear error otherwise."""
    if isinstance(source, Image.Image):
        return source
    if isinstance(source, str) and source.startswith("data:image"):
        source = decode_data_url(source, where)     # what a browser canvas or webcam capture sends
    label = name or (str(source) if isinstance(source, (str, os.PathLike)) else msg("the uploaded image"))
    limit = budgets.limits().image_pixels
    Image.MAX_IMAGE_PIXELS = limit
    try:
        img = Image.open(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
        budgets.check_pixels(*img.size, where)  # the header's size, before decoding
        img.load()
        return img
    except SpecError:  # over the pixel budget: already in four parts
        raise
    except UnidentifiedImageError:
        raise SpecError(where, msg("is not an image Pillow can read (unsupported or corrupt format)"), label,
                        msg("save it as PNG or JPEG, or remove it")) from None
    except (OSError, SyntaxError, ValueError) as e:
        message = msg("is a truncated image file") if "truncated" in str(e).lower() \
            else msg("is a corrupt image file")
        raise SpecError(where, message, label,   # Pillow's own reason stays English
                        msg("re-save or re-export it as PNG or JPEG, or remove it ({error})", error=str(e))) from None
    except Image.DecompressionBombError:  # a frame larger than its header said
        raise SpecError(where, msg("is too large an image (more than {mp:.0f} megapixels)", mp=limit / 1e6), label,
                        msg("shrink it before adding it")) from None


def header_pixels(stream: Any) -> int:
    """Width x height from an image's header (only the first bytes are read); 0 when it is no image."""
    try:
        with Image.open(stream) as img:
            return img.size[0] * img.size[1]
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError, Image.DecompressionBombError):
        return 0


def check_zip_pixels(zf: Any, infos: list[Any], where: str) -> int:
    """Refuse a ZIP whose pictures have more pixels together than the upload budget, from their headers
    alone, before any is decoded; returns the total."""
    total = 0
    for info in infos:
        if Path(info.filename).suffix.lower() in IMAGE_EXTS:
            with zf.open(info) as f:
                total += header_pixels(f)
            budgets.check_upload_pixels(total, where)
    return total


def decode_data_url(url: str, where: str) -> bytes:
    """The bytes of a 'data:image/png;base64,...' URL."""
    import base64
    import binascii
    head, _, body = url.partition(",")
    try:
        return base64.b64decode(body, validate=True) if head.endswith(";base64") else body.encode("latin-1")
    except (binascii.Error, ValueError):
        raise SpecError(where, msg("is not a valid base64 data URL"), url[:40] + "...",
                        msg("send the canvas as canvas.toDataURL('image/png')")) from None


def load_file(path: Path, size: int, channels: int, where: str, shown: str, fit: str = "squash") -> np.ndarray:
    """One image file as (channels, size, size)."""
    return to_array(open_image(path, where, shown), size, channels, fit)


def probe(paths: list[Path], limit: int = 64) -> dict[str, Any]:
    """Size and colour of a few images (header only): the most common size and whether any has colour."""
    sizes, colour = [], False
    for p in paths[:limit]:
        try:
            with Image.open(p) as img:
                sizes.append(img.size)
                colour = colour or img.mode not in ("1", "L", "LA", "I", "I;16", "F")
                if img.mode == "P":
                    pal = np.asarray(img.convert("RGB")).reshape(-1, 3)
                    colour = colour or bool(np.abs(pal[:, 0:1] - pal[:, 1:]).max() > 8)
        except (OSError, UnidentifiedImageError, SyntaxError):
            continue
    return {"sizes": sizes, "colour": colour}


def relative_name(path: Path, root: Path) -> str:
    """A file's name relative to the project folder for messages (the full path outside it)."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def decode_all(files: list[Path], size: int, channels: int, root: Path, fit: str = "squash",
               where: str = "data.params.path") -> np.ndarray:
    """(N, C, size, size) float32; decoding runs in a few threads (Pillow releases the GIL)."""
    out = np.empty((len(files), channels, size, size), np.float32)

    def one(i: int) -> None:
        out[i] = load_file(files[i], size, channels, where, relative_name(files[i], root), fit)

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        list(pool.map(one, range(len(files))))
    return out
