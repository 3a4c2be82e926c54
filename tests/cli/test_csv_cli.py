"""CSV downloads from the command line and the API: a run's history and predictions."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import layerlab
from layerlab.cli import app
from layerlab.spec.errors import SpecError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from data.penguins import penguins_csv  # noqa: E402

runner = CliRunner()


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    d = tmp_path_factory.mktemp("csv")
    csv = penguins_csv(d / "penguins.csv")
    p = layerlab.new(d / "p", data=csv, target="species")
    p.train(epochs=2)
    return p, csv


def test_runs_history_as_csv_and_to_a_file(trained, tmp_path):
    p, _ = trained
    r = runner.invoke(app, ["runs", str(p.dir), "--history", "latest", "--csv"])
    assert r.exit_code == 0, r.output
    df = pd.read_csv(io.StringIO(r.stdout))
    assert list(df["epoch"]) == [1, 2] and list(df.columns[:3]) == ["epoch", "loss", "val_loss"]
    r = runner.invoke(app, ["runs", str(p.dir), "--history", "latest", "--out", str(tmp_path / "h.csv")])
    assert r.exit_code == 0 and pd.read_csv(tmp_path / "h.csv").equals(df)
    r = runner.invoke(app, ["runs", str(p.dir), "--history", "nope", "--csv"])
    assert r.exit_code == 2 and "Fix:" in r.output


def test_predict_rows_writes_a_csv_beside_the_rows(trained, tmp_path):
    p, csv = trained
    rows = tmp_path / "rows.csv"
    rows.write_text("".join(csv.read_text().splitlines(keepends=True)[:4]))
    r = runner.invoke(app, ["predict", str(p.dir), str(rows), "--out", str(tmp_path / "preds.csv")])
    assert r.exit_code == 0, r.output
    out = pd.read_csv(tmp_path / "preds.csv")
    assert len(out) == 3 and list(out.columns[:2]) == ["species", "island"]
    probs = p.predict([rows])
    assert list(out["predicted"]) == [p.data_info().classes[i] for i in probs.argmax(axis=1)]
    assert out["probability"].to_numpy() == pytest.approx(probs.max(axis=1), abs=1e-6)


def test_validation_predictions_carry_the_rows_and_their_truth(trained):
    p, _ = trained
    val = pd.read_csv(io.StringIO(p.predictions_csv()))
    ds = p.dataset()
    assert len(val) == len(ds.val) and list(val["sample"]) == ds.val.indices.tolist()
    assert (val["true"] == val["species"]).all()
    with pytest.raises(SpecError) as e:
        p.predictions_csv(split="test")          # no test split in this project
    assert e.value.path == "split" and "test_split" in e.value.hint
    with pytest.raises(SpecError) as e:
        p.predictions_csv(split="valid")
    assert "validation, test or train" in e.value.hint
