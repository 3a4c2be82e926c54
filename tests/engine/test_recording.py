"""Training leaves per-epoch records that the inspect views (weights, errors) read."""
from __future__ import annotations

import json

import layerlab


def test_a_run_records_epochs_for_the_weights_and_errors_views(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERLAB_RECORD_BUDGET", "10.0")      # generous: record every epoch of this short run
    p = layerlab.new(tmp_path / "xor", example="xor")
    run = p.train(epochs=8)
    records = json.loads((p.dir / "runs" / run.run_id / "inspect.json").read_text())
    epochs = [e["epoch"] for e in records["epochs"]]
    assert epochs == list(range(1, 9))
    n_val = len(p.dataset().val)
    assert all(len(e["loss"]) == n_val and len(e["correct"]) == n_val for e in records["epochs"])
    assert {"weights", "gradients", "dead"} <= set(records["epochs"][-1])
    errors = p.inspect("errors", run=run.run_id)
    forgetting = errors.data["forgetting"]                  # read from the records, one entry per sample
    assert forgetting is not None and len(forgetting["events"]) == n_val
    assert forgetting["learned_at_end"] == sum(records["epochs"][-1]["correct"])


def test_recording_does_not_change_what_a_run_learns(tmp_path, monkeypatch):
    a = layerlab.new(tmp_path / "a", example="xor").train(epochs=4)
    monkeypatch.setenv("LAYERLAB_RECORD_BUDGET", "0")       # only the last epoch
    b = layerlab.new(tmp_path / "b", example="xor").train(epochs=4)
    assert a.history[-1]["val_loss"] == b.history[-1]["val_loss"]


def test_a_tight_budget_still_records_the_last_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERLAB_RECORD_BUDGET", "0")
    p = layerlab.new(tmp_path / "xor", example="xor")
    run = p.train(epochs=3)
    records = json.loads((p.dir / "runs" / run.run_id / "inspect.json").read_text())
    assert [e["epoch"] for e in records["epochs"]] == [3]
