"""The run registry: one SQLite database listing every run of every project.

Where: `<LAYERLAB_HOME>/runs.sqlite3`, one file for the whole workspace, so the studio can
list and compare runs across projects with one query. A project kept outside the
workspace registers there too (keyed by its absolute folder). The run folders stay the
truth: `sync_project()` rebuilds a project's rows from its runs/*/meta.json, so deleting
or losing the database loses nothing, and a project copied from another machine shows
its runs.

Statuses: running, finished, stopped, failed, interrupted. A run left 'running' by a
process that no longer exists (a crash, a killed server) is marked 'interrupted' by
`mark_interrupted()`, which the runner calls when it starts.

>>> import os, tempfile; os.environ["LAYERLAB_HOME"] = tempfile.mkdtemp()
>>> record({"run_id": "r1", "project": "xor", "project_dir": "/p", "status": "finished", "started": 1.0})
>>> [r["run_id"] for r in list_runs("/p")]
['r1']
"""
from __future__ import annotations

import json
import os
import socket
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from .workspace import home

DB_NAME = "runs.sqlite3"
STATUSES = ("running", "finished", "stopped", "failed", "interrupted")
_COLUMNS = ("run_id", "project", "project_dir", "started", "ended", "status", "duration_s", "epochs_done",
            "final", "spec_hash", "pid", "host", "continued_from", "message")
_SCHEMA = """CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, project TEXT, project_dir TEXT, started REAL, ended REAL, status TEXT,
    duration_s REAL, epochs_done INTEGER, final TEXT, spec_hash TEXT, pid INTEGER, host TEXT,
    continued_from TEXT, message TEXT);
CREATE INDEX IF NOT EXISTS runs_by_project ON runs(project_dir, started);"""


def db_path() -> Path:
    return home() / DB_NAME


_ready: set[str] = set()


def _connect() -> sqlite3.Connection:
    path = db_path()
    fresh = str(path) not in _ready or not path.exists()
    con = sqlite3.connect(path, timeout=10.0)
    con.row_factory = sqlite3.Row
    if fresh:
        # WAL: readers (the studio listing runs) never block the writer; NORMAL sync is durable
        # across application crashes, and the run folders can rebuild the rows after a power loss.
        con.execute("PRAGMA journal_mode=WAL")
        con.executescript(_SCHEMA)
        _ready.add(str(path))
    con.execute("PRAGMA synchronous=NORMAL")
    return con


def record(meta: dict[str, Any]) -> None:
    """Insert or update a run's row from its meta.json dict (unknown keys are ignored)."""
    row = {k: meta.get(k) for k in _COLUMNS}
    row["project_dir"] = str(Path(row["project_dir"]).resolve()) if row["project_dir"] else None
    row["final"] = json.dumps(row["final"]) if row["final"] is not None else None
    cols = ", ".join(_COLUMNS)
    marks = ", ".join(f":{c}" for c in _COLUMNS)
    with closing(_connect()) as con, con:
        con.execute(f"INSERT OR REPLACE INTO runs ({cols}) VALUES ({marks})", row)


def _row(r: sqlite3.Row) -> dict[str, Any]:
    d = dict(r)
    d["final"] = json.loads(d["final"]) if d["final"] else {}
    return d


def list_runs(project_dir: str | Path | None = None) -> list[dict[str, Any]]:
    """Runs of one project (or all), newest first."""
    with closing(_connect()) as con:
        if project_dir is None:
            rows = con.execute("SELECT * FROM runs ORDER BY started DESC, run_id DESC").fetchall()
        else:
            rows = con.execute("SELECT * FROM runs WHERE project_dir = ? ORDER BY started DESC, run_id DESC",
                               (str(Path(project_dir).resolve()),)).fetchall()
    return [_row(r) for r in rows]


def get(run_id: str) -> dict[str, Any] | None:
    """One run's row, or None."""
    with closing(_connect()) as con:
        r = con.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
    return _row(r) if r else None


def _alive(pid: int | None, host: str | None) -> bool:
    if host and host != socket.gethostname():
        return True  # another machine's run (a shared folder): not ours to judge
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_interrupted(live_run_ids: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Mark 'running' rows whose process is gone as 'interrupted' (also in their meta.json)."""
    from .runs import RunFolder, runs_dir
    done = []
    with closing(_connect()) as con, con:
        rows = con.execute("SELECT run_id, pid, host, project_dir FROM runs WHERE status = 'running'").fetchall()
        for r in rows:
            mine = r["pid"] == os.getpid() and r["host"] == socket.gethostname()
            if (mine and r["run_id"] not in live_run_ids) or (not mine and not _alive(r["pid"], r["host"])):
                con.execute("UPDATE runs SET status = 'interrupted' WHERE run_id = ?", (r["run_id"],))
                done.append((r["run_id"], r["project_dir"]))
    for rid, pdir in done:
        folder = RunFolder(runs_dir(pdir) / rid) if pdir else None
        if folder is not None and (folder.path / "meta.json").exists():
            try:
                folder.update_meta(status="interrupted")
            except OSError:
                pass
    return [rid for rid, _ in done]


def sync_project(project_dir: str | Path) -> int:
    """Add or refresh rows from each runs/*/meta.json of a project; returns how many."""
    from .runs import RunFolder, run_ids, runs_dir
    n = 0
    for rid in run_ids(project_dir):
        meta = RunFolder(runs_dir(project_dir) / rid).meta()
        if meta.get("run_id") == rid:
            existing = get(rid)
            if existing is None or existing["status"] != meta.get("status") and meta.get("status") != "running":
                record({**meta, "project_dir": str(project_dir)})
                n += 1
    return n


def forget_project(project_dir: str | Path) -> int:
    """Drop a project's rows (it moved or went to the trash; its run folders still hold the truth)."""
    with closing(_connect()) as con, con:
        cur = con.execute("DELETE FROM runs WHERE project_dir = ?", (str(Path(project_dir).resolve()),))
    return cur.rowcount


def running_elsewhere(project_dir: str | Path) -> list[str]:
    """Ids of this project's runs that another live process is training now."""
    return [r["run_id"] for r in list_runs(project_dir)
            if r["status"] == "running" and _alive(r["pid"], r["host"])
            and not (r["pid"] == os.getpid() and r["host"] == socket.gethostname())]
