"""Load: 20 clients at once against a real `layerlab studio` on 127.0.0.1, one of them hostile.

Nineteen clients do a pupil's ordinary work through the HTTP API and the studio's pages:
list the examples and the projects, create a project, open its Home, Model and Train pages,
edit it (revision-guarded PUT), validate it, read its summary, train a small model, poll the
run until it ends, and predict with it. One hostile client meanwhile sends, over and over
until the others are done, what issue 15 found could hurt a server: a 10,000-layer spec,
`NaN` and `1e400` in raw bodies, residual blocks nested 20 deep, JSON nested 300 levels,
dense 65536 -> 65536 (4.3e9 parameters), a CSV of 10,000 text columns, a ZIP of 100 blank
39.7-megapixel PNGs; and it keeps a 10,000-epoch run training the whole time.

Reported: latency p50/p95/max of the others' requests (per kind and all together), the
count of 5xx answers from anyone (must be 0), the others' failed requests (any non-2xx or
dropped connection, or a run that does not finish; must be 0), what each hostile request
got (all refusals, 4xx) and how long it took, and whether the 10,000-epoch run was still
training when the last short run finished (the scheduler's fairness: each client is its own
owner, by its session cookie). Bounded: at most --users clients (50) and --timeout seconds;
the server only ever listens on 127.0.0.1.

The studio runs with the class server's budgets (LAYERLAB_PROFILE=class) and a short time
slice (--slice, LAYERLAB_TIME_SLICE_S) so the long run gives way within seconds.

Reproduce:

    .venv/bin/python bench/load_test.py                 # 19 + 1 hostile, xor for 5 epochs each
    .venv/bin/python bench/load_test.py --quick         # 3 + 1 hostile, smaller files (the suite's variant)
    .venv/bin/python bench/load_test.py --no-hostile    # 20 ordinary clients, for comparison

Exits 1 when any 5xx, failed request or accepted hostile request was seen.
"""
from __future__ import annotations

import argparse
import copy
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from loadclient import ACTIVE, LOOPBACK, ServerProcess, pct, table  # noqa: E402  (bench/, the shared client)
from loadclient import Tally as Requests  # noqa: E402


class Tally(Requests):
    """Every request's kind, status and seconds (bench/loadclient.py), and the owner each client's runs got."""

    def __init__(self) -> None:
        super().__init__()
        self.owners: dict[str, str] = {}  # client -> the owner id its runs got (by its session cookie)

    def owner(self, who: str, r) -> None:
        if r is not None and r.is_success:
            with self.lock:
                self.owners[who] = r.json().get("owner")


# -- the ordinary clients --------------------------------------------------------------------------
class Pupil(threading.Thread):
    """One ordinary client: a full list-open-edit-train-predict session."""

    def __init__(self, n: int, studio, epochs: int, deadline: float, tally: Tally, finished_at: list):
        super().__init__(name=f"pupil-{n}", daemon=True)
        self.n, self.studio, self.epochs, self.deadline, self.tally = n, studio, epochs, deadline, tally
        self.finished_at = finished_at

    def call(self, c, kind, method, url, **kw):
        r = self.tally.call(c, self.name, kind, method, url, **kw)
        return r if r is not None and r.is_success else None

    def run(self) -> None:
        try:
            self.session()
        except Exception as e:  # noqa: BLE001 - a crashed client is a failure to report, not to hide
            with self.tally.lock:
                self.tally.failures.append(f"{self.name} crashed: {type(e).__name__}: {e}")

    def session(self) -> None:
        with self.studio.client(timeout=60.0) as c:
            self.call(c, "GET examples", "GET", "/api/examples")
            self.call(c, "GET projects", "GET", "/api/projects")
            r = self.call(c, "POST project", "POST", "/api/projects", json={"name": f"pupil {self.n}", "example": "xor"})
            if r is None:
                return
            p = r.json()
            pid = p["id"]
            self.call(c, "page Home", "GET", "/")
            self.call(c, "page Model", "GET", f"/p/{pid}/model")
            doc = dict(p["doc"], description=f"pupil {self.n}")
            doc["training"] = dict(doc["training"], epochs=self.epochs)
            if self.call(c, "PUT project", "PUT", f"/api/projects/{pid}",
                         json={"doc": doc, "revision": p["revision"]}) is None:
                return
            self.call(c, "GET validate", "GET", f"/api/projects/{pid}/validate")
            self.call(c, "GET summary", "GET", f"/api/projects/{pid}/summary")
            self.call(c, "page Train", "GET", f"/p/{pid}/train")
            r = self.call(c, "POST run", "POST", f"/api/projects/{pid}/runs", json={})
            if r is None:
                return
            self.tally.owner(self.name, r)
            rid = r.json()["run_id"]
            status = "queued"
            while status in ACTIVE and time.monotonic() < self.deadline:
                time.sleep(0.3)
                r = self.call(c, "GET run", "GET", f"/api/projects/{pid}/runs/{rid}")
                status = r.json()["status"] if r is not None else status
            if status != "finished":
                with self.tally.lock:
                    self.tally.failures.append(f"{self.name}: run {rid} ended {status!r}")
                return
            with self.tally.lock:
                self.finished_at.append(time.monotonic())
            self.call(c, "POST predict", "POST", f"/api/projects/{pid}/predict", json={"inputs": [[0.0, 1.0]]})


