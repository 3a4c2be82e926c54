"""Metrics by the names in `layerlab.spec.catalog.METRICS`, accumulated over an epoch.

Batches add to small tensors (a confusion matrix, or sums of errors) on the training
device, so there is no per-sample Python and no sync per batch; `compute()` turns them
into plain floats once per epoch. Precision, recall and f1 are macro averages over the
classes that occur (in the targets or the predictions), as scikit-learn computes them.

>>> import torch
>>> m = MetricAccumulator("classification", n_classes=2, names=["accuracy", "f1"])
>>> m.update(torch.tensor([[2.0, 0.0], [0.0, 1.0], [3.0, 0.0]]), torch.tensor([0, 1, 1]), loss=torch.tensor(0.5))
>>> {k: round(v, 3) for k, v in m.compute().items()}
{'loss': 0.5, 'accuracy': 0.667, 'f1': 0.667}
"""
from __future__ import annotations

import torch

CLASSIFICATION = ("accuracy", "top_k_accuracy", "precision", "recall", "f1")
REGRESSION = ("mse", "mae", "r2")
METRICS = CLASSIFICATION + REGRESSION
TOP_K = 5


def predicted_classes(z: torch.Tensor) -> torch.Tensor:
    """Class index per row of logits (one unit: the sign says class 1)."""
    if z.shape[1] == 1:
        return (z[:, 0] > 0).long()
    return z.argmax(dim=1)


class MetricAccumulator:
    """Running sums for one epoch of one split."""

    def __init__(self, task: str, n_classes: int = 0, names: list[str] | None = None,
                 device: torch.device | str = "cpu"):
        self.task, self.k, self.device = task, max(int(n_classes), 2 if task == "classification" else 0), device
        self.names = [n for n in (names or []) if n in METRICS]
        # precision/recall/f1 need the confusion matrix; accuracy alone needs only a count (fewer ops per batch)
        self.need_confusion = any(n in ("precision", "recall", "f1") for n in self.names)
        self.reset()

    def reset(self) -> None:
        z = lambda *s: torch.zeros(*s, dtype=torch.float64, device=self.device)  # noqa: E731
        self.n = 0
        self.loss_sum = 0.0
        if self.task == "classification":
            self.correct = torch.zeros((), dtype=torch.long, device=self.device)
            self.confusion = torch.zeros(self.k * self.k, dtype=torch.long, device=self.device)
            self.topk = torch.zeros((), dtype=torch.long, device=self.device)
        else:
            self.sse, self.sae, self.sy, self.sy2 = z(0), z(0), z(0), z(0)

    def update(self, out: torch.Tensor, y: torch.Tensor, loss: torch.Tensor | float | None = None) -> None:
        """Add a batch: detached logits (classification) or outputs (regression), targets, mean batch loss."""
        b = int(out.shape[0])
        self.n += b
        if loss is not None:
            self.loss_sum += float(loss) * b
        if self.task == "classification":
            pred = predicted_classes(out)
            if self.need_confusion:
                self.confusion += torch.bincount(y * self.k + pred, minlength=self.k * self.k)
            else:
                self.correct += (pred == y).sum()
            if "top_k_accuracy" in self.names:
                if out.shape[1] <= TOP_K:
                    self.topk += b
                else:
                    top = out.topk(TOP_K, dim=1).indices
                    self.topk += (top == y[:, None]).any(dim=1).sum()
        else:
            p = out.double()
            t = y.double().reshape(p.shape)
            d = p - t
            if self.sse.numel() == 0:
                self.sse, self.sae, self.sy, self.sy2 = (torch.zeros(p.shape[1], dtype=torch.float64,
                                                                     device=self.device) for _ in range(4))
            self.sse += (d * d).sum(0)
            self.sae += d.abs().sum(0)
            self.sy += t.sum(0)
            self.sy2 += (t * t).sum(0)

    def compute(self) -> dict[str, float]:
        """{'loss': ..., metric: value} as floats (loss only when losses were given)."""
        n = max(self.n, 1)
        out = {"loss": float(self.loss_sum) / n}
        if self.task == "classification":
            cm = self.confusion.reshape(self.k, self.k).double().cpu()  # rows: true, cols: predicted
            tp = cm.diag()
            support, predicted = cm.sum(1), cm.sum(0)
            present = (support + predicted) > 0
            prec = torch.where(predicted > 0, tp / predicted.clamp_min(1), torch.zeros_like(tp))
            rec = torch.where(support > 0, tp / support.clamp_min(1), torch.zeros_like(tp))
            f1 = torch.where(prec + rec > 0, 2 * prec * rec / (prec + rec).clamp_min(1e-12), torch.zeros_like(tp))
            macro = lambda v: float(v[present].mean()) if bool(present.any()) else 0.0  # noqa: E731
            correct = float(tp.sum()) if self.need_confusion else float(self.correct)
            values = {"accuracy": correct / n, "top_k_accuracy": float(self.topk) / n,
                      "precision": macro(prec), "recall": macro(rec), "f1": macro(f1)}
        else:
            sst = (self.sy2 - self.sy * self.sy / n).cpu()
            sse = self.sse.cpu()
            r2 = torch.where(sst > 0, 1 - sse / sst.clamp_min(1e-300), torch.zeros_like(sse))
            values = {"mse": float(sse.mean()) / n if sse.numel() else 0.0,
                      "mae": float(self.sae.cpu().mean()) / n if sse.numel() else 0.0,
                      "r2": float(r2.mean()) if sse.numel() else 0.0}
        out.update({k: values[k] for k in self.names})
        return out


def lower_is_better(metric: str) -> bool:
    """True for losses and errors (val_loss, mse, mae), False for scores (accuracy, f1, r2)."""
    bare = metric[4:] if metric.startswith("val_") else metric
    return bare in ("loss", "mse", "mae") or bare.endswith("loss")
