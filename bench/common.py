"""Shared helpers for the benchmarks: medians, the machine's description, JSON results."""
from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"


def median(xs: list[float]) -> float:
    """The median, or NaN for an empty list."""
    return statistics.median(xs) if xs else float("nan")


def timed(fn: Callable[[], Any]) -> float:
    """Seconds one call of fn takes."""
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import torch
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip() if _has("node") else "-"
    return {"cpu": cpu, "cores": os.cpu_count(), "python": sys.version.split()[0], "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(), "node": node, "platform": platform.platform()}


def _has(cmd: str) -> bool:
    from shutil import which
    return which(cmd) is not None


def save(name: str, result: dict[str, Any]) -> Path:
    """Write one benchmark's result to bench/out/NAME.json."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path
