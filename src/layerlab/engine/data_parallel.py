"""What each Ray Train worker of a data-parallel run runs (engine/distributed.py is the driver's side).

`worker_loop(config)` rebuilds the project from its document, reads the prepared dataset from the
on-disk cache (or prepares it), and trains with `DataParallelTrainer`: the ordinary Trainer whose
training forward pass goes through DistributedDataParallel, which takes its share of every global
batch, and whose early stop is decided by worker 0 for all. Worker 0 sends the run's events and
meta changes to the driver through a Ray queue (see distributed.py's docstring for the whole design).
"""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

import torch

from ..store.runs import RunFolder
from . import datacache, ray_storage
from . import events as ev
from .control import Stopped
from .loop import Trainer
from .worker import _project

log = logging.getLogger(__name__)


class _TrainForward(torch.nn.Module):
    """The training forward pass as a module of its own, so DDP wraps what the loss sees."""

    def __init__(self, net: torch.nn.Module, classify: bool):
        super().__init__()
        self.net, self.classify = net, classify

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net.logits(x) if self.classify else self.net(x)


class DataParallelTrainer(Trainer):
    """The ordinary trainer, with DDP for the forward pass and a share of every global batch."""

    def __init__(self, *args: Any, rank: int, world: int, stop_flag: Callable[[], bool], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.rank, self.world, self._stop_flag = rank, world, stop_flag

    def _setup(self) -> None:
        from torch.nn.parallel import DistributedDataParallel
        super()._setup()
        cores = os.cpu_count() or 1
        if self.device.type == "cpu":  # the workers share this machine's cores
            torch.set_num_threads(max(1, cores // self.world))
        if self.device.type == "cuda":
            self.net = torch.nn.SyncBatchNorm.convert_sync_batchnorm(self.net)
        ids = [self.device.index if self.device.index is not None else torch.cuda.current_device()] \
            if self.device.type == "cuda" else None
        self.ddp = DistributedDataParallel(_TrainForward(self.net, self.classify), device_ids=ids)
        # the order of samples must be the same on every worker; augmentation draws from self.gen
        self.order_gen = torch.Generator().manual_seed(self.tr.seed)

    def _train_batches(self) -> Any:
        r, n, size = self.rank, self.world, self.tr.batch_size
        split = self.ds.train
        if hasattr(split, "shard_batches") and size % n == 0:  # a streamed folder: decode only this share
            yield from split.shard_batches(size, r, n, generator=self.order_gen)
            return
        for x, y in split.batches(size, shuffle=True, generator=self.order_gen):
            if x.shape[0] < n:  # too few rows for every worker: every worker skips it alike
                continue
            yield x[r::n], y[r::n]

    def _train_forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.ddp(x)

    def _should_stop_early(self) -> bool:
        import torch.distributed as dist
        flag = torch.tensor([1 if (self.rank == 0 and self._stop_flag()) else 0])
        if dist.get_backend() == "nccl":
            flag = flag.to(self.device)
        dist.broadcast(flag, src=0)  # worker 0 decides for everyone, at the same epoch
        if int(flag.item()):
            raise Stopped()
        return super()._should_stop_early()


def worker_loop(config: dict[str, Any]) -> None:
    """What each Ray Train worker runs (a module-level function, so it pickles by name)."""
    import ray.train
    ctx = ray.train.get_context()
    rank, world = ctx.get_world_rank(), ctx.get_world_size()
    if torch.cuda.is_available() and config["device"] != "cpu":
        import ray.train.torch
        torch.cuda.set_device(ray.train.torch.get_device())
    queue, control = config["events"], config["control"]
    storage = config.get("storage")  # set: worker 0 writes on its own disk and copies to Ray's storage path
    writes_project = rank == 0 and not storage
    home = Path(config["folder"]) if writes_project else Path(tempfile.mkdtemp(prefix="layerlab-rank%d-" % rank))
    project = _project({"project_class": config["project_class"], "doc": config["doc"], "dir": config["folder"]})
    folder = RunFolder.create(home, config["run_id"])
    upload = ray_storage.Uploader(storage, config["run_id"]) if rank == 0 and storage else None

    def load_data() -> Any:
        ds = datacache.load(config["data_path"]) if config.get("data_path") else None
        return ds if ds is not None else project.dataset()

    send = (lambda *m: queue.put(m)) if rank == 0 else (lambda *m: None)

    def on_event(e: ev.Event) -> None:
        send("event", e)
        if upload is not None and isinstance(e, ev.CheckpointSaved):  # a checkpoint group is on disk
            try:
                upload.push(folder.path)
            except OSError:  # the next checkpoint (or the end) tries again
                log.warning("could not copy run %s to %s", config["run_id"], storage, exc_info=True)
    stop = {"seen": False}

    def stop_flag() -> bool:
        if not stop["seen"] and not control.empty():
            stop["seen"] = True
        return stop["seen"]

    trainer = DataParallelTrainer(project, folder, epochs=config["epochs"], load_data=load_data,
                                  emit=on_event, on_meta=lambda m: send("meta", m),
                                  rank=rank, world=world, stop_flag=stop_flag)
    outcome = trainer.run()
    if rank == 0:
        trainer.meta(workers=world)
        if upload is not None:
            try:
                upload.push(folder.path)
            except OSError as exc:  # the driver explains it when it finds no run to copy back
                send("upload_failed", f"{type(exc).__name__}: {exc}")
    if not writes_project:
        shutil.rmtree(home, ignore_errors=True)
    if rank == 0:
        send("done", outcome.status, outcome.history, outcome.final)
