"""Errors view: confusion cells, hardest examples, forgetting across epochs, the recorder."""
from __future__ import annotations

import torch

from layerlab.engine.build import build_network
from layerlab.inspect.confusion import confusion, forgetting, hardest
from layerlab.inspect.history import EpochRecorder


def test_confusion_sums_to_the_validation_size_and_matches_predictions(patches):
    net, _, _, xv, yv, _ = patches
    pred = net.logits(xv).argmax(dim=1)
    cm = confusion(yv, pred, 4, ["tl", "tr", "bl", "br"])
    assert cm.total == len(xv)
    for t in range(4):
        for p in range(4):
            cell = cm.cells[t][p]
            assert cm.counts[t][p] == len(cell) == int(((yv == t) & (pred == p)).sum())
            assert all(int(yv[i]) == t and int(pred[i]) == p for i in cell)
    assert cm.accuracy == float((pred == yv).float().mean())


def test_hardest_examples_are_the_highest_losses_worst_first(patches):
    net, _, _, xv, yv, _ = patches
    loss = torch.nn.functional.cross_entropy(net.logits(xv), yv, reduction="none").detach()
    hard = hardest(net, xv, yv, k=5)
    assert [h["index"] for h in hard] == torch.argsort(loss, descending=True)[:5].tolist()
    assert all(h["predicted"] == int(net.logits(xv[h["index"]][None]).argmax()) for h in hard)


def test_forgetting_counts_right_then_wrong_transitions():
    correct = torch.tensor([[1, 0, 1, 0],
                            [0, 0, 1, 1],
                            [1, 0, 0, 1],
                            [0, 0, 1, 1]], dtype=torch.bool)    # (epochs, samples)
    f = forgetting(correct)
    assert f["events"] == [2, 0, 1, 0]
    assert f["forgotten"] == [0, 2] and f["never_learned"] == [1] and f["learned_at_end"] == 2


def test_recorder_keeps_per_example_loss_per_epoch_and_survives_a_round_trip(tmp_path):
    net = build_network([{"type": "dense", "units": 4}, {"type": "dense", "units": 2, "activation": "softmax"}],
                        (2,), seed=0)
    x, y = torch.randn(30, 2), (torch.randn(30) > 0).long()
    rec = EpochRecorder(x, y)
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    for epoch in (1, 2, 3):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net.logits(x), y).backward()
        opt.step()
        rec.on_epoch_end(epoch, net)
    now = torch.nn.functional.cross_entropy(net.logits(x), y, reduction="none").detach()
    assert rec.losses().shape == (3, 30)
    assert torch.allclose(rec.losses()[-1].float(), now, atol=1e-5)
    assert rec.correct()[-1].tolist() == (net.logits(x).argmax(dim=1) == y).tolist()
    back = EpochRecorder.load(rec.save(tmp_path))
    assert torch.equal(back.losses(), rec.losses()) and back.forgetting() == rec.forgetting()
    assert [e["epoch"] for e in back.epochs] == [1, 2, 3] and "0/dense/weight" in back.epochs[0]["gradients"]
