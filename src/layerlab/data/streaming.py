"""Large image folders stream from disk: the same len()/batches() as an in-memory Split, with
torch DataLoader workers decoding in the background and a bounded cache of decoded images.

Workers are persistent (one pool per split, kept across epochs); each keeps up to
`cache_mb / workers` of decoded uint8 images, so memory stays bounded however large the
folder is. Normalisation is fitted on a seeded sample of training images.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset as TorchDataset, Sampler

from ..i18n import msg
from ..spec.errors import Fix, SpecError
from ..spec import env
from .dataset import Dataset
from .imagefiles import decode_all, load_file
from .preprocess import Preprocessor, with_preprocessor
from .split import class_counts, split_indices

FIT_SAMPLE = 1000        # training images used to fit the per-channel normalisation
CACHE_MB = 256


def default_workers() -> int:
    """Background decoders: LAYERLAB_DATA_WORKERS, else up to 2 (leave cores for training)."""
    return int(env.number("LAYERLAB_DATA_WORKERS", min(2, max(0, (os.cpu_count() or 1) - 1))))


class _Files(TorchDataset):
    """Decodes one file per item; each worker keeps its own bounded LRU of uint8 images."""

    def __init__(self, files: list[str], labels: np.ndarray, size: int, channels: int,
                 mean: np.ndarray | None, scale: np.ndarray | None, cache_bytes: int, root: str,
                 fit: str = "squash"):
        self.files, self.labels = files, labels
        self.size, self.channels, self.root, self.fit = size, channels, root, fit
        self.mean, self.scale = mean, scale
        self.cache_items = max(0, cache_bytes // (channels * size * size))
        self.cache: OrderedDict[int, np.ndarray] = OrderedDict()

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        u8 = self.cache.get(i)
        if u8 is None:
            f = Path(self.files[i])
            shown = os.path.relpath(f, self.root) if self.root else str(f)
            x = load_file(f, self.size, self.channels, "data.params.path", shown, self.fit)
            u8 = (x * 255 + 0.5).astype(np.uint8)                # (C, H, W), a quarter of float32
            if self.cache_items:
                self.cache[i] = u8
                if len(self.cache) > self.cache_items:
                    self.cache.popitem(last=False)
        else:
            self.cache.move_to_end(i)
        x = u8.astype(np.float32) / 255.0
        if self.mean is not None:
            x = (x - self.mean) / self.scale
        return torch.from_numpy(x), torch.tensor(self.labels[i])


class _Order(Sampler):
    """Batches of positions in an order set before each pass (the loader's workers persist)."""

    def __init__(self, n: int):
        self.order = np.arange(n)
        self.batch_size = 32

    def __iter__(self) -> Iterator[list[int]]:
        for i in range(0, len(self.order), self.batch_size):
            yield self.order[i:i + self.batch_size].tolist()

    def __len__(self) -> int:
        return -(-len(self.order) // self.batch_size)


class LazyImages:
    """`split.x` of a streaming split: indexing decodes just those samples (preprocessed tensors).

    Lets code written for in-memory splits (x[:64], x[i], len(x), x.shape) work unchanged
    without loading the whole folder.
    """

    dtype = torch.float32

    def __init__(self, split: "StreamingSplit"):
        self.split = split

    def __len__(self) -> int:
        return len(self.split)

    @property
    def shape(self) -> torch.Size:
        d = self.split.data
        return torch.Size((len(self.split), d.channels, d.size, d.size))

    def __getitem__(self, key: Any) -> torch.Tensor:
        if isinstance(key, torch.Tensor):
            key = key.numpy()
        if isinstance(key, (int, np.integer)) or (isinstance(key, np.ndarray) and key.ndim == 0):
            return self.split.take([int(key)])[0][0]
        if isinstance(key, slice):
            return self.split.take(np.arange(len(self.split))[key])[0]
        idx = np.asarray(key)
        return self.split.take(np.flatnonzero(idx) if idx.dtype == bool else idx)[0]


class StreamingSplit:
    """Samples read from disk on demand; interchangeable with dataset.Split for the engine."""

    def __init__(self, files: list[Path], labels: np.ndarray, size: int, channels: int,
                 pre: Preprocessor, indices: np.ndarray, root: Path | None = None,
                 workers: int | None = None, cache_mb: int = CACHE_MB, fit: str = "squash"):
        mean = np.asarray(pre.mean, np.float32) if pre.mean is not None else None
        scale = np.asarray(pre.scale, np.float32) if pre.scale is not None else None
        self.workers = default_workers() if workers is None else workers
        per_worker = cache_mb * 1024 ** 2 // max(1, self.workers)
        self.data = _Files([str(f) for f in files], labels, size, channels, mean, scale, per_worker,
                           str(root) if root else "", fit)
        self.indices = torch.from_numpy(np.asarray(indices, np.int64))
        self.y = torch.from_numpy(np.asarray(labels, np.int64))   # labels are small; kept for counts
        self._sampler = _Order(len(files))
        self._loader: DataLoader | None = None
        self.x = LazyImages(self)      # decodes on indexing, like Split.x for inspection

    def __len__(self) -> int:
        return len(self.data)

    def _get_loader(self) -> DataLoader:
        if self._loader is None:
            self._loader = DataLoader(self.data, batch_sampler=self._sampler, num_workers=self.workers,
                                      persistent_workers=self.workers > 0,
                                      prefetch_factor=4 if self.workers else None)
        return self._loader

    def batches(self, batch_size: int, shuffle: bool = False,
                generator: torch.Generator | None = None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """(x, y) batches decoded by background workers; shuffled with the generator when asked."""
        n = len(self)
        order = torch.randperm(n, generator=generator).numpy() if shuffle else np.arange(n)
        self._sampler.order, self._sampler.batch_size = order, batch_size
        yield from self._get_loader()

    def shard_batches(self, batch_size: int, rank: int, world: int,
                      generator: torch.Generator | None = None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Data-parallel training: of each shuffled global batch (batch_size, a multiple of world),
        rows rank, rank+world, ... decoded by this worker alone; a last batch too small for every
        worker is cut to a multiple of world alike on each."""
        n = len(self)
        order = torch.randperm(n, generator=generator).numpy()
        share = []
        for i in range(0, n, batch_size):
            batch = order[i:i + batch_size]
            batch = batch[:len(batch) - len(batch) % world]
            share.append(batch[rank::world])
        self._sampler.order = np.concatenate(share) if share else np.arange(0)
        self._sampler.batch_size = batch_size // world
        yield from self._get_loader()

    def take(self, idx: Any) -> tuple[torch.Tensor, torch.Tensor]:
        """Samples at positions idx, decoded in this process (for previews and inspection)."""
        items = [self.data[int(i)] for i in np.asarray(idx).reshape(-1)]
        if not items:
            shape = (0, self.data.channels, self.data.size, self.data.size)
            return torch.zeros(shape), torch.zeros(0, dtype=torch.int64)
        return torch.stack([x for x, _ in items]), torch.stack([y for _, y in items])

    def close(self) -> None:
        """Stop the background workers (they also stop when the split is garbage-collected)."""
        self._loader = None

    def __del__(self) -> None:
        self._loader = None


def prepare_streaming(index: Any, d: dict[str, Any], task: str | None, root: Path | None,
                      src: Any, p: dict[str, Any]) -> Dataset:
    """A Dataset whose splits stream from an ImageIndex (see images.Images.stream_plan)."""
    info = index.info
    if task is not None and info.task != task:
        raise SpecError("task", msg("the data source {source!r} is for {task}", source=d["source"], task=info.task),
                        task, msg("set task to {task!r}", task=info.task),
                        [Fix(msg("set task to {task!r}", task=info.task),
                             [{"op": "set", "path": "task", "value": info.task}])])
    seed = int(d.get("seed", 0))
    labels = index.labels
    tr, va, te = split_indices(labels, info.task, float(d.get("validation_split", 0.2)),
                               float(d.get("test_split", 0.0)), seed)
    rng = np.random.default_rng(seed)
    fit_idx = np.sort(rng.choice(tr, size=min(FIT_SAMPLE, len(tr)), replace=False))
    sample = decode_all([index.files[i] for i in fit_idx], p["size"], p["channels"], root or index.folder,
                        p["fit"])
    pre = Preprocessor.fit(sample, labels[fit_idx], info, d.get("preprocessing"))
    del sample
    info = with_preprocessor(info, pre)

    def split(idx: np.ndarray) -> StreamingSplit | None:
        if len(idx) == 0:
            return None
        return StreamingSplit([index.files[i] for i in idx], labels[idx], p["size"], p["channels"], pre, idx, root,
                              fit=p["fit"])

    meta = {"source": d["source"], "params": p, "seed": seed, "streaming": True,
            "sizes": {"train": len(tr), "validation": len(va), "test": len(te)},
            "class_counts": class_counts(info, {"train": labels[tr], "validation": labels[va], "test": labels[te]}),
            "fitted_on": int(len(fit_idx))}
    train = split(tr)
    assert train is not None
    return Dataset(info, train, split(va), split(te), pre, meta)
