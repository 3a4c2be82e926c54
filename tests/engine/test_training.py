"""Training behaviour a user notices: it learns, it reports, it is reproducible, it explains failures."""
from __future__ import annotations

import json

import pytest
import torch

from layerlab.data.dataset import Dataset, Split
from layerlab.engine import events as ev

from engine_helpers import LINEAR, MLP, blobs, line


def test_training_learns_and_reports_events_in_order(make_project):
    p = make_project(epochs=8, learning_rate=0.05)
    seen = []
    run = p.train(on_event=seen.append, dataset=blobs())
    assert run.status == "finished" and run.failure is None
    assert [h["epoch"] for h in run.history] == list(range(1, 9))
    assert run.final["val_accuracy"] >= 0.95
    assert run.history[-1]["loss"] < run.history[0]["loss"]
    kinds = [e.name for e in seen]
    assert kinds[0] == "RunStarted" and kinds[-1] == "RunFinished"
    assert kinds.count("EpochEnded") == 8 and "CheckpointSaved" in kinds and "BatchEnded" in kinds
    start = seen[0]
    assert (start.n_train, start.n_val, start.epochs) == (180, 60, 8)
    last = [e for e in seen if isinstance(e, ev.EpochEnded)][-1]
    assert last.eta_s == 0 and last.samples_per_s > 0 and set(last.val) >= {"loss", "accuracy"}
    json.dumps([e.to_dict() for e in seen])  # every event is JSON-ready
    batches = [e for e in seen if isinstance(e, ev.BatchEnded)]
    assert batches and all(b.time - a.time >= 0.09 for a, b in zip(batches, batches[1:]))  # at most ~10 a second


def test_same_spec_and_seed_give_the_same_metrics(make_project):
    mlp_dropout = [MLP[0], {"type": "dropout", "rate": 0.3}, MLP[1]]
    a = make_project(layers=mlp_dropout, name="a", epochs=3, seed=7).train(dataset=blobs())
    b = make_project(layers=mlp_dropout, name="b", epochs=3, seed=7).train(dataset=blobs())
    c = make_project(layers=mlp_dropout, name="c", epochs=3, seed=8).train(dataset=blobs())
    strip = lambda h: [{k: v for k, v in r.items() if "s" != k[-1:] or k in ("loss", "val_loss")} for r in h]  # noqa
    assert [r["loss"] for r in a.history] == [r["loss"] for r in b.history]
    assert [r["val_accuracy"] for r in a.history] == [r["val_accuracy"] for r in b.history]
    assert [r["loss"] for r in a.history] != [r["loss"] for r in c.history]
    assert strip(a.history)


def test_regression_with_schedule_clipping_and_weight_decay(make_project):
    p = make_project(layers=LINEAR, classes=0, epochs=30, learning_rate=0.05, optimizer="sgd", momentum=0.9,
                     nesterov=True, gradient_clip=1.0, weight_decay=1e-4,
                     schedule={"type": "cosine"}, metrics=["mse", "mae", "r2"])
    run = p.train(dataset=line())
    assert run.status == "finished"
    assert run.final["val_r2"] > 0.99 and run.final["val_mse"] < 0.05
    lrs = [h["lr"] for h in run.history]
    assert lrs[-1] < lrs[0] * 0.05  # cosine annealed


def test_early_stopping_restores_the_best_epoch(make_project):
    p = make_project(epochs=60, learning_rate=0.05,
                     early_stopping={"monitor": "val_loss", "patience": 2, "min_delta": 0.001,
                                     "restore_best": True})
    run = p.train(dataset=blobs(spread=3.0))
    assert run.status == "finished" and len(run.history) < 60
    best = min(run.history, key=lambda h: h["val_loss"])
    assert run.final["epoch"] == best["epoch"] and run.final["val_loss"] == best["val_loss"]
    loaded = p.load_run(run.run_id)  # the saved weights are the best epoch's, not the last's
    ds = blobs(spread=3.0)
    with torch.no_grad():
        z = loaded.network.logits(ds.val.x)
    assert float(torch.nn.functional.cross_entropy(z, ds.val.y)) == pytest.approx(best["val_loss"], rel=1e-4)


