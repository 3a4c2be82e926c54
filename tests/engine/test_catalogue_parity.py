"""The whole training catalogue, engine against the exported script, in one process.

Every loss (each of its forms: one output unit, one per class; with and without class weights),
every optimizer (each with a learning-rate schedule, every schedule at least once), every
metric: a real project is exported as a standalone script (not trained), the script's text is
executed as the exporter checks it (its training is not run), and the objects its code builds
are compared with the engine's: the same loss on the same batch, the same parameters after
three optimizer steps from the same start with the schedule's rates, the same rates at every
position, the same metrics over an epoch (the engine adds batches up, the script takes the
epoch at once). Nothing in export/ may name a loss, optimizer, schedule or metric.
"""
from __future__ import annotations

import math
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

import layerlab
from layerlab.engine.losses import LOSSES, make_loss
from layerlab.engine.metrics import METRICS, METRICS_TABLE, MetricAccumulator
from layerlab.engine.optimizers import OPTIMIZERS, make_optimizer
from layerlab.engine.schedules import SCHEDULES, Schedule
from layerlab.engine.setup import class_weight_tensor
from layerlab.spec import catalog

ONE_UNIT = [{"type": "dense", "units": 4, "activation": "relu"}, {"type": "dense", "units": 1, "activation": "sigmoid"}]
STEP = {"type": "step", "step_size": 1, "gamma": 0.5}
COSINE = {"type": "cosine", "min_lr": 0.001}
PLATEAU = {"type": "reduce_on_plateau", "patience": 0, "gamma": 0.3}
WARMUP = {"type": "warmup", "warmup_epochs": 2}
# (name, example, loss, optimizer settings, schedule, metrics, class weights, layers)
CASES = [
    ("ce", "iris", "cross_entropy", dict(optimizer="sgd", momentum=0.9, nesterov=True, weight_decay=0.001), STEP,
     ["accuracy", "f1", "top_k_accuracy"], {"setosa": 2.0}, None),
    ("bce_k", "iris", "binary_cross_entropy", dict(optimizer="adam"), COSINE, ["precision", "recall"], "balanced",
     None),
    ("hinge_k", "iris", "hinge", dict(optimizer="adamw", weight_decay=0.01), {"type": "one_cycle"}, ["accuracy"],
     None, None),
    ("kl", "iris", "kl_divergence", dict(optimizer="rmsprop", momentum=0.9), PLATEAU, ["f1"], {"virginica": 0.5}, None),
    ("bce_1", "xor", "binary_cross_entropy", dict(optimizer="adagrad"), WARMUP,
     ["top_k_accuracy", "accuracy", "precision"], "balanced", ONE_UNIT),  # top_k on <= 5 classes, then more
    ("hinge_1", "xor", "hinge", dict(optimizer="adadelta", learning_rate=1.0), {"type": "constant", "min_lr": 0.0},
     ["accuracy", "recall"], None, ONE_UNIT),
    ("ce_10", "digits", "cross_entropy", dict(optimizer="adamax"), {"type": "warmup", "warmup_epochs": 0},
     ["top_k_accuracy", "accuracy"], None, None),
    ("mse", "sine", "mse", dict(optimizer="nadam"), STEP, ["mse", "mae", "r2"], None, None),
    ("mae", "sine", "mae", dict(optimizer="sgd"), COSINE, ["r2"], None, None),
    ("huber", "sine", "huber", dict(optimizer="adam", weight_decay=0.01), PLATEAU, ["mae"], None, None),
    ("smooth_l1", "sine", "smooth_l1", dict(optimizer="rmsprop"), {"type": "one_cycle"}, ["mse"], None, None),
    ("poisson", "sine", "poisson", dict(optimizer="adagrad"), WARMUP, ["mse", "r2"], None, None),
    ("log_cosh", "sine", "log_cosh", dict(optimizer="adamw"), {"type": "constant"}, ["mae"], None, None),
    ("cosine_similarity", "sine", "cosine_similarity", dict(optimizer="adamax"), STEP, ["mse"], None, None),
]


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    """{case name: (project spec, the executed script's names, the script's text, output units)}, exported once."""
    root = tmp_path_factory.mktemp("parity")
    out = {}
    for name, example, loss, opt, schedule, metrics, weights, layers in CASES:
        p = layerlab.new(root / name, example=example)
        p.doc["training"].update(loss=loss, schedule=schedule, metrics=metrics, class_weights=weights,
                                 early_stopping=None, epochs=4, **opt)
        if layers is not None:
            p.doc["model"]["layers"] = layers
        p.save()
        path = root / f"{name}.py"
        p.export("script", path)
        space = {"__name__": "parity", "__file__": str(path)}
        text = path.read_text()
        exec(compile(text, str(path), "exec"), space)  # the exporter's own text, as check_script runs it
        units = 1 if layers is ONE_UNIT or p.spec.task == "regression" else len(space["CLASSES"])
        out[name] = (p.spec, space, text, units)
    return out


