"""A standalone PyTorch script: the model class, the data, the training loop and prediction.

The model class is written from each layer kind's own `code()` snippet (the same text
LayerLab builds its modules from), and the source of every helper class it uses is copied
from layerlab/layers/modules.py, so the script needs only torch, numpy and Pillow (plus
scikit-learn for the datasets scikit-learn ships). Other data sources are snapshotted into
an .npz file beside the script (plain arrays, no pickle).

    python digits.py                 # trains with the project's hyper-parameters, saves digits_weights.npz
    python digits.py --predict 3.png # loads the weights and predicts
"""
from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any

import numpy as np


from ..i18n import msg
from ..layers import modules as M
from ..layers.base import get_layer
from ..layers.stack import first_error, infer_stack
from ..store import atomic
from .common import Exported, ExportFailed

def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("layerlab")
    except PackageNotFoundError:
        return "(development)"


SKLEARN = {"digits", "iris", "wine", "breast_cancer", "diabetes"}

LOSS_CODE = {
    "cross_entropy": "F.cross_entropy(logits, y)",
    "binary_cross_entropy": ("F.binary_cross_entropy_with_logits(logits[:, 0], y.float()) if logits.shape[1] == 1 "
                             "else F.binary_cross_entropy_with_logits(logits, F.one_hot(y, logits.shape[1]).float())"
                             ".sum(dim=1).mean()"),
    "hinge": ("F.relu(1 - logits[:, 0] * (2 * y.float() - 1)).mean() if logits.shape[1] == 1 "
              "else F.multi_margin_loss(logits, y)"),
    "kl_divergence": ("F.kl_div(F.log_softmax(logits, dim=1), F.one_hot(y, logits.shape[1]).float(), "
                      "reduction='none').sum(dim=1).mean()"),
    "mse": "F.mse_loss(out, y)",
    "mae": "F.l1_loss(out, y)",
    "huber": "F.huber_loss(out, y, delta=1.0)",
    "smooth_l1": "F.smooth_l1_loss(out, y, beta=1.0)",
    "poisson": "(out - y * torch.log(out.clamp_min(0.0) + 1e-7)).mean()",
    "log_cosh": "((out - y) + F.softplus(-2.0 * (out - y)) - math.log(2.0)).mean()",
    "cosine_similarity": "1.0 - F.cosine_similarity(out, y, dim=1, eps=1e-8).mean()",
}
OPTIMIZER_CODE = {
    "sgd": "torch.optim.SGD(params, lr=LR, momentum={momentum}, nesterov={nesterov}, weight_decay={wd})",
    "adam": "torch.optim.Adam(params, lr=LR, weight_decay={wd})",
    "adamw": "torch.optim.AdamW(params, lr=LR, weight_decay={wd})",
    "rmsprop": "torch.optim.RMSprop(params, lr=LR, momentum={momentum}, weight_decay={wd})",
    "adagrad": "torch.optim.Adagrad(params, lr=LR, weight_decay={wd})",
    "adadelta": "torch.optim.Adadelta(params, lr=LR, weight_decay={wd})",
    "adamax": "torch.optim.Adamax(params, lr=LR, weight_decay={wd})",
    "nadam": "torch.optim.NAdam(params, lr=LR, weight_decay={wd})",
}
_CLASSES = {n: c for n, c in vars(M).items() if inspect.isclass(c) and c.__module__ == M.__name__}


def helper_classes(code: str) -> list[str]:
    """Names of modules.py classes a piece of code uses, dependencies first."""
    found: list[str] = []

    def visit(text: str) -> None:
        for name in _CLASSES:
            if name not in found and re.search(rf"\b{name}\b", text):
                found.append(name)
                visit(inspect.getsource(_CLASSES[name]))
    visit(code)
    order = list(_CLASSES)  # source order of modules.py keeps dependencies before users
    return sorted(found, key=order.index)