def test_regularisers_are_added_to_the_loss(make_project):
    l2 = [{"type": "dense", "units": 16, "activation": "relu", "kernel_l2": 0.5}, MLP[1]]
    plain = make_project(name="plain", epochs=6, learning_rate=0.03).train(dataset=blobs())
    reg = make_project(layers=l2, name="reg", epochs=6, learning_rate=0.03).train(dataset=blobs())
    assert reg.status == "finished", reg.failure
    norm = lambda p: float(p.load_run().network.layers[0].core.weight.detach().norm())  # noqa: E731
    assert norm(reg.project) < norm(plain.project) * 0.8
    assert reg.history[0]["loss"] > plain.history[0]["loss"]  # the penalty is part of the reported loss


def test_balanced_class_weights_favour_the_rare_class():
    from layerlab.engine.setup import class_weight_tensor
    ds = blobs()
    y = torch.tensor([0] * 90 + [1] * 10)
    w = class_weight_tensor("balanced", ds.info, Split(torch.zeros(100, 4), y), torch.device("cpu"))
    assert w[1] == pytest.approx(w[0] * 9) and w[2] == 1.0  # a class without samples keeps weight 1
    named = class_weight_tensor({"c1": 3.0}, ds.info, ds.train, torch.device("cpu"))
    assert named.tolist() == [1.0, 3.0, 1.0]


def test_unknown_class_in_class_weights_fails_with_the_valid_names(make_project):
    bad = make_project(name="bad", epochs=1, class_weights={"nope": 2.0}).train(dataset=blobs())
    assert bad.status == "failed" and bad.failure.path.startswith("training.class_weights")
    assert "c0" in bad.failure.hint + bad.failure.message


def test_a_nan_loss_names_epoch_and_batch_and_suggests_a_lower_rate(make_project):
    p = make_project(layers=LINEAR, classes=0, epochs=5, optimizer="sgd", learning_rate=5.0, batch_size=8)
    run = p.train(dataset=line(scale=1000.0))
    assert run.status == "failed"
    f = run.failure
    assert f.kind == "nan" and f.epoch >= 1 and f.batch >= 1
    assert f"epoch {f.epoch}, batch {f.batch}" in f.message
    assert "learning rate" in f.hint.lower() and "0.5" in f.hint
    assert p.runs()[0]["status"] == "failed"


def test_a_shape_error_names_the_layer(make_project):
    p = make_project(epochs=1)
    ds = blobs(features=5)  # the spec's data gives 4 features; this data has 5
    run = p.train(dataset=ds)
    assert run.status == "failed" and run.failure.kind == "shape"
    assert run.failure.path == "model.layers[0]" and "dense" in run.failure.message


def test_an_invalid_spec_fails_the_run_in_plain_words_without_raising(make_project):
    p = make_project(layers=[{"type": "dense", "units": 0}], epochs=1)
    run = p.train(dataset=blobs())
    assert run.status == "failed" and run.failure.kind == "spec"
    assert run.failure.path.startswith("model.layers[0]")


def test_a_broken_listener_does_not_break_the_run(make_project):
    def boom(e):
        raise RuntimeError("listener bug")
    run = make_project(epochs=2).train(on_event=boom, dataset=blobs())
    assert run.status == "finished"


def test_labels_outside_the_classes_are_a_data_error(make_project):
    ds = blobs()
    ds = Dataset(ds.info, Split(ds.train.x, ds.train.y + 5), ds.val, None, ds.preprocessor)
    run = make_project(epochs=1).train(dataset=ds)
    assert run.status == "failed" and run.failure.kind == "data" and "3 classes" in run.failure.message


def test_out_of_memory_is_said_in_plain_words_with_the_batch_size():
    from layerlab.engine.diagnose import explain
    f = explain(RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"), epoch=2, batch=7, batch_size=512)
    assert f["kind"] == "out_of_memory" and "Ran out of memory in epoch 2, batch 7" in f["message"]
    assert "512" in f["hint"] and f["path"] == "training.batch_size"
    assert explain(MemoryError(), epoch=1)["kind"] == "out_of_memory"


def test_a_setup_failure_with_early_stopping_still_names_the_real_problem(make_project):
    p = make_project(name="es", epochs=2, class_weights={"nope": 2.0},
                     early_stopping={"patience": 1, "restore_best": True})
    run = p.train()
    assert run.status == "failed" and run.failure.path.startswith("training.class_weights")
    assert "best_epoch" not in run.failure.message + run.failure.detail
