"""Runs in worker processes: crashes and kills stay in their run, Stop is quick, the scheduler is fair.

Tiny models on tiny data: each test is about the processes and the queue, not the learning.
"""
from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest

import layerlab
from layerlab.engine import events as ev
from layerlab.engine.runner import Runner

import worker_plugins  # noqa: F401 - registers the 'flaky' source (the workers import it by its file)

MLP = [{"type": "dense", "units": 16, "activation": "relu"}, {"type": "dense", "units": 3, "activation": "softmax"}]


def project(tmp_path, name, mode="ok", n=256, layers=MLP, **training):
    training.setdefault("epochs", 3)
    training.setdefault("batch_size", 16)
    training.setdefault("early_stopping", None)
    doc = {"name": name, "task": "classification", "data": {"source": "flaky", "params": {"mode": mode, "n": n}},
           "model": {"layers": layers}, "training": training}
    return layerlab.new(tmp_path / name, doc=doc)


def waits_for(predicate, timeout=60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def meta(p, run) -> dict:
    return json.loads((p.dir / "runs" / run.run_id / "meta.json").read_text())


@pytest.fixture(scope="module")
def shared():
    r = Runner(max_running=1, time_slice_s=1e9)  # one slot; one runner for the module: starting
    yield r                                      # worker processes is the slow part
    r.close()


@pytest.fixture
def runner(shared):
    shared.scheduler.time_slice_s = 1e9
    yield shared
    for r in shared.runs():
        r.stop()


def test_callbacks_fire_in_the_caller_process_from_a_worker_process(tmp_path):
    seen = []
    p = project(tmp_path, "cb")
    run = p.train(on_event=lambda e: seen.append((e.name, threading.current_thread().name)))
    assert run.status == "finished" and len(run.history) == 3
    names = [n for n, _ in seen]
    assert names[0] == "RunStarted" and names.count("EpochEnded") == 3 and names[-1] == "RunFinished"
    assert all(t.startswith(Runner.THREAD_NAME) for _, t in seen)
    assert meta(p, run)["pid"] != os.getpid()  # trained in another process
    assert p.predict([[3.0, 0, 0, 0]]).shape == (1, 3)


def test_a_crashing_worker_fails_its_run_in_plain_words_and_the_next_run_trains(tmp_path, runner):
    bad = runner.submit(project(tmp_path, "bad", mode="exit"))
    good = runner.submit(project(tmp_path, "good"))
    assert bad.wait(60).status == "failed"
    text = bad.failure.message
    assert "ended unexpectedly" in text and "exit status 3" in text, text
    assert bad.failure.hint and "memory" in bad.failure.hint
    assert good.wait(60).status == "finished" and len(good.history) == 3


def test_kill_9_of_a_worker_mid_run_fails_that_run_only(tmp_path, runner):
    p = project(tmp_path, "long", epochs=10000)
    run = runner.submit(p)
    assert waits_for(lambda: len(run.history) >= 2)
    pid = meta(p, run)["pid"]
    os.kill(pid, signal.SIGKILL)
    assert run.wait(30).status == "failed"
    assert "killed by signal 9" in run.failure.message
    saved = meta(p, run)
    assert saved["status"] == "failed" and "ended unexpectedly" in saved["message"]
    hist = p.dir / "runs" / run.run_id / "history.json"
    on_disk = json.loads(hist.read_text()) if hist.exists() else []  # checkpoints are written at most 1/s
    assert saved["epochs_done"] == (on_disk[-1]["epoch"] if on_disk else 0)
    from typer.testing import CliRunner
    from layerlab.cli import app
    listed = CliRunner().invoke(app, ["runs", str(p.dir), "--json"], catch_exceptions=False)
    assert {r["run_id"]: r["status"] for r in json.loads(listed.output)}[run.run_id] == "failed"  # the CLI too
    assert p.runs()[0]["status"] == "failed"
    after = runner.submit(project(tmp_path, "after"))
    assert after.wait(60).status == "finished"  # a fresh worker took the dead one's place
    assert meta(project_dir(tmp_path, "after"), after)["pid"] != pid


def project_dir(tmp_path, name):
    return layerlab.load(tmp_path / name)


def test_stop_ends_a_run_at_the_next_batch(tmp_path, runner):
    p = project(tmp_path, "stop", epochs=10000)
    run = runner.submit(p)
    assert waits_for(lambda: len(run.history) >= 1)
    pid = meta(p, run)["pid"]
    t0 = time.monotonic()
    run.stop()
    run.wait(10)
    took = time.monotonic() - t0
    # at the next batch (a worker that has not stopped 1 s later is killed; a loaded machine adds a little)
    assert run.status == "stopped" and took < 2.0, took
    assert meta(p, run)["status"] == "stopped" and meta(p, run)["pid"] == pid
    assert runner.submit(project(tmp_path, "again")).wait(60).status == "finished"


def test_a_worker_that_does_not_stop_within_a_second_is_killed(tmp_path, runner):
    run = runner.submit(project(tmp_path, "hang", mode="hang"))
    assert waits_for(lambda: run._worker is not None and (project_dir(tmp_path, "hang").dir / "runs").exists())
    time.sleep(0.3)  # inside the data source's load(), which never looks at Stop
    t0 = time.monotonic()
    run.stop()
    run.wait(10)
    assert run.status == "stopped" and time.monotonic() - t0 < 2.5
    assert runner.submit(project(tmp_path, "next")).wait(60).status == "finished"


def test_queue_positions_put_users_without_a_running_run_first(tmp_path, runner):
    a1 = runner.submit(project(tmp_path, "a1", epochs=10000), owner="ann")
    assert waits_for(lambda: a1.status == "running")
    a2 = runner.submit(project(tmp_path, "a2"), owner="ann")
    b = runner.submit(project(tmp_path, "b"), owner="ben")
    c = runner.submit(project(tmp_path, "c"), owner="cat")
    assert (b.position, c.position, a2.position) == (0, 1, 2)  # "queued, 2 ahead of you"
    assert a2.to_dict()["position"] == 2 and a1.position is None
    for r in (a2, b, c, a1):
        r.stop()
    assert a1.wait(10).status == "stopped" and a2.wait(10).status == "stopped"


def test_a_short_run_of_another_user_finishes_while_a_10000_epoch_run_is_active(tmp_path, runner):
    runner.scheduler.time_slice_s = 0.3
    long = runner.submit(project(tmp_path, "long", epochs=10000), owner="ann")
    assert waits_for(lambda: len(long.history) >= 1)
    short = runner.submit(project(tmp_path, "short", epochs=2), owner="ben")
    assert short.wait(60).status == "finished"
    assert not long.done and long.history[-1]["epoch"] < 10000
    assert waits_for(lambda: long.status == "running")  # it goes on after its turn
    names = [e.name for e in long.events]
    assert "RunYielded" in names and names.count("RunStarted") == 1
    long.stop()
    assert long.wait(10).status == "stopped"


def test_a_run_that_gave_way_goes_on_exactly_as_without_the_pause(tmp_path, runner):
    layers = [{"type": "dense", "units": 16, "activation": "relu"}, {"type": "dropout", "rate": 0.3},
              {"type": "dense", "units": 3, "activation": "softmax"}]
    training = dict(epochs=8, batch_size=8, early_stopping={"monitor": "val_loss", "patience": 50},
                    schedule={"type": "reduce_on_plateau", "patience": 1, "gamma": 0.5})
    straight = runner.submit(project(tmp_path, "straight", n=1200, layers=layers, **training)).wait(120)
    others = []

    def make_way(e):
        if isinstance(e, ev.EpochEnded) and e.epoch in (2, 5):  # another user arrives: the run gives way
            others.append(runner.submit(project(tmp_path, f"other{e.epoch}", epochs=1), owner="ben"))

    p = project(tmp_path, "sliced", n=1200, layers=layers, **training)
    runner.scheduler.time_slice_s = 0.0
    sliced = runner.submit(p, on_event=make_way, owner="ann")
    assert sliced.wait(120).status == "finished"
    assert [o.wait(60).status for o in others] == ["finished", "finished"]
    names = [e.name for e in sliced.events]
    assert names.count("RunYielded") >= 1 and names.count("RunStarted") == 1
    assert [h["epoch"] for h in sliced.history] == list(range(1, 9))
    for a, b in zip(straight.history, sliced.history, strict=True):
        for k in ("loss", "accuracy", "val_loss", "val_accuracy", "lr"):
            assert a[k] == pytest.approx(b[k], rel=1e-6, abs=1e-9), (a["epoch"], k)
    saved = json.loads((p.dir / "runs" / sliced.run_id / "history.json").read_text())
    assert [h["val_loss"] for h in saved] == [h["val_loss"] for h in sliced.history]
    assert meta(p, sliced)["status"] == "finished" and meta(p, sliced)["epochs_done"] == 8
