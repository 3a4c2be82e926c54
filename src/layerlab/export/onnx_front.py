"""The self-contained ONNX file: text columns as strings, the run's preprocessing and the
probabilities inside one graph, and the metadata (`metadata_props`) that says how to feed it.

A table with text columns takes two inputs: `numbers` (N, numeric columns) float32 with NaN
for a missing cell, and `texts` (N, text columns) string with "" for a missing cell. A front
graph of standard `ai.onnx.ml` LabelEncoders turns each text into its category's position
(an unseen text becomes -1, which encodes as all zeros, as in LayerLab; "" becomes NaN,
which is filled like a missing cell), and `onnx.compose.merge_models` joins it to the traced
`Standalone` module. Strings in, so that a user (or a browser) needs no category list at all;
the categories are still listed in the metadata. Every other model takes one input, `input`.
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np

from .common import Exported
from .onnx_core import OPSET, onnx_bytes
from .standalone import UNKNOWN_TEXT, module, preprocessing, raw_inputs, text_columns

COLUMNS, NUMBERS, TEXTS = "columns", "numbers", "texts"
ML_OPSET = 2   # ai.onnx.ml LabelEncoder with string keys and float values


def has_texts(src: Exported) -> bool:
    """Whether the ONNX file takes text columns as strings (a table with text columns)."""
    return bool(text_columns(preprocessing(src)))


def input_names(src: Exported) -> list[str]:
    """The ONNX file's inputs, in order."""
    pre = preprocessing(src)
    if not has_texts(src):
        return ["input"]
    n_text = len(text_columns(pre))
    return ([NUMBERS] if len(pre["columns"]) > n_text else []) + [TEXTS]


def output_name(src: Exported) -> str:
    """'probabilities' for a classifier's file, 'values' for a regression, 'output' for a bare network."""
    if preprocessing(src) is None:
        return "output"
    return "probabilities" if src.meta.get("task", "classification") == "classification" else "values"


def feeds(src: Exported, raw: np.ndarray) -> dict[str, np.ndarray]:
    """onnxruntime's inputs for raw inputs as the torch formats take them (text as category positions)."""
    pre = preprocessing(src)
    if not has_texts(src):
        return {"input": raw}
    texts = text_columns(pre)
    numbers = [j for j in range(len(pre["columns"])) if j not in texts]
    out: dict[str, np.ndarray] = {}
    if numbers:
        out[NUMBERS] = np.ascontiguousarray(raw[:, numbers], np.float32)
    words = np.empty((len(raw), len(texts)), dtype=object)
    for k, j in enumerate(texts):
        cats = pre["columns"][j]["categories"]
        words[:, k] = ["" if np.isnan(v) else (cats[int(v)] if v >= 0 else UNKNOWN_TEXT) for v in raw[:, j]]
    out[TEXTS] = words
    return out


def _front(pre: dict[str, Any], ir_version: int, opset: int):
    """numbers (N, a) float + texts (N, b) string -> columns (N, a + b) float in the schema's order."""
    from onnx import TensorProto, helper
    texts = text_columns(pre)
    n_num = len(pre["columns"]) - len(texts)
    nodes, parts, inputs = [], [], []
    if n_num:
        inputs.append(helper.make_tensor_value_info(NUMBERS, TensorProto.FLOAT, ["batch", n_num]))
    inputs.append(helper.make_tensor_value_info(TEXTS, TensorProto.STRING, ["batch", len(texts)]))
    inits = []
    k_num = k_text = 0
    for j, c in enumerate(pre["columns"]):
        idx = f"idx_{j}"
        is_text = j in texts
        inits.append(helper.make_tensor(idx, TensorProto.INT64, [1], [k_text if is_text else k_num]))
        nodes.append(helper.make_node("Gather", [TEXTS if is_text else NUMBERS, idx], [f"col_{j}"], axis=1))
        if is_text:
            cats = [str(v) for v in c["categories"]]
            keys, values = cats + ([""] if "" not in cats else []), [float(i) for i in range(len(cats))]
            values += [float("nan")] * (len(keys) - len(cats))
            nodes.append(helper.make_node("LabelEncoder", [f"col_{j}"], [f"code_{j}"], domain="ai.onnx.ml",
                                          keys_strings=keys, values_floats=values, default_float=-1.0))
            parts.append(f"code_{j}")
            k_text += 1
        else:
            parts.append(f"col_{j}")
            k_num += 1
    nodes.append(helper.make_node("Concat", parts, [COLUMNS], axis=1))
    out = helper.make_tensor_value_info(COLUMNS, TensorProto.FLOAT, ["batch", len(pre["columns"])])
    graph = helper.make_graph(nodes, "layerlab_text_columns", inputs, [out], inits)
    return helper.make_model(graph, ir_version=ir_version, opset_imports=[
        helper.make_opsetid("", opset), helper.make_opsetid("ai.onnx.ml", ML_OPSET)])


def standalone_onnx(src: Exported, metadata: dict[str, str] | None = None) -> bytes:
    """The ONNX bytes of src: the Standalone module, with the string front for text columns, and metadata."""
    import onnx
    import torch
    from onnx import compose, helper
    net = module(src)
    pre = preprocessing(src)
    raw = torch.from_numpy(raw_inputs(src, odd_rows=False)) if pre is not None else src.example
    first = COLUMNS if has_texts(src) else "input"
    model = onnx.load_from_string(onnx_bytes(net, raw, input_name=first, output_name=output_name(src)))
    if has_texts(src):
        front = _front(pre, model.ir_version, OPSET)
        model = compose.merge_models(front, model, io_map=[(COLUMNS, COLUMNS)])
        opsets = {o.domain or "": o.version for o in model.opset_import}  # merging lists the default domain twice
        del model.opset_import[:]
        model.opset_import.extend(helper.make_opsetid(d, v) for d, v in opsets.items())
    if metadata:
        helper.set_model_props(model, metadata)
    onnx.checker.check_model(model)
    return model.SerializeToString()


def metadata_props(described: dict[str, Any]) -> dict[str, str]:
    """The key/value pairs stored in the file: each part as JSON, and the whole description."""
    return {"layerlab": json.dumps(described), "classes": json.dumps(described.get("classes")),
            "inputs": json.dumps(described.get("inputs")),
            "preprocessing": json.dumps(described.get("preprocessing")),
            "usage": str(described.get("usage", ""))}
