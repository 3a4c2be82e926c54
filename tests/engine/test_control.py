"""Control of runs: stop, pause, resume, continue, and a queue of several runs off the caller's thread."""
from __future__ import annotations

import threading

import pytest
import torch

from layerlab.engine import events as ev
from layerlab.engine.runner import Runner

from engine_helpers import blobs


def _waits_for(predicate, timeout=60.0):
    done = threading.Event()
    for _ in range(int(timeout / 0.05)):
        if predicate():
            return True
        done.wait(0.05)
    return False


def test_pause_holds_the_run_and_resume_and_stop_take_effect(make_project):
    p = make_project(epochs=5000, batch_size=16, early_stopping=None)
    paused_at = {}

    def on_event(e):
        if isinstance(e, ev.EpochEnded) and e.epoch == 2 and not paused_at:
            paused_at["epoch"] = e.epoch
            run.pause()

    run = p.train(dataset=blobs(), background=True)
    run.subscribe(on_event)
    assert _waits_for(lambda: run.status == "paused"), run.status
    # the worker process hears the pause a few batches after the event that asked for it
    epochs_while_paused = len(run.history)
    threading.Event().wait(0.3)
    assert len(run.history) == epochs_while_paused >= 2 and not run.done
    run.resume()
    assert _waits_for(lambda: len(run.history) >= epochs_while_paused + 2)
    run.stop()
    run.wait(60)
    done = len(run.history)
    assert run.status == "stopped" and [h["epoch"] for h in run.history] == list(range(1, done + 1)) and done < 5000
    names = [e.name for e in run.events]
    assert "RunPaused" in names and "RunResumed" in names and names[-1] == "RunStopped"
    row = next(r for r in p.runs() if r["run_id"] == run.run_id)
    assert row["status"] == "stopped" and row["epochs_done"] == done
    assert p.load_run(run.run_id).history[-1]["epoch"] == done  # the stopped run's last epoch is saved


def test_continue_goes_on_exactly_as_an_uninterrupted_run(make_project):
    mlp_dropout = [{"type": "dense", "units": 16, "activation": "relu"}, {"type": "dropout", "rate": 0.2},
                   {"type": "dense", "units": 3, "activation": "softmax"}]
    straight = make_project(layers=mlp_dropout, name="straight", epochs=5).train(dataset=blobs())
    p = make_project(layers=mlp_dropout, name="split", epochs=3)
    first = p.train(dataset=blobs())
    p.doc["training"]["learning_rate"] = 0.5  # edits after the run do not change what it continues
    more = p.continue_run(first.run_id, epochs=2, dataset=blobs())
    assert more.status == "finished" and more.continue_from == first.run_id
    assert [h["epoch"] for h in more.history] == [1, 2, 3, 4, 5]
    assert more.events[0].start_epoch == 3 and more.events[0].continued_from == first.run_id
    for a, b in zip(straight.history, more.history):
        assert a["loss"] == pytest.approx(b["loss"], rel=1e-6)
        assert a["val_loss"] == pytest.approx(b["val_loss"], rel=1e-6)
    assert p.runs()[0]["continued_from"] == first.run_id


def test_continue_needs_a_saved_state(make_project):
    p = make_project(epochs=1)
    with pytest.raises(Exception) as e:
        p.continue_run("20990101-000000-000-0000", epochs=1)
    assert "is not a run of this project" in str(e.value)


def test_runs_queue_and_execute_one_after_another_off_the_callers_thread(make_project):
    runner = Runner(max_running=1)  # one slot: the three runs take turns
    threads = set()
    a = runner.submit(make_project(name="a", epochs=3), dataset=blobs(),
                      on_event=lambda e: threads.add(threading.current_thread().name))
    b = runner.submit(make_project(name="b", epochs=3), dataset=blobs())
    c = runner.submit(make_project(name="c", epochs=3), dataset=blobs())
    c.stop()  # cancelled while queued: never starts, nothing saved
    assert b.wait(120).status == "finished" and a.status == "finished"
    assert c.wait(10).status == "stopped" and c.history == []
    assert len(threads) == 1 and next(iter(threads)).startswith(Runner.THREAD_NAME)
    a_end = next(e for e in a.events if isinstance(e, ev.RunFinished)).time
    b_start = next(e for e in b.events if isinstance(e, ev.RunStarted)).time
    assert b_start >= a_end
    assert a.run_id < b.run_id < c.run_id  # run ids sort by time
    assert [r.run_id for r in runner.runs()] == [a.run_id, b.run_id, c.run_id]
    runner.close()


def test_continuing_an_early_stopped_run_keeps_its_best_epoch(make_project):
    es = {"monitor": "val_loss", "patience": 1, "min_delta": 0.5, "restore_best": True}
    p = make_project(epochs=30, learning_rate=0.05, early_stopping=es)
    first = p.train(dataset=blobs(spread=3.0))
    assert first.status == "finished" and len(first.history) < 30
    more = p.continue_run(first.run_id, epochs=2, dataset=blobs(spread=3.0))
    assert more.status == "finished" and len(more.history) > len(first.history)
    assert more.final["epoch"] == first.final["epoch"]  # no epoch since beat it by min_delta
    ds = blobs(spread=3.0)
    with torch.no_grad():
        z = p.load_run(more.run_id).network.logits(ds.val.x)
    assert float(torch.nn.functional.cross_entropy(z, ds.val.y)) == pytest.approx(first.final["val_loss"], rel=1e-4)
