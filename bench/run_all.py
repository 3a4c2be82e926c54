"""Run every benchmark side by side and write bench/RESULTS.md (the one command in bench/README.md).

    python bench/run_all.py            # full run, ~10-20 minutes on 2 cores
    python bench/run_all.py --quick    # tiny sizes: checks that every benchmark still runs

Each benchmark script also runs on its own (see its docstring). Figures are medians of
repeats measured in this one run; ratios compare sides measured back to back.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from common import BENCH, OUT, machine

# (script, arguments of its quick run, what it measures); each writes bench/out/<name>.json
SCRIPTS = [
    ("throughput.py", ["--quick"], "training/inference samples/s vs TF.js and plain PyTorch"),
    ("engine_overhead.py", ["--epochs", "1", "--repeats", "1"], "LayerLab's engine vs a hand-written PyTorch loop"),
    ("flops.py", ["--quick"], "matmul peak and the fraction wide-dense training reaches"),
    ("latency.py", ["--quick"], "shape inference, studio start, first event, single predict"),
    ("data_scale.py", ["--quick"], "50,000-image streaming RSS and 1,000,000-row CSV load"),
    ("load_test.py", ["--quick"], "20 clients on the HTTP API and pages, one of them hostile"),
    ("fuzz_specs.py", ["--examples", "20", "--seed", "0"], "fuzzing specs and uploads"),
    # full runs only (its parts run in the quick throughput, engine_overhead and latency runs above)
    ("speed.py", None, "LayerLab vs the plain loop in pairs, each speed choice's effect, digits, first chart point"),
]

def run(script: str, quick_args: list[str], quick: bool) -> dict:
    path = BENCH / script
    if not path.exists():
        return {"script": script, "status": "missing"}
    t0 = time.perf_counter()
    args = [sys.executable, str(path)] + (quick_args or [] if quick else [])
    proc = subprocess.run(args, cwd=BENCH, capture_output=True, text=True, timeout=3600)
    return {"script": script, "status": "ok" if proc.returncode == 0 else f"exit {proc.returncode}",
            "seconds": round(time.perf_counter() - t0, 1), "tail": (proc.stdout + proc.stderr)[-2000:]}


def main(quick: bool) -> int:
    OUT.mkdir(exist_ok=True)
    report = {"machine": machine(), "quick": quick, "runs": [run(s, q, quick) for s, q, _ in SCRIPTS
                                                                if not (quick and q is None)]}
    (OUT / ("run_all_quick.json" if quick else "run_all.json")).write_text(json.dumps(report, indent=2))
    if not quick:
        from report import write_results
        write_results(report)
    bad = [r for r in report["runs"] if r["status"] not in ("ok", "missing")]
    for r in report["runs"]:
        print(f"{r['script']:22s} {r['status']:10s} {r.get('seconds', '')}")
        if r in bad:
            print(r["tail"])
    return 1 if bad else 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    sys.exit(main(ap.parse_args().quick))
