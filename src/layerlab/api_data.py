"""A project's data as the studio, the server and the CLI use it (they import only the facade).

- `samples`: the pictures of a picture project, one folder per class (layerlab.data.samples:
  add_class, add_sample, class_counts, delete_class, images_dir, ...), and `IMAGE_SIZES`, the
  picture sizes a new picture project offers;
- a prepared dataset's samples as the user knows them (layerlab.data.summary): `dataset_samples`,
  `raw_view`, `mixed_indices`, and `row_text` for a table row;
- the augmentations (layerlab.data.augment): `AUGMENTATIONS` and `preview_dataset`;
- the data sources: `get_source` (one, or a SpecError listing the valid ones) and `data_sources()`;
- safe handling of files from outside (layerlab.data.safefiles): `save_file`, `extract_images`,
  `check_size`, `UploadLimits`, `UploadResult`, `UploadError`, `MB`.

>>> import tempfile
>>> d = tempfile.mkdtemp()
>>> _ = samples.add_class(d, "cat"); samples.class_counts(d), 32 in IMAGE_SIZES
({'cat': 0}, True)
>>> "xor" in [s["name"] for s in data_sources()], get_source("xor").name
(True, 'xor')
"""
from __future__ import annotations

from typing import Any

from .data import samples
from .data.augment import AUGMENTATIONS, preview_dataset
from .data.base import get_source, load_all
from .data.image_project import SIZES as IMAGE_SIZES
from .data.safefiles import MB, UploadError, UploadLimits, UploadResult, check_size, extract_images, save_file
from .data.summary import mixed_indices, raw_view, row_text
from .data.summary import samples as dataset_samples

INTERNAL_SOURCES = ("toy",)  # a source for tests and examples' thumbnails, not offered to users


def data_sources() -> list[dict[str, Any]]:
    """Every data source a user may pick, by name: name, built-in or not, parameters, summaries (en/de)."""
    return [s.describe() for n, s in sorted(load_all().items()) if n not in INTERNAL_SOURCES]


__all__ = ["AUGMENTATIONS", "IMAGE_SIZES", "MB", "UploadError", "UploadLimits", "UploadResult", "check_size",
           "data_sources", "dataset_samples", "extract_images", "get_source", "mixed_indices", "preview_dataset",
           "raw_view", "row_text", "samples", "save_file"]
