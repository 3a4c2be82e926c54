"""Model page: live shapes and sizes, break and fix, undo/redo, beginner mode, autosave, stale writes."""
from __future__ import annotations

import json

from nicegui.testing import User

from layerlab.store import workspace


def _doc(pid: str) -> dict:
    return json.loads((workspace.project_dir(pid) / "project.json").read_text())


def _add_dropout(user: User) -> None:
    """Open the regularization family (its buttons are built when it opens, as a pupil sees them) and add dropout."""
    next(iter(user.find(marker="family-regularization").elements)).open()
    user.find(marker="palette-dropout").click()


def _text(user: User, marker: str) -> str:
    return next(iter(user.find(marker=marker).elements)).text


async def test_inserting_a_layer_updates_shapes_and_total(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/model")
    await user.should_see(marker="model-valid")
    assert _text(user, "shape-0") == "→ 8"
    before = _text(user, "total-params")
    user.find(marker="insert-1").click()          # between the hidden layer and the output
    await user.should_see("New layers go before layer 2.")
    user.find(marker="palette-dense").click()
    await user.should_see(marker="layer-2")
    await user.should_see("New layers go to the end.")      # the insertion point is used once
    assert [layer["type"] for layer in _doc(pid)["model"]["layers"]] == ["dense", "dense", "dense"]
    assert _text(user, "shape-1") == "→ 32"       # dense's default units
    assert _text(user, "total-params") != before
    assert "34" in _text(user, "params-2") or "66" in _text(user, "params-2")  # 32*2+2 = 66 weights
    await user.should_see(marker="model-valid")


async def test_break_the_model_and_fix_it_with_one_click(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/model")
    units = next(iter(user.find(marker="param-1-units").elements))
    units.set_value(5)
    await user.should_see(marker="error-1-0")
    await user.should_see(marker="model-invalid")
    assert _doc(pid)["model"]["layers"][1]["units"] == 5   # the broken edit is saved too: nothing is lost
    user.find(marker="error-1-0-fix-0").click()
    await user.should_see(marker="model-valid")
    await user.should_not_see(marker="error-1-0")
    assert _doc(pid)["model"]["layers"][1]["units"] == 2


async def test_undo_and_redo(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/model")
    user.find(marker="delete-0").click()
    await user.should_not_see(marker="layer-1")
    assert len(_doc(pid)["model"]["layers"]) == 1
    user.find(marker="undo").click()
    await user.should_see(marker="layer-1")
    assert len(_doc(pid)["model"]["layers"]) == 2
    user.find(marker="redo").click()
    await user.should_not_see(marker="layer-1")
    assert len(_doc(pid)["model"]["layers"]) == 1


async def test_move_layer_down_and_up(user: User, project_id) -> None:
    pid = project_id("digits")
    await user.open(f"/p/{pid}/model")
    user.find(marker="down-0").click()
    await user.should_see("→ 1×4×4")                # pooling first: every later shape changes
    assert [layer["type"] for layer in _doc(pid)["model"]["layers"]][:2] == ["max_pool2d", "conv2d"]
    assert _text(user, "shape-0") == "→ 1×4×4"
    user.find(marker="up-1").click()
    await user.should_not_see("→ 1×4×4")
    assert _text(user, "shape-0") == "→ 16×8×8"
    assert _text(user, "total-params") == "13,706 parameters in total"


async def test_beginner_mode_hides_expert_parameters(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/model")
    await user.should_see(marker="param-0-units")
    await user.should_not_see(marker="param-0-use_bias")
    await user.should_see(marker="hidden-0")
    user.find(marker="expert-switch").click()
    await user.open(f"/p/{pid}/model")
    await user.should_see(marker="param-0-use_bias")
    await user.should_not_see(marker="hidden-0")


async def test_every_edit_is_saved_and_survives_a_reload(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/model")
    next(iter(user.find(marker="param-0-units").elements)).set_value(12)
    await user.should_see("→ 12")
    assert _doc(pid)["model"]["layers"][0]["units"] == 12
    await user.open(f"/p/{pid}/model")
    assert next(iter(user.find(marker="param-0-units").elements)).value == 12


async def test_a_change_made_elsewhere_is_never_overwritten(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/model")
    folder = workspace.project_dir(pid)
    outside = dict(_doc(pid), name="edited in another window")
    workspace.save_doc(folder, outside, None)
    _add_dropout(user)
    await user.should_see(marker="stale-notice")
    assert _doc(pid) == outside                      # the other window's change is intact
    user.find(marker="stale-reload").click()
    await user.should_see("edited in another window")
    await user.should_not_see(marker="stale-notice")


async def test_diagram_and_math_follow_the_model(user: User, project_id) -> None:
    pid = project_id("digits")
    await user.open(f"/p/{pid}/model")
    svg = next(iter(user.find(marker="diagram").elements)).content
    assert svg.count("<rect") >= 4 and "16×8×8" in svg       # feature-map stacks for the conv net
    assert "#dc2626" not in svg
    await user.should_see(marker="math-7")
    user.find(marker="delete-7").click()
    await user.should_not_see(marker="math-7")
    await user.should_see(marker="model-invalid")   # the net now ends in 64 values, not 10
    svg = next(iter(user.find(marker="diagram").elements)).content
    assert svg.count("<circle") > 0 and "#dc2626" in svg    # the layer to fix is drawn in red


async def test_edits_survive_a_server_restart(user: User, project_id) -> None:
    from layerlab.ui import state
    pid = project_id("xor")
    await user.open(f"/p/{pid}/model")
    _add_dropout(user)
    await user.should_see(marker="layer-2")
    state._sessions.clear()                        # what a restart loses: everything but the disk
    await user.open(f"/p/{pid}/model")
    await user.should_see(marker="layer-2")
    assert next(iter(user.find(marker="layer-type-2").elements)).text == "dropout"


async def test_a_change_from_the_command_line_shows_on_the_next_visit(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/model")
    _add_dropout(user)
    await user.should_see(marker="layer-2")
    folder = workspace.project_dir(pid)
    doc = _doc(pid)
    doc["model"]["layers"] = doc["model"]["layers"][:1]
    workspace.save_doc(folder, doc, None)            # e.g. `layerlab fix` in a terminal
    await user.open(f"/p/{pid}/model")
    await user.should_not_see(marker="layer-1")
    user.find(marker="undo").click()                 # history before the outside change is gone
    assert _doc(pid) == doc


async def test_a_spec_that_cannot_be_analysed_still_opens_with_its_fix(user: User, project_id) -> None:
    from layerlab import api
    doc = api.example("xor")
    doc["data"]["source"] = "xorr"                 # a typo in the data source: no shapes can be inferred
    pid = project_id(doc=doc, name="typo")
    await user.open(f"/p/{pid}/model")
    await user.should_see(marker="global-error-0")
    await user.should_see(marker="layer-1")          # the layers are still there to edit
    user.find(marker="global-error-0-fix-0").click()
    await user.should_see(marker="model-valid")
    assert _doc(pid)["data"]["source"] == "xor"


def _press(user: User, key: str, shift: bool = False) -> None:
    """A Ctrl+key press as the browser reports it to ui.keyboard."""
    from nicegui import ui
    args = {"action": "keydown", "repeat": False, "altKey": False, "ctrlKey": True, "metaKey": False,
            "shiftKey": shift, "key": key, "code": f"Key{key.upper()}", "location": 0}
    user.find(ui.keyboard).trigger("key", args)


async def test_ctrl_z_and_ctrl_y(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/model")
    _add_dropout(user)
    await user.should_see(marker="layer-2")
    _press(user, "z")
    await user.should_not_see(marker="layer-2")
    _press(user, "y")
    await user.should_see(marker="layer-2")
    _press(user, "z")
    _press(user, "z", shift=True)                   # Ctrl+Shift+Z redoes too
    await user.should_see(marker="layer-2")
    assert len(_doc(pid)["model"]["layers"]) == 3


def test_formula_words_follow_the_language() -> None:
    from layerlab.layers.base import get_layer
    from layerlab.ui.components.mathview import layer_tex
    pool = get_layer("max_pool2d")
    en = layer_tex(pool, {"pool_size": (2, 2), "strides": None, "padding": "valid"}, (1, 8, 8))
    de = layer_tex(pool, {"pool_size": (2, 2), "strides": None, "padding": "valid"}, (1, 8, 8), "de")
    assert "window at" in en and "Fenster bei" in de and "window" not in de
    assert de.replace("Fenster bei", "window at") == en          # only the words change, not the maths
