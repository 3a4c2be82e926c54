"""Hyper-parameter search over the ranges written in a project (issue 19.2).

An Optuna study with the TPE sampler proposes values for the ranges (`spec/search.py`); each
trial is an ordinary run of the project with those values written in, trained by the same
scheduler, worker processes and budgets as any run, and listed in `runs/` with its search id,
trial number and values. Asynchronous successive halving (Optuna's `SuccessiveHalvingPruner`,
the "A" of ASHA: a trial is judged whenever it reports, not in synchronous rungs) stops
trials that fall behind at an epoch boundary; a pruned trial reads "stopped" with the reason.
`parallel` trials run at once (each still one run of the scheduler's; a class server's
budgets and fairness apply). The study and every trial are recorded in
`<project>/searches/<search id>.json`.

`rerun_best` trains the best trial's values with several seeds and reports mean and standard
deviation of the metric on the test split (the validation split where there is none).
`best_values` gives the values to write into the project ("use the best"). The same study on Ray
Tune (a cluster, or this machine's Ray) is `search_tune.search_on_ray`.
"""
from __future__ import annotations

import json
import logging
import statistics
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..i18n import msg
from ..spec.errors import SpecError
from ..spec.models import parse_project
from ..spec.search import Range, check_space, resolve, sample_space
from ..store import registry
from ..store.runs import RunFolder, new_run_id, runs_dir
from . import events as ev
from .metrics import lower_is_better

log = logging.getLogger(__name__)

SEARCHES_DIR = "searches"


@dataclass
class Trial:
    number: int
    params: dict[str, Any]
    run_id: str | None = None
    state: str = "running"          # running | finished | pruned | failed
    value: float | None = None      # the best value of the metric over its epochs
    epochs: int = 0
    message: str | None = None


@dataclass
class SearchResult:
    search_id: str
    metric: str
    direction: str                  # maximize | minimize
    ranges: list[dict[str, Any]]
    trials: list[Trial] = field(default_factory=list)
    status: str = "running"         # running | finished | stopped

    @property
    def best(self) -> Trial | None:
        done = [t for t in self.trials if t.value is not None and t.state in ("finished", "pruned")]
        if not done:
            return None
        pick = max if self.direction == "maximize" else min
        return pick(done, key=lambda t: t.value)

    def to_dict(self) -> dict[str, Any]:
        best = self.best
        return {"search_id": self.search_id, "metric": self.metric, "direction": self.direction,
                "status": self.status, "ranges": self.ranges, "trials": [asdict(t) for t in self.trials],
                "best": asdict(best) if best else None}


def objective_of(spec: Any) -> tuple[str, str]:
    """The metric a search optimises: early stopping's monitor, else validation accuracy or loss."""
    es = spec.training.early_stopping
    metric = es.monitor if es is not None else ("val_accuracy" if spec.task == "classification" else "val_loss")
    return metric, "minimize" if lower_is_better(metric) else "maximize"


def parse_for(project: Any) -> Callable[[dict[str, Any]], Any]:
    """Validate a document as the project would (settings, layer parameters, shapes); raise the first error."""

    def check_doc(doc: dict[str, Any]) -> Any:
        spec = parse_project(doc, project.dir)
        errors = type(project)(doc, project.dir).errors()
        if errors:
            raise errors[0]
        return spec
    return check_doc


def check(project: Any) -> list[Range]:
    """The project's ranges, each validated at its ends (4-part errors before anything starts)."""
    return check_space(project.doc, parse_for(project))


def check_counts(trials: int, parallel: int) -> None:
    for name, value, low in (("trials", trials, 1), ("parallel", parallel, 1)):
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise SpecError(name, msg("must be a whole number of at least {low}", low=low), value,
                            msg("try --trials 20 --parallel 2"))