def test_the_cases_cover_the_whole_catalogue():
    assert set(catalog.LOSSES) == set(LOSSES) and set(catalog.OPTIMIZERS) == set(OPTIMIZERS)
    assert set(catalog.SCHEDULES) == set(SCHEDULES) and set(catalog.METRICS) == set(METRICS)
    assert {c[2] for c in CASES} == set(LOSSES)
    assert {c[3]["optimizer"] for c in CASES} == set(OPTIMIZERS)
    assert {c[4]["type"] for c in CASES} == set(SCHEDULES)
    assert {m for c in CASES for m in c[5]} == set(METRICS)
    forms = {(c[2], c[7] is not None, c[6] is not None) for c in CASES if LOSSES[c[2]].task == "classification"}
    assert {f[:2] for f in forms} >= {(n, one) for n in ("binary_cross_entropy", "hinge") for one in (False, True)}
    assert {f[2] for f in forms} == {False, True}


def test_nothing_in_the_script_generator_names_a_loss_optimizer_schedule_or_metric():
    export = Path(layerlab.__file__).parent / "export"
    names = set(LOSSES) | set(OPTIMIZERS) | set(SCHEDULES) - {"constant"} | set(METRICS)
    for f in [export / "codegen.py", *sorted(export.glob("script_*.py"))]:
        code = re.sub(r'""".*?"""', "", f.read_text(), flags=re.S)  # docstrings (their examples) aside
        found = sorted(n for n in names if re.search(rf"[\"']{n}[\"']", code))
        assert not found, (f.name, found)


def _info(spec, space):
    classes = list(space.get("CLASSES") or [])
    return classes, len(classes) if spec.task == "classification" else 0


def _batch(spec, units, classes, g, n=24):
    out = torch.randn(n, units, generator=g) * 3
    if spec.task == "classification":
        y = torch.randint(0, max(len(classes), 2), (n,), generator=g)
        k = min(n, len(classes))
        y[:k] = torch.arange(k)  # every class present (balanced weights count them)
        return out, y, y
    y = torch.rand(n, units, generator=g) + 0.5  # positive: poisson's rates
    return out, y.reshape(-1) if units == 1 else y, y   # the engine's targets (N,), the script's (N, outputs)


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_the_same_loss_on_the_same_batch(scripts, case):
    spec, space, text, units = scripts[case]
    classes, n_classes = _info(spec, space)
    g = torch.Generator().manual_seed(0)
    out, y_engine, y_script = _batch(spec, units, classes, g)
    tr = spec.training
    weights = class_weight_tensor(tr.class_weights, SimpleNamespace(classes=classes), SimpleNamespace(y=y_engine),
                                  torch.device("cpu"), spec.task)
    engine = make_loss(spec.loss, n_classes, weights)(out, y_engine)
    if tr.class_weights is None:
        script = space["loss_fn"](out, y_script)
        assert "CLASS_WEIGHTS" not in space and "balanced_weights" not in space
    else:
        balanced = tr.class_weights == "balanced"
        w = space["balanced_weights"](y_script) if balanced else torch.tensor(space["CLASS_WEIGHTS"])
        assert torch.equal(w, weights)
        script = space["loss_fn"](out, y_script, w)
    assert torch.isfinite(engine) and torch.equal(engine, script), (float(engine), float(script))


