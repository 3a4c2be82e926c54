"""Data-parallel training on Ray Train: the same spec on N workers, one run folder.

`train_distributed(project, workers=2)` starts (or joins, with `address` / `RAY_ADDRESS`) a Ray
cluster through `ray.init` and runs Ray Train's `TorchTrainer` with N workers. Each worker
rebuilds the project from its document, reads the prepared dataset from the on-disk cache the
caller filled (or prepares it itself on another machine), and trains with the ordinary
`Trainer` of `loop.py`, changed in three places only (`DataParallelTrainer`, in
data_parallel.py with the rest of what a worker runs; this module is the driver's side):

- the forward pass that trains goes through `DistributedDataParallel` (a module around the
  network's `logits`, so DDP's gradient averaging is not bypassed);
- each global batch of the spec's `batch_size` is split across the workers (worker r takes
  rows r, r+N, r+2N, ... of the batch every worker draws from the same seeded order), so the
  optimizer steps on the same global batch as one worker would;
- worker 0 writes the run folder, checkpoints and events as a local run does; the others write
  nothing anyone reads. All workers evaluate the whole validation split, so early stopping and
  the learning-rate schedule decide the same on every worker.

Batch norm becomes `SyncBatchNorm` on GPUs (nccl). PyTorch's SyncBatchNorm runs on GPUs only, so
on CPUs (gloo) each worker normalises over its part of the batch and DDP copies worker 0's
running statistics to the others at every step. Training metrics in the history are worker
0's part of each batch; validation metrics are over the whole split.

Stop ends the run at the next epoch boundary (every worker must stop at the same step). A lost
worker fails the run in plain words. Ray is an optional extra (`pip install -e ".[scale]"`);
without it the error says how to install it.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable

import torch

from ..i18n import msg
from ..spec.errors import SpecError
from ..store import registry
from ..store.runs import RunFolder, new_run_id, runs_dir
from . import datacache, ray_storage
from . import events as ev
from .data_parallel import worker_loop
from .runner import Run

log = logging.getLogger(__name__)

COLLECTIVE_TIMEOUT_S = 120  # a worker that never reaches the next gradient exchange fails the run after this


def require_ray() -> Any:
    """The ray module, or a 4-part error that says how to install it."""
    try:
        import ray
        import ray.train  # noqa: F401 - Train is an extra of ray
    except ImportError:
        raise SpecError("workers", msg("needs Ray, which is not installed"), None,
                        msg('install the scale extra: pip install -e ".[scale]" (or pip install "ray[train,tune]")')
                        ) from None
    return ray


def check_workers(workers: int) -> None:
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise SpecError("workers", msg("must be a whole number of at least 1"), workers,
                        msg("use --workers 2 for two worker processes"))


def _connect(ray: Any, address: str | None, workers: int, cpus_per_worker: float, gpus_per_worker: float) -> None:
    """ray.init on this machine or an existing cluster; refuses a cluster too small for the run."""
    address = address or os.environ.get("RAY_ADDRESS") or None
    if address:
        _check_address(address)
    if not ray.is_initialized():
        kwargs: dict[str, Any] = dict(include_dashboard=False, log_to_driver=False, configure_logging=False)
        if address is None:  # a private local cluster: no dashboard, no ports for anyone else
            kwargs["num_cpus"] = max(os.cpu_count() or 1, 1)
        try:
            ray.init(address=address, **kwargs)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise SpecError("address", msg("no Ray cluster answered at {address}: {error}", address=address,
                                           error=str(exc).splitlines()[0][:200]), address,
                            msg("start one with `ray start --head` on that machine, or leave --address out "
                                "to train on this machine")) from None
    have = ray.cluster_resources()
    need_cpu, need_gpu = workers * cpus_per_worker, workers * gpus_per_worker
    if have.get("CPU", 0) < need_cpu or have.get("GPU", 0) < need_gpu:
        raise SpecError("workers", msg("{workers} workers need {cpu:g} CPUs and {gpu:g} GPUs, but the cluster has "
                                       "{have_cpu:g} CPUs and {have_gpu:g} GPUs", workers=workers, cpu=need_cpu,
                                       gpu=need_gpu, have_cpu=have.get("CPU", 0), have_gpu=have.get("GPU", 0)),
                        workers, msg("use fewer workers, fewer CPUs per worker (--resources-per-worker cpu=1), "
                                     "or add machines to the cluster"))


def _check_address(address: str) -> None:
    """Refuse the ray:// client and a head that does not answer, in seconds (ray.init waits minutes)."""
    import socket
    if address.startswith("ray://"):
        raise SpecError("address", msg("is a Ray client address, which Ray advises against for Train and Tune"),
                        address, msg("give the head's cluster address instead, for example {host}:6379",
                                     host=address[6:].rsplit(":", 1)[0] or "head-host"))
    if address == "auto":
        return
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=3).close()
    except (OSError, ValueError) as exc:
        raise SpecError("address", msg("no Ray cluster answered at {address}: {error}", address=address,
                                       error=getattr(exc, "strerror", None) or str(exc)), address,
                        msg("start one with `ray start --head` on that machine, or leave --address out "
                            "to train on this machine")) from None


