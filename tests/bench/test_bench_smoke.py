"""The benchmark scripts keep working: every one runs at tiny sizes and writes its result.

Figures are never asserted here (a test is no benchmark); only that each script runs to
the end and reports the sides it compares.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.slow
def test_every_benchmark_runs_at_tiny_sizes():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}  # a bench is not under test
    proc = subprocess.run([sys.executable, str(BENCH / "run_all.py"), "--quick"], cwd=BENCH, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads((BENCH / "out" / "run_all_quick.json").read_text())
    assert {r["script"]: r["status"] for r in report["runs"]} == {r["script"]: "ok" for r in report["runs"]}
    throughput = json.loads((BENCH / "out" / "throughput_quick.json").read_text())
    for model in ("mlp", "cnn", "lenet"):
        sides = throughput["models"][model]
        assert sides["layerlab"]["train"] > 0 and sides["plain_pytorch"]["train"] > 0
    latency = json.loads((BENCH / "out" / "latency_quick.json").read_text())
    assert latency["shape_inference"]["layers"] == 100
