"""What a self-contained file says about itself (its metadata) and how to use it (a snippet
that feeds a real sample of the project and prints its label).

The metadata is plain JSON: `classes`, `inputs` (name, dtype, shape, the columns in order with
their categories), `output`, and `preprocessing` (what happens inside the file, and what the
caller does before: resizing a picture, with its size, fit and channels).
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from .common import Exported, torch_outputs
from .standalone import PIXEL_MAX, pixels, preprocessing, raw_inputs, reference, text_columns

if TYPE_CHECKING:   # the formats read this module (their README and snippets): no import at run time
    from .formats import ExportFormat

FORMAT = 1
# sources whose raw values are not pixels 0-255: how to turn them into what the file takes
SOURCE_VALUES = {"digits": {"dataset": "sklearn.datasets.load_digits()", "raw_max": 16.0,
                            "to_pixels": "multiply the 0..16 values by 255/16"}}
FITS = {"squash": "stretched to the size (aspect ratio not kept)",
        "pad": "scaled to fit inside, the rest filled with the picture's border colour (median of its edge pixels)",
        "crop": "scaled to cover, then centre-cropped"}


def _columns(pre: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for c in pre["columns"]:
        entry: dict[str, Any] = {"name": c["name"], "kind": "number" if c["kind"] == "numeric" else "text",
                                 "fill": c["fill"]}
        if c["kind"] != "numeric":
            entry["categories"] = list(c["categories"])
        out.append(entry)
    return out


def inputs(src: Exported, fmt: str) -> list[dict[str, Any]]:
    """The file's inputs in order: fmt 'onnx' (text columns as strings) or 'torch' (text as positions)."""
    pre = preprocessing(src)
    shape = ["N", *src.input_shape]
    if pre is None:
        return [{"name": "input", "dtype": "int64" if not src.example.is_floating_point() else "float32",
                 "shape": shape, "units": "the network's own input (preprocess as preprocessing says)"}]
    kind = pre["kind"]
    if kind == "image" and pixels(src):
        c, h, w = src.input_shape
        return [{"name": "input", "dtype": "float32", "shape": shape, "layout": "NCHW",
                 "channels": "grey" if c == 1 else "RGB", "height": h, "width": w, "pixel_range": [0, 255]}]
    if kind == "image":
        return [{"name": "input", "dtype": "float32", "shape": shape, "layout": "NCHW",
                 "units": "as the arrays the project was trained on (uint8 arrays: divided by 255)"}]
    if kind == "tokens":
        return [{"name": "input", "dtype": "int64", "shape": shape, "vocab_size": src.meta.get("vocab_size")}]
    if pre.get("columns"):
        cols = _columns(pre)
        texts = text_columns(pre)
        if fmt == "onnx" and texts:
            nums = [c for j, c in enumerate(cols) if j not in texts]
            out = [{"name": "numbers", "dtype": "float32", "shape": ["N", len(nums)], "columns": nums,
                    "missing": "NaN"}] if nums else []
            return out + [{"name": "texts", "dtype": "string", "shape": ["N", len(texts)],
                           "columns": [cols[j] for j in texts], "missing": "\"\" (empty string)",
                           "unknown": "a text not in categories counts as unseen (all zeros, as in LayerLab)"}]
        return [{"name": "input" if fmt == "onnx" else "columns", "dtype": "float32", "shape": ["N", len(cols)],
                 "columns": cols, "missing": "NaN",
                 **({"texts": "the position of the value in the column's categories (-1: unseen)"} if texts else {})}]
    names = src.meta.get("feature_names") or [f"x{i + 1}" for i in range(int(np.prod(src.input_shape)))]
    return [{"name": "input", "dtype": "float32", "shape": shape,
             "columns": [{"name": n, "kind": "number"} for n in names]}]


