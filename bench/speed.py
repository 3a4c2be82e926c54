"""Every speed figure of bench/RESULTS.md's "Speed" section in one run (issue 15.6).

    python bench/speed.py                   # ~5-10 minutes on 2 quiet cores (longer on a busy machine)
    python bench/speed.py --pairs 7         # more pairs: steadier medians on a busy machine
    python bench/speed.py --quick           # tiny sizes, 1 pair (checks that it runs)

1. LayerLab vs the plain PyTorch loop on the MLP, the small CNN and LeNet (bench/throughput.py's
   pairs: LayerLab, plain, LayerLab, plain, ...; the same samples, batch size and threads on both
   sides), training and inference, median of the per-pair ratios and their spread;
2. each speed choice's effect: the same pairs with one choice turned off (fused optimizer,
   channels_last), with the other thread count on both sides, and inference with
   channels_last off or no_grad instead of inference_mode (`throughput.causes`);
3. the 1,797-sample digits example end to end (`engine_overhead.measure`: the whole
   `Project.train()` call, worker round trip included, against a hand-written loop);
4. Train pressed -> first chart point, warm (the studio's kept worker) and cold (a fresh process:
   the worker starts and imports torch) (`latency.first_event`).

Writes bench/out/speed.json and rewrites the generated table between the `speed:generated`
markers of RESULTS.md (report.py keeps that section and every other hand-written one).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import torch

from common import BENCH, machine, save

BEGIN, END = "<!-- speed:generated -->", "<!-- /speed:generated -->"


def run(pairs: int = 5, scale: float = 0.25, quick: bool = False) -> dict:
    import throughput
    t0 = time.perf_counter()
    count = 1 if quick else max(1, pairs)
    sizes = {k: max(throughput.BATCH, int(v[0] * scale)) for k, v in throughput.SIZES["quick" if quick else "full"].items()}
    out: dict = {"machine": machine(), "pairs": count, "scale": scale, "quick": quick, "sizes": sizes,
                 "load_average": _load(), "omp_num_threads": os.environ.get("OMP_NUM_THREADS")}
    out["models"] = {}
    for name, n in sizes.items():
        r = throughput.pairs(name, n, count)
        out["models"][name] = r
        print(name, json.dumps({k: v for k, v in r.items() if k != "pairs"}, default=lambda v: round(v, 3)), flush=True)
    out["causes"] = throughput.causes(sizes, count)
    out["digits"] = _in_own_session(f"engine_overhead.measure('digits', {1 if quick else 5}, {count})")
    print("digits", json.dumps(out["digits"]), flush=True)
    out["first_chart_point"] = first_chart_point(1 if quick else 5)
    print("first chart point", json.dumps(out["first_chart_point"]), flush=True)
    out["load_average_after"] = _load()
    out["seconds"] = round(time.perf_counter() - t0, 1)
    save("speed_quick" if quick else "speed", out)
    if not quick:
        write_table(out)
    return out


def first_chart_point(repeats: int) -> dict:
    """latency.first_event in a fresh process, so its first run is really cold (no worker started yet)."""
    return _in_own_session(f"latency.first_event({int(repeats)})")


def _in_own_session(call: str) -> dict:
    """A bench function's JSON result, run in a fresh process in a session of its own: LayerLab's worker
    runs in one too, and with autogroup scheduling a busy machine shares the CPU per session."""
    module = call.split(".")[0]
    code = f"import json, {module}; print(json.dumps({call}))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=BENCH, capture_output=True, text=True, timeout=3600,
                          start_new_session=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        raise SystemExit(f"{call} failed: {(proc.stderr or proc.stdout)[-2000:]}")
    return json.loads(lines[-1])


def _load() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def _r(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}"


def _s(sp: list[float] | None) -> str:
    return f"{sp[0]:.2f}–{sp[1]:.2f}" if sp else "—"


def table(d: dict) -> list[str]:
    """The generated Markdown of one speed.json."""
    m = d["machine"]
    lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} with `python bench/speed.py --pairs "
             f"{d['pairs']} --scale {d['scale']}` on {m['cpu']}, {m['cores']} cores, torch {m['torch']}; load average "
             f"{d['load_average']} before, {d['load_average_after']} after; {d['seconds']:.0f} s.", "",
             "| model | threads (both sides) | plain train | LayerLab train | train ratio (spread) | plain infer | "
             "LayerLab infer | infer ratio (spread) |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in d["models"].items():
        p, ll = r["plain_pytorch"], r["layerlab"]
        lines.append(f"| {name} | {ll['threads']} | {p['train']:,.0f} | {ll['train']:,.0f} | **{_r(r['pair_ratio_train'])}** "
                     f"({_s(r['spread_train'])}) | {p['infer']:,.0f} | {ll['infer']:,.0f} | "
                     f"**{_r(r['pair_ratio_infer'])}** ({_s(r['spread_infer'])}) |")
    g = d["digits"]
    lines += ["", f"Digits end to end ({g['train_samples']} training samples x {g['epochs']} epochs, {g['repeats']} "
              f"alternating repeats, the whole `Project.train()` call): plain {g['plain_samples_per_s']:,.0f} vs "
              f"LayerLab {g['engine_samples_per_s']:,.0f} samples/s, ratio **{_r(g['ratio_median'])}** "
              f"({_r(g['ratio_min'])}–{_r(g['ratio_max'])}); training phase alone {_r(g['train_phase_ratio_median'])}.",
              "", "| each choice (LayerLab ÷ plain, train) | " + " | ".join(d["causes"]) + " |",
              "|---|" + "---:|" * len(d["causes"])]
    def label_of(key: str) -> str:  # "threads 2 instead of the picked 1 (both sides)" -> one row for every model
        return "threads (the other count)" if key.startswith("threads") else key

    labels: list[str] = []
    for c in d["causes"].values():
        labels += [label_of(k) for k in c if k != "inference" and label_of(k) not in labels]
    for label in labels:
        cells = []
        for c in d["causes"].values():
            row = next((v for k, v in c.items() if k != "inference" and label_of(k) == label), None)
            cells.append(f"{_r(row['train_ratio'])} ({_s(row['train_spread'])}, {row['threads']} thr.)" if row else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for key, spread, label in (
            ("channels_last_on_over_off", "channels_last_spread", "inference: channels_last on ÷ off"),
            ("inference_mode_over_no_grad", "inference_mode_spread", "inference: inference_mode ÷ no_grad (plain)")):
        cells = [f"{_r(c['inference'][key])} ({_s(c['inference'].get(spread))})" if key in c["inference"] else ""
                 for c in d["causes"].values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    f = d["first_chart_point"]
    lines += ["", f"Train pressed → first chart point (digits): warm (kept worker, data cached) median "
              f"**{f['first_batch_s']:.2f} s**; cold (fresh process, the worker starts) {f['cold_first_batch_s']:.2f} s."]
    return lines


def write_table(d: dict) -> None:
    """Replace the generated block of RESULTS.md (or append one) with this run's table."""
    path = BENCH / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    block = "\n".join([BEGIN, *table(d), END])
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=5, help="alternating LayerLab/plain pairs (median of them)")
    ap.add_argument("--scale", type=float, default=0.25, help="samples per epoch x this (of throughput.py's sizes)")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    torch.manual_seed(0)
    run(a.pairs, a.scale, a.quick)
