"""FGSM and PGD: epsilon > 0 lowers a trained net's accuracy, epsilon 0 changes nothing."""
from __future__ import annotations

import pytest
import torch

from layerlab.inspect.adversarial import accuracy_under_attack, attack, fgsm, pgd
from layerlab.spec.errors import SpecError


def accuracy(net, x, y) -> float:
    return float((net.logits(x).argmax(dim=1) == y).float().mean())


def test_fgsm_lowers_accuracy_and_epsilon_zero_changes_nothing(patches):
    net, _, _, xv, yv, _ = patches
    clean = accuracy(net, xv, yv)
    assert torch.equal(fgsm(net, xv, yv, 0.0), xv)
    rows = accuracy_under_attack(net, xv, yv, [0.0, 0.1, 0.3])
    assert rows[0] == {"epsilon": 0.0, "accuracy": pytest.approx(clean)}
    assert rows[1]["accuracy"] < clean
    assert rows[2]["accuracy"] <= rows[1]["accuracy"] and rows[2]["accuracy"] < 0.5 * clean


def test_fgsm_moves_every_value_by_exactly_epsilon_along_the_loss_gradient(patches):
    net, _, _, xv, yv, _ = patches
    x, y = xv[:8], yv[:8]
    adv = fgsm(net, x, y, 0.05)
    xg = x.clone().requires_grad_(True)
    torch.nn.functional.cross_entropy(net.logits(xg), y, reduction="sum").backward()
    assert torch.allclose(adv - x, 0.05 * xg.grad.sign())


def test_pgd_stays_in_the_epsilon_box_and_is_at_least_as_strong_as_fgsm(patches):
    net, _, _, xv, yv, _ = patches
    eps = 0.1
    adv = pgd(net, xv, yv, eps, steps=10)
    assert (adv - xv).abs().max() <= eps + 1e-6
    assert accuracy(net, adv, yv) <= accuracy(net, fgsm(net, xv, yv, eps), yv)
    assert torch.equal(pgd(net, xv, yv, 0.0), xv)


def test_attack_reports_the_prediction_change(patches):
    net, _, _, xv, yv, _ = patches
    res = attack(net, xv[:16], yv[:16], "fgsm", 0.3)
    d = res.to_dict()
    assert d["changed"] == (res.pred_before != res.pred_after).tolist() and any(d["changed"])
    assert d["max_abs_perturbation"] == pytest.approx(0.3)
    assert torch.allclose(res.probs_before.sum(dim=1), torch.ones(16))


def test_bad_epsilon_and_method_are_clear_errors(patches):
    net, _, _, xv, yv, _ = patches
    with pytest.raises(SpecError, match="epsilon"):
        fgsm(net, xv, yv, -0.1)
    with pytest.raises(SpecError) as e:
        attack(net, xv, yv, "deepfool", 0.1)
    assert "pgd" in e.value.hint
