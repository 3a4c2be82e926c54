"""One folder per training run: `<project>/runs/<run_id>/`, every file written atomically.

    weights.safetensors      the network the run delivers (Network.state_dict(); the best
                             epoch's when early stopping restored it, else the last)
    best.safetensors         the best epoch so far on the monitored metric
    optimizer.safetensors    optimizer tensors + random-generator states (to continue)
    state.json               optimizer param groups, epoch, schedule and early-stopping state
    spec.json                the project document the run trained (a snapshot)
    preprocessing.json       dataset.preprocessor.to_dict()
    data.json                DataInfo.to_dict()
    history.json             one dict per epoch: epoch, loss, val_loss, metrics, lr, timings
    meta.json                status, start/end, duration, final metrics, versions, spec hash

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
from .checkpoint import load_tensors, read_json, save_tensors

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


def process_tag() -> dict[str, Any]:
    """Who is running a run: used to tell interrupted runs from running ones."""
    return {"pid": os.getpid(), "host": socket.gethostname()}


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

    def save_weights(self, state: dict[str, Any], kind: str = "last") -> Path:
        """weights.safetensors ('last') or best.safetensors ('best')."""
        path = self.path / (BEST if kind == "best" else WEIGHTS)
        save_tensors(path, state, metadata={"format": "pt", "run_id": self.run_id}, sync_dir=False)
        return path

    def restore_best(self) -> bool:
        """Make the best epoch's weights the run's weights (atomic copy); False without a best."""
        best = self.path / BEST
        if not best.exists():
            return False
        atomic.write_bytes(self.path / WEIGHTS, best.read_bytes())
        return True

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

    def weights(self, device: str = "cpu") -> dict[str, Any]:
        if not self.has_weights():
            raise SpecError("run", msg("run {run_id} has no saved weights (it ended before its first epoch)",
                                       run_id=self.run_id),
                            self.run_id, msg("train again, or pick another run with `layerlab runs`"))
        return load_tensors(self.path / WEIGHTS, device)

    def training_state(self, device: str = "cpu") -> tuple[dict[str, Any], dict[str, Any]]:
        """(optimizer tensors, state.json) to continue from."""
        state = self.read("state.json")
        if state is None or not (self.path / OPTIMIZER).exists():
            raise SpecError("run", msg("run {run_id} has no saved training state to continue from", run_id=self.run_id),
                            self.run_id, msg("continue a run that finished at least one epoch"))
        return load_tensors(self.path / OPTIMIZER, device), state

    def copy_inputs_from(self, other: "RunFolder") -> None:
        """Carry the data description and preprocessing of a run being continued."""
        for name in ("preprocessing.json", "data.json"):
            if (other.path / name).exists():
                shutil.copyfile(other.path / name, self.path / name)


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
