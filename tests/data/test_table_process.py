"""Large tables are read and profiled in the table process (issue 15): the answers are the same as
in one process (an accepted table's encoded data, a refusal's four parts, the picker's columns),
the calling process spends next to no CPU on them, and choosing another target reads nothing."""
from __future__ import annotations

import time

import numpy as np
import pytest

import layerlab
from layerlab.data import table_process, tabular
from layerlab.data.csvread import read_table
from layerlab.data.tabular import build_table
from layerlab.spec.errors import SpecError


def _mixed_csv(rows: int = 600, text_cols: int = 120, num_cols: int = 140) -> str:
    """Over 1 MB: text columns of few values (some with a gap), numbers, an id column, a label."""
    rng = np.random.default_rng(3)
    head = ["id", "label"] + [f"t{i}" for i in range(text_cols)] + [f"n{i}" for i in range(num_cols)]
    lines = [",".join(head)]
    for r in range(rows):
        text = [("" if (r + i) % 97 == 0 else f"w{(r * 3 + i) % 7}") for i in range(text_cols)]
        nums = [f"{x:.6f}" for x in rng.normal(size=num_cols)]
        lines.append(",".join([f"row{r}", "ab"[r % 2]] + text + nums))
    return "\n".join(lines) + "\n"


def _doc(target: str, **params) -> dict:
    return {"name": "wide", "task": "classification",
            "data": {"source": "csv", "params": {"path": "t.csv", "target": target, **params}},
            "model": {"layers": [{"type": "dense", "units": 2, "activation": "softmax"}]}}


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """One table and one table process for the module (starting one imports pandas: seconds)."""
    folder = tmp_path_factory.mktemp("big")
    (folder / "t.csv").write_text(_mixed_csv())
    assert table_process.is_large(folder / "t.csv")
    tabular._cached.cache_clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAYERLAB_HOME", str(folder))
        yield folder
    table_process.shutdown()


def test_an_accepted_large_table_is_the_same_as_read_in_one_process(big):
    params = tabular.Csv().resolve(_doc("label", missing="median")["data"]["params"])
    t = time.process_time()
    info = layerlab.api.Project(_doc("label", missing="median"), big).data_info()
    assert time.process_time() - t < 1.0   # read, profiled and encoded in the table process
    raw = tabular.Csv()._raw(params, big)  # the same RawData, kept
    local = build_table(read_table(big / "t.csv"), params)
    assert np.array_equal(raw.x, local.x) and np.array_equal(raw.y, local.y)
    assert raw.info.to_dict() == local.info.to_dict() == info.to_dict()
    assert raw.info.extra["report"]["ignored_columns"].keys() == {"id"}   # 600 names: not a feature


def test_a_refusal_from_the_profile_has_the_same_four_parts(big, monkeypatch):
    limits = big / "limits.toml"
    limits.write_text("features = 400\n")
    monkeypatch.setenv("LAYERLAB_LIMITS", str(limits))
    params = tabular.Csv().resolve(_doc("t0")["data"]["params"])
    with pytest.raises(SpecError) as local:
        build_table(read_table(big / "t.csv"), params)
    t = time.process_time()
    with pytest.raises(SpecError) as far:
        layerlab.api.Project(_doc("t0"), big).data_info()
    first = time.process_time() - t
    assert "features after encoding" in str(far.value)
    assert far.value.to_dict() == local.value.to_dict() and far.value.localized("de") == local.value.localized("de")
    # another target: answered from the kept profile, nothing is read again
    calls = []
    monkeypatch.setattr(table_process, "call", lambda *a: calls.append(a[0]))
    for target in ("label", "n3", "n5"):   # complete columns (t0 has a gap: refused in the table process)
        t = time.perf_counter()
        with pytest.raises(SpecError, match="features after encoding"):
            layerlab.api.Project(_doc(target), big).data_info()
        assert time.perf_counter() - t < 0.5
    assert calls == [] and first < 1.0


def test_the_picker_description_comes_from_the_table_process(big, monkeypatch):
    from layerlab.data.table_process import describe_frame
    described = layerlab.api.describe_table(big / "t.csv")
    assert described == describe_frame(read_table(big / "t.csv"))
    # its profile is kept: choosing the target next reads nothing
    calls = []
    monkeypatch.setattr(table_process, "call", lambda *a: calls.append(a[0]))
    assert layerlab.api.describe_table(big / "t.csv") is described
    limits = big / "limits.toml"
    limits.write_text("features = 500\n")
    monkeypatch.setenv("LAYERLAB_LIMITS", str(limits))
    with pytest.raises(SpecError, match="features after encoding"):
        layerlab.api.Project(_doc("n7"), big).data_info()
    assert calls == []
