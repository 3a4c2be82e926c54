"""Load: 20 simulated users at once against a real `layerlab studio` on this machine's loopback.

Each user, through the HTTP API with the token: lists the examples, creates a project,
edits it (revision-guarded PUT), validates it, reads its summary, starts a small training
run, polls its status until it ends, and predicts with it. Counts failed requests (any
non-2xx answer or connection error; a run that does not finish counts too) and reports
latency p50/p95/max per kind of request. Bounded: at most --users users and --timeout
seconds; the server only ever listens on 127.0.0.1.

Reproduce:

    .venv/bin/python bench/load_test.py                 # 20 users, xor for 5 epochs each
    .venv/bin/python bench/load_test.py --users 5 --epochs 2

Exits 1 when any request failed.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "server"))

LOOPBACK = "127.0.0.1"


class User(threading.Thread):
    """One simulated learner: a full create-edit-train-predict session."""

    def __init__(self, n: int, studio, epochs: int, deadline: float, stats, failures, lock):
        super().__init__(name=f"user-{n}", daemon=True)
        self.n, self.studio, self.epochs, self.deadline = n, studio, epochs, deadline
        self.stats, self.failures, self.lock = stats, failures, lock

    def call(self, c, kind: str, method: str, url: str, **kw):
        t0 = time.perf_counter()
        try:
            r = c.request(method, url, **kw)
            ok = r.is_success
        except Exception as e:  # noqa: BLE001 - a refused or dropped connection is a failed request
            r, ok = None, False
            err = f"{type(e).__name__}: {e}"
        dt = time.perf_counter() - t0
        with self.lock:
            self.stats[kind].append(dt)
            if not ok:
                self.failures.append(f"user {self.n} {method} {url}: "
                                     + (f"{r.status_code} {r.text[:200]}" if r is not None else err))
        return r if ok else None

    def run(self) -> None:
        try:
            self.session()
        except Exception as e:  # noqa: BLE001 - a crashed user is a failure to report, not to hide
            with self.lock:
                self.failures.append(f"user {self.n} crashed: {type(e).__name__}: {e}")

    def session(self) -> None:
        with self.studio.client(timeout=60.0) as c:
            self.call(c, "GET examples", "GET", "/api/examples")
            r = self.call(c, "POST project", "POST", "/api/projects", json={"name": f"user {self.n}", "example": "xor"})
            if r is None:
                return
            p = r.json()
            pid = p["id"]
            doc = dict(p["doc"], description=f"learner {self.n}")
            doc["training"] = dict(doc["training"], epochs=self.epochs)
            if self.call(c, "PUT project", "PUT", f"/api/projects/{pid}",
                         json={"doc": doc, "revision": p["revision"]}) is None:
                return
            self.call(c, "GET validate", "GET", f"/api/projects/{pid}/validate")
            self.call(c, "GET summary", "GET", f"/api/projects/{pid}/summary")
            r = self.call(c, "POST run", "POST", f"/api/projects/{pid}/runs", json={})
            if r is None:
                return
            rid = r.json()["run_id"]
            status = "queued"
            while status in ("queued", "running", "paused") and time.monotonic() < self.deadline:
                time.sleep(0.5)
                r = self.call(c, "GET run status", "GET", f"/api/projects/{pid}/runs/{rid}")
                status = r.json()["status"] if r is not None else status
            if status != "finished":
                with self.lock:
                    self.failures.append(f"user {self.n}: run {rid} ended {status!r}")
                return
            self.call(c, "POST predict", "POST", f"/api/projects/{pid}/predict", json={"inputs": [[0.0, 1.0]]})


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=20, help="simulated users at once (at most 50)")
    ap.add_argument("--epochs", type=int, default=5, help="epochs each user trains")
    ap.add_argument("--timeout", type=float, default=300.0, help="give up after this many seconds")
    args = ap.parse_args()
    users = max(1, min(args.users, 50))

    from studio_proc import Studio  # noqa: E402  (tests/server: starts `layerlab studio` on 127.0.0.1)
    home = Path(tempfile.mkdtemp(prefix="layerlab-load-")) / "home"
    t_start = time.perf_counter()
    studio = Studio(home, token=os.urandom(12).hex())
    assert studio.url.startswith(f"http://{LOOPBACK}:"), "the load test only ever targets the loopback"
    started_s = time.perf_counter() - t_start
    stats: dict[str, list[float]] = defaultdict(list)
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + args.timeout
    try:
        t0 = time.perf_counter()
        crowd = [User(i + 1, studio, args.epochs, deadline, stats, failures, lock) for i in range(users)]
        for u in crowd:
            u.start()
        for u in crowd:
            u.join(max(1.0, deadline - time.monotonic()))
        wall = time.perf_counter() - t0
        alive = [u.name for u in crowd if u.is_alive()]
        failures += [f"{name}: still busy at the timeout" for name in alive]
    finally:
        studio.stop()

    total = sum(len(v) for v in stats.values())
    print(f"LayerLab load test: {users} users at once, xor for {args.epochs} epochs each, "
          f"server on {LOOPBACK} (started in {started_s:.1f} s)")
    print(f"{'request':18} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    everything = [x for v in stats.values() for x in v]
    for kind in sorted(stats):
        v = stats[kind]
        print(f"{kind:18} {len(v):6d} {statistics.median(v) * 1e3:8.1f} {pct(v, 0.95) * 1e3:8.1f} {max(v) * 1e3:8.1f}")
    if everything:
        print(f"{'all':18} {total:6d} {statistics.median(everything) * 1e3:8.1f} "
              f"{pct(everything, 0.95) * 1e3:8.1f} {max(everything) * 1e3:8.1f}")
    print(f"wall time {wall:.1f} s; failed requests: {len(failures)}")
    from common import save
    save("load_test", {"users": users, "epochs": args.epochs, "requests": total, "failed": len(failures),
                       "wall_s": round(wall, 2), "server_start_s": round(started_s, 2),
                       "ms": {kind: {"count": len(v), "p50": round(statistics.median(v) * 1e3, 1),
                                     "p95": round(pct(v, 0.95) * 1e3, 1), "max": round(max(v) * 1e3, 1)}
                              for kind, v in sorted(stats.items())}})
    for f in failures[:20]:
        print("  FAILED", f)
    return 1 if failures or not everything else 0


if __name__ == "__main__":
    sys.exit(main())
