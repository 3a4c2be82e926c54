"""Where the user's own data lives: paths relative to the project folder, never outside it.

>>> from pathlib import Path
>>> inside(Path("/p"), "data/a.csv", "data.params.path")
PosixPath('/p/data/a.csv')
"""
from __future__ import annotations

import os
from pathlib import Path

from ..spec.errors import SpecError

DATA_DIR = "data"


def need_root(root: Path | None, where: str) -> Path:
    """The project folder, or an error saying own data needs one."""
    if root is None:
        raise SpecError(where, "needs a project folder to read your files from", None,
                        "save the project first (layerlab new DIR --data FILE), then put files in DIR/data/")
    return Path(root)


def inside(root: Path, rel: str, where: str) -> Path:
    """root/rel, refusing absolute paths and paths that leave the project folder."""
    p = Path(rel)
    if p.is_absolute() or ".." in p.parts:
        raise SpecError(where, "must be a path inside the project folder", rel,
                        "copy the file into the project's data/ folder and give e.g. 'data/table.csv'")
    full = (root / p).resolve()
    if os.path.commonpath([full, root.resolve()]) != str(root.resolve()):
        raise SpecError(where, "points outside the project folder (through a link)", rel,
                        "copy the file into the project's data/ folder")
    return root / p


def find_file(root: Path, rel: str, exts: tuple[str, ...], where: str, what: str) -> Path:
    """The file rel names, or (rel empty) the only/first file with one of exts in root/data."""
    if rel:
        path = inside(root, rel, where)
        if not path.exists():
            raise SpecError(where, "does not exist", rel, f"put the {what} at {path} or correct the path")
        return path
    folder = root / DATA_DIR
    found = sorted(p for p in folder.glob("*") if p.suffix.lower() in exts and p.is_file()) if folder.exists() else []
    if not found:
        raise SpecError(where, f"is empty and there is no {what} in the project's data folder", str(folder),
                        f"put a file ending in {' or '.join(exts)} into {folder}, or set {where}")
    return found[0]


def stamp(path: Path) -> tuple[int, int]:
    """(mtime_ns, size) of a file: a cache key that changes when the file does."""
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)
