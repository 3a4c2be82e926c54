"""The loop of the standalone script: train(), evaluate() and prediction, written for one project.

`Plan` says which of the engine's training features a project uses; each function writes the
code for exactly those, in the order layerlab.engine.loop runs them: per batch (augment, set
the rate, forward, loss + penalties, finiteness check, backward, clip, step), then per epoch
(validation, the history row, the plateau schedule, early stopping), then restoring the best
weights. What is not used is not written.

>>> print(train_code(Plan()).splitlines()[0])
def train(history_path=None):
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .script_rows import rows_code


@dataclass
class Plan:
    """What the script's loop has to do for one project."""

    load_call: str = "x, y = load_data()\n    train_idx = np.arange(len(y))"
    classify: bool = True
    probabilities: str = "softmax"  # classification: softmax, one_unit (P(class 1)) or sigmoid (one per class)
    scaled: bool = False        # inputs standardised or min-max scaled
    tokens: bool = False        # integer token ids, never scaled
    y_scaled: bool = False      # regression targets standardised
    has_val: bool = False
    has_test: bool = False
    weight_line: str = ""       # how train() gets the class weights ("" = none)
    schedule: str = "constant"  # constant | per_epoch | per_batch | plateau
    monitor: str | None = None  # early stopping's monitored key, None = no early stopping
    restore_best: bool = False
    clip: bool = False
    penalty: bool = False
    image: bool = False         # inputs are images (--predict reads image files too)
    fit: str = "squash"         # how a picture becomes INPUT_SHAPE's size: squash | pad | crop (the data's fit)
    table: list[dict[str, Any]] | None = None  # a table's raw columns (script_rows): --predict reads rows
    augment: str | None = None  # None = no augmentation, else augment()'s arguments after (x, g)
    optimizer: str = "torch.optim.Adam(model.parameters(), lr=LR)"

    @property
    def forward(self) -> str:
        """What the loss is computed on: logits for classification, outputs for regression."""
        return "model.logits" if self.classify else "model"

    @property
    def w(self) -> str:
        """The weight argument of loss_fn and evaluate, if the project has class weights."""
        return ", weight" if self.weight_line else ""

    @property
    def scaling(self) -> str:
        """The scaling arguments tensors() takes."""
        return (", offset, scale" if self.scaled else "") + (", y_offset, y_scale" if self.y_scaled else "")


def tensors_code(p: Plan) -> str:
    """tensors(x, y, ...): one part of the data as torch tensors, scaled as LayerLab scaled it."""
    lines = []
    if p.scaled:
        lines.append("x = (x - offset) / scale")
    elif not p.tokens:
        lines.append("x = x.astype(np.float32)")
    if not p.classify:
        lines.append("y = y.reshape(len(y), -1).astype(np.float32)")
    if p.y_scaled:
        lines.append("y = (y - y_offset) / y_scale")
    body = "".join(f"    {line}\n" for line in lines)
    return f'''def tensors(x, y{p.scaling}):
    """One part of the data as torch tensors, {"scaled as LayerLab scaled it" if lines else "as LayerLab reads it"}."""
{body}    return torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(np.ascontiguousarray(y))
'''


def penalty_code() -> str:
    """penalty(model): the layers' L1/L2 terms, as Network.penalty sums them."""
    return '''def penalty(model):
    """The L1/L2 penalties declared on the layers, added to the training loss only."""
    total = torch.zeros(())
    for m in model.modules():
        if isinstance(m, Activated) and any(m.reg):
            total = total + m.penalty()
    return total
'''


def evaluate_code(p: Plan) -> str:
    """evaluate(): held-out loss and metrics in batches of EVAL_BATCH, as the engine evaluates."""
    return f'''def evaluate(model, x, y{p.w}):
    """The project's metrics and the loss on held-out samples (eval mode, no gradients)."""
    model.eval()
    outs, total = [], 0.0
    with torch.no_grad():
        for i in range(0, len(x), EVAL_BATCH):
            out = {p.forward}(x[i:i + EVAL_BATCH].to(DEVICE))
            total += float(loss_fn(out, y[i:i + EVAL_BATCH].to(DEVICE){p.w})) * len(out)
            outs.append(out)
    return {{**scores(torch.cat(outs), y.to(DEVICE)), "loss": total / len(x)}}


def describe(row):
    """An epoch's numbers as 'name value' pairs."""
    return "  ".join(f"{{k}} {{v:.6g}}" if k == "lr" else f"{{k}} {{v:.4f}}" for k, v in row.items() if k != "epoch")
'''