def model_code(layers: list[dict[str, Any]], input_shape: tuple[int, ...]) -> tuple[str, list[str]]:
    """The `Model` class text (one line per spec layer, with its output shape) and helper names."""
    rows = infer_stack(layers, tuple(input_shape))
    err = first_error(rows)
    if err is not None:
        raise err
    lines = []
    for r in rows:
        code = get_layer(r.type).code(r.resolved, r.in_shape)
        lines.append(f"            {code},  # {r.index}: {r.type} -> {tuple(r.out_shape)}")
    body = "\n".join(lines)
    last_act = get_layer(rows[-1].type).activation_of(rows[-1].resolved) if rows else None
    squash = last_act in ("softmax", "sigmoid", "log_softmax")
    text = f'''class Model(nn.Module):
    """The network: input {tuple(input_shape)} (batch first), one module per LayerLab layer."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([
{body}
        ])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def logits(self, x):
        """The output before the final {last_act or "activation"}: losses use it for numerical stability."""
        for layer in self.layers[:-1]:
            x = layer(x)
        return self.layers[-1]({"x, apply_activation=False" if squash else "x"})
'''
    return text, helper_classes(body + (" Activated" if squash else ""))


def data_code(meta: dict[str, Any], stem: str) -> tuple[str, str]:
    """(load_data() text, what the header says about the data) for the project's data source."""
    source = (meta.get("doc") or {}).get("data", {}).get("source", "")
    if source in SKLEARN:
        reshape = ".reshape(-1, 1, 8, 8) / 16.0" if source == "digits" else ""
        ytype = "np.float32).reshape(-1, 1" if meta.get("task") == "regression" else "np.int64"
        return (f'''def load_data():
    """All samples of scikit-learn's bundled {source!r} set, as LayerLab reads them."""
    from sklearn.datasets import load_{source}
    d = load_{source}()
    x = np.asarray(d.data, dtype=np.float32){reshape}
    return x.astype(np.float32), np.asarray(d.target).astype({ytype})
''', f"scikit-learn (for its bundled {source!r} dataset)")
    return (f'''def load_data():
    """The samples of the project's data (source {source!r}) as LayerLab read them, saved beside this script."""
    with np.load(Path(__file__).with_name("{stem}_data.npz"), allow_pickle=False) as d:
        return d["x"], d["y"]
''', f"the file {stem}_data.npz beside this script (the project's samples)")


