"""check_data_source(source): does a data source keep the whole contract? For ours and for plug-ins'.

Like layers/conformance.py's check_layer_kind and scikit-learn's check_estimator: a plug-in author
runs it in their own tests, over the cases their source declares (DataSource.cases, each a
SourceCase: params, the files a project needs, or bad input and the words of its error). It checks
that the source is registered under its name and describes itself (summary, every parameter's
description and form label, all in German too), that every parameter refuses a wrong value with a
four-part SpecError at data.params.<name>, and per case: info() agrees with what load() returns
(kind, shapes, task, classes, sample count), the arrays' dtypes and shapes, class indices in range,
finite inputs, the same arrays for the same seed (and cached arrays read-only), a train/validation/
test split of the expected sizes, the source survives pickling, and a fresh spawned process that
finds it by name in the registry loads the very same arrays (what a training worker does).

>>> from layerlab.data.conformance import check_data_source
>>> sorted(check_data_source("xor", worker=False))[:4]
['bad parameters', 'declared', 'deterministic', 'dtypes and shapes']

A failure raises SourceConformanceError naming the source, the case, what failed, why and the fix.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import multiprocessing
import tempfile
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..i18n import keyed, localize, translate
from ..spec.errors import SpecError
from ..spec.params import Param
from .base import KINDS, REGISTRY, DataInfo, DataSource, RawData, SourceCase, get_source
from .split import split_indices

TASKS = ("classification", "regression")
SPLIT = (0.2, 0.1)      # validation and test shares the split check uses
WORKER_TIMEOUT = 300    # seconds a spawned process may take to start and load one case


class SourceConformanceError(AssertionError):
    """A data source that breaks its contract: which source and case, what, why, and the fix."""

    def __init__(self, source: DataSource, case: SourceCase | None, what: str, why: str, fix: str):
        where = f"data source {getattr(source, 'name', '?')!r} ({type(source).__module__}.{type(source).__qualname__})"
        if case is not None:
            where += f", case params={dict(case.params)}"
        super().__init__(f"{where}: {what}. Why it matters: {why}. Fix: {fix}")
        self.source, self.case, self.what = getattr(source, "name", "?"), case, what


def check_data_source(source: str | DataSource, *, worker: bool | Executor = True) -> list[str]:
    """Run every check on every case a source declares; the names of the checks passed, or SourceConformanceError.

    worker: also load each case in a fresh spawned process found by name (True: a process of its own;
    an Executor: that one, e.g. one process shared by a test suite; False: skip that check). A spawned
    process imports the caller's main module again: in a script, call this under
    `if __name__ == "__main__":` (under pytest nothing is needed).
    """
    src = get_source(source) if isinstance(source, str) else source
    passed = ["declared", "german"]
    _declared(src)
    _bad_params(src)
    passed.append("bad parameters")
    pool: Executor | None = worker if isinstance(worker, Executor) else None
    own_pool = worker is True
    if own_pool:
        pool = worker_pool()
    try:
        for case in src.cases:
            with tempfile.TemporaryDirectory(prefix="layerlab-source-") as tmp:
                root = write_case_files(Path(tmp), case)
                if case.error:
                    _bad_case(src, case, root)
                    names = ["bad input"]
                else:
                    future = pool.submit(load_in_worker, *_worker_args(src, case, root)) if pool else None
                    names = _case(src, case, root)
                    if future is not None:
                        _same_in_worker(src, case, root, future)
                        names.append("worker process")
                passed += [n for n in names if n not in passed]
    finally:
        if own_pool and pool is not None:
            pool.shutdown()
    return passed


def worker_pool() -> ProcessPoolExecutor:
    """One spawned process (as the training workers are started), for the worker check of many sources."""
    return ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))


# -- the source as a whole -----------------------------------------------------------------------------
def _declared(src: DataSource) -> None:
    def fail(what: str, fix: str, why: str = "the Data page, the CLI and these checks read it") -> None:
        raise SourceConformanceError(src, None, what, why, fix)
    name = getattr(src, "name", "")
    if not isinstance(name, str) or not name or REGISTRY.entries.get(name) is not src:
        fail("it is not registered under its name", "decorate the class with @register and give it a unique `name`")
    if not src.summary:
        fail("it has no summary", "set the class attribute `summary` (one English line)")
    de = translate(src.summary, "de")
    if de == src.summary:
        fail("its summary has no German translation", "add the German summary to a .po catalogue "
             "(msgid: the English summary; a plug-in ships its own locale/ folder)", "the studio speaks German to pupils")
    names = [p.name for p in src.params]
    if len(set(names)) != len(names):
        fail(f"it declares a parameter twice: {names}", "give each Param its own name")
    for p in src.params:
        if not isinstance(p, Param):
            fail(f"parameter {p!r} is not a Param", "declare parameters with layerlab.spec.params.Param")
        if not p.description:
            fail(f"parameter {p.name!r} has no description", "give the Param a description (the form's help)")
        if translate(p.description, "de") == p.description:
            fail(f"the description of parameter {p.name!r} has no German translation",
                 "add it to a .po catalogue (msgid: the English description)", "the studio speaks German to pupils")
        if keyed("studio", f"param.{p.name}", "de") is None:
            fail(f"parameter {p.name!r} has no form label", f"add msgctxt 'param.{p.name}' to studio.pot and its "
                 "German to de/LC_MESSAGES/studio.po", "the form shows a label above each parameter, in German too")
        try:
            p.coerce(p.default, f"data.params.{p.name}")
        except SpecError as e:
            fail(f"the default of parameter {p.name!r} is not valid by its own declaration ({e})",
                 "give the Param a default inside its range or choices")
    try:
        json.dumps(src.describe())
    except (TypeError, ValueError) as e:
        fail(f"describe() is not JSON ({e})", "keep parameter defaults and choices plain values",
             "the studio's API and `layerlab data` send it as JSON")
    if not src.cases:
        fail("it declares no conformance cases", "set `cases = (SourceCase(params), ...)` on the class (small sizes)")
    if not any(not c.error for c in src.cases):
        fail("all its cases are bad-input cases", "declare at least one case that loads")


def bad_values(p: Param) -> list[Any]:
    """Values the parameter must refuse (of the wrong type, out of range, not a choice)."""
    out: list[Any] = [None] if not p.nullable else []
    if p.kind in ("int", "float"):
        out.append("many")
        if p.min is not None:
            out.append(p.min - 1)
        if p.max is not None:
            out.append(p.max + 1)
    elif p.kind == "bool":
        out.append("maybe")
    elif p.kind == "str":
        out.append(3)
    elif p.kind == "choice":
        out.append("no such choice")
    elif p.kind == "dict":
        out.append([1, 2])
    else:  # ints, int_or_ints, floats
        out.append("many")
    return out


def _refuses(src: DataSource, given: dict[str, Any], path: str) -> None:
    """resolve(given) must raise a SpecError at path with all four parts, in German too."""
    def fail(what: str) -> None:
        raise SourceConformanceError(src, None, f"resolve({given!r}) {what}", "a wrong setting must say what is "
                                     "wrong, where, what came and how to fix it (in German too)",
                                     "validate with resolve_params (DataSource.resolve) or raise SpecError(path, "
                                     "msg(what), received, msg(fix))")
    try:
        src.resolve(given)
    except SpecError as e:
        if e.path != path:
            fail(f"reports the error at {e.path!r}, not at {path!r}")
        if not str(e.message) or not str(e.hint) or not e.has_received:
            fail(f"gives an error without its message, received value or fix: {e}")
        if localize(e, "de") == str(e):
            fail(f"gives an error with no German: {e}")
        return
    except Exception as e:  # noqa: BLE001 - any other failure is the finding
        fail(f"raises {type(e).__name__} ({e}), not a SpecError")
    fail("accepts it")


def _bad_params(src: DataSource) -> None:
    for p in src.params:
        for bad in bad_values(p):
            _refuses(src, {p.name: bad}, f"data.params.{p.name}")
    _refuses(src, {"no_such_parameter": 1}, "data.params.no_such_parameter")


# -- one case -------------------------------------------------------------------------------------------
def write_case_files(folder: Path, case: SourceCase) -> Path:
    """Write a case's files under folder; the project folder (root) of the case."""
    for rel, content in case.files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, np.ndarray) and path.suffix == ".npy":
            np.save(path, content, allow_pickle=False)
        elif isinstance(content, np.ndarray):
            Image.fromarray(content).save(path)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(bytes(content))
    root = folder / case.project
    root.mkdir(parents=True, exist_ok=True)
    return root


