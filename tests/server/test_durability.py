"""Nothing is lost: SIGKILL the real server while it trains and while it saves, restart it,
and find every acknowledged edit, a valid project.json, a loadable last checkpoint, and the
interrupted run marked 'interrupted' in the registry."""
from __future__ import annotations

import json
import random
import threading
import time

import pytest
from studio_proc import Studio

from typer.testing import CliRunner

from layerlab import api
from layerlab.cli import app as cli_app
from layerlab.spec.models import parse_project
from layerlab.store import registry
from layerlab.store.runs import open_run, process_alive

pytestmark = pytest.mark.slow


def wait_for(cond, timeout=60.0, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError("condition not met in time")


class Saver:
    """PUTs ever newer edits in a thread; records which were sent and which were acknowledged."""

    def __init__(self, studio: Studio, pid: str, base: dict, rev: str, tag: str):
        self.studio, self.pid, self.base, self.rev, self.tag = studio, pid, base, rev, tag
        self.sent: list[int] = []
        self.acked: list[int] = []
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def doc(self, n: int) -> dict:
        # big documents make each save (write + fsync) take a while, so the kill often lands in one
        return dict(self.base, description=f"{self.tag}:{n}:" + "x" * 400_000)

    def _run(self) -> None:
        with self.studio.client() as c:
            n = 0
            while True:
                n += 1
                self.sent.append(n)
                try:
                    r = c.put(f"/api/projects/{self.pid}", json={"doc": self.doc(n), "revision": self.rev})
                except Exception:  # the kill cut the connection: this edit was never acknowledged
                    return
                if r.status_code != 200:
                    self.errors.append(r.text)
                    return
                self.rev = r.json()["revision"]
                self.acked.append(n)

    def check(self, home) -> dict:
        """project.json holds the last acknowledged edit or the one in flight; never an older one."""
        self.thread.join(30)
        assert not self.errors, self.errors
        on_disk = json.loads((home / self.pid / "project.json").read_text(encoding="utf-8"))
        parse_project(on_disk)
        tag, n, _ = on_disk["description"].split(":", 2)
        assert tag == self.tag and self.acked[-1] <= int(n) <= self.sent[-1], (n, self.acked[-1], self.sent[-1])
        return on_disk


def test_sigkill_during_training_and_during_saves_loses_nothing(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("LAYERLAB_HOME", str(home))
    s = Studio(home)
    try:
        with s.client() as c:
            p = c.post("/api/projects", json={"name": "durable", "example": "xor"}).json()
            doc = dict(p["doc"], description="edit 1")
            doc["training"] = dict(doc["training"], epochs=100000, early_stopping=None)  # longer than the test
            r = c.put("/api/projects/durable", json={"doc": doc, "revision": p["revision"]})
            assert r.status_code == 200
            acknowledged, rev = r.json()["doc"], r.json()["revision"]
            rid = c.post("/api/projects/durable/runs", json={}).json()["run_id"]
            run_dir = home / "durable" / "runs" / rid
            wait_for(lambda: (run_dir / "weights.safetensors").exists() and (run_dir / "state.json").exists(),
                     timeout=120)
            assert c.get(f"/api/projects/durable/runs/{rid}").json()["status"] == "running"
        time.sleep(random.uniform(0.0, 1.2))  # somewhere in an epoch, or in a checkpoint write
    finally:
        s.kill()

    # 0. Before any studio starts again, the CLI reads the run as interrupted: it checks the process.
    worker = json.loads((run_dir / "meta.json").read_text()).get("pid")
    wait_for(lambda: not process_alive(worker), timeout=15)  # the worker ends when its server is gone
    listed = CliRunner().invoke(cli_app, ["runs", str(home / "durable"), "--json"], catch_exceptions=False)
    assert {r["run_id"]: r["status"] for r in json.loads(listed.output)}[rid] == "interrupted", listed.output

    # 1. Killed while training: the edit, the project file, the checkpoint and the registry.
    s = Studio(home, token="second-start")
    try:
        with s.client() as c:
            got = c.get("/api/projects/durable").json()
            assert got["doc"] == acknowledged
            run = c.get(f"/api/projects/durable/runs/{rid}").json()
            assert run["status"] == "interrupted", run
            assert {r["run_id"]: r["status"] for r in c.get("/api/projects/durable/runs").json()}[rid] == "interrupted"
        assert registry.get(rid)["status"] == "interrupted"
        folder = open_run(home / "durable", rid)
        assert folder.meta()["status"] == "interrupted"
        net = api.Project(folder.doc(), home / "durable").build()
        net.load_state_dict(folder.weights())  # strict: every tensor present, with its shape
        tensors, state = folder.training_state()
        assert state["epoch"] >= 1 and tensors
        saver = Saver(s, "durable", got["doc"], got["revision"], "round2")
        wait_for(lambda: len(saver.acked) >= 3 or saver.errors, timeout=120)
        time.sleep(random.uniform(0.0, 0.3))
    finally:
        s.kill()

    # 2. Killed while saving: every acknowledged edit is there, and the file is whole.
    on_disk = saver.check(home)
    s = Studio(home, token="third-start")
    try:
        with s.client() as c:
            assert c.get("/api/projects/durable").json()["doc"] == on_disk
            assert [p["id"] for p in c.get("/api/projects").json()] == ["durable"]  # no stray temp files listed
    finally:
        s.stop()