def script_text(src: Exported, stem: str) -> str:
    """The whole script for src (its meta needs 'doc' and 'preprocessing')."""
    meta = src.meta
    doc = meta.get("doc") or {}
    training = {"optimizer": "adam", "learning_rate": 0.001, "epochs": 20, "batch_size": 32, "seed": 0,
                "momentum": 0.0, "nesterov": False, "weight_decay": 0.0, **(doc.get("training") or {})}
    data = doc.get("data") or {}
    task = meta.get("task", "classification")
    loss = training.get("loss") or ("cross_entropy" if task == "classification" else "mse")
    if loss not in LOSS_CODE or training["optimizer"] not in OPTIMIZER_CODE:
        raise ExportFailed("training", msg("the script cannot reproduce this loss or optimizer"),
                           f"{loss}, {training['optimizer']}", msg("choose one of {listing}", listing=", ".join(LOSS_CODE)))
    model, helpers = model_code(meta.get("layers", []), tuple(meta["input_shape"]))
    helper_src = "\n\n".join(inspect.getsource(_CLASSES[n]) for n in helpers)
    loader, needs = data_code(meta, stem)
    pre = meta.get("preprocessing") or {}
    method = pre.get("method", "none")
    kind = pre.get("kind", "tabular")
    axes = {"image": "(0, 2, 3)", "sequence": "(0, 1)"}.get(kind, "(0,)")
    opt = OPTIMIZER_CODE[training["optimizer"]].format(momentum=training["momentum"], nesterov=training["nesterov"],
                                                       wd=training["weight_decay"])
    classes = meta.get("classes") if task == "classification" else None
    sched = (training.get("schedule") or {}).get("type", "constant")
    note = "" if sched == "constant" else f"\nNot reproduced here: the {sched!r} learning-rate schedule."
    return f'''"""{meta.get("name", "model")}: a standalone PyTorch script generated by LayerLab {_version()}.

Needs: torch, numpy and Pillow{", plus " + needs if needs.startswith("scikit") else ""}.
Data: {needs if not needs.startswith("scikit") else "loaded from scikit-learn"}.
Training: {training["optimizer"]}, learning rate {training["learning_rate"]}, {training["epochs"]} epochs, batch size \
{training["batch_size"]}, loss {loss}, seed {training["seed"]}, validation split {data.get("validation_split", 0.2)}.{note}

    python {stem}.py                   # train, print the validation result, save {stem}_weights.npz
    python {stem}.py --predict FILE    # an image file, or comma-separated numbers
"""
import argparse
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

CLASSES = {json.dumps(classes)}
INPUT_SHAPE = {tuple(meta["input_shape"])}
LR, EPOCHS = {training["learning_rate"]}, {training["epochs"]}
BATCH_SIZE, SEED = {training["batch_size"]}, {training["seed"]}
VALIDATION_SPLIT, DATA_SEED = {data.get("validation_split", 0.2)}, {data.get("seed", 0)}
NORMALIZE = {method!r}  # how LayerLab scaled the inputs: standard, minmax or none
TOKENS = {not src.example.is_floating_point()}  # inputs are integer token ids (never scaled)
WEIGHTS = Path(__file__).with_name("{stem}_weights.npz")


{helper_src}

{model}

{loader}

def split(x, y):
    """A seeded shuffle; the first VALIDATION_SPLIT share of it is held out for validation."""
    order = np.random.default_rng(DATA_SEED).permutation(len(x))
    n_val = int(round(len(x) * VALIDATION_SPLIT))
    val, train = order[:n_val], order[n_val:]
    return x[train], y[train], x[val], y[val]


def fit_scaling(x):
    """(offset, scale) learned on the training inputs; NORMALIZE chooses the kind."""
    axes = {axes} if x.ndim > 2 else (0,)
    if NORMALIZE == "standard":
        m, s = x.mean(axis=axes, keepdims=True)[0], x.std(axis=axes, keepdims=True)[0]
    elif NORMALIZE == "minmax":
        m, s = x.min(axis=axes, keepdims=True)[0], x.max(axis=axes, keepdims=True)[0] - x.min(axis=axes, keepdims=True)[0]
    else:
        return np.zeros(1, np.float32), np.ones(1, np.float32)
    return m.astype(np.float32), np.where(s < 1e-12, 1.0, s).astype(np.float32)


def loss_fn(model, x, y):
    """The training loss (on logits for classification, on outputs for regression)."""
    logits = model.logits(x)
    out = logits
    loss = {LOSS_CODE[loss]}
    for m in model.modules():  # L1/L2 penalties declared on layers
        if hasattr(m, "penalty") and any(getattr(m, "reg", ())):
            loss = loss + m.penalty()
    return loss


def train():
    """Train with the project's hyper-parameters; print the validation result; save the weights."""
    torch.manual_seed(SEED)
    x, y = load_data()
    xtr, ytr, xva, yva = split(x, y)
    offset, scale = fit_scaling(xtr)
    if NORMALIZE != "none":
        xtr, xva = (xtr - offset) / scale, (xva - offset) / scale
    xtr, ytr, xva, yva = (torch.from_numpy(np.ascontiguousarray(a)) for a in (xtr, ytr, xva, yva))
    model = Model()
    params = model.parameters()
    optimizer = {opt}
    g = torch.Generator().manual_seed(SEED)
    for epoch in range(1, EPOCHS + 1):
        model.train()
        order = torch.randperm(len(xtr), generator=g)
        total = 0.0
        for i in range(0, len(xtr), BATCH_SIZE):
            idx = order[i:i + BATCH_SIZE]
            optimizer.zero_grad()
            loss = loss_fn(model, xtr[idx], ytr[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        print(f"epoch {{epoch}}: loss {{total / len(xtr):.4f}}  validation {{evaluate(model, xva, yva)}}")
    np.savez(WEIGHTS, offset=offset, scale=scale, **{{k: v.numpy() for k, v in model.state_dict().items()}})
    return evaluate(model, xva, yva)


def evaluate(model, x, y):
    """Validation accuracy (classification) or mean squared error (regression)."""
    model.eval()
    with torch.no_grad():
        out = model(x)
    if CLASSES:
        pred = (out[:, 0] > 0.5).long() if out.shape[1] == 1 else out.argmax(dim=1)
        return f"accuracy {{float((pred == y).float().mean()):.4f}}"
    return f"mse {{float(((out - y) ** 2).mean()):.4f}}"


def predict(inputs):
    """Outputs for raw inputs of shape (N, *INPUT_SHAPE), with the trained weights and scaling."""
    with np.load(WEIGHTS, allow_pickle=False) as w:
        model = Model()
        model.load_state_dict({{k: torch.from_numpy(w[k]) for k in w.files if k not in ("offset", "scale")}})
        offset, scale = w["offset"], w["scale"]
    model.eval()
    x = np.asarray(inputs, np.int64 if TOKENS else np.float32)
    if NORMALIZE != "none":
        x = ((x - offset) / scale).astype(np.float32)
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy()


def read_input(text):
    """An image file (scaled to 0..1 and resized to INPUT_SHAPE) or comma-separated numbers."""
    if Path(text).is_file():
        from PIL import Image
        c, h, w = INPUT_SHAPE
        img = Image.open(text).convert("L" if c == 1 else "RGB").resize((w, h))
        a = np.asarray(img, np.float32) / 255.0
        return (a[None] if c == 1 else a.transpose(2, 0, 1))[None]
    return np.array([float(v) for v in text.split(",")]).reshape((1,) + INPUT_SHAPE)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--predict", help="an image file or comma-separated numbers")
    args = parser.parse_args()
    if args.predict:
        probs = predict(read_input(args.predict))[0]
        print(CLASSES[int(probs.argmax())] if CLASSES else probs.tolist(), probs.round(4).tolist())
    else:
        print("final validation", train())
'''


