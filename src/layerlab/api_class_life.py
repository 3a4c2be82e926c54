"""What a class's queue and its end ask of the core: the runs waiting and training, stopping a
class's runs and waiting for them, one archive of the class folder, deleting the pupils.

The class server (server/class_life.py) and the teacher's page go through here.
"""
from __future__ import annotations

import time
from typing import Any

from .engine.runner import ACTIVE, default_runner
from .store.class_archive import archive, archive_path, end

__all__ = ["archive", "archive_path", "end", "queue", "stop_and_wait"]


def queue() -> dict[str, Any]:
    """The runs of this process in the scheduler's order: training (running or paused) first, then the
    waiting ones by how many go before them; `slots`: how many train at once."""
    runner = default_runner()
    live = [r for r in runner.runs() if r.status in ACTIVE]
    waiting = sorted((r for r in live if r.status == "queued"),
                     key=lambda r: (r.position if r.position is not None else len(live), r.run_id))
    rows = []
    for r in [r for r in live if r.status != "queued"] + waiting:
        last = r.history[-1] if r.history else {}
        rows.append({"run_id": r.run_id, "owner": r.owner, "project": r.project_name, "status": r.status,
                     "position": r.position, "epoch": last.get("epoch", 0), "epochs": r.epochs,
                     "val_accuracy": last.get("val_accuracy")})
    return {"slots": runner.scheduler.max_running, "runs": rows}


def stop_and_wait(owners: set[str], timeout: float = 15.0) -> int:
    """Stop every queued, running or paused run of these owners and wait (at most timeout seconds in all)
    until they ended, so nothing writes into a folder that is archived or deleted next; returns how many."""
    runs = [r for r in default_runner().runs() if r.status in ACTIVE and r.owner in owners]
    for r in runs:
        r.stop()
    deadline = time.monotonic() + timeout
    for r in runs:
        try:
            r.wait(max(0.1, deadline - time.monotonic()))
        except TimeoutError:
            pass
    return len(runs)
