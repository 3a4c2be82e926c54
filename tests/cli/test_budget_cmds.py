"""Budgets as a user meets them: `layerlab validate` shows each one, and an over-budget model is refused."""
from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from layerlab import api
from layerlab.cli import app
from layerlab.spec.errors import SpecError
from tests.conftest import toy_doc

runner = CliRunner()
HUGE = [{"type": "dense", "units": 65536}, {"type": "dense", "units": 65536},
        {"type": "dense", "units": 3, "activation": "softmax"}]
SMALL = [{"type": "dense", "units": 3, "activation": "softmax"}]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_validate_lists_each_budget_with_the_file_that_raises_it(tmp_path):
    folder = api.new(tmp_path / "p", doc=toy_doc(SMALL)).dir
    r = runner.invoke(app, ["validate", str(folder)])
    out = _flat(r.output)
    assert r.exit_code == 0, r.output
    assert "Budgets (laptop profile; raise them in" in out and "limits.toml" in out
    for label in ("layers", "nesting depth", "parameters", "training memory", "FLOPs per step"):
        assert label in out
    as_json = json.loads(runner.invoke(app, ["validate", str(folder), "--json"]).output)
    assert {i["name"] for i in as_json["budget"]["items"]} == {"layers", "depth", "params", "memory_bytes",
                                                               "flops_per_step"}


def test_validate_refuses_a_4e9_parameter_model_in_four_parts(tmp_path):
    folder = api.new(tmp_path / "p", doc=toy_doc(HUGE)).dir
    r = runner.invoke(app, ["validate", str(folder)])
    out = _flat(r.output)
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "model.layers[1]" in out and re.search(r"4,29\d,\d{3},\d{3} parameters", out)
    assert "Fix:" in out and "over budget" in out


def test_training_an_over_budget_model_is_refused_before_a_run_starts(tmp_path, monkeypatch):
    p = api.new(tmp_path / "p", doc=toy_doc(SMALL, batch_size=65536))
    (tmp_path / "limits.toml").write_text("memory_mb = 0.1\n", encoding="utf-8")
    monkeypatch.setenv("LAYERLAB_LIMITS", str(tmp_path / "limits.toml"))
    with pytest.raises(SpecError, match="memory") as e:
        p.train(epochs=1)
    assert e.value.path == "training.batch_size" and e.value.fixes
    assert not (p.dir / "runs").exists() or not any((p.dir / "runs").iterdir())
