"""Prepared datasets on disk, so a training worker process starts from tensors, not from files.

The studio's Train page prepares a project's dataset while the user reads the page
(`Project.warm_training()`); a run's worker process then reads the same tensors instead of
decoding pictures or parsing a CSV again. A dataset given to `train(dataset=...)` travels
to the worker the same way. Only our own safetensors and JSON are read back (no pickle).

    <cache>/<key>/splits.safetensors   train.x, train.y, train.indices, val.*, test.*
    <cache>/<key>/dataset.json         info, preprocessor, meta (written last: it marks a complete entry)

The key hashes what `Project._data_key()` covers (folder, data section, task, the data
files' stamp), so an edit of the data or of its files gives a new entry. At most
`KEEP` entries are kept (least recently used go first). Streaming splits (large image
folders) are not cached: the worker opens the files itself, as the studio would.

>>> import tempfile, torch
>>> from layerlab.data.base import DataInfo
>>> from layerlab.data.dataset import Dataset, Split
>>> info = DataInfo("tabular", (2,), "classification", ["a", "b"], 1, 4)
>>> ds = Dataset(info, Split(torch.ones(4, 2), torch.tensor([0, 1, 0, 1])), None, None, None)
>>> root = tempfile.mkdtemp()
>>> _ = save(ds, root + "/k"); load(root + "/k").train.y.tolist()
[0, 1, 0, 1]
"""
from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

from ..data.dataset import Dataset, Split
from ..store.workspace import home
from .saved import info_from_dict, preprocessor_from_dict

KEEP = 8
DATASET_JSON, SPLITS = "dataset.json", "splits.safetensors"


def cache_root() -> Path:
    """<workspace>/.cache/datasets (a folder without project.json is no project)."""
    return home() / ".cache" / "datasets"


def key_of(project: Any) -> str:
    """The cache entry name of a project's prepared data."""
    raw = json.dumps(project._data_key(), default=str, sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def cacheable(ds: Any) -> bool:
    """Whether every split of ds is an in-memory Split (tensors)."""
    return all(s is None or type(s) is Split for s in (ds.train, ds.val, ds.test))


def save(ds: Any, path: str | Path) -> Path:
    """Write ds under path (atomically: a half-written entry is never read)."""
    from safetensors.torch import save_file
    path = Path(path)
    tmp = path.with_name(path.name + f".tmp-{time.monotonic_ns()}")
    tmp.mkdir(parents=True)
    try:
        tensors: dict[str, Any] = {}
        for name in ("train", "val", "test"):
            split = getattr(ds, name)
            if split is None:
                continue
            tensors[f"{name}.x"] = split.x.contiguous()
            tensors[f"{name}.y"] = split.y.contiguous()
            if split.indices is not None:
                tensors[f"{name}.indices"] = split.indices.contiguous()
        save_file(tensors, str(tmp / SPLITS))
        pre = ds.preprocessor.to_dict() if hasattr(ds.preprocessor, "to_dict") else None
        (tmp / DATASET_JSON).write_text(json.dumps({"info": ds.info.to_dict(), "preprocessor": pre,
                                                   "meta": ds.meta}, default=str), encoding="utf-8")
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)
        tmp.rename(path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def load(path: str | Path) -> Any:
    """The Dataset saved under path, or None when there is no complete entry."""
    from safetensors.torch import load_file

    path = Path(path)
    try:
        d = json.loads((path / DATASET_JSON).read_text(encoding="utf-8"))
        tensors = load_file(str(path / SPLITS))
    except (OSError, ValueError):
        return None
    try:
        path.touch()  # least recently used goes first
    except OSError:
        pass

    def split(name: str) -> Split | None:
        if f"{name}.x" not in tensors:
            return None
        return Split(tensors[f"{name}.x"], tensors[f"{name}.y"], tensors.get(f"{name}.indices"))
    return Dataset(info_from_dict(d["info"]), split("train"), split("val"), split("test"),
                   preprocessor_from_dict(d.get("preprocessor")), d.get("meta") or {})


def prune(root: Path | None = None, keep: int = KEEP) -> None:
    """Remove all but the `keep` most recently used entries (and stale half-written ones)."""
    root = root or cache_root()
    if not root.is_dir():
        return
    entries = []
    for p in root.iterdir():
        try:
            if ".tmp-" in p.name and time.time() - p.stat().st_mtime > 3600:
                shutil.rmtree(p, ignore_errors=True)
            elif ".tmp-" not in p.name:
                entries.append((p.stat().st_mtime, p))
        except OSError:
            continue
    for _, p in sorted(entries, reverse=True)[keep:]:
        shutil.rmtree(p, ignore_errors=True)


def warm(project: Any) -> Path | None:
    """Prepare the project's dataset and put it in the cache (the Train page calls this early)."""
    path = cache_root() / key_of(project)
    if (path / DATASET_JSON).is_file():
        return path
    ds = project.dataset()
    if not cacheable(ds):
        return None
    save(ds, path)
    prune()
    return path
