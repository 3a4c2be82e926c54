"""Same answers on the device (issue 20.2): every example model and a model of every exportable layer
kind, exported as the self-contained ONNX file the Test page loads, run in Chromium by the studio's own
ui/static/ondevice/model.js on the vendored onnxruntime-web, give what the server's predict gives
(Project.predict's code: load_inputs + predict_loaded) for the same inputs within 1e-4.

One browser, one page, all models in one pass: a tiny http server on 127.0.0.1 serves the vendored
runtime, model.js and the files. Pictures are fed as the server's resized tensor (pixels 0..255, NCHW)
and once more as an ImageData at the model's size through model.js's preprocessing; tables as rows of
strings and numbers (a missing cell and an unseen text included) through model.js's predictRow, so the
ai.onnx.ml LabelEncoder front runs in the browser too.
"""
from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import numpy as np
import pytest

import layerlab
from layerlab.export.common import torch_outputs
from layerlab.export.facade import blockers
from layerlab.export.onnx_export import onnx_file
from layerlab.export.standalone import as_rows, is_standalone, pixels, preprocessing, raw_inputs, reference
from tests.e2e.conftest import ARGS, CHROMIUM
from tests.export.export_cases import all_cases, exported

STATIC = Path(layerlab.__file__).parent / "ui" / "static"
TOLERANCE = 1e-4
EXAMPLES = [e["name"] for e in layerlab.examples()]
SMALL = {"shapes": {"n_samples": 60}}   # enough pictures for a validation batch; the network is unchanged


def _plain(a) -> list:
    """JSON-ready nested list with NaN as null."""
    return [None if isinstance(v, float) and v != v else v for v in np.asarray(a).reshape(-1).tolist()]


def _case(name: str, src, want: np.ndarray, raw: np.ndarray, folder: Path) -> dict:
    (folder / f"{name}.onnx").write_bytes(onnx_file(src))
    pre = preprocessing(src)
    case = {"name": name, "file": f"{name}.onnx", "want": want.tolist()}
    if pre is not None and pre.get("columns"):
        case["rows"] = [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
                        for r in as_rows(pre, raw)]
    else:
        dtype = "int64" if raw.dtype.kind in "iu" else "float32"
        case["tensor"] = {"type": dtype, "dims": list(raw.shape), "data": _plain(raw)}
        case["picture"] = bool(pre is not None and pixels(src))
    return case


def _example_cases(projects: Path, folder: Path) -> list[dict]:
    cases = []
    for name in EXAMPLES:
        doc = layerlab.example(name)
        doc["data"].setdefault("params", {}).update(SMALL.get(name, {}))
        src = layerlab.new(projects / name, doc=doc).export_source()   # freshly initialised, the doc's seed
        raw = raw_inputs(src)
        if pixels(src):
            raw = np.round(raw).astype(np.float32)    # a picture's pixels are whole numbers
        cases.append(_case(name, src, reference(src, raw), raw, folder))
    return cases


def _penguin_case(projects: Path, folder: Path) -> dict:
    """A table with two text columns and missing cells: strings through the LabelEncoder front."""
    import csv
    from tests.export.test_standalone import penguin_rows
    rows = penguin_rows(60)
    with open(projects / "penguins.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    src = layerlab.new(projects / "penguins", data=projects / "penguins.csv", target="species").export_source()
    raw = raw_inputs(src)                              # with a row of missing cells and one of unseen texts
    assert is_standalone(src)
    return _case("table_with_texts", src, reference(src, raw), raw, folder)


def _kind_cases(folder: Path) -> tuple[list[dict], list[str]]:
    cases, blocked = [], []
    for name, (layers, shape, vocab) in sorted(all_cases().items()):
        if blockers([str(layer["type"]) for layer in layers], "onnx", layers):
            blocked.append(name)
            continue
        src = exported(layers, shape, vocab)
        raw = src.example.numpy()
        cases.append(_case(f"kind_{name}", src, torch_outputs(src), raw, folder))
    return cases, blocked


def _unsupported(folder: Path) -> dict:
    """A file with an operator no runtime knows: the page must say so (and the Test page falls back)."""
    import onnx
    from onnx import TensorProto, helper
    node = helper.make_node("NoSuchLayerLabOp", ["input"], ["output"], domain="org.layerlab.test")
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 2])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("org.layerlab.test", 1)], ir_version=8)
    (folder / "unsupported.onnx").write_bytes(model.SerializeToString())
    return {"name": "unsupported", "file": "unsupported.onnx", "want": [[0.0, 0.0]], "picture": False,
            "tensor": {"type": "float32", "dims": [1, 2], "data": [0.0, 0.0]}}


