"""Rename, duplicate, delete to the trash, restore, empty the trash: what a person managing projects sees."""
from __future__ import annotations

import json
import os

import pytest

from layerlab import api
from layerlab.spec.errors import SpecError
from layerlab.api import create_project
from layerlab.store import registry, workspace
from layerlab.store.runs import run_ids


def _project(name="Digits demo", example="xor") -> str:
    return create_project(name, example=example).dir.name


def _fake_run(pid: str, rid: str = "20260101-120000-000-abcd", status: str = "finished", pid_os: int | None = None):
    """A run folder as the engine leaves it (meta.json is what the registry reads)."""
    folder = workspace.home() / pid / "runs" / rid
    folder.mkdir(parents=True)
    meta = {"run_id": rid, "project": pid, "project_dir": str(workspace.home() / pid), "status": status,
            "started": 1.0, "pid": pid_os, "host": __import__("socket").gethostname()}
    (folder / "meta.json").write_text(json.dumps(meta))
    registry.sync_project(workspace.home() / pid)
    return rid


def _run_ids_listed(pid: str) -> list[str]:
    return [r["run_id"] for r in api.load(workspace.home() / pid).runs()]


def test_rename_changes_name_and_id_and_keeps_the_runs():
    pid = _project()
    rid = _fake_run(pid)
    out = api.rename_project(pid, "Handwriting")
    assert out == {"id": "handwriting", "name": "Handwriting"}
    assert not (workspace.home() / pid).exists()
    assert api.load(workspace.home() / "handwriting").name == "Handwriting"
    assert _run_ids_listed("handwriting") == [rid]


def test_rename_to_a_taken_name_gets_a_fresh_id_and_leaves_the_other_alone():
    a, b = _project("alpha"), _project("beta")
    out = api.rename_project(b, "Alpha")
    assert out["id"] == "alpha-2" and api.load(workspace.home() / a).name == "alpha"


def test_rename_keeps_the_id_when_only_the_case_changes():
    pid = _project("alpha")
    assert api.rename_project(pid, "ALPHA") == {"id": "alpha", "name": "ALPHA"}


@pytest.mark.parametrize("bad", ["", "   ", "x" * 201])
def test_rename_refuses_an_empty_or_absurd_name(bad):
    pid = _project()
    with pytest.raises(SpecError) as e:
        api.rename_project(pid, bad)
    assert e.value.hint and e.value.path == "name"
    assert (workspace.home() / pid).is_dir()


def test_an_unknown_project_is_refused_listing_the_real_ones():
    _project("alpha")
    with pytest.raises(SpecError) as e:
        api.rename_project("nope", "x")
    assert "alpha" in e.value.hint


def test_duplicate_copies_data_and_finished_runs_under_fresh_run_ids():
    pid = _project()
    (workspace.home() / pid / "data" / "notes.csv").write_text("a,b\n1,2\n")
    done = _fake_run(pid)
    _fake_run(pid, "20260101-130000-000-beef", status="running", pid_os=os.getpid())
    out = api.duplicate_project(pid)
    assert out == {"id": "digits-demo-copy", "name": "Digits demo (copy)"}
    copy = workspace.home() / out["id"]
    assert (copy / "data" / "notes.csv").read_text() == "a,b\n1,2\n"
    copied = run_ids(copy)
    assert len(copied) == 1 and copied[0] != done and copied[0][:-4] == done[:-4]  # time order kept
    assert json.loads((copy / "runs" / copied[0] / "meta.json").read_text())["run_id"] == copied[0]
    assert _run_ids_listed(out["id"]) == copied
    assert done in _run_ids_listed(pid)  # the original still lists its own runs


def test_delete_moves_to_the_trash_and_restore_brings_it_back():
    pid = _project()
    rid = _fake_run(pid)
    entry = api.delete_project(pid)
    assert entry["project_id"] == pid and entry["name"] == "Digits demo" and entry["deleted_at"].endswith("+00:00")
    assert [p["id"] for p in workspace.list_projects()] == []
    assert [e["id"] for e in api.trash()] == [entry["id"]]
    # a new project under the same id must not show the deleted one's runs
    assert _run_ids_listed(_project()) == []
    restored = api.restore_project(pid)  # the id is taken now: a fresh one, nothing overwritten
    assert restored == {"id": "digits-demo-2", "name": "Digits demo"}
    assert _run_ids_listed("digits-demo-2") == [rid] and api.trash() == []


def test_restore_takes_the_old_id_when_free_and_can_rename():
    pid = _project()
    api.delete_project(pid)
    assert api.restore_project(pid, name="Back again") == {"id": "back-again", "name": "Back again"}


def test_restore_of_something_not_in_the_trash_says_what_is():
    pid = _project()
    api.delete_project(pid)
    with pytest.raises(SpecError) as e:
        api.restore_project("other")
    assert pid in e.value.hint


def test_emptying_the_trash_is_explicit_and_final():
    a, b = _project("a"), _project("b")
    api.delete_project(a)
    ea = api.trash()[0]["id"]
    api.delete_project(b)
    assert api.empty_trash([ea]) == 1 and [e["project_id"] for e in api.trash()] == [b]
    assert api.empty_trash() == 1 and api.trash() == []
    assert not any((workspace.home() / ".trash").iterdir())


def test_a_project_training_elsewhere_is_not_deleted_or_renamed():
    pid = _project()
    _fake_run(pid, status="running", pid_os=os.getppid())  # another live process trains it
    for action in (lambda: api.delete_project(pid), lambda: api.rename_project(pid, "x")):
        with pytest.raises(api.ProjectBusy) as e:
            action()
        assert e.value.status == 409 and "stop" in e.value.hint
    assert (workspace.home() / pid / "project.json").is_file()


def test_a_folder_trashed_by_hand_or_by_an_older_version_is_listed():
    pid = _project()
    trash = workspace.home() / ".trash"
    trash.mkdir()
    os.replace(workspace.home() / pid, trash / f"{pid}-20260101-120000-1")
    [entry] = api.trash()
    assert entry["name"] == "Digits demo" and entry["id"] == f"{pid}-20260101-120000-1"
    assert api.restore_project(entry["id"])["name"] == "Digits demo"


def test_a_damaged_project_says_so_on_rename_and_copy_but_can_be_deleted():
    pid = _project("broken")
    (workspace.home() / pid / "project.json").write_text('{"name": "broken",')
    for action in (lambda: api.rename_project(pid, "x"), lambda: api.duplicate_project(pid)):
        with pytest.raises(SpecError) as e:
            action()
        assert "not valid JSON" in e.value.message and e.value.hint
    assert api.delete_project(pid)["project_id"] == pid
    assert api.restore_project(pid)["id"] == pid
