"""The Data service of a project: its prepared dataset, summaries and previews (`layerlab.api.Project`
delegates to it; the project hands it a `ProjectContext` per call).

>>> import layerlab, tempfile
>>> p = layerlab.new(tempfile.mkdtemp() + "/iris", example="iris")
>>> ds = p.dataset()
>>> len(ds.train) + len(ds.val), p.dataset() is ds
(150, True)
"""
from __future__ import annotations

from typing import Any, Callable, Protocol

from ..spec.check import Target
from ..spec.context import ProjectContext
from ..spec.errors import SpecError
from ..spec.follow import follow_doc
from . import augment
from .base import get_source
from .cache import DATASETS, KEEP_DATASETS, clear_cache, files_stamp  # noqa: F401 (old home)
from .dataset import Dataset
from .prepare import prepare
from .summary import dataset_preview, samples, summarize

class Targets(Protocol):
    """What the Data service needs from the project's model: the target its data defines."""

    def target(self) -> Target: ...


class Data:
    """The project's data: `context()` gives the current revision, `model.target()` what the data defines."""

    def __init__(self, context: Callable[[], ProjectContext], model: Targets,
                 set_doc: Callable[[dict[str, Any]], None]):
        self._context = context
        self._model = model
        self._set_doc = set_doc  # follow_data changes the project's document (not saved)

    def data_key(self) -> tuple:
        """What the prepared dataset depends on: folder, data section, task and the data files' stamp."""
        ctx = self._context()
        spec = ctx.spec
        src = get_source(spec.data.source)
        # a source that reads files elsewhere names their folder (a class dataset: the class's pool)
        elsewhere = getattr(src, "files_folder", None)
        files = elsewhere(src.resolve(spec.data.params), ctx.folder) if elsewhere else \
            ctx.folder / "data" if ctx.folder else None
        stamp = () if src.builtin else files_stamp(files)
        # augmentation and the cached shape fields do not change the prepared data
        section = spec.data.model_dump_json(include={"source", "params", "validation_split", "test_split",
                                                     "seed", "preprocessing"})
        return (str(ctx.folder), section, spec.task, stamp)

    def dataset(self) -> Dataset:
        """Splits with fitted preprocessing; cached until the data section or the data files change."""
        key = self.data_key()
        ds = DATASETS.get(key)
        if ds is None:
            ctx = self._context()
            ds = prepare(ctx.spec.data, ctx.spec.task, ctx.folder)
            DATASETS[key] = ds
            while len(DATASETS) > KEEP_DATASETS:
                DATASETS.popitem(last=False)
        DATASETS.move_to_end(key)
        return ds

    def data_summary(self) -> dict[str, Any]:
        """Samples, input shape or features, classes and counts, split sizes (JSON-ready)."""
        return summarize(self.dataset())

    def preview_png(self, size: int = 256) -> bytes:
        """A picture of the data: an image grid or a scatter plot (PNG bytes)."""
        return dataset_preview(self.dataset(), size)

    def data_samples(self, n: int = 16, split: str = "train", offset: int = 0) -> list[dict[str, Any]]:
        """Samples as the user knows them (images as PNG bytes, rows as feature dicts) with labels."""
        return samples(self.dataset(), n, split, offset)

    def data_version(self) -> tuple[int, int, int]:
        """A stamp of the project's own data files (files, bytes, newest change): differs after any change."""
        folder = self._context().folder
        return files_stamp(folder / "data" if folder else None)

    def follow_data(self) -> list[Any]:
        """Make the output layer fit the data (one unit per class or target value); the notes (Texts) say what changed.

        Changes the project's document only (save it to keep the change); data that cannot be read yet
        changes nothing.
        """
        try:
            target = self._model.target()
        except (SpecError, OSError, ValueError):
            return []
        doc, fix = follow_doc(self._context().doc, target)
        self._set_doc(doc)
        return [fix.description] if fix is not None else []

    def augment_preview(self, index: int = 0, n: int = 8, seed: int = 0) -> list[Any]:
        """n augmented versions of one training sample with the project's augmentation settings."""
        return augment.preview_dataset(self.dataset(), self._context().spec.data.augmentation, index, n, seed)
