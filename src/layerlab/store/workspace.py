"""The workspace: a folder of project folders (LAYERLAB_HOME, default ~/.layerlab/projects).

Saves are atomic and guarded by a revision (a hash of the file's bytes): a writer that
loaded revision R may save only while the file is still at R, so two browser tabs never
silently overwrite each other.

>>> import tempfile, os
>>> os.environ["LAYERLAB_HOME"] = tempfile.mkdtemp()
>>> folder = new_folder("my xor"); folder.name, new_folder("my xor").name
('my-xor', 'my-xor-2')
>>> rev = save_doc(folder, {"name": "my xor"}, None)
>>> new_rev = save_doc(folder, {"name": "renamed"}, rev); new_rev != rev, revision(folder) == new_rev
(True, True)
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from contextvars import ContextVar, Token
from pathlib import Path
from typing import Any

from ..i18n import current_lang, msg
from ..spec.errors import SpecError
from ..spec.loader import check_values, read_document
from . import atomic, lesson

PROJECT_FILE = "project.json"
_lock = threading.Lock()


class StaleWriteError(SpecError):
    """The project changed on disk since the writer loaded it."""

    def __init__(self, folder: Path):
        super().__init__("", msg("project {name!r} was changed elsewhere (another tab or window) since you opened it",
                                 name=folder.name),
                         hint=msg("reload the project to see the latest version, then redo your edit"))


# A class server serves every pupil from their own folder: the security middleware sets this for
# the request (and the browser's socket, whose event handlers run in tasks copied from it).
_request_home: ContextVar[Path | None] = ContextVar("layerlab_request_home", default=None)


def use_home(folder: Path | None) -> Token:
    """Make home() answer folder in this context (None: the process's workspace); returns the token
    to reset it with `reset_home`."""
    return _request_home.set(Path(folder).resolve() if folder is not None else None)


def reset_home(token: Token) -> None:
    _request_home.reset(token)


def lock() -> threading.Lock:
    """The lock that makes choosing a free id and taking it one step (not reentrant)."""
    return _lock


def home() -> Path:
    """The workspace folder (created on first use): this request's (a pupil's on a class server), else
    LAYERLAB_HOME, else ~/.layerlab/projects."""
    here = _request_home.get()
    if here is not None:
        here.mkdir(parents=True, exist_ok=True)
        return here
    env = os.environ.get("LAYERLAB_HOME")
    root = Path(env).expanduser() if env else Path.home() / ".layerlab" / "projects"
    root.mkdir(parents=True, exist_ok=True)
    return root


def slug(name: str) -> str:
    """A safe folder name for a project name: letters, digits, '-', '_' only."""
    s = re.sub(r"[^A-Za-z0-9_-]+", "-", name.strip()).strip("-_").lower()[:64]
    return s or "project"


def project_dir(name: str) -> Path:
    """The folder of a project in the workspace; refuses names that would leave it."""
    if not name or name != slug(name):
        raise SpecError("project", msg("is not a valid project id"), name,
                        msg("use only lower-case letters, digits, '-' and '_'"))
    return home() / name


def list_projects() -> list[dict[str, Any]]:
    """Every project in the workspace with its name, task and last change, newest first.

    A project whose file cannot be read is listed too, with `damaged`: what is wrong (the four
    parts of the error, in the current language), the file, and how to remove it. One broken
    file never hides the others or breaks the list.
    """
    out = []
    for d in home().iterdir():
        f = d / PROJECT_FILE
        try:
            if d.name.startswith(".") or not d.is_dir() or not (f.exists() or f.is_symlink()):
                continue
            modified = f.stat().st_mtime
        except OSError:  # a dangling link or a folder we may not enter
            modified = 0.0
        out.append(_listed(d, f, modified))
    return sorted(out, key=lambda r: r["modified"], reverse=True)


def _listed(folder: Path, file: Path, modified: float) -> dict[str, Any]:
    """One row of the project list; `damaged` when the file cannot be opened."""
    row: dict[str, Any] = {"id": folder.name, "name": folder.name, "task": "", "source": "", "modified": modified}
    try:
        doc = read_document(file)
    except SpecError as e:
        return dict(row, damaged=damage(e, folder))
    except OSError as e:
        err = SpecError("", msg("{file} cannot be read ({reason})", file=file.name, reason=e.strerror or str(e)),
                        str(file), msg("check that the file exists and that you may read it"))
        return dict(row, damaged=damage(err, folder))
    data = doc.get("data")
    row["name"] = doc["name"] if isinstance(doc.get("name"), str) and doc["name"] else folder.name
    row["task"] = doc["task"] if isinstance(doc.get("task"), str) else ""
    row["source"] = data["source"] if isinstance(data, dict) and isinstance(data.get("source"), str) else ""
    return row


def damage(e: SpecError, folder: Path) -> dict[str, Any]:
    """What is wrong with a damaged project and how to repair or remove it (in the current language)."""
    lang = current_lang.get()
    return dict(e.to_dict(lang), text=e.localized(lang), file=str(folder / PROJECT_FILE),
                remove=msg("or remove the project: move it to the trash, or move the folder {folder} out of the "
                           "workspace", folder=str(folder)).to(lang))


def unique_id(name: str) -> str:
    """A project id based on name that is not taken yet."""
    base = slug(name)
    candidate, n = base, 2
    while (home() / candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def new_folder(name: str) -> Path:
    """A new, empty project folder in the workspace, its id based on name (taken by creating it).

    `layerlab.api.create_project` writes the project into it; the store knows nothing of projects
    beyond their files."""
    home().mkdir(parents=True, exist_ok=True)
    with _lock:
        folder = home() / unique_id(name)
        folder.mkdir()
    return folder


def revision(folder: str | Path) -> str:
    """The revision of a project's file: a short hash of its bytes ('' when missing)."""
    f = Path(folder) / PROJECT_FILE
    try:
        return hashlib.sha256(f.read_bytes()).hexdigest()[:16]
    except FileNotFoundError:
        return ""


def save_doc(folder: str | Path, doc: dict[str, Any], base_revision: str | None) -> str:
    """Atomically save doc if the file is still at base_revision (None skips the check); new revision."""
    folder = Path(folder)
    check_values(doc)  # NaN or 1e400 saved now would make the file unreadable later
    data = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    with _lock:
        if base_revision is not None and revision(folder) != base_revision:
            raise StaleWriteError(folder)
        if (folder / lesson.LESSON_FILE).is_file():  # a lesson's copy: its locked parts stay as the teacher sent them
            lesson.check_edit(folder, json.loads((folder / PROJECT_FILE).read_text(encoding="utf-8")), doc)
        atomic.write_bytes(folder / PROJECT_FILE, data)
    return hashlib.sha256(data).hexdigest()[:16]
