"""The prepared datasets a process keeps (a few, least recently used first out) and the stamp of a
project's data files that says when one is stale. Keyed by the project's folder, so two pupils'
projects in one server never share an entry.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> files_stamp(folder)[:2], files_stamp(None)
((0, 0), (0, 0, 0))
>>> _ = (folder / "a.csv").write_text("x\\n1\\n"); files_stamp(folder)[:2]
(1, 4)
"""
from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path

from .dataset import Dataset

DATASETS: "OrderedDict[tuple, Dataset]" = OrderedDict()
KEEP_DATASETS = 4  # datasets can be large; keep only the few a studio session switches between


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
    DATASETS.clear()
