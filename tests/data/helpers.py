"""Small image fixtures generated on the fly (no binary files in git)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

COLOURS = {"red": (220, 30, 30), "blue": (30, 30, 220), "green": (30, 200, 30)}


def png(colour=(200, 0, 0), size=(12, 10), mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).convert(mode).save(buf, format="PNG")
    return buf.getvalue()


def image_folder(base: Path, per_class: int = 4, classes=("red", "blue"), mixed: bool = False) -> Path:
    """base/<class>/<i>.png; with mixed, sizes and modes (L, RGBA, P, JPEG) vary."""
    for c in classes:
        d = base / c
        d.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            img = Image.new("RGB", (10 + 3 * i, 8 + 5 * i) if mixed else (12, 12), COLOURS[c])
            if mixed and i % 4 == 1:
                img.convert("L").save(d / f"{i}.png")
            elif mixed and i % 4 == 2:
                img.convert("RGBA").save(d / f"{i}.png")
            elif mixed and i % 4 == 3:
                img.convert("P").save(d / f"{i}.gif")
            elif mixed:
                img.save(d / f"{i}.jpg", quality=95)
            else:
                img.save(d / f"{i}.png")
    return base


def zip_of(folder: Path, out: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(out, "w") as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                z.write(f, prefix + str(f.relative_to(folder)))
    return out
