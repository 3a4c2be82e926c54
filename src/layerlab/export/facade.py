"""The Export service of a project: its model as files (`layerlab.api.Project` delegates to it; the
project hands it a `ProjectContext` per call).

>>> import layerlab, tempfile, pathlib
>>> p = layerlab.new(tempfile.mkdtemp() + "/xor", example="xor")
>>> r = p.export("onnx", pathlib.Path(p.dir) / "xor.onnx")   # the latest run, or the untrained model
>>> r["max_diff"] < 1e-4
True
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Protocol

from ..i18n import msg
from ..spec.context import ProjectContext
from ..spec.errors import SpecError
from ..spec.models import ProjectSpec as Spec
from ..spec.models import parse_project
from .common import Exported, ExportFailed, join_reasons, random_input
from .describe import snippet
from .formats import blockers, check_format, export_to, format_table, get_format  # noqa: F401  (blockers: callers')
from .ondevice import browser_model

class Exportable(Protocol):
    """What the Export service needs from the rest of the project (`layerlab.api.Project` is one)."""

    dir: Path | None

    @property
    def spec(self) -> Spec: ...

    def build(self, seed: int | None = None) -> Any: ...

    def data_info(self, spec: Spec | None = None) -> Any: ...

    def dataset(self) -> Any: ...

    def load_run(self, run_id: str | None = None, weights: str | None = None) -> Any: ...

    def export_source(self, run_id: str | None = None, untrained_ok: bool = True,
                      weights: str | None = None) -> Exported: ...


class Export:
    """The project's exports: `context()` gives the current revision, `project` the runs, model and
    data an export is made from (the script and the zip read the project's raw data through it)."""

    def __init__(self, context: Callable[[], ProjectContext], project: Exportable):
        self._context = context
        self._project = project

    def export_source(self, run_id: str | None = None, untrained_ok: bool = True,
                      weights: str | None = None) -> Exported:
        """The network to export (a saved run, default the latest; else the untrained model) with samples."""
        ctx = self._context()
        loaded = None
        try:
            # the run's best epoch by default, as Project.predict; weights="last" for the last epoch's
            loaded = self._project.load_run(run_id, weights=weights) if ctx.folder is not None else None
        except SpecError:
            if run_id is not None or not untrained_ok:
                raise
        doc = loaded.doc if loaded is not None else ctx.doc
        network = loaded.network if loaded is not None else self._project.build()
        network.eval()
        info = loaded.info if loaded is not None else self._project.data_info()
        pre = loaded.preprocessor if loaded is not None else None
        val = train_x = example = None
        try:
            ds = self._project.dataset()
            pre = pre if pre is not None else ds.preprocessor
            part = ds.val if ds.val is not None else ds.train
            example = part.x[:64]
            if ds.val is not None:
                val = (ds.val.x, ds.val.y)
            train_x = ds.train.x
        except (SpecError, AttributeError, FileNotFoundError, NotImplementedError):
            pass  # no data at hand (e.g. an imported model): verify on random inputs instead
        if example is None or len(example) < 2:
            example = random_input(tuple(info.input_shape), 16, getattr(info, "vocab_size", None))
        if not example.is_floating_point():
            example = example.long()
        pre_dict = pre.to_dict() if hasattr(pre, "to_dict") else (pre or {})
        # the run's own spec: the model may have been edited since
        spec = parse_project(doc, ctx.folder) if loaded is not None else ctx.spec
        meta = {"name": ctx.name, "layers": list(spec.model.layers),
                "input_shape": list(info.input_shape),
                "task": info.task, "classes": info.classes, "outputs": getattr(info, "outputs", 1),
                "preprocessing": pre_dict, "doc": doc, "run_id": loaded.run_id if loaded is not None else None,
                "trained": loaded is not None, "vocab_size": getattr(info, "vocab_size", None),
                "feature_names": getattr(info, "feature_names", None),
                # which epoch's weights (the run's best by default, as Project.predict uses)
                "weights": getattr(loaded, "weights", None), "epoch": getattr(loaded, "epoch", None),
                "weights_note": str(getattr(loaded, "note", "") or "") if loaded is not None else ""}
        return Exported(network, example.contiguous(), meta, val, train_x)

    def export_formats(self) -> list[dict[str, Any]]:
        """Each format (in the registry's order) with its label, suffix and, before the user tries, why it
        cannot be used (or None); for the Export page also its description, file name and usage snippet."""
        try:
            layers = list(self._context().spec.model.layers)
        except SpecError:
            layers = []
        return format_table(layers, self._context().name, lambda: self._project.data_info().input_shape)

    def export_usage(self, files: dict[str, str], run_id: str | None = None) -> dict[str, str]:
        """For each format -> file name: Python that loads the file, feeds the project's first validation
        sample and prints its label ('' where a format has no such snippet, or the model has no project
        preprocessing: then the file takes the network's own input)."""
        src = self.export_source(run_id)
        return {fmt: snippet(src, get_format(fmt), name) for fmt, name in files.items()}

    def browser_model(self, run_id: str | None = None, weights: str | None = None) -> Any:
        """The run's self-contained ONNX file for the browser (export.ondevice.BrowserModel: data,
        run_id, weights, epoch, etag), cached per run and weights file."""
        return browser_model(self._project, run_id, weights)

    def export(self, fmt: str, out: str | Path, run_id: str | None = None,
               weights: str | None = None) -> dict[str, Any]:
        """Write the model in a format to out (a file, or a folder for safetensors/tfjs); returns a report.

        weights: the run's 'best' epoch's (the default, as Project.predict) or 'last'.
        """
        form = get_format(fmt)
        src = self.export_source(run_id, weights=weights)
        problems = form.blockers(src.kinds(), list(src.meta.get("layers") or []))
        if problems and not form.partial:
            raise ExportFailed("model.layers", msg("this model cannot be exported as {fmt}", fmt=form.label),
                               join_reasons(problems), msg("replace those layers, or choose another format"))
        return export_to(src, fmt, Path(out), self._project)

