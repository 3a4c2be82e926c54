"""Runs as the studio, the server and the CLI see them (they import only the facade): the
process's runner and its queue (one per process, shared by every project: `default_runner`), and
the runs saved in a project's runs/ folder with the registry's rows about them; `predict_loaded`, a
loaded run's outputs for a prepared batch; and `warm_up`, which pays a first run's one-off costs
ahead of time (the studio calls it once it is ready).

>>> import tempfile
>>> run_ids(tempfile.mkdtemp()), "running" in ACTIVE
([], True)
"""
from __future__ import annotations

from .engine.facade import predict_loaded
from .engine.runner import ACTIVE, default_runner
from .engine.setup import warm_up
from .store.registry import get as registry_row
from .store.registry import list_runs, sync_project
from .store.runs import RunFolder, open_run, run_ids, runs_dir, weights_note

__all__ = ["ACTIVE", "RunFolder", "default_runner", "list_runs", "open_run", "predict_loaded", "registry_row",
           "run_ids", "runs_dir", "sync_project", "warm_up", "weights_note"]
