"""The Runs service of a project: training, saved runs and predictions (`layerlab.api.Project`
delegates to it; the project hands it a `ProjectContext` per call).

>>> import layerlab, tempfile
>>> p = layerlab.new(tempfile.mkdtemp() + "/xor", example="xor")
>>> run = p.train(epochs=3)                     # blocks; background=True returns at once
>>> run.status, len(run.history), sorted(run.final)[:2]
('finished', 3, ['accuracy', 'epoch'])
>>> p.predict([[0.0, 1.0]]).shape               # class probabilities from the latest run's best epoch
(1, 2)
>>> loaded = p.load_run()                       # the trained network (eval mode), best epoch by default
>>> loaded.network.training, loaded.weights, str(loaded.note).startswith("best: epoch")
(False, 'best', True)
>>> p.load_run(weights="last").note.to("de")    # the last epoch's instead
'letzte: Epoche 3'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np
import torch

from ..data.inputs import load_inputs
from ..i18n import msg
from ..layers.modules import Activated
from ..spec.check import Analysis
from ..spec.context import ProjectContext
from ..spec.errors import SpecError
from ..spec.models import ProjectSpec as Spec
from ..spec.models import parse_project
from ..store import registry
from ..store.runs import open_run, recover_project, weights_note
from . import datacache
from .build import build_network
from .runner import default_runner
from .saved import info_from_dict, preprocessor_from_dict
from .setup import channels_last_pays, to_channels_last

@dataclass
class LoadedRun:
    """A saved run, ready to predict: the network (eval mode, CPU) and what it was trained with."""

    run_id: str
    network: Any
    preprocessor: Any           # layerlab.data.preprocess.Preprocessor (or its dict if unavailable)
    info: Any                   # layerlab.data.base.DataInfo
    doc: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    weights: str = "best"       # 'best' (the best validation epoch's) or 'last' (the last epoch's)
    epoch: int | None = None    # the epoch these weights come from

    @property
    def classes(self) -> list[str] | None:
        return self.info.classes

    @property
    def final(self) -> dict[str, Any]:
        """The metrics of these weights' epoch."""
        row = next((h for h in self.history if h.get("epoch") == self.epoch), None)
        if row is not None:
            return {k: v for k, v in row.items() if k not in ("lr", "samples_per_s", "elapsed_s", "epoch_s")}
        return self.meta.get("final") or {}

    @property
    def note(self):
        """Which epoch the weights are from, for people: "best: epoch 14 of 50" or "last: epoch 50"."""
        meta = dict(self.meta)
        if self.weights == "best":
            meta["best_epoch"] = self.epoch
        else:
            meta["epochs_done"] = self.epoch or meta.get("epochs_done")
        return weights_note(meta, self.weights)


def _check_epochs(epochs: Any) -> None:
    """An epochs override is held to the spec's rule (1 or more): 0 or -3 must not train silently."""
    if epochs is None:
        return
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise SpecError("epochs", msg("must be at least {low}", low=1), epochs,
                        msg("use a whole number of {low} or more, e.g. {example}", low=1, example=20))


class Trainable(Protocol):
    """What a run is made of (the runner snapshots it): `layerlab.api.Project` is one."""

    doc: dict[str, Any]
    dir: Path | None

    @property
    def name(self) -> str: ...

    @property
    def spec(self) -> Spec: ...

    def analyze(self) -> Analysis: ...

    def dataset(self) -> Any: ...

    def build(self, seed: int | None = None) -> Any: ...


