"""Training and inference throughput: LayerLab vs plain PyTorch vs TensorFlow.js (cpu, wasm).

Same models (bench/models.py), random data, batch 64, Adam, one warm-up epoch, then the
median of timed epochs. All four sides run in this one process run, one after another.

    python bench/throughput.py            # full sizes (a few minutes)
    python bench/throughput.py --quick    # tiny sizes, seconds (the test suite's smoke run)
"""
from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

import torch
from torch import nn

from common import BENCH, median, save
from models import LAYERS, SHAPES, plain

BATCH = 64
TFJS = BENCH / "tfjs"


def torch_side(name: str, n: int, repeats: int) -> dict:
    """Plain PyTorch: the loop a careful person writes by hand."""
    torch.manual_seed(0)
    model = plain(name)
    x = torch.randn(n, *SHAPES[name])
    y = torch.randint(0, 10, (n,))
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    loss_fn = nn.CrossEntropyLoss()

    def epoch() -> float:
        model.train()
        t0 = time.perf_counter()
        order = torch.randperm(n)
        for i in range(0, n, BATCH):
            idx = order[i:i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        return n / (time.perf_counter() - t0)

    def infer() -> float:
        model.eval()
        t0 = time.perf_counter()
        with torch.inference_mode():
            for i in range(0, n, BATCH):
                torch.softmax(model(x[i:i + BATCH]), dim=1)
        return n / (time.perf_counter() - t0)

    epoch(), infer()
    return {"train": median([epoch() for _ in range(repeats)]), "infer": median([infer() for _ in range(repeats)])}


def layerlab_side(name: str, n: int, repeats: int) -> dict:
    """LayerLab's engine through the facade, as the studio and CLI run it (run folder, events, checkpoints)."""
    import layerlab
    from bench_source import register_random_source
    register_random_source()
    with tempfile.TemporaryDirectory() as tmp:
        doc = {"name": f"bench-{name}", "task": "classification",
               "data": {"source": "bench_random", "params": {"shape": list(SHAPES[name]), "n": n},
                        "validation_split": 0.0},
               "model": {"layers": LAYERS[name]},
               "training": {"optimizer": "adam", "learning_rate": 0.001, "batch_size": BATCH, "epochs": 1 + repeats}}
        p = layerlab.new(Path(tmp) / name, doc=doc)
        run = p.train()
        hist = run.history[1:]  # the first epoch is the warm-up
        train = median([n / h["epoch_s"] for h in hist])
        net = p.load_run().network
        x = torch.randn(n, *SHAPES[name])

        def infer() -> float:
            t0 = time.perf_counter()
            with torch.inference_mode():
                for i in range(0, n, BATCH):
                    net(x[i:i + BATCH])
            return n / (time.perf_counter() - t0)
        infer()
        return {"train": train, "infer": median([infer() for _ in range(repeats)]),
                "engine_reported_train": median([h["samples_per_s"] for h in hist])}


def tfjs_side(name: str, backend: str, n: int, repeats: int) -> dict:
    """TensorFlow.js 4.22 in Node, as asanAI and Teachable Machine run it (minus the browser)."""
    if not (TFJS / "node_modules").exists():
        return {"error": "bench/tfjs/node_modules missing: run `npm ci --prefix bench/tfjs`"}
    out = subprocess.run(["node", "train_bench.js", name, backend, str(n), str(BATCH), str(repeats)],
                         cwd=TFJS, capture_output=True, text=True, timeout=900)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if not line:
        return {"error": (out.stderr or out.stdout).strip()[-300:]}
    d = json.loads(line[-1])
    return {"train": median(d.get("train", [])) if d.get("train") else None,
            "infer": median(d.get("infer", [])) if d.get("infer") else None, "error": d.get("error")}


SIZES = {  # samples per epoch: TF.js-cpu trains convolutions at tens of samples/s
    "full": {"mlp": (16384, 2048, 16384), "cnn": (4096, 256, 1024), "lenet": (4096, 128, 1024)},
    "quick": {"mlp": (256, 128, 256), "cnn": (128, 64, 128), "lenet": (128, 64, 128)},
}


def main(quick: bool = False) -> dict:
    sizes = SIZES["quick" if quick else "full"]
    repeats = 1 if quick else 3
    torch.set_num_threads(max(1, torch.get_num_threads()))
    results = {}
    for name, (n_torch, n_tf_cpu, n_tf_wasm) in sizes.items():
        r = {"plain_pytorch": torch_side(name, n_torch, repeats),
             "layerlab": layerlab_side(name, n_torch, repeats),
             "tfjs_cpu": tfjs_side(name, "cpu", n_tf_cpu, repeats),
             "tfjs_wasm": tfjs_side(name, "wasm", n_tf_wasm, repeats)}
        ll = r["layerlab"]
        for side in ("tfjs_cpu", "tfjs_wasm", "plain_pytorch"):
            for what in ("train", "infer"):
                other = r[side].get(what)
                r.setdefault("ratios", {})[f"layerlab_vs_{side}_{what}"] = (ll[what] / other) if other else None
        results[name] = r
        print(name, json.dumps(r, default=lambda v: round(v, 1)))
    out = {"batch": BATCH, "repeats": repeats, "quick": quick, "models": results}
    save("throughput_quick" if quick else "throughput", out)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    main(ap.parse_args().quick)
