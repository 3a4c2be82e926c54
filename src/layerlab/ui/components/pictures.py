"""Pictures that arrive from the browser (data URLs, uploads): decode and validate them.

Uploads and captures are decoded by Pillow before anything is stored, so a file that only
claims to be an image is rejected with a message that says what to do.

>>> url = to_data_url(__import__("PIL.Image").Image.new("L", (4, 4)))
>>> decode_data_url(url).size
(4, 4)
"""
from __future__ import annotations

import base64
import binascii
import io

from PIL import Image, UnidentifiedImageError

from ..i18n import t


MAX_PIXELS = 4096 * 4096  # a camera frame or photo; more is a mistake or an attack


class PictureError(ValueError):
    """A picture could not be read; the message says why and how to fix it."""


def decode_image(data: bytes, name: str | None = None, lang: str | None = None) -> Image.Image:
    """Decode bytes into a loaded PIL image, or raise PictureError (in the user's language)."""
    name = name or t("pic.the_file", lang)
    if not data:
        raise PictureError(t("pic.empty", lang, name=name))
    try:
        img = Image.open(io.BytesIO(data))
        if img.width * img.height > MAX_PIXELS:
            raise PictureError(t("pic.large", lang, name=name, w=img.width, h=img.height))
        img.load()
    except PictureError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PictureError(t("pic.unreadable", lang, name=name, error=exc.__class__.__name__)) from None
    return img


def decode_data_url(url: str, lang: str | None = None) -> Image.Image:
    """Decode a 'data:image/...;base64,...' URL (canvas or webcam) into a PIL image."""
    if not isinstance(url, str) or not url.startswith("data:image/") or ";base64," not in url:
        raise PictureError(t("pic.none", lang))
    try:
        raw = base64.b64decode(url.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise PictureError(t("pic.damaged", lang)) from None
    return decode_image(raw, t("pic.the_capture", lang), lang)


def fit_ink(img: Image.Image, margin: float = 0.12) -> Image.Image:
    """Crop a drawing to its strokes, centred in a square with a margin (paper is the corner colour).

    Digit datasets fill their frame; a digit drawn small in a corner of the canvas would
    otherwise shrink to a few pixels when the model's input is 8×8 or 28×28.

    >>> im = Image.new("L", (100, 100), 0); im.paste(255, (10, 10, 30, 50))
    >>> fit_ink(im).size
    (51, 51)
    """
    grey = img.convert("L")
    paper = grey.getpixel((0, 0))
    mask = grey.point(lambda v: 255 if abs(v - paper) > 40 else 0)
    box = mask.getbbox()
    if box is None:
        return img  # nothing drawn
    x0, y0, x1, y1 = box
    side = max(x1 - x0, y1 - y0)
    side = int(round(side * (1 + 2 * margin))) + 1
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left, top = int(round(cx - side / 2)), int(round(cy - side / 2))
    out = Image.new(img.mode, (side, side), img.getpixel((0, 0)))
    out.paste(img.crop((max(left, 0), max(top, 0), min(left + side, img.width), min(top + side, img.height))),
              (max(-left, 0), max(-top, 0)))
    return out


def to_png(img: Image.Image) -> bytes:
    """PNG bytes of a picture."""
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def to_data_url(img: Image.Image) -> str:
    """A PNG data URL the browser can show without a request."""
    return "data:image/png;base64," + base64.b64encode(to_png(img)).decode("ascii")
