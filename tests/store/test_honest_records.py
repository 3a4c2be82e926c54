"""A run whose process is gone reads 'interrupted' everywhere, with the epochs its checkpoint holds;
the temp files of a write that was cut short are removed."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

import layerlab
from layerlab.cli import app
from layerlab.store import atomic, registry
from layerlab.store.runs import RunFolder, process_alive, process_tag


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_live_process_is_told_from_a_dead_one_and_from_a_reused_pid():
    tag = process_tag()
    assert process_alive(tag["pid"], tag["host"], tag["pid_started"])
    assert not process_alive(_dead_pid(), tag["host"])
    assert not process_alive(tag["pid"], tag["host"], tag["pid_started"] - 3600), "same pid, other process"
    assert process_alive(12345, "another-machine"), "a run of another machine is not ours to judge"


def _orphan(tmp_path, epochs_saved: int, history_rows: int):
    """A run folder as a killed process leaves it: meta 'running', a checkpoint, history one group ahead."""
    p = layerlab.new(tmp_path / "xor", example="xor")
    run = p.train(epochs=epochs_saved)
    f = RunFolder(p.dir / "runs" / run.run_id)
    hist = f.history()
    f.write_history(hist + [{**hist[-1], "epoch": e} for e in range(epochs_saved + 1, history_rows + 1)])
    f.update_meta(status="running", pid=_dead_pid(), pid_started=None, epochs_done=0, ended=None)
    registry.record(f.meta())
    (f.path / ".weights.safetensors.abc123.tmp").write_bytes(b"half a write")
    return p, f


def test_listing_runs_marks_a_dead_run_interrupted_with_what_its_checkpoint_holds(tmp_path):
    p, f = _orphan(tmp_path, epochs_saved=3, history_rows=5)
    stale = p.dir / ".project.json.dead.tmp"
    stale.write_text("{")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    row = p.runs()[0]
    assert not stale.exists(), "an old temp file of the project's own writes is removed too"
    assert row["status"] == "interrupted" and row["epochs_done"] == 3
    meta = f.meta()
    assert meta["status"] == "interrupted" and meta["epochs_done"] == 3
    assert "3 epochs are saved" in meta["message"] and meta["texts"]["message"]
    assert [h["epoch"] for h in f.history()] == [1, 2, 3], "history cut to the checkpoint"
    assert not list(f.path.glob(".*.tmp"))
    assert p.load_run().epoch is not None  # still usable: predict and continue work from it


def test_the_registry_listing_alone_marks_it_too(tmp_path):
    p, f = _orphan(tmp_path, epochs_saved=2, history_rows=2)
    rows = [r for r in registry.list_runs() if r["run_id"] == f.run_id]
    assert rows[0]["status"] == "interrupted" and f.meta()["status"] == "interrupted"


def test_a_live_run_is_left_running(tmp_path):
    p = layerlab.new(tmp_path / "xor", example="xor")
    run = p.train(epochs=2)
    f = RunFolder(p.dir / "runs" / run.run_id)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        f.update_meta(status="running", pid=sleeper.pid, pid_started=None)
        assert f.recover() is None and f.meta()["status"] == "running"
    finally:
        sleeper.kill()
        sleeper.wait()


def test_clean_tmp_spares_a_fresh_temp_file_when_asked(tmp_path):
    (tmp_path / ".a.json.x.tmp").write_text("old")
    os.utime(tmp_path / ".a.json.x.tmp", (time.time() - 600, time.time() - 600))
    (tmp_path / ".b.json.y.tmp").write_text("being written")
    (tmp_path / "keep.tmp").write_text("not ours: no leading dot")
    assert atomic.clean_tmp(tmp_path, older_than_s=60) == [".a.json.x.tmp"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".b.json.y.tmp", "keep.tmp"]


def test_write_many_replaces_every_file_or_leaves_the_old_ones(tmp_path, monkeypatch):
    atomic.write_many([(tmp_path / "a", b"1"), (tmp_path / "b", b"1")])
    real = os.fsync
    calls = []

    def failing(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(fd)
    monkeypatch.setattr(os, "fsync", failing)
    with pytest.raises(OSError):
        atomic.write_many([(tmp_path / "a", b"2"), (tmp_path / "b", b"2")])
    assert (tmp_path / "a").read_bytes() == b"1" and (tmp_path / "b").read_bytes() == b"1"
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.slow
def test_kill_9_of_a_cli_run_reads_interrupted_with_the_right_epochs(tmp_path):
    doc = layerlab.example("xor")
    doc["training"].update(epochs=100000, early_stopping=None)
    p = layerlab.new(tmp_path / "xor", doc=doc)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "layerlab", "train", str(p.dir), "--json"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 90
        meta: dict = {}
        while time.time() < deadline:
            metas = list((p.dir / "runs").glob("*/meta.json")) if (p.dir / "runs").exists() else []
            meta = json.loads(metas[0].read_text()) if metas else {}
            if (meta.get("epochs_done") or 0) >= 2:
                break
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.1)
        assert (meta.get("epochs_done") or 0) >= 2, "no checkpoint within 90 s"
        time.sleep(0.4)  # mid-run: epochs trained after the last checkpoint are lost, as they should be
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        worker = json.loads(metas[0].read_text()).get("pid")
        end = time.time() + 10
        while worker and process_alive(worker) and time.time() < end:  # a worker process dies with it
            time.sleep(0.1)
    finally:
        if proc.poll() is None:
            proc.kill()
    res = CliRunner().invoke(app, ["runs", str(p.dir), "--json"], catch_exceptions=False)
    row = json.loads(res.output)[0]
    folder = metas[0].parent
    history = json.loads((folder / "history.json").read_text())
    state = json.loads((folder / "state.json").read_text())
    assert row["status"] == "interrupted", row
    assert row["epochs_done"] == len(history) == history[-1]["epoch"] == state["epoch"] >= 2
    assert not list(folder.glob(".*.tmp"))
    plain = CliRunner().invoke(app, ["runs", str(p.dir)], env={"COLUMNS": "200"}, catch_exceptions=False)
    assert "interrupted" in plain.output


def test_a_registry_from_before_best_epoch_was_kept_gains_the_columns(tmp_path):
    import sqlite3
    path = registry.db_path()
    with sqlite3.connect(path) as con:  # the first schema: no best_epoch, no pid_started
        con.execute("""CREATE TABLE runs (run_id TEXT PRIMARY KEY, project TEXT, project_dir TEXT, started REAL,
            ended REAL, status TEXT, duration_s REAL, epochs_done INTEGER, final TEXT, spec_hash TEXT, pid INTEGER,
            host TEXT, continued_from TEXT, message TEXT)""")
        con.execute("INSERT INTO runs (run_id, project_dir, status, epochs_done) VALUES ('old', '/p', 'finished', 4)")
    registry._ready.discard(str(path))
    registry.record({"run_id": "new", "project_dir": "/p", "status": "finished", "epochs_done": 9, "best_epoch": 6})
    rows = {r["run_id"]: r for r in registry.list_runs("/p")}
    assert rows["old"]["best_epoch"] is None and str(rows["old"]["weights_note"]) == "last: epoch 4"
    assert str(rows["new"]["weights_note"]) == "best: epoch 6 of 9"
