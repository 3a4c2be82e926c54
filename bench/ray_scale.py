"""Data-parallel training and search on Ray (issue 19): what they cost and give on this machine.

    python bench/ray_scale.py            # ~10-15 minutes on 2 cores; bench/out/ray_scale.json
    python bench/ray_scale.py --quick    # tiny sizes
    nice -n 19 python bench/ray_scale.py --parts streamed   # only the 50,000-image folder

Measured in one run, side by side:
- Ray start-up: `ray.init` of a private local instance (seconds);
- the digits CNN: LayerLab's ordinary run (one worker process) vs Ray Train with 1 and 2
  workers, samples/s over the epochs (training set size / epoch seconds, median) and the wall
  time of the whole run including Ray's worker start-up; final validation accuracy of each;
- a streamed image folder (`--images`, default 50,000 PNGs of 32x32, 10 classes, the same every
  time: data_scale.make_images), written into a temporary folder under /tmp and removed
  afterwards: 1 vs 2 Ray workers, samples/s of one epoch (each worker decodes only its share);
- a search of 20 trials (`--trials`) over units and learning rate of the wine example in
  LayerLab's worker processes: wall time, best validation accuracy vs the example's default.

On 2 cores, 2 workers cannot beat 1: they share the cores and add gradient exchanges. The
point on such a machine is that it runs and matches; the speed-up needs more machines.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, save  # noqa: E402


def _rate(run, n_train: int) -> float:
    secs = [h["epoch_s"] for h in run.history if h.get("epoch_s")]
    return round(n_train / statistics.median(secs), 1) if secs else float("nan")


def digits(epochs: int, root: Path) -> dict:
    import layerlab.api as L
    p = L.new(root / "digits", example="digits")
    n_train = len(p.dataset().train)
    out = {"epochs": epochs, "n_train": n_train}
    t = time.perf_counter()
    local = p.train(epochs=epochs)
    out["local"] = {"wall_s": round(time.perf_counter() - t, 1), "samples_per_s": _rate(local, n_train),
                    "val_accuracy": round(local.final.get("val_accuracy", float("nan")), 4)}
    for workers in (1, 2):
        t = time.perf_counter()
        run = p.train_distributed(workers=workers, epochs=epochs)
        out[f"ray_{workers}"] = {"wall_s": round(time.perf_counter() - t, 1), "samples_per_s": _rate(run, n_train),
                                 "val_accuracy": round(run.final.get("val_accuracy", float("nan")), 4),
                                 "status": run.status}
    return out


def streamed(images: int, root: Path) -> dict:
    import layerlab.api as L
    from data_scale import make_images
    folder = root / f"images_{images}"
    t = time.perf_counter()
    make_images(folder, images)
    made_s = time.perf_counter() - t
    doc = {"name": "stream", "data": {"source": "images", "params": {"size": 32, "streaming": "stream"},
                                      "validation_split": 0.05},
           "model": {"layers": [{"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": "same",
                                 "activation": "relu"}, {"type": "max_pool2d", "pool_size": 4},
                                {"type": "flatten"}, {"type": "dense", "units": 10, "activation": "softmax"}]},
           "training": {"epochs": 1, "batch_size": 256}}
    p = L.Project(doc, folder)
    n_train = len(p.dataset().train)
    out = {"images": images, "n_train": n_train, "images_generated_s": round(made_s, 1)}
    for workers in (1, 2):
        t = time.perf_counter()
        run = p.train_distributed(workers=workers, epochs=1)
        out[f"ray_{workers}"] = {"wall_s": round(time.perf_counter() - t, 1), "samples_per_s": _rate(run, n_train),
                                 "status": run.status}
    return out


def search(trials: int, root: Path) -> dict:
    import layerlab.api as L
    import layerlab.api_search as S
    base = L.new(root / "wine_default", example="wine")
    t = time.perf_counter()
    default = base.train()
    default_s = time.perf_counter() - t
    doc = L.example("wine")
    doc["model"]["layers"][0]["units"] = {"search": {"choice": [4, 8, 16, 32, 64]}}
    doc["training"]["learning_rate"] = {"search": {"loguniform": [1e-4, 1e-1]}}
    p = L.new(root / "wine_search", doc=doc)
    t = time.perf_counter()
    s = S.search(p, trials=trials, parallel=1)
    wall = time.perf_counter() - t
    best = s.result.best
    metric = s.result.metric
    return {"trials": trials, "metric": metric, "wall_s": round(wall, 1), "default_run_s": round(default_s, 1),
            "default": round(default.final.get(metric, float("nan")), 4),
            "best": round(best.value, 4) if best else None, "best_params": best.params if best else None,
            "states": {st: sum(t.state == st for t in s.result.trials) for st in ("finished", "pruned", "failed")}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--images", type=int, default=None)
    ap.add_argument("--trials", type=int, default=None)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--parts", default="digits,streamed,search", help="which measurements, comma-separated")
    a = ap.parse_args()
    parts = {x.strip() for x in a.parts.split(",") if x.strip()}
    unknown = parts - {"digits", "streamed", "search"}
    if unknown:
        ap.error(f"--parts knows digits, streamed and search, not {', '.join(sorted(unknown))}")
    images = a.images or (500 if a.quick else 50_000)
    trials = a.trials or (3 if a.quick else 20)
    epochs = a.epochs or (1 if a.quick else 5)
    import ray
    result: dict = {"machine": machine(), "quick": a.quick, "nice": os.nice(0)}
    t = time.perf_counter()
    ray.init(include_dashboard=False, log_to_driver=False, configure_logging=False)
    result["ray_init_s"] = round(time.perf_counter() - t, 1)
    try:
        with tempfile.TemporaryDirectory(prefix="layerlab-ray-bench-", dir="/tmp") as tmp:
            root = Path(tmp)
            for name, measure in (("digits", lambda: digits(epochs, root)), ("streamed", lambda: streamed(images, root)),
                                  ("search", lambda: search(trials, root))):
                if name in parts:
                    result[name] = measure()
                    print(name, result[name], flush=True)
    finally:
        ray.shutdown()
    print(save("ray_scale" if parts == {"digits", "streamed", "search"} else "ray_scale_" + "_".join(sorted(parts)),
               result))


if __name__ == "__main__":
    main()
