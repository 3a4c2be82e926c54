"""A standalone PyTorch script that trains a project as LayerLab trains it, and predicts.

The model class is written from each layer kind's own `code()` snippet (the same text
LayerLab builds its modules from), and the source of every helper class it uses is copied
from the layer kinds' own modules, so the script needs only torch, numpy and Pillow (plus
scikit-learn for the datasets scikit-learn ships). Other data sources are snapshotted into
an .npz file beside the script, with LayerLab's split (plain arrays, no pickle).

The training part repeats the engine's run: the split, scaling, first weights, batch order,
augmentation, loss (with class weights and layer penalties), optimizer, learning-rate
schedule, gradient clipping, metrics, early stopping and restoring the best weights; each
written only when the project uses it (script_data.py, script_training.py, script_loop.py).

    python digits.py                   # trains as LayerLab does, prints each epoch, saves digits_weights.npz
    python digits.py --history h.json  # also writes each epoch's numbers and learning rate as JSON
    python digits.py --predict 3.png   # loads the weights and predicts
"""
from __future__ import annotations

import inspect
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..engine.loop import EVAL_BATCH
from ..engine.losses import get_loss
from ..engine.metrics import METRICS_TABLE, scores_code
from ..engine.optimizers import get_optimizer
from ..engine.schedules import get_schedule
from ..i18n import msg
from ..spec.models import parse_project
from ..store import atomic
from . import script_data as D
from . import script_loop as L
from . import script_training as T
from .common import Exported, ExportFailed, check_close, torch_outputs
from .script_model import CLASSES, helper_classes, model_code, nested_initializers
from .script_rows import script_columns, takes_rows

SKLEARN = D.SKLEARN


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("layerlab")
    except PackageNotFoundError:
        return "(development)"


def _settings(spec: Any, parts: tuple[bool, bool]) -> dict[str, Any]:
    """Everything the script's text depends on besides the model, checked as the engine checks it."""
    tr, task = spec.training, spec.task
    loss = get_loss(spec.loss)
    optimizer = get_optimizer(tr.optimizer)
    optimizer.check(tr)
    names = [n for n in spec.metrics if n in METRICS_TABLE and METRICS_TABLE[n].task == task]
    monitor = T.check_monitor(tr.early_stopping, names, parts[0]) if tr.early_stopping else None
    return {"tr": tr, "task": task, "loss": loss, "optimizer": optimizer, "names": names, "monitor": monitor,
            "schedule": get_schedule(tr.schedule), "has_val": parts[0]}


def _differences(spec: Any) -> list[str]:
    """What the script does not repeat for this project, in words for its header."""
    n = spec.training.epochs
    out = [f"it trains one fresh run of {n} epoch{'s' if n != 1 else ''} (a run continued in LayerLab restarts "
           "cosine and one_cycle schedules and keeps its best weights across the parts)"]
    if nested_initializers(spec.model.layers):
        out.append("layers inside a residual block start from PyTorch's default weights, not their initializers")
    return out + ["on a GPU neither is repeatable bit for bit"]


def _header(spec: Any, s: dict[str, Any], stem: str, needs: str, pre: dict[str, Any],
            steps: list[tuple[str, dict]], penalty: bool, image: bool, table: bool = False) -> str:
    """The docstring: what the script needs, which settings it repeats, and what still differs."""
    tr, data, kind, opt = s["tr"], spec.data, s["schedule"], s["optimizer"]
    sc = tr.schedule
    extras = []
    if kind.code():  # a schedule that changes the rate
        extras.append(f"the {kind.name!r} learning-rate schedule ({kind.describe(sc, s['has_val'])}"
                      + (f", at least {sc.min_lr}" if sc.min_lr > 0 else "") + ")")
    if tr.early_stopping:
        es = tr.early_stopping
        extras.append(f"early stopping on {s['monitor']} (patience {es.patience}, min_delta {es.min_delta}"
                      + ("; the best epoch's weights are kept)" if es.restore_best else ")"))
    if tr.class_weights is not None:
        extras.append("balanced class weights" if tr.class_weights == "balanced" else "class weights")
    if tr.gradient_clip:
        extras.append(f"gradient norm clipped to {tr.gradient_clip}")
    if tr.weight_decay > 0:
        extras.append(f"weight decay {tr.weight_decay}")
    if tr.momentum > 0 and opt.momentum:
        extras.append(f"momentum {tr.momentum}" + (" (Nesterov)" if tr.nesterov and opt.nesterov else ""))
    if steps:
        extras.append("augmentation (" + ", ".join(n for n, _ in steps) + ")")
    if penalty:
        extras.append("the layers' L1/L2 penalties")
    if pre.get("y_mean") is not None:
        extras.append("standardised targets")
    split = f"validation {data.validation_split}" + (f", test {data.test_split}" if data.test_split else "") \
        + f", seed {data.seed}"
    sklearn = needs.startswith("scikit")
    paragraph = [
        f"Needs: torch and numpy{', Pillow (to predict image files)' if image else ''}"
        f"{', plus ' + needs if sklearn else ''}.",
        f"Data: {'loaded from scikit-learn' if sklearn else needs}, split as LayerLab splits it ({split}); "
        f"inputs scaled: {pre.get('method', 'none')}.",
        f"Training: {tr.optimizer}, learning rate {tr.learning_rate}, "
        f"{tr.epochs} epoch{'s' if tr.epochs != 1 else ''}, batch size {tr.batch_size}, "
        f"loss {s['loss'].name}, metrics {', '.join(s['names']) or 'none'}, seed {tr.seed}, device {tr.device}.",
        ("Also as in LayerLab: " + "; ".join(extras) + ".") if extras else "",
        "It repeats LayerLab's run epoch for epoch: the same split, scaling, first weights, batch order, "
        "learning rates, metrics and stopping epoch, so on the CPU its numbers match the run's up to rounding.",
        "Still different: " + "; ".join(_differences(spec)) + "."]
    text = "\n".join("\n".join(textwrap.wrap(line, 100)) for line in paragraph if line)
    predict = "a row of the table's values, or a CSV file of rows" if table else \
        f"{'an image file, or ' if image else ''}comma-separated numbers"
    return f'''"""{spec.name}: a standalone PyTorch script generated by LayerLab {_version()}.

{text}

    python {stem}.py                     # train, print each epoch, save {stem}_weights.npz
    python {stem}.py --history h.json    # also write each epoch's numbers and learning rate as JSON
    python {stem}.py --predict INPUT     # {predict}
"""'''


