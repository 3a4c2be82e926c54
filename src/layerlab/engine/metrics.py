"""Metrics by the names in `layerlab.spec.catalog.METRICS`: one entry each, carrying its torch code once.

A metric is a value of statistics that add up over batches (a count of right answers, a
confusion matrix, sums of errors). The code for both is text: `stats_lines()` computes a
batch's statistics from outputs `out` and targets `y`, an entry's `value` turns the summed
statistics and the sample count `n` into a float. The engine's `MetricAccumulator` runs that
text per batch on the training device (no per-sample Python, no sync per batch) and turns
the sums into floats once per epoch; the standalone script's `scores(out, y)` is the same
text over one epoch's outputs at once (`scores_code()`), so the two cannot drift. Precision,
recall and f1 are macro averages over the classes that occur (in the targets or the
predictions), as scikit-learn computes them.

>>> import torch
>>> m = MetricAccumulator("classification", n_classes=2, names=["accuracy", "f1"])
>>> m.update(torch.tensor([[2.0, 0.0], [0.0, 1.0], [3.0, 0.0]]), torch.tensor([0, 1, 1]), loss=torch.tensor(0.5))
>>> {k: round(v, 3) for k, v in m.compute().items()}
{'loss': 0.5, 'accuracy': 0.667, 'f1': 0.667}
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from .codetext import define, evaluate

CLASSIFICATION_TASK, REGRESSION_TASK = "classification", "regression"
TOP_K = 5

# a batch's statistics: each a line `name = <torch code>` over out, y (and pred, k, t, d from the preludes)
PRED = {True: "pred = (out[:, 0] > 0).long()", False: "pred = out.argmax(dim=1)"}  # one unit: the sign says class 1
CONFUSION_SIZE = "k = max(len(CLASSES), 2)"
STATS = {
    "correct": "correct = (pred == y).sum()",
    "confusion": "confusion = torch.bincount(y * k + pred, minlength=k * k)  # rows: true class, columns: predicted",
    "top_k": f"top_k = (out.topk({TOP_K}, dim=1).indices == y[:, None]).any(dim=1).sum()  # in the {TOP_K} most likely",
    "sse": "sse = (d * d).sum(0)",
    "sae": "sae = d.abs().sum(0)",
    "sy": "sy = t.sum(0)",
    "sy2": "sy2 = (t * t).sum(0)",
}
ALL_IN_TOP_K = f"top_k = len(y)  # every class is among the {TOP_K} most likely"
REGRESSION_PRELUDE = ("t = y.double().reshape(out.shape)", "d = out.double() - t")

MACRO_CODE = '''def macro_scores(confusion, k):
    """Macro precision, recall and f1 over the classes that occur, as scikit-learn computes them."""
    cm = confusion.reshape(k, k).double().cpu()  # rows: true class, columns: predicted
    tp, support, predicted = cm.diag(), cm.sum(1), cm.sum(0)
    zero = torch.zeros_like(tp)
    precision = torch.where(predicted > 0, tp / predicted.clamp_min(1), zero)
    recall = torch.where(support > 0, tp / support.clamp_min(1), zero)
    both = precision + recall
    f1 = torch.where(both > 0, 2 * precision * recall / both.clamp_min(1e-12), zero)
    present = (support + predicted) > 0
    return [float(v[present].mean()) if bool(present.any()) else 0.0 for v in (precision, recall, f1)]
'''
R2_CODE = '''def r2_score(sse, sy, sy2, n):
    """1 - SSE / SST per output column (0 where the targets do not vary), averaged over the columns."""
    sst = (sy2 - sy * sy / n).cpu()
    sse = sse.cpu()
    return float(torch.where(sst > 0, 1 - sse / sst.clamp_min(1e-300), torch.zeros_like(sse)).mean())
'''
HELPERS = {"macro_scores": MACRO_CODE, "r2_score": R2_CODE}


@dataclass(frozen=True)
class Metric:
    """One metric: the statistics it sums over batches and its value from the sums and n."""

    name: str
    task: str
    stats: tuple[str, ...]
    value: str                # torch code over the summed statistics, n (and k)
    helper: str = ""          # a function of HELPERS the value calls


METRICS_TABLE = {m.name: m for m in (
    Metric("accuracy", CLASSIFICATION_TASK, ("correct",), "float(correct) / n"),
    Metric("top_k_accuracy", CLASSIFICATION_TASK, ("top_k",), "float(top_k) / n"),
    Metric("precision", CLASSIFICATION_TASK, ("confusion",), "macro_scores(confusion, k)[0]", "macro_scores"),
    Metric("recall", CLASSIFICATION_TASK, ("confusion",), "macro_scores(confusion, k)[1]", "macro_scores"),
    Metric("f1", CLASSIFICATION_TASK, ("confusion",), "macro_scores(confusion, k)[2]", "macro_scores"),
    Metric("mse", REGRESSION_TASK, ("sse",), "float(sse.mean()) / n"),
    Metric("mae", REGRESSION_TASK, ("sae",), "float(sae.mean()) / n"),
    Metric("r2", REGRESSION_TASK, ("sse", "sy", "sy2"), "r2_score(sse, sy, sy2, n)", "r2_score"),
)}
CLASSIFICATION = tuple(n for n, m in METRICS_TABLE.items() if m.task == CLASSIFICATION_TASK)
REGRESSION = tuple(n for n, m in METRICS_TABLE.items() if m.task == REGRESSION_TASK)
METRICS = CLASSIFICATION + REGRESSION


def _needed(names: list[str]) -> list[str]:
    """The statistics the named metrics read, in STATS order."""
    want = {s for n in names for s in METRICS_TABLE[n].stats}
    return [s for s in STATS if s in want]


def stats_lines(task: str, names: list[str], units: int) -> list[str]:
    """The lines computing one batch's statistics for these metrics, for a network with `units` outputs."""
    need = _needed(names)
    if task == CLASSIFICATION_TASK:
        lines = [PRED[units == 1]] if set(need) - {"top_k"} else []
        if "confusion" in need:
            lines.append(CONFUSION_SIZE)
        return lines + [ALL_IN_TOP_K if s == "top_k" and units <= TOP_K else STATS[s] for s in need]
    return [*REGRESSION_PRELUDE, *(STATS[s] for s in need)] if need else []


