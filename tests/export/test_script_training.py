"""The standalone script repeats LayerLab's training: its history equals the engine's run.

Each test trains a tiny project with the engine, exports the script, runs it in a fresh
Python without LayerLab (subprocess, `--history`), and compares epoch by epoch: the learning
rate exactly, the losses and metrics up to float rounding. Checks that need no training run
exec the generated text in-process, as the exporter itself does.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import layerlab
from layerlab.engine.schedules import Schedule
from layerlab.spec.catalog import SCHEDULES
from layerlab.spec.errors import SpecError

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": ""}
TIMING = ("samples_per_s", "elapsed_s", "epoch_s")


def project(tmp_path, example, data=None, layers=None, **training):
    """An example project with some training (and data) settings changed."""
    p = layerlab.new(tmp_path / example, example=example)
    p.doc["training"].update(training)
    p.doc["data"].update(data or {})
    if layers is not None:
        p.doc["model"]["layers"] = layers
    p.save()
    return p


def train_both(tmp_path, p):
    """(engine run, script history, script stdout, script text) for a project."""
    run = p.train()
    assert run.status == "finished", run.failure
    script = tmp_path / "train_it.py"
    p.export("script", script)
    proc = subprocess.run([sys.executable, str(script), "--history", str(tmp_path / "h.json")], capture_output=True,
                          text=True, cwd=tmp_path, env=ENV, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return run, json.loads((tmp_path / "h.json").read_text()), proc.stdout, script.read_text()


def assert_same_history(engine, script, rel=1e-5):
    """Same epochs and keys; learning rates equal; losses and metrics equal up to rounding."""
    assert [r["epoch"] for r in script] == [r["epoch"] for r in engine]
    for want, got in zip(engine, script):
        assert set(got) == set(want) - set(TIMING), (sorted(got), sorted(want))
        assert got["lr"] == pytest.approx(want["lr"], rel=1e-12), want["epoch"]
        for key, value in got.items():
            assert value == pytest.approx(want[key], rel=rel, abs=1e-7), (want["epoch"], key)


def exec_script(path):
    """The generated script's names, without running its training (as check_script does)."""
    space = {"__name__": "generated", "__file__": str(path)}
    exec(compile(path.read_text(), str(path), "exec"), space)
    return space


def test_step_schedule_rates_weights_and_metrics_match_the_engine(tmp_path):
    p = project(tmp_path, "iris", epochs=5, optimizer="sgd", learning_rate=0.1, momentum=0.9, nesterov=True,
                weight_decay=0.001, schedule={"type": "step", "step_size": 2, "gamma": 0.5},
                class_weights={"setosa": 2.0}, metrics=["accuracy", "f1", "top_k_accuracy"])
    run, history, out, text = train_both(tmp_path, p)
    assert [r["lr"] for r in run.history] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])
    assert_same_history(run.history, history)
    assert "CLASS_WEIGHTS = [2.0, 1.0, 1.0]" in text and "momentum=0.9, nesterov=True, weight_decay=0.001" in text
    assert re.search(r"epoch 5/5 .*lr 0\.025", out)


def test_cosine_schedule_sets_the_rate_before_every_batch(tmp_path):
    p = project(tmp_path, "xor", epochs=4, learning_rate=0.05, schedule={"type": "cosine", "min_lr": 0.001},
                data={"augmentation": {"gaussian_noise": {"std": 0.3}}})
    run, history, _, text = train_both(tmp_path, p)
    assert (tmp_path / "train_it_data.npz").exists()  # a generated dataset travels with LayerLab's split
    rates = [r["lr"] for r in run.history]
    assert 0.001 < rates[0] < 0.05 and rates == sorted(rates, reverse=True)  # the last batch's rate, falling
    assert_same_history(run.history, history)
    assert "learning_rate(epoch - 1 + b / n_batches)" in text and "def augment(x, g):" in text


def test_early_stopping_stops_at_the_engines_epoch_and_keeps_the_best_weights(tmp_path):
    p = project(tmp_path, "iris", epochs=60, learning_rate=0.2,
                early_stopping={"monitor": "val_loss", "patience": 3, "restore_best": True})
    run, history, out, _ = train_both(tmp_path, p)
    finished = run.events[-1]
    assert finished.early_stopped and len(run.history) < 60, "the seeded setup must stop early"
    assert len(history) == len(run.history)
    assert_same_history(run.history, history)
    assert f"restored the weights of epoch {finished.best_epoch}, the best val_loss" in out
    val = float(re.search(r"final validation accuracy ([\d.]+)\s+loss ([\d.]+)", out).group(2))
    assert val == pytest.approx(run.final["val_loss"], abs=1e-4)  # the best epoch's, not the last one's


