"""The workspace's disk quota: files and bytes under LAYERLAB_HOME, checked before a file is written.

Uploads, unpacked archives and samples taken with the webcam or drawn in the studio count
(data/safefiles.py, data/samples.py). The prepared-dataset cache under `<workspace>/.cache/`
does not: LayerLab writes and prunes it itself, a pupil cannot fill it, and refusing an upload
because a cache grew would punish the wrong person. The trash counts (it is on the disk too).

The numbers are the budgets' (spec/budgets.py: `workspace_mb`, `workspace_files`; the class
profile allows 1 GiB and 20,000 files, the laptop profile 50 GiB and 500,000), raised in
limits.toml like every budget. A refusal is a 413 that says how much is used and how to free it.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from ..spec import budgets
from ..spec.errors import SpecError
from . import workspace as ws


class QuotaExceeded(SpecError):
    """A write that would take the workspace past its budget (HTTP 413)."""

    status = 413


CACHE = ".cache"  # engine/datacache.py's prepared datasets: not the pupil's files
FRESH_S = 3.0     # a walk is reused this long (plus what was written since): a webcam burst adds
                  # ten pictures a second, and a class workspace of 20,000 files takes a while to walk
_walks: dict[Path, tuple[float, int, int]] = {}
_walking = threading.Lock()


def workspace_usage(root: Path) -> tuple[int, int]:
    """(files, bytes) under root, the trash included and the dataset cache left out; links are not followed."""
    files = size = 0
    skip = Path(root) / CACHE
    todo = [Path(root)]
    while todo:
        try:
            entries = list(os.scandir(todo.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if Path(entry.path) != skip:
                        todo.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    files, size = files + 1, size + entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
    return files, size


def check_quota(target: Path, new_files: int, new_bytes: int, where: str = "upload") -> None:
    """Refuse (413) a write that would take the workspace past its budget (spec/budgets.py: workspace_mb,
    workspace_files). A folder outside the workspace (the CLI on one's own folder) shares no quota."""
    root = ws.home().resolve()
    if not Path(target).resolve().is_relative_to(root):
        return
    with _walking:
        t, files, size = _walks.get(root, (0.0, 0, 0))
        if time.monotonic() - t > FRESH_S:
            t, (files, size) = time.monotonic(), workspace_usage(root)
        try:
            budgets.check_workspace(files + new_files, size + new_bytes, where)
        except SpecError as e:
            _walks.pop(root, None)  # after a refusal the next try walks again (the user may have freed space)
            raise QuotaExceeded(e.path, e.message, e.received, e.hint) from None
        _walks[root] = (t, files + new_files, size + new_bytes)
