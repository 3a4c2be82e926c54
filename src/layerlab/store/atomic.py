"""Atomic writes: a temp file in the same folder, fsync, rename. A crash leaves the old file or the new one.

Temp files are named `.<name>.<random>.tmp`; a process killed during a write leaves one behind,
and `clean_tmp()` removes them (for a folder whose writer is known to be gone, or old ones).
`write_many()` writes several files of one folder as a group: every temp file is written and
fsynced first, then all are renamed back to back, so a crash during the slow part leaves
the whole previous group, and the last file renamed can serve as the group's commit mark.

>>> import tempfile, pathlib, json
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_json(d / "a.json", {"x": 1}); json.loads((d / "a.json").read_text())
{'x': 1}
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_bytes(path: str | os.PathLike, data: bytes, sync_dir: bool = True) -> None:
    """Replace path's content with data atomically (parents are created).

    sync_dir=False skips the fsync of the folder after the rename, for a writer that writes
    several files into one folder and calls sync_dir(folder) once at the end.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if sync_dir:
        _fsync_dir(path.parent)


def write_many(files: list[tuple[str | os.PathLike, bytes]]) -> None:
    """Replace several files (in this order) with their data; the renames follow one another once all
    data is on disk. The folders are fsynced at the end."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files:
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise
    for d in {path.parent for _, path in staged}:
        _fsync_dir(d)


def clean_tmp(folder: str | os.PathLike, older_than_s: float | None = None) -> list[str]:
    """Remove the temp files an interrupted write left in folder (only those older than older_than_s
    when given: a live writer's temp file lasts milliseconds). Returns the names removed."""
    import time
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for e in entries:
        if not (e.name.startswith(".") and e.name.endswith(".tmp")) or not e.is_file(follow_symlinks=False):
            continue
        try:
            if older_than_s is not None and now - e.stat(follow_symlinks=False).st_mtime < older_than_s:
                continue
            os.unlink(e.path)
            removed.append(e.name)
        except OSError:
            pass
    return removed


def write_text(path: str | os.PathLike, text: str, sync_dir: bool = True) -> None:
    """Atomic text write (UTF-8)."""
    write_bytes(path, text.encode("utf-8"), sync_dir)


def write_json(path: str | os.PathLike, obj: Any, sync_dir: bool = True) -> None:
    """Atomic JSON write, indented for humans, with a final newline."""
    write_text(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n", sync_dir)


def sync_dir(folder: str | os.PathLike) -> None:
    """Make the renames done in folder durable (after writes with sync_dir=False)."""
    _fsync_dir(Path(folder))


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
