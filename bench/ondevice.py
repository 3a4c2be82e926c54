"""Predictions per second on the pupil's device (onnxruntime-web in Chromium) next to the server's
round-trips per second (issue 20): digits (1x8x8), shapes (3x32x32) and a LeNet-like CNN on 32x32x3.

    python bench/ondevice.py [--quick] [--seconds S]

- server: a real `layerlab studio` on 127.0.0.1 (its token), each model trained 1 epoch through the
  HTTP API, then one client POSTs /api/projects/{id}/predict back to back on one keep-alive connection:
  the sample as numbers at the model's size (the API takes numbers only); and, without the network, a
  640x480 JPEG webcam frame through Project.predict in this process (decode, resize, predict: what the
  server does per frame of the Test page's server-side live view, which it paces at 2 per second);
- device: the run's self-contained ONNX file in headless Chromium, loaded by the studio's own
  ui/static/ondevice/model.js on the vendored onnxruntime-web (one WebAssembly thread), predicting back
  to back: the model alone (a prepared tensor) and a 640x480 canvas frame with model.js's preprocessing
  (Pillow-exact resize to the model's size), as the live camera view does; and a 320x240 frame.
Each figure is the median of 3 timed windows of S seconds (default 3); the two sides are measured one
right after the other. Writes bench/out/ondevice[_quick].json.
"""
from __future__ import annotations

import argparse
import base64
import functools
import http.server
import io
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "server"))
sys.path.insert(0, str(ROOT / "src"))

from common import machine, median, save  # noqa: E402
from models import LAYERS  # noqa: E402

STATIC = ROOT / "src" / "layerlab" / "ui" / "static"


def docs(quick: bool) -> dict[str, dict]:
    import layerlab
    n = 150 if quick else 600
    digits = layerlab.example("digits")
    shapes = layerlab.example("shapes")
    shapes["data"]["params"] = {"n_samples": n, "size": 32}
    lenet = layerlab.example("shapes")
    lenet["data"]["params"] = {"n_samples": n, "size": 32}
    lenet["model"]["layers"] = [dict(layer) for layer in LAYERS["lenet"]]
    lenet["model"]["layers"][-1]["units"] = 3            # shapes has 3 classes
    for d in (digits, shapes, lenet):
        d["training"]["epochs"] = 1
    return {"digits": digits, "shapes": shapes, "lenet_32x32x3": lenet}


def _train(c, pid: str) -> str:
    r = c.post(f"/api/projects/{pid}/runs", json={"epochs": 1})
    r.raise_for_status()
    rid = r.json().get("run_id") or r.json().get("id")
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        s = c.get(f"/api/projects/{pid}/runs/{rid}").json()
        if s.get("status") in ("finished", "stopped", "failed", "error"):
            if s.get("status") != "finished":
                raise RuntimeError(f"training {pid} ended {s.get('status')}: {s}")
            return rid
        time.sleep(0.5)
    raise TimeoutError(f"training {pid} did not finish")


def _rate(fn, seconds: float) -> float:
    """Calls per second of fn, median of 3 windows (after one warm-up call)."""
    fn()
    rates = []
    for _ in range(3):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            fn()
            n += 1
        rates.append(n / (time.perf_counter() - t0))
    return median(rates)


def _jpeg_frame() -> str:
    import numpy as np
    from PIL import Image, ImageDraw
    img = Image.fromarray((np.random.default_rng(0).random((480, 640, 3)) * 60 + 120).astype("uint8"))
    ImageDraw.Draw(img).ellipse((170, 90, 470, 390), fill=(200, 40, 40))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=80)
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def server_side(studio, names: dict[str, dict], seconds: float) -> tuple[dict, dict[str, Path]]:
    import numpy as np
    out, folders = {}, {}
    frame = _jpeg_frame()
    with studio.client(timeout=120.0) as c:
        for name, doc in names.items():
            pid = c.post("/api/projects", json={"name": f"bench {name}", "doc": doc}).json()["id"]
            _train(c, pid)
            folders[name] = next(p.parent for p in studio.home.rglob("project.json") if p.parent.name == pid)
            c_, h, w = _shape(doc)
            sample = (np.random.default_rng(1).random((c_, h, w)) * 0.5).round(3).tolist()

            def numbers(pid=pid, sample=sample):
                c.post(f"/api/projects/{pid}/predict", json={"inputs": [sample]}).raise_for_status()

            out[name] = {"server_numbers_per_s": _rate(numbers, seconds)}
    for name, folder in folders.items():   # the HTTP API takes numbers only: a frame's cost without the network
        import layerlab
        project = layerlab.load(folder)
        out[name]["server_frame_per_s"] = _rate(lambda project=project: project.predict([frame]), seconds)
    return out, folders


