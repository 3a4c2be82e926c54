"""Hyper-parameter search on a project's ranges (part of the facade; the engine does the work).

    search(p, trials=20, parallel=2)     an Optuna study (TPE, asynchronous successive halving);
                                         each trial an ordinary run in runs/
    searches(p)                          the saved searches, newest first
    use_best(p)                          the best trial's values become the ranges' defaults
                                         (train then uses them; undo_values() gives the old ones back)
    rerun_best(p, seeds=3)               the best values with several seeds: mean ± sd on the test split
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from .engine import search as _engine
from .engine import search_tune as _tune
from .spec.paths import parse
from .spec.search import ranges, use_values

Trial = _engine.Trial


def search(project: Any, trials: int = 20, parallel: int = 1, seed: int = 0, epochs: int | None = None,
           on_trial: Callable[[Any], None] | None = None, background: bool = False,
           owner: str = "local") -> Any:
    """Search the project's ranges in LayerLab's worker processes; returns the Search (its `.result`;
    finished unless background)."""
    project._require_folder()
    return _engine.search(project, trials=trials, parallel=parallel, seed=seed, epochs=epochs,
                          on_trial=on_trial, background=background, owner=owner)


def check(project: Any) -> list[dict[str, Any]]:
    """The project's ranges, validated at their ends (raises SpecError)."""
    return [{"path": r.path, "kind": r.kind, "values": r.values} for r in _engine.check(project)]


def searches(project: Any) -> list[dict[str, Any]]:
    """Saved searches of the project, newest first."""
    folder = Path(project.dir) / _engine.SEARCHES_DIR
    files = sorted(folder.glob("search-*.json"), reverse=True) if folder.is_dir() else []
    return [json.loads(f.read_text()) for f in files]


def use_best(project: Any, search_id: str | None = None) -> dict[str, Any]:
    """Write the best trial's values into the project as the ranges' defaults and save it.

    Returns {"values": the new defaults, "previous": the old ones (None where there was none)};
    `undo_values(project, result["previous"])` restores them.
    """
    record = _engine.load_search(project.dir, search_id)
    values = _engine.best_values(record)
    previous = {r.path: (r.default if r.has_default else None) for r in ranges(project.doc) if r.path in values}
    project.doc = use_values(project.doc, values)
    project.save()
    return {"search_id": record["search_id"], "values": values, "previous": previous}


def undo_values(project: Any, previous: dict[str, Any]) -> None:
    """Put back the defaults use_best() replaced (a range that had none loses its default again)."""
    doc = use_values(project.doc, {k: v for k, v in previous.items() if v is not None})
    for path, value in previous.items():
        if value is None:
            node: Any = doc
            for part in parse(path):
                node = node[part]
            node["search"].pop("default", None)
    project.doc = doc
    project.save()


def rerun_best(project: Any, seeds: int = 3, search_id: str | None = None, epochs: int | None = None) -> dict:
    """Train the best trial's values with `seeds` seeds: scores, mean and sd on the test split."""
    return _engine.rerun_best(project, _engine.load_search(project.dir, search_id), seeds=seeds, epochs=epochs)


def search_on_ray(project: Any, trials: int = 20, parallel: int = 1, seed: int = 0, epochs: int | None = None,
                  address: str | None = None, on_trial: Callable[[Any], None] | None = None) -> Any:
    """The same study on Ray Tune (OptunaSearch with TPE, ASHA), on this machine's Ray or a cluster
    (`address`, or RAY_ADDRESS); returns the SearchResult when it has ended."""
    project._require_folder()
    return _tune.search_on_ray(project, trials=trials, parallel=parallel, seed=seed, epochs=epochs,
                               address=address, on_trial=on_trial)
