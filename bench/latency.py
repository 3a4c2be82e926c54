"""Latencies a user feels: shape inference, studio start, Train -> first event, single predict.

    python bench/latency.py [--quick]

- shape inference: project.analyze() on a 100-layer net (data info cached), median of runs;
- studio ready: `layerlab studio --no-browser` started until its ready line AND the first
  page answers 200 (median of starts);
- Train pressed -> first event: runner.submit() on the digits example until the first
  RunStarted and the first BatchEnded (what the Train page draws as its first chart point),
  the worker process included: warm = as in the studio (a warm worker, the Train page's
  data warm-up done); cold = a fresh process's first run (no worker started yet);
- single-sample predict: project.predict() on one digit after a short run (p50 and p95).
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

from common import median, save


def shape_inference(n_layers: int = 100, repeats: int = 30) -> dict:
    import layerlab
    from bench_source import register_random_source
    register_random_source()
    # alternating dense/dropout, then the output layer: n_layers rows in the summary
    layers = [{"type": "dense", "units": 64, "activation": "relu"} if i % 2 == 0 else {"type": "dropout", "rate": 0.1}
              for i in range(n_layers - 1)]
    layers.append({"type": "dense", "units": 10, "activation": "softmax"})
    doc = {"name": "deep", "task": "classification",
           "data": {"source": "bench_random", "params": {"shape": [32], "n": 64}}, "model": {"layers": layers}}
    p = layerlab.Project(doc)
    p.analyze()  # warm the data-info cache
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        a = p.analyze()
        times.append((time.perf_counter() - t0) * 1000)
    assert a.ok and len(a.rows) == n_layers, [str(e) for e in a.errors]
    return {"layers": n_layers, "ms_median": median(times), "ms_max": max(times)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def studio_ready(repeats: int = 3) -> dict:
    times = []
    for _ in range(repeats):
        port = _free_port()
        with tempfile.TemporaryDirectory() as home:
            env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}  # NiceGUI's test mode
            env.update(LAYERLAB_HOME=home, LAYERLAB_TOKEN="bench-token")
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "layerlab", "studio", "--no-browser", "--port", str(port)],
                                    env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            try:
                for line in proc.stdout:
                    if line.startswith("LayerLab studio ready"):
                        break
                url = f"http://127.0.0.1:{port}/?token=bench-token"
                while True:
                    try:
                        with urllib.request.urlopen(url, timeout=10) as r:
                            if r.status == 200:
                                break
                    except OSError:
                        time.sleep(0.02)
                    if time.perf_counter() - t0 > 60:
                        raise TimeoutError("studio did not answer within 60 s")
                times.append(time.perf_counter() - t0)
            finally:
                proc.terminate()
                proc.wait(timeout=20)
    return {"s_median": median(times), "s_all": times}


def first_event(repeats: int = 3) -> dict:
    """Train pressed -> first RunStarted and first BatchEnded, the worker process's start included:
    cold = a fresh process (as the CLI: no worker yet, data not prepared); warm = as the studio after
    launch (its runner keeps a warm worker) with the Train page's warm-up done (data in the cache)."""
    import layerlab
    from layerlab.engine import events as ev
    from layerlab.engine.runner import default_runner
    started, batch = [], []
    with tempfile.TemporaryDirectory() as tmp:
        p = layerlab.new(Path(tmp) / "digits", example="digits")
        for i in range(repeats + 1):  # the first run is cold
            marks: dict[str, float] = {}
            done = threading.Event()

            def on_event(e, marks=marks, done=done):
                now = time.perf_counter()
                if isinstance(e, ev.RunStarted):
                    marks.setdefault("started", now)
                if isinstance(e, ev.BatchEnded):
                    marks.setdefault("batch", now)
                    done.set()
            t0 = time.perf_counter()
            run = default_runner().submit(p, epochs=1, on_event=on_event)
            done.wait(120)
            run.stop()
            run.wait(60)
            started.append(marks.get("started", float("nan")) - t0)
            batch.append(marks.get("batch", float("nan")) - t0)
            p.warm_training()  # what the Train page does when it opens
            sched = default_runner().scheduler
            end = time.monotonic() + 120
            while (sched.starting or not sched.idle) and time.monotonic() < end:  # the studio has been up a while
                time.sleep(0.05)
    return {"run_started_s": median(started[1:]), "first_batch_s": median(batch[1:]),
            "cold_run_started_s": started[0], "cold_first_batch_s": batch[0]}


def predict_latency(n: int = 200) -> dict:
    import layerlab
    from sklearn.datasets import load_digits
    with tempfile.TemporaryDirectory() as tmp:
        p = layerlab.new(Path(tmp) / "digits", example="digits")
        p.train(epochs=1)
        x = (load_digits().images[:1] / 16.0).astype(np.float32)[:, None]  # (1, 1, 8, 8) raw pixels
        p.predict(x)
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            p.predict(x)
            times.append((time.perf_counter() - t0) * 1000)
    return {"ms_p50": float(np.percentile(times, 50)), "ms_p95": float(np.percentile(times, 95)), "n": n}


def main(quick: bool = False) -> dict:
    out = {"shape_inference": shape_inference(100, 5 if quick else 30),
           "studio_ready": studio_ready(1 if quick else 3),
           "train_first_event": first_event(1 if quick else 3),
           "predict_single": predict_latency(20 if quick else 200), "quick": quick}
    print(out)
    save("latency_quick" if quick else "latency", out)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    main(ap.parse_args().quick)
