"""The run folder on disk and the SQLite registry: what a user finds after training, crashes included."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch

import layerlab
from layerlab.spec.errors import SpecError
from layerlab.store import registry
from layerlab.store.checkpoint import load_tensors, optimizer_from_tensors, optimizer_to_tensors, save_tensors
from layerlab.store.runs import RunFolder, new_run_id, open_run, spec_hash

XOR_FAST = {"epochs": 3}


def _xor(tmp_path, name="xor", **training):
    doc = layerlab.example("xor")
    doc["training"].update(training or XOR_FAST)
    return layerlab.new(tmp_path / name, doc=doc)


def test_a_run_folder_holds_everything_to_reload_and_continue_without_pickle(tmp_path):
    p = _xor(tmp_path)
    run = p.train()
    d = p.dir / "runs" / run.run_id
    names = {f.name for f in d.iterdir()}
    assert {"weights.safetensors", "best.safetensors", "optimizer.safetensors", "state.json", "spec.json",
            "preprocessing.json", "data.json", "history.json", "meta.json"} <= names
    assert not [n for n in names if n.endswith((".pt", ".pth", ".pkl", ".tmp"))]
    meta = json.loads((d / "meta.json").read_text())
    assert meta["status"] == "finished" and meta["epochs_done"] == 3 and meta["duration_s"] > 0
    assert meta["versions"]["torch"] == torch.__version__ and meta["versions"]["python"]
    assert meta["spec_hash"] == spec_hash(p.doc) and meta["final"] == run.final
    assert json.loads((d / "spec.json").read_text()) == p.doc
    assert json.loads((d / "data.json").read_text())["classes"] == p.dataset().info.classes
    assert [h["epoch"] for h in json.loads((d / "history.json").read_text())] == [1, 2, 3]
    weights = load_tensors(d / "weights.safetensors")
    assert set(weights) == set(p.build().state_dict())
    loaded = p.load_run()
    assert loaded.run_id == run.run_id and not loaded.network.training and loaded.info.classes
    assert loaded.history == run.history or [h["epoch"] for h in loaded.history] == [1, 2, 3]


def test_spec_hash_ignores_name_and_description_but_not_training():
    doc = layerlab.example("xor")
    renamed = dict(doc, name="other", description="notes")
    faster = json.loads(json.dumps(doc))
    faster["training"]["learning_rate"] = 0.5
    assert spec_hash(doc) == spec_hash(renamed) != spec_hash(faster)


def test_run_ids_sort_by_time_and_are_unique():
    ids = [new_run_id(1_700_000_000 + i) for i in range(5)] + [new_run_id(1_700_000_000.5)]
    assert ids[:5] == sorted(ids[:5]) and len(set(ids)) == 6


def test_optimizer_state_round_trips_through_safetensors(tmp_path):
    net = torch.nn.Linear(3, 2)
    opt = torch.optim.AdamW(net.parameters(), lr=0.01, betas=(0.8, 0.99))
    net(torch.randn(4, 3)).sum().backward()
    opt.step()
    tensors, meta = optimizer_to_tensors(opt.state_dict())
    save_tensors(tmp_path / "o.safetensors", tensors)
    (tmp_path / "o.json").write_text(json.dumps(meta))
    fresh = torch.optim.AdamW(torch.nn.Linear(3, 2).parameters(), lr=0.5)
    fresh.load_state_dict(optimizer_from_tensors(load_tensors(tmp_path / "o.safetensors"),
                                                 json.loads((tmp_path / "o.json").read_text())))
    a, b = opt.state_dict(), fresh.state_dict()
    assert b["param_groups"][0]["lr"] == 0.01 and tuple(b["param_groups"][0]["betas"]) == (0.8, 0.99)
    for k in a["state"][0]:
        assert torch.equal(torch.as_tensor(a["state"][0][k]), torch.as_tensor(b["state"][0][k]))


def test_open_run_errors_name_the_choices(tmp_path):
    p = _xor(tmp_path)
    with pytest.raises(SpecError, match="no trained run yet"):
        p.load_run()
    with pytest.raises(SpecError, match="no trained run yet"):
        p.predict([[0.0, 1.0]])
    run = p.train()
    with pytest.raises(SpecError) as e:
        open_run(p.dir, "nope")
    assert run.run_id in e.value.hint


def test_registry_lists_runs_per_project_with_status_duration_metrics_and_hash(tmp_path):
    a, b = _xor(tmp_path, "a"), _xor(tmp_path, "b")
    r1, r2, r3 = a.train(), a.train(epochs=1), b.train()
    rows = a.runs()
    assert [r["run_id"] for r in rows] == [r2.run_id, r1.run_id]  # newest first, only this project
    assert rows[1]["status"] == "finished" and rows[1]["epochs_done"] == 3
    assert rows[1]["final"]["val_accuracy"] == r1.final["val_accuracy"] and rows[1]["duration_s"] > 0
    assert rows[1]["spec_hash"] == spec_hash(a.doc) and rows[1]["project"] == "xor"
    assert {r["run_id"] for r in registry.list_runs()} == {r1.run_id, r2.run_id, r3.run_id}


def test_registry_is_rebuilt_from_the_run_folders(tmp_path):
    p = _xor(tmp_path)
    run = p.train()
    for f in registry.db_path().parent.glob(registry.DB_NAME + "*"):  # the database and its WAL files
        f.unlink()
    assert [r["run_id"] for r in p.runs()] == [run.run_id]
    assert p.runs()[0]["status"] == "finished"


def test_runs_left_running_by_a_dead_process_are_marked_interrupted(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    folder = RunFolder.create(tmp_path / "proj", "20260101-000000-000-dead")
    meta = {"run_id": folder.run_id, "project": "x", "project_dir": str(tmp_path / "proj"), "status": "running",
            "started": 1.0, "pid": pid, "host": os.uname().nodename}
    folder.write_json("meta.json", meta)
    registry.record(meta)
    alive = dict(meta, run_id="20260101-000000-000-live", pid=os.getppid())  # the parent process is alive
    registry.record(alive)
    assert registry.mark_interrupted() == [folder.run_id]
    assert registry.get(folder.run_id)["status"] == "interrupted"
    assert folder.meta()["status"] == "interrupted"
    assert registry.get(alive["run_id"])["status"] == "running"
