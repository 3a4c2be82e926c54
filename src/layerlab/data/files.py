"""Where the user's own data lives: paths relative to the project folder, never outside it.

>>> from pathlib import Path
>>> inside(Path("/p"), "data/a.csv", "data.params.path")
PosixPath('/p/data/a.csv')
"""
from __future__ import annotations

import os
from pathlib import Path

from ..i18n import msg
from ..spec.errors import SpecError

DATA_DIR = "data"


def need_root(root: Path | None, where: str) -> Path:
    """The project folder, or an error saying own data needs one."""
    if root is None:
        raise SpecError(where, msg("needs a project folder to read your files from"), None,
                        msg("save the project first (layerlab new DIR --data FILE), then put files in DIR/data/"))
    return Path(root)


def inside(root: Path, rel: str, where: str) -> Path:
    """root/rel, refusing absolute paths and paths that leave the project folder."""
    p = Path(rel)
    if p.is_absolute() or ".." in p.parts:
        raise SpecError(where, msg("must be a path inside the project folder"), rel,
                        msg("copy the file into the project's data/ folder and give e.g. 'data/table.csv'"))
    full = (root / p).resolve()
    if os.path.commonpath([full, root.resolve()]) != str(root.resolve()):
        raise SpecError(where, msg("points outside the project folder (through a link)"), rel,
                        msg("copy the file into the project's data/ folder"))
    return root / p


def find_file(root: Path, rel: str, exts: tuple[str, ...], where: str, what: str) -> Path:
    """The file rel names, or (rel empty) the only/first file with one of exts in root/data."""
    if rel:
        path = inside(root, rel, where)
        if not path.exists():
            raise SpecError(where, msg("does not exist"), rel,
                            msg("put the {what} at {path} or correct the path", what=what, path=str(path)))
        return path
    folder = root / DATA_DIR
    found = sorted(p for p in folder.glob("*") if p.suffix.lower() in exts and p.is_file()) if folder.exists() else []
    if not found:
        raise SpecError(where, msg("is empty and there is no {what} in the project's data folder", what=what),
                        str(folder), _put_file_hint(exts, folder, where))
    return found[0]


def _put_file_hint(exts: tuple[str, ...], folder: Path, where: str):
    """'put a file ending in .csv or .tsv into FOLDER, or set WHERE' (a Text)."""
    return msg("put a file ending in {exts} into {folder}, or set {where}",
               exts=either(exts), folder=str(folder), where=where)


def either(items: tuple[str, ...] | list[str]):
    """'a or b or c' as a Text (the 'or' is translated); one item is itself."""
    if len(items) <= 1:
        return items[0] if items else ""
    return msg("{first} or {rest}", first=items[0], rest=either(items[1:]))


def stamp(path: Path) -> tuple[int, int]:
    """(mtime_ns, size) of a file: a cache key that changes when the file does."""
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)
