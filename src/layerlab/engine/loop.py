"""The training loop: one run segment of a project, from its spec, emitting events.

`Trainer(project, folder, ...).run()` trains in the calling thread (the Runner calls it
in its worker), writes the run folder through `layerlab.store.runs.RunFolder`, and
returns the outcome; it never raises for a failing run: the failure becomes a RunFailed
event in plain words (how a run ends, and its Outcome: engine/endings.py). Classification
trains on `Network.logits` with a stable loss; regression on the network's output. Batches
come from `Split.batches` (index slices, no per-sample Python); evaluation runs under
`torch.inference_mode`.

Reproducible: torch, numpy and the shuffling generator are seeded from
`training.seed`, so the same spec and seed give the same metrics on CPU (one run at a
time per process, which the Runner guarantees).
"""
from __future__ import annotations

import math
import random
import time
from typing import Any, Callable

import numpy as np
import torch

from ..i18n import msg
from ..spec.errors import SpecError
from ..store.checkpoint import load_tensors, optimizer_from_tensors, optimizer_to_tensors
from ..store.runs import process_tag, spec_hash, versions
from . import events as ev
from .checkpointer import Checkpointer
from .control import Control, Stopped, Yielded
from .diagnose import NonFiniteLoss, check_labels
from .endings import Outcome, RunEndings
from .losses import make_loss
from .metrics import MetricAccumulator, lower_is_better
from .optimizers import make_optimizer
from .recording import InspectionTap
from .schedules import Schedule
from .setup import (augmenter, channels_last_pays, class_weight_tensor, pick_device, set_threads, step_flops,
                    threads_for, to_channels_last)

EVAL_BATCH = 1024