def _plan(src: Exported, s: dict[str, Any], parts: tuple[bool, bool], n_out: int, steps: list,
          cw_line: str, load_call: str) -> L.Plan:
    """Which of the engine's steps the loop of this project's script needs."""
    tr, pre = s["tr"], src.meta.get("preprocessing") or {}
    classify, kind = s["task"] == "classification", pre.get("kind", "tabular")
    tokens = not src.example.is_floating_point()
    scaled = pre.get("method", "none") != "none" and not tokens
    rate = s["schedule"]
    sched = "constant" if not rate.code() else "plateau" if rate.plateau else \
        "per_batch" if rate.per_batch else "per_epoch"
    table = takes_rows(pre, tuple(src.input_shape), tokens)
    probabilities = "one_unit" if n_out == 1 else \
        "sigmoid" if getattr(src.network, "output_activation", None) == "sigmoid" else "softmax"
    return L.Plan(load_call=load_call, classify=classify, probabilities=probabilities, scaled=scaled,
                  tokens=tokens, y_scaled=not classify and pre.get("y_mean") is not None, has_val=parts[0],
                  has_test=parts[1], weight_line=cw_line, schedule=sched, monitor=s["monitor"],
                  restore_best=bool(tr.early_stopping and tr.early_stopping.restore_best),
                  clip=bool(tr.gradient_clip), penalty=any(any(getattr(m, "reg", ())) for m in src.network.modules()),
                  image=kind == "image" and len(src.input_shape) == 3,
                  fit=(pre.get("image") or {}).get("fit", "squash"),
                  table=script_columns(pre, tuple(src.input_shape), src.meta.get("feature_names")) if table else None,
                  augment=None if not steps else ", offset, scale" if kind == "image" and scaled else "",
                  optimizer=s["optimizer"].code(tr))


def _constants(src: Exported, spec: Any, s: dict[str, Any], plan: L.Plan, stem: str, split: bool,
               extra: str) -> str:
    """The settings block at the top of the script: one line per group, only the groups in use."""
    tr, data, meta = s["tr"], spec.data, src.meta
    lr = max(tr.learning_rate, tr.schedule.min_lr) if plan.schedule == "constant" else tr.learning_rate
    lines = [f"CLASSES = {json.dumps(list(meta.get('classes') or data.classes or []))}" if plan.classify else "",
             f"INPUT_SHAPE = {tuple(meta['input_shape'])}",
             f"LR, EPOCHS = {lr!r}, {tr.epochs}",
             f"BATCH_SIZE, SEED = {tr.batch_size}, {tr.seed}",
             f"EVAL_BATCH = {max(EVAL_BATCH, tr.batch_size)}  # samples per batch when evaluating"]
    if split:
        names = [n for n, on in (("VALIDATION_SPLIT", plan.has_val), ("TEST_SPLIT", plan.has_test)) if on]
        values = {"VALIDATION_SPLIT": data.validation_split, "TEST_SPLIT": data.test_split}
        lines.append(f"{', '.join(names)}, DATA_SEED = {', '.join(repr(values[n]) for n in names)}, {data.seed}"
                     "  # LayerLab's split")
    if plan.scaled:
        axes = tuple((meta.get("preprocessing") or {}).get("axes") or (0,))
        lines.append(f"AXES = {axes}  # the axes the input scaling is taken over")
    if tr.gradient_clip:
        extra += f"GRADIENT_CLIP = {tr.gradient_clip!r}  # the largest gradient norm\n"
    device = {"auto": 'torch.device("cuda" if torch.cuda.is_available() else "cpu")',
              "cpu": 'torch.device("cpu")', "cuda": 'torch.device("cuda")'}[tr.device]
    return ("\n".join(line for line in lines if line) + "\n" + T.schedule_constants(tr.schedule) + extra
            + f"TOKENS = {plan.tokens}  # inputs are integer token ids (never scaled)\n"
            f"DEVICE = {device}  # training.device: {tr.device}\n"
            f'WEIGHTS = Path(__file__).with_name("{stem}_weights.npz")\n')


