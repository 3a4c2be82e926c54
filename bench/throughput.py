"""Training and inference throughput: LayerLab vs plain PyTorch (in alternating pairs) vs TensorFlow.js.

Same models (bench/models.py), random data, batch 64, Adam. LayerLab and the plain loop are
measured in alternating pairs in this one run (plain, LayerLab, plain, LayerLab, ...), so load
from other work on the machine hits both alike; each figure is the median over the pairs and
each ratio the median of the per-pair ratios. The plain side is the loop a careful person
writes, on this process's main thread with torch's default threads. The LayerLab side is a
real run through `Project.train()` (a worker process, run folder, events, checkpoints): its
second epoch is timed (the first warms up); inference is `Project.predict`'s path
(`predict_loaded`: logits under inference_mode, then probabilities) in this process.
TF.js runs once per model after the pairs.

    python bench/throughput.py                 # full sizes, 5 pairs (a few minutes)
    python bench/throughput.py --pairs 7       # more pairs: steadier medians on a busy machine
    python bench/throughput.py --causes        # also: which part of the gap each cause explains
    python bench/throughput.py --no-tfjs       # LayerLab vs plain PyTorch only
    python bench/throughput.py --quick         # tiny sizes, 1 pair (the test suite's smoke run)

`--causes` repeats the pairs for the MLP and the small CNN with the engine changed one way
at a time: training in a thread of this process instead of a worker process (the old
design), and the thread count forced to the plain loop's.
"""
from __future__ import annotations

import argparse
import json
import os
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


