"""Training worker processes: each run trains in a process of its own, apart from the server.

A worker is a fresh Python interpreter (`python -m layerlab.engine.worker_main FD`) started
ahead of time, so pressing Train does not wait for torch to import: it imports the engine,
the layer kinds and the data sources, pays torch's one-off costs (`setup.warm_up`), says
"ready" and waits for a job. It talks to the server over one socket pair with
`multiprocessing.connection` messages (tuples, pickled between these two processes only):

    server -> worker   ("job", job)  ("control", "stop" | "pause" | "resume" | "yield" | "step")
                       ("control", "pace", seconds)  ("exit",)
    worker -> server   ("ready", pid)  ("event", Event)  ("meta", meta.json dict)
                       ("done", status, history, final)       status: finished|stopped|failed|yielded
                       ("retire",)  before "done" when a CUDA error broke the process's GPU context:
                                    the worker exits after the result and a fresh one replaces it

A job is plain data (see `job_for`): the project's document and folder (the worker rebuilds
the Project from them, nothing is pickled from the caller), where its prepared dataset lies
in the on-disk cache (`datacache`), the modules that registered data sources or layer kinds
at run time (imported again in the worker, by name or by file), and the LAYERLAB_* and
thread settings of the caller. Run events and meta changes come back as messages; the
server keeps the run registry. When the server goes away the worker notices the closed
socket and exits; when a worker dies, the server marks its run failed in plain words.

A worker runs one job at a time and then waits for the next (its torch stays warm); a
crashed or killed worker is replaced by a fresh one. `executor="thread"` serves the same
protocol from a thread of the calling process (for debugging, or where processes cannot
be started); it cannot be killed, and module-level changes of the caller apply to it.
"""
from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import queue
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection, Pipe
from pathlib import Path
from typing import Any, Callable

from ..data.base import REGISTRY as SOURCES
from ..data.base import load_all as load_sources
from ..layers.base import REGISTRY as LAYERS
from ..store.runs import RunFolder, open_run, runs_dir
from . import datacache
from .control import Control
from .setup import warm_up

log = logging.getLogger(__name__)
THREAD_PREFIX = "layerlab-runner"
ENV_PREFIXES = ("LAYERLAB_", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


# -- what the caller sends -------------------------------------------------------------------
def _file_of(cls: type) -> str | None:
    """The file a class was defined in, from its functions' code (two test folders may each have a
    'conftest' module, so the module name alone can point at the wrong file)."""
    for v in vars(cls).values():
        code = getattr(getattr(v, "__func__", v), "__code__", None)
        if code is not None:
            return code.co_filename
    return getattr(sys.modules.get(cls.__module__), "__file__", None)


def plugin_modules() -> list[tuple[str, str | None, str, str, str]]:
    """(module, file, registry, name, class) of every data source and layer kind registered from outside
    layerlab, so a worker can import the module and register the same things under the same names."""
    found = []
    for label, reg in (("sources", SOURCES), ("layers", LAYERS)):
        for name, thing in list(reg.entries.items()):
            cls = thing if isinstance(thing, type) else type(thing)
            if cls.__module__ != "layerlab" and not cls.__module__.startswith("layerlab."):
                found.append((cls.__module__, _file_of(cls), label, name, cls.__qualname__))
    return sorted(found, key=lambda t: (t[0], t[1] or "", t[3]))


def job_for(run: Any, data_path: str | None, given_data: bool, resume: bool) -> dict[str, Any]:
    """The plain-data job of a run (everything a fresh process needs to train it)."""
    project = run.project
    cls = type(project)
    return {"run_id": run.run_id, "doc": project.doc, "dir": str(Path(project.dir).resolve()),
            "project_class": f"{cls.__module__}:{cls.__qualname__}", "epochs": run.epochs,
            "continue_from": run.continue_from, "resume": resume, "data_path": data_path,
            "given_data": given_data, "plugins": plugin_modules(), "sys_path": list(sys.path),
            "env": {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIXES)}}


# -- the worker's side ---------------------------------------------------------------------------
_imported: dict[str, Any] = {}


