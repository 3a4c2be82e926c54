"""Projects as things a person manages: rename and duplicate (delete and restore: store/trash.py).

A project's id is its folder's name in the workspace; its name is what people read. Renaming
changes both (the id follows the new name, a fresh one when that is taken); duplicating
copies spec, data and runs under a new name. Copied runs get fresh ids, because a run id
names one run in the whole workspace (the run registry is keyed by it).

>>> import os, tempfile
>>> os.environ["LAYERLAB_HOME"] = tempfile.mkdtemp()
>>> from layerlab.api import create_project
>>> from layerlab.store import workspace
>>> _ = create_project("xor", example="xor")
>>> duplicate("xor", "xor copy")["id"], rename("xor-copy", "Second XOR")["id"]
('xor-copy', 'second-xor')
"""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..i18n import msg
from ..spec.errors import SpecError
from ..spec.loader import read_document
from . import atomic, registry, workspace
from .runs import RUNS_DIR, RunFolder, run_ids, runs_dir

MAX_NAME = 200


def existing(pid: str) -> Path:
    """The folder of a project in the workspace, or an error listing the projects there."""
    folder = workspace.project_dir(pid)
    if not (folder / workspace.PROJECT_FILE).is_file():
        ids = [p["id"] for p in workspace.list_projects()][:8]
        raise SpecError("project", msg("no such project"), pid,
                        msg("projects in the workspace: {listing}", listing=", ".join(ids)) if ids
                        else msg("the workspace has no projects yet"))
    return folder


def check_name(name: Any, where: str = "name") -> str:
    """A project name people can read: 1 to 200 characters, not only spaces."""
    if not isinstance(name, str) or not name.strip():
        raise SpecError(where, msg("a project needs a name"), name, msg("type a name, e.g. 'my digits'"))
    if len(name) > MAX_NAME:
        raise SpecError(where, msg("is too long"), msg("{n} characters", n=len(name)),
                        msg("use at most {n} characters", n=MAX_NAME))
    return name.strip()


def _doc(folder: Path) -> dict[str, Any]:
    """The project's document; a damaged file is a SpecError saying how to repair it (delete still works)."""
    return read_document(folder / workspace.PROJECT_FILE)


def rename(pid: str, name: str) -> dict[str, Any]:
    """Give a project a new name; its id (folder) follows the name when the id is free. New id and name."""
    folder = existing(pid)
    name = check_name(name)
    doc = _doc(folder)
    new_id = pid
    with workspace.lock():
        if workspace.slug(name) != pid:
            new_id = workspace.unique_id(name)
            os.replace(folder, workspace.home() / new_id)
    target = workspace.home() / new_id
    workspace.save_doc(target, dict(doc, name=name), None)
    if new_id != pid:
        registry.forget_project(folder)
        registry.sync_project(target)
    return {"id": new_id, "name": name}


def _skip_links_and_temp(folder: str, names: list[str]) -> list[str]:
    """copytree's ignore: symbolic links (they could point anywhere) and half-written temp files."""
    return [n for n in names if os.path.islink(os.path.join(folder, n)) or n.startswith((".upload-", ".tmp"))]


def duplicate(pid: str, name: str | None = None) -> dict[str, Any]:
    """A copy of a project (spec, data, finished runs) under a new name; its id and name."""
    src = existing(pid)
    doc = _doc(src)
    name = check_name(name) if name is not None else msg("{name} (copy)", name=doc.get("name", pid)).to()
    tmp = Path(tempfile.mkdtemp(prefix=".copy-", dir=workspace.home()))
    try:
        shutil.copytree(src, tmp / "p", ignore=_skip_links_and_temp)
        for rid in run_ids(tmp / "p"):  # a run still training is copied when it has ended, not half-way
            if RunFolder(runs_dir(tmp / "p") / rid).meta().get("status") in ("running", "queued"):
                shutil.rmtree(runs_dir(tmp / "p") / rid)
        workspace.save_doc(tmp / "p", dict(doc, name=name), None)
        renew_run_ids(tmp / "p")
        with workspace.lock():
            new_id = workspace.unique_id(name)
            os.replace(tmp / "p", workspace.home() / new_id)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    registry.sync_project(workspace.home() / new_id)
    return {"id": new_id, "name": name}


def renew_run_ids(project_dir: Path) -> dict[str, str]:
    """Give every run of a (copied) project a fresh id that keeps its time order; old id -> new id."""
    runs = Path(project_dir) / RUNS_DIR
    mapping: dict[str, str] = {}
    for rid in run_ids(project_dir):
        new = _fresh_id(rid, runs)
        os.replace(runs / rid, runs / new)
        mapping[rid] = new
    for new in mapping.values():
        folder = RunFolder(runs / new)
        meta = folder.meta()
        if not meta:
            continue
        meta["run_id"] = new
        if meta.get("status") in ("running", "queued", "paused"):
            meta["status"] = "interrupted"  # a copy is never the live run (a file packed mid-training)
        meta["project_dir"] = str(Path(project_dir))
        if meta.get("continued_from") in mapping:
            meta["continued_from"] = mapping[meta["continued_from"]]
        atomic.write_json(folder.path / "meta.json", meta)
    return mapping


def _fresh_id(rid: str, runs: Path) -> str:
    """rid with a new random tail: the time part (which orders runs) stays."""
    stem = rid[:-4] if len(rid) > 4 and rid[-5] == "-" else rid + "-"
    while True:
        new = stem + secrets.token_hex(2)
        if new != rid and not (runs / new).exists() and registry.get(new) is None:
            return new
