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
from ..spec.models import Project as Spec
from ..spec.models import parse_project
from .common import FORMATS, Exported, ExportFailed, join_reasons

LABELS = {  # the words among them are Texts (layerlab.i18n): the studio shows them in German too
    "onnx": "ONNX (.onnx)", "onnx_int8": msg("ONNX int8, quantized (.onnx)"), "torchscript": "TorchScript (.pt)",
    "pt2": "torch.export (.pt2)", "safetensors": msg("Weights (.safetensors + JSON)"),
    "script": msg("PyTorch script (.py)"), "tfjs": "TensorFlow.js (model.json + .bin)",
    "webpage": msg("Web page (.html, runs offline)"), "zip": msg("Everything (.zip)"),
}
SUFFIX = {"onnx": ".onnx", "onnx_int8": ".int8.onnx", "torchscript": ".pt", "pt2": ".pt2", "safetensors": "",
          "script": ".py", "tfjs": "", "webpage": ".html", "zip": ".zip"}


def check_format(fmt: str) -> str:
    """The format name, or a SpecError listing the valid ones."""
    if fmt not in FORMATS:
        from ..spec.params import closest
        close = closest(str(fmt), FORMATS)
        listing = ", ".join(FORMATS)
        raise SpecError("format", msg("is not an export format"), fmt,
                        msg("did you mean {close!r}? Formats: {listing}", close=close, listing=listing) if close
                        else msg("Formats: {listing}", listing=listing))
    return fmt


def blockers(kinds: list[str], fmt: str, layers: list[dict[str, Any]] | None = None) -> list[str]:
    """Why a model with these layer kinds (and spec layers, for settings that matter) cannot be exported as fmt.

    'kind: reason' Texts; empty when it can.
    """
    from ..layers import load_all
    from .tfjs import REFUSED, refusal, supported
    registry = load_all()
    out = []
    for k in dict.fromkeys(kinds):
        kind = registry.get(k)
        if fmt in ("onnx", "onnx_int8", "webpage") and kind is not None and not kind.exportable:
            out.append(msg("{kind}: {reason}", kind=k, reason=kind.export_note or msg("cannot be exported to ONNX")))
        if fmt == "tfjs" and k not in supported():
            out.append(msg("{kind}: {reason}", kind=k, reason=REFUSED[k]) if k in REFUSED else
                       msg("{kind}: TensorFlow.js has no layer that computes exactly what LayerLab's {kind} computes",
                           kind=k))
    if fmt == "tfjs":
        for layer in layers or []:
            why = refusal(layer)
            reason = msg("{kind}: {reason}", kind=str(layer.get("type")), reason=why) if why is not None else None
            if reason is not None and reason not in out:
                out.append(reason)
    return out


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
        from .common import random_input
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
        """Each format with its label and, before the user tries, why it cannot be used (or None)."""
        try:
            layers = list(self._context().spec.model.layers)
        except SpecError:
            layers = []
        kinds = [str(layer.get("type")) for layer in layers]
        return [{"format": f, "label": LABELS[f], "suffix": SUFFIX[f],
                 "blocked": join_reasons(blockers(kinds, "onnx" if f == "zip" else f, layers)) or None}
                for f in FORMATS]

    def export_usage(self, files: dict[str, str], run_id: str | None = None) -> dict[str, str]:
        """For each format -> file name: Python that loads the file, feeds the project's first validation
        sample and prints its label ('' where a format has no such snippet, or the model has no project
        preprocessing: then the file takes the network's own input)."""
        from .describe import snippet
        src = self.export_source(run_id)
        return {fmt: snippet(src, check_format(fmt), name) for fmt, name in files.items()}

    def browser_model(self, run_id: str | None = None, weights: str | None = None) -> Any:
        """The run's self-contained ONNX file for the browser (export.ondevice.BrowserModel: data,
        run_id, weights, epoch, etag), cached per run and weights file."""
        from .ondevice import browser_model
        return browser_model(self._project, run_id, weights)

    def export(self, fmt: str, out: str | Path, run_id: str | None = None,
               weights: str | None = None) -> dict[str, Any]:
        """Write the model in a format to out (a file, or a folder for safetensors/tfjs); returns a report.

        weights: the run's 'best' epoch's (the default, as Project.predict) or 'last'.
        """
        check_format(fmt)
        src = self.export_source(run_id, weights=weights)
        problems = blockers(src.kinds(), "onnx" if fmt == "zip" else fmt, src.meta.get("layers"))
        if problems and fmt != "zip":
            raise ExportFailed("model.layers", msg("this model cannot be exported as {fmt}", fmt=LABELS[fmt]),
                               join_reasons(problems), msg("replace those layers, or choose another format"))
        return export_to(src, fmt, Path(out), self._project)


def export_to(src: Exported, fmt: str, out: Path, project: Any = None) -> dict[str, Any]:
    """Dispatch to the format's module (project is needed for the script's data and the zip)."""
    if fmt == "onnx":
        from .onnx_export import export_onnx
        report = export_onnx(src, out)
    elif fmt == "onnx_int8":
        from .quantize import export_onnx_int8
        report = export_onnx_int8(src, out)
    elif fmt == "torchscript":
        from .torchscript import export_torchscript
        report = export_torchscript(src, out)
    elif fmt == "pt2":
        from .pt2 import export_pt2
        report = export_pt2(src, out)
    elif fmt == "safetensors":
        from .weights import export_safetensors
        report = export_safetensors(src, out)
    elif fmt == "script":
        from .codegen import SKLEARN, export_script
        raw = None
        source = (src.meta.get("doc") or {}).get("data", {}).get("source")
        if project is not None and source not in SKLEARN:
            raw = _raw_samples(project)
        report = export_script(src, out, raw)
    elif fmt == "tfjs":
        from .tfjs import export_tfjs
        report = export_tfjs(src, out)
    elif fmt == "webpage":
        from .webpage import export_webpage
        report = export_webpage(src, out)
    else:
        from .bundle import export_zip
        report = export_zip(src, out, project)
    report["run_id"] = src.meta.get("run_id")
    report["trained"] = src.meta.get("trained", False)
    report["weights_note"] = src.meta.get("weights_note") or ""
    return report


def _raw_samples(project: Any):
    """All samples of the project's data source, before splitting and scaling (for the script); a table's
    missing cells filled and categories encoded as the engine fits them, from the training rows only."""
    from ..data.base import get_source
    from ..data.split import split_indices
    from ..data.tablefit import fit_table
    spec = project.spec
    source = get_source(spec.data.source)
    raw = source.load(source.resolve(spec.data.params), project.dir, seed=spec.data.seed)
    d = spec.data
    train, _, _ = split_indices(raw.y, raw.info.task, d.validation_split, d.test_split, d.seed)
    raw = fit_table(raw, train)
    return raw.x, raw.y
