"""What a class server asks of the core: live runs of every pupil, and one pupil's projects at a glance.

The server's classroom module (server/classroom.py) goes through here, not into the engine or the
store, like every other part of the server.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .engine.runner import ACTIVE, default_runner
from .store import lesson, registry, workspace
from .store.classroom import Classroom, JoinError
from .store.lesson import LockedError

__all__ = ["Classroom", "JoinError", "LockedError", "lesson_of", "live_runs", "workspace_projects"]


def live_runs() -> list[Any]:
    """Every queued, running or paused run of this process (each knows its owner, e.g. 'pupil:p3f...')."""
    return [r for r in default_runner().runs() if r.status in ACTIVE]


def workspace_projects(home: Path) -> list[dict[str, Any]]:
    """The projects of one workspace folder, newest first: id, name, task, last change, best validation
    accuracy of a finished run (None before any)."""
    token = workspace.use_home(home)
    try:
        rows = workspace.list_projects()
    finally:
        workspace.reset_home(token)
    return [{"id": row["id"], "name": row["name"], "task": row.get("task", ""), "modified": row["modified"],
             "damaged": bool(row.get("damaged")),
             "best_val_accuracy": None if row.get("damaged") else registry.best_val_accuracy(Path(home) / row["id"])}
            for row in rows]


def lesson_of(folder: str | Path) -> dict[str, Any] | None:
    """The lesson a project is a copy of (title, locked parts, hidden pages), or None."""
    found = lesson.read(folder)
    return found.to_dict() if found is not None else None
