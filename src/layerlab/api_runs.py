"""Runs as the studio, the server and the CLI see them (they import only the facade): the
process's runner and its queue (one per process, shared by every project: `default_runner`), and
the runs saved in a project's runs/ folder with the registry's rows about them; `predict_loaded`, a
loaded run's outputs for a prepared batch; and `warm_up`, which pays a first run's one-off costs
ahead of time where runs train in this process (the studio calls it once it is ready).

>>> import tempfile
>>> run_ids(tempfile.mkdtemp()), "running" in ACTIVE
([], True)
"""
from __future__ import annotations

import os

from .engine import setup
from .engine.facade import predict_loaded
from .engine.runner import ACTIVE, default_runner
from .store.registry import get as registry_row
from .store.registry import list_runs, sync_project
from .store.runs import RunFolder, open_run, run_ids, runs_dir, weights_note

__all__ = ["ACTIVE", "RunFolder", "default_runner", "list_runs", "open_run", "predict_loaded", "registry_row",
           "run_ids", "runs_dir", "sync_project", "warm_up", "weights_note"]


def warm_up() -> None:
    """Pay a first run's one-off costs (torch's flop counter, about 1 CPU-s) ahead of time, in this process only
    where runs train in it: the thread executor (LAYERLAB_EXECUTOR=thread, and Windows, as engine.scheduler
    picks it). Worker processes, the default, pay them themselves before they say they are ready; paying them in
    the server as well only took the server's CPU, holding the GIL, while the first pupils of a class arrived."""
    if (os.environ.get("LAYERLAB_EXECUTOR") or ("thread" if os.name == "nt" else "process")) == "thread":
        setup.warm_up()