def _rates(spec, space):
    """(engine rate, script rate) at positions through the run; plateau fed the same losses on both sides."""
    tr, epochs = spec.training, spec.training.epochs
    engine = Schedule(tr.schedule, tr.learning_rate, 0, epochs)
    if "Plateau" in space:
        plateau = space["Plateau"]()
        pairs = []
        for loss in (1.0, 0.9, 0.95, 0.95, math.nan, 0.97, 0.5):
            pairs.append((engine.lr(0.0), plateau.learning_rate()))
            engine.epoch_ended(loss)
            plateau.epoch_ended(loss)
        return pairs
    script = space.get("learning_rate", lambda pos: space["LR"])  # a constant rate is the script's LR
    return [(engine.lr(pos), script(pos)) for pos in [i / 8 for i in range(8 * epochs + 1)]]


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_the_same_learning_rates(scripts, case):
    spec, space, _, _ = scripts[case]
    pairs = _rates(spec, space)
    assert [e for e, _ in pairs] == [s for _, s in pairs]
    assert len({e for e, _ in pairs}) > 1 or spec.training.schedule.type in ("constant", "warmup")


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_the_same_parameters_after_three_steps(scripts, case):
    spec, space, text, units = scripts[case]
    classes, n_classes = _info(spec, space)
    tr = spec.training
    if spec.task == "regression":
        units = 2  # cosine_similarity has no gradient on one output
    torch.manual_seed(3)
    start = torch.nn.Linear(3, units)
    models = [torch.nn.Linear(3, units), torch.nn.Linear(3, units)]
    for m in models:
        m.load_state_dict(start.state_dict())
    engine_opt = make_optimizer(tr, models[0].parameters())
    line = re.search(r"^    optimizer = (torch\.optim\..+)$", text, re.M).group(1)
    script_opt = eval(line, {**space, "model": models[1]})  # the script's own line
    assert type(script_opt) is type(engine_opt)
    schedule = Schedule(tr.schedule, tr.learning_rate, 0, tr.epochs)
    plateau = space["Plateau"]() if "Plateau" in space else None
    g = torch.Generator().manual_seed(1)
    loss_fn = make_loss(spec.loss, n_classes)
    for step in range(3):
        x = torch.randn(16, 3, generator=g)
        _, y, _ = _batch(spec, units, classes, g, 16)
        for opt, side in ((engine_opt, "engine"), (script_opt, "script")):
            if side == "engine":
                lr = schedule.lr(float(step))
            elif plateau is not None:
                lr = plateau.learning_rate()
            else:
                lr = space["learning_rate"](float(step)) if "learning_rate" in space else space["LR"]
            for group in opt.param_groups:
                group["lr"] = lr
        for m, opt in zip(models, (engine_opt, script_opt)):
            opt.zero_grad()
            loss_fn(m(x), y).backward()
            opt.step()
        schedule.epoch_ended(0.5 + step % 2)
        if plateau is not None:
            plateau.epoch_ended(0.5 + step % 2)
    assert engine_opt.param_groups[0]["lr"] == script_opt.param_groups[0]["lr"]
    for a, b in zip(models[0].parameters(), models[1].parameters()):
        assert torch.equal(a, b)
    assert not torch.equal(models[0].weight, start.weight)


@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_the_same_metrics_over_an_epoch(scripts, case):
    spec, space, _, units = scripts[case]
    classes, n_classes = _info(spec, space)
    g = torch.Generator().manual_seed(2)
    acc = MetricAccumulator(spec.task, n_classes, spec.metrics)
    outs, ys = [], []
    for n in (24, 24, 7):  # the engine adds batches up; the script takes the epoch at once
        out, y_engine, y_script = _batch(spec, units, classes, g, n)
        acc.update(out, y_engine)
        outs.append(out)
        ys.append(y_script)
    engine = acc.compute()
    script = space["scores"](torch.cat(outs), torch.cat(ys))
    assert list(script) == [m for m in spec.metrics if METRICS_TABLE[m].task == spec.task] and script
    for k, v in script.items():
        assert v == pytest.approx(engine[k], rel=1e-12, abs=1e-15), k
