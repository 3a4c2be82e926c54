"""The Inspect service of a project: views of a run's (or the untrained) network on its data
(`layerlab.api.Project` delegates to it; the project hands it a `ProjectContext` per call).

    p = layerlab.load("my-digits")
    r = p.inspect("saliency", index=3)          # the latest trained run on validation sample 3
    r.data["target"], r.png()[:4]
    p.inspect("adversarial", epsilon=0.05, method="pgd").save("out/")
    [v["name"] for v in p.inspect_views()]

Without a trained run the views show the freshly initialised network (data["trained"] is
False), so a learner can look inside before training too.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np
import torch

from ..data.dataset import Dataset
from ..data.inputs import load_inputs
from ..i18n import msg, translate
from ..spec.check import Analysis
from ..spec.context import ProjectContext
from ..spec.errors import SpecError
from .context import Context, ViewResult
from .history import FILE as HISTORY_FILE
from .history import EpochRecorder
from .views import VIEWS, get_view, run_view
from .views_data import samples_png

SPLITS = ("val", "train", "test")


class Inspectable(Protocol):
    """What the Inspect service needs from the rest of the project."""

    def analyze(self) -> Analysis: ...

    def build(self, seed: int | None = None) -> Any: ...

    def dataset(self) -> Dataset: ...

    def load_run(self, run_id: str | None = None, weights: str | None = None) -> Any: ...


class Inspect:
    """Views of the project's network: `context()` gives the current revision, `project` the model,
    data and saved runs the views are computed from."""

    def __init__(self, context: Callable[[], ProjectContext], project: Inspectable):
        self._context = context
        self._project = project

    def inspect_views(self) -> list[dict[str, Any]]:
        """Every view: name, titles and summaries (en/de), options with defaults, per_epoch."""
        return [{"name": v.name, "title": v.title, "title_de": translate(v.title, "de"), "summary": v.summary,
                 "summary_de": translate(v.summary, "de"), "options": v.options(), "per_epoch": v.per_epoch}
                for v in VIEWS.values()]

    def inspect(self, view: str, input: Any = None, run: str | None = None, *, split: str = "val",
                index: int = 0, compare_run: str | None = None, weights: str | None = None,
                **options: Any) -> ViewResult:
        """Compute one view (see inspect_views) for a run (default: the latest; untrained if none).

        input: a file path or raw item as the user knows it (preprocessed like the data), or a
        preprocessed tensor; default: sample `index` of `split`. weights: the run's 'best' epoch
        (the default) or its 'last'; result.data["weights_note"] says which ("best: epoch 14 of 50").
        """
        get_view(view)  # a wrong name fails before any data is loaded
        ctx = self.inspect_context(input, run, split=split, index=index, compare_run=compare_run, weights=weights)
        result = run_view(view, ctx, **options)
        result.data = {"run": ctx.meta.get("run"), "trained": ctx.meta.get("trained"), "split": ctx.meta.get("split"),
                       "weights_note": ctx.meta.get("weights_note"), "classes": ctx.classes, **result.data}
        return result

    def inspect_context(self, input: Any = None, run: str | None = None, *, split: str = "val",
                        index: int = 0, compare_run: str | None = None, weights: str | None = None) -> Context:
        """The network, samples and labels that views are computed on."""
        if split not in SPLITS:
            raise SpecError("split", msg("is not a data split"), split, msg("use val, train or test"))
        net, pre, run_id, folder, note = self._network(run, weights)
        ds = self._project.dataset()
        part = getattr(ds, split, None)
        if part is None or len(part) == 0:
            part = ds.train if split != "train" else None
            if part is None or len(part) == 0:
                raise SpecError("data", msg("has no samples to inspect"), 0, msg("add data to the project"))
            split = "train"
        pre = pre if pre is not None and not isinstance(pre, dict) else ds.preprocessor
        x_in = _input(input, ds.info, pre) if input is not None else None
        history = None
        if folder is not None and (folder / HISTORY_FILE).exists():
            history = EpochRecorder.load(folder / HISTORY_FILE)
        other = self._network(compare_run)[0] if compare_run is not None else None
        display = getattr(pre, "inverse_x", None)
        return Context(net, part.x, part.y, ds.info.classes, self._project.analyze().rows, input=x_in, index=index,
                       display=display, history=history, other=other, kind=ds.info.kind,
                       meta={"run": run_id, "trained": run_id is not None, "split": split,
                             "weights_note": str(note) if note is not None else None})

    def inspect_samples_png(self, indices: list[int], run: str | None = None, split: str = "val") -> bytes:
        """A picture of some samples of a split with label and prediction (a confusion cell's samples)."""
        return samples_png(self.inspect_context(run=run, split=split), list(indices))

    def inspect_recorder(self, split: str = "val") -> EpochRecorder:
        """A recorder of per-epoch losses, histograms and dead units on a split.

        The training loop calls `rec.on_epoch_end(epoch, network)` after every epoch and
        `rec.save(run_folder)`; the weights and errors views then show the epochs.
        """
        ds = self._project.dataset()
        part = getattr(ds, split, None) or ds.train
        return EpochRecorder(part.x, part.y)

    # -- helpers ---------------------------------------------------------------------------
    def _network(self, run: str | None, weights: str | None = None):
        """(network, preprocessor, run id, run folder, which weights) of a run, or of the untrained spec."""
        folder = self._context().folder
        if folder is not None:
            try:
                loaded = self._project.load_run(run, weights)
                return loaded.network, loaded.preprocessor, loaded.run_id, folder / "runs" / loaded.run_id, loaded.note
            except SpecError:
                if run is not None:
                    raise
        elif run is not None:
            raise SpecError("run", msg("runs need a saved project"), run, msg("save the project to a folder and train it"))
        net = self._project.build()
        net.eval()
        return net, None, None, None, None


def _input(item: Any, info: Any, pre: Any) -> torch.Tensor:
    """One preprocessed input (*input_shape) from a tensor, a file or a raw item."""
    shape = tuple(info.input_shape)
    if isinstance(item, torch.Tensor) and tuple(item.shape) in (shape, (1, *shape)):
        return item.reshape(shape).float()
    if isinstance(item, (str, Path)) and not Path(item).exists():
        raise SpecError("input", msg("no such file"), str(item),
                        msg("give the path of an image, CSV, JSON or .npy file"))
    if isinstance(item, (str, Path)) and Path(item).suffix.lower() in (".json", ".npy"):
        item = _read_array(Path(item))
    x = load_inputs([item], info, pre)                          # (1, *input_shape)
    return x[0].float()


def _read_array(path: Path) -> Any:
    """A sample from a .npy file (no pickles) or a JSON list of numbers."""
    try:
        if path.suffix.lower() == ".npy":
            return np.load(path, allow_pickle=False)
        return np.asarray(json.loads(path.read_text(encoding="utf-8")), dtype=np.float32)
    except (ValueError, OSError) as e:
        raise SpecError("input", msg("cannot read {name}", name=path.name), str(e),
                        msg("give a .npy array or a JSON list of numbers")) from None
