"""Load: a class of 30 pupils against a real `layerlab classroom` on 127.0.0.1 (issue 17).

The class server runs as a subprocess (fixed LAYERLAB_TOKEN and LAYERLAB_CLASS_CODE, a temporary
--workspace). Each simulated pupil, an asyncio task with its own httpx client, does a lesson's
work:

    join          POST /api/class/join {code, name}            -> the pupil's token
    create        POST /api/projects {"example": "xor"}       (in the pupil's own workspace)
    Model page    GET /p/<id>/model as a browser does (HTML, the pupil's cookie)
    edit          PUT /api/projects/<id> with its revision (the first layer's units 8 -> 12)
    train         POST /api/projects/<id>/runs {"epochs": E}, then the Train page (GET /p/<id>/train)
                  and its socket.io connection with the page's client id (NiceGUI's handshake),
                  open while the run trains (the page's live charts come through it); polling
                  GET .../runs/<run> until it ends
    Test page     GET /p/<id>/test
    predict       POST /api/projects/<id>/predict

Each pupil connects from an address of its own on the loopback (127.0.0.2, 127.0.0.3, ...: as
thirty devices on a school's network, so joining's per-address rate limit treats them as
thirty devices); the server only ever listens on 127.0.0.1. Meanwhile a teacher polls
GET /api/class/pupils (every --teacher-every s) and notes when each pupil's new result (best
validation accuracy) first shows; the lag is that moment minus the run's end as the run
registry recorded it.

Reported: zero 5xx, page p95 and API p95 (target < 1 s), every run finished, the teacher's lag
(target < 2 s), socket messages the pupils' pages received. Bounded: at most 60 pupils, one
lesson each, --timeout seconds.

Also reported: where the CPU went in the lesson (the server, its training workers, the simulated clients,
everything else on the machine), so a slow run says whether the server was short of CPU. The server
process, the request tally and the socket.io client are bench/loadclient.py's (shared with load_test.py).

Reproduce (others share the machine: nice):

    nice -n 10 .venv/bin/python bench/classroom_load.py              # 30 pupils, xor 3 epochs
    nice -n 10 .venv/bin/python bench/classroom_load.py --no-train   # joins and page loads alone
    nice -n 10 .venv/bin/python bench/classroom_load.py --settle     # pupils come once start-up work is done
    .venv/bin/python bench/classroom_load.py --quick                 # 4 pupils, 1 epoch (the suite's)

Exits 1 on any 5xx, failed request, run that did not finish, or a result the teacher never saw.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from loadclient import ACTIVE, LOOPBACK, CpuWatch, ServerProcess, Tally, cpu_line, open_socket, pct, table

ROOT = Path(__file__).resolve().parents[1]
TEACHER, CODE = "bench-teacher-token", "BENCH7"
PAGES = ("model", "train", "test")


def class_server(root: Path, env: dict[str, str]) -> ServerProcess:
    """`layerlab classroom` on 127.0.0.1 with a fixed teacher's token and class code, root as its folder."""
    return ServerProcess("classroom", root.parent / "classroom.log", TEACHER,
                         ("--workspace", str(root), "--class-name", "bench"), dict(env, LAYERLAB_CLASS_CODE=CODE))


