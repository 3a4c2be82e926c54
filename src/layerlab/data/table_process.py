"""Large tables are read and profiled in a process of their own, once per version of the file.

Reading an 11 MB CSV of 300 rows x 10,000 text columns and finding its text columns' values
took about 7.5 s of CPU, in the server's process: its other clients' requests waited up to 3 s,
and it happened again for every target the user tried. Now a table file of `LARGE_BYTES` or
more is read in a separate process (one, started on first use, spawned: no copy of the
server's threads), which answers with

- its *profile* (column names, rows, the text columns' values and fills, distinct counts of the
  other text-like columns, which columns have a missing value): kept here, least recently used
  first out, keyed by the file's path and stamp, so choosing another target reads nothing and
  the features budget refuses a too-wide choice from the profile alone, in milliseconds;
- the encoded table (`build_table`'s RawData, by tabular.build_apart) when the choice is within
  the budgets: the process keeps its own profile too, so it reads the file but does not profile
  it again;
- a picker's description of the columns (`describe_table`, the same as api.describe_table).

A refusal comes back as the same SpecError (all four parts) as in one process. Smaller tables
take well under a second and stay in the calling process.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

from ..i18n import msg
from ..spec import errors
from ..spec.errors import SpecError
from .csvread import read_table
from .encode import numeric_view, text_columns
from .files import stamp
from .target_guess import describe_columns, guess_target

LARGE_BYTES = 1_000_000   # ~0.7 s of reading and profiling per MB of a wide text table: larger goes out
KEEP = 4                  # profiles kept (a 10,000-column profile holds its 400,000 values)
# `python -c ENTRY FD`: at a lower priority from its first line, and without the packages' __init__ (they
# import torch and the whole API: seconds of CPU, hundreds of MB, for a process that only reads tables)
ENTRY = """import os, signal, sys, types, importlib.util
signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl+C in the studio's terminal: the studio ends it
try:
    os.nice(10)
except OSError:
    pass
for name in ("layerlab", "layerlab.data"):
    found = importlib.util.find_spec(name)
    package = types.ModuleType(name)
    package.__path__ = list(found.submodule_search_locations)
    sys.modules[name] = package
