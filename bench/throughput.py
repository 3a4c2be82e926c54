"""Training and inference throughput: LayerLab vs plain PyTorch (in alternating pairs) vs TensorFlow.js.

Same models (bench/models.py), batch 64, Adam. LayerLab and the plain loop are measured in
alternating pairs in this one run (LayerLab, plain, LayerLab, plain, ...), so load from other
work on the machine hits both alike; each figure is the median over the pairs, each ratio the
median of the per-pair ratios, with its spread (min-max over the pairs). The LayerLab side is a
real run through `Project.train()` (a worker process, run folder, events, checkpoints): its
second epoch is timed (the first warms up); inference is `Project.predict`'s path
(`predict_loaded`: logits under inference_mode, then probabilities).
The plain side is the loop a careful person writes (torch.optim.Adam with torch's defaults,
CrossEntropyLoss, inference_mode), made fair: the same samples in memory (the engine's own
training split), the same batch size and the same torch thread count as the engine's run (read
from its meta.json), and, like LayerLab's worker, on the main thread of a process in a session of
its own (bench/plain_process.py: with autogroup scheduling a loop in this process got a fraction
of the CPU the worker got on a busy machine). LayerLab's inference runs in that process too.
TF.js runs once per model after the pairs.

    python bench/throughput.py                 # full sizes, 5 pairs (a few minutes)
    python bench/throughput.py --pairs 7       # more pairs: steadier medians on a busy machine
    python bench/throughput.py --causes        # also: each speed choice's effect (before/after)
    python bench/throughput.py --no-tfjs       # LayerLab vs plain PyTorch only
    python bench/throughput.py --quick         # tiny sizes, 1 pair (the test suite's smoke run)

`--causes` repeats the pairs with one of the engine's speed choices turned off at a time
(LAYERLAB_SPEED_OFF=fused|channels_last, carried to the worker like every LAYERLAB_* setting),
with both sides at the other thread count (the engine's thread choice, PARALLEL_MIN_FLOPS), and
measures inference in this process with each choice off (channels_last; no_grad instead of
inference_mode).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import torch
from torch import nn

from common import BENCH, median, save
from models import LAYERS, SHAPES, plain

BATCH = 64
TFJS = BENCH / "tfjs"


class PlainSide:
    """Plain PyTorch: the loop a careful person writes by hand (one model, trained on across pairs)."""

    def __init__(self, name: str, x: torch.Tensor, y: torch.Tensor, threads: int):
        torch.manual_seed(0)
        self.n, self.x, self.y, self.threads = len(x), x, y, threads  # the engine's samples, already in memory
        self.model = plain(name)
        self.opt = torch.optim.Adam(self.model.parameters(), 1e-3)
        self.loss_fn = nn.CrossEntropyLoss()
        self.train(), self.infer()  # warm-up

    def train(self) -> float:
        model, x, y, opt, n = self.model, self.x, self.y, self.opt, self.n
        with threads(self.threads):
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

    def infer(self, no_grad: bool = False) -> float:
        with threads(self.threads):
            self.model.eval()
            t0 = time.perf_counter()
            with torch.no_grad() if no_grad else torch.inference_mode():
                for i in range(0, self.n, BATCH):
                    torch.softmax(self.model(self.x[i:i + BATCH]), dim=1)
            return self.n / (time.perf_counter() - t0)


@contextmanager
def threads(n: int | None):
    """torch's intra-op threads set to n for a block (the engine's count, so both sides use the same)."""
    was = torch.get_num_threads()
    torch.set_num_threads(n or was)
    try:
        yield
    finally:
        torch.set_num_threads(was)


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
        train = self.project.dataset().train
        self.x, self.y = train.x, train.y  # the samples the runs train on (the plain side gets the same)
        self.threads = None
        self.train()  # warm-up: the worker imports the source, the dataset is cached

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

    def infer(self, remote: "RemotePlain", env: dict | None = None) -> float:
        """predict_loaded on the latest run, in the plain side's process (the same conditions for both)."""
        return remote.predict(self.project.dir, {**self.env, **(env or {})})


class RemotePlain:
    """The plain side in a process (and session) of its own, as LayerLab's worker is (bench/plain_process.py)."""

    def __init__(self, name: str, x: torch.Tensor, y: torch.Tensor, threads: int | None, tmp: Path):
        from plain_process import PlainProcess
        from safetensors.torch import save_file
        save_file({"x": x.contiguous(), "y": y.contiguous()}, str(tmp / f"{name}-data.safetensors"))
        self.threads = threads or torch.get_num_threads()
        self.proc = PlainProcess()
        self.proc.call("init", name=name, data=str(tmp / f"{name}-data.safetensors"), threads=self.threads)

    def train(self) -> float:
        return self.proc.call("train")["v"]

    def infer(self, no_grad: bool = False) -> float:
        return self.proc.call("infer", no_grad=no_grad)["v"]

    def predict(self, project_dir: Path, env: dict) -> float:
        return self.proc.call("predict", project=str(project_dir), env=env, batch=BATCH)["v"]

    def close(self) -> None:
        self.proc.close()


