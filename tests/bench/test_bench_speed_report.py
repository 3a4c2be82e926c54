"""RESULTS.md keeps its hand-written sections, and bench/speed.py's table is regenerated in place.

No benchmark runs here (bench/speed.py takes minutes): a made-up speed.json checks the table's
shape and that rewriting RESULTS.md leaves the text around it alone.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture()
def bench_modules(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))
    for name in ("common", "report", "speed"):
        sys.modules.pop(name, None)
    common = importlib.import_module("common")
    monkeypatch.setattr(common, "BENCH", tmp_path)
    monkeypatch.setattr(common, "OUT", tmp_path / "out")
    report, speed = importlib.import_module("report"), importlib.import_module("speed")
    monkeypatch.setattr(report, "BENCH", tmp_path)
    monkeypatch.setattr(report, "OUT", tmp_path / "out")
    monkeypatch.setattr(speed, "BENCH", tmp_path)
    yield report, speed
    for name in ("common", "report", "speed"):
        sys.modules.pop(name, None)


def _pair(ratio: float, threads: int) -> dict:
    return {"plain_pytorch": {"train": 1000.0, "infer": 5000.0, "threads": threads},
            "layerlab": {"train": 1000.0 * ratio, "infer": 5100.0, "threads": threads},
            "pair_ratio_train": ratio, "pair_ratio_infer": 1.02, "spread_train": [ratio - 0.1, ratio + 0.1],
            "spread_infer": [0.9, 1.1]}


def _cause(ratio: float, threads: int) -> dict:
    return {"train_ratio": ratio, "train_spread": [ratio - 0.1, ratio + 0.1], "infer_ratio": 1.0,
            "infer_spread": [0.9, 1.1], "threads": threads, "engine_train": 1.0, "plain_train": 1.0}


SPEED = {
    "machine": {"cpu": "test cpu", "cores": 2, "torch": "2.x"}, "pairs": 5, "scale": 0.25, "seconds": 300.0,
    "load_average": [0.5, 0.5, 0.5], "load_average_after": [0.6, 0.6, 0.6],
    "models": {"mlp": _pair(1.17, 1), "cnn": _pair(1.31, 2), "lenet": _pair(1.45, 2)},
    "causes": {
        "mlp": {"everything on": _cause(1.17, 1), "fused optimizer off": _cause(0.98, 1),
                "threads 2 instead of the picked 1 (both sides)": _cause(1.1, 2),
                "inference": {"inference_mode_over_no_grad": 1.01, "inference_mode_spread": [0.98, 1.03]}},
        "cnn": {"everything on": _cause(1.31, 2), "fused optimizer off": _cause(1.29, 2),
                "channels_last off": _cause(1.02, 2), "threads 1 instead of the picked 2 (both sides)": _cause(1.2, 1),
                "inference": {"inference_mode_over_no_grad": 1.0, "inference_mode_spread": [0.97, 1.02],
                              "channels_last_on_over_off": 1.6, "channels_last_spread": [1.4, 1.8]}}},
    "digits": {"train_samples": 1438, "epochs": 5, "repeats": 5, "plain_samples_per_s": 12000.0,
               "engine_samples_per_s": 12600.0, "ratio_median": 1.05, "ratio_min": 0.9, "ratio_max": 1.2,
               "train_phase_ratio_median": 1.2},
    "first_chart_point": {"first_batch_s": 0.21, "cold_first_batch_s": 1.3},
}


def test_speed_table_is_rewritten_between_its_markers_and_report_keeps_hand_written_sections(bench_modules, tmp_path):
    report, speed = bench_modules
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nold generated text\n\n<!-- keep -->\n## Speed\n\nWhy fused: hand-written.\n\n"
                       f"{speed.BEGIN}\nold table\n{speed.END}\n\nMore prose.\n<!-- /keep -->\n\n## Run log\n")
    speed.write_table(SPEED)
    text = results.read_text()
    assert "old table" not in text and "Why fused: hand-written." in text and "More prose." in text
    assert "| mlp | 1 | 1,000 | 1,170 | **1.17** (1.07–1.27) |" in text
    assert "| channels_last off |" in text and "| fused optimizer off | 0.98" in text
    assert "| threads (the other count) | 1.10 (1.00–1.20, 2 thr.) | 1.20 (1.10–1.30, 1 thr.) |" in text, text
    assert "| inference: channels_last on ÷ off |  | 1.60 (1.40–1.80) |" in text
    assert "ratio **1.05** (0.90–1.20)" in text and "**0.21 s**" in text and "1.30 s." in text

    report.write_results({"machine": {"cpu": "c", "cores": 2, "python": "3", "torch": "2", "torch_threads": 1,
                                      "node": "-"}, "runs": [{"script": "speed.py", "status": "ok", "seconds": 1}]})
    text = results.read_text()
    assert "old generated text" not in text  # the generated part is new
    assert "Why fused: hand-written." in text and "| mlp | 1 | 1,000 | 1,170 | **1.17**" in text
    assert text.index("<!-- /keep -->") < text.index("## Run log") and text.count("<!-- keep -->") == 1