def _import_plugins(plugins: list[tuple[str, str | None, str, str, str]]) -> None:
    """Import the modules that registered sources or layer kinds in the caller (from their file when
    known, once per file, else by name), then register what the import alone did not (a source added
    by a function call, like bench/bench_source.py's)."""
    registries = {"sources": SOURCES, "layers": LAYERS}
    for name, file, label, entry, qualname in plugins:
        key = file or name
        try:
            known = registries[label].load().get(entry)
            if known is not None and type(known).__module__ == name:
                continue  # an installed package's entry point already registered it here
            if key not in _imported:
                _imported[key] = None
                if not file:
                    _imported[key] = importlib.import_module(name)
                else:
                    alias = name if name not in sys.modules else f"_layerlab_plugin_{len(_imported)}_{name}"
                    spec = importlib.util.spec_from_file_location(alias, file)
                    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
                    sys.modules[alias] = mod
                    spec.loader.exec_module(mod)  # type: ignore[union-attr]
                    _imported[key] = mod
            reg = registries[label]
            reg.load()
            if entry not in reg.entries and _imported[key] is not None:
                cls: Any = _imported[key]
                for part in qualname.split("."):
                    cls = getattr(cls, part)
                reg.entries.setdefault(entry, cls())
        except Exception:  # noqa: BLE001 - a run that needs it fails with "unknown source" in plain words
            log.warning("could not import %s (%s), which registered %s", name, file, entry, exc_info=True)


def _apply_env(env: dict[str, str]) -> None:
    for k in [k for k in os.environ if k.startswith(ENV_PREFIXES) and k not in env]:
        del os.environ[k]
    os.environ.update(env)


def _project(job: dict[str, Any]) -> Any:
    mod, _, qual = job["project_class"].partition(":")
    cls: Any = importlib.import_module(mod)
    for part in qual.split("."):
        cls = getattr(cls, part)
    return cls(job["doc"], Path(job["dir"]))


def run_job(job: dict[str, Any], control: Any, send: Callable[..., None], own_process: bool) -> tuple:
    """Train one job; returns ("done", status, history, final). Never raises for a failing run."""
    from .loop import Trainer  # start-up time: a worker process loads it in _warm, the studio never
    if own_process:
        _apply_env(job["env"])
        sys.path.extend(p for p in job["sys_path"] if p not in sys.path)
        _import_plugins(job["plugins"])
    project = _project(job)
    data_path = job["data_path"]

    def load_data() -> Any:
        ds = datacache.load(data_path) if data_path else None
        if ds is None and job["given_data"]:
            raise RuntimeError("the dataset handed to train() could not be read back from " + str(data_path))
        if ds is None:
            ds = project.dataset()
            if data_path and datacache.cacheable(ds):
                try:
                    datacache.save(ds, data_path)
                    datacache.prune(Path(data_path).parent)
                except OSError:
                    log.warning("could not cache the prepared dataset", exc_info=True)
        return ds

    rid = job["run_id"]
    parent = open_run(project.dir, job["continue_from"], need_weights=False) if job["continue_from"] else None
    folder = RunFolder(runs_dir(project.dir) / rid) if job["resume"] else RunFolder.create(project.dir, rid)
    trainer = Trainer(project, folder, epochs=job["epochs"], parent=parent, control=control,
                      emit=lambda e: send("event", e), on_meta=lambda m: send("meta", m),
                      load_data=load_data, resume=job["resume"])
    outcome = trainer.run()
    return ("done", outcome.status, outcome.history, outcome.final)


