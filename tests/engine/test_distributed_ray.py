"""Data-parallel training on Ray Train (issue 19.1): one local Ray cluster shared by this module.

Two workers on this 2-core machine cannot be faster than one; the point is that the same
spec trains through DistributedDataParallel, lands in runs/ like any run, matches a single
worker's accuracy, stops when asked and refuses bad requests before anything starts.
"""
from __future__ import annotations

import json
import socket
import sys

import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("ray.train")

import layerlab.api as L  # noqa: E402
from layerlab.engine import events as ev  # noqa: E402
from layerlab.spec.errors import SpecError  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_two_workers_train_digits_as_well_as_one(tmp_path):
    p = L.new(tmp_path / "digits", example="digits")
    one = p.train(epochs=3)
    seen = []
    two = p.train_distributed(workers=2, epochs=3, on_event=lambda e: seen.append(e.name))
    assert two.status == "finished", two.failure
    assert [h["epoch"] for h in two.history] == [1, 2, 3]
    assert abs(two.final["val_accuracy"] - one.final["val_accuracy"]) <= 0.02, (two.final, one.final)
    assert seen[0] == "RunStarted" and seen.count("EpochEnded") == 3 and seen[-1] == "RunFinished"
    row = next(r for r in p.runs() if r["run_id"] == two.run_id)
    assert row["status"] == "finished" and row["epochs_done"] == 3
    loaded = p.load_run(two.run_id)
    assert loaded.epoch in (1, 2, 3)
    x = p.dataset().val.x[:5]
    probs = p.predict(x.numpy(), run_id=two.run_id, raw=False)
    assert probs.shape == (5, 10)


def test_cli_trains_with_workers_and_prints_json(tmp_path):
    """With --storage-path (a multi-machine run, issue 19.1) worker 0 writes the run there and the
    driver copies it back into the project, where every view finds it."""
    from typer.testing import CliRunner
    from layerlab.cli import app
    p = L.new(tmp_path / "xor", example="xor")
    storage = tmp_path / "elsewhere" / "ray-storage"
    result = CliRunner().invoke(app, ["train", str(tmp_path / "xor"), "--workers", "2", "--epochs", "2", "--json",
                                      "--storage-path", str(storage)])
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])
    assert last["status"] == "finished" and last["epochs_done"] == 2
    run_id = last["run_id"]
    on_storage, back = storage / run_id / "layerlab", tmp_path / "xor" / "runs" / run_id
    for name in ("weights.safetensors", "best.safetensors", "optimizer.safetensors", "state.json", "meta.json"):
        assert (back / name).read_bytes() == (on_storage / name).read_bytes(), name
    assert [h["epoch"] for h in json.loads((back / "history.json").read_text())] == [1, 2]
    assert json.loads((back / "meta.json").read_text())["workers"] == 2
    row = next(r for r in p.runs() if r["run_id"] == run_id)
    assert row["status"] == "finished" and row["epochs_done"] == 2
    assert p.predict(p.dataset().val.x[:3].numpy(), run_id=run_id, raw=False).shape == (3, 2)


def test_stop_ends_every_worker_at_the_same_epoch(tmp_path):
    """Also: with a storage path worker 0 never writes the project folder (another machine could not);
    the stopped run comes back from the storage path."""
    p = L.new(tmp_path / "spiral", example="spiral")
    handle, in_project = {}, []

    def on_event(e):
        if isinstance(e, (ev.EpochEnded, ev.CheckpointSaved)):
            in_project.append((tmp_path / "spiral" / "runs" / e.run_id).exists())
        if isinstance(e, ev.EpochEnded) and e.epoch == 2:
            handle["run"].stop()
    run = p.train_distributed(workers=2, epochs=500, background=True, on_event=on_event,
                              storage_path=str(tmp_path / "ray-storage"))
    handle["run"] = run
    run.wait(180)
    assert run.status == "stopped"
    assert 2 <= len(run.history) < 50
    assert in_project and not any(in_project), "worker 0 wrote into the project folder"
    back = tmp_path / "spiral" / "runs" / run.run_id
    meta = json.loads((back / "meta.json").read_text())
    assert meta["status"] == "stopped" and meta["epochs_done"] == len(run.history)
    assert len(json.loads((back / "history.json").read_text())) == len(run.history)
    assert p.load_run(run.run_id, weights="last").epoch == len(run.history)


