"""Every optimizer, loss, metric and schedule the spec offers has a working implementation."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn import metrics as skm

from layerlab.engine.losses import LOSSES, make_loss
from layerlab.engine.metrics import METRICS, MetricAccumulator
from layerlab.engine.optimizers import OPTIMIZERS, make_optimizer
from layerlab.engine.schedules import NAMES as SCHEDULES
from layerlab.engine.schedules import Schedule
from layerlab.spec import catalog
from layerlab.spec.errors import SpecError
from layerlab.spec.models import ScheduleSpec, TrainingSpec


def test_every_catalog_name_has_an_implementation():
    assert set(catalog.OPTIMIZERS) <= set(OPTIMIZERS)
    assert set(catalog.LOSSES) <= set(LOSSES)
    assert set(catalog.METRICS) <= set(METRICS)
    assert set(catalog.SCHEDULES) <= set(SCHEDULES)


@pytest.mark.parametrize("name", sorted(catalog.OPTIMIZERS))
def test_each_optimizer_lowers_a_quadratic(name):
    w = torch.nn.Parameter(torch.tensor([3.0, -2.0]))
    lr = 1.0 if name == "adadelta" else 0.1
    opt = make_optimizer(TrainingSpec(optimizer=name, learning_rate=lr, momentum=0.5 if name == "sgd" else 0.0), [w])
    start = float((w.detach() ** 2).sum())
    for _ in range(50):
        opt.zero_grad()
        (w ** 2).sum().backward()
        opt.step()
    assert float((w.detach() ** 2).sum()) < start * 0.9


def test_nesterov_without_momentum_is_a_spec_error_with_a_fix():
    with pytest.raises(SpecError) as e:
        make_optimizer(TrainingSpec(optimizer="sgd", nesterov=True), [torch.nn.Parameter(torch.zeros(1))])
    assert e.value.path == "training.nesterov" and e.value.fixes


CLASSIFICATION_CASES = [(n, u) for n, e in sorted(catalog.LOSSES.items()) if "classification" in e.tasks
                        for u in (1, 3) if u == 3 or n not in ("cross_entropy", "kl_divergence")]  # these need a unit per class


@pytest.mark.parametrize("name,units", CLASSIFICATION_CASES)
def test_classification_losses_are_finite_on_extreme_logits_and_prefer_the_right_class(name, units):
    loss = make_loss(name, n_outputs=max(units, 2))
    y = torch.tensor([0, 1, 1, 0])
    k = max(units, 2) if units > 1 else 1
    right = torch.full((4, k), -50.0)
    wrong = torch.full((4, k), -50.0)
    if units == 1:
        right[:, 0] = torch.where(y == 1, 500.0, -500.0)
        wrong[:, 0] = -right[:, 0]
    else:
        right[torch.arange(4), y] = 500.0
        wrong[torch.arange(4), 1 - y] = 500.0
    lr, lw = loss(right, y), loss(wrong, y)
    assert torch.isfinite(lr) and torch.isfinite(lw)
    assert float(lr) < float(lw)


def test_cross_entropy_matches_torch_and_uses_class_weights():
    z, y = torch.randn(8, 3), torch.randint(0, 3, (8,))
    w = torch.tensor([1.0, 2.0, 0.5])
    assert torch.allclose(make_loss("cross_entropy", 3)(z, y), torch.nn.functional.cross_entropy(z, y))
    assert torch.allclose(make_loss("cross_entropy", 3, w)(z, y), torch.nn.functional.cross_entropy(z, y, weight=w))
    bce = make_loss("binary_cross_entropy", 3, w)(z, y)
    assert torch.isfinite(bce)


@pytest.mark.parametrize("name", sorted(n for n, e in catalog.LOSSES.items() if "regression" in e.tasks))
def test_regression_losses_are_zero_or_least_at_the_target(name):
    loss = make_loss(name)
    y = torch.tensor([[1.0], [2.0], [3.0]])
    at, off = float(loss(y.clone(), y)), float(loss(y + 1.5, y))
    assert np.isfinite(at) and np.isfinite(off) and at < off + (1e-6 if name == "cosine_similarity" else 0)
    big = float(loss(torch.full((3, 1), 1e4), y))  # log_cosh must not overflow
    assert np.isfinite(big)


def test_classification_metrics_match_scikit_learn():
    g = torch.Generator().manual_seed(1)
    z, y = torch.randn(200, 7, generator=g), torch.randint(0, 7, (200,), generator=g)
    m = MetricAccumulator("classification", 7, ["accuracy", "precision", "recall", "f1", "top_k_accuracy"])
    for i in range(0, 200, 64):  # in batches, as the loop does
        m.update(z[i:i + 64], y[i:i + 64])
    got, pred = m.compute(), z.argmax(1).numpy()
    assert got["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert got["precision"] == pytest.approx(skm.precision_score(y, pred, average="macro", zero_division=0))
    assert got["recall"] == pytest.approx(skm.recall_score(y, pred, average="macro", zero_division=0))
    assert got["f1"] == pytest.approx(skm.f1_score(y, pred, average="macro", zero_division=0))
    assert got["top_k_accuracy"] == pytest.approx(skm.top_k_accuracy_score(y, z.numpy(), k=5))


def test_regression_metrics_match_scikit_learn():
    g = torch.Generator().manual_seed(2)
    y, p = torch.randn(100, 1, generator=g), torch.randn(100, 1, generator=g)
    m = MetricAccumulator("regression", 0, ["mse", "mae", "r2"])
    m.update(p[:50], y[:50])
    m.update(p[50:], y[50:])
    got = m.compute()
    assert got["mse"] == pytest.approx(skm.mean_squared_error(y, p))
    assert got["mae"] == pytest.approx(skm.mean_absolute_error(y, p))
    assert got["r2"] == pytest.approx(skm.r2_score(y, p))


def _lrs(kind, epochs=10, **kw):
    s = Schedule(ScheduleSpec(type=kind, **kw), 1.0, 0, epochs)
    return [s.lr(e) for e in range(epochs)]


def test_schedules_have_their_shapes():
    assert _lrs("constant") == [1.0] * 10
    cos = _lrs("cosine")
    assert cos[0] == 1.0 and all(a > b for a, b in zip(cos, cos[1:]))
    one = _lrs("one_cycle")
    peak = one.index(max(one))
    assert 0 < peak < 9 and one[0] < 0.5 and one[-1] < 0.2
    warm = _lrs("warmup", warmup_epochs=4)
    assert warm[0] < warm[1] < warm[3] <= 1.0 and warm[4:] == [1.0] * 6
    assert min(_lrs("cosine", min_lr=0.3)) == 0.3


def test_reduce_on_plateau_lowers_the_rate_after_patience_and_keeps_its_state():
    s = Schedule(ScheduleSpec(type="reduce_on_plateau", patience=1, gamma=0.5), 1.0, 0, 10)
    for v in (1.0, 0.9, 0.95, 0.95):
        s.epoch_ended(v)
    assert s.lr(4) == 0.5
    again = Schedule(ScheduleSpec(type="reduce_on_plateau", patience=1, gamma=0.5), 1.0, 4, 10, s.state())
    assert again.lr(5) == 0.5
