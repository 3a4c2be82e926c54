"""The facade (project.inspect) and `layerlab inspect`: real projects, PNG + JSON on disk."""
from __future__ import annotations

import json

import pytest
import torch
from typer.testing import CliRunner

import layerlab
from layerlab.cli import app
from layerlab.inspect.history import FILE as HISTORY_FILE
from layerlab.spec.errors import SpecError

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The xor example trained for a few epochs (a real run folder)."""
    torch.set_num_threads(1)
    p = layerlab.new(tmp_path_factory.mktemp("p") / "xor", example="xor")
    run = p.train(epochs=4)
    assert run.status == "finished"
    return p


def test_views_before_training_show_the_untrained_network(tmp_path):
    p = layerlab.new(tmp_path / "xor", example="xor")
    r = p.inspect("math")
    assert r.data["trained"] is False and r.data["run"] is None
    assert [row["type"] for row in r.data["layers"]] == ["dense", "dense"]
    assert r.png().startswith(PNG)


def test_facade_uses_the_latest_run_and_the_validation_split(trained):
    ds = trained.dataset()
    r = trained.inspect("errors", k=3)
    assert r.data["trained"] is True and r.data["run"] == trained.load_run().run_id
    assert r.data["confusion"]["total"] == len(ds.val)
    net = trained.load_run().network
    pred = net.logits(ds.val.x).argmax(dim=1)
    assert r.data["confusion"]["accuracy"] == pytest.approx(float((pred == ds.val.y).float().mean()))
    assert len(r.data["hardest"]) == 3
    s = trained.inspect("surface", resolution=9)
    assert s.data["mode"] == "surface" and len(s.data["predicted"]) == 9


def test_recorded_epochs_reach_the_errors_and_weights_views(trained):
    rec = trained.inspect_recorder()
    net = trained.load_run().network
    rec.on_epoch_end(1, net)
    rec.on_epoch_end(2, net)
    rec.save(trained.dir / "runs" / trained.load_run().run_id / HISTORY_FILE)
    errors = trained.inspect("errors")
    assert errors.data["forgetting"] is not None and errors.data["forgetting"]["events"] == [0] * len(rec.x)
    weights = trained.inspect("weights")
    assert [e["epoch"] for e in weights.data["epochs"]] == [1, 2]


def test_bad_view_option_and_input_are_clear_errors(trained):
    with pytest.raises(SpecError, match="not an inspect view"):
        trained.inspect("salency")
    with pytest.raises(SpecError) as e:
        trained.inspect("surface", epsilon=3)
    assert "resolution" in e.value.hint
    with pytest.raises(SpecError, match="no such file"):
        trained.inspect("flow", input="missing.png")
    with pytest.raises(SpecError, match="Grad-CAM"):
        trained.inspect("saliency", method="grad_cam")


def test_cli_writes_png_and_json(trained, tmp_path):
    out = tmp_path / "out"
    sample = tmp_path / "one.json"
    sample.write_text("[0.0, 1.0]")
    res = CliRunner().invoke(app, ["inspect", str(trained.dir), "flow", "--input", str(sample), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "flow.png").read_bytes().startswith(PNG)
    data = json.loads((out / "flow.json").read_text())
    assert data["view"] == "flow" and data["trained"] is True and data["sample_index"] is None
    assert [layer["shape"] for layer in data["layers"]] == [[8], [2]]
    res = CliRunner().invoke(app, ["inspect", str(trained.dir), "adversarial", "-o", "epsilon=0.2", "--out", str(out),
                                   "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["written"]["adversarial"][1].endswith("adversarial.png")
    assert json.loads((out / "adversarial.json").read_text())["epsilon"] == 0.2


def test_cli_lists_views_and_exits_2_on_mistakes(trained):
    res = CliRunner().invoke(app, ["inspect", str(trained.dir), "--json"])
    assert res.exit_code == 0 and len(json.loads(res.output)) == 10
    res = CliRunner().invoke(app, ["inspect", str(trained.dir), "embedings"])
    assert res.exit_code == 2 and "embeddings" in res.output


def test_cli_all_rejects_an_option_no_view_knows(trained, tmp_path):
    res = CliRunner().invoke(app, ["inspect", str(trained.dir), "all", "-o", "epsilonn=0.1", "--out", str(tmp_path)])
    assert res.exit_code == 2 and "any view" in res.output
    assert not any(tmp_path.iterdir())


def test_cka_against_the_same_run_is_one_for_every_layer(trained):
    rid = trained.load_run().run_id
    r = trained.inspect("cka", compare_run=rid)
    assert r.data["between_runs"] == {0: pytest.approx(1.0), 1: pytest.approx(1.0)}
    assert r.data["matrix"][0][0] == pytest.approx(1.0)