def spread(xs: list[float]) -> list[float]:
    """[min, max] of a list (how far single pairs strayed from the median)."""
    return [min(xs), max(xs)] if xs else []


def pairs(name: str, n: int, count: int, runner=None, env: dict | None = None) -> dict:
    """Alternating LayerLab/plain measurements; medians of each side and of the per-pair ratios (with spreads)."""
    with tempfile.TemporaryDirectory() as tmp:
        ll = LayerLabSide(name, n, Path(tmp), runner, env)
        plain_side = RemotePlain(name, ll.x, ll.y, ll.threads, Path(tmp))
        try:
            ll.infer(plain_side)  # warm-up of the predict path
            rows = []
            for _ in range(count):
                l_train, p_train = ll.train(), plain_side.train()
                l_infer, p_infer = ll.infer(plain_side), plain_side.infer()  # back to back in one warm process
                rows.append({"plain_train": p_train, "plain_infer": p_infer, "ll_train": l_train,
                             "ll_infer": l_infer})
        finally:
            plain_side.close()
    rt = [r["ll_train"] / r["plain_train"] for r in rows]
    ri = [r["ll_infer"] / r["plain_infer"] for r in rows]
    return {"plain_pytorch": {"train": median([r["plain_train"] for r in rows]),
                              "infer": median([r["plain_infer"] for r in rows]),
                              "threads": plain_side.threads},
            "layerlab": {"train": median([r["ll_train"] for r in rows]), "infer": median([r["ll_infer"] for r in rows]),
                         "threads": ll.threads},
            "pair_ratio_train": median(rt), "pair_ratio_infer": median(ri),
            "spread_train": spread(rt), "spread_infer": spread(ri), "pairs": rows}


def causes(n_of: dict, count: int) -> dict:
    """Each speed choice turned off in turn, in its own alternating pairs against the plain loop.

    The ratio with everything on is the "after", the ratio with one choice off the "before"; both
    sides always use the same threads, so the thread row changes both (the engine's pick vs the other).
    """
    out: dict = {}
    other = {1: "2", 2: "1"}
    for name, n in n_of.items():
        variants = {"everything on": {}, "fused optimizer off": {"LAYERLAB_SPEED_OFF": "fused"}}
        if name != "mlp":
            variants["channels_last off"] = {"LAYERLAB_SPEED_OFF": "channels_last"}
        for label, env in variants.items():
            r = pairs(name, n, count, env=env)
            out.setdefault(name, {})[label] = _cause_row(r)
            print(name, label, json.dumps(out[name][label], default=lambda v: round(v, 3)), flush=True)
        picked = out[name]["everything on"]["threads"]
        label = f"threads {other.get(picked, '1')} instead of the picked {picked} (both sides)"
        r = pairs(name, n, count, env={"LAYERLAB_THREADS": other.get(picked, "1")})
        out[name][label] = _cause_row(r)
        print(name, label, json.dumps(out[name][label], default=lambda v: round(v, 3)), flush=True)
        out[name]["inference"] = inference_causes(name, n, count)
        print(name, "inference", json.dumps(out[name]["inference"], default=lambda v: round(v, 3)), flush=True)
    return out


def _cause_row(r: dict) -> dict:
    return {"train_ratio": r["pair_ratio_train"], "train_spread": r["spread_train"],
            "infer_ratio": r["pair_ratio_infer"], "infer_spread": r["spread_infer"],
            "threads": r["layerlab"]["threads"], "engine_train": r["layerlab"]["train"],
            "plain_train": r["plain_pytorch"]["train"]}


def inference_causes(name: str, n: int, count: int) -> dict:
    """Inference choices in this process, alternating: predict with channels_last on/off; the plain
    module under no_grad vs inference_mode (ratios of samples/s, median of `count` rounds)."""
    with tempfile.TemporaryDirectory() as tmp:
        ll = LayerLabSide(name, n, Path(tmp))
        plain_side = RemotePlain(name, ll.x, ll.y, ll.threads, Path(tmp))
        try:
            cl, mode = [], []
            for _ in range(count):
                on = ll.infer(plain_side)
                off = ll.infer(plain_side, {"LAYERLAB_SPEED_OFF": "channels_last"})
                cl.append(on / off)
                mode.append(plain_side.infer() / plain_side.infer(no_grad=True))
        finally:
            plain_side.close()
    out = {"inference_mode_over_no_grad": median(mode), "inference_mode_spread": spread(mode)}
    if name != "mlp":
        out.update(channels_last_on_over_off=median(cl), channels_last_spread=spread(cl))
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
        print(name, json.dumps({k: v for k, v in r.items() if k not in ("pairs", "ratios", "tfjs_cpu", "tfjs_wasm")},
                               default=lambda v: round(v, 2)), flush=True)
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