def test_balanced_class_weights_and_gradient_clipping_appear_and_run(tmp_path):
    layers = [{"type": "dense", "units": 8, "activation": "relu"}, {"type": "dense", "units": 1, "activation": "sigmoid"}]
    p = project(tmp_path, "iris", epochs=3, layers=layers, loss="binary_cross_entropy", class_weights="balanced",
                gradient_clip=0.05, metrics=["accuracy", "precision", "recall"])
    p.doc["data"] = {"source": "breast_cancer", "validation_split": 0.2, "seed": 0}  # 212 malignant, 357 benign
    p.save()
    run, history, _, text = train_both(tmp_path, p)
    assert "def balanced_weights(y):" in text and "weight = balanced_weights(ytr).to(DEVICE)" in text
    assert "GRADIENT_CLIP = 0.05" in text and "clip_grad_norm_(model.parameters(), GRADIENT_CLIP)" in text
    assert_same_history(run.history, history)
    from sklearn.datasets import load_breast_cancer
    rows = load_breast_cancer().data[::60]
    probs = exec_script(tmp_path / "train_it.py")["predict"](rows)  # from the weights the script saved
    want = p.predict(rows, run_id=run.run_id)
    assert probs.shape == (len(rows), 2) and 0.05 < want[:, 1].std() and np.abs(probs - want).max() < 1e-4
    unweighted = layerlab.load(p.dir)
    unweighted.doc["training"].pop("class_weights")
    assert unweighted.train().history[0]["loss"] != pytest.approx(run.history[0]["loss"], rel=1e-3)


def test_image_augmentation_draws_as_the_engine_does(tmp_path):
    p = project(tmp_path, "digits", epochs=1, data={"augmentation": {
        "flip": {"vertical": True}, "rotation": {}, "shift": {}, "zoom": {}, "brightness": {}, "contrast": {},
        "noise": {}}})
    run, history, _, text = train_both(tmp_path, p)
    assert_same_history(run.history, history)
    assert "F.grid_sample" in text and "x = x.clamp(0.0, 1.0)" in text


def test_regression_with_penalties_initializers_test_split_and_plateau(tmp_path):
    layers = [{"type": "dense", "units": 8, "activation": "relu", "kernel_l2": 0.01, "activity_l1": 0.001,
               "kernel_initializer": "he_normal", "bias_initializer": "constant"},
              {"type": "residual", "layers": [{"type": "dense", "units": 8, "kernel_l1": 0.01}]},
              {"type": "dense", "units": 1, "activation": "linear", "kernel_initializer": "glorot_uniform"}]
    p = project(tmp_path, "sine", epochs=5, layers=layers, learning_rate=0.05, metrics=["mse", "mae", "r2"],
                schedule={"type": "reduce_on_plateau", "patience": 0, "gamma": 0.5},
                data={"test_split": 0.2, "preprocessing": {"standardize_target": True}})
    run, history, out, text = train_both(tmp_path, p)
    assert_same_history(run.history, history)
    assert 'initialized(Activated(nn.Linear(1, 8, bias=True), nn.ReLU(), kernel_l2=0.01, activity_l1=0.001), ' \
           '"he_normal", "constant")' in text
    assert re.search(r"^test mse [\d.]+", out, re.M)
    x = np.array([[-2.0], [0.5], [3.0]])
    got = exec_script(tmp_path / "train_it.py")["predict"](x)  # in the data's units, like LayerLab's
    assert got.shape == (3, 1) and np.abs(got - p.predict(x, run_id=run.run_id)).max() < 1e-4


@pytest.mark.parametrize("kind", [s for s in SCHEDULES if s != "constant"])
def test_each_schedule_gives_the_engines_rate_at_every_position(tmp_path, kind):
    spec = {"type": kind, "step_size": 3, "gamma": 0.5, "patience": 1, "warmup_epochs": 2, "min_lr": 1e-4}
    p = project(tmp_path, "iris", epochs=7, learning_rate=0.02, schedule=spec)
    p.export("script", tmp_path / "s.py")
    space = exec_script(tmp_path / "s.py")
    engine = Schedule(p.spec.training.schedule, 0.02, 0, 7)
    if kind == "reduce_on_plateau":  # the rate drops after `patience` epochs without a lower loss
        plateau = space["Plateau"]()
        for loss in [1.0, 0.8, 0.9, 0.85, 0.7, 0.75, 0.76, float("nan"), 0.77, 0.78]:
            engine.epoch_ended(loss)
            plateau.epoch_ended(loss)
            assert plateau.learning_rate() == engine.lr(0)
        assert engine.lr(0) < 0.02
        return
    positions = np.linspace(0, 7, 113)
    assert [space["learning_rate"](float(x)) for x in positions] == [engine.lr(float(x)) for x in positions]