def describe(src: Exported, fmt: str = "onnx") -> dict[str, Any]:
    """The metadata of a self-contained file (JSON-ready)."""
    m, pre = src.meta, preprocessing(src)
    task = m.get("task", "classification")
    classes = m.get("classes") if task == "classification" else None
    out: dict[str, Any] = {"format": FORMAT, "producer": "LayerLab", "name": m.get("name"), "task": task,
                           "run_id": m.get("run_id"), "trained": bool(m.get("trained")), "classes": classes,
                           "inputs": inputs(src, fmt)}
    if m.get("trained") and m.get("weights"):
        out["weights"] = {"which": m.get("weights"), "epoch": m.get("epoch"), "note": m.get("weights_note")}
    if pre is None:
        out["output"] = {"name": "output", "meaning": "the network's outputs"}
        out["preprocessing"] = {"inside": [], "note": "a bare network: inputs are what the network takes"}
        return out
    out["output"] = ({"name": "probabilities", "shape": ["N", len(classes or [])],
                      "meaning": "probability of each class, in the order of classes"} if task == "classification"
                     else {"name": "values", "shape": ["N", m.get("outputs", 1)],
                           "meaning": "predicted values in the data's own units"})
    inside = []
    if pre.get("columns"):
        inside.append("missing cells filled (fill), text columns one-hot or integer encoded as in training")
    if pixels(src):
        inside.append("pixels divided by 255")
    if pre.get("mean") is not None:
        inside.append(f"{pre['method']} scaling fitted on the training split: (x - mean) / scale")
    inside.append("softmax/sigmoid to probabilities" if task == "classification" else
                  ("targets scaled back: y * y_scale + y_mean" if pre.get("y_mean") else "none on the outputs"))
    prep: dict[str, Any] = {"inside": inside, "method": pre["method"], "mean": pre.get("mean"),
                            "scale": pre.get("scale"), "y_mean": pre.get("y_mean"), "y_scale": pre.get("y_scale")}
    if pixels(src):
        image = pre.get("image") or {}
        fit = image.get("fit", "squash")
        c, h, w = src.input_shape
        prep["outside"] = {"resize": {"width": w, "height": h, "fit": fit, "how": FITS.get(fit, fit),
                                      "resample": "bilinear"},
                           "channels": "grey (luminance, Pillow mode L)" if c == 1 else "RGB",
                           "transparency": "composited on white", "layout": "NCHW (channels first)",
                           "pixel_range": [0, 255]}
        source = ((m.get("doc") or {}).get("data") or {}).get("source")
        if source in SOURCE_VALUES:
            prep["source_values"] = SOURCE_VALUES[source]
    out["preprocessing"] = prep
    out["usage"] = usage_text(out)
    return out



def scaling(src: Exported) -> dict[str, Any]:
    """What a file holding the bare network (npz, safetensors, TF.js) leaves to its user, in order: how a
    raw sample becomes the network's input, and how its outputs become what Project.predict returns.

    `steps` are applied to a batch (N, *sample) one after the other: `encode_columns` (a table's raw
    values: a missing cell takes `fill`, a text column becomes one-hot columns over `layout` (default
    `categories`; a value not in `categories` gives zeros) or its position in `categories` (-1 unknown)
    with encoding 'integer'), `divide` (by `by`), `standardize` ((x - subtract) / divide_by, the arrays
    broadcast over one sample in LayerLab's layout, channels first). `output` says what turns the
    network's last layer into the answer.
    """
    m, pre = src.meta, preprocessing(src)
    task = m.get("task", "classification")
    if pre is None:
        return {"input": "the network's own input (no preprocessing known)", "steps": [],
                "output": {"op": "none"}}
    steps: list[dict[str, Any]] = []
    if pre.get("columns"):
        keys = ("name", "kind", "fill", "categories", "encoding", "layout")
        what = "table rows: one raw value per column, in the order of the encode_columns step's columns"
        steps.append({"op": "encode_columns", "columns": [{k: c[k] for k in keys if k in c} for c in pre["columns"]]})
    elif pixels(src):
        c, h, w = src.input_shape
        image = pre.get("image") or {}
        what = (f"pictures as pixels 0..255, (N, {c}, {h}, {w}) channels first ({'grey' if c == 1 else 'RGB'}), "
                f"resized to {w}x{h}: {FITS.get(image.get('fit', 'squash'), image.get('fit'))}")
        source = SOURCE_VALUES.get(((m.get("doc") or {}).get("data") or {}).get("source"))
        if source:
            what += f"; {source['dataset']} gives 0..{source['raw_max']:g}: {source['to_pixels']}"
        steps.append({"op": "divide", "by": PIXEL_MAX, "note": "pixels 0..255 to 0..1"})
    elif pre["kind"] == "tokens":
        what = "integer token ids, unchanged"
    else:
        names = m.get("feature_names")
        what = f"samples {tuple(src.input_shape)} in the data's own units" + \
            (f" (features in this order: {', '.join(map(str, names))})" if names else "")
    if pre.get("mean") is not None:
        steps.append({"op": "standardize", "method": pre["method"], "subtract": pre["mean"],
                      "divide_by": pre["scale"], "note": "fitted on the training split: (x - subtract) / divide_by"})
    if task == "classification":
        units = int(torch_outputs(src, src.example[:1]).shape[-1])
        last = getattr(src.network, "output_activation", None)
        how = "one_unit" if units == 1 else "sigmoid" if last == "sigmoid" else "softmax"
        out = {"op": "probabilities", "how": how, "of": "the logits: the last layer's outputs before its activation",
               "note": {"softmax": "softmax over the classes",
                        "one_unit": "p = sigmoid(logit) is P(class 1); the probabilities are [1 - p, p]",
                        "sigmoid": "sigmoid of each logit, divided by their sum"}[how]}
    elif pre.get("y_mean") is not None:
        out = {"op": "unscale", "multiply": pre["y_scale"], "add": pre["y_mean"],
               "note": "the network's outputs * multiply + add: values in the data's own units"}
    else:
        out = {"op": "none", "note": "the network's outputs are values in the data's own units"}
    return {"input": what, "steps": steps, "output": out}


