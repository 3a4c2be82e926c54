"""Writes a run's end-of-epoch snapshots to its folder without holding up training.

The training thread hands over a snapshot (tensors already cloned) after every epoch; a
write starts when `every_s` passed since the last one (and always on flush). Writing
happens on a short-lived thread so fsync waits overlap the next epoch; the resulting
CheckpointSaved events are handed back through `drain()` so that listeners still get
every event from the training thread, in order. A failed write (a full disk) is raised
from `drain()` and fails the run in plain words. Each write is one group
(RunFolder.write_checkpoint): a process killed mid-write leaves the previous checkpoint whole,
and meta.json's epochs_done and best_epoch follow only once the group is on disk.
"""
from __future__ import annotations

import threading
import time
from typing import Any

from . import events as ev

CHECKPOINT_EVERY_S = 1.0


class Checkpointer:
    """Pending snapshot + one background write at a time for one RunFolder."""

    def __init__(self, folder: Any, every_s: float = CHECKPOINT_EVERY_S):
        self.folder, self.every_s = folder, every_s
        self._pending: dict[str, Any] | None = None
        self._best: tuple[dict[str, Any], int] | None = None   # (weights, epoch) not written yet
        self._thread: threading.Thread | None = None
        self._events: list[ev.Event] = []
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._last = time.perf_counter()

    def offer(self, snap: dict[str, Any], best: tuple[dict[str, Any], int] | None = None) -> None:
        """Keep this epoch's snapshot; start writing it when the interval passed."""
        self._pending = snap
        if best is not None:
            self._best = best
        if time.perf_counter() - self._last >= self.every_s:
            self._start()

    def flush(self) -> None:
        """Write what is pending and wait until it is on disk."""
        self._start()
        self._join()

    def drain(self) -> list[ev.Event]:
        """CheckpointSaved events of finished writes; raises the error of a failed write."""
        with self._lock:
            out, self._events = self._events, []
            err, self._error = self._error, None
        if err is not None:
            raise err
        return out

    def _join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _start(self) -> None:
        if self._pending is None and self._best is None:
            return
        self._join()  # one write at a time, in order
        snap, best = self._pending, self._best
        self._pending, self._best = None, None
        self._last = time.perf_counter()
        self._thread = threading.Thread(target=self._write, args=(snap, best), name="layerlab-checkpoint",
                                        daemon=True)
        self._thread.start()

    def _write(self, snap: dict[str, Any] | None, best: tuple[dict[str, Any], int] | None) -> None:
        f, done = self.folder, []
        try:
            if snap is not None:  # one group: last weights, optimizer, best, history, then state.json
                f.write_checkpoint(snap["epoch"], snap["weights"], snap["tensors"], snap["state"], snap["history"],
                                   best)
                done.append(ev.CheckpointSaved(run_id=f.run_id, epoch=snap["epoch"], kind="last",
                                               path=str(f.path / "weights.safetensors")))
                if best is not None:
                    done.append(ev.CheckpointSaved(run_id=f.run_id, epoch=best[1], kind="best",
                                                   path=str(f.path / "best.safetensors")))
                es = snap["state"].get("early_stopping") or {}
                # meta.json only (the registry follows status changes): what the checkpoint now holds
                f.update_meta(epochs_done=snap["epoch"], best_epoch=es.get("best_epoch"))
            elif best is not None:
                bpath = f.save_weights(best[0], "best", best[1])
                done.append(ev.CheckpointSaved(run_id=f.run_id, epoch=best[1], kind="best", path=str(bpath)))
            f.sync()
        except BaseException as e:  # noqa: BLE001 - handed to the training thread
            with self._lock:
                self._error = e
            return
        with self._lock:
            self._events.extend(done)