def test_the_script_holds_only_what_the_project_uses(tmp_path):
    p = project(tmp_path, "iris", epochs=2, early_stopping=None)  # early stopping is on by default now
    p.export("script", tmp_path / "plain.py")
    text = (tmp_path / "plain.py").read_text()
    for unused in ("learning_rate(", "Plateau", "EarlyStopping", "clip_grad_norm_", "weight=", "CLASS_WEIGHTS",
                   "balanced_weights", "augment(", "penalty(model)", "initialized(", "Pillow", "from PIL",
                   "TEST_SPLIT", "y_scale", "Also as in LayerLab"):
        assert unused not in text, unused
    assert "Still different:" in text and "Not reproduced" not in text


def test_settings_the_script_cannot_honour_are_refused_with_the_setting_named(tmp_path):
    p = project(tmp_path, "iris", early_stopping={"monitor": "val_f1"})
    with pytest.raises(SpecError) as err:
        p.export("script", tmp_path / "a.py")
    assert err.value.path == "training.early_stopping.monitor" and "val_accuracy" in str(err.value)
    p = project(tmp_path, "wine", class_weights={"class_9": 2.0})
    with pytest.raises(SpecError) as err:
        p.export("script", tmp_path / "b.py")
    assert err.value.path.startswith("training.class_weights") and "class_0" in str(err.value)
    assert not (tmp_path / "a.py").exists() and not (tmp_path / "b.py").exists()


@pytest.mark.parametrize("fit", ["pad", "crop"])
def test_the_script_reads_a_picture_with_the_datas_fit(tmp_path, fit):
    from PIL import Image

    from layerlab.data.imagefiles import to_array
    from tests.data.test_image_fit import _folder, _wide
    _folder(tmp_path / "p")
    doc = {"name": "p", "task": "classification",
           "data": {"source": "images", "params": {"size": 16, "fit": fit}, "validation_split": 0.25,
                    "preprocessing": {"normalize": "none"}},
           "model": {"layers": [{"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}]},
           "training": {"epochs": 1, "batch_size": 4}}
    p = layerlab.new(tmp_path / "p", doc=doc)
    assert p.train().status == "finished"
    p.export("script", tmp_path / "train_it.py")
    _wide((0, 0, 90)).save(tmp_path / "new.png")
    got = exec_script(tmp_path / "train_it.py")["read_input"](str(tmp_path / "new.png"))
    want = to_array(Image.open(tmp_path / "new.png"), 16, 3, fit)[None]
    assert got.shape == want.shape and np.abs(got - want).max() < 1e-6
    assert np.abs(got - to_array(Image.open(tmp_path / "new.png"), 16, 3, "squash")[None]).max() > 0.1


def test_a_table_with_missing_cells_is_filled_from_the_training_rows_as_the_engine_fills_it(tmp_path):
    rng = np.random.default_rng(3)
    rows = ["a,b,colour,kind"]
    for i in range(80):
        a, b = rng.normal(), rng.normal() * 10 + (40 if i % 7 == 0 else 0)  # outliers move the mean
        colour = ("red", "blue", "green")[i % 3] if i % 5 else ""
        rows.append(f"{a:.3f},{'' if i % 4 == 0 else f'{b:.3f}'},{colour},{'yes' if a + b / 10 > 0 else 'no'}")
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    doc = {"name": "t", "task": "classification",
           "data": {"source": "csv", "params": {"path": "t.csv", "target": "kind", "missing": "mean"},
                    "validation_split": 0.3, "seed": 5},
           "model": {"layers": [{"type": "dense", "units": 8, "activation": "relu"},
                                {"type": "dense", "units": 2, "activation": "softmax"}]},
           "training": {"epochs": 3, "batch_size": 8}}
    p = layerlab.new(tmp_path / "t", doc=doc)
    (tmp_path / "t" / "t.csv").write_text((tmp_path / "t.csv").read_text())
    run, history, _, text = train_both(tmp_path, p)
    assert_same_history(run.history, history, rel=1e-6)
    assert "whole table" not in text
