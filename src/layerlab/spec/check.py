"""The validation pipeline after parsing: shapes layer by layer, then cross-field checks.

Each cross-field check is a small registered function that returns SpecErrors (with fixes
where the fix is obvious). `analyze` never raises; `Analysis.raise_first()` does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..layers.activations import ACTIVATIONS
from ..layers.base import get_layer
from ..layers.stack import Row, infer_stack
from . import catalog
from .errors import Fix, SpecError
from .models import Project
from .params import suggest_fix


@dataclass
class Target:
    """What the data asks of the network's output."""

    input_shape: tuple[int, ...]
    task: str
    n_outputs: int | None  # classes or regression targets; None when unknown
    classes: list[str] | None = None
    vocab_size: int | None = None  # token data: ids run from 0 to vocab_size - 1


@dataclass
class Analysis:
    """Rows of the summary, errors in spec order, and totals."""

    rows: list[Row]
    errors: list[SpecError] = field(default_factory=list)
    input_shape: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total_params(self) -> int:
        return sum(r.params for r in self.rows)

    @property
    def output_shape(self) -> tuple[int, ...] | None:
        if not self.rows:
            return self.input_shape
        return self.rows[-1].out_shape

    def raise_first(self) -> None:
        if self.errors:
            raise self.errors[0]

    def to_dict(self) -> dict[str, Any]:
        return {"input_shape": list(self.input_shape), "layers": [r.to_dict() for r in self.rows],
                "total_params": self.total_params, "trainable_params": self.total_params,
                "output_shape": list(self.output_shape) if self.output_shape is not None else None,
                "errors": [e.to_dict() for e in self.errors], "ok": self.ok}


CHECKS: list[Callable[[Project, Analysis, Target], list[SpecError]]] = []


def check(fn):
    """Register a cross-field check."""
    CHECKS.append(fn)
    return fn


def analyze(project: Project, target: Target) -> Analysis:
    """Infer every layer's shape and run every cross-field check."""
    rows = infer_stack(project.model.layers, target.input_shape)
    a = Analysis(rows, [r.error for r in rows if r.error], tuple(target.input_shape))
    if a.ok:
        for fn in CHECKS:
            a.errors.extend(fn(project, a, target))
    else:
        a.errors.extend(_names(project, a, target))
    return a


def _last_output_layer(project: Project, a: Analysis) -> Row | None:
    for r in reversed(a.rows):
        if r.params or "units" in r.resolved or "filters" in r.resolved:
            return r
    return None


def _final_activation(a: Analysis) -> tuple[str | None, Row | None]:
    """The activation at the very end of the network and the row that applies it."""
    for r in reversed(a.rows):
        act = r.resolved.get("activation")
        if act is not None:
            return act, r
        if not get_layer(r.type).transparent:
            return None, r
    return None, None


