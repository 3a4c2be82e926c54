"""The Project: a project's document and folder, and the four services that do its work.

`layerlab.api` names it for everyone (`layerlab.api.Project`, `layerlab.Project`); the functions that
open and create projects (load, new, create_project, the examples) live there. The Project parses its
document once per revision (`context()`), checks and fixes it, builds its network, saves it, and
delegates data, runs, inspect views and export to the services of data/facade.py, engine/facade.py,
inspect/facade.py and export/facade.py (docs/LAYERS.md).

>>> p = Project({"name": "x", "data": {"source": "xor"}, "model": {"layers": [{"type": "dense", "units": 1}]}})
>>> p.name, p.spec.data.source, p.errors(), p.dir
('x', 'xor', [], None)
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .api_tables import history_csv, predictions_csv
from .data.base import DataInfo, get_source, kind_of_model_input
from .data.dataset import Dataset
from .data.facade import Data
from .engine.build import build_network
from .engine.facade import LoadedRun, Runs
from .export.common import Exported
from .export.facade import Export
from .i18n import msg
from .inspect.context import Context, ViewResult
from .inspect.facade import Inspect
from .inspect.history import EpochRecorder
from .spec.check import Analysis, Target, analyze
from .spec.context import ProjectContext, SpecCache
from .spec.errors import Fix, SpecError
from .spec.fixes import apply_fix
from .spec.loader import check_values
from .spec.models import ProjectSpec as Spec
from .store import workspace

PROJECT_FILE = workspace.PROJECT_FILE


class Project:
    """A project folder: project.json (the spec), data/ (own files) and runs/.

    `doc` is the JSON document and the single source of truth; `spec` is its validated form, parsed
    once per revision of the document. The work is done by four services, each handed the current
    `ProjectContext` (folder, document, revision, spec): `data_service` (layerlab.data.facade.Data),
    `runs_service` (layerlab.engine.facade.Runs), `inspect_service` (layerlab.inspect.facade.Inspect)
    and `export_service` (layerlab.export.facade.Export); the methods below delegate to them.
    """

    def __init__(self, doc: dict[str, Any], folder: Path | None = None):
        self.doc = doc
        self.dir = Path(folder) if folder is not None else None
        self._parsed = SpecCache()
        self.data_service = Data(self.context, self, self._set_doc)
        self.runs_service = Runs(self.context, self)
        self.inspect_service = Inspect(self.context, self)
        self.export_service = Export(self.context, self)

    def context(self) -> ProjectContext:
        """This revision of the project (the spec parsed once per revision)."""
        return self._parsed.context(self.doc, self.dir)

    def _set_doc(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    # -- the spec ------------------------------------------------------------------------
    @property
    def spec(self) -> Spec:
        """The validated spec (raises SpecError)."""
        return self.context().spec

    @property
    def name(self) -> str:
        return str(self.doc.get("name", "untitled"))

    def data_info(self, spec: Spec | None = None) -> DataInfo:
        """What the data looks like (shape, task, classes), from the data source."""
        spec = spec or self.spec
        src = get_source(spec.data.source)
        params = src.resolve(spec.data.params)
        try:
            return src.info(params, self.dir)
        except SpecError:
            declared = _declared_info(spec)
            if declared is None:
                raise
            return declared  # an imported model waiting for its data: its shapes are known

    def target(self, spec: Spec | None = None) -> Target:
        spec = spec or self.spec  # parsed once per analysis: a long spec costs one parse, not three
        info = self.data_info(spec)
        if info.task != spec.task:
            raise SpecError("task", msg("the data source {source!r} is for {task}", source=spec.data.source,
                                        task=info.task), spec.task,
                            msg("set task to {task!r}", task=info.task),
                            [Fix(msg("set task to {task!r}", task=info.task),
                                 [{"op": "set", "path": "task", "value": info.task}])])
        return Target(tuple(info.input_shape), info.task, info.n_outputs, info.classes, info.vocab_size)

    def analyze(self) -> Analysis:
        """Shapes and errors of every layer; never raises for spec mistakes in the model."""
        spec = self.spec
        return analyze(spec, self.target(spec))

    def summary(self) -> Analysis:
        """Like analyze, but raises the first error (for callers that need a valid model)."""
        a = self.analyze()
        a.raise_first()
        return a

    def validate(self) -> "Project":
        """Raise the first SpecError, or return self."""
        self.summary()
        return self

    def budget(self) -> dict[str, Any] | None:
        """Each budget's use and limit (layers, nesting, parameters, training memory, FLOPs per step)
        with the profile and the config file that sets them; None when the spec itself is unreadable."""
        try:
            return self.analyze().budget
        except SpecError:
            return None

    def errors(self) -> list[SpecError]:
        """Every error found (empty when the project is valid)."""
        try:
            return self.analyze().errors
        except SpecError as e:
            return [e]

    def apply(self, fix: Fix) -> "Project":
        """Apply one offered fix to the document (not saved)."""
        self.doc = apply_fix(self.doc, fix)
        return self

    def fix(self, max_steps: int = 20) -> list[Fix]:
        """Apply the first offered fix of each error until valid or none is offered; returns the applied."""
        applied: list[Fix] = []
        for _ in range(max_steps):
            errs = self.errors()
            fixable = next((e for e in errs if e.fixes), None)
            if fixable is None:
                break
            self.apply(fixable.fixes[0])
            applied.append(fixable.fixes[0])
        return applied

    def build(self, seed: int | None = None):
        """The torch Network of this project (raises SpecError when invalid)."""
        a = self.summary()
        spec = self.spec
        return build_network(spec.model.layers, a.input_shape, seed=spec.training.seed if seed is None else seed)

    # -- disk ----------------------------------------------------------------------------
    def save(self, folder: str | Path | None = None) -> Path:
        """Write project.json atomically; returns its path."""
        if folder is not None:
            self.dir = Path(folder)
        if self.dir is None:
            raise ValueError("this project has no folder yet: call save(folder)")
        check_values(self.doc)  # a NaN written now would make the file unreadable later
        self.dir.mkdir(parents=True, exist_ok=True)
        workspace.save_doc(self.dir, self.doc, None)  # the one writer of project.json (checks for NaN first)
        return self.dir / PROJECT_FILE

    # -- data (layerlab.data.facade.Data) ---------------------------------------------------
    def dataset(self) -> Dataset:
        """Splits with fitted preprocessing; cached until the data section or the data files change."""
        return self.data_service.dataset()

    def data_summary(self) -> dict[str, Any]:
        """Samples, input shape or features, classes and counts, split sizes (JSON-ready)."""
        return self.data_service.data_summary()

    def preview_png(self, size: int = 256) -> bytes:
        """A picture of the data: an image grid or a scatter plot (PNG bytes)."""
        return self.data_service.preview_png(size)

    def data_samples(self, n: int = 16, split: str = "train", offset: int = 0) -> list[dict[str, Any]]:
        """Samples as the user knows them (images as PNG bytes, rows as feature dicts) with labels."""
        return self.data_service.data_samples(n, split, offset)

    def data_version(self) -> tuple[int, int, int]:
        """A stamp of the project's own data files (files, bytes, newest change): differs after any change."""
        return self.data_service.data_version()

    def follow_data(self) -> list[Any]:
        """Make the output layer fit the data; the notes (Texts) say what changed (self.doc only, not saved)."""
        return self.data_service.follow_data()

    def augment_preview(self, index: int = 0, n: int = 8, seed: int = 0) -> list[Any]:
        """n augmented versions of one training sample with the project's augmentation settings."""
        return self.data_service.augment_preview(index, n, seed)

    def _data_key(self) -> tuple:
        """What the prepared dataset depends on (engine/datacache.py keys its files by it)."""
        return self.data_service.data_key()

    # -- runs (layerlab.engine.facade.Runs) ----------------------------------------------------
    def train(self, epochs: int | None = None, on_event: Callable[[Any], None] | None = None,
              background: bool = False, dataset: Any = None, owner: str = "local") -> Any:
        """Train in the runner's worker; returns the Run (finished unless background=True). See Runs.train."""
        return self.runs_service.train(epochs, on_event, background, dataset, owner)

    def continue_run(self, run_id: str | None = None, epochs: int | None = None,
                     on_event: Callable[[Any], None] | None = None, background: bool = False,
                     dataset: Any = None, owner: str = "local") -> Any:
        """A new run that goes on from a saved run (default: the latest). See Runs.continue_run."""
        return self.runs_service.continue_run(run_id, epochs, on_event, background, dataset, owner)

    def warm_training(self) -> None:
        """Get Train ready ahead of time (a warm worker, the prepared dataset in the on-disk cache)."""
        self.runs_service.warm_training()

    def train_distributed(self, workers: int = 2, epochs: int | None = None, address: str | None = None,
                          storage_path: str | None = None, resources_per_worker: dict[str, float] | None = None,
                          on_event: Callable[[Any], None] | None = None, background: bool = False) -> Any:
        """Data-parallel training on Ray Train. See Runs.train_distributed."""
        return self.runs_service.train_distributed(workers, epochs, address, storage_path, resources_per_worker,
                                                   on_event, background)

    def live_network(self, run_id: str, weights: dict[str, Any]) -> LoadedRun:
        """A run that is still training with the weights a LiveWeights event shared. See Runs.live_network."""
        return self.runs_service.live_network(run_id, weights)

    def runs(self) -> list[dict[str, Any]]:
        """This project's runs from the registry, newest first. See Runs.runs."""
        return self.runs_service.runs()

    def load_run(self, run_id: str | None = None, weights: str | None = None) -> LoadedRun:
        """A saved run (default: the latest with weights) with its network in eval mode on CPU."""
        return self.runs_service.load_run(run_id, weights)

    def predict(self, x: Any, run_id: str | None = None, raw: bool | None = None,
                weights: str | None = None) -> np.ndarray:
        """Class probabilities or regression values from the latest run's best epoch. See Runs.predict."""
        return self.runs_service.predict(x, run_id, raw, weights)

    def _refuse_over_budget(self) -> None:
        """Raise the first budget refusal before a run is queued (engine/search.py's trials use it)."""
        self.runs_service.refuse_over_budget()

    def _require_folder(self) -> Path:
        """The project's folder, or a ValueError saying to save the project first (api_search.py)."""
        return self.runs_service.require_folder()

    # -- inspect (layerlab.inspect.facade.Inspect) ---------------------------------------------
    def inspect_views(self) -> list[dict[str, Any]]:
        """Every view: name, titles and summaries (en/de), options with defaults, per_epoch."""
        return self.inspect_service.inspect_views()

    def inspect(self, view: str, input: Any = None, run: str | None = None, *, split: str = "val",
                index: int = 0, compare_run: str | None = None, weights: str | None = None,
                **options: Any) -> ViewResult:
        """Compute one view for a run (default: the latest; untrained if none). See Inspect.inspect."""
        return self.inspect_service.inspect(view, input, run, split=split, index=index, compare_run=compare_run,
                                       weights=weights, **options)

    def inspect_context(self, input: Any = None, run: str | None = None, *, split: str = "val",
                        index: int = 0, compare_run: str | None = None, weights: str | None = None) -> Context:
        """The network, samples and labels that views are computed on."""
        return self.inspect_service.inspect_context(input, run, split=split, index=index, compare_run=compare_run,
                                               weights=weights)

    def inspect_samples_png(self, indices: list[int], run: str | None = None, split: str = "val") -> bytes:
        """A picture of some samples of a split with label and prediction (a confusion cell's samples)."""
        return self.inspect_service.inspect_samples_png(indices, run, split)

    def inspect_recorder(self, split: str = "val") -> EpochRecorder:
        """A recorder of per-epoch losses, histograms and dead units on a split."""
        return self.inspect_service.inspect_recorder(split)

    # -- export (layerlab.export.facade.Export) -------------------------------------------------
    def export_source(self, run_id: str | None = None, untrained_ok: bool = True,
                      weights: str | None = None) -> Exported:
        """The network to export (a saved run, default the latest; else the untrained model) with samples."""
        return self.export_service.export_source(run_id, untrained_ok, weights)

    def export_formats(self) -> list[dict[str, Any]]:
        """Each format with its label and, before the user tries, why it cannot be used (or None)."""
        return self.export_service.export_formats()

    def export_usage(self, files: dict[str, str], run_id: str | None = None) -> dict[str, str]:
        """For each format -> file name: Python that loads the file and prints its label."""
        return self.export_service.export_usage(files, run_id)

    def browser_model(self, run_id: str | None = None, weights: str | None = None) -> Any:
        """The run's self-contained ONNX file for the browser (export.ondevice.BrowserModel)."""
        return self.export_service.browser_model(run_id, weights)

    def export(self, fmt: str, out: str | Path, run_id: str | None = None,
               weights: str | None = None) -> dict[str, Any]:
        """Write the model in a format to out (a file, or a folder for safetensors/tfjs); returns a report."""
        return self.export_service.export(fmt, out, run_id, weights)

    # -- downloads (api_tables.py) ---------------------------------------------------------
    def history_csv(self, run_id: str | None = None) -> str:
        """A run's per-epoch history (default: the latest run) as CSV text."""
        return history_csv(self, run_id)

    def predictions_csv(self, inputs: Any = None, run_id: str | None = None, split: str = "validation") -> str:
        """Predictions as CSV text: of inputs (what predict takes), or of a split of the project's data
        (default: validation) beside the true values and, for a table, its own columns."""
        return predictions_csv(self, inputs, run_id, split)

    def to_json(self) -> str:
        return json.dumps(self.doc, indent=2)

    def __repr__(self) -> str:
        return f"<layerlab.Project {self.name!r} at {self.dir}>"


def _declared_info(spec: Spec) -> DataInfo | None:
    """DataInfo from the shape and classes a project declares, for an own-arrays project that has no file yet.

    An imported TF.js model arrives without data; it still summarises, validates and predicts
    from what the model file said. Training asks for the data (the source's own error).
    """
    d = spec.data
    if d.source != "npy" or d.params.get("path") or not d.input_shape:
        return None
    first = spec.model.layers[0] if spec.model.layers else {}
    kind = kind_of_model_input(d.input_shape, spec.model.layers)
    vocab = first.get("input_dim") if kind == "tokens" else None
    if spec.task == "classification":
        return DataInfo(kind, tuple(d.input_shape), spec.task, list(d.classes or []), vocab_size=vocab)
    return DataInfo(kind, tuple(d.input_shape), spec.task, None, d.outputs or 1, vocab_size=vocab)


__all__ = ["PROJECT_FILE", "Project", "Spec"]
