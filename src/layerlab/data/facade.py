"""The data part of the facade: methods that `layerlab.api.Project` gains from this package.

>>> import layerlab, tempfile
>>> p = layerlab.new(tempfile.mkdtemp() + "/iris", example="iris")
>>> ds = p.dataset()
>>> len(ds.train) + len(ds.val), p.dataset() is ds
(150, True)
"""
from __future__ import annotations

import json
import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

from .dataset import Dataset

_CACHE: "OrderedDict[tuple, Dataset]" = OrderedDict()
_CACHE_SIZE = 4  # datasets can be large; keep only the few a studio session switches between


def files_stamp(folder: Path | None) -> tuple[int, int, int]:
    """(files, total bytes, newest mtime) under folder: changes when the user's data changes."""
    if folder is None or not folder.exists():
        return (0, 0, 0)
    n = size = 0
    newest = folder.stat().st_mtime_ns
    stack = [folder]
    while stack:
        with os.scandir(stack.pop()) as it:
            for e in it:
                if e.is_dir(follow_symlinks=False):
                    stack.append(Path(e.path))
                    # a renamed or emptied class folder changes its parent's mtime, not its files'
                    newest = max(newest, e.stat(follow_symlinks=False).st_mtime_ns)
                elif e.is_file(follow_symlinks=False):
                    st = e.stat(follow_symlinks=False)
                    n, size, newest = n + 1, size + st.st_size, max(newest, st.st_mtime_ns)
    return (n, size, newest)


def clear_cache() -> None:
    """Forget every cached dataset (e.g. after the user's files changed outside LayerLab)."""
    _CACHE.clear()


class DataFacade:
    """Mixed into layerlab.api.Project; methods here may use self.doc, self.spec, self.dir."""

    def _data_key(self) -> tuple:
        from .base import get_source
        spec = self.spec
        src = get_source(spec.data.source)
        stamp = () if src.builtin else files_stamp(self.dir / "data" if self.dir else None)
        # augmentation and the cached shape fields do not change the prepared data
        section = spec.data.model_dump_json(include={"source", "params", "validation_split", "test_split",
                                                     "seed", "preprocessing"})
        return (str(self.dir), section, spec.task, stamp)

    def dataset(self) -> Dataset:
        """Splits with fitted preprocessing; cached until the data section or the data files change."""
        from .prepare import prepare
        key = self._data_key()
        ds = _CACHE.get(key)
        if ds is None:
            spec = self.spec
            ds = prepare(spec.data, spec.task, self.dir)
            _CACHE[key] = ds
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        _CACHE.move_to_end(key)
        return ds

    def data_summary(self) -> dict[str, Any]:
        """Samples, input shape or features, classes and counts, split sizes (JSON-ready)."""
        from .summary import summarize
        return summarize(self.dataset())

    def preview_png(self, size: int = 256) -> bytes:
        """A picture of the data: an image grid or a scatter plot (PNG bytes)."""
        from .preview import dataset_preview
        return dataset_preview(self.dataset(), size)

    def data_samples(self, n: int = 16, split: str = "train", offset: int = 0) -> list[dict[str, Any]]:
        """Samples as the user knows them (images as PNG bytes, rows as feature dicts) with labels."""
        from .summary import samples
        return samples(self.dataset(), n, split, offset)

    def data_version(self) -> tuple[int, int, int]:
        """A stamp of the project's own data files (files, bytes, newest change): differs after any change."""
        return files_stamp(self.dir / "data" if self.dir else None)

    def follow_data(self) -> list[Any]:
        """Make the output layer fit the data (one unit per class or target value); the notes (Texts) say what changed.

        Changes self.doc only (save it to keep the change); data that cannot be read yet changes nothing.
        """
        from ..spec.errors import SpecError
        from ..spec.follow import follow_doc
        try:
            target = self.target()
        except (SpecError, OSError, ValueError):
            return []
        self.doc, fix = follow_doc(self.doc, target)
        return [fix.description] if fix is not None else []

    def augment_preview(self, index: int = 0, n: int = 8, seed: int = 0) -> list[Any]:
        """n augmented versions of one training sample with the project's augmentation settings."""
        from .augment import preview_dataset
        return preview_dataset(self.dataset(), self.spec.data.augmentation, index, n, seed)
