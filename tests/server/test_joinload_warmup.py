"""The server's start-up warm-up (issue 17, a class arriving right after the start): torch's first-run costs are
paid in the server's own process only where runs train in it (the thread executor); with worker processes, the
default, each worker pays them before it says it is ready, and the server keeps its CPU for the first pupils."""
from __future__ import annotations

import pytest

from layerlab import api_runs
from layerlab.engine import setup


@pytest.mark.parametrize("executor, warmed", [("thread", 1), ("process", 0)])
def test_the_server_warms_torch_only_where_runs_train_in_it(monkeypatch, executor, warmed):
    calls = []
    monkeypatch.setattr(setup, "warm_up", lambda: calls.append(1))
    monkeypatch.setenv("LAYERLAB_EXECUTOR", executor)
    api_runs.warm_up()
    assert len(calls) == warmed