def _bad_case(src: DataSource, case: SourceCase, root: Path) -> None:
    def fail(what: str) -> None:
        raise SourceConformanceError(src, case, what, "bad input must be refused with a clear four-part error",
                                     "raise SpecError(path, msg(what), received, msg(fix)) for it")
    for step in ("info", "load"):
        try:
            p = src.resolve(case.params)
            src.info(p, root) if step == "info" else src.load(p, root, seed=0)
        except SpecError as e:
            if case.error not in str(e):
                fail(f"{step}() refuses it with {e}, which does not say {case.error!r}")
            if not e.path or not str(e.hint):
                fail(f"{step}() refuses it without saying where or how to fix it: {e}")
            if localize(e, "de") == str(e):
                fail(f"{step}() refuses it with no German: {e}")
        except Exception as e:  # noqa: BLE001
            fail(f"{step}() raises {type(e).__name__} ({e}), not a SpecError")
        else:
            fail(f"{step}() accepts it")


def _case(src: DataSource, case: SourceCase, root: Path) -> list[str]:
    def fail(what: str, why: str, fix: str) -> None:
        raise SourceConformanceError(src, case, what, why, fix)
    try:
        p = src.resolve(case.params)
    except SpecError as e:
        fail(f"its own case is refused ({e})", "the case must be valid input", "correct the case's params")
    info = src.info(p, root)
    raw = src.load(p, root, seed=0)
    if not isinstance(info, DataInfo) or not isinstance(raw, RawData) or not isinstance(raw.info, DataInfo):
        fail("info() does not give a DataInfo or load() a RawData", "the model builder and the engine read them",
             "return DataInfo(...) from info() and RawData(x, y, info) from load()")
    _info_ok(info, fail)
    for field in ("kind", "input_shape", "task", "classes", "n_outputs", "vocab_size"):
        a, b = getattr(info, field), getattr(raw.info, field)
        if (tuple(a) if field == "input_shape" else a) != (tuple(b) if field == "input_shape" else b):
            fail(f"info() says {field} {a!r}, load() says {b!r}", "the studio builds the model from info() "
                 "without loading", "compute both from the same place (e.g. load() returns self.info(p, root))")
    for a, field in ((info, "info()"), (raw.info, "load()")):
        if a.n_samples is not None and a.n_samples != len(raw.x):
            fail(f"{field} says {a.n_samples} samples, load() gives {len(raw.x)}", "the Data page and the "
                 "split read the count", "count the samples load() returns")
    _arrays_ok(raw, fail)

    again = src.load(p, root, seed=0)
    if not (_same(raw.x, again.x) and _same(raw.y, again.y)):
        fail("two loads with the same seed give different arrays", "a run must be repeatable from its seed",
             "draw every random number from np.random.default_rng(seed), never from global state")
    for a, b, what in ((raw.x, again.x, "x"), (raw.y, again.y, "y")):
        if np.shares_memory(a, b) and a.flags.writeable:
            fail(f"two loads share one writable {what} array", "a caller that changes it in place would change "
                 "every later load", f"mark cached arrays read-only ({what}.setflags(write=False)) or return copies")

    n = len(raw.y)
    val, test = SPLIT
    tr, va, te = split_indices(raw.y, info.task, val, test, seed=0)
    n_te = int(round(n * test))
    n_va = int(round((n - n_te) * val / (1 - test)))
    sizes = (len(tr), len(va), len(te))
    if sizes != (n - n_te - n_va, n_va, n_te) or len(np.unique(np.concatenate([tr, va, te]))) != n:
        fail(f"a {val}/{test} split of its {n} samples gives {sizes} (train, validation, test)",
             "every sample belongs to exactly one part", "return y with one row per sample")
    again_split = split_indices(raw.y, info.task, val, test, seed=0)
    if not all(np.array_equal(a, b) for a, b in zip((tr, va, te), again_split)):
        fail("the same seed splits it differently", "a run must be repeatable", "return the same y for the same seed")

    try:  # what multiprocessing does to send it; never loaded back here (no pickle is ever read)
        ForkingPickler.dumps(src)
    except Exception as e:  # noqa: BLE001
        fail(f"it cannot be pickled ({type(e).__name__}: {e})", "data loaders and workers send it to other processes",
             "keep no locks, open files or lambdas on the instance (compute them in load())")
    return ["info matches load", "dtypes and shapes", "deterministic", "split sizes", "picklable"]


