"""Removing a pupil while her run trains deletes her data for good (issue 17.8, seen in a newcomer walk): the run
was stopped but not waited for, and its last checkpoint (optimizer, state, records) brought the deleted folder
back, outside class.json where no later End the class would find it. Her pages' messages are dropped too."""
from __future__ import annotations

import time

from layerlab.server import class_auth
from tests.server.test_classroom_lifecycle import _pupil, _train, klass  # noqa: F401 (one slot, threads)
from tests.server.conftest import TEACHER, class_client as _client


def test_a_pupil_removed_mid_run_stays_deleted(klass):  # noqa: F811
    server, app = klass
    teacher = _client(app, TEACHER)
    (ada, ada_c), (ben, ben_c) = _pupil(app, "Ada"), _pupil(app, "Ben")
    _train(ada_c, "Ada", 10_000)
    deadline = time.monotonic() + 60
    while not any(r["epoch"] >= 2 for r in teacher.get("/api/class/queue").json()["runs"]):  # checkpoints exist
        assert time.monotonic() < deadline, "Ada's run never got going"
        time.sleep(0.05)
    folder = server.classroom.pupil_home(ada["pupil"]["id"])
    assert any(folder.glob("*/runs/*"))                                 # her run writes into her folder
    assert teacher.delete(f"/api/class/pupils/{ada['pupil']['id']}").status_code == 204
    assert teacher.get("/api/class/queue").json()["runs"] == []          # her run has ended, not only been told to
    time.sleep(1.0)                                                      # a late checkpoint would land by now
    assert not folder.exists(), sorted(str(p) for p in folder.rglob("*"))
    assert ada_c.get("/api/projects").status_code == 401                 # her token is gone
    assert ben_c.get("/api/projects").status_code == 200                 # Ben is untouched
    # a page she still has open: its socket's clicks are dropped from now on (Ben's are not)
    pupil_socket = {"asgi.scope": {class_auth.WHO_KEY: ada["pupil"]["id"]}}
    assert class_auth._refused(pupil_socket, "any-client", "event")
    assert not class_auth._refused({"asgi.scope": {class_auth.WHO_KEY: ben["pupil"]["id"]}}, "any-client", "event")
    assert not class_auth._refused({"asgi.scope": {class_auth.WHO_KEY: class_auth.TEACHER}}, "any-client", "event")
