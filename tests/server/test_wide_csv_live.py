"""A wide CSV uploaded through the HTTP API of a real studio, and target after target chosen for it,
while another client's requests are timed (issue 15: an 11 MB CSV of 300 rows x 10,000 text
columns took ~28 s of the server's CPU and made the others wait up to 3 s).

The table is read and profiled in the table process (data/table_process.py), once: the server's
own CPU stays small, each choice is refused from the kept profile with the 4-part features
error, and the other client never waits over 1 s. The table here is smaller (1.4 MB, 120 rows x
2,500 text columns: 100,000 features against the class profile's 20,000) so the test stays
short; the server's CPU per choice scaled with the table's size before (~0.5 s here, 3.3 s at 11 MB).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.server.studio_proc import Studio
from tests.server.test_budget_load import OtherClient

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from load_test import wide_csv  # noqa: E402

TARGETS = ["label", "c0", "c1", "c2", "c3", "label"]


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    s = Studio(tmp_path_factory.mktemp("wide") / "home", env={"LAYERLAB_PROFILE": "class"})
    yield s
    s.stop()


def _cpu(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return t.user + t.system   # the server's own threads (the table process is a child of its own)


def _settle(server: psutil.Process, deadline_s: float = 20.0) -> None:
    """Wait until the studio's start-up work (thumbnails, torch's warm-up, in its own threads) is done."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        before = _cpu(server)
        time.sleep(0.5)
        if _cpu(server) - before < 0.05:
            return


def _choose(c, pid: str, path: str, targets: list[str]) -> list[tuple[str, float, object]]:
    """The user tries one column after another: each read, saved and summarised, timed."""
    answers = []
    for target in targets:
        t = time.perf_counter()
        got = c.get(f"/api/projects/{pid}").json()
        doc = dict(got["doc"], data={"source": "csv", "params": {"path": path, "target": target}})
        c.put(f"/api/projects/{pid}", json={"doc": doc, "revision": got["revision"]}).raise_for_status()
        answers.append((target, time.perf_counter() - t, c.get(f"/api/projects/{pid}/summary")))
    return answers


def _refused(answers) -> None:
    for target, _, s in answers:   # each choice refused with the 4-part features error
        assert s.status_code in (200, 422), s.text[:300]
        assert "features after encoding" in s.text and "20,000" in s.text and "limits.toml" in s.text, s.text[:600]


def test_choosing_targets_of_a_wide_csv_keeps_the_server_free(studio):
    csv = wide_csv(120, 2_500, 40)
    assert len(csv) > 1_000_000   # read in the table process (table_process.LARGE_BYTES)
    server = psutil.Process(studio.proc.pid)
    with studio.client(timeout=120.0) as c:
        calm = c.post("/api/projects", json={"name": "calm", "example": "xor"}).json()["id"]
        c.get(f"/api/projects/{calm}/summary").raise_for_status()
        wide = c.post("/api/projects", json={"name": "wide", "example": "xor"}).json()["id"]
        saved = c.post(f"/api/projects/{wide}/uploads", params={"name": "wide.csv"}, content=csv,
                       headers={"content-type": "application/octet-stream"})
        path = saved.json()["saved"][0]
        _settle(server)
        cpu0 = _cpu(server)
        with OtherClient(studio, calm) as quiet:   # the machine's noise, and what the other client costs
            time.sleep(1.5)
        per_request = (_cpu(server) - cpu0) / max(len(quiet.times), 1)
        cpu0 = _cpu(server)
        with OtherClient(studio, calm) as other:   # timed while the table is read and targets are tried
            answers = _choose(c, wide, path, ["label", "c0", "c1", "c2", "label"])
        cpu = _cpu(server) - cpu0 - per_request * len(other.times)
    _refused(answers)
    waits = sorted(other.times)
    print(f"\nthe server's own CPU for reading the table and 5 choices: {cpu:.2f} s (without the other client's "
          f"{per_request * 1000:.0f} ms a request); each choice (read, save, summary): "
          + ", ".join(f"{t} {d:.2f} s" for t, d, _ in answers)
          + f"; the other client: {len(waits)} requests, worst {waits[-1]:.2f} s, "
            f"median {waits[len(waits) // 2]:.2f} s (quiet worst {max(quiet.times):.2f} s)")
    assert cpu < 1.0, f"the server spent {cpu:.2f} s of CPU on the choices"
    later = [d for _, d, _ in answers[1:]]
    assert sorted(later)[-2] < 1.0, later            # from the kept profile: nothing read again
    assert len(waits) >= 5
    assert waits[-1] < 1.0 + max(quiet.times), f"waited {waits[-1]:.2f} s (quiet max {max(quiet.times):.2f})"
    assert waits[int(0.9 * (len(waits) - 1))] < 1.0
