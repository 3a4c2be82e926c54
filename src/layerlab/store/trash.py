"""The workspace's trash: a deleted project is moved, whole, to `<workspace>/.trash/` and can come back.

Each entry is the project folder itself, renamed `<id>--<UTC time>-<4 hex>`, with a small
`.trashed.json` beside its project.json saying what it was and when it was deleted. Nothing
leaves the disk until the trash is emptied explicitly (`empty`). Restoring takes the old id
back when it is free, else a fresh one: it never overwrites a project.

>>> import os, tempfile
>>> os.environ["LAYERLAB_HOME"] = tempfile.mkdtemp()
>>> from layerlab.api import create_project
>>> from layerlab.store import workspace
>>> p = create_project("xor demo", example="xor")
>>> entry = delete("xor-demo"); [e["id"] for e in entries()] == [entry["id"]]
True
>>> restore("xor-demo")["id"], entries()
('xor-demo', [])
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..i18n import msg
from ..spec.errors import SpecError
from . import atomic, registry, workspace

TRASH_DIR = ".trash"
INFO_FILE = ".trashed.json"


def trash_dir() -> Path:
    """The workspace's trash folder (created on first use)."""
    d = workspace.home() / TRASH_DIR
    d.mkdir(exist_ok=True)
    return d


def _existing(pid: str) -> Path:
    folder = workspace.project_dir(pid)
    if not (folder / workspace.PROJECT_FILE).is_file():
        raise SpecError("project", msg("no such project"), pid, _listing_hint())
    return folder


def _listing_hint() -> str:
    ids = [p["id"] for p in workspace.list_projects()][:8]
    return msg("projects in the workspace: {listing}", listing=", ".join(ids)) if ids \
        else msg("the workspace has no projects yet")


def delete(pid: str) -> dict[str, Any]:
    """Move a project into the trash; returns its trash entry."""
    folder = _existing(pid)
    doc = _doc(folder)
    now = time.time()
    stamp = datetime.fromtimestamp(now, tz=timezone.utc).strftime("%Y%m%d-%H%M%S")
    entry = f"{pid}--{stamp}-{secrets.token_hex(2)}"
    info = {"id": pid, "name": doc.get("name", pid), "deleted": now}
    atomic.write_json(folder / INFO_FILE, info)
    with workspace.lock():
        os.replace(folder, trash_dir() / entry)
    registry.forget_project(folder)  # a new project under the same id must not show these runs
    return _entry(trash_dir() / entry)


def _doc(folder: Path) -> dict[str, Any]:
    try:
        doc = json.loads((folder / workspace.PROJECT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # a damaged file (100,000 brackets deep) is still trashed
        return {}
    return doc if isinstance(doc, dict) else {}


def _entry(folder: Path) -> dict[str, Any]:
    """What the trash shows of one entry: its id, the project's old id and name, when it was deleted."""
    try:
        info = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}  # moved here by hand or by an older LayerLab: the folder name and its time must do
    old_id = info.get("id") or folder.name.split("--")[0]
    deleted = info.get("deleted") if isinstance(info.get("deleted"), (int, float)) else folder.stat().st_mtime
    when = datetime.fromtimestamp(deleted, tz=timezone.utc).isoformat(timespec="seconds")
    return {"id": folder.name, "project_id": old_id, "name": info.get("name") or _doc(folder).get("name", old_id),
            "deleted": deleted, "deleted_at": when}


def entries() -> list[dict[str, Any]]:
    """Every project in the trash, most recently deleted first."""
    d = workspace.home() / TRASH_DIR
    if not d.is_dir():
        return []
    found = [_entry(p) for p in d.iterdir() if p.is_dir() and (p / workspace.PROJECT_FILE).is_file()]
    return sorted(found, key=lambda e: e["deleted"], reverse=True)


def find(key: str) -> dict[str, Any]:
    """A trash entry by its own id, or the most recently deleted one of a project id."""
    listed = entries()
    for e in listed:
        if e["id"] == key:
            return e
    for e in listed:
        if e["project_id"] == key:
            return e
    hint = msg("the trash holds: {listing}", listing=", ".join(e["project_id"] for e in listed[:8])) if listed \
        else msg("the trash is empty")
    raise SpecError("trash", msg("holds no project of that name"), key, hint)


def restore(key: str, name: str | None = None) -> dict[str, Any]:
    """Move a project back from the trash (its old id when free, else a fresh one); the project's id and name."""
    e = find(key)
    src = trash_dir() / e["id"]
    with workspace.lock():
        pid = workspace.unique_id(name or e["project_id"])
        target = workspace.home() / pid
        os.replace(src, target)
    (target / INFO_FILE).unlink(missing_ok=True)
    if name:
        doc = _doc(target)
        workspace.save_doc(target, dict(doc, name=name), None)
    registry.sync_project(target)
    return {"id": pid, "name": _doc(target).get("name", pid)}


def empty(keys: list[str] | None = None) -> int:
    """Delete trash entries for good (all of them when keys is None); how many were deleted."""
    chosen = entries() if keys is None else [find(k) for k in keys]
    for e in chosen:
        shutil.rmtree(trash_dir() / e["id"], ignore_errors=True)
    return len(chosen)
