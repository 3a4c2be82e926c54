"""The plain side of bench/throughput.py in a process of its own, in a session of its own.

LayerLab trains in a worker process started with `start_new_session=True`; on Linux with
autogroup scheduling (sched_autogroup_enabled=1) every session gets its own fair share of the
CPU, so on a busy machine a loop in the bench's own process got a fraction of what the worker
got (measured 2026-12-04 under load ~20: the plain MLP loop ran at 10-14 % of a core, the
"engine" looked 3-6x faster). Here the plain loop runs the same way as the worker: a fresh
process, its own session, on its main thread. LayerLab's inference (`predict_loaded`) runs in
this process too, so both sides' inference share the same conditions.

Protocol: one JSON object per line on stdin, one reply per line on stdout:
    {"op": "init", "name": "mlp", "data": "x_y.pt", "threads": 1}     -> {}
    {"op": "train"}  {"op": "infer", "no_grad": false}                  -> {"v": samples/s}
    {"op": "predict", "project": DIR, "env": {...}, "batch": 64}        -> {"v": samples/s}
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


class PlainProcess:
    """The caller's handle: start(), call(op, **kw), close()."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
        self.proc = subprocess.Popen([sys.executable, str(HERE / "plain_process.py")], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env, cwd=HERE, start_new_session=True)

    def call(self, op: str, **kw) -> dict:
        self.proc.stdin.write(json.dumps({"op": op, **kw}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"plain process ended (exit {self.proc.wait()}) during {op}")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"plain process, {op}: {reply['error']}")
        return reply

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001 - it is ours: end it
            self.proc.kill()


def serve() -> None:
    import torch
    from throughput import PlainSide, threads
    side = None
    for line in sys.stdin:
        cmd = json.loads(line)
        try:
            op = cmd["op"]
            if op == "init":
                from safetensors.torch import load_file
                data = load_file(cmd["data"])
                side = PlainSide(cmd["name"], data["x"], data["y"], cmd["threads"])
                reply = {}
            elif op == "train":
                reply = {"v": side.train()}
            elif op == "infer":
                reply = {"v": side.infer(bool(cmd.get("no_grad")))}
            elif op == "predict":
                reply = {"v": _predict(cmd, side, threads)}
            else:
                reply = {"error": f"unknown op {op!r}"}
        except Exception as exc:  # noqa: BLE001 - reported to the caller
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def _predict(cmd: dict, side, threads) -> float:
    """LayerLab's predict path on the project's latest run, on the same samples as the plain side."""
    import layerlab
    from bench_source import register_random_source
    from layerlab.engine.facade import predict_loaded
    register_random_source()
    saved = {k: os.environ.get(k) for k in cmd.get("env", {})}
    os.environ.update(cmd.get("env", {}))
    try:
        loaded = layerlab.load(cmd["project"]).load_run()
        with threads(side.threads):
            predict_loaded(loaded, side.x[:4 * side_batch(cmd)], batch_size=side_batch(cmd))  # warm, as the plain model
            t0 = time.perf_counter()
            predict_loaded(loaded, side.x, batch_size=side_batch(cmd))
            return side.n / (time.perf_counter() - t0)
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def side_batch(cmd: dict) -> int:
    return int(cmd.get("batch", 64))


if __name__ == "__main__":
    serve()