def metadata_json(src: Exported) -> str:
    """The torch formats' extra file layerlab.json (inputs as the torch formats take them)."""
    return json.dumps(describe(src, "torch"))

def usage_text(d: dict[str, Any]) -> str:
    """One paragraph: what to feed and what comes out."""
    ins = "; ".join(f"{i['name']}: {i['dtype']} ({', '.join(map(str, i['shape']))})" for i in d["inputs"])
    return (f"Feed raw inputs ({ins}); the file applies the preprocessing its run learned and returns "
            f"{d['output']['meaning']}. See the 'inputs' and 'preprocessing' entries.")


# -- snippets with a real sample ----------------------------------------------------------------------------
def _sample(src: Exported) -> tuple[np.ndarray, str]:
    """The first sample (the first validation row where the project has data) raw, and its predicted label."""
    raw = raw_inputs(src, src.example[:1], odd_rows=False)
    task = src.meta.get("task", "classification")
    try:
        got = reference(src, raw)[0]
    except Exception:  # noqa: BLE001 - the label is a comment in a snippet; never fail the page for it
        return raw, ""
    classes = src.meta.get("classes") or []
    if task == "classification" and classes:
        return raw, str(classes[int(np.argmax(got))])
    return raw, ", ".join(f"{v:.4g}" for v in np.asarray(got).reshape(-1))


def _literal(a: np.ndarray) -> str:
    """A nested list literal, whole numbers without a decimal point."""
    a = np.round(np.asarray(a, np.float64), 3)
    if np.all(np.isfinite(a)) and np.all(a == np.round(a)):
        return json.dumps(a.astype(np.int64).tolist())
    return json.dumps(a.tolist()).replace("NaN", "float('nan')")


def _picture(a: np.ndarray) -> str:
    """A (C, H, W) picture literal with one image row per line, so that the digit can be seen in the code."""
    channels = []
    for ch in np.asarray(a):
        rows = (",\n" + " " * 15).join(_literal(r) for r in ch)   # aligned under "x = np.array([["
        channels.append(f"[{rows}]")
    return "[" + (",\n" + " " * 14).join(channels) + "]"


def _png_base64(picture: np.ndarray, limit: int = 24_000) -> str:
    """A (C, H, W) picture with pixels 0-255 as base64 PNG text ('' when longer than limit)."""
    import base64
    import io
    from PIL import Image
    a = np.clip(np.round(np.asarray(picture, np.float64)), 0, 255).astype(np.uint8)
    img = Image.fromarray(a[0] if a.shape[0] == 1 else a.transpose(1, 2, 0))
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    text = base64.b64encode(buf.getvalue()).decode("ascii")
    return text if len(text) <= limit else ""