class Search:
    """A running search: `result` fills in as trials end; `stop()` stops every trial."""

    def __init__(self, project: Any, trials: int, parallel: int, seed: int, epochs: int | None,
                 on_trial: Callable[[Trial], None] | None, owner: str):
        import optuna
        self.project, self.n_trials, self.parallel, self.epochs = project, trials, parallel, epochs
        self.on_trial, self.owner = on_trial, owner
        self.found = check(project)
        spec = project.spec if not self.found else parse_for(project)(resolve(project.doc, {}))
        self.metric, direction = objective_of(spec)
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.study = optuna.create_study(direction=direction, sampler=optuna.samplers.TPESampler(seed=seed),
                                         pruner=optuna.pruners.SuccessiveHalvingPruner(min_resource=1,
                                                                                        reduction_factor=3))
        self.result = SearchResult("search-" + new_run_id(), self.metric, direction,
                                   [{"path": r.path, "kind": r.kind, "values": r.values} for r in self.found])
        self._stop = threading.Event()
        self._active: dict[int, Any] = {}
        self._lock = threading.Lock()
        self._done = threading.Event()

    # -- running ---------------------------------------------------------------------------
    def start(self) -> "Search":
        threading.Thread(target=self._loop, name="layerlab-search", daemon=True).start()
        return self

    def wait(self, timeout: float | None = None) -> SearchResult:
        if not self._done.wait(timeout):
            raise TimeoutError(f"search {self.result.search_id} still running after {timeout} s")
        return self.result

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def stop(self) -> None:
        """Stop the search: no new trials, and every running trial stops after its current batch."""
        self._stop.set()
        with self._lock:
            runs = [r for r in self._active.values() if r is not None]
        for run in runs:
            run.stop()

    def _loop(self) -> None:
        try:
            started = 0
            pending: list[threading.Thread] = []
            while started < self.n_trials and not self._stop.is_set():
                pending = [t for t in pending if t.is_alive()]
                if len(pending) >= self.parallel:
                    time.sleep(0.05)
                    continue
                trial = self.study.ask()
                started += 1
                t = threading.Thread(target=self._trial, args=(trial,), daemon=True,
                                     name=f"layerlab-trial-{trial.number}")
                t.start()
                pending.append(t)
            for t in pending:
                t.join()
            self.result.status = "stopped" if self._stop.is_set() else "finished"
        except Exception:  # noqa: BLE001 - the search ends in words, never silently
            log.exception("search %s failed", self.result.search_id)
            self.result.status = "failed"
        finally:
            self._save()
            self._done.set()

    def _trial(self, trial: Any) -> None:
        import optuna
        params = sample_space(self.found, trial)
        record = Trial(trial.number, params)
        with self._lock:
            self.result.trials.append(record)
            self._active[trial.number] = None
        doc = resolve(self.project.doc, params)
        doc.setdefault("training", {})
        p = type(self.project)(doc, self.project.dir)
        lower = self.result.direction == "minimize"
        pruned = threading.Event()
        best: list[float] = []

        def on_event(e: ev.Event) -> None:
            if not isinstance(e, ev.EpochEnded):
                return
            value = e.metrics.get(self.metric)
            if value is None:
                return
            best.append(float(value))
            trial.report(float(value), e.epoch)
            if trial.should_prune() and not pruned.is_set():
                pruned.set()
                run.stop()
        try:
            run = p.train(epochs=self.epochs, on_event=on_event, background=True, owner=self.owner) \
                if _takes_owner(p.train) else p.train(epochs=self.epochs, on_event=on_event, background=True)
        except SpecError as err:  # over a budget, say: this trial fails in words, the search goes on
            record.state, record.message = "failed", str(err)
            self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
            self._ended(record)
            return
        record.run_id = run.run_id
        with self._lock:
            self._active[trial.number] = run
        if self._stop.is_set():
            run.stop()
        run.wait()
        record.epochs = len(run.history)
        values = [h[self.metric] for h in run.history if self.metric in h] or best
        record.value = (min(values) if lower else max(values)) if values else None
        if run.status == "failed":
            record.state = "failed"
            record.message = str(run.failure.message) if run.failure else None
            self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
        elif pruned.is_set():
            record.state = "pruned"
            record.message = pruned_message(record.epochs)
            self.study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        elif run.status == "stopped" or record.value is None:
            record.state = "stopped"
            self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
        else:
            record.state = "finished"
            self.study.tell(trial, record.value)
        tag_run(self.project.dir, self.result.search_id, record)
        self._ended(record)

    def _ended(self, record: Trial) -> None:
        with self._lock:
            self._active.pop(record.number, None)
        self._save()
        if self.on_trial is not None:
            try:
                self.on_trial(record)
            except Exception:  # noqa: BLE001 - a broken listener must not end the search
                log.exception("a search listener failed")

    def _save(self) -> None:
        try:
            with self._lock:
                data = self.result.to_dict()
            save_record(self.project.dir, data)
        except OSError:
            log.warning("could not save search %s", self.result.search_id, exc_info=True)


