"""Every run keeps the best epoch's weights and the last one's; predict (and so inspect and export,
which load runs the same way) use the best by default and say which epoch it is."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

import layerlab
from layerlab.spec.errors import SpecError


@pytest.fixture(scope="module")
def stopped_early(tmp_path_factory):
    """xor with a high learning rate and patience 2: it stops early, so the best epoch is not the last."""
    doc = layerlab.example("xor")
    doc["training"].update(epochs=200, learning_rate=0.2, early_stopping={"patience": 2})
    p = layerlab.new(tmp_path_factory.mktemp("ll") / "xor", doc=doc)
    run = p.train()
    assert run.status == "finished"
    return p, run


def test_best_and_last_are_both_kept_and_the_meta_says_which_is_which(stopped_early):
    p, run = stopped_early
    folder = p.dir / "runs" / run.run_id
    meta = json.loads((folder / "meta.json").read_text())
    h = run.history
    best = min(h, key=lambda r: r["val_loss"])["epoch"]
    assert meta["best_epoch"] == best and meta["epochs_done"] == h[-1]["epoch"] == best + 2
    assert meta["final"]["epoch"] == best and meta["last"]["epoch"] == h[-1]["epoch"]
    assert run.final["epoch"] == best
    state = json.loads((folder / "state.json").read_text())
    assert state["epoch"] == meta["epochs_done"], "the optimizer state belongs to the last weights"
    last_w, best_w = load_file(folder / "weights.safetensors"), load_file(folder / "best.safetensors")
    assert any(not torch.equal(last_w[k], best_w[k]) for k in last_w)


def test_predict_uses_the_best_epoch_and_says_so_and_last_is_an_option(stopped_early):
    p, run = stopped_early
    best = p.load_run()
    assert (best.weights, best.epoch) == ("best", run.final["epoch"])
    assert str(best.note) == f"best: epoch {best.epoch} of {run.history[-1]['epoch']}"
    assert best.note.to("de") == f"beste: Epoche {best.epoch} von {run.history[-1]['epoch']}"
    last = p.load_run(weights="last")
    assert (last.weights, last.epoch, str(last.note)) == ("last", run.history[-1]["epoch"],
                                                          f"last: epoch {run.history[-1]['epoch']}")
    x = [[0.1, 0.9], [0.8, 0.2], [0.9, 0.9]]
    assert np.allclose(p.predict(x), p.predict(x, weights="best"))
    assert not np.allclose(p.predict(x), p.predict(x, weights="last"))
    row = p.runs()[0]
    assert row["best_epoch"] == best.epoch and str(row["weights_note"]) == str(best.note)
    with pytest.raises(SpecError) as info:
        p.predict(x, weights="middle")
    assert info.value.path == "weights" and "last" in str(info.value.hint)


def test_a_run_without_best_weights_falls_back_to_its_last(stopped_early, tmp_path):
    import shutil
    p, run = stopped_early
    q = layerlab.new(tmp_path / "copy", doc=p.doc)
    shutil.copytree(p.dir / "runs", q.dir / "runs")
    (q.dir / "runs" / run.run_id / "best.safetensors").unlink()
    loaded = q.load_run()
    assert loaded.weights == "last" and str(loaded.note).startswith("last: epoch")


def test_restore_best_false_makes_the_last_epoch_the_default(tmp_path):
    doc = layerlab.example("xor")
    doc["training"].update(epochs=3, early_stopping={"restore_best": False})
    p = layerlab.new(tmp_path / "xor", doc=doc)
    run = p.train()
    assert run.final["epoch"] == 3 and p.load_run().weights == "last"


def test_continue_goes_on_from_the_last_epoch_not_the_best(stopped_early, tmp_path):
    p, run = stopped_early
    last = run.history[-1]["epoch"]
    child = p.continue_run(run.run_id, epochs=1)
    assert child.status == "finished" and [h["epoch"] for h in child.history[-2:]] == [last, last + 1]
    # the same training without early stopping, one epoch longer: its epoch last+1 is what going on
    # from the last weights (with their optimizer state and shuffling) gives; from the best it differs
    doc = json.loads(json.dumps(p.doc))
    doc["training"].update(epochs=last + 1, early_stopping=None)
    straight = layerlab.new(tmp_path / "straight", doc=doc).train()
    assert [h["loss"] for h in straight.history[:last]] == pytest.approx([h["loss"] for h in run.history])
    assert child.history[-1]["loss"] == pytest.approx(straight.history[-1]["loss"], rel=1e-5)


def test_inspect_uses_the_best_epoch_unless_told_last(stopped_early, tmp_path):
    p, run = stopped_early
    best, last = run.final["epoch"], run.history[-1]["epoch"]
    a = p.inspect("weights", run=run.run_id)  # the run itself: another test may have continued it since
    b = p.inspect("weights", run=run.run_id, weights="last")
    assert a.data["weights_note"] == f"best: epoch {best} of {last}"
    assert b.data["weights_note"] == f"last: epoch {last}"
    assert a.data["weights"] != b.data["weights"], "the histograms are of different weights"