def helpers_code(names: list[str]) -> str:
    """The helper functions the named metrics' values call."""
    used = [h for h in HELPERS if any(METRICS_TABLE[n].helper == h for n in names)]
    return "\n\n".join(HELPERS[h] for h in used)


def scores_code(task: str, names: list[str], units: int) -> str:
    """The script's scores(out, y): the metrics of one epoch's outputs at once, as the engine computes them."""
    body = "\n    ".join(["n = len(y)", *stats_lines(task, names, units)])
    entries = "".join(f'\n        "{n}": {METRICS_TABLE[n].value},' for n in names)
    text = f'''def scores(out, y):
    """The project's metrics for {"logits" if task == CLASSIFICATION_TASK else "outputs"} and targets."""
    {body}
    return {{{entries}
    }}
'''
    helpers = helpers_code(names)
    return text + ("\n\n" + helpers if helpers else "")


def _batch_code(task: str, names: list[str], units: int) -> str:
    need = _needed(names)
    body = "".join(f"    {line}\n" for line in stats_lines(task, names, units))
    return f"def batch_stats(out, y):\n{body}    return {{{', '.join(f'{s!r}: {s}' for s in need)}}}\n"


def predicted_classes(z: torch.Tensor) -> torch.Tensor:
    """Class index per row of logits (one unit: the sign says class 1)."""
    return evaluate(PRED[z.shape[1] == 1].split(" = ", 1)[1], out=z)


class MetricAccumulator:
    """Running sums for one epoch of one split."""

    def __init__(self, task: str, n_classes: int = 0, names: list[str] | None = None,
                 device: torch.device | str = "cpu"):
        self.task, self.k, self.device = task, max(int(n_classes), 2 if task == CLASSIFICATION_TASK else 0), device
        self.names = [n for n in (names or []) if n in METRICS_TABLE and METRICS_TABLE[n].task == task]
        self.classes = [None] * self.k  # what the code's CLASSES stands for: k classes
        self._batch: dict[int, Any] = {}  # batch_stats per number of output units
        space: dict[str, Any] = {}
        for h in {METRICS_TABLE[n].helper for n in self.names} - {""}:
            space[h] = define(HELPERS[h], h)
        self._space = space
        self.reset()

    def reset(self) -> None:
        self.n = 0
        self.loss_sum = 0.0
        self.sums: dict[str, Any] = {}

    def update(self, out: torch.Tensor, y: torch.Tensor, loss: torch.Tensor | float | None = None) -> None:
        """Add a batch: detached logits (classification) or outputs (regression), targets, mean batch loss."""
        self.n += int(out.shape[0])
        if loss is not None:
            self.loss_sum += float(loss) * int(out.shape[0])
        if not self.names:
            return
        units = int(out.shape[1]) if out.dim() > 1 else 1
        fn = self._batch.get(units)
        if fn is None:
            fn = self._batch[units] = define(_batch_code(self.task, self.names, units), "batch_stats",
                                             CLASSES=self.classes)
        for s, v in fn(out, y).items():
            self.sums[s] = v if s not in self.sums else self.sums[s] + v

    def compute(self) -> dict[str, float]:
        """{'loss': ..., metric: value} as floats (loss only when losses were given)."""
        n = max(self.n, 1)
        out = {"loss": float(self.loss_sum) / n}
        for name in self.names:
            m = METRICS_TABLE[name]
            if self.n == 0:
                out[name] = 0.0
                continue
            out[name] = float(evaluate(m.value, n=self.n, k=self.k, **self._space,
                                       **{s: self.sums[s] for s in m.stats}))
        return out


def lower_is_better(metric: str) -> bool:
    """True for losses and errors (val_loss, mse, mae), False for scores (accuracy, f1, r2)."""
    bare = metric[4:] if metric.startswith("val_") else metric
    return bare in ("loss", "mse", "mae") or bare.endswith("loss")