class Runs:
    """The project's runs: `context()` gives the current revision, `project` is what the runner trains."""

    def __init__(self, context: Callable[[], ProjectContext], project: Trainable):
        self._context = context
        self._project = project
        self._live: LoadedRun | None = None                    # live_network's network, per run
        self._loaded: tuple[tuple[Any, ...], LoadedRun] | None = None  # load_run's, per weights file

    def train(self, epochs: int | None = None, on_event: Callable[[Any], None] | None = None,
              background: bool = False, dataset: Any = None, owner: str = "local"):
        """Train in the runner's worker; returns the Run (finished unless background=True).

        epochs overrides training.epochs for this run; on_event(event) receives every event;
        dataset (advanced) trains on a given layerlab.data.dataset.Dataset instead of project.dataset().
        owner: who the run is for (the studio passes `layerlab.api_owners.owner_of(request)`); the
        scheduler runs one per owner while other owners wait.
        """
        _check_epochs(epochs)
        self.require_folder()
        self.refuse_over_budget()
        run = default_runner().submit(self._project, epochs=epochs, on_event=on_event, dataset=dataset, owner=owner)
        return run if background else _wait(run)

    def continue_run(self, run_id: str | None = None, epochs: int | None = None,
                     on_event: Callable[[Any], None] | None = None, background: bool = False,
                     dataset: Any = None, owner: str = "local"):
        """A new run that goes on from a saved run (default: the latest) for more epochs (default: its spec's);
        owner as for train()."""
        _check_epochs(epochs)
        folder = self.require_folder()
        rid = run_id or open_run(folder).run_id
        run = default_runner().submit(self._project, epochs=epochs, on_event=on_event, continue_from=rid,
                                      dataset=dataset, owner=owner)
        return run if background else _wait(run)

    def warm_training(self) -> None:
        """Get Train ready ahead of time: a warm worker process, and the prepared dataset in the
        on-disk cache that the worker reads (the Train page calls this while the user reads it)."""
        self.require_folder()
        default_runner()
        datacache.warm(self._project)

    def train_distributed(self, workers: int = 2, epochs: int | None = None, address: str | None = None,
                          storage_path: str | None = None, resources_per_worker: dict[str, float] | None = None,
                          on_event: Callable[[Any], None] | None = None, background: bool = False):
        """Data-parallel training on Ray Train (DistributedDataParallel over `workers` processes).

        On this machine by default, or on a running cluster (`address`, or RAY_ADDRESS); the
        spec's batch size is the global batch; the run lands in runs/ like any other. Needs the
        scale extra (`pip install -e ".[scale]"`); see docs/RAY.md.
        """
        from .distributed import train_distributed  # defers Ray's helpers (the optional scale extra)
        _check_epochs(epochs)
        self.require_folder()
        self.refuse_over_budget()
        return train_distributed(self._project, workers=workers, epochs=epochs, address=address,
                                 storage_path=storage_path, resources_per_worker=resources_per_worker,
                                 on_event=on_event, background=background)

    def live_network(self, run_id: str, weights: dict[str, Any]) -> LoadedRun:
        """A run that is still training, with the weights a LiveWeights event shared (slow motion, Step):
        its network (eval mode, CPU) and preprocessing, to draw what it does right now. The network is
        built once per run; call it from one thread at a time per project object."""
        folder_of_project = self.require_folder()
        cache = self._live
        if cache is None or cache.run_id != run_id:
            folder = open_run(folder_of_project, run_id, need_weights=False)
            doc = folder.doc()
            info = info_from_dict(folder.read("data.json"))
            spec = parse_project(doc, folder_of_project)  # the run's own spec
            net = build_network(spec.model.layers, info.input_shape, seed=spec.training.seed)
            net.eval()
            cache = LoadedRun(run_id, net, preprocessor_from_dict(folder.read("preprocessing.json")), info, doc,
                              weights="live")
            self._live = cache
        cache.network.load_state_dict({k: torch.as_tensor(np.asarray(v)) for k, v in weights.items()})
        return cache

    def runs(self) -> list[dict[str, Any]]:
        """This project's runs from the registry, newest first (rebuilt from runs/ if the registry lacks them).

        A run whose process is gone reads 'interrupted' (checked here, not left to a studio); each
        row says which epoch predictions use: `best_epoch`, `epochs_done` and `weights_note`
        ("best: epoch 14 of 50").
        """
        folder = self.require_folder()
        recover_project(folder)
        registry.sync_project(folder)
        return registry.list_runs(folder)

    def load_run(self, run_id: str | None = None, weights: str | None = None) -> LoadedRun:
        """A saved run (default: the latest with weights) with its network in eval mode on CPU.

        weights: 'best' (the best validation epoch's, the default) or 'last' (the last epoch's,
        which "continue" goes on from); `.weights`, `.epoch` and `.note` say which was loaded.
        """
        project_folder = self.require_folder()
        folder = open_run(project_folder, run_id)
        which = folder.pick_weights(weights)
        file = folder.path / ("best.safetensors" if which == "best" else "weights.safetensors")
        cache = self._loaded
        stamp = (folder.run_id, which, file.stat().st_mtime_ns)
        if cache is not None and cache[0] == stamp:
            return cache[1]
        doc = folder.doc()
        info = info_from_dict(folder.read("data.json"))
        spec = parse_project(doc, project_folder)  # the run's own spec
        net = build_network(spec.model.layers, info.input_shape, seed=spec.training.seed)
        net.load_state_dict(folder.weights("cpu", which))
        net.eval()
        loaded = LoadedRun(folder.run_id, net, preprocessor_from_dict(folder.read("preprocessing.json")), info,
                           doc, folder.history(), folder.meta(), which, folder.weights_epoch(which))
        self._loaded = (stamp, loaded)
        return loaded

    def predict(self, x: Any, run_id: str | None = None, raw: bool | None = None,
                weights: str | None = None) -> np.ndarray:
        """Class probabilities (N, classes) or regression values (N, outputs) from the latest run
        (its best epoch's weights; weights="last" for the last epoch's).

        x is what you have, in your data's units: rows of feature values, arrays of images,
        file paths, PIL images or dicts of feature values; the run's preprocessing (the
        scaling fitted on its training split) is applied, as in training. A torch.Tensor is
        taken as model input that is already preprocessed (e.g. `project.dataset().val.x`).
        raw=True/False forces either reading.
        """
        loaded = self.load_run(run_id, weights)
        if raw is None:
            raw = not isinstance(x, torch.Tensor)
        xt = _load_raw(x, loaded) if raw else _as_model_input(x, loaded)
        return predict_loaded(loaded, xt)

    def refuse_over_budget(self) -> None:
        """Raise the first budget refusal (spec/budgets.py: size, memory, FLOPs) before a run is queued.

        Other spec mistakes are left to the run, which reports them as it always did."""
        try:
            over = self._project.analyze().over_budget
        except SpecError:
            return
        if over:
            raise over[0]

    def require_folder(self) -> Path:
        """The project's folder (runs are kept in it), or a ValueError saying to save the project first."""
        return self._context().require_folder()


