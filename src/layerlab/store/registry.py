"""The run registry: one SQLite database listing every run of every project.

Where: `<LAYERLAB_HOME>/runs.sqlite3`, one file for the whole workspace, so the studio can
list and compare runs across projects with one query. A project kept outside the
workspace registers there too (keyed by its absolute folder). The run folders stay the
truth: `sync_project()` rebuilds a project's rows from its runs/*/meta.json, so deleting
or losing the database loses nothing, and a project copied from another machine shows
its runs.

Statuses: running, finished, stopped, failed, interrupted. A run left 'running' by a
process that no longer exists (a crash, `kill -9`, a killed server; checked by pid and the
process's start time, see runs.process_alive) reads 'interrupted' wherever runs are listed:
`list_runs()` checks the running rows it returns, and `mark_interrupted()` (called when a
runner starts) checks them all; both fix the run folder too (RunFolder.recover).

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

from .runs import RunFolder, process_alive, run_ids, runs_dir, weights_note
from .workspace import home

DB_NAME = "runs.sqlite3"
STATUSES = ("running", "finished", "stopped", "failed", "interrupted")
_COLUMNS = ("run_id", "project", "project_dir", "started", "ended", "status", "duration_s", "epochs_done",
            "final", "spec_hash", "pid", "host", "continued_from", "message", "best_epoch", "pid_started")
_SCHEMA = """CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, project TEXT, project_dir TEXT, started REAL, ended REAL, status TEXT,
    duration_s REAL, epochs_done INTEGER, final TEXT, spec_hash TEXT, pid INTEGER, host TEXT,
    continued_from TEXT, message TEXT, best_epoch INTEGER, pid_started REAL);
CREATE INDEX IF NOT EXISTS runs_by_project ON runs(project_dir, started);"""
_ADDED = {"best_epoch": "INTEGER", "pid_started": "REAL"}  # columns newer than the first database


def db_path() -> Path:
    """The registry of this workspace; a class server keeps one for the whole class (LAYERLAB_REGISTRY),
    rows are per project folder, so the scheduler's thread and each pupil's requests agree."""
    env = os.environ.get("LAYERLAB_REGISTRY")
    return Path(env) if env else home() / DB_NAME


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
        have = {r[1] for r in con.execute("PRAGMA table_info(runs)")}
        for col, typ in _ADDED.items():
            if col not in have:
                con.execute(f"ALTER TABLE runs ADD COLUMN {col} {typ}")
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
    d["weights_note"] = weights_note(d) if d.get("epochs_done") else None  # "best: epoch 14 of 50"
    return d


def list_runs(project_dir: str | Path | None = None) -> list[dict[str, Any]]:
    """Runs of one project (or all), newest first; a 'running' row whose process is gone is marked
    'interrupted' first (here and in its folder)."""
    with closing(_connect()) as con:
        if project_dir is None:
            rows = con.execute("SELECT * FROM runs ORDER BY started DESC, run_id DESC").fetchall()
        else:
            rows = con.execute("SELECT * FROM runs WHERE project_dir = ? ORDER BY started DESC, run_id DESC",
                               (str(Path(project_dir).resolve()),)).fetchall()
    out = [_row(r) for r in rows]
    for i, d in enumerate(out):
        if d["status"] == "running" and not _alive(d["pid"], d["host"], d.get("pid_started")) \
                and not _ours(d["pid"], d["host"]):
            fixed = _recover_row(d)
            if fixed is not None:
                out[i] = fixed
    return out


def best_val_accuracy(project_dir: str | Path) -> float | None:
    """The best validation accuracy any run of a project reached (None before one did)."""
    accs = [acc for run in list_runs(project_dir)
            if isinstance(acc := (run.get("final") or {}).get("val_accuracy"), (int, float))]
    return float(max(accs)) if accs else None


def _ours(pid: int | None, host: str | None) -> bool:
    """A run of this very process: only its runner knows whether it still runs (mark_interrupted)."""
    return pid == os.getpid() and host == socket.gethostname()


def _recover_row(row: dict[str, Any], force: bool = False) -> dict[str, Any] | None:
    """Mark a dead run interrupted in its folder (honest epochs) and here; the new row, or None when
    its folder names a live process after all (the row was stale)."""
    meta = None
    if row.get("project_dir"):
        folder = RunFolder(runs_dir(row["project_dir"]) / row["run_id"])
        if (folder.path / "meta.json").exists():
            try:
                meta = folder.recover(force=force)
                if meta is None:
                    meta = folder.meta()
                    if meta.get("status") == "running":
                        return None
            except OSError:
                meta = None
    record({**row, **(meta or {}), "status": (meta or {}).get("status", "interrupted"),
            "project_dir": row.get("project_dir")})
    return get(row["run_id"])


def get(run_id: str) -> dict[str, Any] | None:
    """One run's row, or None."""
    with closing(_connect()) as con:
        r = con.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
    return _row(r) if r else None


def _alive(pid: int | None, host: str | None, started: float | None = None) -> bool:
    return process_alive(pid, host, started)


def mark_interrupted(live_run_ids: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Mark 'running' rows whose process is gone as 'interrupted' (also in their run folder, with the
    epochs its checkpoint holds); this process's own runs count as gone unless in live_run_ids."""
    with closing(_connect()) as con:
        rows = [_row(r) for r in con.execute("SELECT * FROM runs WHERE status = 'running'").fetchall()]
    done = []
    for r in rows:
        mine = _ours(r["pid"], r["host"])
        if (mine and r["run_id"] not in live_run_ids) or (not mine and not _alive(r["pid"], r["host"],
                                                                                   r.get("pid_started"))):
            if _recover_row(r, force=mine) is not None:
                done.append(r["run_id"])
    return done


_SYNCED = ("status", "epochs_done", "best_epoch", "ended")


def sync_project(project_dir: str | Path) -> int:
    """Add or refresh rows from each runs/*/meta.json of a project; returns how many."""
    n = 0
    for rid in run_ids(project_dir):
        meta = RunFolder(runs_dir(project_dir) / rid).meta()
        if meta.get("run_id") == rid:
            existing = get(rid)
            moved = existing is not None and existing.get("project_dir") != str(Path(project_dir).resolve())
            if existing is None or moved or any(existing.get(k) != meta.get(k) for k in _SYNCED):
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
