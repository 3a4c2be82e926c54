"""Safe extraction of a ZIP of images: no entry may escape the folder, no links, no zip bombs.

One implementation serves the whole app: `layerlab.data.safefiles.unpack_images` (fuzzed
with hostile archives in tests/safety). This module keeps the data package's interface and
its larger limits for archives that are already on the user's own disk.
"""
from __future__ import annotations

from pathlib import Path

from ..spec.errors import SpecError
from .safefiles import UploadError, UploadLimits, unpack_images

MAX_TOTAL_BYTES = 2 * 1024 ** 3   # uncompressed
MAX_RATIO = 200                   # uncompressed / compressed for any large entry
MAX_ENTRIES = 500_000


def extract_zip(path: Path, dest: Path, where: str = "data") -> Path:
    """Extract the images of path into dest safely (an existing dest is replaced once complete); returns dest."""
    limits = UploadLimits(max_file_bytes=MAX_TOTAL_BYTES, max_files=MAX_ENTRIES, max_project_files=MAX_ENTRIES,
                          max_unpacked_bytes=MAX_TOTAL_BYTES, max_ratio=MAX_RATIO)
    try:
        unpack_images(Path(path), Path(dest), limits, strip_single_top=True, replace=True)
    except UploadError as e:
        name = Path(path).name
        raise SpecError(where, e.message, f"{name}: {e.received}" if e.received is not None else name,
                        e.hint) from None
    return Path(dest)
