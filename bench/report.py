"""Turn bench/out/*.json into bench/RESULTS.md: one table per benchmark, ratios first.

Hand-written sections survive a rewrite: everything between a `<!-- keep -->` line and the next
`<!-- /keep -->` line of the current RESULTS.md is carried over verbatim (in its order, before
the run log), e.g. the "Speed" section, whose table bench/speed.py regenerates in place.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from common import BENCH, OUT

TARGETS = {
    "mlp_vs_wasm_train": 12.0, "cnn_vs_cpu_train": 300.0, "lenet_vs_cpu_train": 300.0,
    "engine_vs_plain": 0.97, "fraction_of_peak": 0.60, "shape_ms": 20.0, "studio_s": 3.0,
    "first_event_s": 1.5, "predict_p95_ms": 15.0, "rss_gb": 1.5,
}


def _load(name: str) -> dict[str, Any] | None:
    p = OUT / f"{name}.json"
    return json.loads(p.read_text()) if p.exists() else None


def _f(v: Any, digits: int = 1) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return str(v)


def _ok(value: float | None, target: float, higher_is_better: bool = True) -> str:
    if value is None:
        return "not measured"
    good = value >= target if higher_is_better else value <= target
    return "met" if good else "**missed**"


def throughput_section(t: dict) -> list[str]:
    rows = ["## Throughput (samples/s, batch 64, Adam; median of repeats)", "",
            "| model | side | train | infer |", "|---|---|---:|---:|"]
    for name, r in t["models"].items():
        for side in ("layerlab", "plain_pytorch", "tfjs_cpu", "tfjs_wasm"):
            s = r[side]
            note = f" ({s['error']})" if s.get("error") else ""
            rows.append(f"| {name} | {side} | {_f(s.get('train'))}{note} | {_f(s.get('infer'))} |")
    rows += ["", "| ratio (LayerLab ÷ other) | train | infer | target | status |", "|---|---:|---:|---:|---|"]
    checks = {("mlp", "tfjs_wasm"): 12.0, ("cnn", "tfjs_cpu"): 300.0, ("lenet", "tfjs_cpu"): 300.0}
    for name, r in t["models"].items():
        for side in ("tfjs_cpu", "tfjs_wasm", "plain_pytorch"):
            tr = r["ratios"].get(f"layerlab_vs_{side}_train")
            inf = r["ratios"].get(f"layerlab_vs_{side}_infer")
            target = checks.get((name, side))
            rows.append(f"| {name} vs {side} | {_f(tr, 2)} | {_f(inf, 2)} | {_f(target) if target else ''} | "
                        f"{_ok(tr, target) if target else ''} |")
    return rows + [""]


KEEP = re.compile(r"^<!-- keep -->$.*?^<!-- /keep -->$", re.S | re.M)


def kept_sections(text: str) -> list[str]:
    """The hand-written blocks of a RESULTS.md (markers included), in order."""
    return KEEP.findall(text)


def write_results(report: dict[str, Any]) -> Path:
    m = report["machine"]
    lines = ["# Benchmark results", "",
             f"Measured {dt.date.today().isoformat()} with `python bench/run_all.py` on: {m['cpu']}, "
             f"{m['cores']} cores, Python {m['python']}, torch {m['torch']} ({m['torch_threads']} threads), "
             f"Node {m['node']}.", ""]
    t = _load("throughput")
    if t:
        lines += throughput_section(t)
    f = _load("flops")
    if f:
        lines += ["## Machine limit", "", "| figure | value | target | status |", "|---|---:|---:|---|",
                  f"| matmul float32 GFLOP/s ({f['threads']} threads) | {_f(f['matmul_gflops'])} | | |",
                  f"| wide dense {'-'.join(map(str, f['widths']))} training, samples/s | {_f(f['wide']['samples_per_s'])} | | |",
                  f"| its GFLOP/s | {_f(f['wide']['gflops'])} | | |",
                  f"| fraction of matmul peak | {_f(f['fraction_of_peak'], 2)} | 0.60 | {_ok(f['fraction_of_peak'], 0.60)} |", ""]
    lat = _load("latency")
    if lat:
        lines += ["## Latencies", "", "| figure | value | target | status |", "|---|---:|---:|---|",
                  f"| shape inference, 100-layer net (ms, median) | {_f(lat['shape_inference']['ms_median'], 2)} | 20 | "
                  f"{_ok(lat['shape_inference']['ms_median'], 20, False)} |",
                  f"| studio ready after launch (s, median) | {_f(lat['studio_ready']['s_median'], 2)} | 3 | "
                  f"{_ok(lat['studio_ready']['s_median'], 3, False)} |",
                  f"| Train pressed → RunStarted (s) | {_f(lat['train_first_event']['run_started_s'], 2)} | | |",
                  f"| Train pressed → first BatchEnded = first chart point (s) | "
                  f"{_f(lat['train_first_event']['first_batch_s'], 2)} | 1.5 | "
                  f"{_ok(lat['train_first_event']['first_batch_s'], 1.5, False)} |",
                  f"| the same, first run of a fresh process (CLI, no warm-up) (s) | "
                  f"{_f(lat['train_first_event'].get('cold_first_batch_s'), 2)} | | |",
                  f"| single-sample predict p95 (ms) | {_f(lat['predict_single']['ms_p95'], 2)} | 15 | "
                  f"{_ok(lat['predict_single']['ms_p95'], 15, False)} |", ""]
    for name in ("engine_overhead", "data_scale", "load_test", "fuzz_specs"):
        d = _load(name)
        if d:
            lines += [f"## {name}", "", "```json", json.dumps(d, indent=2)[:4000], "```", ""]
    path = BENCH / "RESULTS.md"
    for block in kept_sections(path.read_text(encoding="utf-8") if path.exists() else ""):
        lines += [block, ""]
    lines += ["## Run log", "", "| script | status | seconds |", "|---|---|---:|"]
    lines += [f"| {r['script']} | {r['status']} | {r.get('seconds', '')} |" for r in report["runs"]]
    path.write_text("\n".join(lines) + "\n")
    return path