def _serve(root: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                          ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm"}

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


PAGE = """<!doctype html><meta charset="utf-8"><title>parity</title>
<script type="module">
import { OnDeviceModel } from "./ondevice/model.js";
window.runAll = async (cases) => {
  const out = {};
  for (const c of cases) {
    const r = { name: c.name };
    try {
      const bytes = new Uint8Array(await (await fetch("models/" + c.file)).arrayBuffer());
      const m = await OnDeviceModel.load(bytes, { ortBase: location.origin + "/ort/" });
      if (c.rows) {
        r.got = [];
        for (const row of c.rows) r.got.push(Array.from((await m.predictRow(row)).values));
      } else {
        const t = c.tensor;
        const data = t.type === "int64" ? BigInt64Array.from(t.data.map((v) => BigInt(v)))
          : Float32Array.from(t.data.map((v) => (v === null ? NaN : v)));
        r.got = (await m.run({ [m.inputNames[0]]: { type: t.type, data, dims: t.dims } })).map((a) => Array.from(a));
        if (c.picture) {           // the same pixels as a picture at the model's size, through model.js
          const [n, ch, h, w] = t.dims, plane = h * w;
          r.viaPicture = [];
          for (let k = 0; k < n; k++) {
            const img = new ImageData(w, h);
            for (let i = 0; i < plane; i++) {
              for (let j = 0; j < 3; j++) img.data[4 * i + j] = t.data[k * ch * plane + (ch === 1 ? 0 : j) * plane + i];
              img.data[4 * i + 3] = 255;
            }
            r.viaPicture.push(Array.from((await m.predictImage(img)).values));
          }
        }
      }
      await m.release();
    } catch (e) {
      r.error = `${e.name}: ${e.message}`;
      r.stage = e.stage || null;
    }
    out[c.name] = r;
  }
  return out;
};
window.ready = true;
</script>"""


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    root = tmp_path_factory.mktemp("parity")
    models = root / "models"
    models.mkdir()
    (root / "ort").symlink_to(STATIC / "ort")
    (root / "ondevice").symlink_to(STATIC / "ondevice")
    (root / "index.html").write_text(PAGE)
    projects = tmp_path_factory.mktemp("projects")
    kinds, blocked = _kind_cases(models)
    cases = _example_cases(projects, models) + [_penguin_case(projects, models)] + kinds + [_unsupported(models)]
    server = _serve(root)
    from playwright.sync_api import sync_playwright
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
            page.wait_for_function("window.ready === true", timeout=15000)
            results = page.evaluate("(cases) => window.runAll(cases)", cases)
            browser.close()
    finally:
        server.shutdown()
    assert not errors, errors
    return cases, results, blocked


def _diff(want, got) -> float:
    want, got = np.asarray(want, np.float64), np.asarray(got, np.float64)
    assert want.shape[0] == got.shape[0] and want.size == got.size, (want.shape, got.shape)
    got = got.reshape(want.shape)   # model.js gives each row's outputs flat
    return float(np.max(np.abs(want - got))) if want.size else 0.0


def test_every_example_model_runs_on_the_device_with_the_servers_answers(harness):
    cases, results, _ = harness
    examples = [c for c in cases if not c["name"].startswith("kind_") and c["name"] != "unsupported"]
    assert {c["name"] for c in examples} >= set(EXAMPLES) | {"table_with_texts"}
    bad = {}
    for c in examples:
        r = results[c["name"]]
        assert "error" not in r, f"{c['name']} did not run in the browser: {r.get('error')}"
        bad[c["name"]] = _diff(c["want"], r["got"])
        if c.get("picture"):
            bad[c["name"] + " (as a picture)"] = _diff(c["want"], r["viaPicture"])
    assert max(bad.values()) <= TOLERANCE, {k: v for k, v in bad.items() if v > TOLERANCE}
    assert any(c.get("picture") for c in examples) and any(c.get("rows") for c in examples)


def test_a_model_of_every_exportable_layer_kind_runs_on_the_device(harness):
    from layerlab.layers import load_all
    cases, results, blocked = harness
    kinds = {c["name"][len("kind_"):] for c in cases if c["name"].startswith("kind_")}
    exportable = {k for k, kind in load_all().items() if kind.exportable}
    assert exportable <= kinds | set(blocked), exportable - kinds
    diffs = {}
    for c in cases:
        if c["name"].startswith("kind_"):
            r = results[c["name"]]
            assert "error" not in r, f"{c['name']} did not run in the browser: {r.get('error')}"
            diffs[c["name"]] = _diff(c["want"], r["got"])
    assert max(diffs.values()) <= TOLERANCE, {k: v for k, v in diffs.items() if v > TOLERANCE}


def test_a_model_the_runtime_cannot_run_says_so(harness):
    _, results, _ = harness
    r = results["unsupported"]
    assert r.get("stage") == "session" and "NoSuchLayerLabOp" in r["error"], r
