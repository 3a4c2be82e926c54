"""Step and slow motion (issue 18.7): Step trains exactly one batch and pauses again; a paused or
stepping run holds no training slot, so another user's run trains meanwhile; a Step while the only
slot is taken waits in the queue like a Continue; slow motion paces the batches and shares the
weights after each one (for the live decision boundary).

One slot, thread workers (the scheduler's rules are the same for processes; processes are covered
in test_workers.py), toy data with many small batches.
"""
from __future__ import annotations

import threading
import time

import pytest

import layerlab
from layerlab.engine import events as ev
from layerlab.engine.runner import Runner

MLP = [{"type": "dense", "units": 8, "activation": "relu"}, {"type": "dense", "units": 3, "activation": "softmax"}]


def project(tmp_path, name, epochs=50, n=512):
    doc = {"name": name, "task": "classification",
           "data": {"source": "toy", "params": {"shape": [4], "classes": 3, "n": n}},
           "model": {"layers": MLP},
           "training": {"epochs": epochs, "batch_size": 16, "early_stopping": None}}
    return layerlab.new(tmp_path / name, doc=doc)


class Seen:
    """Events of one run, by kind, collected from the runner's thread."""

    def __init__(self) -> None:
        self.events: list[ev.Event] = []
        self.lock = threading.Lock()

    def __call__(self, e: ev.Event) -> None:
        with self.lock:
            self.events.append(e)

    def of(self, kind) -> list:
        with self.lock:
            return [e for e in self.events if isinstance(e, kind)]


def waits_for(predicate, timeout=30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture(scope="module")
def runner():
    r = Runner(max_running=1, time_slice_s=1e9, executor="thread")
    yield r
    r.close()


def test_step_trains_one_batch_and_a_paused_or_stepping_run_holds_no_slot(tmp_path, runner):
    sched = runner.scheduler
    seen = Seen()
    a = runner.submit(project(tmp_path, "a"), on_event=seen, owner="pupil-a")
    a.step()  # before it began: one batch, then paused
    assert waits_for(lambda: a.status == "paused" and not sched.running), (a.status, sched.running)
    assert [(e.epoch, e.batch) for e in seen.of(ev.BatchEnded)] == [(1, 1)]
    weights = seen.of(ev.LiveWeights)
    assert len(weights) == 1 and weights[0].batch == 1
    assert set(weights[0].weights) == set(a.project.build(0).state_dict())  # everything to redraw the net

    # another user's run takes the free slot and finishes while the stepping run waits
    b = runner.submit(project(tmp_path, "b", epochs=2, n=64), owner="pupil-b")
    b.wait(60)
    assert b.status == "finished" and a.status == "paused"

    a.step()
    assert waits_for(lambda: len(seen.of(ev.BatchEnded)) == 2 and a.status == "paused" and not sched.running)
    time.sleep(0.2)  # nothing more comes: exactly one batch per Step
    assert [(e.epoch, e.batch) for e in seen.of(ev.BatchEnded)] == [(1, 1), (1, 2)]
    assert [e.batch for e in seen.of(ev.RunPaused)] == [2, 3]  # paused before the next batch each time

    # with the only slot taken, a Step waits in the queue like a Continue, then trains its one batch
    c = runner.submit(project(tmp_path, "c", epochs=10_000), owner="pupil-c")
    assert waits_for(lambda: c.status == "running")
    a.step()
    assert a.status == "queued" and a.position == 0 and a.run_id not in sched.running
    time.sleep(0.3)
    assert len(seen.of(ev.BatchEnded)) == 2, "a queued Step must not train"
    c.stop()
    assert waits_for(lambda: len(seen.of(ev.BatchEnded)) == 3 and a.status == "paused" and not sched.running)
    assert seen.of(ev.BatchEnded)[-1].batch == 3

    # Continue goes on at full speed; Pause gives the slot back again
    a.resume()
    assert waits_for(lambda: a.status == "running" and len(seen.of(ev.BatchEnded)) > 5)
    a.pause()
    assert waits_for(lambda: a.status == "paused" and not sched.running)
    a.stop()
    a.wait(30)
    assert a.status == "stopped"


def test_slow_motion_paces_every_batch_and_shares_its_weights(tmp_path, runner):
    seen = Seen()
    a = runner.submit(project(tmp_path, "slow", epochs=10_000), on_event=seen, owner="pupil-s")
    a.set_pace(0.1)  # before it starts: the scheduler hands the pace to the worker with the job
    assert waits_for(lambda: len(seen.of(ev.LiveWeights)) >= 2)
    t0, n0 = time.monotonic(), len(seen.of(ev.BatchEnded))
    time.sleep(1.0)
    paced = (len(seen.of(ev.BatchEnded)) - n0) / (time.monotonic() - t0)
    assert 3 <= paced <= 11, f"{paced:.1f} batches reported per second at 0.1 s per batch"
    shared = seen.of(ev.LiveWeights)
    assert [(w.epoch, w.batch) for w in shared[-3:]] == [(e.epoch, e.batch) for e in seen.of(ev.BatchEnded)[-3:]]
    assert not any(isinstance(e, ev.LiveWeights) for e in a.events), "weights are not kept with the run"
    a.set_pace(0)  # full speed again: batches come faster than the pace allowed, no weights any more
    time.sleep(0.3)
    n_weights = len(seen.of(ev.LiveWeights))
    epochs0 = len(a.history)
    assert waits_for(lambda: len(a.history) >= epochs0 + 20, timeout=20), "full speed again"
    assert len(seen.of(ev.LiveWeights)) == n_weights
    a.stop()
    a.wait(30)