class Lesson:
    """The whole class: pupils, the teacher's poller, what each saw and when."""

    def __init__(self, server: ServerProcess, pupils: int, epochs: int, arrive_s: float, deadline: float,
                 teacher_every: float, sockets: bool, train: bool = True, settle: bool = False):
        self.server, self.n, self.epochs, self.arrive_s = server, pupils, epochs, arrive_s
        self.deadline, self.teacher_every, self.sockets = deadline, teacher_every, sockets
        self.train, self.settle = train, settle
        self.cpu = CpuWatch(server)
        self.settle_s = 0.0
        self.tally = Tally()
        self.ended: dict[str, float] = {}          # pupil id -> the run's end (registry's wall clock)
        self.finished: dict[str, str] = {}         # pupil id -> the run's last status
        self.seen: dict[str, float] = {}           # pupil id -> when the teacher first saw its result
        self.queue_seen: int = 0                   # most runs the teacher saw queued at once
        self.ahead_seen: int = 0                   # largest "n ahead" the teacher saw
        self.socket_msgs: dict[str, int] = {}
        self.socket_errors: list[str] = []
        self.done = asyncio.Event()
        self.warm_s = 0.0

    # -- a pupil -----------------------------------------------------------------------------------
    async def pupil(self, i: int) -> None:
        who = f"pupil-{i + 1}"
        await asyncio.sleep(self.arrive_s * i / max(1, self.n))
        # a device of its own on the loopback: 127.0.0.2, 127.0.0.3, ...
        transport = httpx.AsyncHTTPTransport(local_address=f"127.0.0.{i + 2}")
        async with httpx.AsyncClient(base_url=self.server.url, transport=transport, timeout=60.0) as c:
            try:
                await self.lesson(c, who, i)
            except Exception as e:  # noqa: BLE001 - a crashed pupil is a failure to report
                self.tally.failures.append(f"{who} crashed: {type(e).__name__}: {e}")

    async def lesson(self, c: httpx.AsyncClient, who: str, i: int) -> None:
        t = self.tally
        r = await t.acall(c, who, "API join", "POST", "/api/class/join", json={"code": CODE, "name": f"Kid {i + 1}"})
        if r is None:
            return
        token, pid_pupil = r.json()["token"], r.json()["pupil"]["id"]
        c.headers["Authorization"] = f"Bearer {token}"
        r = await t.acall(c, who, "API create", "POST", "/api/projects", json={"name": "my xor", "example": "xor"})
        if r is None:
            return
        p = r.json()
        pid = p["id"]
        c.cookies.set(f"layerlab_pupil_{self.server.port}", token)

        async def page(name: str) -> str:  # as a browser: the cookie, no bearer
            pr = await t.acall(c, who, "page", "GET", f"/p/{pid}/{name}", headers={"Accept": "text/html"})
            return pr.text if pr is not None else ""
        await page("model")
        doc = json.loads(json.dumps(p["doc"]))
        doc["model"]["layers"][0]["units"] = 12
        r = await t.acall(c, who, "API edit", "PUT", f"/api/projects/{pid}",
                         json={"doc": doc, "revision": p["revision"]})
        if r is None:
            return
        if not self.train:  # joins and page loads alone: the Train page (its socket open 2 s), then the Test page
            sock = await self.open_socket(who, await page("train"), token) if self.sockets else None
            await asyncio.sleep(2.0)
            if sock is not None:
                await sock.disconnect()
            await page("test")
            return
        r = await t.acall(c, who, "API train", "POST", f"/api/projects/{pid}/runs", json={"epochs": self.epochs})
        if r is None:
            return
        rid, status = r.json()["run_id"], r.json()["status"]
        # the Train page attaches to the run going on; its socket then carries the live charts
        train_page = await page("train")
        sock = await self.open_socket(who, train_page, token) if self.sockets else None
        try:
            while status in ACTIVE and time.monotonic() < self.deadline:
                await asyncio.sleep(0.5)
                r = await t.acall(c, who, "API poll run", "GET", f"/api/projects/{pid}/runs/{rid}")
                status = r.json()["status"] if r is not None else status
            self.finished[pid_pupil] = status
            if status != "finished":
                t.failures.append(f"{who}: run {rid} ended {status!r}")
                return
            r = await t.acall(c, who, "API list runs", "GET", f"/api/projects/{pid}/runs")
            if r is not None:
                ended = next((x.get("ended") for x in r.json() if x["run_id"] == rid), None)
                if ended:
                    self.ended[pid_pupil] = float(ended)
            await page("test")
            await t.acall(c, who, "API predict", "POST", f"/api/projects/{pid}/predict", json={"inputs": [[0.0, 1.0]]})
        finally:
            if sock is not None:
                await sock.disconnect()

    async def open_socket(self, who: str, page: str, token: str, headers: dict[str, str] | None = None):
        """The page's socket.io connection (bench/loadclient.py); its messages are counted when it closes."""
        self.socket_msgs[who] = 0
        sock = await open_socket(self.server.url, page, headers or {
            "Cookie": f"layerlab_pupil_{self.server.port}={token}", "Origin": self.server.url},
            self.socket_errors, who)
        if sock is None:
            return None
        msgs = self.socket_msgs

        class Counted:
            async def disconnect(_self) -> None:
                msgs[who] = sock.count
                await sock.disconnect()
        return Counted()

    # -- the teacher ---------------------------------------------------------------------------------
    async def teacher(self) -> None:
        async with httpx.AsyncClient(base_url=self.server.url, timeout=60.0,
                                     headers={"Authorization": f"Bearer {TEACHER}"}) as c:
            sock = None
            if self.sockets:  # the teacher's page is open the whole lesson (it redraws every 2 s)
                page = await self.tally.acall(c, "teacher", "page teacher", "GET", "/teacher")
                sock = await self.open_socket("teacher", page.text if page is not None else "", "",
                                              {"Authorization": f"Bearer {TEACHER}", "Origin": self.server.url})
            while not self.done.is_set() and time.monotonic() < self.deadline:
                self.cpu.sample()
                r = await self.tally.acall(c, "teacher", "API teacher pupils", "GET", "/api/class/pupils")
                now = time.time()
                if r is not None:
                    queued = 0
                    for row in r.json():
                        if row.get("best") is not None and row["id"] not in self.seen:
                            self.seen[row["id"]] = now
                        tr = row.get("training") or {}
                        if tr.get("status") == "queued":
                            queued += 1
                            self.ahead_seen = max(self.ahead_seen, tr.get("position") or 0)
                    self.queue_seen = max(self.queue_seen, queued)
                try:
                    await asyncio.wait_for(self.done.wait(), self.teacher_every)
                except asyncio.TimeoutError:
                    pass
            if sock is not None:
                await sock.disconnect()
            # results that ended after the last look: one more look, so each gets a lag
            await asyncio.sleep(self.teacher_every)
            r = await self.tally.acall(c, "teacher", "API teacher pupils", "GET", "/api/class/pupils")
            now = time.time()
            for row in (r.json() if r is not None else []):
                if row.get("best") is not None and row["id"] not in self.seen:
                    self.seen[row["id"]] = now

    async def warm_up(self) -> float:
        """The teacher prepares the lesson before the pupils come: opens the teacher page, makes a project
        and opens its pages (the server's first pages load the studio's code; not counted)."""
        t0 = time.perf_counter()
        async with httpx.AsyncClient(base_url=self.server.url, timeout=120.0,
                                     headers={"Authorization": f"Bearer {TEACHER}"}) as c:
            for url in ("/teacher", "/api/class/pupils"):
                (await c.get(url)).raise_for_status()
            r = await c.post("/api/projects", json={"name": "lesson", "example": "xor"})
            r.raise_for_status()
            for page in PAGES:
                (await c.get(f"/p/{r.json()['id']}/{page}")).raise_for_status()
        return time.perf_counter() - t0

    async def run(self) -> float:
        self.warm_s = await self.warm_up()
        if self.settle:  # the teacher started the server before the lesson: its start-up work is done
            self.settle_s = await asyncio.to_thread(self.server.settle)
        self.cpu.start()
        t0 = time.perf_counter()
        teacher = asyncio.create_task(self.teacher())
        await asyncio.gather(*(self.pupil(i) for i in range(self.n)))
        wall = time.perf_counter() - t0
        self.cpu_used = self.cpu.stop()
        self.done.set()
        await teacher
        return wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pupils", type=int, default=30, help="simulated pupils (at most 60)")
    ap.add_argument("--epochs", type=int, default=3, help="epochs each pupil trains xor for")
    ap.add_argument("--arrive", type=float, default=10.0, help="pupils arrive spread over this many seconds")
    ap.add_argument("--teacher-every", type=float, default=0.5, help="the teacher's poll of /api/class/pupils (s)")
    ap.add_argument("--timeout", type=float, default=900.0, help="give up after this many seconds")
    ap.add_argument("--max-runs", type=int, default=None, help="runs training at once (LAYERLAB_MAX_RUNS)")
    ap.add_argument("--no-sockets", dest="sockets", action="store_false", help="HTTP only, no socket.io clients")
    ap.add_argument("--no-train", dest="train", action="store_false",
                    help="joins and page loads alone: join, create, Model page, edit, Train page, Test page")
    ap.add_argument("--settle", action="store_true", help="pupils come once the server's start-up work is done "
                    "(its process under 0.1 of a core for 1 s, at most 30 s), as when it was started before class")
    ap.add_argument("--quick", action="store_true", help="4 pupils, 1 epoch (the suite's variant)")
    ap.add_argument("--out", type=Path, default=None, help="result JSON (default bench/out/classroom_load[_quick].json)")
    args = ap.parse_args(argv)
    if args.quick:
        args.pupils, args.epochs, args.arrive, args.timeout = min(args.pupils, 4), 1, 1.0, min(args.timeout, 120.0)
    pupils = max(1, min(args.pupils, 60))

    scratch = Path(tempfile.mkdtemp(prefix="layerlab-class-load-"))
    env = {"LAYERLAB_MAX_RUNS": str(args.max_runs)} if args.max_runs else {}
    t_start = time.perf_counter()
    server = class_server(scratch / "class", env)
    assert server.url.startswith(f"http://{LOOPBACK}:"), "the load run only ever targets the loopback"
    started_s = time.perf_counter() - t_start
    lesson = Lesson(server, pupils, args.epochs, args.arrive, time.monotonic() + args.timeout, args.teacher_every,
                    args.sockets, args.train, args.settle)
    load_before = os.getloadavg()[0]
    try:
        cpu0 = server.cpu_s()
        wall = asyncio.run(lesson.run())
        cpu = server.cpu_s() - cpu0
        load_after = os.getloadavg()[0]
        log = server.output()
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    if "Traceback" in log:
        lesson.tally.failures.append("the server logged a traceback: " + log[log.index("Traceback"):][:600])

    t = lesson.tally
    pages = t.times.get("page", [])
    apis = [x for k, v in t.times.items() if k.startswith("API") for x in v]
    lags = {p: lesson.seen[p] - e for p, e in lesson.ended.items() if p in lesson.seen}
    unseen = sorted(set(lesson.ended) - set(lesson.seen))
    finished = sum(s == "finished" for s in lesson.finished.values())
    work = f"xor for {args.epochs} epoch(s) each" if args.train else "no training (joins and pages alone)"
    print(f"LayerLab class of {pupils}: {work}, arriving over {args.arrive:g} s, server on {LOOPBACK} (started in "
          f"{started_s:.1f} s, teacher's warm-up {lesson.warm_s:.1f} s"
          + (f", settled after {lesson.settle_s:.1f} s more" if args.settle else "")
          + f"), socket.io {'on' if args.sockets else 'off'}")
    per_kind = table(sorted(t.times.items()) + [("all pages", pages), ("all API", apis)])
    lag_v = list(lags.values())
    if lag_v:
        print(f"teacher sees a new result after: median {statistics.median(lag_v):.2f} s, "
              f"p95 {pct(lag_v, 0.95):.2f} s, max {max(lag_v):.2f} s (polling every {args.teacher_every:g} s)")
    print(f"runs finished: {finished} of {pupils if args.train else 0}; most queued at once (teacher's view): {lesson.queue_seen}, "
          f"largest 'n ahead': {lesson.ahead_seen}")
    if args.sockets:
        msgs = [v for k, v in lesson.socket_msgs.items() if k != "teacher"]
        print(f"socket.io: {len(msgs)} of {pupils} Train pages connected, {sum(msgs)} messages received; "
              f"the teacher's page got {lesson.socket_msgs.get('teacher', 0)}"
              + (f"; refused: {len(lesson.socket_errors)}" if lesson.socket_errors else ""))
    print(f"the server's process used {cpu:.1f} CPU-s in the lesson's {wall:.1f} s ({cpu / wall:.2f} of a core; "
          f"warm-up included); load average {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} cores")
    print(cpu_line(lesson.cpu_used))
    print(f"wall time {wall:.1f} s; 5xx answers: {len(t.server_errors)}; failed requests: {len(t.failures)}; "
          f"results the teacher never saw: {len(unseen)}")
    for f in (t.server_errors + t.failures + lesson.socket_errors)[:20]:
        print("  FAILED", f)
    result = {"pupils": pupils, "epochs": args.epochs, "arrive_s": args.arrive, "quick": args.quick,
              "sockets": args.sockets, "train": args.train, "settle_s": round(lesson.settle_s, 1),
              "cpu": lesson.cpu_used, "server_start_s": round(started_s, 2), "server_cpu_s": round(cpu, 1), "cores": os.cpu_count(),
              "load_before": round(load_before, 1), "load_after": round(load_after, 1), "warm_up_s": round(lesson.warm_s, 2), "wall_s": round(wall, 2),
              "requests": len(pages) + len(apis),
              "page_p95_ms": round(pct(pages, 0.95) * 1e3, 1) if pages else None,
              "api_p95_ms": round(pct(apis, 0.95) * 1e3, 1) if apis else None,
              "ms": per_kind,
              "runs_finished": finished, "server_errors_5xx": len(t.server_errors), "failed": len(t.failures),
              "teacher_lag_s": {"median": round(statistics.median(lag_v), 2), "p95": round(pct(lag_v, 0.95), 2),
                                "max": round(max(lag_v), 2)} if lag_v else None,
              "teacher_poll_s": args.teacher_every, "unseen_results": len(unseen),
              "most_queued": lesson.queue_seen, "largest_ahead": lesson.ahead_seen,
              "socket_pages": sum(k != "teacher" for k in lesson.socket_msgs),
              "socket_messages": sum(v for k, v in lesson.socket_msgs.items() if k != "teacher"),
              "teacher_socket_messages": lesson.socket_msgs.get("teacher"),
              "socket_errors": lesson.socket_errors[:10],
              "problems": (t.server_errors + t.failures)[:50]}
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    else:
        out = ROOT / "bench" / "out"
        out.mkdir(exist_ok=True)
        (out / ("classroom_load_quick.json" if args.quick else "classroom_load.json")).write_text(
            json.dumps(result, indent=2) + "\n")
    bad = (t.server_errors or t.failures or (args.train and finished < pupils) or unseen or lesson.socket_errors
           or not pages or not apis)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