class DistributedRun:
    """Handle of a data-parallel run; the same surface the CLI and the pages use for a local Run."""

    def __init__(self, run: Any, control: Any):
        self._run, self._control = run, control

    def __getattr__(self, name: str) -> Any:
        return getattr(self._run, name)

    def stop(self) -> None:
        """Stop at the next epoch boundary (all workers stop at the same step)."""
        try:
            self._control.put("stop")
        except Exception:  # noqa: BLE001 - the run has ended already
            pass

    def pause(self) -> None:
        raise SpecError("workers", msg("a data-parallel run cannot pause"), None, msg("stop it and continue it later"))

    step = pause


def train_distributed(project: Any, workers: int = 2, epochs: int | None = None, address: str | None = None,
                      storage_path: str | None = None, resources_per_worker: dict[str, float] | None = None,
                      on_event: Callable[[ev.Event], None] | None = None, background: bool = False) -> Any:
    """Train `project` on `workers` Ray Train workers; returns the run (finished unless background)."""
    check_workers(workers)
    ray = require_ray()
    res = {k.lower(): float(v) for k, v in (resources_per_worker or {}).items()}
    unknown = set(res) - {"cpu", "gpu"}
    if unknown:
        raise SpecError("resources_per_worker", msg("knows cpu and gpu only, not {names}",
                                                    names=", ".join(sorted(unknown))),
                        resources_per_worker, msg("write it as cpu=1,gpu=0"))
    device = project.spec.training.device
    use_gpu = res.get("gpu", 0) > 0 or (device in ("auto", "cuda") and torch.cuda.is_available())
    cpus = res.get("cpu", 1.0)
    gpus = res.get("gpu", 1.0 if use_gpu else 0.0)
    _connect(ray, address, workers, cpus, gpus)
    # workers on other machines cannot write the project folder: worker 0 writes the run to Ray's storage path
    remote = bool(storage_path) or len([n for n in ray.nodes() if n.get("Alive")]) > 1
    from ray.train import RunConfig, ScalingConfig
    from ray.train.torch import TorchConfig, TorchTrainer
    from ray.util.queue import Queue

    data_path = None
    try:
        ds = project.dataset()
        if datacache.cacheable(ds):
            data_path = str(datacache.cache_root() / datacache.key_of(project))
            if datacache.load(data_path) is None:
                datacache.save(ds, data_path)
    except Exception:  # noqa: BLE001 - each worker prepares the data itself and explains a failure
        data_path = None

    run_id = new_run_id()
    events, control = Queue(), Queue()
    run = Run(run_id, project, epochs, None, None)
    handle = DistributedRun(run, control)
    if on_event is not None:
        run.subscribe(on_event)
    cls = type(project)
    config = {"project_class": f"{cls.__module__}:{cls.__qualname__}", "doc": project.doc, "folder": str(project.dir), "run_id": run_id, "epochs": epochs,
              "data_path": data_path, "events": events, "control": control, "device": device}
    storage = ray_storage.resolve(storage_path) if storage_path else str(Path(project.dir) / ".ray")
    config["storage"] = storage if remote else None
    trainer = TorchTrainer(worker_loop, train_loop_config=config, torch_config=TorchConfig(
                               backend="nccl" if use_gpu else "gloo", timeout_s=COLLECTIVE_TIMEOUT_S),
                           scaling_config=ScalingConfig(num_workers=workers, use_gpu=use_gpu,
                                                        resources_per_worker={"CPU": cpus, **({"GPU": gpus}
                                                                                            if use_gpu else {})}),
                           run_config=RunConfig(name=run_id, storage_path=storage))
    ended: dict[str, Any] = {}

    def drain(block: bool) -> None:
        while True:
            try:
                m = events.get(block=block, timeout=0.2) if block else events.get_nowait()
            except Exception:  # noqa: BLE001 - Empty
                return
            if m[0] == "event":
                run._dispatch(m[1])
            elif m[0] == "meta":
                try:
                    registry.record(m[1])
                except Exception:  # noqa: BLE001 - the run folder is the truth
                    log.warning("could not update the run registry", exc_info=True)
            elif m[0] == "done":
                ended["result"] = m[1:]
            elif m[0] == "upload_failed":
                ended["upload_failed"] = m[1]

    def pump() -> None:
        while "fit" not in ended:
            drain(block=True)
        drain(block=False)

    def fit() -> None:
        pumper = threading.Thread(target=pump, name="layerlab-ray-events", daemon=True)
        pumper.start()
        try:
            trainer.fit()
        except Exception as exc:  # noqa: BLE001 - a lost worker: the run fails in plain words
            ended["error"] = exc
        ended["fit"] = True
        pumper.join(timeout=10)
        if remote and not _copy_back(project, storage, run_id, run, ended):
            return
        if "result" in ended:
            status, history, final = ended["result"]
            run._ended(status, history, final)
            return
        error = ended.get("error")
        detail = str(error).strip().splitlines()[-1][:300] if error else "no result"
        message = msg("A training worker was lost, so the data-parallel run stopped: {error}", error=detail)
        hint = msg("Train again; if a machine left the cluster, use fewer workers")
        _mark_failed(project, run_id, message)
        run._dispatch(ev.RunFailed(run_id=run_id, message=message, hint=hint, kind="crash"))
        run._ended("failed", list(run.history), {})

    thread = threading.Thread(target=fit, name="layerlab-ray-fit", daemon=True)
    run.status = "running"
    thread.start()
    if not background:
        run._done.wait()
    return handle


