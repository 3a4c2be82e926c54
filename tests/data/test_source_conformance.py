"""check_data_source over the whole registry: every data source keeps the contract on the cases it
declares (info vs load, dtypes and shapes, seed, split sizes, German, bad parameters, and a spawned
worker process that finds it by name loads the same arrays); and the checks catch sources broken
on purpose, one way each."""
from __future__ import annotations

import importlib

import numpy as np
import pytest

from layerlab.data import load_all
from layerlab.data.base import REGISTRY, DataInfo, RawData, SourceCase
from layerlab.data.conformance import SourceConformanceError, check_data_source, worker_pool
from layerlab.data.functions import Plane
from layerlab.data.toy2d import Xor
from layerlab.spec.params import Param

SOURCES = {n: s for n, s in load_all().items() if type(s).__module__.startswith("layerlab.")}  # not the tests' toy


@pytest.fixture(scope="module")
def pool():
    """One spawned process for every worker check of this file (starting one costs seconds)."""
    p = worker_pool()
    p.submit(int)   # start it now, while the first checks run here
    yield p
    p.shutdown()


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_source_keeps_the_contract(name, pool):
    passed = check_data_source(name, worker=pool)
    assert {"declared", "german", "bad parameters", "info matches load", "dtypes and shapes", "deterministic",
            "split sizes", "picklable", "worker process"} <= set(passed), passed


def test_the_registry_holds_the_datasets_and_own_data():
    builtin = {n for n, s in SOURCES.items() if s.builtin}
    assert len(builtin) >= 14 and {"images", "csv", "npy", "class_dataset"} <= set(SOURCES)


# -- sources broken on purpose --------------------------------------------------------------------------
class Unseeded(Xor):
    def load(self, p, root, seed):
        raw = super().load(p, root, seed)
        raw.x = raw.x + np.random.default_rng().normal(0, 0.01, raw.x.shape).astype(np.float32)
        return raw


class WrongDtype(Xor):
    def load(self, p, root, seed):
        raw = super().load(p, root, seed)
        return RawData(raw.x.astype(np.float64), raw.y, raw.info)


class MoreClassesInInfo(Xor):
    def info(self, p, root):
        return DataInfo("points", (2,), "classification", ["0", "1", "2"], 1, p["n_samples"])

    def load(self, p, root, seed):
        raw = super().load(p, root, seed)
        raw.info = Xor.info(self, p, root)
        return raw


class OutOfRange(Xor):
    def load(self, p, root, seed):
        raw = super().load(p, root, seed)
        raw.y = raw.y.copy()
        raw.y[0] = 2
        return raw


class CountsWrong(Xor):
    def info(self, p, root):
        info = super().info(p, root)
        info.n_samples = p["n_samples"] + 1
        return info


class NaNs(Xor):
    def load(self, p, root, seed):
        raw = super().load(p, root, seed)
        raw.x[1, 0] = np.nan
        return raw


class FlatTargets(Plane):
    def load(self, p, root, seed):
        raw = super().load(p, root, seed)
        raw.y = raw.y.ravel()
        return raw


class SharedWritable(Xor):
    _memo: dict = {}

    def load(self, p, root, seed):
        key = (p["n_samples"], seed)
        if key not in self._memo:
            self._memo[key] = super().load(p, root, seed)
        return self._memo[key]


class Unpicklable(Xor):
    def __init__(self):
        self.pick = lambda rng: rng.uniform()


class AcceptsAnything(Xor):
    def resolve(self, given, path="data.params"):
        return {"n_samples": 40, "noise": 0.1, **(given or {})}


class Untranslated(Xor):
    summary = "Points nobody translated into German."


class NoHelp(Xor):
    params = (*Xor.params, Param("tilt", "float", 0.0, "", min=-1.0, max=1.0))


class PlainErrors(Xor):
    cases = (*Xor.cases, SourceCase({"noise": 0.95}, error="too noisy"))

    def info(self, p, root):
        if p["noise"] > 0.9:
            raise ValueError("too noisy to learn anything")
        return super().info(p, root)


class NoCases(Xor):
    cases = ()


class RuntimeOnly(Xor):
    name = "conformance_runtime_only"


BROKEN = (Unseeded, WrongDtype, MoreClassesInInfo, OutOfRange, CountsWrong, NaNs, FlatTargets, SharedWritable,
          Unpicklable, AcceptsAnything, Untranslated, NoHelp, PlainErrors, NoCases)
for _cls in BROKEN:
    _cls.name = "conformance_broken"   # registered by the test only (monkeypatch), never on import


@pytest.mark.parametrize("cls,words", [
    (Unseeded, "two loads with the same seed give different arrays"),
    (WrongDtype, "x is float64, not float32"),
    (MoreClassesInInfo, "info() says classes"),
    (OutOfRange, "class indices run from 0 to 2, there are 2 classes"),
    (CountsWrong, "info() says 41 samples"),
    (NaNs, "x holds NaN"),
    (FlatTargets, "not float32 of shape (30, 1)"),
    (SharedWritable, "two loads share one writable x array"),
    (Unpicklable, "it cannot be pickled"),
    (AcceptsAnything, "accepts it"),
    (Untranslated, "its summary has no German translation"),
    (NoHelp, "parameter 'tilt' has no description"),
    (PlainErrors, "raises ValueError (too noisy to learn anything), not a SpecError"),
    (NoCases, "declares no conformance cases"),
])
def test_the_checks_catch_a_broken_source(monkeypatch, cls, words):
    monkeypatch.setitem(REGISTRY.entries, "conformance_broken", cls())
    with pytest.raises(SourceConformanceError, match="conformance_broken") as e:
        check_data_source("conformance_broken", worker=False)
    assert words in str(e.value) and "Fix:" in str(e.value) and "Why it matters:" in str(e.value)


def test_a_source_registered_only_at_run_time_is_not_found_by_a_worker(monkeypatch, pool):
    """It loads here, but a training worker imports its module and finds no source of that name."""
    monkeypatch.setitem(REGISTRY.entries, "conformance_runtime_only", RuntimeOnly())
    with pytest.raises(SourceConformanceError, match="could not load it by name") as e:
        check_data_source("conformance_runtime_only", worker=pool)
    assert "@register at module level" in str(e.value)


def test_a_source_that_reads_process_state_loads_other_data_in_a_worker(monkeypatch, pool):
    monkeypatch.setattr(REGISTRY, "entries", dict(REGISTRY.entries))   # its registration is undone after
    module = importlib.import_module(f"{__package__}.fake_source_pid")
    assert REGISTRY.entries["conformance_pid_xor"].__module__ == module.__name__
    with pytest.raises(SourceConformanceError, match="a spawned process loads other data") as e:
        check_data_source("conformance_pid_xor", worker=pool)
    assert "x values differ" in str(e.value)
