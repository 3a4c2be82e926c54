"""The training part of the HTTP API: start, stop and watch runs, and predict with a trained one.

Runs go through the engine's process-wide runner (`engine.runner.default_runner`) and its one
scheduler: N runs at once in worker processes, one per owner while others wait, so a class of
twenty queues instead of thrashing the CPU. Each run is for the requesting user's owner id
(`layerlab.api_owners.owner_of(request)`, which a class server maps to a pupil). A
failing run (an exception, NaN, out of memory, bad data) ends as RunFailed with a message
in plain words and never reaches the request that started it; the server goes on.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Path as PathParam, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .. import api as facade
from .. import api_runs as runs
from ..api_owners import owner_of
from ..api_events import saved_text
from ..i18n import current_lang, localize, msg
from .routing import ERROR_RESPONSES, NotFound, SafeJSONResponse, SafeRoute, folder_of
from ..api_errors import SpecError

router = APIRouter(route_class=SafeRoute, default_response_class=SafeJSONResponse, responses=ERROR_RESPONSES)
RUN_ID = r"^[0-9]{8}-[0-9]{6}-[0-9]{3}-[0-9a-f]{4}$"
MAX_ACTIVE_PER_PROJECT = 2     # queued + running; a double click must not queue a hundred runs
MAX_PREDICT_NUMBERS = 400_000  # within the 4 MB a JSON body may have
MAX_ACTIVE_TOTAL = 64          # the whole server (a class of 30, two runs each, plus slack)


class TooMany(SpecError):
    """Too many runs waiting (HTTP 429)."""

    status = 429


class RunStart(BaseModel):
    model_config = ConfigDict(extra="forbid")
    epochs: int | None = Field(None, ge=1, le=10000, description="Epochs to train (default: the spec's).")
    continue_from: str | None = Field(None, pattern=RUN_ID, description="Go on from this run's saved state.")


class PredictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    inputs: list[Any] = Field(..., min_length=1, max_length=1024,
                              description="Samples as numbers, each shaped like one input of the model "
                                          "(nested lists), in the data's own units: the run's preprocessing is applied.")
    run_id: str | None = Field(None, pattern=RUN_ID, description="Which run's weights (default: the newest).")
    weights: Literal["best", "last"] | None = Field(
        None, description="The best validation epoch's weights (the default) or the last epoch's.")

    @field_validator("inputs")
    @classmethod
    def _numbers_only(cls, v: list[Any]) -> list[Any]:
        # Numbers only: the facade reads strings as file paths, and a request must never name
        # a file on the server's disk.
        count = 0
        stack: list[tuple[Any, int]] = [(v, 0)]
        while stack:
            x, depth = stack.pop()
            if isinstance(x, list):
                if depth > 5:
                    raise ValueError(msg("inputs nest deeper than {levels} levels", levels=5))
                stack.extend((y, depth + 1) for y in x)
            elif isinstance(x, bool) or not isinstance(x, (int, float)):
                raise ValueError(msg("inputs must be numbers (nested lists of numbers)"))
            else:
                count += 1
                if count > MAX_PREDICT_NUMBERS:
                    raise ValueError(msg("at most {n:,} numbers per request", n=MAX_PREDICT_NUMBERS))
        return v


def _runner():
    return runs.default_runner()


def _same(a: Any, b: Path) -> bool:
    try:
        return Path(a).resolve() == b.resolve()
    except (TypeError, OSError):
        return False


def active_runs(folder: Path) -> list[Any]:
    """Run handles of this project that are queued, running or paused in this process."""
    return [r for r in _runner().runs() if r.status in runs.ACTIVE and _same(r.project.dir, folder)]


def _folder(pid: str) -> Path:
    return folder_of(pid)


def _check_run_id(run_id: str) -> str:
    if not re.match(RUN_ID, run_id):
        raise NotFound("run", msg("is not a run id"), run_id, msg("list the runs with GET /api/projects/{{id}}/runs"))
    return run_id


def run_view(folder: Path, run_id: str) -> dict[str, Any]:
    """A run's status: the live handle when this process runs it, else its saved meta.json."""
    live = _runner().get(run_id)
    if live is not None and _same(live.project.dir, folder):
        d = live_view(live)
        d["history"] = list(live.history)
        if live.last_batch is not None:
            d["batch"] = live.last_batch.to_dict()
        return d
    rf = runs.RunFolder(runs.runs_dir(folder) / run_id)
    if not (rf.path / "meta.json").is_file():
        raise NotFound("run", msg("is not a run of this project"), run_id, msg("list the runs with GET .../runs"))
    meta = rf.meta()
    row = runs.registry_row(run_id) or {}
    status = row.get("status") or meta.get("status")
    failure = None
    if status == "failed":
        message = saved_text(meta.get("texts"), "message", meta.get("message") or row.get("message"))
        failure = {"message": message or msg("the run failed").to()}
    return {"run_id": run_id, "project": meta.get("project"), "status": status,
            "epochs_done": meta.get("epochs_done") or 0, "final": meta.get("final") or {},
            "failure": failure, "continued_from": meta.get("continued_from"), "history": rf.history(),
            "best_epoch": meta.get("best_epoch"), "weights_note": _note(meta)}