from layerlab.data.table_process import main
main(sys.argv)
"""
_ENV = ("LAYERLAB_HOME", "LAYERLAB_LIMITS", "LAYERLAB_PROFILE")   # what the budgets are read from


@dataclass
class Profile:
    """What choosing a target needs to know of a table without reading it again."""
    columns: list[str]
    rows: int
    text: dict[str, tuple[list[str], str]]   # encode.text_columns of every column
    distinct: dict[str, int]                 # other columns: distinct text values (0: numeric)
    complete: dict[str, bool]                # column -> no missing value
    numeric: frozenset[str] = frozenset()    # the columns encode.numeric_view reads as numbers


def is_large(path: str | Path | None) -> bool:
    """Whether a table file is read in the table process."""
    try:
        return path is not None and Path(path).stat().st_size >= LARGE_BYTES
    except OSError:
        return False


def profile_of(df: Any) -> Profile:
    """The profile of a DataFrame whose column names are strings (runs in the table process)."""
    text = text_columns(df)
    distinct, numeric = {}, set()
    for c in df.columns:
        if c not in text:
            if numeric_view(df[c]) is None:
                distinct[c] = int(df[c].nunique())
            else:
                distinct[c] = 0
                numeric.add(c)
    complete = {str(c): bool(v) for c, v in df.notna().all().items()}
    return Profile([str(c) for c in df.columns], len(df), text, distinct, complete, frozenset(numeric))


# -- the calling side (the server) ---------------------------------------------------------------
class _Process:
    """The table process: `python -c ENTRY FD`, messages over one socket pair
    (multiprocessing.connection: pickled between these two processes only). Not multiprocessing's
    spawn: that imports the caller's main script again, and a script without a main guard would
    start itself over."""

    def __init__(self) -> None:
        here, there = socket.socketpair()
        src = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH")) if p))
        self.proc = subprocess.Popen([sys.executable, "-c", ENTRY, str(there.fileno())],
                                     pass_fds=[there.fileno()], stdin=subprocess.DEVNULL, env=env)
        there.close()
        self.conn = Connection(here.detach())

    def call(self, message: tuple) -> tuple:
        self.conn.send(message)
        return self.conn.recv()

    def close(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass
        threading.Thread(target=self._reap, daemon=True).start()   # its exit takes seconds: not waited for

    def _reap(self) -> None:
        """It exits when the socket closes; one still busy after 10 s is ended."""
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


_process: _Process | None = None
_process_lock = threading.Lock()     # one question at a time
_profiles: OrderedDict[tuple, Profile] = OrderedDict()
_described: dict[tuple, dict[str, Any]] = {}
_profiles_lock = threading.Lock()


def call(fn: Callable[..., Any], *args: Any) -> Any:
    """fn(*args) in the table process (fn a module-level function: it travels by name); its SpecError
    raised here as it was raised there."""
    global _process
    env = {k: os.environ.get(k) for k in _ENV}
    with _process_lock:
        for attempt in (0, 1):
            if _process is None:
                _process = _Process()
            try:
                kind, value = _process.call((env, fn, args))
                break
            except (EOFError, OSError):   # the process died (killed, out of memory): a fresh one, once
                _process.close()
                _process = None
                if attempt:
                    raise SpecError("data.params.path", msg("could not be read: the process reading the table "
                                                            "stopped"), args[0] if args else None,
                                    msg("make the table smaller (fewer rows or columns), or ask the teacher "
                                        "for more memory")) from None
    if kind == "error":
        raise _rebuilt(*value)
    if kind == "raise":
        raise value
    return value


def profile(path: str, key: tuple, header: str, delimiter: str) -> Profile:
    """The profile of a large table file (read in the table process once per path, stamp and options)."""
    k = (os.path.realpath(path), key, header, delimiter)
    with _profiles_lock:
        if k in _profiles:
            _profiles.move_to_end(k)
            return _profiles[k]
    found = call(_remote_profile, path, key, header, delimiter)
    _keep(k, found)
    return found


def _keep(k: tuple, found: Profile) -> None:
    with _profiles_lock:
        _profiles[k] = found
        _profiles.move_to_end(k)
        while len(_profiles) > KEEP:
            _profiles.popitem(last=False)


def describe_table(path: str | Path | None = None, text: str | None = None) -> dict[str, Any]:
    """A table's columns (name, kind, distinct values, a few of them) and the guessed target, for a
    picker (api.describe_table); a large file is described in the table process."""
    if path is not None and text is None and is_large(path):
        key = stamp(Path(path))
        k = (os.path.realpath(path), key)
        with _profiles_lock:
            if k in _described:
                return _described[k]
        # the table is read once for both: its profile is kept for the target the user picks next
        described, found = call(_remote_describe, str(path), key)
        _keep((os.path.realpath(path), key, "auto", "auto"), found)
        with _profiles_lock:
            _described[k] = described
            while len(_described) > KEEP:
                _described.pop(next(iter(_described)))
        return described
    return describe_frame(read_table(Path(path) if path is not None else None, text))


def describe_frame(df: Any) -> dict[str, Any]:
    return {"rows": len(df), "columns": [c.to_dict() | {"label": c.label, "kind_label": c.kind_label,
                                                         "values_text": c.values_text}
                                         for c in describe_columns(df)],
            "guess": guess_target(df)}


def shutdown() -> None:
    """Stop the table process (it is started again when needed)."""
    global _process
    with _process_lock:
        proc, _process = _process, None
    if proc is not None:
        proc.close()


# -- the table process ---------------------------------------------------------------------------
def _run(env: dict[str, str | None], fn: Callable[..., Any], args: tuple) -> tuple[str, Any]:
    for k, v in env.items():   # the caller's budgets (a test or a teacher may have changed them)
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    try:
        return "value", fn(*args)
    except SpecError as e:
        state = dict(e.__dict__)
        if not e.has_received:
            state.pop("received", None)
        return "error", (type(e), state)
    except Exception as e:  # noqa: BLE001 - raised again on the caller's side
        return "raise", e


def _rebuilt(cls: type, state: dict[str, Any]) -> Exception:
    e = cls.__new__(cls)
    e.__dict__.update(state)
    if "received" not in state:
        e.received = errors._MISSING
    e.args = (str(e),)
    return e


_own: OrderedDict[tuple, Profile] = OrderedDict()   # the table process's profiles


def read(path: str, header: str, delimiter: str) -> Any:
    """In the table process: the table, its column names as strings."""
    df = read_table(Path(path), None, "data.params.path", header, delimiter)
    df.columns = [str(c) for c in df.columns]
    return df


def own_profile(df: Any, path: str, key: tuple, header: str, delimiter: str) -> Profile:
    """In the table process: the profile of a table it has read, kept there too."""
    k = (os.path.realpath(path), key, header, delimiter)
    if k not in _own:
        _own[k] = profile_of(df)
        while len(_own) > KEEP:
            _own.popitem(last=False)
    return _own[k]


def _remote_profile(path: str, key: tuple, header: str, delimiter: str) -> Profile:
    return own_profile(read(path, header, delimiter), path, key, header, delimiter)


def _remote_describe(path: str, key: tuple) -> tuple[dict[str, Any], Profile]:
    df = read_table(Path(path))
    described = describe_frame(df)
    df.columns = [str(c) for c in df.columns]
    return described, own_profile(df, path, key, "auto", "auto")


def main(argv: list[str]) -> None:
    """The table process: answer (env, function, args) messages until the caller closes the socket.

    It runs at a lower priority (ENTRY), in the server's session (and so its scheduling group):
    the server's requests come first, the table is read with what CPU is left."""
    conn = Connection(socket.socket(fileno=int(argv[1])).detach())
    while True:
        try:
            env, fn, args = conn.recv()
        except (EOFError, OSError):   # the caller is gone
            return
        answer = _run(env, fn, args)
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return
        except Exception as e:  # noqa: BLE001 - an exception that does not pickle: its text
            conn.send(("raise", RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}")))
