"""`layerlab new DIR --data PATH` and `layerlab data PROJECT`: from own data to a ready project."""
from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import layerlab
from layerlab.cli import app
from layerlab.api import project_from_data
from layerlab.spec.errors import SpecError

from .helpers import image_folder, png, zip_of

runner = CliRunner()


def _table(path, rows=40, target="price"):
    path.write_text(f"area,city,{target}\n" + "".join(
        f"{30 + i},{'ab'[i % 2]},{1000 * i + 7}\n" for i in range(rows)))
    return path


def test_csv_regression_project_trains_ready(tmp_path):
    p = project_from_data(tmp_path / "houses", _table(tmp_path / "h.csv"), target="price")
    assert (tmp_path / "houses" / "data" / "h.csv").exists()
    assert p.spec.task == "regression" and p.doc["data"]["params"]["path"] == "data/h.csv"
    assert p.doc["data"]["preprocessing"] == {"standardize_target": True}
    a = p.analyze()
    assert a.ok and a.input_shape == (3,) and p.spec.model.layers[-1]["units"] == 1
    assert len(p.dataset().train) == 32


def test_csv_target_option_and_classification(tmp_path):
    f = tmp_path / "f.csv"
    f.write_text("kind,w,h\n" + "".join(f"{'xyz'[i % 3]},{i},{i % 5}\n" for i in range(30)))
    p = project_from_data(tmp_path / "p", f, target="kind")
    assert p.spec.task == "classification" and p.data_info().classes == ["x", "y", "z"]
    assert p.spec.model.layers[-1] == {"type": "dense", "units": 3, "activation": "softmax"}
    assert p.analyze().ok


def test_image_folder_and_zip_projects_get_a_cnn(tmp_path):
    src = image_folder(tmp_path / "pics", per_class=4, mixed=True)
    p = project_from_data(tmp_path / "a", src)
    assert p.doc["data"]["source"] == "images" and p.doc["data"]["params"]["channels"] == 3
    assert [layer["type"] for layer in p.spec.model.layers][0] == "conv2d"
    assert p.analyze().ok and p.data_info().classes == ["blue", "red"]
    z = zip_of(src, tmp_path / "pics.zip", prefix="pics/")
    q = project_from_data(tmp_path / "b", z)
    assert sorted(x.name for x in (tmp_path / "b" / "data" / "images").iterdir()) == ["blue", "red"]
    assert q.analyze().ok and len(q.dataset().train) + len(q.dataset().val) == 8


def test_greyscale_images_get_one_channel(tmp_path):
    for c, v in (("dark", 20), ("light", 230)):
        (tmp_path / "g" / c).mkdir(parents=True)
        for i in range(3):
            (tmp_path / "g" / c / f"{i}.png").write_bytes(png((v, v, v), size=(20, 20), mode="L"))
    p = project_from_data(tmp_path / "p", tmp_path / "g")
    assert p.data_info().input_shape == (1, 20, 20) and p.analyze().ok


def test_npz_project(tmp_path):
    np.savez(tmp_path / "d.npz", x=np.random.default_rng(0).normal(size=(40, 3)), y=np.arange(40) % 2)
    p = project_from_data(tmp_path / "p", tmp_path / "d.npz")
    assert p.doc["data"]["source"] == "npy" and p.spec.task == "classification" and p.analyze().ok
    np.save(tmp_path / "train_x.npy", np.random.default_rng(0).normal(size=(30, 2)))
    np.save(tmp_path / "train_y.npy", np.random.default_rng(1).normal(size=30))
    q = project_from_data(tmp_path / "q", tmp_path / "train_x.npy")
    assert q.doc["data"]["params"]["y_path"] == "data/train_y.npy" and q.spec.task == "regression"
    assert q.analyze().ok and q.spec.model.layers[-1]["activation"] == "linear"


def test_bad_data_leaves_nothing_half_written(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n3,4,5\n")
    with pytest.raises(SpecError) as e:
        project_from_data(tmp_path / "p", bad)
    assert "line 3" in e.value.message
    assert sorted(x.name for x in tmp_path.iterdir()) == ["bad.csv"]
    with pytest.raises(SpecError) as e:
        project_from_data(tmp_path / "p", tmp_path / "nope.csv")
    assert "does not exist" in e.value.message
    (tmp_path / "doc.pdf").write_bytes(b"%PDF")
    with pytest.raises(SpecError) as e:
        project_from_data(tmp_path / "p", tmp_path / "doc.pdf")
    assert "not a kind of data" in e.value.message and "CSV" in e.value.hint
    assert not (tmp_path / "p").exists()


def test_existing_project_is_kept_unless_forced(tmp_path):
    layerlab.new(tmp_path / "p", example="xor")
    with pytest.raises(SpecError) as e:
        project_from_data(tmp_path / "p", _table(tmp_path / "h.csv"))
    assert "already holds a project" in e.value.message
    p = project_from_data(tmp_path / "p", tmp_path / "h.csv", overwrite=True, target="price")
    assert p.doc["data"]["source"] == "csv"


def test_cli_new_with_data_and_data_summary(tmp_path):
    _table(tmp_path / "h.csv", target="kind")
    (tmp_path / "h.csv").write_text("area,kind\n" + "".join(f"{i},{'ab'[i % 2]}\n" for i in range(20)))
    r = runner.invoke(app, ["new", str(tmp_path / "p"), "--data", str(tmp_path / "h.csv"), "--target", "kind"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["data", str(tmp_path / "p"), "--json"])
    s = json.loads(r.stdout)
    assert s["n_samples"] == 20 and s["classes"] == ["a", "b"] and s["class_counts"] == {"a": 10, "b": 10}
    assert s["splits"] == {"train": 16, "validation": 4, "test": 0}
    r = runner.invoke(app, ["data", str(tmp_path / "p")])
    assert r.exit_code == 0 and "validation 4" in r.stdout and "a" in r.stdout
    r = runner.invoke(app, ["datasets"])
    assert r.exit_code == 0 and "spiral" in r.stdout and "csv" in r.stdout
    bad = tmp_path / "one.csv"
    bad.write_text("a,b\n1,x\n2,x\n3,x\n")
    r = runner.invoke(app, ["new", str(tmp_path / "q"), "--data", str(bad), "--target", "b"])
    assert r.exit_code == 2 and "only one class" in r.output and "Fix:" in r.output


def test_cli_new_with_a_table_and_no_target_lists_the_columns_and_suggests_one(tmp_path):
    from .penguins import penguins_csv
    csv = penguins_csv(tmp_path / "penguins.csv")
    r = runner.invoke(app, ["new", str(tmp_path / "p"), "--data", str(csv)])
    assert r.exit_code == 2 and not (tmp_path / "p").exists()
    out = " ".join(r.output.split())
    assert "Which column should the network predict?" in out
    assert "species ← likely │ text │ 3 values: Adelie, Chinstrap, Gentoo" in out
    assert "year │ whole numbers │ 3 values: 2007, 2008, 2009" in out
    assert "Fix: say which column to predict, e.g. --target species" in out and "Traceback" not in out
    r = runner.invoke(app, ["new", str(tmp_path / "p"), "--data", str(csv), "--target", "species"])
    assert r.exit_code == 0, r.output
    assert layerlab.load(tmp_path / "p").data_info().classes == ["Adelie", "Chinstrap", "Gentoo"]