def export_script(src: Exported, out: str | Path, raw: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, Any]:
    """Write the script (and, for sources it cannot load itself, the data snapshot beside it)."""
    out = Path(out)
    stem = re.sub(r"\W", "_", out.stem) or "model"
    text = script_text(src, stem)
    diff = check_script(src, text, out)
    files = [str(out)]
    source = (src.meta.get("doc") or {}).get("data", {}).get("source", "")
    if source not in SKLEARN:
        if raw is None:
            raise ExportFailed("data", msg("the script needs the project's samples, but none were given"), source,
                               msg("export from a project whose data loads (project.dataset())"))
        import io
        buf = io.BytesIO()
        np.savez_compressed(buf, x=np.asarray(raw[0]), y=np.asarray(raw[1]))
        atomic.write_bytes(out.with_name(f"{stem}_data.npz"), buf.getvalue())
        files.append(str(out.with_name(f"{stem}_data.npz")))
    atomic.write_text(out, text)
    return {"format": "script", "path": str(out), "size": len(text.encode()), "files": files,
            "helpers": helper_classes(text), "max_diff": diff}


def check_script(src: Exported, text: str, out: Path) -> float:
    """Run the script's Model class with the network's weights: it must compute the same outputs."""
    import torch
    from .common import check_close, torch_outputs
    space: dict[str, Any] = {"__name__": "layerlab_generated", "__file__": str(out)}
    exec(compile(text, str(out), "exec"), space)  # our own generated text
    model = space["Model"]()
    model.load_state_dict(src.network.state_dict())
    model.eval()
    with torch.no_grad():
        got = model(src.example).numpy()
    return check_close(torch_outputs(src), got, msg("the generated script's model"), src.kinds())
