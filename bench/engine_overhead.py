"""Engine overhead: LayerLab's training engine vs a hand-written PyTorch loop, side by side.

Both train the same network (project.build(seed)) on the same in-memory tensors
(project.dataset()) with the same optimizer, loss, batch size and epochs, and both
evaluate the validation split after every epoch. The engine's time is the whole
`project.train()` call, so it includes what a user gets on top: metrics, events,
checkpoints, the run folder and the registry. Runs alternate (engine, plain, engine, …)
so that load on the machine hits both alike; the result is the median ratio of samples/s
(wall time of the whole run: setup, training, evaluation, saving), beside it the ratio of
the training phase alone (the batches of each epoch: the per-step overhead), and the
ratio of process CPU time, which on a machine shared with other jobs measures the work
rather than the neighbours.

Reproduce (CPU, from the repository root):

    python bench/engine_overhead.py --example digits --epochs 5 --repeats 5
    python bench/engine_overhead.py --example spiral --epochs 20 --repeats 5 --json
    python bench/engine_overhead.py --example shapes --epochs 2 --repeats 3 --threads 2

The plain loop builds the spec's optimizer with torch's default implementation (as a person
writes it); the engine uses the fused kernel where torch has one (layerlab.engine.optimizers).

Target (issue 15.6): engine samples/s >= 1.0 x the plain loop's (bench/speed.py runs this for digits).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import tempfile
import time
from contextlib import contextmanager

import torch
import torch.nn.functional as F

import layerlab
from layerlab.engine.events import EpochEnded
from layerlab.engine.optimizers import make_optimizer
from layerlab.engine.setup import set_threads, step_flops, threads_for


def plain_loop(project, ds, epochs: int) -> tuple[float, float, float]:
    """The loop a PyTorch user would write for this project; returns (wall, CPU, training-phase) seconds."""
    t0, c0 = time.perf_counter(), time.process_time()
    phase = 0.0
    tr = project.spec.training
    torch.manual_seed(tr.seed)
    net = project.build(tr.seed)
    # the thread count the engine picks for this model (or LAYERLAB_THREADS), so both sides match
    set_threads(threads_for(step_flops(net, tuple(ds.info.input_shape), tr.batch_size)))
    with speed_off("fused"):  # the spec's optimizer as a person writes it: torch's default implementation
        opt = make_optimizer(tr, net.parameters())
    gen = torch.Generator().manual_seed(tr.seed)
    classify = project.spec.task == "classification"
    for _ in range(epochs):
        net.train()
        running, correct = 0.0, 0  # what a hand-written loop prints per epoch
        tp = time.perf_counter()
        for x, y in ds.train.batches(tr.batch_size, shuffle=True, generator=gen):
            out = net.logits(x) if classify else net(x)
            loss = F.cross_entropy(out, y) if classify else F.mse_loss(out, y.reshape(out.shape))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            running += loss.item() * len(y)
            correct += int((out.argmax(1) == y).sum()) if classify else 0
        phase += time.perf_counter() - tp
        net.eval()
        with torch.inference_mode():
            correct = 0
            for x, y in ds.val.batches(1024):
                out = net.logits(x) if classify else net(x)
                correct += int((out.argmax(1) == y).sum()) if classify else 0
    return time.perf_counter() - t0, time.process_time() - c0, phase


@contextmanager
def speed_off(choice: str):
    """LAYERLAB_SPEED_OFF=choice for a block (the engine reads it when it builds its optimizer)."""
    was = os.environ.get("LAYERLAB_SPEED_OFF")
    os.environ["LAYERLAB_SPEED_OFF"] = choice
    try:
        yield
    finally:
        os.environ.pop("LAYERLAB_SPEED_OFF") if was is None else os.environ.__setitem__("LAYERLAB_SPEED_OFF", was)


def engine_run(project, ds, epochs: int) -> tuple[float, float, float]:
    """project.train() on the same data; (wall, CPU) seconds of the whole call, and its training-phase seconds."""
    n = len(ds.train)
    phases: list[float] = []
    on_event = lambda e: phases.append(n / e.samples_per_s) if isinstance(e, EpochEnded) else None  # noqa: E731
    t0, c0 = time.perf_counter(), time.process_time()
    run = project.train(epochs=epochs, dataset=ds, on_event=on_event)
    if run.status != "finished":
        raise SystemExit(f"engine run failed: {run.failure}")
    return time.perf_counter() - t0, time.process_time() - c0, sum(phases)


def measure(example: str = "digits", epochs: int = 5, repeats: int = 5) -> dict:
    """Alternating engine/plain runs of an example; the medians and spreads of their ratios."""
    os.environ.setdefault("LAYERLAB_HOME", tempfile.mkdtemp(prefix="layerlab-bench-"))
    project = layerlab.new(tempfile.mkdtemp() + "/p", example=example)
    ds = project.dataset()
    n = len(ds.train) * epochs
    for _ in range(2):  # warm-up: imports, allocator, first-touch of the data; both of the runner's workers
        engine_run(project, ds, 1)  # (a slot's and the warm spare) started, as in a studio that has been up a while
    plain_loop(project, ds, 1)
    ratios, cpu_ratios, phase_ratios, eng, pln = [], [], [], [], []
    for _ in range(repeats):
        te, ce, pe = engine_run(project, ds, epochs)
        tp, cp, pp = plain_loop(project, ds, epochs)
        phase_ratios.append(pp / pe)
        eng.append(n / te)
        pln.append(n / tp)
        ratios.append(tp / te)        # samples/s ratio = inverse time ratio
        cpu_ratios.append(cp / ce)
    return {"example": example, "epochs": epochs, "repeats": repeats,
            "train_samples": len(ds.train), "threads": torch.get_num_threads(),
            "engine_samples_per_s": round(statistics.median(eng), 1),
            "plain_samples_per_s": round(statistics.median(pln), 1),
            "ratio_median": round(statistics.median(ratios), 4),
            "ratio_min": round(min(ratios), 4), "ratio_max": round(max(ratios), 4),
            "cpu_ratio_median": round(statistics.median(cpu_ratios), 4),
            "train_phase_ratio_median": round(statistics.median(phase_ratios), 4),
            "train_phase_ratio_min": round(min(phase_ratios), 4),
            "train_phase_ratio_max": round(max(phase_ratios), 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--example", default="digits")
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=None, help="Force torch threads on both sides.")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.threads:
        os.environ["LAYERLAB_THREADS"] = str(args.threads)
    result = measure(args.example, args.epochs, args.repeats)
    from common import save
    save("engine_overhead", result)   # bench/out/engine_overhead.json, for RESULTS.md
    if args.json:
        print(json.dumps(result))
        return
    print(f"{args.example}: {result['train_samples']} training samples x {args.epochs} epochs, "
          f"{result['threads']} threads, {args.repeats} repeats")
    print(f"  plain PyTorch loop  {result['plain_samples_per_s']:>10,.0f} samples/s")
    print(f"  LayerLab engine     {result['engine_samples_per_s']:>10,.0f} samples/s")
    print(f"  ratio (median)      {result['ratio_median']:.3f}  (min {result['ratio_min']:.3f}, "
          f"max {result['ratio_max']:.3f}; target >= 1.0)")
    print(f"  training-phase ratio {result['train_phase_ratio_median']:.3f}  (the batches of each epoch only: "
          "per-step overhead)")
    print(f"  CPU-time ratio      {result['cpu_ratio_median']:.3f}  (work done per sample; steadier than wall time "
          "on a shared machine)")
    assert math.isfinite(result["ratio_median"])


if __name__ == "__main__":
    main()
