"""Data at scale: a 50,000-image folder streamed through training, and a 1,000,000-row CSV load.

    python bench/data_scale.py            # full sizes (50,000 images, 1,000,000 rows; ~3-6 min on 2 cores)
    python bench/data_scale.py --quick    # 2,000 images, 50,000 rows: checks that it still runs

Side by side, each in a fresh process so its peak memory (PSS of the process and its
DataLoader workers together: shared pages are not counted twice) is its own:
  images  stream   the images source streaming from disk (workers + bounded cache), one epoch
                   of a small CNN (forward, backward, step) over every training batch, then
                   the validation pass
          memory   the same folder decoded into memory first (what streaming avoids)
  csv     layerlab the csv source (pyarrow reader, type detection, encoding, split, standardise)
          pandas   pandas.read_csv with its default C engine, nothing else (a baseline reader)
          (imports are timed apart from the load: a process pays them once)
Targets (issue 4): streaming peak RSS < 1.5 GB; the CSV loads in seconds. Writes bench/out/data_scale.json.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, save  # noqa: E402


class PeakRSS:
    """Samples the memory of this process and its children every 50 ms; `.peak` in bytes.

    Summed as PSS where the OS reports it (shared pages split between the processes that
    share them), so forked DataLoader workers are not counted twice; RSS otherwise.
    """

    def __init__(self):
        import psutil
        self.proc, self.peak, self._stop = psutil.Process(), 0, threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import psutil
        while not self._stop.is_set():
            total = 0
            for proc in [self.proc, *self._children()]:
                try:
                    total += _mem(proc)
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.05)

    def _children(self):
        import psutil
        try:
            return self.proc.children(recursive=True)
        except psutil.Error:
            return []

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def _mem(proc) -> int:
    try:
        return proc.memory_full_info().pss
    except (AttributeError, OSError):
        return proc.memory_info().rss


def make_images(folder: Path, n: int, size: int = 32, classes: int = 10) -> None:
    """n small PNGs in classes subfolders: a coloured square on noise (varied, compressible a little)."""
    from PIL import Image
    rng = np.random.default_rng(0)
    for k in range(classes):
        (folder / "data" / "images" / f"class_{k}").mkdir(parents=True, exist_ok=True)
    for i in range(n):
        k = i % classes
        a = rng.integers(0, 60, (size, size, 3), dtype=np.uint8)
        x0, y0 = rng.integers(0, size // 2, 2)
        a[y0:y0 + size // 3, x0:x0 + size // 3] = (25 * k, 255 - 25 * k, 120)
        Image.fromarray(a).save(folder / "data" / "images" / f"class_{k}" / f"{i}.png", compress_level=1)


def make_csv(path: Path, rows: int) -> None:
    """rows x (6 numeric + 1 categorical feature + a class target), with a few missing values."""
    import pandas as pd
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(rows, 6)).round(4), columns=[f"f{i}" for i in range(6)])
    df["colour"] = rng.choice(["red", "green", "blue", "black"], rows)
    df.loc[rng.integers(0, rows, rows // 1000), "f2"] = np.nan
    df["label"] = np.where(df["f0"] + df["f1"] > 0, "yes", "no")
    df.to_csv(path, index=False)


def part_images(folder: str, mode: str) -> dict:
    import torch
    import layerlab
    torch.set_num_threads(1)
    doc = {"name": "bench", "data": {"source": "images", "params": {"size": 32, "streaming": mode},
                                     "validation_split": 0.1},
           "model": {"layers": [{"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu"},
                                {"type": "max_pool2d", "pool_size": 4}, {"type": "flatten"},
                                {"type": "dense", "units": 10, "activation": "softmax"}]}}
    p = layerlab.api.Project(doc, Path(folder))
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        ds = p.dataset()
        t_prepare = time.perf_counter() - t0
        net = p.build()
        opt = torch.optim.Adam(net.parameters(), 1e-3)
        t1, seen = time.perf_counter(), 0
        for xb, yb in ds.train.batches(256, shuffle=True, generator=torch.Generator().manual_seed(0)):
            loss = torch.nn.functional.cross_entropy(net.logits(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            seen += len(yb)
        t_epoch = time.perf_counter() - t1
        t2, correct = time.perf_counter(), 0
        with torch.inference_mode():                       # the validation pass of the epoch
            for xb, yb in ds.val.batches(512):
                correct += int((net.logits(xb).argmax(1) == yb).sum())
        t_val = time.perf_counter() - t2
    return {"mode": mode, "streaming": ds.meta["streaming"], "prepare_s": round(t_prepare, 2),
            "epoch_s": round(t_epoch, 2), "validation_s": round(t_val, 2), "val_accuracy": round(correct / len(ds.val), 3),
            "samples": seen, "samples_per_s": round(seen / t_epoch),
            "peak_rss_mb": round(rss.peak / 2**20)}


def part_csv(path: str, reader: str) -> dict:
    import psutil
    t0 = time.perf_counter()
    import pandas as pd
    if reader == "layerlab":   # imports are timed apart: they are paid once per process
        import sklearn.model_selection  # noqa: F401
        from layerlab.data.prepare import prepare
    t_import = time.perf_counter() - t0
    base = _mem(psutil.Process())
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        if reader == "pandas":
            rows = len(pd.read_csv(path))
        else:
            ds = prepare({"source": "csv", "params": {"path": Path(path).name, "target": "label"},
                          "validation_split": 0.2},
                         root=Path(path).parent)
            rows = len(ds.train) + len(ds.val)
        t = time.perf_counter() - t0
    return {"reader": reader, "rows": rows, "import_s": round(t_import, 2), "load_s": round(t, 2), "peak_rss_mb": round(rss.peak / 2**20),
            "rss_added_mb": round((rss.peak - base) / 2**20)}


def run_part(*args: str) -> dict:
    """One measurement in a fresh interpreter (so its peak memory is its own)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    out = subprocess.run([sys.executable, __file__, "--part", *args], capture_output=True, text=True, env=env)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--images", type=int, default=None)
    ap.add_argument("--rows", type=int, default=None)
    ap.add_argument("--part", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.part:
        kind, target, mode = a.part
        print(json.dumps(part_images(target, mode) if kind == "images" else part_csv(target, mode)))
        return
    n_img = a.images or (2_000 if a.quick else 50_000)
    n_rows = a.rows or (50_000 if a.quick else 1_000_000)
    result: dict = {"machine": machine(), "images": n_img, "rows": n_rows}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        make_images(Path(tmp) / "imgs", n_img)
        result["images_generated_s"] = round(time.perf_counter() - t0, 1)
        stream = run_part("images", str(Path(tmp) / "imgs"), "stream")
        memory = run_part("images", str(Path(tmp) / "imgs"), "memory")
        result["image_folder"] = {"stream": stream, "memory": memory,
                                  "rss_ratio_memory_over_stream": round(memory["peak_rss_mb"] / stream["peak_rss_mb"], 2),
                                  "target_rss_mb": 1536, "meets_target": stream["peak_rss_mb"] < 1536}
        (Path(tmp) / "csv").mkdir()
        make_csv(Path(tmp) / "csv" / "big.csv", n_rows)
        ours = run_part("csv", str(Path(tmp) / "csv" / "big.csv"), "layerlab")
        plain = run_part("csv", str(Path(tmp) / "csv" / "big.csv"), "pandas")
        result["csv"] = {"layerlab": ours, "pandas_read_csv": plain,
                         "time_ratio_layerlab_over_pandas": round(ours["load_s"] / max(plain["load_s"], 1e-9), 2)}
    print(json.dumps(result, indent=2))
    save("data_scale", result)


if __name__ == "__main__":
    main()
