"""The validation pipeline after parsing: shapes layer by layer, then cross-field checks.

Each cross-field check is a small registered function that returns SpecErrors (with fixes
where the fix is obvious). `analyze` never raises; `Analysis.raise_first()` does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..i18n import Text, msg
from ..layers.activations import ACTIVATIONS
from ..layers.base import get_layer
from ..layers.stack import Row, heaviest, infer_stack
from . import budgets, catalog
from .errors import Fix, SpecError
from .models import Project
from .params import closest, suggest_fix


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
    estimate: budgets.Estimate | None = None  # training cost, when every shape is known
    budget: dict[str, Any] = field(default_factory=dict)  # each budget's use and limit
    over_budget: list[SpecError] = field(default_factory=list)  # the errors that are budget refusals

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
                "errors": [e.to_dict() for e in self.errors], "ok": self.ok, "budget": self.budget,
                "total_flops": sum(r.flops for r in self.rows)}


CHECKS: list[Callable[[Project, Analysis, Target], list[SpecError]]] = []


def check(fn):
    """Register a cross-field check."""
    CHECKS.append(fn)
    return fn


def analyze(project: Project, target: Target) -> Analysis:
    """Check the layer count and nesting, infer every layer's shape, run every cross-field check and the budgets."""
    lim = budgets.limits()
    counted = budgets.structure(project.model.layers)
    too_big = budgets.check_structure(project.model.layers, lim=lim)
    if too_big:  # refused before a single shape is inferred
        return Analysis([], too_big, tuple(target.input_shape), None, budgets.report(None, counted, lim), too_big)
    rows = infer_stack(project.model.layers, target.input_shape)
    a = Analysis(rows, [r.error for r in rows if r.error], tuple(target.input_shape))
    if a.ok:
        for fn in CHECKS:
            a.errors.extend(fn(project, a, target))
        tr = project.training
        a.estimate = model_estimate(rows, target.input_shape, tr.batch_size, tr.optimizer, tr.momentum)
        a.over_budget = budgets.check_estimate(a.estimate, heaviest(rows), lim)
        a.errors.extend(a.over_budget)
    else:
        a.errors.extend(_names(project, a, target))
    a.budget = budgets.report(a.estimate, counted, lim)
    return a


def model_estimate(rows: list[Row], input_shape: tuple[int, ...], batch_size: int, optimizer: str = "adam",
                   momentum: float = 0.0) -> budgets.Estimate:
    """Training cost of valid rows at a batch size (see spec.budgets.estimate)."""
    size = 1
    for d in input_shape:
        size *= d
    return budgets.estimate(sum(r.params for r in rows), size, sum(r.activations for r in rows),
                            sum(r.flops for r in rows), batch_size, optimizer, momentum)


def _last_output_layer(project: Project, a: Analysis) -> Row | None:
    for r in reversed(a.rows):
        if r.params or "units" in r.resolved or "filters" in r.resolved:
            return r
    return None


def _final_activation(a: Analysis) -> tuple[str | None, Row | None]:
    """The activation at the very end of the network and the row that applies it."""
    for r in reversed(a.rows):
        act = get_layer(r.type).activation_of(r.resolved)  # a kind that is an activation (swish) says so too
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
            errs.append(SpecError(path, msg("is not a known name"), value, suggest_fix(value, list(table)),
                                  _closest_fix(path, value, list(table))))
    for i, m in enumerate(project.metrics):
        if m not in catalog.METRICS:
            errs.append(SpecError(f"training.metrics[{i}]", msg("is not a known metric"), m,
                                  suggest_fix(m, list(catalog.METRICS)),
                                  _closest_fix(f"training.metrics[{i}]", m, list(catalog.METRICS))))
    return errs


def _closest_fix(path: str, value: str, valid: list[str]) -> list[Fix]:
    c = closest(value, valid)
    return [_use(path, c)] if c else []


def _use(path: str, value: Any) -> Fix:
    """The fix that sets path to value, described as "use 'value'"."""
    return Fix(msg("use {value!r}", value=value), [{"op": "set", "path": path, "value": value}])


def _not_for_task(task: str) -> Text:
    if task == catalog.CLASSIFICATION:
        return msg("does not fit a classification task")
    return msg("does not fit a regression task")


