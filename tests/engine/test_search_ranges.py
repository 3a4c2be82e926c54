"""Search ranges in the spec and the Optuna search over them (issue 19.2), in local worker processes."""
from __future__ import annotations

import json

import pytest

import layerlab.api as L
import layerlab.api_search as S
from layerlab.engine import events as ev
from layerlab.spec.errors import SpecError
from layerlab.spec.models import parse_project
from layerlab.spec.search import ranges, resolve, use_values, with_defaults

pytest.importorskip("optuna")


def xor_doc(**changes):
    doc = L.example("xor")
    doc["model"]["layers"][0]["units"] = {"search": {"choice": [2, 8, 16]}}
    doc["training"]["learning_rate"] = {"search": {"loguniform": [1e-3, 1e-1]}}
    for path, value in changes.items():
        section, key = path.split(".", 1)
        doc[section][key] = value
    return doc


def test_ranges_are_found_resolved_and_optional_layers_drop_out():
    doc = xor_doc()
    doc["model"]["layers"].insert(1, {"type": "dropout", "rate": 0.2, "search": {"optional": True}})
    found = {r.path: r for r in ranges(doc)}
    assert set(found) == {"model.layers[0].units", "model.layers[1]", "training.learning_rate"}
    out = resolve(doc, {"model.layers[0].units": 16, "model.layers[1]": False, "training.learning_rate": 0.01})
    assert [lay["type"] for lay in out["model"]["layers"]] == ["dense", "dense"]
    assert out["model"]["layers"][0]["units"] == 16 and out["training"]["learning_rate"] == 0.01
    kept = resolve(doc, {"model.layers[1]": True})
    assert kept["model"]["layers"][1] == {"type": "dropout", "rate": 0.2}
    parse_project(out), parse_project(kept)


def test_train_refuses_a_range_without_a_default_and_uses_one_that_has_it():
    with pytest.raises(SpecError) as err:
        parse_project(xor_doc())
    assert err.value.path == "model.layers[0].units" and "layerlab search" in str(err.value.hint)
    doc = use_values(xor_doc(), {"model.layers[0].units": 8, "training.learning_rate": 0.02})
    assert with_defaults(doc)["model"]["layers"][0]["units"] == 8
    assert parse_project(doc).training.learning_rate == 0.02


@pytest.mark.parametrize("path, value, words", [
    ("model.layers[0].units", {"search": {"choice": []}}, "the choice is empty"),
    ("training.learning_rate", {"search": {"uniform": [0.1, 0.01]}}, "the range is empty"),
    ("training.learning_rate", {"search": {"loguniform": [0, 0.1]}}, "above 0"),
    ("training.learning_rate", {"search": {"normal": [0, 1]}}, "exactly one of"),
    ("model.layers[0].units", {"search": {"int": [4, 8], "default": 20}}, "outside the range"),
])
def test_malformed_ranges_are_four_part_errors(tmp_path, path, value, words):
    doc = L.example("xor")
    section, rest = path.split(".", 1)
    if section == "model":
        doc["model"]["layers"][0]["units"] = value
    else:
        doc["training"]["learning_rate"] = value
    p = L.Project(doc, tmp_path)
    with pytest.raises(SpecError) as err:
        S.check(p)
    assert err.value.path == path and words in str(err.value.message) and err.value.hint


def test_a_range_reaching_a_value_the_setting_cannot_take_is_refused(tmp_path):
    doc = L.example("xor")
    doc["model"]["layers"][0]["activation"] = {"search": {"choice": ["relu", "sparkle"]}}
    with pytest.raises(SpecError) as err:
        S.check(L.Project(doc, tmp_path))
    assert err.value.path == "model.layers[0].activation" and "sparkle" in str(err.value.message)
    with pytest.raises(SpecError) as err:
        S.check(L.Project(L.example("xor"), tmp_path))
    assert "declares no search ranges" in str(err.value.message)


def test_a_search_runs_trials_as_ordinary_runs_and_use_best_writes_the_defaults(tmp_path):
    p = L.new(tmp_path / "xor", doc=xor_doc())
    seen = []
    s = S.search(p, trials=3, parallel=2, epochs=4, on_trial=seen.append)
    result = s.result
    assert result.status == "finished" and len(result.trials) == 3 and len(seen) == 3
    assert result.metric == "val_loss" and result.direction == "minimize"
    best = result.best
    assert best is not None and best.run_id and best.value == min(
        t.value for t in result.trials if t.value is not None and t.state in ("finished", "pruned"))
    rows = {r["run_id"]: r for r in p.runs()}
    for t in result.trials:
        assert rows[t.run_id]["status"] in ("finished", "stopped")
        meta = json.loads((tmp_path / "xor" / "runs" / t.run_id / "meta.json").read_text())
        assert meta["search"]["id"] == result.search_id and meta["search"]["params"] == t.params
        spec = json.loads((tmp_path / "xor" / "runs" / t.run_id / "spec.json").read_text())
        assert spec["model"]["layers"][0]["units"] == t.params["model.layers[0].units"]
    saved = S.searches(p)
    assert saved[0]["search_id"] == result.search_id and len(saved[0]["trials"]) == 3
    done = S.use_best(p)
    again = L.load(tmp_path / "xor")
    assert again.spec.model.layers[0]["units"] == best.params["model.layers[0].units"]
    assert again.spec.training.learning_rate == pytest.approx(best.params["training.learning_rate"])
    assert ranges(again.doc), "the ranges stay for the next search"
    S.undo_values(again, done["previous"])
    with pytest.raises(SpecError):
        L.load(tmp_path / "xor").spec


def test_stopping_a_search_stops_every_trial(tmp_path):
    p = L.new(tmp_path / "xor", doc=xor_doc())
    holder = {}

    def on_event_trial(t):
        pass
    s = S.search(p, trials=6, parallel=2, epochs=400, background=True, on_trial=on_event_trial)
    holder["s"] = s
    import time
    deadline = time.time() + 60
    while time.time() < deadline and not any(t.run_id for t in s.result.trials):
        time.sleep(0.05)
    s.stop()
    result = s.wait(120)
    assert result.status == "stopped"
    assert all(t.state != "running" for t in result.trials)
    assert len(result.trials) < 6
    assert all(r["status"] != "running" for r in p.runs())


def test_cli_search_prints_trials_and_refuses_a_project_without_ranges(tmp_path):
    from typer.testing import CliRunner
    from layerlab.cli import app
    L.new(tmp_path / "xor", doc=xor_doc())
    r = CliRunner().invoke(app, ["search", str(tmp_path / "xor"), "--trials", "2", "--epochs", "2", "--json"])
    assert r.exit_code == 0, r.output
    lines = [json.loads(line) for line in r.output.strip().splitlines()]
    assert sum("trial" in d for d in lines) == 2 and lines[-1]["best"]["params"]
    L.new(tmp_path / "plain", example="xor")
    r = CliRunner().invoke(app, ["search", str(tmp_path / "plain")])
    assert r.exit_code == 2 and "declares no search ranges" in r.output