@check
def _names(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    tr, errs = project.training, []
    for path, value, table in (("training.optimizer", tr.optimizer, catalog.OPTIMIZERS),
                               ("training.loss", tr.loss, catalog.LOSSES),
                               ("training.schedule.type", tr.schedule.type, catalog.SCHEDULES)):
        if value is not None and value not in table:
            errs.append(SpecError(path, "is not a known name", value, suggest_fix(value, list(table)),
                                  _closest_fix(path, value, list(table))))
    for i, m in enumerate(project.metrics):
        if m not in catalog.METRICS:
            errs.append(SpecError(f"training.metrics[{i}]", "is not a known metric", m,
                                  suggest_fix(m, list(catalog.METRICS)),
                                  _closest_fix(f"training.metrics[{i}]", m, list(catalog.METRICS))))
    return errs


def _closest_fix(path: str, value: str, valid: list[str]) -> list[Fix]:
    from .params import closest
    c = closest(value, valid)
    return [Fix(f"use {c!r}", [{"op": "set", "path": path, "value": c}])] if c else []


@check
def _loss_fits_task(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    loss = project.training.loss
    if loss is None or loss not in catalog.LOSSES or t.task in catalog.LOSSES[loss].tasks:
        return []
    default = catalog.DEFAULT_LOSS[t.task]
    return [SpecError("training.loss", f"does not fit a {t.task} task", loss,
                      f"use {default!r} (or another {t.task} loss)",
                      [Fix(f"use {default!r}", [{"op": "set", "path": "training.loss", "value": default}])])]


@check
def _metrics_fit_task(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    errs = []
    for i, m in enumerate(project.metrics):
        if m in catalog.METRICS and t.task not in catalog.METRICS[m].tasks:
            good = catalog.DEFAULT_METRICS[t.task]
            errs.append(SpecError(f"training.metrics[{i}]", f"does not fit a {t.task} task", m,
                                  f"use {', '.join(good)}",
                                  [Fix(f"use {good}", [{"op": "set", "path": "training.metrics", "value": good}])]))
    return errs


@check
def _output_shape(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    out = a.output_shape
    n = t.n_outputs
    if out is None or n is None or not project.model.layers:
        if not project.model.layers:
            return [SpecError("model.layers", "the model has no layers", [],
                              "add at least one layer, e.g. a dense layer with as many units as outputs",
                              [Fix("add an output layer", [{"op": "set", "path": "model.layers",
                                                           "value": [_output_layer(project, t)]}])])]
        return []
    binary_ok = t.task == "classification" and n == 2 and out == (1,)
    if out == (n,) or binary_ok:
        return []
    last = len(project.model.layers) - 1
    if len(out) != 1:
        one_per = "class" if t.task == "classification" else "target"
        if a.rows[-1].type == "dense" and out[-1] == n:
            # a dense output on a block works per row (Keras does the same): flatten before it instead
            return [SpecError(f"model.layers[{last}]", f"the output layer gets a block, so it gives {n} values "
                              f"for each of {out[0]} rows instead of {n} in all", f"output of shape {out}",
                              "insert a flatten layer before the output layer",
                              [Fix("insert a flatten layer before it",
                                   [{"op": "insert", "path": f"model.layers[{last}]", "value": {"type": "flatten"}}])])]
        return [SpecError(f"model.layers[{last}]", f"the network must end in {n} values (one per {one_per}), "
                          "but ends in a block", f"output of shape {out}", "add flatten and a dense output layer",
                          [Fix("append flatten and a dense output layer", [
                              {"op": "insert", "path": f"model.layers[{last + 1}]", "value": {"type": "flatten"}},
                              {"op": "insert", "path": f"model.layers[{last + 2}]", "value": _output_layer(project, t)}])])]
    row = _last_output_layer(project, a)
    what = f"{n} classes" if t.task == "classification" else f"{n} target value(s)"
    if row is not None and "units" in row.resolved:
        return [SpecError(f"{row.path}.units", f"the last layer must have one unit per output: the data has {what}",
                          row.resolved["units"], f"set units to {n}",
                          [Fix(f"set units to {n}", [{"op": "set", "path": f"{row.path}.units", "value": n}])])]
    return [SpecError(f"model.layers[{last}]", f"the network must end in {n} values ({what})", f"output of shape {out}",
                      "append a dense output layer",
                      [Fix("append a dense output layer", [{"op": "insert", "path": f"model.layers[{last + 1}]",
                                                            "value": _output_layer(project, t)}])])]


def _output_layer(project: Project, t: Target) -> dict[str, Any]:
    n = t.n_outputs or 1
    act = "softmax" if t.task == "classification" else "linear"
    return {"type": "dense", "units": n, "activation": act}


@check
def _output_activation(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    act, row = _final_activation(a)
    if row is None or act is None:
        return []
    path = f"{row.path}.activation"
    if t.task == "regression" and act in ("softmax", "sigmoid", "log_softmax"):
        return [SpecError(path, f"{act} squashes the output, but a regression must predict any value", act,
                          "use 'linear' on the output layer",
                          [Fix("use 'linear'", [{"op": "set", "path": path, "value": "linear"}])])]
    if t.task == "classification" and a.output_shape == (1,) and act == "softmax":
        return [SpecError(path, "softmax over a single unit is always 1, so nothing can be learned", act,
                          "use 'sigmoid' for one output unit",
                          [Fix("use 'sigmoid'", [{"op": "set", "path": path, "value": "sigmoid"}])])]
    loss = project.loss
    if t.task == "classification" and act == "sigmoid" and a.output_shape != (1,) and loss == "cross_entropy":
        return [SpecError(path, "sigmoid on several classes with cross_entropy: probabilities would not sum to 1",
                          act, "use 'softmax' on the output layer",
                          [Fix("use 'softmax'", [{"op": "set", "path": path, "value": "softmax"}])])]
    if t.task == "classification" and act not in ("softmax", "sigmoid", "log_softmax", "linear") and \
            act in ACTIVATIONS and a.output_shape and a.output_shape[0] > 1:
        return [SpecError(path, f"{act} on the output layer cannot give class probabilities", act,
                          "use 'softmax' on the output layer",
                          [Fix("use 'softmax'", [{"op": "set", "path": path, "value": "softmax"}])])]
    return []


@check
def _token_input(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    """Token ids need an embedding first, with room for every id; numbers need no embedding."""
    errs: list[SpecError] = []
    for r in a.rows:
        if not get_layer(r.type).token_input:
            continue
        if r.index > 0:
            raw = project.model.layers[r.index]
            errs.append(SpecError(r.path, f"{r.type} reads token ids from the data, so it must be the first layer",
                                  f"position {r.index}", "move it to the top of the model",
                                  [Fix("move it to the top", [{"op": "remove", "path": r.path},
                                                              {"op": "insert", "path": "model.layers[0]",
                                                               "value": raw}])]))
        elif not t.vocab_size:
            errs.append(SpecError(r.path, f"{r.type} reads token ids (whole numbers), but the data gives "
                                  "measurements", f"data of shape {tuple(t.input_shape)}",
                                  "remove it, or use a data source made of tokens",
                                  [Fix("remove it", [{"op": "remove", "path": r.path}])]))
        elif r.resolved["input_dim"] < t.vocab_size:
            path = f"{r.path}.input_dim"
            errs.append(SpecError(path, f"is smaller than the vocabulary of the data ({t.vocab_size} token ids)",
                                  r.resolved["input_dim"], f"set input_dim to {t.vocab_size}",
                                  [Fix(f"set input_dim to {t.vocab_size}",
                                       [{"op": "set", "path": path, "value": t.vocab_size}])]))
    if t.vocab_size and a.rows and not get_layer(a.rows[0].type).token_input:
        emb = {"type": "embedding", "input_dim": t.vocab_size, "output_dim": 16}
        edits = [{"op": "insert", "path": "model.layers[0]", "value": emb}]
        if a.rows[0].type == "dense":  # dense wants one flat list, not a vector per token
            edits.append({"op": "insert", "path": "model.layers[1]", "value": {"type": "flatten"}})
        errs.append(SpecError("model.layers[0]", f"the data gives token ids (whole numbers below {t.vocab_size}); "
                              "the first layer must turn them into vectors", a.rows[0].type,
                              "insert an embedding layer at the top",
                              [Fix("insert an embedding layer at the top" + (" and a flatten after it"
                                                                            if len(edits) > 1 else ""), edits)]))
    return errs


_SEQUENCE_MAKERS = ("embedding", "simple_rnn", "lstm", "gru")
_CHANNELS_FIRST = ("conv1d", "max_pool1d", "avg_pool1d", "global_avg_pool", "global_max_pool")


@check
def _sequence_layout(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    """Sequences are (steps, features); conv1d and pools read (channels, length): catch a silent mix-up."""
    errs: list[SpecError] = []
    maker: Row | None = None  # the layer that made the current (steps, features) sequence
    for r in a.rows:
        if maker is not None and r.type in _CHANNELS_FIRST and r.resolved.get("keep", "first") == "first":
            steps, feats = r.in_shape
            what = f"{r.type} would treat the {steps} steps from {maker.type} ({maker.path}) as channels"
            if r.type.startswith("global"):
                fix = Fix("pool over the steps (keep 'last')", [{"op": "set", "path": f"{r.path}.keep", "value": "last"}])
                hint = "set keep to 'last' to average over the steps and keep the features"
            else:
                fix = Fix("insert permute [2, 1] before it", [{"op": "insert", "path": r.path,
                                                             "value": {"type": "permute", "dims": [2, 1]}}])
                hint = "insert a permute layer with dims [2, 1] before it: (steps, features) -> (features, steps)"
            errs.append(SpecError(r.path, what + f" and its {feats} features as positions",
                                  f"a sequence of shape {r.in_shape}", hint, [fix]))
            maker = None
            continue
        sequence_out = r.out_shape is not None and len(r.out_shape) == 2
        # dense, norms and noise work per step and keep the layout; permute and reshape change it
        keeps_layout = r.type in ("dense", "layer_norm", "activation") or (
            get_layer(r.type).transparent and r.type not in ("permute", "reshape"))
        if r.type in _SEQUENCE_MAKERS and sequence_out:
            maker = r
        elif not (sequence_out and keeps_layout):
            maker = None
    return errs


@check
def _early_stopping_monitor(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    """early_stopping.monitor names a number the training loop records."""
    es = project.training.early_stopping
    if es is None:
        return []
    names = ["loss", "val_loss"] + [f"{p}{m}" for m in project.metrics for p in ("", "val_")]
    if es.monitor in names:
        return []
    path = "training.early_stopping.monitor"
    return [SpecError(path, "is not a number the training records", es.monitor,
                      suggest_fix(es.monitor, names), _closest_fix(path, es.monitor, names))]


@check
def _class_weights(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    """class_weights belong to classification and name the data's classes."""
    cw = project.training.class_weights
    path = "training.class_weights"
    if cw is None:
        return []
    if t.task != "classification":
        return [SpecError(path, "only apply to classification", cw, "remove them",
                          [Fix("remove class_weights", [{"op": "remove", "path": path}])])]
    if isinstance(cw, str) or not t.classes:
        return []
    errs = []
    for name in cw:
        if name not in t.classes:
            errs.append(SpecError(f"{path}.{name}", "is not a class of the data", name,
                                  suggest_fix(name, list(t.classes)),
                                  [Fix(f"use 'balanced' weights", [{"op": "set", "path": path, "value": "balanced"}])]))
    return errs


@check
def _splits(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    """Validation and test shares leave something to train on."""
    d = project.data
    if d.validation_split + d.test_split < 0.95:
        return []
    keep = round(max(0.0, 0.9 - d.test_split), 2) if d.test_split < 0.9 else 0.2
    edits = [{"op": "set", "path": "data.validation_split", "value": keep}]
    if d.test_split >= 0.9:
        edits.append({"op": "set", "path": "data.test_split", "value": 0.0})
    return [SpecError("data.validation_split", "together with data.test_split it leaves (almost) nothing to "
                      "train on", [d.validation_split, d.test_split],
                      "keep validation_split + test_split below 0.95, e.g. 0.2 and 0.1",
                      [Fix(f"set validation_split to {keep}", edits)])]