def _row(src: Exported, raw: np.ndarray) -> str:
    """The sample as a Python dict literal of column -> value (text as strings, None when missing)."""
    pre = preprocessing(src)
    items = []
    for j, c in enumerate(pre["columns"]):
        v = float(raw[0, j])
        if c["kind"] == "numeric":
            items.append(f"{c['name']!r}: {'None' if np.isnan(v) else round(v, 4)!r}".replace("'None'", "None"))
        else:
            items.append(f"{c['name']!r}: {(c['categories'][int(v)] if v >= 0 else None)!r}")
    return "{" + ", ".join(items) + "}"


def snippet(src: Exported, form: ExportFormat, file_name: str) -> str:
    """Python that loads the file, feeds the project's first validation sample and prints its label
    (form: the export format, which says how its file is loaded: `formats.get_format(name)`)."""
    pre = preprocessing(src)
    if pre is None or not form.sample_snippet:
        return ""
    raw, label = _sample(src)
    expect = f"   # LayerLab says: {label}" if label else ""
    is_class = src.meta.get("task", "classification") == "classification"
    show = 'meta["classes"][int(out[0].argmax())], float(out[0].max())' if is_class else "out[0]"
    onnx = form.sample_runtime == "onnx"   # feeds numpy arrays to `sess`; else torch tensors to `model`
    lines = form.sample_loader(file_name)
    if pre.get("columns"):
        lines.append(f"row = {_row(src, raw)}   # the first validation row; None = missing")
        if onnx:
            lines += ['feeds = {}',
                      'for i in meta["inputs"]:   # "numbers": float32, NaN = missing; "texts": strings, "" = missing',
                      '    values = [row[c["name"]] for c in i["columns"]]',
                      '    if i["dtype"] == "float32":',
                      '        feeds[i["name"]] = np.array([[np.nan if v is None else v for v in values]], np.float32)',
                      '    else:',
                      '        feeds[i["name"]] = np.array([[v or "" for v in values]], object)']
        else:
            lines += ['def number(c, v):   # a text column takes the position of its value in the categories',
                      '    return np.nan if v is None else c["categories"].index(v) if "categories" in c else v',
                      'x = torch.tensor([[number(c, row[c["name"]]) for c in meta["inputs"][0]["columns"]]], '
                      'dtype=torch.float32)']
    elif pixels(src) and raw.size <= 1024:
        shape = "x".join(map(str, src.input_shape))
        source = SOURCE_VALUES.get(((src.meta.get("doc") or {}).get("data") or {}).get("source"))
        if source:   # show the values as the dataset has them, and turn them into pixels 0-255
            top = source["raw_max"]
            lines.append(f"# the first validation picture ({shape}) as {source['dataset']} has it (0..{top:g})")
            lines.append(f"x = np.array({_picture(raw[0] * (top / PIXEL_MAX))}, np.float32)[None] * (255 / {top:g})")
        else:
            lines.append(f"# the first validation picture: {shape}, NCHW, pixels 0-255")
            lines.append(f"x = np.array({_picture(raw[0])}, np.float32)[None]")
    elif pixels(src):
        c, h, w = src.input_shape
        png = _png_base64(raw[0])
        lines += ["import base64, io",
                  "from PIL import Image   # your own picture: Image.open(path), resized as "
                  "meta['preprocessing']['outside'] says"]
        if png:
            lines.append(f'img = Image.open(io.BytesIO(base64.b64decode("{png}")))   # the first validation picture')
        else:
            lines.append('img = Image.open("picture.png")')
        lines += [f'img = img.convert("{"L" if c == 1 else "RGB"}").resize(({w}, {h}))',
                  "x = np.asarray(img, np.float32)" + ("[None, None]" if c == 1 else ".transpose(2, 0, 1)[None]")]
    else:
        dtype = "np.int64" if pre["kind"] == "tokens" else "np.float32"
        lines.append(f"x = np.array({_literal(raw)}, {dtype})   # the first validation sample")
    if onnx:
        lines.append("out = sess.run(None, feeds)[0]" if pre.get("columns") else
                     'out = sess.run(None, {"input": x})[0]')
    else:
        lines.append("out = model(x).detach().numpy()" if pre.get("columns") else
                     "out = model(torch.from_numpy(x)).detach().numpy()")
    lines.append(f"print({show}){expect}")
    return "\n".join(lines)