def _note(meta: dict[str, Any]) -> str | None:
    """ "best: epoch 14 of 50" in the request's language (None before the first saved epoch)."""
    return runs.weights_note(meta).to(current_lang.get()) if meta.get("epochs_done") else None


def live_view(live: Any) -> dict[str, Any]:
    """A live run's to_dict(), its failure's message and hint in the request's language."""
    d = live.to_dict()
    if d.get("weights_note") is not None:
        d["weights_note"] = localize(d["weights_note"], current_lang.get())
    failure = getattr(live, "failure", None)
    if failure is not None and isinstance(d.get("failure"), dict):
        for part in ("message", "hint"):
            d["failure"][part] = failure.text(part, current_lang.get())
    return d


@router.get("/projects/{pid}/runs", summary="The project's runs, newest first (live ones included)")
def list_runs(pid: str) -> list[dict[str, Any]]:
    folder = _folder(pid)
    runs.sync_project(folder)
    rows = {r["run_id"]: {**{k: r.get(k) for k in ("run_id", "status", "started", "ended", "epochs_done",
                                                     "final", "message", "continued_from", "best_epoch")},
                          "weights_note": _note(r)}
            for r in runs.list_runs(folder)}
    for live in _runner().runs():
        if _same(live.project.dir, folder):
            d = live_view(live)
            rows.setdefault(live.run_id, {"run_id": live.run_id})
            rows[live.run_id].update(status=d["status"], epochs_done=d["epochs_done"], final=d["final"],
                                     best_epoch=d.get("best_epoch"), weights_note=d.get("weights_note"))
    return sorted(rows.values(), key=lambda r: r["run_id"], reverse=True)


@router.post("/projects/{pid}/runs", status_code=202, summary="Start training (queued; returns at once)")
def start_run(pid: str, request: Request, body: RunStart | None = None) -> dict[str, Any]:
    body = body or RunStart()
    folder = _folder(pid)
    project = facade.load(folder)
    project.validate()  # refuse now, with the spec path, rather than fail in the worker
    if len(active_runs(folder)) >= MAX_ACTIVE_PER_PROJECT:
        raise TooMany("project", msg("already has runs waiting or training"), pid, msg("wait for them, or stop one"))
    if sum(r.status in runs.ACTIVE for r in _runner().runs()) >= MAX_ACTIVE_TOTAL:
        raise TooMany("", msg("the server is busy with other runs"), hint=msg("try again in a minute"))
    run = _runner().submit(project, epochs=body.epochs, continue_from=body.continue_from, owner=owner_of(request))
    return live_view(run)


@router.get("/projects/{pid}/runs/{run_id}", summary="A run's status, metrics and history")
def get_run(pid: str, run_id: str = PathParam(..., max_length=40)) -> dict[str, Any]:
    return run_view(_folder(pid), _check_run_id(run_id))


@router.post("/projects/{pid}/runs/{run_id}/stop", summary="Stop a run after its current batch")
def stop_run(pid: str, run_id: str = PathParam(..., max_length=40)) -> dict[str, Any]:
    folder = _folder(pid)
    _check_run_id(run_id)
    live = _runner().get(run_id)
    if live is None or not _same(live.project.dir, folder):
        return run_view(folder, run_id)  # already over (or from before a restart): nothing to stop
    live.stop()
    return live_view(live)


@router.post("/projects/{pid}/predict", summary="Outputs of a trained run for the given samples")
def predict(pid: str, body: PredictIn) -> dict[str, Any]:
    folder = _folder(pid)
    project = facade.load(folder)
    loaded = project.load_run(body.run_id, body.weights)
    try:
        out = project.predict(body.inputs, run_id=loaded.run_id, weights=loaded.weights)
    except SpecError:
        raise
    except (ValueError, TypeError, RuntimeError, IndexError) as e:  # shapes torch or numpy could not use
        raise SpecError("inputs", msg("could not be used as samples for this model"), str(e).splitlines()[0][:200],
                        msg("send a list of samples, each shaped {shape}", shape=list(loaded.info.input_shape))
                        ) from None
    return {"run_id": loaded.run_id, "outputs": out.tolist(), "classes": loaded.classes,
            "task": loaded.info.task, "weights": loaded.weights, "epoch": loaded.epoch,
            "weights_note": loaded.note.to(current_lang.get())}
