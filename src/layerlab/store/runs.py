"""One folder per training run: `<project>/runs/<run_id>/`, every file written atomically.

    weights.safetensors      the LAST saved epoch's network (Network.state_dict()), which
                             "continue" goes on from together with optimizer.safetensors
    best.safetensors         the best epoch so far on the monitored metric (val_loss unless
                             early stopping names another): what predict, inspect and export
                             use unless told `weights="last"` (or restore_best is false)
    optimizer.safetensors    optimizer tensors + random-generator states (to continue)
    state.json               optimizer param groups, epoch, schedule and early-stopping state;
                             written last of each checkpoint, so its epoch is what the
                             checkpoint holds (see write_checkpoint)
    spec.json                the project document the run trained (a snapshot)
    preprocessing.json       dataset.preprocessor.to_dict()
    data.json                DataInfo.to_dict()
    history.json             one dict per epoch: epoch, loss, val_loss, metrics, lr, timings
    meta.json                status, start/end, duration, epochs_done, best_epoch, final (the
                             metrics of the weights used by default) and last (the last
                             epoch's), versions, spec hash, and who trains it (pid, host and
                             the process's start time, to tell a live run from one whose
                             process is gone: `recover()` marks that one 'interrupted')

Run ids sort by start time: `20261125-142301-123-a3f9` (UTC, milliseconds, 4 random hex).

>>> import tempfile
>>> f = RunFolder.create(tempfile.mkdtemp())
>>> f.write_history([{"epoch": 1, "loss": 0.5}]); f.history()[0]["loss"]
0.5
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import secrets
import shutil
import socket
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..i18n import msg
from ..spec.errors import SpecError
from . import atomic
from .checkpoint import load_tensors, read_json, save_tensors, tensors_to_bytes

RUNS_DIR = "runs"
WEIGHTS, BEST, OPTIMIZER = "weights.safetensors", "best.safetensors", "optimizer.safetensors"


def new_run_id(now: float | None = None) -> str:
    """A run id that sorts by start time and does not collide."""
    t = datetime.fromtimestamp(time.time() if now is None else now, tz=timezone.utc)
    return t.strftime("%Y%m%d-%H%M%S-") + f"{t.microsecond // 1000:03d}-" + secrets.token_hex(2)


def spec_hash(doc: dict[str, Any]) -> str:
    """A short hash of what shapes the training (data, model, training); names and notes excluded."""
    core = {k: doc.get(k) for k in ("task", "data", "model", "training")}
    return hashlib.sha256(json.dumps(core, sort_keys=True, default=str).encode()).hexdigest()[:16]


def versions() -> dict[str, str]:
    """Versions of what produced a run."""
    import numpy
    import torch
    try:
        from importlib.metadata import version
        ll = version("layerlab")
    except Exception:  # noqa: BLE001 - an uninstalled checkout still trains
        ll = "unknown"
    return {"layerlab": ll, "torch": torch.__version__, "python": platform.python_version(),
            "numpy": numpy.__version__}


WEIGHT_CHOICES = ("best", "last")


def process_tag() -> dict[str, Any]:
    """Who is running a run (pid, host, the process's start time): tells interrupted runs from running ones."""
    pid = os.getpid()
    return {"pid": pid, "host": socket.gethostname(), "pid_started": _process_started(pid)}


def _process_started(pid: int) -> float | None:
    try:
        import psutil
        return round(psutil.Process(pid).create_time(), 2)
    except Exception:  # noqa: BLE001 - no psutil, or the process is gone: the pid alone is checked
        return None


def process_alive(pid: int | None, host: str | None = None, started: float | None = None) -> bool:
    """Whether the process that wrote pid/host/started still runs (a reused pid with another start time
    does not count). A run of another machine (a shared folder) is taken as alive: not ours to judge."""
    if host and host != socket.gethostname():
        return True
    if not pid:
        return False
    try:
        import psutil
        proc = psutil.Process(int(pid))
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        return started is None or abs(proc.create_time() - float(started)) < 1.0
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - psutil.NoSuchProcess and friends: gone
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def weights_note(meta: dict[str, Any], which: str = "best") -> Any:
    """ "best: epoch 14 of 50" or "last: epoch 50": which epoch a run's weights come from."""
    done = int(meta.get("epochs_done") or 0)
    best = meta.get("best_epoch")
    if which == "best" and best:
        return msg("best: epoch {best} of {done}", best=int(best), done=max(done, int(best)))
    return msg("last: epoch {done}", done=done)


class RunFolder:
    """Reads and writes the files of one run."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.run_id = self.path.name

    @classmethod
    def create(cls, project_dir: str | Path, run_id: str | None = None) -> "RunFolder":
        """A new, empty run folder under project_dir/runs/."""
        rid = run_id or new_run_id()
        path = Path(project_dir) / RUNS_DIR / rid
        path.mkdir(parents=True, exist_ok=False)
        return cls(path)

    # -- writing -------------------------------------------------------------------------
    # Each file is replaced atomically (temp file, fsync, rename); the folder itself is fsynced
    # once per group of writes by sync(), which the trainer calls after each checkpoint.
    def write_json(self, name: str, obj: Any) -> None:
        atomic.write_json(self.path / name, obj, sync_dir=False)

    def sync(self) -> None:
        """Make the renames of the files written so far durable."""
        atomic.sync_dir(self.path)

    def write_history(self, history: list[dict[str, Any]]) -> None:
        self.write_json("history.json", history)

    def update_meta(self, **changes: Any) -> dict[str, Any]:
        """Merge changes into meta.json (only the runner of the run writes it)."""
        meta = self.meta()
        meta.update(changes)
        self.write_json("meta.json", meta)
        if changes.get("status") not in (None, "running") or "started" in changes:
            self.sync()  # status changes are the moments that must survive a power cut
        return meta

    def save_weights(self, state: dict[str, Any], kind: str = "last", epoch: int | None = None) -> Path:
        """weights.safetensors ('last') or best.safetensors ('best')."""
        path = self.path / (BEST if kind == "best" else WEIGHTS)
        save_tensors(path, state, metadata=self._weights_meta(epoch), sync_dir=False)
        return path

    def _weights_meta(self, epoch: int | None) -> dict[str, str]:
        out = {"format": "pt", "run_id": self.run_id}
        if epoch is not None:
            out["epoch"] = str(epoch)
        return out

    def write_checkpoint(self, epoch: int, weights: dict[str, Any], tensors: dict[str, Any],
                         state: dict[str, Any], history: list[dict[str, Any]],
                         best: tuple[dict[str, Any], int] | None = None) -> None:
        """One epoch's checkpoint as a group (atomic.write_many): last weights, optimizer, best weights,
        history, then state.json, whose epoch marks what the group holds. A process killed while the
        data is written leaves the previous checkpoint whole (and temp files that recover() removes)."""
        files = [(self.path / WEIGHTS, tensors_to_bytes(weights, self._weights_meta(epoch))),
                 (self.path / OPTIMIZER, tensors_to_bytes(tensors))]
        if best is not None:
            files.append((self.path / BEST, tensors_to_bytes(best[0], self._weights_meta(best[1]))))
        files += [(self.path / "history.json", _json_bytes(history)), (self.path / "state.json", _json_bytes(state))]
        atomic.write_many(files)

    def save_training_state(self, tensors: dict[str, Any], state: dict[str, Any]) -> None:
        """optimizer.safetensors and state.json, written in that order (state.json names the epoch)."""
        save_tensors(self.path / OPTIMIZER, tensors, sync_dir=False)
        self.write_json("state.json", state)

    # -- reading -------------------------------------------------------------------------
    def read(self, name: str, default: Any = None) -> Any:
        return read_json(self.path / name, default)

    def meta(self) -> dict[str, Any]:
        return self.read("meta.json", {}) or {}

    def history(self) -> list[dict[str, Any]]:
        return self.read("history.json", []) or []

    def doc(self) -> dict[str, Any]:
        return self.read("spec.json")

    def has_weights(self) -> bool:
        return (self.path / WEIGHTS).exists()

    def has_best(self) -> bool:
        return (self.path / BEST).exists()

    def weights(self, device: str = "cpu", which: str = "last") -> dict[str, Any]:
        """The last saved epoch's weights, or the best epoch's (which="best")."""
        if not self.has_weights():
            raise SpecError("run", msg("run {run_id} has no saved weights (it ended before its first epoch)",
                                       run_id=self.run_id),
                            self.run_id, msg("train again, or pick another run with `layerlab runs`"))
        return load_tensors(self.path / (BEST if which == "best" and self.has_best() else WEIGHTS), device)

    def pick_weights(self, which: str | None = None) -> str:
        """'best' or 'last': which (checked), else the run's default: the best epoch's, unless its
        early stopping says restore_best false. 'best' falls back to 'last' for a run without one."""
        if which is not None and which not in WEIGHT_CHOICES:
            raise SpecError("weights", msg("must be 'best' or 'last'"), which,
                            msg("use 'best' (the best validation epoch, the default) or 'last' (the last epoch)"))
        if which is None:
            es = ((self.doc() or {}).get("training") or {}).get("early_stopping")
            which = "last" if isinstance(es, dict) and es.get("restore_best") is False else "best"
        return which if which == "last" or self.has_best() else "last"

    def weights_epoch(self, which: str) -> int | None:
        """The epoch the best or last weights come from (meta.json, else the file's own record)."""
        meta = self.meta()
        value = meta.get("best_epoch") if which == "best" else meta.get("epochs_done")
        if value:
            return int(value)
        try:
            from safetensors import safe_open
            with safe_open(str(self.path / (BEST if which == "best" else WEIGHTS)), "pt") as f:
                return int((f.metadata() or {}).get("epoch"))
        except Exception:  # noqa: BLE001 - an older file without the record
            return None

    def training_state(self, device: str = "cpu") -> tuple[dict[str, Any], dict[str, Any]]:
        """(optimizer tensors, state.json) to continue from."""
        state = self.read("state.json")
        if state is None or not (self.path / OPTIMIZER).exists():
            raise SpecError("run", msg("run {run_id} has no saved training state to continue from", run_id=self.run_id),
                            self.run_id, msg("continue a run that finished at least one epoch"))
        return load_tensors(self.path / OPTIMIZER, device), state

    # -- honest records --------------------------------------------------------------------
    def is_orphaned(self) -> bool:
        """meta.json says 'running' but the process that trains it is gone."""
        meta = self.meta()
        return meta.get("status") == "running" and not process_alive(meta.get("pid"), meta.get("host"),
                                                                      meta.get("pid_started"))

    def recover(self, force: bool = False) -> dict[str, Any] | None:
        """Mark a run whose process is gone 'interrupted' (force: the caller knows it is gone), with
        epochs_done and best_epoch as the checkpoint holds them, history.json cut to the same epoch and
        the temp files of an interrupted write removed. Returns the new meta, None when nothing to do."""
        if not (force and self.meta().get("status") == "running") and not self.is_orphaned():
            return None
        atomic.clean_tmp(self.path)
        meta = self.meta()
        state = self.read("state.json")
        if state is not None and self.has_weights():
            done = int(state.get("epoch") or 0)
            best = (state.get("early_stopping") or {}).get("best_epoch")
        else:  # no checkpoint of its own: only what it continued from
            done, best = int(meta.get("start_epoch") or 0), meta.get("best_epoch") if meta.get("start_epoch") else None
        history = self.history()
        kept = [h for h in history if isinstance(h, dict) and int(h.get("epoch") or 0) <= done]
        if kept != history:
            self.write_history(kept)
        words = msg("The process training this run ended without finishing it (killed, crashed or switched "
                    "off); {epochs} epochs are saved.", epochs=done)
        hint = msg("continue it to train on from there") if done else msg("train again")
        texts = {**(meta.get("texts") or {}), "message": words.to_dict(), "hint": hint.to_dict()}
        return self.update_meta(status="interrupted", epochs_done=done, best_epoch=best, ended=meta.get("ended"),
                                message=str(words), texts=texts)

    def copy_inputs_from(self, other: "RunFolder") -> None:
        """Carry the data description and preprocessing of a run being continued."""
        for name in ("preprocessing.json", "data.json"):
            if (other.path / name).exists():
                shutil.copyfile(other.path / name, self.path / name)


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


STALE_TMP_S = 300.0  # a project-level temp file this old belongs to a write that was cut short


def recover_project(project_dir: str | Path) -> list[str]:
    """recover() every run of a project whose process is gone, and remove old temp files of the
    project's own writes (project.json; young ones may belong to a live writer); returns the run ids."""
    atomic.clean_tmp(project_dir, older_than_s=STALE_TMP_S)
    out = []
    for rid in run_ids(project_dir):
        try:
            if RunFolder(runs_dir(project_dir) / rid).recover() is not None:
                out.append(rid)
        except (OSError, ValueError):
            continue  # an unreadable run folder stays as it is; the others are still checked
    return out


def runs_dir(project_dir: str | Path) -> Path:
    return Path(project_dir) / RUNS_DIR


def run_ids(project_dir: str | Path) -> list[str]:
    """Every run id of a project, oldest first."""
    d = runs_dir(project_dir)
    if not d.is_dir():
        return []
    return sorted(p.name for p in d.iterdir() if p.is_dir() and not p.name.startswith("."))


def open_run(project_dir: str | Path, run_id: str | None = None, need_weights: bool = True) -> RunFolder:
    """A run folder by id, or the newest run that has weights; SpecError naming the choices otherwise."""
    ids = run_ids(project_dir)
    if run_id is not None:
        if run_id not in ids:
            hint = msg("valid runs: {listing}", listing=", ".join(ids[-5:])) if ids \
                else msg("train the project first: `layerlab train`")
            raise SpecError("run", msg("is not a run of this project"), run_id, hint)
        return RunFolder(runs_dir(project_dir) / run_id)
    for rid in reversed(ids):
        f = RunFolder(runs_dir(project_dir) / rid)
        if not need_weights or f.has_weights():
            return f
    raise SpecError("run", msg("this project has no trained run yet"),
                    hint=msg("train it first: `layerlab train PROJECT` or project.train()"))
