"""The studio's Export page: one card per format with why it is (un)available, a download, and how to use it.

Exports run in a worker thread (they verify against PyTorch, which takes a moment) and are
written under <project>/exports/; folder formats (safetensors, TF.js) download as a ZIP.
"""
from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path
from typing import Any

from nicegui import run, ui

from ...export.facade import LABELS
from ...spec.errors import SpecError
from ..i18n import err_text, t

log = logging.getLogger(__name__)


SNIPPETS = {
    "onnx": ("python", 'import numpy as np, onnxruntime as ort\nsess = ort.InferenceSession("{stem}.onnx")\n'
             'probs = sess.run(None, {{"input": np.zeros((1, {shape}), np.float32)}})[0]'),
    "onnx_int8": ("python", 'import numpy as np, onnxruntime as ort\nsess = ort.InferenceSession("{stem}.int8.onnx")\n'
                  'probs = sess.run(None, {{"input": np.zeros((1, {shape}), np.float32)}})[0]'),
    "torchscript": ("python", 'import torch\nmodel = torch.jit.load("{stem}.pt")\nprobs = model(torch.zeros(1, {shape}))'),
    "pt2": ("python", 'import torch\nmodel = torch.export.load("{stem}.pt2").module()\n'
            'probs = model(torch.zeros(2, {shape}))'),
    "safetensors": ("python", 'import layerlab\nfrom safetensors.torch import load_file\n'
                    'net = layerlab.load("{stem}_weights").build()\n'
                    'net.load_state_dict(load_file("{stem}_weights/weights.safetensors")); net.eval()'),
    "script": ("bash", "python {stem}.py                # train\npython {stem}.py --predict FILE  # predict"),
    "tfjs": ("javascript", "const model = await tf.loadLayersModel('{stem}_tfjs/model.json');\n"
             "const probs = model.predict(tf.tensor(input, [1, {shape_tf}]));"),
    "webpage": ("text", ""),   # prose, in the page's language: exp.u.webpage
    "zip": ("bash", "unzip {stem}.zip   # then read README.md: one section per file"),
}


def _human(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def _zip_folder(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                z.write(p, f"{folder.name}/{p.relative_to(folder).as_posix()}")
    return buf.getvalue()


def file_names(stem: str) -> dict[str, str]:
    """The name each format's download gets."""
    return {"onnx": f"{stem}.onnx", "onnx_int8": f"{stem}.int8.onnx", "torchscript": f"{stem}.pt",
            "pt2": f"{stem}.pt2", "safetensors": f"{stem}_weights", "script": f"{stem}.py",
            "tfjs": f"{stem}_tfjs", "webpage": f"{stem}.html", "zip": f"{stem}.zip"}


SAMPLE_SNIPPETS = ("onnx", "onnx_int8", "torchscript", "pt2")   # these feed a real sample of the project


def export_download(project: Any, fmt: str, run_id: str | None) -> tuple[dict[str, Any], bytes, str]:
    """Export into <project>/exports/ and return (report, bytes to download, file name); runs off the UI thread."""
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in project.name) or "model"
    folder = Path(project.dir) / "exports"
    names = file_names(stem)
    out = folder / names[fmt]
    report = project.export(fmt, out, run_id=run_id)
    if out.is_dir():
        return report, _zip_folder(out), f"{names[fmt]}.zip"
    if fmt == "script" and len(report.get("files", [])) > 1:  # the script with its data snapshot
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in report["files"]:
                z.write(f, Path(f).name)
        return report, buf.getvalue(), f"{stem}_script.zip"
    return report, out.read_bytes(), out.name


def _summary(fmt: str, report: dict[str, Any], lang: str | None) -> str:
    text = t("exp.done", lang, size=_human(report["size"]), diff=f"{report.get('max_diff', 0.0):.1g}")
    if fmt == "onnx_int8":
        text = t("exp.int8", lang, size=_human(report["size"]), ratio=f"{report['size_ratio']:.0%}",
                 before=f"{report.get('float_accuracy', float('nan')):.3f}",
                 after=f"{report.get('int8_accuracy', float('nan')):.3f}")
    return text


def render(project_id: str, session: Any) -> None:
    """The Export page body for one project (session: layerlab.ui.state.Session)."""
    project = session.project
    ui.label(t("exp.title")).classes("text-2xl")
    ui.label(t("exp.intro"))
    try:
        runs = [r for r in project.runs() if r.get("status") in ("finished", "stopped", "imported", None)]
    except (SpecError, OSError, AttributeError):
        runs = []
    choice = {"run": None}
    if runs:
        from ..components.run_names import RunNames
        from ..frame import expert
        names = RunNames(runs, None, expert())   # "Run 3 · 97 % · 2 min ago"; ids in expert mode
        options = {None: t("exp.latest"), **{r["run_id"]: names.name(r["run_id"]) for r in runs if r.get("run_id")}}
        ui.select(options, value=None, label=t("exp.run"),
                  on_change=lambda e: (choice.update(run=e.value), ui.timer(0.05, fill_snippets, once=True))) \
            .classes("w-72").mark("export-run")
    else:
        ui.label(t("exp.untrained")).classes("text-warning").mark("export-untrained")
    try:
        info = project.data_info()
        shape = ", ".join(map(str, info.input_shape))
        shape_tf = ", ".join(map(str, (*info.input_shape[1:], info.input_shape[0]) if len(info.input_shape) == 3
                                 else info.input_shape))
    except SpecError:
        shape = shape_tf = "..."
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in project.name) or "model"
    codes: dict[str, Any] = {}
    with ui.grid().classes("w-full gap-4 grid-cols-1 md:grid-cols-2"):
        for f in project.export_formats():
            codes[f["format"]] = _card(project, f, choice, stem, shape, shape_tf)

    async def fill_snippets() -> None:
        """The ONNX and torch snippets feed the project's first validation sample (computed off the UI thread)."""
        names = file_names(stem)
        try:
            usage = await run.io_bound(project.export_usage, {f: names[f] for f in SAMPLE_SNIPPETS}, choice["run"])
        except Exception:  # noqa: BLE001 - without data the generic snippet stays; the export itself still works
            log.info("no sample snippets for %s", project.name, exc_info=True)
            return
        for fmt, code in usage.items():
            if code and fmt in codes:
                codes[fmt].set_content(code)

    ui.timer(0.05, fill_snippets, once=True)