def train_code(p: Plan) -> str:
    """train(history_path): the engine's loop for this project."""
    out = ['def train(history_path=None):',
           '    """Train as LayerLab trains this project: print each epoch, save the weights, return the result."""',
           '    torch.manual_seed(SEED)',
           f'    {p.load_call}']
    if p.scaled:
        out.append("    offset, scale = fit_scaling(x[train_idx])")
    if p.y_scaled:
        out.append("    y_offset, y_scale = fit_target_scaling(y[train_idx])")
    out.append(f"    xtr, ytr = tensors(x[train_idx], y[train_idx]{p.scaling})")
    if p.has_val:
        out.append(f"    xva, yva = tensors(x[val_idx], y[val_idx]{p.scaling})")
    if p.weight_line:
        out.append(f"    {p.weight_line}")
    out += ["    model = Model().to(DEVICE)", f"    optimizer = {p.optimizer}"]
    if p.schedule == "plateau":
        out.append("    plateau = Plateau()")
    if p.monitor:
        out.append("    stopper = EarlyStopping()")
    does = "shuffles and augments" if p.augment is not None else "shuffles"
    out.append(f"    g = torch.Generator().manual_seed(SEED)  # {does} the training batches")
    if p.schedule == "per_batch":
        out.append("    n_batches = math.ceil(len(xtr) / BATCH_SIZE)")
    out += ["    history = []", "    for epoch in range(1, EPOCHS + 1):", "        model.train()"]
    if p.schedule == "per_epoch":
        out.append("        set_learning_rate(optimizer, learning_rate(epoch - 1))")
    elif p.schedule == "plateau":
        out.append("        set_learning_rate(optimizer, plateau.learning_rate())")
    xb = f"augment(xtr[idx], g{p.augment})" if p.augment is not None else "xtr[idx]"
    loop = "for b, i in enumerate(range(0, len(xtr), BATCH_SIZE)):" if p.schedule == "per_batch" \
        else "for i in range(0, len(xtr), BATCH_SIZE):"
    out += ["        order = torch.randperm(len(xtr), generator=g)",
            "        total, outs, targets = 0.0, [], []",
            f"        {loop}",
            "            idx = order[i:i + BATCH_SIZE]",
            f"            xb, yb = {xb}.to(DEVICE), ytr[idx].to(DEVICE)"]
    if p.schedule == "per_batch":
        out.append("            set_learning_rate(optimizer, learning_rate(epoch - 1 + b / n_batches))")
    out += [f"            out = {p.forward}(xb)",
            f"            loss = loss_fn(out, yb{p.w})" + (" + penalty(model)" if p.penalty else ""),
            "            value = loss.item()",
            "            if not math.isfinite(value):",
            '                raise SystemExit(f"the loss became {value} in epoch {epoch}: lower the learning rate")',
            "            optimizer.zero_grad()",
            "            loss.backward()"]
    if p.clip:
        out.append("            torch.nn.utils.clip_grad_norm_(model.parameters(), GRADIENT_CLIP)")
    out += ["            optimizer.step()",
            "            total += value * len(idx)",
            "            outs.append(out.detach())",
            "            targets.append(yb)",
            '        row = {"epoch": epoch, "loss": total / len(xtr), **scores(torch.cat(outs), torch.cat(targets))}']
    if p.has_val:
        out.append(f'        row.update({{f"val_{{k}}": v for k, v in evaluate(model, xva, yva{p.w}).items()}})')
    out += ['        row["lr"] = optimizer.param_groups[0]["lr"]',
            "        history.append(row)",
            '        print(f"epoch {epoch}/{EPOCHS} ", describe(row))']
    if p.schedule == "plateau":
        out.append(f'        plateau.epoch_ended(row["{"val_loss" if p.has_val else "loss"}"])')
    if p.monitor:
        out += ["        if stopper.update(row[MONITOR], epoch, model):",
                '            print(f"early stop: {MONITOR} did not improve for {PATIENCE} epochs")',
                "            break"]
    if p.monitor and p.restore_best:
        out += ['    if stopper.best_epoch != history[-1]["epoch"]:',
                "        model.load_state_dict(stopper.best_state)",
                '        print(f"restored the weights of epoch {stopper.best_epoch}, the best {MONITOR}")']
    saved = "offset=offset, scale=scale, " if p.scaled else ""
    saved += "y_offset=y_offset, y_scale=y_scale, " if p.y_scaled else ""
    out += ["    if history_path:",
            "        Path(history_path).write_text(json.dumps(history, indent=1))",
            "    arrays = {k: v.cpu().numpy() for k, v in model.state_dict().items()}",
            f"    np.savez(WEIGHTS, {saved}**arrays)"]
    if p.has_val:
        out += [f"    result = evaluate(model, xva, yva{p.w})", '    print("final validation", describe(result))']
    else:
        best = "next(r for r in history if r[\"epoch\"] == stopper.best_epoch)" if p.monitor and p.restore_best \
            else "history[-1]"
        out += [f"    row = {best}",
                '    result = {k: v for k, v in row.items() if k not in ("epoch", "lr")}',
                '    print("final training", describe(result))']
    if p.has_test:
        out += [f"    xte, yte = tensors(x[test_idx], y[test_idx]{p.scaling})",
                f'    print("test", describe(evaluate(model, xte, yte{p.w})))']
    return "\n".join(out + ["    return result", ""])


