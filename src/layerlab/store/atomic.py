"""Atomic writes: a temp file in the same folder, fsync, rename. A crash leaves the old file or the new one.

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
