"""A table project's downloads in the studio: a run's history and validation predictions on the
Train page, an uploaded table's predictions on the Test page, all as CSV a spreadsheet opens."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pandas as pd
import pytest
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User

from layerlab import api
from layerlab.store import workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from data.penguins import penguins_csv  # noqa: E402


@pytest.fixture
def trained_penguins(tmp_path):
    csv = penguins_csv(tmp_path / "penguins.csv")
    p = api.new(workspace.home() / "penguins", data=csv, target="species")
    run = p.train(epochs=2)
    return p, run.run_id, csv


async def test_train_and_test_pages_download_csv(user: User, trained_penguins) -> None:
    p, rid, csv = trained_penguins
    await user.open("/p/penguins/train")
    await user.should_see("predicting: species (3 classes)")
    await user.should_see(marker=f"history-csv-{rid}", retries=50)
    user.find(marker=f"history-csv-{rid}").click()
    history = pd.read_csv(io.BytesIO((await user.download.next(timeout=10)).content))
    assert list(history["epoch"]) == [1, 2] and {"loss", "val_loss", "val_accuracy"} <= set(history.columns)
    user.find(marker=f"val-csv-{rid}").click()
    val = pd.read_csv(io.BytesIO((await user.download.next(timeout=20)).content))
    n_val = len(p.dataset().val)
    assert len(val) == n_val and {"sample", "island", "true", "predicted", "p(Adelie)"} <= set(val.columns)
    assert (val["true"] == val["species"]).all()                     # the table's own row, beside its truth
    assert set(val["predicted"]) <= {"Adelie", "Chinstrap", "Gentoo"}
    assert val[["p(Adelie)", "p(Chinstrap)", "p(Gentoo)"]].sum(axis=1).round(4).eq(1).all()

    # the Test page: an uploaded table's rows beside their predictions (one trained run serves both pages)
    rows = "".join(csv.read_text().splitlines(keepends=True)[:6]).encode()
    await user.open("/p/penguins/test")
    upload = user.find(marker="test-csv").elements.pop()
    await upload.handle_uploads([SmallFileUpload("new penguins.csv", "text/csv", rows)])
    await user.should_see("5 rows predicted", retries=50)
    user.find(marker="test-csv-download").click()
    out = pd.read_csv(io.BytesIO((await user.download.next(timeout=10)).content))
    assert len(out) == 5 and list(out.columns[:2]) == ["species", "island"]
    assert set(out["predicted"]) <= {"Adelie", "Chinstrap", "Gentoo"} and out["probability"].between(0, 1).all()