class PlainSide:
    """Plain PyTorch: the loop a careful person writes by hand (one model, trained on across pairs)."""

    def __init__(self, name: str, n: int):
        torch.manual_seed(0)
        self.n = n
        self.model = plain(name)
        self.x = torch.randn(n, *SHAPES[name])
        self.y = torch.randint(0, 10, (n,))
        self.opt = torch.optim.Adam(self.model.parameters(), 1e-3)
        self.loss_fn = nn.CrossEntropyLoss()
        self.train(), self.infer()  # warm-up

    def train(self) -> float:
        model, x, y, opt, n = self.model, self.x, self.y, self.opt, self.n
        model.train()
        t0 = time.perf_counter()
        order = torch.randperm(n)
        for i in range(0, n, BATCH):
            idx = order[i:i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = self.loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        return n / (time.perf_counter() - t0)

    def infer(self) -> float:
        self.model.eval()
        t0 = time.perf_counter()
        with torch.inference_mode():
            for i in range(0, self.n, BATCH):
                torch.softmax(self.model(self.x[i:i + BATCH]), dim=1)
        return self.n / (time.perf_counter() - t0)


class LayerLabSide:
    """LayerLab's engine as the studio and CLI run it: one real run per pair."""

    def __init__(self, name: str, n: int, root: Path, runner=None, env: dict | None = None):
        import layerlab
        from bench_source import register_random_source
        register_random_source()
        self.n, self.runner, self.env = n, runner, env or {}
        doc = {"name": f"bench-{name}", "task": "classification",
               "data": {"source": "bench_random", "params": {"shape": list(SHAPES[name]), "n": n},
                        "validation_split": 0.0},
               "model": {"layers": LAYERS[name]},
               "training": {"optimizer": "adam", "learning_rate": 0.001, "batch_size": BATCH, "epochs": 2,
                            "early_stopping": None}}
        self.project = layerlab.new(root / name, doc=doc)
        self.x = torch.randn(n, *SHAPES[name])
        self.threads = None
        self.train(), self.infer()  # warm-up: the worker imports the source, the dataset is cached

    def train(self) -> float:
        saved = {k: os.environ.get(k) for k in self.env}
        os.environ.update(self.env)  # a job carries the caller's LAYERLAB_* settings to the worker
        try:
            run = self.runner.submit(self.project, epochs=2).wait() if self.runner else self.project.train(epochs=2)
        finally:
            for k, v in saved.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
        if run.status != "finished":
            raise RuntimeError(f"bench run {run.status}: {run.failure and run.failure.message}")
        meta = json.loads((self.project.dir / "runs" / run.run_id / "meta.json").read_text())
        self.threads = meta.get("threads")
        return self.n / run.history[-1]["epoch_s"]

    def infer(self) -> float:
        from layerlab.engine.facade import predict_loaded
        loaded = self.project.load_run()
        t0 = time.perf_counter()
        predict_loaded(loaded, self.x, batch_size=BATCH)
        return self.n / (time.perf_counter() - t0)


def pairs(name: str, n: int, count: int, runner=None, env: dict | None = None) -> dict:
    """Alternating plain/LayerLab measurements; medians of each side and of the per-pair ratios."""
    plain_side = PlainSide(name, n)
    with tempfile.TemporaryDirectory() as tmp:
        ll = LayerLabSide(name, n, Path(tmp), runner, env)
        rows = []
        for _ in range(count):
            p_train, p_infer = plain_side.train(), plain_side.infer()
            l_train, l_infer = ll.train(), ll.infer()
            rows.append({"plain_train": p_train, "plain_infer": p_infer, "ll_train": l_train, "ll_infer": l_infer})
    return {"plain_pytorch": {"train": median([r["plain_train"] for r in rows]),
                              "infer": median([r["plain_infer"] for r in rows]),
                              "threads": torch.get_num_threads()},
            "layerlab": {"train": median([r["ll_train"] for r in rows]), "infer": median([r["ll_infer"] for r in rows]),
                         "threads": ll.threads},
            "pair_ratio_train": median([r["ll_train"] / r["plain_train"] for r in rows]),
            "pair_ratio_infer": median([r["ll_infer"] / r["plain_infer"] for r in rows]),
            "pairs": rows}


def causes(n_of: dict, count: int) -> dict:
    """The engine changed one way at a time, each in its own alternating pairs against the plain loop."""
    from layerlab.engine.runner import Runner
    out = {}
    variants = {"worker process, threads it picks": ("process", {}),
                "worker process, plain loop's threads": ("process", {"LAYERLAB_THREADS": str(torch.get_num_threads())}),
                "thread in this process (old design), threads it picks": ("thread", {}),
                "thread in this process, plain loop's threads": ("thread",
                                                                 {"LAYERLAB_THREADS": str(torch.get_num_threads())})}
    for name in ("mlp", "cnn"):
        for label, (executor, env) in variants.items():
            runner = Runner(max_running=1, executor=executor)
            try:
                r = pairs(name, n_of[name], count, runner, env)
            finally:
                runner.close()
            out.setdefault(name, {})[label] = {"train_ratio": r["pair_ratio_train"], "engine_threads":
                                               r["layerlab"]["threads"], "engine_train": r["layerlab"]["train"],
                                               "plain_train": r["plain_pytorch"]["train"]}
            print(name, label, json.dumps(out[name][label], default=lambda v: round(v, 3)), flush=True)
    return out


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


def main(quick: bool = False, count: int = 5, with_causes: bool = False, tfjs: bool = True,
         scale: float = 1.0) -> dict:
    sizes = {k: tuple(max(BATCH, int(n * scale)) for n in v) for k, v in SIZES["quick" if quick else "full"].items()}
    count = 1 if quick else max(1, count)
    results = {}
    for name, (n_torch, n_tf_cpu, n_tf_wasm) in sizes.items():
        r = pairs(name, n_torch, count)
        skipped = {"error": "skipped (--no-tfjs)"}
        r["tfjs_cpu"] = tfjs_side(name, "cpu", n_tf_cpu, 1 if quick else 3) if tfjs else skipped
        r["tfjs_wasm"] = tfjs_side(name, "wasm", n_tf_wasm, 1 if quick else 3) if tfjs else skipped
        ll = r["layerlab"]
        r["ratios"] = {}
        for side in ("tfjs_cpu", "tfjs_wasm"):
            for what in ("train", "infer"):
                other = r[side].get(what)
                r["ratios"][f"layerlab_vs_{side}_{what}"] = (ll[what] / other) if other else None
        r["ratios"]["layerlab_vs_plain_pytorch_train"] = r["pair_ratio_train"]
        r["ratios"]["layerlab_vs_plain_pytorch_infer"] = r["pair_ratio_infer"]
        results[name] = r
        print(name, json.dumps({k: v for k, v in r.items() if k != "pairs"}, default=lambda v: round(v, 2)),
              flush=True)
    out = {"batch": BATCH, "pairs": count, "quick": quick, "scale": scale, "torch_threads": torch.get_num_threads(),
           "load_average": _load(), "models": results}
    if with_causes:
        out["causes"] = causes({k: v[0] for k, v in sizes.items()}, count)
    out["load_average_after"] = _load()
    save("throughput_quick" if quick else "throughput", out)
    return out


def _load() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--pairs", type=int, default=5, help="alternating plain/LayerLab pairs (median of them)")
    ap.add_argument("--causes", action="store_true", help="also measure the engine one change at a time")
    ap.add_argument("--no-tfjs", action="store_true", help="leave out TF.js (LayerLab vs plain PyTorch only)")
    ap.add_argument("--scale", type=float, default=1.0, help="samples per epoch x this (e.g. 0.25 on a busy machine)")
    a = ap.parse_args()
    main(a.quick, a.pairs, a.causes, not a.no_tfjs, a.scale)