@pytest.mark.parametrize("kwargs, path, words", [
    ({"workers": 0}, "workers", "at least 1"),
    ({"workers": 64}, "workers", "64 workers need 64 CPUs"),
    ({"workers": 2, "address": "ray://10.0.0.5:10001"}, "address", "10.0.0.5:6379"),
    ({"workers": 2, "resources_per_worker": {"tpu": 1}}, "resources_per_worker", "not tpu"),
])
def test_bad_requests_are_refused_before_anything_starts(tmp_path, kwargs, path, words):
    p = L.new(tmp_path / "xor", example="xor")
    with pytest.raises(SpecError) as err:
        p.train_distributed(**kwargs)
    e = err.value
    assert e.path == path and words in (str(e.message) + " " + str(e.hint)), e
    assert not (tmp_path / "xor" / "runs").exists() or not any((tmp_path / "xor" / "runs").iterdir())


def test_an_address_where_nothing_answers_is_refused_in_seconds(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    p = L.new(tmp_path / "xor", example="xor")
    with pytest.raises(SpecError) as err:
        p.train_distributed(workers=2, address=f"127.0.0.1:{port}")
    assert "no Ray cluster answered" in str(err.value.message) and "ray start --head" in str(err.value.hint)


def test_without_ray_the_error_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    p = L.new(tmp_path / "xor", example="xor")
    with pytest.raises(SpecError) as err:
        p.train_distributed(workers=2)
    assert '.[scale]' in str(err.value.hint)


def test_a_four_trial_search_on_ray_tune_tags_its_runs(tmp_path):
    from layerlab import api_search
    doc = L.example("xor")
    doc["model"]["layers"][0]["units"] = {"search": {"choice": [2, 8, 16]}}
    doc["training"]["learning_rate"] = {"search": {"loguniform": [1e-3, 1e-1]}}
    p = L.new(tmp_path / "xor", doc=doc)
    result = api_search.search_on_ray(p, trials=4, parallel=2, epochs=4)
    assert result.status == "finished" and len(result.trials) == 4
    best = result.best
    assert best is not None and best.state == "finished" and best.epochs == 4
    rows = {r["run_id"]: r for r in p.runs()}
    for t in result.trials:
        assert t.run_id in rows
        assert rows[t.run_id]["status"] == ("finished" if t.state == "finished" else "stopped"), (t, rows[t.run_id])
    assert api_search.searches(p)[0]["search_id"] == result.search_id


def test_a_lost_worker_fails_the_run_in_plain_words_and_its_last_copy_comes_back(tmp_path):
    """With a storage path (a multi-machine run), the run folder as worker 0 last copied it comes back."""
    import os
    import signal
    import time
    p = L.new(tmp_path / "spiral", example="spiral")
    storage = tmp_path / "ray-storage"
    run = p.train_distributed(workers=2, epochs=2000, background=True, storage_path=str(storage))
    on_storage = storage / run.run_id / "layerlab"
    pid = None
    deadline = time.time() + 120
    while time.time() < deadline:  # worker 0's pid reaches the registry; its first checkpoint the storage
        row = next((r for r in p.runs() if r["run_id"] == run.run_id), None)
        if row and row.get("pid") and (on_storage / "state.json").exists():
            pid = row["pid"]
            break
        time.sleep(0.2)
    assert pid, "worker 0 never copied a checkpoint to the storage path"
    os.kill(int(pid), signal.SIGKILL)
    run.wait(180)
    assert run.status == "failed"
    assert "A training worker was lost" in str(run.failure.message)
    row = next(r for r in p.runs() if r["run_id"] == run.run_id)
    assert row["status"] == "failed"
    back = tmp_path / "spiral" / "runs" / run.run_id
    meta = json.loads((back / "meta.json").read_text())
    assert meta["status"] == "failed" and "A training worker was lost" in meta["message"]
    assert json.loads((back / "state.json").read_text())["epoch"] >= 1 and (back / "weights.safetensors").exists()
    assert p.load_run(run.run_id, weights="last").epoch >= 1