def script_text(src: Exported, stem: str, spec: Any, parts: tuple[bool, bool]) -> str:
    """The whole script for src; spec is the run's parsed project, parts says (validation?, test?)."""
    meta, pre = src.meta, src.meta.get("preprocessing") or {}
    model, _, out_shape = model_code(meta.get("layers", []), tuple(meta["input_shape"]), src.network)
    n_out = int(out_shape[-1]) if out_shape else 1
    s = _settings(spec, parts)
    tr, task = s["tr"], s["task"]
    source = spec.data.source
    loader, load_call, needs = D.load_code(source, task, stem, parts)
    classes = list(meta.get("classes") or spec.data.classes or [])
    cw_const, cw_fn, cw_line = T.class_weight_code(tr.class_weights, classes, task)
    es_const, es_cls = T.early_stopping_code(tr.early_stopping, s["monitor"]) if s["monitor"] else ("", "")
    kind = pre.get("kind", "tabular")
    steps = D.augment_steps(spec, kind)
    plan = _plan(src, s, parts, n_out, steps, cw_line, load_call)
    split = D.split_code(task, *parts) if source in SKLEARN else ""
    helper_src = "\n\n".join(inspect.getsource(CLASSES[n])
                               for n in helper_classes(model + (" Activated" if plan.penalty else "")))
    sections = [helper_src, model, loader, split,
                D.scaling_code(pre.get("method", "none") if plan.scaled else "none"),
                D.target_scaling_code() if plan.y_scaled else "", L.tensors_code(plan),
                D.augment_code(steps, kind, plan.scaled), cw_fn, s["loss"].code(n_out, bool(cw_line)),
                L.penalty_code() if plan.penalty else "", scores_code(task, s["names"], n_out),
                T.schedule_code(tr.schedule), es_cls, L.evaluate_code(plan), L.train_code(plan), L.predict_code(plan)]
    body = "\n\n".join(x.strip("\n") + "\n" for x in sections if x)
    consts = _constants(src, spec, s, plan, stem, bool(split), es_const + cw_const)
    header = _header(spec, s, stem, needs, pre, steps, plan.penalty, plan.image, bool(plan.table))
    return f'''{header}
import argparse
{"import csv" + chr(10) if plan.table else ""}import json
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

{consts}

{body}'''


def export_script(src: Exported, out: str | Path, raw: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, Any]:
    """Write the script (and, for sources it cannot load itself, the data snapshot and split beside it)."""
    out = Path(out)
    stem = re.sub(r"\W", "_", out.stem) or "model"
    spec = parse_project(src.meta.get("doc") or {})
    source = spec.data.source
    task = src.meta.get("task") or spec.task
    if source in SKLEARN:
        y = D.sklearn_targets(source)
    elif raw is None:
        raise ExportFailed("data", msg("the script needs the project's samples, but none were given"), source,
                           msg("export from a project whose data loads (project.dataset())"))
    else:
        y = np.asarray(raw[1])
    train, val, test = D.split_parts(y, task, spec.data)
    text = script_text(src, stem, spec, (len(val) > 0, len(test) > 0))
    diff = check_script(src, text, out)
    files = [str(out)]
    if source not in SKLEARN:
        import io
        buf = io.BytesIO()
        named = {"train": train, "val": val, "test": test}
        parts = {k: v for k, v in named.items() if len(v) or k == "train"}
        np.savez_compressed(buf, x=np.asarray(raw[0]), y=y, **parts)
        atomic.write_bytes(out.with_name(f"{stem}_data.npz"), buf.getvalue())
        files.append(str(out.with_name(f"{stem}_data.npz")))
    atomic.write_text(out, text)
    return {"format": "script", "path": str(out), "size": len(text.encode()), "files": files,
            "helpers": helper_classes(text), "max_diff": diff}


def check_script(src: Exported, text: str, out: Path) -> float:
    """Run the script's Model class with the network's weights: it must compute the same outputs."""
    space: dict[str, Any] = {"__name__": "layerlab_generated", "__file__": str(out)}
    exec(compile(text, str(out), "exec"), space)  # our own generated text
    model = space["Model"]()
    model.load_state_dict(src.network.state_dict())
    model.eval()
    with torch.no_grad():
        got = model(src.example).numpy()
    return check_close(torch_outputs(src), got, msg("the generated script's model"), src.kinds())