def serve(conn: Connection, own_process: bool) -> None:
    """The worker's loop: take jobs one after another; obey control messages meanwhile."""
    inbox: "queue.Queue[Any]" = queue.Queue()
    current: dict[str, Any] = {}
    lock = threading.Lock()

    def send(*message: Any) -> None:
        with lock:
            conn.send(message)

    def read() -> None:
        while True:
            try:
                m = conn.recv()
            except (EOFError, OSError):
                if own_process:
                    os._exit(0)  # the server is gone: nobody to train for
                inbox.put(None)
                return
            if m[0] == "job":
                current["control"] = Control()
                inbox.put((m[1], current["control"]))
            elif m[0] == "control" and current.get("control") is not None:
                ctrl = current["control"]
                {"stop": ctrl.stop, "pause": ctrl.pause, "resume": ctrl.resume, "yield": ctrl.request_yield,
                 "step": ctrl.step, "pace": ctrl.set_pace}[m[1]](*m[2:])
            elif m[0] == "exit":
                inbox.put(None)
                return

    threading.Thread(target=read, name="layerlab-worker-control", daemon=True).start()
    if own_process:
        _warm()
    send("ready", os.getpid())
    while True:
        item = inbox.get()
        if item is None:
            break
        job, control = item
        try:
            result = run_job(job, control, send, own_process)
        except BaseException as exc:  # noqa: BLE001 - reported; the server marks the run failed
            log.exception("run %s could not start", job.get("run_id"))
            result = ("crashed", f"{type(exc).__name__}: {exc}")
        current["control"] = None
        broken = own_process and _accelerator_broken()
        if broken:  # a CUDA error poisons this process's GPU context: every later run here would fail
            send("retire")
        send(*result)
        if broken:
            break


def _accelerator_broken() -> bool:
    """Whether this process's CUDA context is unusable (after a device-side assert, say)."""
    import torch
    if not torch.cuda.is_initialized():
        return False
    try:
        torch.cuda.synchronize()
    except Exception:  # noqa: BLE001 - any error here means the context is gone
        return True
    return False


def _warm() -> None:
    """Import what a run needs and pay torch's one-off costs before the first job."""
    from . import loop  # noqa: F401 - runs in the worker process: the training loop and everything it imports
    load_sources()
    LAYERS.load()
    warm_up()


def main(argv: list[str]) -> None:
    """Entry point of a worker process: `python -m layerlab.engine.worker_main FD`."""
    fd = int(argv[1])
    sock = socket.socket(fileno=fd)
    conn = Connection(sock.detach())
    serve(conn, own_process=True)


# -- the server's side ----------------------------------------------------------------------------
class Worker:
    """The server's handle of one worker (a process, or a thread with executor='thread')."""

    _count = 0

    def __init__(self, on_message: Callable[["Worker", tuple], None], on_exit: Callable[["Worker"], None],
                 executor: str = "process"):
        Worker._count += 1
        self.n = Worker._count
        self.on_message, self.on_exit = on_message, on_exit
        self.executor = executor
        self.proc: subprocess.Popen | None = None
        self.pid: int | None = None
        self.ready = False
        self.run: Any = None         # the Run it trains now (None when idle)
        self.alive = True
        self._lock = threading.Lock()
        if executor == "process":
            here, there = socket.socketpair()
            src = str(Path(__file__).resolve().parents[2])
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p))
            self.proc = subprocess.Popen([sys.executable, "-m", "layerlab.engine.worker_main", str(there.fileno())],
                                         pass_fds=[there.fileno()], stdin=subprocess.DEVNULL, env=env,
                                         start_new_session=True)
            there.close()
            self.conn = Connection(here.detach())
        else:
            self.conn, theirs = Pipe()
            threading.Thread(target=serve, args=(theirs, False), name=f"layerlab-worker-{self.n}",
                             daemon=True).start()
        threading.Thread(target=self._read, name=f"{THREAD_PREFIX}-{self.n}", daemon=True).start()

    def send(self, *message: Any) -> bool:
        """Send a message; False when the worker is gone."""
        with self._lock:
            try:
                self.conn.send(message)
                return True
            except (OSError, ValueError, BrokenPipeError):
                return False

    def _read(self) -> None:
        while True:
            try:
                m = self.conn.recv()
            except (EOFError, OSError):
                break
            if m[0] == "ready":
                self.pid, self.ready = m[1], True
            try:
                self.on_message(self, m)
            except Exception:  # noqa: BLE001 - a broken handler must not lose the worker's other messages
                log.exception("handling the worker's %s message failed", m[0])
        self.alive = False
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.on_exit(self)

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode if self.proc is not None else None

    def kill(self) -> None:
        """End the worker at once (SIGKILL); a thread worker cannot be killed and is left to finish."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()

    def close(self) -> None:
        """Ask an idle worker to exit."""
        self.send("exit")
        if self.proc is not None:
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
