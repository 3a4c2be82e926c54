"""The quick variant of bench/classroom_load.py in the suite: a real `layerlab classroom` on 127.0.0.1
and four pupils, each from an address of its own, who join, create a project, open its Model, Train and
Test pages (and the Train page's socket.io connection), edit it, train it for one epoch and predict,
while the teacher polls GET /api/class/pupils. The full class of 30 is the bench itself
(bench/README.md, bench/RESULTS.md). Figures are not asserted (a test is no benchmark): only that
nobody got a 5xx or a failed request, every run finished and the teacher saw every result."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_four_pupils_join_train_predict_and_the_teacher_sees_each_result(tmp_path):
    out = tmp_path / "class.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}  # the server is not under test
    proc = subprocess.run([sys.executable, str(BENCH / "classroom_load.py"), "--quick", "--out", str(out)],
                          cwd=BENCH, env=env, capture_output=True, text=True, timeout=240)
    report = proc.stdout[-4000:] + proc.stderr[-3000:]
    assert proc.returncode == 0, report
    r = json.loads(out.read_text())
    assert r["pupils"] == 4 and r["server_errors_5xx"] == 0 and r["failed"] == 0, report
    assert r["runs_finished"] == 4 and r["unseen_results"] == 0 and r["teacher_lag_s"] is not None, report
    assert r["ms"]["page"]["count"] == 12 and r["ms"]["API predict"]["count"] == 4, report
    assert r["socket_pages"] == 4 and r["socket_errors"] == [], report