def _copy_back(project: Any, storage: str, run_id: str, run: Any, ended: dict[str, Any]) -> bool:
    """Bring the run folder from Ray's storage path into the project's runs/; False (the run failed,
    reported) when there is nothing to bring and training got far enough to write something."""
    try:
        copied = ray_storage.copy_back(storage, run_id, runs_dir(project.dir) / run_id)
        error = ended.get("upload_failed")
    except OSError as exc:
        copied, error = 0, f"{type(exc).__name__}: {exc}"
    if copied:
        meta = (runs_dir(project.dir) / run_id / "meta.json")
        if meta.exists():
            try:
                registry.record(json.loads(meta.read_text()))
            except (OSError, ValueError):
                log.warning("could not update the run registry", exc_info=True)
        return True
    if "result" not in ended and error is None:
        return True  # a worker was lost before the first checkpoint: the caller reports that
    message = msg("The run's folder could not be copied back from Ray's storage path {storage}: {error}",
                  storage=storage, error=error or msg("it holds nothing of this run"))
    hint = msg("give --storage-path a folder that every machine of the cluster can write at the same path "
               "(shared NFS) or S3-compatible storage (s3://bucket/path)")
    row = registry.get(run_id)
    if row is not None:
        registry.record({**row, "status": "failed", "ended": time.time(), "message": str(message)})
    run._dispatch(ev.RunFailed(run_id=run_id, message=message, hint=hint, kind="crash"))
    run._ended("failed", list(run.history), {})
    return False


def _mark_failed(project: Any, run_id: str, message: Any) -> None:
    folder = RunFolder(runs_dir(project.dir) / run_id)
    if (folder.path / "meta.json").exists():
        try:
            registry.record(folder.update_meta(status="failed", ended=time.time(), message=str(message)))
        except OSError:
            log.warning("could not record the failure of run %s", run_id, exc_info=True)
