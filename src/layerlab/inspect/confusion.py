"""Errors: the confusion matrix (each cell knows its samples), the hardest examples, and
examples that are learned and then forgotten again during training.

>>> import torch
>>> c = confusion(torch.tensor([0, 1, 1]), torch.tensor([0, 0, 1]), 2)
>>> c.counts, c.cells[1][0]
([[1, 0], [1, 1]], [1])
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from ..engine.measure import eval_mode, losses
from ..i18n import msg
from ..spec.errors import SpecError


@dataclass
class Confusion:
    """counts[true][predicted]; cells[true][predicted] lists the sample indices counted there."""

    counts: list[list[int]]
    cells: list[list[list[int]]]
    classes: list[str]

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts))

    @property
    def accuracy(self) -> float:
        return sum(self.counts[i][i] for i in range(len(self.counts))) / max(self.total, 1)

    def to_dict(self) -> dict[str, Any]:
        return {"classes": self.classes, "counts": self.counts, "cells": self.cells,
                "total": self.total, "accuracy": self.accuracy}


def confusion(y_true: torch.Tensor, y_pred: torch.Tensor, n_classes: int,
              classes: list[str] | None = None) -> Confusion:
    """A confusion matrix of class indices whose cells list their sample positions."""
    if y_true.shape != y_pred.shape:
        raise SpecError("predictions", msg("need one prediction per sample"), tuple(y_pred.shape),
                        msg("shape {shape}", shape=tuple(y_true.shape)))
    cells: list[list[list[int]]] = [[[] for _ in range(n_classes)] for _ in range(n_classes)]
    for i, (t, p) in enumerate(zip(y_true.tolist(), y_pred.tolist())):
        cells[int(t)][int(p)].append(i)
    counts = [[len(c) for c in row] for row in cells]
    return Confusion(counts, cells, list(classes) if classes else [str(i) for i in range(n_classes)])


def hardest(net: nn.Module, x: torch.Tensor, y: torch.Tensor, k: int = 12) -> list[dict[str, Any]]:
    """The k hardest samples: the misclassified ones first (highest loss first), then the
    correct ones the network was least sure of. Each: index, loss, and for classification
    label, predicted, confidence (the predicted class's probability) and why it is here
    ("wrong" or "unsure"); for regression the highest losses, marked "far".
    """
    loss = losses(net, x, y)                                    # (N,)
    with eval_mode(net), torch.no_grad():
        z = net.logits(x) if hasattr(net, "logits") else net(x)
    if y.dtype != torch.int64 or z.dim() != 2:
        order = torch.argsort(loss, descending=True, stable=True)[:k]
        return [{"index": i, "loss": float(loss[i]), "why": "far"} for i in order.tolist()]
    if z.shape[1] == 1:                                         # one yes/no score
        p1 = torch.sigmoid(z[:, 0])
        pred = (p1 > 0.5).long()
        conf = torch.where(pred == 1, p1, 1 - p1)
    else:
        probs = torch.softmax(z, dim=1)
        conf, pred = probs.max(dim=1)
    wrong = pred != y
    wrong_idx = torch.nonzero(wrong).flatten()
    wrong_idx = wrong_idx[torch.argsort(loss[wrong_idx], descending=True, stable=True)]
    right_idx = torch.nonzero(~wrong).flatten()
    right_idx = right_idx[torch.argsort(conf[right_idx], stable=True)]
    out = []
    for i in torch.cat([wrong_idx, right_idx])[:k].tolist():
        out.append({"index": i, "loss": float(loss[i]), "label": int(y[i]), "predicted": int(pred[i]),
                    "confidence": round(float(conf[i]), 4), "why": "wrong" if bool(wrong[i]) else "unsure"})
    return out


def forgetting(correct: torch.Tensor) -> dict[str, Any]:
    """Forgetting events (Toneva et al. 2019) from correctness per epoch (E, N) booleans.

    An event is a sample that was right at one epoch and wrong at the next. Returns per
    sample the number of events, the forgotten samples (at least one event), those learned
    (right at the last epoch) and those never learned.
    """
    c = correct.bool()
    if c.dim() != 2:
        raise SpecError("history", msg("needs one row of results per epoch"), tuple(c.shape),
                        msg("record at least one epoch"))
    events = (c[:-1] & ~c[1:]).sum(dim=0) if c.shape[0] > 1 else torch.zeros(c.shape[1], dtype=torch.long)
    return {"events": events.tolist(),
            "forgotten": torch.nonzero(events > 0).flatten().tolist(),
            "never_learned": torch.nonzero(~c.any(dim=0)).flatten().tolist(),
            "learned_at_end": int(c[-1].sum())}