def _info_ok(info: DataInfo, fail: Any) -> None:
    fix = "return a DataInfo with a kind of data.base.KINDS, a task of classification/regression and class names"
    why = "the model builder, the Data page and the exports read it"
    if info.kind not in KINDS:
        fail(f"its kind {info.kind!r} is not one of {KINDS}", why, fix)
    if info.task not in TASKS:
        fail(f"its task {info.task!r} is not one of {TASKS}", why, fix)
    if not info.input_shape or not all(isinstance(d, int) and d > 0 for d in info.input_shape):
        fail(f"its input_shape {info.input_shape!r} is not a tuple of whole numbers > 0", why, fix)
    if info.task == "classification":
        classes = info.classes or []
        if len(classes) < 2 or not all(isinstance(c, str) and c for c in classes) or len(set(classes)) != len(classes):
            fail(f"its classes {info.classes!r} are not two or more different names (str)", why, fix)
    elif info.outputs < 1:
        fail(f"it has {info.outputs} regression outputs", why, "set outputs to the number of target columns")
    if info.kind == "tokens" and not (info.vocab_size or 0) > 0:
        fail("it gives tokens without a vocab_size", "the embedding layer needs it", "set DataInfo.vocab_size")


def _arrays_ok(raw: RawData, fail: Any) -> None:
    x, y, info = raw.x, raw.y, raw.info
    why = "the engine turns them into tensors of the model's input and the loss's target"
    if not isinstance(x, np.ndarray) or not isinstance(y, np.ndarray):
        fail(f"load() gives {type(x).__name__} and {type(y).__name__}, not NumPy arrays", why, "return np.ndarray")
    want_x = np.int64 if info.kind == "tokens" else np.float32
    if x.dtype != want_x:
        fail(f"x is {x.dtype}, not {np.dtype(want_x)}", why, f"return x.astype(np.{np.dtype(want_x)})")
    if x.shape[1:] != tuple(info.input_shape) or len(x) < 2:
        fail(f"x has shape {x.shape}, info gives input_shape {tuple(info.input_shape)}", why,
             "return x of shape (N, *input_shape) with N >= 2")
    if info.kind == "tokens":
        if x.size and (x.min() < 0 or x.max() >= (info.vocab_size or 0)):
            fail(f"token ids run from {x.min()} to {x.max()}, vocab_size is {info.vocab_size}", why,
                 "keep token ids in 0..vocab_size-1")
    elif not np.isfinite(x).all():
        fail("x holds NaN or infinity", why, "fill or drop missing values in load()")
    if info.task == "classification":
        if y.dtype != np.int64 or y.shape != (len(x),):
            fail(f"y is {y.dtype} of shape {y.shape}, not int64 class indices of shape ({len(x)},)", why,
                 "return y.astype(np.int64) with one class index per sample")
        if y.size and (y.min() < 0 or y.max() >= len(info.classes or [])):
            fail(f"class indices run from {y.min()} to {y.max()}, there are {len(info.classes or [])} classes", why,
                 "index into info.classes")
    else:
        if y.dtype != np.float32 or y.shape != (len(x), info.outputs):
            fail(f"y is {y.dtype} of shape {y.shape}, not float32 of shape ({len(x)}, {info.outputs})", why,
                 "return y.astype(np.float32).reshape(len(y), outputs)")
        if not np.isfinite(y).all():
            fail("y holds NaN or infinity", why, "fill or drop missing targets in load()")


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")