def tag_run(project_dir: str | Path, search_id: str, record: Trial, **changes: Any) -> None:
    """Mark a trial's run as part of its search in meta.json and the registry (after the run ended:
    only then is meta.json ours); a pruned trial's message says why it stopped. `changes`: more
    meta.json fields (Tune's pruned trials: status "stopped", since Tune ended their process)."""
    if not record.run_id:
        return
    folder = RunFolder(runs_dir(project_dir) / record.run_id)
    try:
        registry.record(folder.update_meta(search={"id": search_id, "trial": record.number, "params": record.params,
                                                   "state": record.state},
                                           **({"message": record.message} if record.state == "pruned" else {}),
                                           **changes))
    except OSError:
        log.warning("could not tag run %s with its search", record.run_id, exc_info=True)


def save_record(project_dir: str | Path, data: dict[str, Any]) -> None:
    """Write a search's record to <project>/searches/<search id>.json (replaced whole, never half-written)."""
    folder = Path(project_dir) / SEARCHES_DIR
    folder.mkdir(exist_ok=True)
    tmp = folder / f".{data['search_id']}.json.tmp"
    tmp.write_text(json.dumps(data, indent=1, default=str))
    tmp.replace(folder / f"{data['search_id']}.json")


def pruned_message(epochs: int) -> str:
    """Why a trial stopped early, for its row and its run."""
    return str(msg("stopped by the search at epoch {epoch}: behind the other trials", epoch=epochs))


def _takes_owner(fn: Callable) -> bool:
    import inspect
    return "owner" in inspect.signature(fn).parameters


def search(project: Any, trials: int = 20, parallel: int = 1, seed: int = 0, epochs: int | None = None,
           on_trial: Callable[[Trial], None] | None = None, background: bool = False,
           owner: str = "local") -> Search:
    """Run a search over the project's ranges; returns the Search (finished unless background)."""
    check_counts(trials, parallel)
    s = Search(project, trials, parallel, seed, epochs, on_trial, owner).start()
    if not background:
        s.wait()
    return s


def load_search(project_dir: str | Path, search_id: str | None = None) -> dict[str, Any]:
    """A saved search's record (default: the newest)."""
    folder = Path(project_dir) / SEARCHES_DIR
    files = sorted(folder.glob("search-*.json")) if folder.is_dir() else []
    if search_id:
        files = [f for f in files if f.stem == search_id]
    if not files:
        raise SpecError("search", msg("no search found"), search_id,
                        msg("run one first: layerlab search PROJECT --trials 20"))
    return json.loads(files[-1].read_text())


def best_values(record: dict[str, Any]) -> dict[str, Any]:
    best = record.get("best")
    if not best:
        raise SpecError("search", msg("the search has no finished trial"), record.get("search_id"),
                        msg("run more trials, or look at why they failed in the table"))
    return dict(best["params"])


def rerun_best(project: Any, record: dict[str, Any], seeds: int = 3, epochs: int | None = None) -> dict[str, Any]:
    """Train the best trial's values with `seeds` seeds; mean and sd of the metric on the test split."""
    values = best_values(record)
    doc = resolve(project.doc, values)
    base_seed = int((doc.get("training") or {}).get("seed", 0))
    scores, run_ids = [], []
    split_used = "test"
    for i in range(seeds):
        d = json.loads(json.dumps(doc))
        d.setdefault("training", {})["seed"] = base_seed + 1 + i
        p = type(project)(d, project.dir)
        run = p.train(epochs=epochs)
        if run.status != "finished":
            raise SpecError("search", msg("a re-run of the best trial ended {status}", status=run.status),
                            run.run_id, msg("look at the run's message with `layerlab runs`"))
        score, split_used = _score(p, run.run_id)
        scores.append(score)
        run_ids.append(run.run_id)
    return {"params": values, "seeds": seeds, "split": split_used, "metric": _metric_name(project),
            "scores": scores, "mean": statistics.fmean(scores),
            "sd": statistics.stdev(scores) if len(scores) > 1 else 0.0, "run_ids": run_ids}


def _metric_name(project: Any) -> str:
    return "accuracy" if project.spec.task == "classification" else "mse"


def _score(p: Any, run_id: str) -> tuple[float, str]:
    ds = p.dataset()
    split, name = (ds.test, "test") if ds.test is not None and len(ds.test) else (ds.val, "validation")
    x = split.x.numpy()
    y = split.y.numpy()
    out = p.predict(x, run_id=run_id, raw=False)
    if p.spec.task == "classification":
        return float((np.asarray(out).argmax(axis=1) == y).mean()), name
    return float(np.mean((np.asarray(out).reshape(y.shape) - y) ** 2)), name
