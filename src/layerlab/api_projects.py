"""The facade's project management (re-exported by `layerlab.api`): rename, duplicate, delete to
the trash and restore, and a project as one `.layerlab` file (pack, unpack).

Projects are named by their id in the workspace (LAYERLAB_HOME). A project that is training
is not moved or deleted: its run writes into its folder.

>>> import os, tempfile, layerlab.api as api
>>> os.environ["LAYERLAB_HOME"] = tempfile.mkdtemp()
>>> _ = api.new(os.path.join(os.environ["LAYERLAB_HOME"], "xor"), example="xor")
>>> api.duplicate_project("xor", "copy")["id"], api.delete_project("copy")["project_id"]
('copy', 'copy')
>>> api.restore_project("copy")["id"], api.trash()
('copy', [])
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .engine.runner import ACTIVE, default_runner
from .i18n import msg
from .spec.errors import SpecError
from .store import manage, registry, trash as _trash, workspace
from .store.pack import SUFFIX, Packed, default_name, pack
from .data.unpack import limits_for_disk, unpack


class ProjectBusy(SpecError):
    """The project is training now (HTTP 409)."""

    status = 409


def _not_busy(pid: str) -> Path:
    folder = manage.existing(pid)
    here = [r for r in default_runner().runs() if r.status in ACTIVE and _same(r.project.dir, folder)]
    if here or registry.running_elsewhere(folder):
        raise ProjectBusy("project", msg("is training right now"), pid, msg("stop its run first"))
    return folder


def _same(a: Any, b: Path) -> bool:
    try:
        return Path(a).resolve() == b.resolve()
    except (TypeError, OSError):
        return False


def rename_project(pid: str, name: str) -> dict[str, Any]:
    """Rename a project (its id follows the name when free); {"id", "name"}."""
    _not_busy(pid)
    return manage.rename(pid, name)


def duplicate_project(pid: str, name: str | None = None) -> dict[str, Any]:
    """Copy a project with its data and finished runs (default name: '<name> (copy)'); {"id", "name"}."""
    return manage.duplicate(pid, name)


def delete_project(pid: str) -> dict[str, Any]:
    """Move a project to the trash (undo with restore_project); its trash entry."""
    _not_busy(pid)
    return _trash.delete(pid)


def trash() -> list[dict[str, Any]]:
    """The deleted projects, most recent first: id, project_id, name, deleted (epoch s), deleted_at (ISO)."""
    return _trash.entries()


def restore_project(key: str, name: str | None = None) -> dict[str, Any]:
    """Bring a project back from the trash (by trash id or old project id) under its old id when free."""
    return _trash.restore(key, manage.check_name(name) if name is not None else None)


def empty_trash(keys: list[str] | None = None) -> int:
    """Delete trashed projects for good (all when keys is None); how many."""
    return _trash.empty(keys)


def project_folder(ref: str | Path) -> Path:
    """The one way a command names a project: a folder with project.json (or that file) first, else
    a project id of the workspace; neither is an error that lists the workspace's ids."""
    p = Path(ref)
    if p.name == workspace.PROJECT_FILE and p.is_file():
        return p.parent
    if (p / workspace.PROJECT_FILE).is_file():
        return p
    text = str(ref)
    is_id = bool(text) and text == workspace.slug(text)
    if is_id and (workspace.home() / text / workspace.PROJECT_FILE).is_file():
        return workspace.home() / text
    ids = [r["id"] for r in workspace.list_projects()][:8]
    where = msg("the workspace {home} has: {listing}", home=str(workspace.home()), listing=", ".join(ids)) if ids \
        else msg("the workspace {home} has no projects yet", home=str(workspace.home()))
    what = msg("no such project") if is_id else msg("no project found at {path}", path=text)
    raise SpecError("project", what, text,
                    msg("give a folder that contains project.json, or a project id ({where})", where=where))


def project_id(ref: str | Path) -> str:
    """The workspace id of a project named by its id or by its folder (which must lie in the workspace)."""
    folder = project_folder(ref)
    try:
        inside = folder.resolve().parent == workspace.home().resolve()
    except OSError:
        inside = False
    if not inside:
        raise SpecError("project", msg("is a project folder outside the workspace"), str(ref),
                        msg("renaming, copying and deleting work on the workspace's projects: add --workspace "
                            "{parent} to work in the folder that holds it", parent=str(folder.resolve().parent)))
    return folder.resolve().name


def pack_project(ref: str | Path, out: str | Path | None = None, run_id: str | None = None) -> Packed:
    """Write a project (folder or workspace id) as one .layerlab file; what was written."""
    return pack(project_folder(ref), out, run_id)


def unpack_project(file: str | Path | bytes, name: str | None = None, limits: Any = None) -> dict[str, Any]:
    """Open a .layerlab file into the workspace under a fresh id; {"id", "name", "run_id", "format_version", "folder"}.

    limits: upload limits (data.safefiles.UploadLimits); default: the server's for bytes, the
    data wizard's larger ones for a file on disk."""
    if limits is None and not isinstance(file, bytes):
        limits = limits_for_disk()
    out = unpack(file, name, limits)
    return dict(out, folder=str(workspace.home() / out["id"]))


__all__ = ["ProjectBusy", "SUFFIX", "default_name", "delete_project", "duplicate_project", "empty_trash",
           "pack_project", "project_folder", "project_id", "rename_project", "restore_project", "trash", "unpack_project"]