class Trainer(RunEndings):
    """Trains one run segment of `project` into `folder` (a new RunFolder)."""

    def __init__(self, project: Any, folder: Any, epochs: int | None = None, dataset: Any = None,
                 parent: Any = None, control: Control | None = None,
                 emit: Callable[[ev.Event], None] | None = None, on_meta: Callable[[dict], None] | None = None,
                 load_data: Callable[[], Any] | None = None, resume: bool = False):
        self.project, self.folder, self.parent = project, folder, parent
        self.extra_epochs, self.dataset, self.load_data = epochs, dataset, load_data
        self.resume = resume  # go on in this same folder after the run gave way to another (time slice)
        self.control = control or Control()
        self._emit = emit or (lambda e: None)
        self._on_meta = on_meta or (lambda m: None)
        self.run_id = folder.run_id
        self.history: list[dict[str, Any]] = []
        self._where: dict[str, Any] = {}
        self._started = time.time()
        self._last_batch_event = 0.0

    # -- plumbing --------------------------------------------------------------------------
    def emit(self, event: ev.Event) -> None:
        self._emit(event)

    def meta(self, **changes: Any) -> None:
        """Update meta.json and tell the registry."""
        self._on_meta(self.folder.update_meta(**changes))

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> Outcome:
        """Train; every failure is reported as RunFailed and returned, never raised."""
        try:
            return self._run()
        except Stopped:
            return self._stopped()
        except Yielded:
            return self._yielded()
        except Exception as exc:  # noqa: BLE001 - a failing run must never take the caller down
            return self._failed(exc)

    def _setup(self) -> None:
        project = self.project
        spec = project.spec
        tr = spec.training
        self.spec, self.tr = spec, tr
        self.device = pick_device(tr.device)
        torch.manual_seed(tr.seed)
        np.random.seed(tr.seed % 2**32)
        random.seed(tr.seed)
        if self.resume:  # same run, next time slice: only who runs it changes
            self._started = float(self.folder.meta().get("started") or self._started)
            self.meta(status="running", **process_tag())
        else:
            self.meta(run_id=self.run_id, project=project.name, project_dir=str(project.dir), status="running",
                      started=self._started, ended=None, duration_s=None, epochs_done=0, final=None,
                      spec_hash=spec_hash(project.doc), versions=versions(), device=str(self.device),
                      continued_from=self.parent.run_id if self.parent else None, message=None, **process_tag())
            self.folder.write_json("spec.json", project.doc)
        ds = self.dataset if self.dataset is not None else (self.load_data or project.dataset)()
        self.ds, self.info = ds, ds.info
        self.folder.write_json("data.json", ds.info.to_dict())
        pre = getattr(ds.preprocessor, "to_dict", None)
        self.folder.write_json("preprocessing.json", pre() if pre else {})
        self.classify = spec.task == "classification"
        self.net = project.build(tr.seed).to(self.device)
        if self.device.type == "cpu":  # deterministic in the spec (not timed), so runs stay reproducible
            flops = step_flops(self.net, tuple(ds.info.input_shape), tr.batch_size, ds.info.kind == "tokens")
            self.threads = set_threads(threads_for(flops))
        n_classes = len(ds.info.classes or []) if self.classify else 0
        self.n_classes = n_classes
        if self.classify:
            for split_name, split in (("train", ds.train), ("validation", ds.val), ("test", ds.test)):
                if split is not None:
                    check_labels(getattr(split, "y", None), n_classes, split_name)
        weights = class_weight_tensor(tr.class_weights, ds.info, ds.train, self.device, spec.task)
        self.loss_fn = make_loss(spec.loss, n_classes, weights)
        self.opt = make_optimizer(tr, self.net.parameters())
        self.gen = torch.Generator().manual_seed(tr.seed)
        self.start_epoch, sched_state, es, end_epoch = 0, None, {}, None
        if self.resume:
            self.start_epoch, sched_state, es, end_epoch = self._restore(self.folder)
        elif self.parent is not None:
            self.start_epoch, sched_state, es, _ = self._restore(self.parent)
        # image batches and convolution weights laid out channels-last (NHWC): torch's CPU convolutions
        # run 1.2-1.5x faster on them (bench/RESULTS.md, "Speed"); same values, other memory order
        self.channels_last = self.device.type == "cpu" and channels_last_pays(self.net, tuple(ds.info.input_shape))
        if self.channels_last:
            to_channels_last(self.net, self.opt)
        self.end_epoch = end_epoch or self.start_epoch + (self.extra_epochs or tr.epochs)
        self.schedule = Schedule(tr.schedule, tr.learning_rate, self.start_epoch, self.end_epoch, sched_state)
        if not getattr(self, "resume", False):  # where this run's own epochs begin (RunFolder.recover)
            self.meta(start_epoch=self.start_epoch)
        self.monitor = (tr.early_stopping.monitor if tr.early_stopping else "val_loss")
        if self.ds.val is None or len(self.ds.val) == 0:
            self.monitor = self.monitor.removeprefix("val_")
        self.best_value = es.get("best_value")
        self.best_epoch = es.get("best_epoch")
        # continued: more epochs were asked for, so patience starts afresh (the best so far is kept);
        # resumed after a time slice: exactly where it was
        self.bad_epochs = int(es.get("bad_epochs") or 0) if self.resume else 0
        self.best_state: dict[str, torch.Tensor] | None = None
        source = self.folder if self.resume else self.parent
        if source is not None and (source.path / "best.safetensors").exists():
            self.best_state = load_tensors(source.path / "best.safetensors", self.device)
            if not self.resume:
                self.folder.save_weights(self.best_state, "best")
        self.has_penalty = any(any(getattr(m, "reg", ())) for m in self.net.modules())
        self.augment = augmenter(spec, ds.info, ds.preprocessor)
        self.ckpt = Checkpointer(self.folder)
        self.tap = InspectionTap(ds, self.device)

    def _restore(self, source: Any) -> tuple[int, dict | None, dict, int | None]:
        """Weights, optimizer, random state and history of a saved run (a parent, or this run itself)."""
        self.net.load_state_dict(source.weights(str(self.device)))
        tensors, state = source.training_state()
        self.opt.load_state_dict(optimizer_from_tensors(tensors, state["optimizer"]))
        if "rng.shuffle" in tensors:
            self.gen.set_state(tensors["rng.shuffle"])
        if "rng.torch" in tensors:
            torch.set_rng_state(tensors["rng.torch"])
        if "rng.cuda" in tensors and self.device.type == "cuda":  # dropout on the GPU draws from its own generator
            torch.cuda.set_rng_state(tensors["rng.cuda"], self.device)
        self.history = [h for h in source.history() if h["epoch"] <= int(state["epoch"])]
        self.folder.write_history(self.history)
        return int(state["epoch"]), state.get("schedule"), state.get("early_stopping", {}), state.get("end_epoch")

    def _run(self) -> Outcome:
        self._where = {}
        self._setup()
        n_train = len(self.ds.train)
        n_val = len(self.ds.val) if self.ds.val is not None else 0
        if self.resume:  # the listeners already had RunStarted: the run goes on where it gave way
            self.emit(ev.RunResumed(run_id=self.run_id, epoch=self.start_epoch, batch=0))
        else:
            self.emit(ev.RunStarted(run_id=self.run_id, project=self.project.name, epochs=self.end_epoch,
                                    n_train=n_train, n_val=n_val, start_epoch=self.start_epoch,
                                    device=str(self.device),
                                    params=sum(p.numel() for p in self.net.parameters() if p.requires_grad),
                                    continued_from=self.parent.run_id if self.parent else None))
        early = False
        t0 = time.perf_counter()
        for epoch in range(self.start_epoch + 1, self.end_epoch + 1):
            t_epoch = time.perf_counter()
            train_metrics, sps = self._train_epoch(epoch)
            val_metrics = self._evaluate(self.ds.val) if n_val else {}
            row = {"epoch": epoch, **train_metrics, **{f"val_{k}": v for k, v in val_metrics.items()},
                   "lr": self.opt.param_groups[0]["lr"], "samples_per_s": sps}
            best = self._track_best(row, epoch)
            self.schedule.epoch_ended(row.get("val_loss", row.get("loss")))
            elapsed = time.perf_counter() - t0
            done = epoch - self.start_epoch
            eta = elapsed / done * (self.end_epoch - epoch)
            row.update(elapsed_s=round(elapsed, 4), epoch_s=round(time.perf_counter() - t_epoch, 4))
            self.history.append(row)
            self.emit(ev.EpochEnded(run_id=self.run_id, epoch=epoch, epochs=self.end_epoch, train=train_metrics,
                                    val=val_metrics, learning_rate=row["lr"], samples_per_s=sps, eta_s=eta,
                                    elapsed_s=elapsed, best=best))
            self._checkpoint(epoch, best)
            self.tap.epoch_ended(epoch, self.net, time.perf_counter() - t0, epoch == self.end_epoch)
            if self._should_stop_early():
                early = True
                break
            if self.control.yield_requested and epoch < self.end_epoch:
                raise Yielded()  # another user waits: give way at this epoch boundary
        return self._finished(early)

    def _train_epoch(self, epoch: int) -> tuple[dict[str, float], float]:
        net, opt, tr = self.net, self.opt, self.tr
        net.train()
        acc = MetricAccumulator(self.spec.task, self.n_classes, self.spec.metrics, self.device)
        n = len(self.ds.train)
        nb = max(1, math.ceil(n / tr.batch_size))
        clip = tr.gradient_clip
        dev = self.device
        min_gap = 1.0 / ev.BATCH_EVENTS_PER_S
        t0 = time.perf_counter()
        seen, lr, per_batch = 0, 0.0, self.schedule.per_batch
        ctrl, where, on_cpu = self.control, self._where, dev.type == "cpu"
        cl = self.channels_last
        where["epoch"] = epoch
        for b, (x, y) in enumerate(self._train_batches(), 1):
            if ctrl.wants_attention:
                ctrl.checkpoint(lambda paused: self._paused(paused, epoch, b))
            where["batch"], where["x"] = b, x
            if self.augment is not None:  # training batches only, on the CPU, from the run's generator
                x = self.augment(x, self.gen)
            if not on_cpu:
                x, y = x.to(dev, non_blocking=True), y.to(dev, non_blocking=True)
            elif cl:
                x = x.contiguous(memory_format=torch.channels_last)
            if b == 1 or per_batch:
                lr = self.schedule.lr(epoch - 1 + (b - 1) / nb)
                for g in opt.param_groups:
                    g["lr"] = lr
            out = self._train_forward(x)
            loss = self.loss_fn(out, y)
            if self.has_penalty:
                loss = loss + net.penalty().to(loss.device)
            value = loss.item()  # one scalar per step: the NaN check needs it (cheap on CPU)
            if not math.isfinite(value):
                raise NonFiniteLoss(epoch, b, value, lr)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if clip:
                torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
            opt.step()
            acc.update(out.detach(), y, value)
            seen += int(y.shape[0])
            now = time.perf_counter()
            stepped = ctrl.stepping  # a Step's batch is always reported, whatever the rate limit
            if stepped or now - self._last_batch_event >= min_gap:  # short epochs must not flood a UI
                self._last_batch_event = now
                self.emit(ev.BatchEnded(run_id=self.run_id, epoch=epoch, batch=b, batches=nb, loss=value,
                                        samples_per_s=seen / max(now - t0, 1e-9)))
                if ctrl.watched:
                    self._share_weights(epoch, b, nb)
            if ctrl.watched:
                ctrl.after_batch()  # slow motion waits here; a Step pauses before the next batch
        sps = seen / max(time.perf_counter() - t0, 1e-9)
        self._where = {"epoch": epoch}  # failures after the batches (evaluation) name the epoch only
        return acc.compute(), sps

    def _train_batches(self) -> Any:
        """This epoch's training batches (the data-parallel trainer takes its share of each)."""
        return self.ds.train.batches(self.tr.batch_size, shuffle=True, generator=self.gen)

    def _train_forward(self, x: torch.Tensor) -> torch.Tensor:
        """The forward pass that trains: logits for classification (data-parallel: through DDP)."""
        return self.net.logits(x) if self.classify else self.net(x)

    def _share_weights(self, epoch: int, batch: int, batches: int) -> None:
        """Send the weights after this batch (slow motion, Step) so a page can redraw what the network does."""
        if not hasattr(self, "_n_params"):
            self._n_params = sum(p.numel() for p in self.net.parameters())
        if self._n_params > ev.LIVE_WEIGHTS_MAX_PARAMS:
            return
        weights = {k: v.detach().cpu().numpy().copy() for k, v in self.net.state_dict().items()}
        self.emit(ev.LiveWeights(run_id=self.run_id, epoch=epoch, batch=batch, batches=batches, weights=weights))

    def _paused(self, paused: bool, epoch: int, batch: int) -> None:
        if paused:
            self._flush()  # a paused run may never be resumed: keep its last epoch on disk
        self.emit((ev.RunPaused if paused else ev.RunResumed)(run_id=self.run_id, epoch=epoch, batch=batch))

    def _evaluate(self, split: Any) -> dict[str, float]:
        """Loss and metrics of a split, in eval mode without autograd."""
        self.net.eval()
        acc = MetricAccumulator(self.spec.task, self.n_classes, self.spec.metrics, self.device)
        with torch.inference_mode():
            for x, y in split.batches(max(EVAL_BATCH, self.tr.batch_size)):
                x, y = x.to(self.device), y.to(self.device)
                if self.channels_last:
                    x = x.contiguous(memory_format=torch.channels_last)
                out = self.net.logits(x) if self.classify else self.net(x)
                acc.update(out, y, self.loss_fn(out, y))
        return acc.compute()

    # -- best, early stopping, checkpoints ----------------------------------------------------
    def _track_best(self, row: dict[str, Any], epoch: int) -> bool:
        value = row.get(self.monitor)
        if value is None:
            raise SpecError("training.early_stopping.monitor", msg("is not a metric this run computes"), self.monitor,
                            msg("use one of {listing}",
                                listing=", ".join(k for k in row if k not in ("epoch", "lr", "samples_per_s"))))
        es = self.tr.early_stopping
        delta = es.min_delta if es else 0.0
        sign = 1.0 if lower_is_better(self.monitor) else -1.0
        if self.best_value is None or sign * (value - self.best_value) < -delta:
            self.best_value, self.best_epoch, self.bad_epochs = value, epoch, 0
            self.best_state = {k: v.detach().clone() for k, v in self.net.state_dict().items()}
            return True
        self.bad_epochs += 1
        return False

    def _should_stop_early(self) -> bool:
        es = self.tr.early_stopping
        return es is not None and self.bad_epochs >= es.patience

    def _checkpoint(self, epoch: int, best: bool) -> None:
        """Hand this epoch's state to the checkpointer (written at most every CHECKPOINT_EVERY_S).

        Tiny examples run an epoch in milliseconds, where five fsynced files per epoch would cost
        more than the training; a stop, pause, failure or the end writes the pending snapshot, so
        at most CHECKPOINT_EVERY_S of work is ever lost and a stopped run resumes from its last epoch.
        """
        tensors, opt_meta = optimizer_to_tensors(self.opt.state_dict())
        snap = {
            "epoch": epoch,
            "weights": {k: v.detach().clone() for k, v in self.net.state_dict().items()},
            "tensors": {**{k: v.detach().clone() for k, v in tensors.items()},
                        "rng.shuffle": self.gen.get_state(), "rng.torch": torch.get_rng_state(),
                        **({"rng.cuda": torch.cuda.get_rng_state(self.device)} if self.device.type == "cuda" else {})},
            "state": {"epoch": epoch, "end_epoch": self.end_epoch, "optimizer": opt_meta,
                      "schedule": self.schedule.state(),
                      "early_stopping": {"best_value": self.best_value, "best_epoch": self.best_epoch,
                                         "bad_epochs": self.bad_epochs}, "monitor": self.monitor},
            "history": list(self.history)}
        self.ckpt.offer(snap, (self.best_state, epoch) if best else None)
        if epoch >= self.end_epoch:
            self.ckpt.flush()
        for e in self.ckpt.drain():
            self.emit(e)
