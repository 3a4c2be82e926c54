"""What the two load benches share (bench/load_test.py, bench/classroom_load.py).

- `ServerProcess`: `layerlab studio` or `layerlab classroom` as a subprocess on 127.0.0.1 (a free port, a
  session of its own so its training workers stop with it, NiceGUI's test mode off), its log in a file.
- `Tally`: every request's kind, seconds and status, failures and 5xx answers, from threads (`call`) or
  asyncio tasks (`acall`).
- `open_socket`: a page's socket.io connection as the page's script opens it (NiceGUI's handshake with the
  client id in the page), counting the messages it gets.
- `CpuWatch`: where the machine's CPU went while the load ran: the server's process, its training workers,
  the bench itself, and everything else on the machine (other people's work on a shared machine).
- `pct` and `table`: percentiles and the per-kind table both benches print.
"""
from __future__ import annotations

import logging
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import psutil

LOOPBACK = "127.0.0.1"
READY = "LayerLab studio ready"
ACTIVE = ("queued", "running", "paused")
CLIENT_ID = re.compile(r"""['"]client_id['"]\s*:\s*['"]([0-9a-f-]{8,})['"]""")


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def table(rows: list[tuple[str, list[float]]], head: str = "request") -> dict[str, dict[str, float]]:
    """Print count, p50, p95 and max in ms per kind; the same figures as a dict for the JSON result."""
    print(f"{head:22} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    out = {}
    for kind, v in rows:
        if v:
            out[kind] = {"count": len(v), "p50": round(statistics.median(v) * 1e3, 1),
                         "p95": round(pct(v, 0.95) * 1e3, 1), "max": round(max(v) * 1e3, 1)}
            print(f"{kind:22} {len(v):6d} {out[kind]['p50']:8.1f} {out[kind]['p95']:8.1f} {out[kind]['max']:8.1f}")
    return out


class ServerProcess:
    """`layerlab <command>` on 127.0.0.1 with the given token, arguments and environment."""

    def __init__(self, command: str, log: Path, token: str, args: tuple[str, ...] = (),
                 env: dict[str, str] | None = None, timeout: float = 90.0):
        self.port, self.token = free_port(), token
        self.url = f"http://{LOOPBACK}:{self.port}"
        e = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}  # NiceGUI's test mode
        e.update(LAYERLAB_TOKEN=token, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1", **(env or {}))
        self.log = log
        self.out = open(self.log, "w")
        self.proc = subprocess.Popen([sys.executable, "-c", "from layerlab.cli import main; main()", command,
                                      "--no-browser", "--host", LOOPBACK, "--port", str(self.port), *args],
                                     env=e, stdout=self.out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while READY not in self.output():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the {command} server did not start:\n{self.output()[-3000:]}")
            time.sleep(0.2)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def client(self, **kw) -> httpx.Client:
        """A client with the token header (each client keeps its own cookies)."""
        kw.setdefault("timeout", 30.0)
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, **kw)

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the server's own process has used so far (0 once it is gone)."""
        try:
            t = psutil.Process(self.proc.pid).cpu_times()
            return t.user + t.system
        except psutil.Error:
            return 0.0

    def tree_cpu_s(self) -> float:
        """CPU seconds of the server's process and its children (training workers) now alive."""
        try:
            procs = [psutil.Process(self.proc.pid)]
            procs += procs[0].children(recursive=True)
        except psutil.Error:
            return 0.0
        total = 0.0
        for p in procs:
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except psutil.Error:
                pass
        return total

    def settle(self, below: float = 0.1, span: float = 1.0, limit: float = 30.0) -> float:
        """Wait until the server and its training workers together use less than `below` of a core over `span`
        seconds (their start-up work, background threads and torch's import in the workers, is done), at most
        `limit` seconds; the seconds waited."""
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < limit:
            c0 = self.tree_cpu_s()
            time.sleep(span)
            if self.tree_cpu_s() - c0 < below * span:
                break
        return time.perf_counter() - t0

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # its session: the server and its training workers
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.out.close()


class CpuWatch:
    """CPU seconds between start() and stop(): the server, its children (training workers), this process (the
    simulated clients) and the whole machine (/proc/stat), so a slow run says whether the server was short of
    CPU and who had it."""

    def __init__(self, server: ServerProcess):
        self.server = server
        self.kids: dict[int, float] = {}   # worker pid -> CPU seconds at its first sighting

    def _kids(self) -> dict[int, float]:
        out = {}
        try:
            for p in psutil.Process(self.server.proc.pid).children(recursive=True):
                try:
                    t = p.cpu_times()
                    out[p.pid] = t.user + t.system
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        return out

    @staticmethod
    def _machine() -> float:
        t = psutil.cpu_times()
        return sum(getattr(t, k, 0.0) for k in ("user", "nice", "system", "irq", "softirq", "steal"))

    @staticmethod
    def _me() -> float:
        t = os.times()
        return t.user + t.system

    def start(self) -> None:
        self.t0, self.server0, self.me0, self.machine0 = time.perf_counter(), self.server.cpu_s(), self._me(), \
            self._machine()
        self.kids = self._kids()

    def sample(self) -> None:
        """Note workers started since (call now and then: a worker's CPU counts from its first sighting)."""
        for pid, cpu in self._kids().items():
            self.kids.setdefault(pid, cpu)

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self.t0
        now = self._kids()
        workers = sum(max(0.0, now[pid] - self.kids.get(pid, now[pid])) for pid in now)
        server, me = self.server.cpu_s() - self.server0, self._me() - self.me0
        machine = self._machine() - self.machine0
        return {"wall_s": round(wall, 1), "server_cpu_s": round(server, 1), "workers_cpu_s": round(workers, 1),
                "clients_cpu_s": round(me, 1), "machine_cpu_s": round(machine, 1),
                "others_cpu_s": round(max(0.0, machine - server - workers - me), 1),
                "cores": os.cpu_count()}


def cpu_line(c: dict[str, float]) -> str:
    w = max(c["wall_s"], 1e-9)
    return (f"CPU in the lesson's {c['wall_s']:.1f} s on {c['cores']} cores: server {c['server_cpu_s']:.1f} s "
            f"({c['server_cpu_s'] / w:.2f} of a core), its training workers {c['workers_cpu_s']:.1f} s, the "
            f"simulated clients {c['clients_cpu_s']:.1f} s, everything else on the machine "
            f"{c['others_cpu_s']:.1f} s (machine busy {c['machine_cpu_s'] / w / c['cores']:.0%})")


class Tally:
    """Every request's kind, status and seconds; failures and 5xx answers (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.hostile: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.failures: list[str] = []
        self.server_errors: list[str] = []

    def record(self, who: str, kind: str, method: str, url: str, r: httpx.Response | None, err: str, dt: float,
               ok: Any = None, hostile: bool = False, time_dropped: bool = False) -> bool:
        """Note one request; whether it counts as answered (ok: the statuses wanted, default any 2xx).
        time_dropped: a dropped connection's seconds count among the kind's times too."""
        good = r is not None and (r.status_code in ok if ok is not None else r.is_success)
        with self.lock:
            if r is not None and r.status_code >= 500:
                self.server_errors.append(f"{who} {method} {url}: {r.status_code} {r.text[:200]}")
            if hostile:
                self.hostile[kind].append((r.status_code if r is not None else 0, dt))
                if r is None:
                    self.failures.append(f"{who} {method} {url}: {err}")
                return good
            if r is not None or time_dropped:
                self.times[kind].append(dt)
            if not good:
                self.failures.append(f"{who} {method} {url}: "
                                     + (f"{r.status_code} {r.text[:200]}" if r is not None else err))
        return good

    def call(self, c: httpx.Client, who: str, kind: str, method: str, url: str, hostile: bool = False,
             **kw) -> httpx.Response | None:
        """A request from a thread; the response whatever its status (None when the connection failed)."""
        t0 = time.perf_counter()
        r, err = None, ""
        try:
            r = c.request(method, url, **kw)
        except Exception as e:  # noqa: BLE001 - a refused or dropped connection is a failed request
            err = f"{type(e).__name__}: {e}"
        self.record(who, kind, method, url, r, err, time.perf_counter() - t0, hostile=hostile, time_dropped=True)
        return r

    async def acall(self, c: httpx.AsyncClient, who: str, kind: str, method: str, url: str,
                    ok: Any = (200, 201, 202), **kw) -> httpx.Response | None:
        """A request from an asyncio task; the response when its status is in ok, else None."""
        t0 = time.perf_counter()
        r, err = None, ""
        try:
            r = await c.request(method, url, **kw)
        except Exception as e:  # noqa: BLE001 - a dropped connection is a failed request
            err = f"{type(e).__name__}: {e}"
        return r if self.record(who, kind, method, url, r, err, time.perf_counter() - t0, ok=ok) else None


async def open_socket(url: str, page: str, headers: dict[str, str], errors: list[str], who: str):
    """The page's socket.io connection, as its script opens it (NiceGUI's implicit handshake with the client id
    in the page's HTML); an object whose `count` is the messages got so far and whose `disconnect()` closes it.
    None (and a line in errors) when the page had no client id or the server refused the socket."""
    import socketio  # python-socketio: only this bench needs it
    logging.getLogger("engineio.client").setLevel(logging.ERROR)  # "packet queue is empty" on each close
    m = CLIENT_ID.search(page)
    if not m:
        errors.append(f"{who}: no client id in the page")
        return None
    sio = socketio.AsyncClient(reconnection=False)

    class Counted:
        count = 0

        async def disconnect(self) -> None:
            await sio.disconnect()
    counted = Counted()

    @sio.on("*")
    async def _any(event, *args):  # every message the page's script would handle
        counted.count += 1
    query = (f"client_id={m.group(1)}&next_message_id=0&implicit_handshake=true"
             f"&document_id={os.urandom(6).hex()}&tab_id={os.urandom(6).hex()}")
    try:
        await sio.connect(f"{url}?{query}", socketio_path="/_nicegui_ws/socket.io", transports=["websocket"],
                          wait_timeout=30, headers=headers)
    except Exception as e:  # noqa: BLE001 - refused: counted, reported
        errors.append(f"{who}: socket refused: {type(e).__name__}: {e}")
        return None
    return counted