# -- the hostile client -----------------------------------------------------------------------------
def wide_csv(rows: int, columns: int = 10_000, values: int = 40) -> bytes:
    """rows x columns text values, `values` distinct per column: one-hot, columns x values features."""
    head = "label," + ",".join(f"c{i}" for i in range(columns))
    lines = [head] + [("ab"[r % 2] + "," + ",".join(f"v{(r * 7 + i) % values}" for i in range(columns)))
                      for r in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def blank_png_zip(pictures: int, side: int = 6300) -> bytes:
    """A ZIP of `pictures` blank side x side PNGs (6300^2 = 39.7 megapixels each), stored."""
    from PIL import Image
    buf = io.BytesIO()
    Image.new("L", (side, side)).save(buf, "PNG")
    png = buf.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for i in range(pictures):
            zf.writestr(f"blank/{i:03d}.png", png)
    return out.getvalue()


def raw_body(name: str, doc: dict, where: tuple, literal: str) -> bytes:
    """A create body whose value at `where` in doc is the JSON literal text (NaN, 1e400, ...)."""
    doc = copy.deepcopy(doc)
    node = doc
    for k in where[:-1]:
        node = node[k]
    node[where[-1]] = "__HOSTILE__"
    return json.dumps({"name": name, "doc": doc}).replace('"__HOSTILE__"', literal).encode()


class Hostile(threading.Thread):
    """The hostile client: every attack of issue 15 in turn until `done` is set, and one 10,000-epoch run."""

    def __init__(self, studio, tally: Tally, done: threading.Event, deadline: float, quick: bool):
        super().__init__(name="hostile", daemon=True)
        self.studio, self.tally, self.done, self.deadline = studio, tally, done, deadline
        from layerlab import api
        self.xor = api.example("xor")
        # 300 rows x 10,000 text columns of 40 values: 400,000 features (11 MB, as issue 15 found);
        # quick: 30 x 700 of 30 values, 21,000 features, still over the class's 20,000
        self.csv_shape = (30, 700, 30) if quick else (300, 10_000, 40)
        self.csv = wide_csv(*self.csv_shape)
        self.zip = blank_png_zip(12 if quick else 100)  # 12 x 39.7 MP = 476 MP, over the class's 400
        self.long: tuple[str, str] | None = None
        self.ready = threading.Event()  # set once the attacks' projects exist and the long run trains
        self.long_status: list[str] = []
        self.rounds = 0
        self.setup_s = 0.0
        self.setup_steps: dict[str, float] = {}
        self.unexpected: list[str] = []

    def doc_with(self, layers) -> dict:
        doc = copy.deepcopy(self.xor)
        doc["model"]["layers"] = layers
        return doc

    def attack(self, c, kind: str, method: str, url: str, answers_in_body: bool = False, **kw):
        """One hostile request; it must be refused (4xx), or with answers_in_body, answered with ok: false
        (a summary reports the budgets it breaks instead of failing)."""
        r = self.tally.call(c, self.name, kind, method, url, hostile=True, **kw)
        accepted = r is not None and r.is_success and not (answers_in_body and r.json().get("ok") is False)
        if accepted:
            with self.tally.lock:
                self.unexpected.append(f"{kind}: {method} {url} was accepted ({r.status_code})")
        return r

    def run(self) -> None:
        try:
            with self.studio.client(timeout=120.0) as c:
                t0 = time.perf_counter()
                try:
                    self.setup(c)
                finally:
                    self.setup_s = time.perf_counter() - t0
                    self.ready.set()
                while time.monotonic() < self.deadline:  # at least one whole round, then until the others are done
                    self.one_round(c)
                    self.rounds += 1
                    if self.done.is_set():
                        break
                if self.long is not None:
                    pid, rid = self.long
                    r = c.get(f"/api/projects/{pid}/runs/{rid}")
                    self.long_status.append(r.json()["status"] if r.is_success else f"HTTP {r.status_code}")
                    c.post(f"/api/projects/{pid}/runs/{rid}/stop")
        except Exception as e:  # noqa: BLE001
            with self.tally.lock:
                self.tally.failures.append(f"hostile crashed: {type(e).__name__}: {e}")

    def setup(self, c) -> None:
        """Projects the attacks need (accepted: they are ordinary until used) and the 10,000-epoch run."""
        hdr = {"content-type": "application/octet-stream"}
        mark = time.perf_counter()

        def step(name: str) -> None:
            nonlocal mark
            self.setup_steps[name] = round(time.perf_counter() - mark, 2)
            mark = time.perf_counter()
        doc = copy.deepcopy(self.xor)
        doc["training"] = dict(doc["training"], epochs=10_000, early_stopping=None)
        pid = c.post("/api/projects", json={"name": "forever", "doc": doc}).json()["id"]
        r = c.post(f"/api/projects/{pid}/runs", json={"epochs": 10_000})
        r.raise_for_status()
        self.tally.owner(self.name, r)
        self.long = (pid, r.json()["run_id"])
        step("10,000-epoch run started")
        self.big = c.post("/api/projects", json={"name": "huge dense", "doc": self.doc_with(
            [{"type": "dense", "units": 65536}, {"type": "dense", "units": 65536},
             {"type": "dense", "units": 2, "activation": "softmax"}])}).json()["id"]
        self.wide = c.post("/api/projects", json={"name": "wide csv", "example": "xor"}).json()["id"]
        saved = c.post(f"/api/projects/{self.wide}/uploads", params={"name": "wide.csv"}, content=self.csv,
                       headers=hdr)
        saved.raise_for_status()
        step("wide CSV uploaded")
        got = c.get(f"/api/projects/{self.wide}").json()
        wide_doc = dict(got["doc"], data={"source": "csv", "params": {"path": saved.json()["saved"][0],
                                                                        "target": "label"}})
        c.put(f"/api/projects/{self.wide}", json={"doc": wide_doc, "revision": got["revision"]}).raise_for_status()
        step("wide CSV chosen as the data")
        self.pics = c.post("/api/projects", json={"name": "pictures", "example": "xor"}).json()["id"]

    def one_round(self, c) -> None:
        deep: dict = {"type": "dense", "units": 2, "activation": "softmax"}
        for _ in range(20):
            deep = {"type": "residual", "layers": [deep]}
        json_hdr = {"content-type": "application/json"}
        self.attack(c, "10,000 layers", "POST", "/api/projects", json={"name": "tall", "doc": self.doc_with(
            [{"type": "dense", "units": 4}] * 9_999 + [{"type": "dense", "units": 2, "activation": "softmax"}])})
        self.attack(c, "NaN units", "POST", "/api/projects", headers=json_hdr,
                    content=raw_body("nan", self.xor, ("model", "layers", 0, "units"), "NaN"))
        self.attack(c, "1e400 units", "POST", "/api/projects", headers=json_hdr,
                    content=raw_body("huge", self.xor, ("model", "layers", 0, "units"), "1e400"))
        self.attack(c, "Infinity weight_decay", "POST", "/api/projects", headers=json_hdr,
                    content=raw_body("inf", self.xor, ("training", "weight_decay"), "Infinity"))
        self.attack(c, "residual nested 20 deep", "POST", "/api/projects",
                    json={"name": "deep", "doc": self.doc_with([deep])})
        self.attack(c, "JSON nested 300 levels", "POST", "/api/projects", headers=json_hdr,
                    content=b'{"name": "nest", "doc": ' + b"[" * 300 + b"]" * 300 + b"}")
        self.attack(c, "4.3e9 parameters: train", "POST", f"/api/projects/{self.big}/runs", json={})
        self.attack(c, "wide CSV: summary", "GET", f"/api/projects/{self.wide}/summary",
                    answers_in_body=True)
        self.attack(c, "wide CSV: train", "POST", f"/api/projects/{self.wide}/runs", json={})
        self.attack(c, "ZIP of blank 39.7 MP PNGs", "POST", f"/api/projects/{self.pics}/uploads",
                    params={"name": "blank.zip"}, content=self.zip,
                    headers={"content-type": "application/octet-stream"})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=20, help="clients at once, the hostile one included (at most 50)")
    ap.add_argument("--epochs", type=int, default=5, help="epochs each ordinary client trains")
    ap.add_argument("--timeout", type=float, default=600.0, help="give up after this many seconds")
    ap.add_argument("--slice", type=float, default=2.0, help="the scheduler's time slice in seconds")
    ap.add_argument("--max-runs", type=int, default=None,
                    help="runs training at once (LAYERLAB_MAX_RUNS; default: the studio's, half the cores)")
    ap.add_argument("--quick", action="store_true",
                    help="3 + 1 clients, 1 epoch, one run at a time, smaller hostile files")
    ap.add_argument("--no-hostile", dest="hostile", action="store_false", help="ordinary clients only")
    ap.add_argument("--keep", action="store_true", help="keep the studio's workspace (printed) for a look")
    ap.add_argument("--out", type=Path, default=None, help="result JSON (default bench/out/load_test[_quick].json)")
    args = ap.parse_args(argv)
    if args.quick:
        args.users, args.epochs, args.timeout = min(args.users, 4), 1, min(args.timeout, 180.0)
        args.max_runs = args.max_runs or 1  # one slot: the short runs can only finish if the long one gives way
    users = max(2 if args.hostile else 1, min(args.users, 50))
    pupils = users - 1 if args.hostile else users

    scratch = Path(tempfile.mkdtemp(prefix="layerlab-load-"))
    home = scratch / "home"
    tally = Tally()
    done, finished_at = threading.Event(), []
    hostile = None
    t_start = time.perf_counter()
    env = {"LAYERLAB_PROFILE": "class", "LAYERLAB_TIME_SLICE_S": str(args.slice)}
    if args.max_runs:
        env["LAYERLAB_MAX_RUNS"] = str(args.max_runs)
    studio = ServerProcess("studio", scratch / "studio.log", os.urandom(12).hex(),
                           env={"LAYERLAB_HOME": str(home), **env})
    assert studio.url.startswith(f"http://{LOOPBACK}:"), "the load test only ever targets the loopback"
    started_s = time.perf_counter() - t_start
    deadline = time.monotonic() + args.timeout
    try:
        if args.hostile:
            hostile = Hostile(studio, tally, done, deadline, args.quick)  # files are made before the clock
            hostile.start()
            hostile.ready.wait(120)  # the 10,000-epoch run is training before the others arrive
        t0 = time.perf_counter()
        crowd = [Pupil(i + 1, studio, args.epochs, deadline, tally, finished_at) for i in range(pupils)]
        for u in crowd:
            u.start()
        for u in crowd:
            u.join(max(1.0, deadline - time.monotonic()))
        wall = time.perf_counter() - t0
        done.set()
        if hostile is not None:
            hostile.join(max(1.0, deadline - time.monotonic() + 30))
        alive = [u.name for u in crowd + ([hostile] if hostile else []) if u.is_alive()]
        tally.failures += [f"{name}: still busy at the timeout" for name in alive]
    finally:
        studio.stop()
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)  # the workspace holds the hostile files (11 MB CSV, ...)

    times = [x for v in tally.times.values() for x in v]
    print(f"LayerLab load test: {pupils} ordinary clients" + (" + 1 hostile" if args.hostile else "")
          + f", xor for {args.epochs} epochs each, class budgets, time slice {args.slice:g} s, "
          f"server on {LOOPBACK} (started in {started_s:.1f} s)")
    per_kind = table(sorted(tally.times.items()) + [("all", times)], head="ordinary request")
    hostile_out = {}
    if hostile is not None:
        print(f"\n{'hostile request':32} {'count':>6} {'statuses':>16} {'max s':>7}")
        for kind, got in tally.hostile.items():
            statuses = sorted({s for s, _ in got})
            hostile_out[kind] = {"count": len(got), "statuses": statuses, "max_s": round(max(t for _, t in got), 2)}
            print(f"{kind:32} {len(got):6d} {','.join(map(str, statuses)):>16} {max(t for _, t in got):7.2f}")
        long_active = bool(hostile.long_status) and hostile.long_status[-1] in ACTIVE
        rows, columns, values = hostile.csv_shape
        print(f"wide CSV: {rows} rows x {columns:,} text columns of {values} values ({len(hostile.csv) / 1e6:.1f} MB); "
              f"ZIP of blank PNGs: {len(hostile.zip) / 1e6:.1f} MB")
        print(f"hostile set-up (before the others started) took {hostile.setup_s:.1f} s: {hostile.setup_steps}")
        print(f"\nthe 10,000-epoch run was {hostile.long_status[-1] if hostile.long_status else 'never started'} "
              f"after the last ordinary run finished ({hostile.rounds} hostile rounds)")
    owners = set(tally.owners.values())
    print(f"runs were started by {len(tally.owners)} clients as {len(owners)} owners: {sorted(owners)[:3]}...")
    if args.keep:
        print(f"workspace kept: {home}")
    print(f"wall time {wall:.1f} s; 5xx answers: {len(tally.server_errors)}; failed ordinary requests: "
          f"{len(tally.failures)}" + (f"; hostile requests accepted: {len(hostile.unexpected)}" if hostile else ""))
    for f in (tally.server_errors + tally.failures + (hostile.unexpected if hostile else []))[:20]:
        print("  FAILED", f)
    result = {"clients": users, "ordinary": pupils, "hostile": bool(hostile), "epochs": args.epochs,
              "profile": "class", "time_slice_s": args.slice, "max_runs": args.max_runs, "quick": args.quick,
              "clients_with_runs": len(tally.owners), "distinct_owners": len(owners),
              "requests": len(times), "p50_ms": round(statistics.median(times) * 1e3, 1) if times else None,
              "p95_ms": round(pct(times, 0.95) * 1e3, 1) if times else None,
              "max_ms": round(max(times) * 1e3, 1) if times else None,
              "server_errors_5xx": len(tally.server_errors), "failed": len(tally.failures),
              "wall_s": round(wall, 2), "server_start_s": round(started_s, 2),
              "ms": {kind: v for kind, v in per_kind.items() if kind != "all"},
              "hostile_requests": hostile_out,
              "hostile_accepted": hostile.unexpected if hostile else [],
              "long_run_status_at_end": hostile.long_status[-1] if hostile and hostile.long_status else None,
              "hostile_rounds": hostile.rounds if hostile else 0,
              "hostile_setup_s": round(hostile.setup_s, 2) if hostile else None,
              "problems": (tally.server_errors + tally.failures)[:50]}
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    else:
        from common import save
        save("load_test_quick" if args.quick else "load_test", result)
    bad = tally.server_errors or tally.failures or (hostile is not None and hostile.unexpected) or not times
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
