"""The workspace's disk quota: files and bytes under LAYERLAB_HOME, checked before an upload is written.

The numbers are the budgets' (spec/budgets.py: `workspace_mb`, `workspace_files`; the class
profile allows 1 GiB and 20,000 files, the laptop profile 50 GiB and 500,000), raised in
limits.toml like every budget. A refusal is a 413 that says how much is used and how to free it.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..spec import budgets
from ..spec.errors import SpecError
from ..store import workspace as ws


class QuotaExceeded(SpecError):
    """A write that would take the workspace past its budget (HTTP 413)."""

    status = 413


def workspace_usage(root: Path) -> tuple[int, int]:
    """(files, bytes) under root, the trash included (it is on the disk too); links are not followed."""
    files = size = 0
    todo = [Path(root)]
    while todo:
        try:
            entries = list(os.scandir(todo.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    files, size = files + 1, size + entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
    return files, size


def check_quota(target: Path, new_files: int, new_bytes: int) -> None:
    """Refuse (413) a write that would take the workspace past its budget (spec/budgets.py: workspace_mb,
    workspace_files). A folder outside the workspace (the CLI on one's own folder) shares no quota."""
    root = ws.home().resolve()
    if not Path(target).resolve().is_relative_to(root):
        return
    files, size = workspace_usage(root)
    try:
        budgets.check_workspace(files + new_files, size + new_bytes, "upload")
    except SpecError as e:
        raise QuotaExceeded(e.path, e.message, e.received, e.hint) from None