def _card(project: Any, f: dict[str, Any], choice: dict[str, Any], stem: str, shape: str, shape_tf: str) -> Any:
    fmt = f["format"]
    with ui.card().classes("ll-card w-full").props(f'data-testid="export-{fmt}"').mark(f"export-{fmt}"):
        ui.label(err_text(LABELS[fmt])).classes("text-lg font-bold")
        ui.label(t(f"exp.d.{fmt}"))
        if fmt in SAMPLE_SNIPPETS:
            ui.label(t("exp.alone")).classes("text-sm opacity-80").mark(f"export-alone-{fmt}")
        if f["blocked"]:  # said before the user tries, with the reason
            ui.label(t("exp.blocked", why=err_text(f["blocked"]))).classes("text-negative").mark(f"export-blocked-{fmt}")
        status = ui.label("").mark(f"export-status-{fmt}")
        lang_now = None

        async def go(fmt=fmt, status=status) -> None:
            status.set_text(t("exp.working", lang_now))
            try:
                report, data, name = await run.io_bound(export_download, project, fmt, choice["run"])
            except SpecError as e:
                status.set_text(t("exp.failed", lang_now, error=err_text(e, lang_now)))
                status.classes("text-negative")
                return
            except Exception as e:  # noqa: BLE001 - a crash must not take the page down; log it for us
                log.exception("export %s failed", fmt)
                status.set_text(t("exp.failed", lang_now, error=f"{type(e).__name__}: {e}"))
                return
            status.set_text(_summary(fmt, report, lang_now))
            ui.download(data, name)

        ui.button(t("exp.button"), on_click=go) \
            .props(f'color=primary data-testid="export-button-{fmt}"' + (" disable" if f["blocked"] else "")) \
            .mark(f"export-button-{fmt}")
        with ui.expansion(t("exp.how")).classes("w-full"):
            language, code = SNIPPETS[fmt]
            text = t("exp.u.webpage", stem=stem) if fmt == "webpage" else \
                code.format(stem=stem, shape=shape, shape_tf=shape_tf)
            return ui.code(text, language=language) \
                .classes("w-full").props(f'data-testid="export-how-{fmt}"').mark(f"export-how-{fmt}")
