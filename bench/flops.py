"""The machine's limit and how close LayerLab's training gets to it.

Measures float32 matmul GFLOP/s (torch.mm on 2048x2048, all threads), then trains a wide
dense model 1024-4096-4096-10 at batch 256 in LayerLab and counts its arithmetic
(forward 2*MACs, backward 2x forward) to report the fraction of the matmul peak reached.

    python bench/flops.py [--quick]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from common import median, save

WIDE = [1024, 4096, 4096, 10]


def matmul_gflops(n: int = 2048, repeats: int = 5) -> float:
    """Median GFLOP/s of an n x n float32 matmul."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    torch.mm(a, b)
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        torch.mm(a, b)
        rates.append(2 * n ** 3 / (time.perf_counter() - t0) / 1e9)
    return median(rates)


def wide_training(n: int, repeats: int, widths: list[int]) -> dict:
    """Samples/s and GFLOP/s of LayerLab training the wide dense model."""
    import layerlab
    from bench_source import register_random_source
    register_random_source()
    layers = [{"type": "dense", "units": w, "activation": "relu"} for w in widths[1:-1]]
    layers.append({"type": "dense", "units": widths[-1], "activation": "softmax"})
    doc = {"name": "wide", "task": "classification",
           "data": {"source": "bench_random", "params": {"shape": [widths[0]], "n": n}, "validation_split": 0.0},
           "model": {"layers": layers},
           "training": {"optimizer": "sgd", "learning_rate": 0.01, "batch_size": 256, "epochs": 1 + repeats}}
    with tempfile.TemporaryDirectory() as tmp:
        run = layerlab.new(Path(tmp) / "wide", doc=doc).train()
    sps = median([n / h["epoch_s"] for h in run.history[1:]])
    macs = sum(a * b for a, b in zip(widths[:-1], widths[1:]))
    flop_per_sample = 3 * 2 * macs  # forward 2*MACs; backward (input and weight gradients) twice that
    return {"samples_per_s": sps, "gflops": sps * flop_per_sample / 1e9, "flop_per_sample": flop_per_sample}


def main(quick: bool = False) -> dict:
    widths = [64, 256, 256, 10] if quick else WIDE
    peak = matmul_gflops(256 if quick else 2048, 2 if quick else 5)
    wide = wide_training(512 if quick else 8192, 1 if quick else 3, widths)
    out = {"matmul_gflops": peak, "widths": widths, "wide": wide, "fraction_of_peak": wide["gflops"] / peak,
           "threads": torch.get_num_threads(), "quick": quick}
    print(out)
    save("flops_quick" if quick else "flops", out)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    main(ap.parse_args().quick)