def predict_code(p: Plan) -> str:
    """predict(inputs), read_input(text) and the command line."""
    keep = [k for k, on in (("offset", p.scaled), ("scale", p.scaled), ("y_offset", p.y_scaled),
                            ("y_scale", p.y_scaled)) if on]
    skip = f" if k not in {tuple(keep)}".replace("'", '"') if keep else ""
    load = "".join(f'\n        {k} = w["{k}"]' for k in keep)
    x_line = "x = np.asarray(inputs, np.int64 if TOKENS else np.float32)"
    if p.scaled:
        x_line += "\n    x = ((x - offset) / scale).astype(np.float32)"
    result = "out = model(torch.from_numpy(x)).numpy()"
    if p.classify:  # as LayerLab predicts: from the logits, whatever the last activation
        result = "z = model.logits(torch.from_numpy(x))\n" + {
            "one_unit": "p = torch.sigmoid(z)  # one unit: P(class 1)\nout = torch.cat([1 - p, p], dim=1).numpy()",
            "sigmoid": "p = torch.sigmoid(z)  # one yes/no unit per class\n"
                       "out = (p / p.sum(dim=1, keepdim=True).clamp_min(1e-12)).numpy()",
            "softmax": "out = torch.softmax(z, dim=1).numpy()"}[p.probabilities]
    if p.y_scaled:
        result += "\nout = out * y_scale + y_offset  # back to the data's units"
    show = "CLASSES[int(out.argmax())], [round(float(v), 4) for v in out]" if p.classify \
        else "[float(v) for v in out]"
    reader = rows_code(p.table) if p.table else read_input_code(p.image, p.fit)
    what = "one row of values (comma-separated, a header row may come first) or a CSV file of rows" if p.table \
        else ("an image file or " if p.image else "") + "comma-separated numbers"
    return f'''def predict(inputs):
    """{"Class probabilities" if p.classify else "Outputs"} for raw inputs (N, *INPUT_SHAPE), from the saved weights."""
    with np.load(WEIGHTS, allow_pickle=False) as w:
        model = Model()
        model.load_state_dict({{k: torch.from_numpy(w[k]) for k in w.files{skip}}}){load}
    model.eval()
    {x_line}
    with torch.no_grad():
        {result.replace(chr(10), chr(10) + "        ")}
    return out


{reader}

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--predict", help="{what}")
    parser.add_argument("--history", help="also write each epoch's numbers to this JSON file")
    args = parser.parse_args()
    if args.predict:
        for out in predict(read_input(args.predict)):  # one line per row
            print({show})
    else:
        train(args.history)
'''


FITS = {  # as layerlab.data.imagefiles.fit_to resizes
    "squash": "img = img.resize((w, h), Image.BILINEAR)",
    "pad": "img = ImageOps.pad(img, (w, h), Image.BILINEAR, color=border_colour(img))",
    "crop": "img = ImageOps.fit(img, (w, h), Image.BILINEAR)",
}
BORDER_COLOUR = '''def border_colour(img):
    """The median colour of the picture's outermost pixels: what padding is filled with."""
    a = np.asarray(img).reshape(img.size[1], img.size[0], -1)
    ring = np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])
    colour = tuple(int(v) for v in np.round(np.median(ring, axis=0)))
    return colour[0] if len(colour) == 1 else colour


'''


def read_input_code(image: bool, fit: str = "squash") -> str:
    """read_input(text): comma-separated numbers, and for image models an image file (resized by fit)."""
    numbers = '''    values = [float(v) for v in text.split(",")]
    if len(values) != math.prod(INPUT_SHAPE):
        raise SystemExit(f"--predict got {len(values)} numbers, but the model takes {math.prod(INPUT_SHAPE)} "
                         f"(shape {INPUT_SHAPE}): give that many, separated by commasOR_IMAGE")
    return np.array(values).reshape((1,) + INPUT_SHAPE)
'''.replace("OR_IMAGE", ", or an image file" if image else "")
    if not image:
        return '''def read_input(text):
    """Comma-separated numbers, one per input value."""
''' + numbers
    return (BORDER_COLOUR if fit == "pad" else "") + '''def read_input(text):
    """An image file (scaled to 0..1, resized to INPUT_SHAPE as in training: FIT) or comma-separated numbers."""
    if Path(text).is_file():
        from PIL import Image, ImageOps
        c, h, w = INPUT_SHAPE
        img = Image.open(text)
        img = (ImageOps.exif_transpose(img) or img).convert("L" if c == 1 else "RGB")
        RESIZE
        a = np.asarray(img, np.float32) / 255.0
        return (a[None] if c == 1 else a.transpose(2, 0, 1))[None]
'''.replace("RESIZE", FITS[fit]).replace("FIT", fit) + numbers