def _shape(doc: dict) -> tuple[int, int, int]:
    if doc["data"]["source"] == "digits":
        return 1, 8, 8
    return 3, 32, 32


PAGE = """<!doctype html><meta charset="utf-8"><title>ondevice bench</title>
<script type="module">
import { OnDeviceModel } from "./ondevice/model.js";
async function rate(fn, seconds) {
  await fn();
  const rates = [];
  for (let k = 0; k < 3; k++) {
    let n = 0; const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) { await fn(); n++; }
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  return rates[1];
}
window.bench = async (files, seconds) => {
  const out = {};
  const canvas = (w, h) => {
    const c = document.createElement("canvas");
    c.width = w; c.height = h;
    const g = c.getContext("2d");
    g.fillStyle = "#8a8"; g.fillRect(0, 0, w, h); g.fillStyle = "#c33";
    g.beginPath(); g.arc(w / 2, h / 2, h * 0.3, 0, 7); g.fill();
    return c;
  };
  const frame = canvas(640, 480), small = canvas(320, 240);
  for (const [name, file] of Object.entries(files)) {
    const bytes = new Uint8Array(await (await fetch(file)).arrayBuffer());
    const t0 = performance.now();
    const m = await OnDeviceModel.load(bytes, { ortBase: location.origin + "/ort/" });
    const loadMs = performance.now() - t0;
    const input = m.preprocessImage(frame);
    out[name] = {
      load_ms: loadMs,
      device_model_per_s: await rate(() => m.predictTensor(input), seconds),
      device_frame_per_s: await rate(() => m.predictImage(frame), seconds),
      device_frame_320_per_s: await rate(() => m.predictImage(small), seconds),
    };
    await m.release();
  }
  return out;
};
window.ready = true;
</script>"""


def device_side(folders: dict[str, Path], seconds: float) -> dict:
    import layerlab
    root = Path(tempfile.mkdtemp(prefix="layerlab-ondevice-"))
    (root / "ort").symlink_to(STATIC / "ort")
    (root / "ondevice").symlink_to(STATIC / "ondevice")
    (root / "index.html").write_text(PAGE)
    files = {}
    for name, folder in folders.items():
        layerlab.load(folder).export("onnx", root / f"{name}.onnx")
        files[name] = f"{name}.onnx"

    class Quiet(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                          ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm"}

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    from playwright.sync_api import sync_playwright
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                  args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = b.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
            page.wait_for_function("window.ready === true")
            page.set_default_timeout(600_000)
            out = page.evaluate("([f, s]) => window.bench(f, s)", [files, seconds])
            version = page.evaluate("navigator.userAgent")
            b.close()
    finally:
        server.shutdown()
    return {"results": out, "browser": version}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny data and 0.5 s windows (a smoke run)")
    ap.add_argument("--seconds", type=float, default=3.0, help="length of each timed window")
    args = ap.parse_args(argv)
    seconds = 0.5 if args.quick else args.seconds
    from studio_proc import Studio
    load_before = list(os.getloadavg())   # these machines are shared: say how busy it was
    home = Path(tempfile.mkdtemp(prefix="layerlab-ondevice-")) / "home"
    studio = Studio(home, token="bench-ondevice")
    try:
        server, folders = server_side(studio, docs(args.quick), seconds)
        device = device_side(folders, seconds)
    finally:
        studio.stop()
    rows = {name: {**server[name], **device["results"][name]} for name in server}
    for r in rows.values():
        r["device_vs_server_frame"] = (r["device_frame_per_s"] / r["server_frame_per_s"]
                                       if r.get("server_frame_per_s") else None)
    result = {"machine": machine(), "browser": device["browser"], "seconds": seconds, "models": rows,
              "load_average_before_after": [load_before, list(os.getloadavg())]}
    path = save("ondevice_quick" if args.quick else "ondevice", result)
    print(f"{'model':<16}{'device model/s':>16}{'frame 640/s':>13}{'frame 320/s':>13}{'server numbers/s':>18}"
          f"{'server frame/s':>16}")
    for name, r in rows.items():
        print(f"{name:<16}{r['device_model_per_s']:>16.1f}{r['device_frame_per_s']:>13.1f}"
              f"{r['device_frame_320_per_s']:>13.1f}{r['server_numbers_per_s']:>18.1f}{r['server_frame_per_s']:>16.1f}")
    print(f"-> {path}")
    return result


if __name__ == "__main__":
    main()