@check
def _loss_fits_task(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    loss = project.training.loss
    if loss is None or loss not in catalog.LOSSES or t.task in catalog.LOSSES[loss].tasks:
        return []
    default = catalog.DEFAULT_LOSS[t.task]
    hint = msg("use {default!r} (or another classification loss)", default=default) \
        if t.task == catalog.CLASSIFICATION else msg("use {default!r} (or another regression loss)", default=default)
    return [SpecError("training.loss", _not_for_task(t.task), loss, hint,
                      [_use("training.loss", default)])]


@check
def _metrics_fit_task(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    errs = []
    for i, m in enumerate(project.metrics):
        if m in catalog.METRICS and t.task not in catalog.METRICS[m].tasks:
            good = catalog.DEFAULT_METRICS[t.task]
            errs.append(SpecError(f"training.metrics[{i}]", _not_for_task(t.task), m,
                                  msg("use {metrics}", metrics=", ".join(good)),
                                  [Fix(msg("use {metrics}", metrics=good),
                                       [{"op": "set", "path": "training.metrics", "value": good}])]))
    return errs


@check
def _output_shape(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    out = a.output_shape
    n = t.n_outputs
    if out is None or n is None or not project.model.layers:
        if not project.model.layers:
            return [SpecError("model.layers", msg("the model has no layers"), [],
                              msg("add at least one layer, e.g. a dense layer with as many units as outputs"),
                              [Fix(msg("add an output layer"), [{"op": "set", "path": "model.layers",
                                                                "value": [_output_layer(project, t)]}])])]
        return []
    binary_ok = t.task == "classification" and n == 2 and out == (1,)
    if out == (n,) or binary_ok:
        return []
    last = len(project.model.layers) - 1
    if len(out) != 1:
        if a.rows[-1].type == "dense" and out[-1] == n:
            # a dense output on a block works per row (Keras does the same): flatten before it instead
            return [SpecError(f"model.layers[{last}]",
                              msg("the output layer gets a block, so it gives {n} values for each of {rows} rows "
                                  "instead of {n} in all", n=n, rows=out[0]), msg("output of shape {shape}", shape=out),
                              msg("insert a flatten layer before the output layer"),
                              [Fix(msg("insert a flatten layer before it"),
                                   [{"op": "insert", "path": f"model.layers[{last}]", "value": {"type": "flatten"}}])])]
        message = msg("the network must end in {n} values (one per class), but ends in a block", n=n) \
            if t.task == "classification" else \
            msg("the network must end in {n} values (one per target), but ends in a block", n=n)
        return [SpecError(f"model.layers[{last}]", message, msg("output of shape {shape}", shape=out),
                          msg("add flatten and a dense output layer"),
                          [Fix(msg("append flatten and a dense output layer"), [
                              {"op": "insert", "path": f"model.layers[{last + 1}]", "value": {"type": "flatten"}},
                              {"op": "insert", "path": f"model.layers[{last + 2}]",
                               "value": _output_layer(project, t)}])])]
    row = _last_output_layer(project, a)
    what = msg("{n} classes", n=n) if t.task == "classification" else msg("{n} target value(s)", n=n)
    if row is not None and "units" in row.resolved:
        return [SpecError(f"{row.path}.units",
                          msg("the last layer must have one unit per output: the data has {what}", what=what),
                          row.resolved["units"], msg("set units to {n}", n=n),
                          [Fix(msg("set units to {n}", n=n),
                               [{"op": "set", "path": f"{row.path}.units", "value": n}])])]
    return [SpecError(f"model.layers[{last}]", msg("the network must end in {n} values ({what})", n=n, what=what),
                      msg("output of shape {shape}", shape=out), msg("append a dense output layer"),
                      [Fix(msg("append a dense output layer"), [{"op": "insert", "path": f"model.layers[{last + 1}]",
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
        return [SpecError(path, msg("{act} squashes the output, but a regression must predict any value", act=act),
                          act, msg("use {act!r} on the output layer", act="linear"),
                          [_use(path, "linear")])]
    if t.task == "classification" and a.output_shape == (1,) and act == "softmax":
        return [SpecError(path, msg("softmax over a single unit is always 1, so nothing can be learned"), act,
                          msg("use 'sigmoid' for one output unit"),
                          [_use(path, "sigmoid")])]
    loss = project.loss
    if t.task == "classification" and act == "sigmoid" and a.output_shape != (1,) and loss == "cross_entropy":
        return [SpecError(path, msg("sigmoid on several classes with cross_entropy: probabilities would not sum to 1"),
                          act, msg("use {act!r} on the output layer", act="softmax"),
                          [_use(path, "softmax")])]
    if t.task == "classification" and "activation" not in row.resolved and act != "linear" and a.output_shape \
            and a.output_shape[0] > 1:  # a layer that is an activation of its own (swish) ends the network
        return [SpecError(row.path, msg("{act} on the output layer cannot give class probabilities", act=act), act,
                          msg("remove this layer, so the layer before it gives the output"),
                          [Fix(msg("remove it"), [{"op": "remove", "path": row.path}])])]
    if t.task == "classification" and act not in ("softmax", "sigmoid", "log_softmax", "linear") and \
            act in ACTIVATIONS and a.output_shape and a.output_shape[0] > 1:
        return [SpecError(path, msg("{act} on the output layer cannot give class probabilities", act=act), act,
                          msg("use {act!r} on the output layer", act="softmax"),
                          [_use(path, "softmax")])]
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
            errs.append(SpecError(r.path, msg("{type} reads token ids from the data, so it must be the first layer",
                                              type=r.type),
                                  msg("position {index}", index=r.index), msg("move it to the top of the model"),
                                  [Fix(msg("move it to the top"), [{"op": "remove", "path": r.path},
                                                                   {"op": "insert", "path": "model.layers[0]",
                                                                    "value": raw}])]))
        elif not t.vocab_size:
            errs.append(SpecError(r.path, msg("{type} reads token ids (whole numbers), but the data gives "
                                              "measurements", type=r.type),
                                  msg("data of shape {shape}", shape=tuple(t.input_shape)),
                                  msg("remove it, or use a data source made of tokens"),
                                  [Fix(msg("remove it"), [{"op": "remove", "path": r.path}])]))
        elif r.resolved["input_dim"] < t.vocab_size:
            path = f"{r.path}.input_dim"
            errs.append(SpecError(path, msg("is smaller than the vocabulary of the data ({n} token ids)",
                                            n=t.vocab_size),
                                  r.resolved["input_dim"], msg("set input_dim to {n}", n=t.vocab_size),
                                  [Fix(msg("set input_dim to {n}", n=t.vocab_size),
                                       [{"op": "set", "path": path, "value": t.vocab_size}])]))
    if t.vocab_size and a.rows and not get_layer(a.rows[0].type).token_input:
        emb = {"type": "embedding", "input_dim": t.vocab_size, "output_dim": 16}
        edits = [{"op": "insert", "path": "model.layers[0]", "value": emb}]
        if a.rows[0].type == "dense":  # dense wants one flat list, not a vector per token
            edits.append({"op": "insert", "path": "model.layers[1]", "value": {"type": "flatten"}})
        fix = msg("insert an embedding layer at the top and a flatten after it") if len(edits) > 1 \
            else msg("insert an embedding layer at the top")
        errs.append(SpecError("model.layers[0]", msg("the data gives token ids (whole numbers below {n}); "
                                                     "the first layer must turn them into vectors", n=t.vocab_size),
                              a.rows[0].type, msg("insert an embedding layer at the top"), [Fix(fix, edits)]))
    return errs


@check
def _sequence_layout(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    """Sequences are (steps, features); conv1d and pools read (channels, length): catch a silent mix-up.

    Each layer kind says what it does to the layout (LayerKind.makes_sequence, reads_channels, keeps_layout).
    """
    errs: list[SpecError] = []
    maker: Row | None = None  # the layer that made the current (steps, features) sequence
    for r in a.rows:
        kind = get_layer(r.type)
        if maker is not None and kind.reads_channels and r.resolved.get("keep", "first") == "first":
            steps, feats = r.in_shape
            what = msg("{type} would treat the {steps} steps from {maker} ({where}) as channels and its {feats} "
                       "features as positions", type=r.type, steps=steps, maker=maker.type, where=maker.path,
                       feats=feats)
            if r.type.startswith("global"):
                fix = Fix(msg("pool over the steps (keep 'last')"),
                          [{"op": "set", "path": f"{r.path}.keep", "value": "last"}])
                hint = msg("set keep to 'last' to average over the steps and keep the features")
            else:
                fix = Fix(msg("insert permute [2, 1] before it"), [{"op": "insert", "path": r.path,
                                                                   "value": {"type": "permute", "dims": [2, 1]}}])
                hint = msg("insert a permute layer with dims [2, 1] before it: (steps, features) -> (features, steps)")
            errs.append(SpecError(r.path, what, msg("a sequence of shape {shape}", shape=r.in_shape), hint, [fix]))
            maker = None
            continue
        sequence_out = r.out_shape is not None and len(r.out_shape) == 2
        if kind.makes_sequence and sequence_out:
            maker = r
        elif not (sequence_out and kind.keeps_layout):  # dense, norms and noise keep it; permute changes it
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
    return [SpecError(path, msg("is not a number the training records"), es.monitor,
                      suggest_fix(es.monitor, names), _closest_fix(path, es.monitor, names))]


@check
def _class_weights(project: Project, a: Analysis, t: Target) -> list[SpecError]:
    """class_weights belong to classification and name the data's classes."""
    cw = project.training.class_weights
    path = "training.class_weights"
    if cw is None:
        return []
    if t.task != "classification":
        return [SpecError(path, msg("only apply to classification"), cw, msg("remove them"),
                          [Fix(msg("remove class_weights"), [{"op": "remove", "path": path}])])]
    if isinstance(cw, str) or not t.classes:
        return []
    errs = []
    for name in cw:
        if name not in t.classes:
            errs.append(SpecError(f"{path}.{name}", msg("is not a class of the data"), name,
                                  suggest_fix(name, list(t.classes)),
                                  [Fix(msg("use 'balanced' weights"),
                                       [{"op": "set", "path": path, "value": "balanced"}])]))
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
    return [SpecError("data.validation_split", msg("together with data.test_split it leaves (almost) nothing to "
                                                   "train on"), [d.validation_split, d.test_split],
                      msg("keep validation_split + test_split below 0.95, e.g. 0.2 and 0.1"),
                      [Fix(msg("set validation_split to {keep}", keep=keep), edits)])]
