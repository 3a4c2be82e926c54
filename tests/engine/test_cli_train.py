"""`layerlab train`, `runs` and `predict` as a user types them."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

import layerlab
from layerlab.cli import app
from layerlab.data.base import get_source

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, env={"COLUMNS": "200"})


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def _xor(tmp_path, epochs=4):
    doc = layerlab.example("xor")
    doc["training"]["epochs"] = epochs
    return layerlab.new(tmp_path / "xor", doc=doc)


def test_train_json_prints_one_object_per_epoch_then_the_run_id_and_final_metrics(tmp_path):
    p = _xor(tmp_path)
    res = _run("train", p.dir, "--json", "--epochs", 3)
    assert res.exit_code == 0, res.output
    objs = _lines(res.output)
    assert [o["epoch"] for o in objs[:-1]] == [1, 2, 3]
    assert {"loss", "val_loss", "val_accuracy", "lr", "samples_per_s"} <= set(objs[0])
    last = objs[-1]
    assert last["status"] == "finished" and "val_accuracy" in last["final"]
    assert (p.dir / "runs" / last["run_id"] / "weights.safetensors").exists()
    runs = json.loads(_run("runs", p.dir, "--json").output)
    assert [r["run_id"] for r in runs] == [last["run_id"]]


def test_train_shows_progress_and_a_final_table_and_runs_lists_it(tmp_path):
    p = _xor(tmp_path)
    res = _run("train", p.dir)
    assert res.exit_code == 0, res.output
    assert "val_accuracy" in res.output and "Saved in runs/" in res.output
    listed = _run("runs", p.dir)
    assert listed.exit_code == 0 and "finished" in listed.output and "val_accuracy" in listed.output


def test_a_diverging_run_explains_itself_and_exits_1(tmp_path):
    doc = layerlab.example("sine")
    doc["model"]["layers"] = [{"type": "dense", "units": 1, "activation": "linear"}]
    doc["training"].update(epochs=5, optimizer="sgd", learning_rate=10.0, momentum=0.9)
    p = layerlab.new(tmp_path / "bad", doc=doc)
    res = _run("train", p.dir, "--json")
    last = _lines(res.output)[-1]
    assert res.exit_code == 1 and last["status"] == "failed", res.output
    err = last["error"]
    assert err["kind"] == "nan" and f"epoch {err['epoch']}, batch {err['batch']}" in err["message"]
    assert "learning rate" in err["hint"].lower()
    plain = _run("train", p.dir)
    assert plain.exit_code == 1 and "Training failed" in plain.output and "learning rate" in plain.output


def test_predict_on_rows_of_a_csv_and_json(tmp_path):
    p = layerlab.new(tmp_path / "iris", example="iris")
    assert p.train(epochs=40).status == "finished"
    rows = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]  # a setosa and a virginica
    f = tmp_path / "rows.csv"
    with open(f, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(p.dataset().info.feature_names)
        w.writerows(rows)
    res = _run("predict", p.dir, f, "--json", "--top", 2)
    assert res.exit_code == 0, res.output
    preds = json.loads(res.output)["predictions"]
    assert [r["top"][0]["class"] for r in preds] == ["setosa", "virginica"] and len(preds[0]["top"]) == 2
    res = _run("predict", p.dir, json.dumps(rows))
    assert res.exit_code == 0 and "setosa" in res.output and "%" in res.output


def test_predict_without_a_run_says_to_train_first(tmp_path):
    p = _xor(tmp_path)
    res = _run("predict", p.dir, "[0.5, 0.5]")
    assert res.exit_code == 2 and "train" in res.output.lower()


@pytest.mark.slow
def test_predict_reads_pngs_of_digits_and_names_the_right_class(tmp_path):
    p = layerlab.new(tmp_path / "digits", example="digits")
    res = _run("train", p.dir, "--json")
    assert res.exit_code == 0 and _lines(res.output)[-1]["final"]["val_accuracy"] >= 0.95
    ds = p.dataset()
    raw = get_source("digits").load(get_source("digits").resolve({}), None, 0)
    files, truth = [], []
    for digit in range(10):  # the first validation image of each digit: never seen in training
        idx = next(int(i) for i in ds.val.indices if int(raw.y[int(i)]) == digit)
        img = Image.fromarray((raw.x[idx, 0] * 255).round().astype(np.uint8), mode="L")
        size = 8 if digit % 2 else 32  # odd digits at the data's size, even ones larger (resized on reading)
        f = tmp_path / f"digit{digit}.png"
        img.resize((size, size), Image.NEAREST).save(f)
        files.append(f)
        truth.append(str(digit))
    res = _run("predict", p.dir, *files, "--json")
    assert res.exit_code == 0, res.output
    preds = json.loads(res.output)["predictions"]
    got = [r["top"][0]["class"] for r in preds]
    assert sum(g == t for g, t in zip(got, truth)) >= 9, got
    assert all(0.0 <= c["probability"] <= 1.0 for r in preds for c in r["top"])
    text = _run("predict", p.dir, files[7], "--top", 1).output
    assert text.strip().startswith(str(files[7])) and " 7 " in text + " "


def test_train_continue_goes_on_from_the_latest_run(tmp_path):
    p = _xor(tmp_path)
    first = _lines(_run("train", p.dir, "--json", "--epochs", 2).output)[-1]
    res = _run("train", p.dir, "--json", "--epochs", 3, "--continue", "latest")
    assert res.exit_code == 0, res.output
    objs = _lines(res.output)
    assert [o["epoch"] for o in objs[:-1]] == [3, 4, 5] and objs[-1]["final"]["epoch"] == 5
    runs = json.loads(_run("runs", p.dir, "--json").output)
    assert runs[0]["continued_from"] == first["run_id"] and runs[0]["epochs_done"] == 5
