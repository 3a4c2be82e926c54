"""Projects saved before the target became required (version 2, a table without `target`, so
its last column was predicted) open with that column written in and behave as before; a
current project without a target is refused with the columns and a guess."""
from __future__ import annotations

import json

import numpy as np
import pytest

import layerlab
from layerlab.spec.errors import SpecError

from .penguins import penguins_csv

OLD = {"version": 2, "name": "old penguins", "task": "classification",
       "data": {"source": "csv", "params": {"path": "data/penguins.csv"}, "validation_split": 0.2, "seed": 0},
       "model": {"layers": [{"type": "dense", "units": 8, "activation": "relu"},
                            {"type": "dense", "units": 3, "activation": "softmax"}]},
       "training": {"optimizer": "adam", "learning_rate": 0.01, "epochs": 2, "batch_size": 16, "seed": 0}}


def _old_project(tmp_path, doc=OLD):
    (tmp_path / "data").mkdir(parents=True)
    penguins_csv(tmp_path / "data" / "penguins.csv")
    (tmp_path / "project.json").write_text(json.dumps(doc))
    return layerlab.load(tmp_path)


def test_an_old_table_project_keeps_predicting_its_last_column(tmp_path):
    p = _old_project(tmp_path)
    assert p.spec.version == 3 and p.spec.data.params["target"] == "year"     # written in, as it behaved
    info = p.data_info()
    assert info.extra["target"] == "year" and info.classes == ["2007", "2008", "2009"]
    assert "species=Adelie" in info.feature_names                            # species stayed an input
    assert p.analyze().ok and p.errors() == []
    ds = p.dataset()
    assert len(ds.train) + len(ds.val) == 90 and set(np.unique(ds.train.y.numpy())) == {0, 1, 2}
    assert "target" not in json.loads((tmp_path / "project.json").read_text())["data"]["params"]  # file untouched


def test_an_old_project_with_a_target_or_target_role_keeps_it(tmp_path):
    doc = json.loads(json.dumps(OLD))
    doc["data"]["params"]["roles"] = {"species": "target"}
    p = _old_project(tmp_path, doc)
    assert "target" not in p.spec.data.params and p.data_info().extra["target"] == "species"


def test_an_old_pasted_table_is_upgraded_without_a_folder():
    doc = json.loads(json.dumps(OLD))
    doc["data"]["params"] = {"text": "a,b,kind\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n"}
    p = layerlab.Project(doc)
    assert p.spec.data.params["target"] == "kind" and p.data_info().classes == ["x", "y"]


def test_an_old_project_whose_table_is_gone_reports_the_file(tmp_path):
    p = _old_project(tmp_path)
    (tmp_path / "data" / "penguins.csv").unlink()
    with pytest.raises(SpecError) as e:
        p.data_info()
    assert e.value.path == "data.params.path"


def test_a_current_project_without_a_target_is_refused_with_a_fix(tmp_path):
    doc = json.loads(json.dumps(OLD))
    doc["version"] = 3
    p = _old_project(tmp_path, doc)
    errors = p.errors()
    assert len(errors) == 1 and errors[0].path == "data.params.target"
    assert "species (text, 3 values: Adelie, Chinstrap, Gentoo)" in str(errors[0].received)
    p.apply(errors[0].fixes[0])
    assert p.doc["data"]["params"]["target"] == "species" and p.data_info().classes == ["Adelie", "Chinstrap", "Gentoo"]


def test_api_new_with_a_table_needs_the_target(tmp_path):
    csv = penguins_csv(tmp_path / "penguins.csv")
    with pytest.raises(SpecError) as e:
        layerlab.new(tmp_path / "p", data=csv)
    err = e.value
    assert err.path == "target" and "target='species'" in err.hint and err.guess == "species"
    assert [c.name for c in err.columns][-1] == "year" and not (tmp_path / "p").exists()
    p = layerlab.new(tmp_path / "p", data=csv, target="species", roles={"island": "ignored"})
    info = p.data_info()
    assert info.classes == ["Adelie", "Chinstrap", "Gentoo"] and not any(n.startswith("island") for n in info.feature_names)
    assert "year" in info.feature_names
