"""The search of `search.py` on Ray Tune, for a cluster or this machine's Ray (issue 19.2).

The same study: Optuna's TPE as Tune's `OptunaSearch` (its space is `spec.search.sample_space`,
as for a local trial) and Tune's `ASHAScheduler` stopping weak trials. Each trial runs the
ordinary trainer in a Tune process with one CPU, after the same budget check as any run, writes
an ordinary run folder, and is tagged with its search like a local trial (`search.tag_run`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from ..spec.search import Range, resolve, sample_space
from ..store.runs import RunFolder, new_run_id
from . import events as ev
from .search import (SearchResult, Trial, check, check_counts, objective_of, parse_for, pruned_message,
                     save_record, tag_run)
from .worker import _project


class _TuneSpace:
    """Optuna's define-by-run space for Tune's OptunaSearch (a class, so Tune can pickle it): the same
    suggestions as a local trial's (choices by index; Range.value_of maps them back)."""

    def __init__(self, found: list[Range]):
        self.found = found

    def __call__(self, trial: Any) -> None:
        sample_space(self.found, trial)


def _tune_trial(config: dict[str, Any], *, doc: dict[str, Any], folder: str, project_class: str,
                found: list[Range], metric: str, epochs: int | None) -> None:
    """One Ray Tune trial: the ordinary trainer in this trial's process, reporting every epoch to Tune."""
    from ray import tune
    from .loop import Trainer  # runs in the worker process (a Ray trial)
    values = {r.path: r.value_of(config[r.path]) for r in found}
    project = _project({"project_class": project_class, "doc": resolve(doc, values), "dir": folder})
    project._refuse_over_budget()  # the same budgets as any run: a trial over them fails in words
    run_folder = RunFolder.create(project.dir)

    last: dict[str, Any] = {}

    def emit(e: ev.Event) -> None:
        if isinstance(e, ev.EpochEnded) and metric in e.metrics:
            last.update({metric: float(e.metrics[metric]), "epoch": e.epoch, "run_id": run_folder.run_id})
            if e.epoch < e.epochs:  # the last epoch is reported after the run has written its end:
                tune.report(dict(last))  # ASHA ends a trial that reaches max_t at once
    Trainer(project, run_folder, epochs=epochs, emit=emit).run()
    if last:
        tune.report(dict(last))


def search_on_ray(project: Any, trials: int = 20, parallel: int = 1, seed: int = 0, epochs: int | None = None,
                  address: str | None = None, on_trial: Callable[[Trial], None] | None = None) -> SearchResult:
    """The same search through Ray Tune: Optuna's TPE as Tune's searcher, ASHA as its scheduler."""
    import optuna
    from .distributed import _connect, require_ray  # start-up time: distributed loads the training loop
    check_counts(trials, parallel)
    found = check(project)
    ray = require_ray()
    _connect(ray, address, 1, 1.0, 0.0)
    from ray import tune
    from ray.tune.schedulers import ASHAScheduler
    from ray.tune.search.optuna import OptunaSearch
    spec = parse_for(project)(resolve(project.doc, {}))
    metric, direction = objective_of(spec)
    mode = "min" if direction == "minimize" else "max"
    max_t = epochs or int(spec.training.epochs)

    space = _TuneSpace(found)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    cls = type(project)
    trainable = tune.with_parameters(_tune_trial, doc=project.doc, folder=str(project.dir),
                                     project_class=f"{cls.__module__}:{cls.__qualname__}", found=found,
                                     metric=metric, epochs=epochs)
    result = SearchResult("search-" + new_run_id(), metric, direction,
                          [{"path": r.path, "kind": r.kind, "values": r.values} for r in found])
    tuner = tune.Tuner(
        tune.with_resources(trainable, {"cpu": 1}),
        tune_config=tune.TuneConfig(
            search_alg=OptunaSearch(space, metric=metric, mode=mode, sampler=optuna.samplers.TPESampler(seed=seed)),
            scheduler=ASHAScheduler(time_attr="epoch", max_t=max_t, grace_period=1, reduction_factor=3),
            metric=metric, mode=mode, num_samples=trials, max_concurrent_trials=parallel),
        run_config=tune.RunConfig(name=result.search_id, storage_path=str(Path(project.dir) / ".ray"),
                                  verbose=0))
    grid = tuner.fit()
    lower = direction == "minimize"
    for number, res in enumerate(grid):
        config = res.config or {}  # None for a trial whose process never started
        values = {r.path: None if config.get(r.path) is None else r.value_of(config[r.path]) for r in found}
        frame = res.metrics_dataframe
        series = list(frame[metric]) if frame is not None and metric in frame else []
        record = Trial(number, values, run_id=(res.metrics or {}).get("run_id"), epochs=len(series))
        record.value = (min(series) if lower else max(series)) if series else None
        if res.error is not None:
            record.state, record.message = "failed", str(res.error).splitlines()[0][:300]
        elif record.epochs < max_t:
            record.state = "pruned"
            record.message = pruned_message(record.epochs)
        else:
            record.state = "finished"
        # a pruned trial: Tune ended its process, so its run reads "stopped" with the reason, not "interrupted"
        tag_run(project.dir, result.search_id, record, **({"status": "stopped"} if record.state == "pruned" else {}))
        result.trials.append(record)
        if on_trial is not None:
            on_trial(record)
    result.status = "finished"
    save_record(project.dir, result.to_dict())
    return result