def _wait(run):
    try:
        return run.wait()
    except KeyboardInterrupt:  # Ctrl-C in a script or the CLI: stop cleanly, keep the last epoch
        run.stop()
        run.wait()
        raise


def _as_model_input(x: Any, loaded: LoadedRun) -> torch.Tensor:
    shape = tuple(loaded.info.input_shape)
    dtype = torch.long if loaded.info.kind == "tokens" else torch.float32
    arr = None
    if isinstance(x, torch.Tensor):
        arr = x.detach().cpu()
    elif isinstance(x, np.ndarray) and x.dtype != object:
        arr = torch.from_numpy(np.ascontiguousarray(x))
    elif isinstance(x, (list, tuple)) and x and not any(isinstance(v, str) or hasattr(v, "__fspath__") for v in x):
        try:
            arr = torch.as_tensor(np.asarray(x, dtype=np.float64))
        except (ValueError, TypeError):
            arr = None
    if arr is not None and tuple(arr.shape[1:]) == shape:
        return arr.to(dtype)
    if arr is not None and tuple(arr.shape) == shape:
        return arr.to(dtype)[None]
    return _load_raw(x, loaded)


def _load_raw(x: Any, loaded: LoadedRun) -> torch.Tensor:
    items = x if isinstance(x, (list, tuple)) else [x]
    out = load_inputs(items, loaded.info, loaded.preprocessor)
    out = out if isinstance(out, torch.Tensor) else torch.as_tensor(np.asarray(out))
    return out.to(torch.long if loaded.info.kind == "tokens" else torch.float32)


def logits_path(net: Any) -> torch.nn.Module:
    """`net.logits` as one flat nn.Sequential of the layers' core operations and activations, for inference
    (an Activated layer in eval mode is its core, then its activation): one module call per operation, as
    in a hand-written model, instead of a wrapper per spec layer (3 % of the MLP's inference at batch 64).
    The same module objects: weights loaded later are used. Cached on the network."""
    cached = net.__dict__.get("_logits_path")
    if cached is not None:
        return cached
    layers = list(net.layers)
    if any(isinstance(m, Activated) and type(m) is not Activated for m in layers):
        return net.logits  # a subclass may do more than core-then-activation: the network's own path
    mods: list[torch.nn.Module] = []
    for i, layer in enumerate(layers):
        if type(layer) is not Activated:
            mods.append(layer)
            continue
        mods.append(layer.core)
        skip = i == len(layers) - 1 and net.output_activation is not None  # logits: no final squashing
        if not skip and not isinstance(layer.activation, torch.nn.Identity):
            mods.append(layer.activation)
    flat = torch.nn.Sequential(*mods)  # modes stay the network's (a loaded run is in eval mode)
    net.__dict__["_logits_path"] = flat  # not a submodule: state_dict and .to() stay the network's
    return flat


def predict_loaded(loaded: LoadedRun, x: torch.Tensor, batch_size: int = 1024) -> np.ndarray:
    """Probabilities or (un-scaled) regression values for a preprocessed (N, *input_shape) tensor."""
    net = loaded.network
    cl = x.dim() == 4 and channels_last_pays(net, tuple(x.shape[1:]))  # as in training: 1.2-1.7x on CPU
    if cl:
        to_channels_last(net)  # in place, once (already laid out: nothing to do)
    flat = logits_path(net)
    outs = []
    with torch.inference_mode():
        for i in range(0, x.shape[0], batch_size):
            xb = x[i:i + batch_size]
            z = flat(xb.contiguous(memory_format=torch.channels_last) if cl else xb)  # (B, units)
            outs.append(z)
    z = torch.cat(outs) if outs else torch.zeros(0, 1)
    if loaded.info.task == "classification":
        if z.shape[1] == 1:  # one sigmoid unit: P(class 1) -> two columns
            p1 = torch.sigmoid(z)
            return torch.cat([1 - p1, p1], dim=1).numpy()
        if net.output_activation == "sigmoid":  # one yes/no unit per class
            p = torch.sigmoid(z)
            return (p / p.sum(dim=1, keepdim=True).clamp_min(1e-12)).numpy()
        return torch.softmax(z, dim=1).numpy()
    with torch.inference_mode():
        y = torch.cat([net(x[i:i + batch_size]) for i in range(0, x.shape[0], batch_size)]) if x.shape[0] else z
    y = y.numpy()
    inv = getattr(loaded.preprocessor, "inverse_y", None)
    return np.asarray(inv(y)) if inv is not None else y