# -- in another process ------------------------------------------------------------------------------
def fingerprint(raw: RawData) -> tuple[Any, ...]:
    """What must be equal between two loads: shapes, dtypes and a digest of both arrays' bytes."""
    def one(a: np.ndarray) -> tuple[Any, ...]:
        return (a.shape, str(a.dtype), hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest())
    return one(raw.x) + one(raw.y) + (json.dumps(raw.info.to_dict(), sort_keys=True, default=str),)


def _worker_args(src: DataSource, case: SourceCase, root: Path) -> tuple[Any, ...]:
    return (type(src).__module__, src.name, dict(case.params), str(root))


def load_in_worker(module: str, name: str, params: dict[str, Any], root: str) -> tuple[str, Any]:
    """In a fresh process: import the source's module, find the source by name, load; (its class, fingerprint),
    or ("", the error as text): an exception sent back whole may not unpickle (SpecError's four parts)."""
    try:
        importlib.import_module(module)
        src = get_source(name)
        raw = src.load(src.resolve(params), Path(root), seed=0)
    except Exception as e:  # noqa: BLE001 - reported by the caller as the finding
        return "", f"{type(e).__name__}: {e}"
    return f"{type(src).__module__}.{type(src).__qualname__}", fingerprint(raw)


def _same_in_worker(src: DataSource, case: SourceCase, root: Path, future: Any) -> None:
    def fail(what: str, fix: str) -> None:
        raise SourceConformanceError(src, case, what, "training runs in a spawned worker process that finds "
                                     "the source by name and must read the data the studio showed", fix)
    try:
        cls, got = future.result(timeout=WORKER_TIMEOUT)
    except Exception as e:  # noqa: BLE001 - any failure there is the finding
        cls, got = "", f"{type(e).__name__}: {e}"
    if not cls:
        fail(f"a spawned process could not load it by name ({got})",
             "register the source when its module is imported (@register at module level), or by an entry point "
             "in the group 'layerlab.sources'")
    want = f"{type(src).__module__}.{type(src).__qualname__}"
    if cls != want:
        fail(f"a spawned process finds {cls} under its name, not {want}", "give the source a name of its own")
    mine = fingerprint(src.load(src.resolve(case.params), root, seed=0))
    if got != mine:
        parts = [n for n, a, b in zip(("x shape", "x dtype", "x values", "y shape", "y dtype", "y values", "info"),
                                      mine, got) if a != b]
        fail(f"a spawned process loads other data ({', '.join(parts)} differ)",
             "draw random numbers from the seed only, and read no state that only this process has")
