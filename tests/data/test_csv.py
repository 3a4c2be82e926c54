"""The user's tables: reading, column roles, encoding, missing values, task detection, bad input."""
from __future__ import annotations

import numpy as np
import pytest

from layerlab.data import get_source
from layerlab.data.prepare import prepare
from layerlab.spec.errors import SpecError


def _csv(root, text, name="t.csv"):
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / name).write_text(text)
    return root


def _raw(root, **params):
    src = get_source("csv")
    return src.load(src.resolve(params), root, 0)


HOUSES = ("rooms;area;city;price\n" + "".join(
    f"{1 + i % 5};{50 + 7 * i};{['Berlin', 'Dresden', 'Leipzig'][i % 3]};{100 + 3 * i + (i % 5) * 20}\n"
    for i in range(30)))


def test_header_delimiter_and_numeric_target_give_regression(tmp_path):
    raw = _raw(_csv(tmp_path, HOUSES), target="price")
    info = raw.info
    assert info.task == "regression" and info.extra["target"] == "price"
    assert info.feature_names == ["rooms", "area", "city=Berlin", "city=Dresden", "city=Leipzig"]
    assert raw.x.shape == (30, 5) and raw.y.shape == (30, 1)
    assert raw.x[:3, 2:].tolist() == [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert raw.y[1, 0] == 100 + 3 + 20


def test_text_target_gives_classes_and_integer_codes_option(tmp_path):
    text = "colour,weight,fruit\n" + "".join(f"{c},{w},{f}\n" for c, w, f in
                                               [("red", 150, "apple"), ("yellow", 120, "banana"),
                                                ("green", 160, "apple"), ("yellow", 110, "banana")] * 5)
    raw = _raw(_csv(tmp_path, text), categorical="codes", target="fruit")
    assert raw.info.task == "classification" and raw.info.classes == ["apple", "banana"]
    assert raw.y[:4].tolist() == [0, 1, 0, 1]
    assert raw.info.feature_names == ["colour", "weight"] and raw.x[:3, 0].tolist() == [1, 2, 0]


def test_whole_number_target_with_few_values_is_classification_unless_told(tmp_path):
    text = "a,b,grade\n" + "".join(f"{i},{i * 2 % 7},{i % 3}\n" for i in range(40))
    root = _csv(tmp_path, text)
    assert _raw(root, target="grade").info.classes == ["0", "1", "2"]
    assert _raw(root, target="grade", task="regression").info.task == "regression"


def test_roles_ignore_columns_and_pick_the_target(tmp_path):
    text = "id,x,y,label\n" + "".join(f"{i},{i},{i % 4},{'ab'[i % 2]}\n" for i in range(20))
    raw = _raw(_csv(tmp_path, text), roles={"id": "ignored", "x": "target"}, task="regression")
    assert raw.info.extra["target"] == "x" and raw.info.feature_names == ["y", "label=a", "label=b"]


def test_headerless_tsv_and_pasted_text(tmp_path):
    raw = _raw(_csv(tmp_path, "1\t2\t0\n3\t4\t1\n5\t6\t0\n7\t8\t1\n", "n.tsv"), target="column_3")
    assert raw.info.feature_names == ["column_1", "column_2"] and raw.info.classes == ["0", "1"]
    src = get_source("csv")
    pasted = src.load(src.resolve({"text": "h,w,s\n1,2,a\n2,3,b\n3,1,a\n", "target": "s"}), None, 0)
    assert pasted.x.tolist() == [[1, 2], [2, 3], [3, 1]] and pasted.info.classes == ["a", "b"]


@pytest.mark.parametrize("rule,expect", [("mean", 3.0), ("median", 2.0), ("zero", 0.0), ("most_frequent", 1.0)])
def test_missing_values_are_reported_and_filled_by_the_rule(tmp_path, rule, expect):
    text = "a,b,y\n1,1,0\n1,2,1\nNA,3,0\n3,4,1\n,5,0\n7,6,1\n"
    raw = _raw(_csv(tmp_path, text), missing=rule, target="y")
    assert raw.x[2, 0] == pytest.approx(expect) and raw.x[4, 0] == pytest.approx(expect)
    assert raw.info.extra["report"]["missing"] == {"a": 2}


def test_drop_rule_drops_rows_and_the_summary_reports_them(tmp_path):
    root = _csv(tmp_path, "a,b,y\n1,1,0\n1,2,1\nNA,3,0\n7,4,1\n,5,0\n2,2,1\n3,3,0\n")
    ds = prepare({"source": "csv", "params": {"missing": "drop", "target": "y"}, "validation_split": 0.0}, root=root)
    assert len(ds.train) == 5 and ds.meta["dropped_rows"] == 2 and ds.meta["missing"] == {"a": 2}


def test_csv_preprocessing_fits_train_only_and_round_trips(tmp_path):
    root = _csv(tmp_path, HOUSES)
    ds = prepare({"source": "csv", "params": {"target": "price"}, "preprocessing": {"standardize_target": True}}, root=root)
    from layerlab.data.preprocess import Preprocessor
    pre = Preprocessor.from_dict(ds.preprocessor.to_dict())
    assert pre.columns[2]["categories"] == ["Berlin", "Dresden", "Leipzig"]
    back = pre.inverse_y(ds.val.y).numpy()
    raw = _raw(root, target="price")
    assert np.allclose(back, raw.y[ds.val.indices.numpy()], atol=1e-3)


def test_bad_tables_have_four_part_errors(tmp_path):
    root = _csv(tmp_path, "")
    with pytest.raises(SpecError) as e:
        _raw(root)
    assert e.value.path == "data.params.path" and "empty" in e.value.message and e.value.hint
    (root / "data" / "t.csv").write_text("a,b,c\n1,2,3\n4,5,6,7\n8,9,1\n")
    with pytest.raises(SpecError) as e:
        _raw(root, target="c")
    assert "line 3" in e.value.message and e.value.received == "4,5,6,7" and "3 fields" in e.value.hint
    (root / "data" / "t.csv").write_text("a,b,kind\n1,2,x\n3,4,y\n5,6,x\n")
    with pytest.raises(SpecError) as e:
        _raw(root, task="regression", target="kind")
    assert e.value.path == "data.params.target" and "numeric for regression" in e.value.message
    assert "'x'" in str(e.value.received) and e.value.fixes
    (root / "data" / "t.csv").write_text("a,b,kind\n1,2,x\n3,4,x\n5,6,x\n")
    with pytest.raises(SpecError) as e:
        _raw(root, target="kind")
    assert "only one class" in e.value.message and "'x'" in str(e.value.received)
    with pytest.raises(SpecError) as e:
        _raw(root, target="knd")
    assert "did you mean 'kind'" in e.value.hint and e.value.fixes
    (root / "data" / "t.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(SpecError) as e:
        _raw(root, path="data/t.xlsx", target="kind")
    assert "not a supported table format" in e.value.message and "CSV" in e.value.hint
    with pytest.raises(SpecError) as e:
        _raw(root, path="../outside.csv", target="kind")
    assert "inside the project" in e.value.message


def test_header_only_file_is_refused(tmp_path):
    with pytest.raises(SpecError) as e:
        _raw(_csv(tmp_path, "a,b,c\n"))
    assert "no rows" in e.value.message


def test_info_is_cached_until_the_file_changes(tmp_path):
    root = _csv(tmp_path, "a,y\n1,0\n2,1\n3,0\n")
    src = get_source("csv")
    p = src.resolve({"target": "y"})
    assert src.info(p, root) is src.info(p, root)
    import os
    import time
    f = root / "data" / "t.csv"
    f.write_text("a,y\n1,0\n2,1\n3,0\n4,1\n")
    os.utime(f, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert src.info(p, root).n_samples == 4


def test_a_table_without_a_target_is_refused_with_its_columns_and_a_guess(tmp_path):
    """The last column is never implied: a year there is not what the user wants predicted."""
    root = _csv(tmp_path, "species,bill,year\n" + "".join(
        f"{['Adelie', 'Gentoo', 'Chinstrap'][i % 3]},{38 + i * 0.7:.1f},{2007 + i % 3}\n" for i in range(30)))
    with pytest.raises(SpecError) as e:
        _raw(root)
    err = e.value
    assert err.path == "data.params.target" and "which column to predict" in err.message
    assert "species (text, 3 values: Adelie, Chinstrap, Gentoo)" in str(err.received)
    assert "year (whole numbers, 3 values: 2007, 2008, 2009)" in str(err.received)
    assert "target='species'" in err.hint
    assert err.fixes[0].edits == [{"op": "set", "path": "data.params.target", "value": "species"}]
    assert "year" not in [f.edits[0]["value"] for f in err.fixes]
    assert "Spalten: species (Text, 3 Werte" in err.localized("de")
