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

from ...api_errors import SpecError
from ..components.run_names import RunNames
from ..frame import expert
from ...i18n.numbers import number
from ..i18n import err_text, t

log = logging.getLogger(__name__)


def _human(n: int, lang: str | None = None) -> str:
    """A file's size in lang's notation ('1,5 MB' in German).

    >>> _human(1_500_000, "de"), _human(2_345, "en")
    ('1,5 MB', '2.3 kB')
    """
    return f"{number(n / 1e6, lang, digits=1)} MB" if n >= 1e6 else f"{number(n / 1e3, lang, digits=1)} kB"


def _zip_folder(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                z.write(p, f"{folder.name}/{p.relative_to(folder).as_posix()}")
    return buf.getvalue()


def export_download(project: Any, fmt: str, name: str, run_id: str | None) -> tuple[dict[str, Any], bytes, str]:
    """Export into <project>/exports/<name> and return (report, bytes to download, file name); runs off the UI
    thread. A folder, or a file with others beside it (the script's data), downloads as one ZIP."""
    folder = Path(project.dir) / "exports"
    out = folder / name
    report = project.export(fmt, out, run_id=run_id)
    if out.is_dir():
        return report, _zip_folder(out), f"{name}.zip"
    if len(report.get("files", [])) > 1:  # e.g. the script with its data snapshot
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in report["files"]:
                z.write(f, Path(f).name)
        return report, buf.getvalue(), f"{Path(name).stem}_{fmt}.zip"
    return report, out.read_bytes(), out.name


def _summary(f: dict[str, Any], report: dict[str, Any], lang: str | None) -> str:
    special = f["summary"](report, lambda n: _human(n, lang)) if f.get("summary") else None
    if special is not None:
        return err_text(special, lang)
    return t("exp.done", lang, size=_human(report["size"], lang),
             diff=f"{report.get('max_diff', 0.0):.1g}".replace(".", "," if lang == "de" else "."))


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
        names = RunNames(runs, None, expert())   # "Run 3 · 97 % · 2 min ago"; ids in expert mode
        options = {None: t("exp.latest"), **{r["run_id"]: names.name(r["run_id"]) for r in runs if r.get("run_id")}}
        ui.select(options, value=None, label=t("exp.run"),
                  on_change=lambda e: (choice.update(run=e.value), ui.timer(0.05, fill_snippets, once=True))) \
            .classes("w-72").mark("export-run")
    else:
        ui.label(t("exp.untrained")).classes("text-warning").mark("export-untrained")
    codes: dict[str, Any] = {}
    cards = project.export_formats()
    with ui.grid().classes("w-full gap-4 grid-cols-1 md:grid-cols-2"):
        for f in cards:
            codes[f["format"]] = _card(project, f, choice)

    async def fill_snippets() -> None:
        """The ONNX and torch snippets feed the project's first validation sample (computed off the UI thread)."""
        try:
            usage = await run.io_bound(project.export_usage, {f["format"]: f["file"] for f in cards
                                                              if f["sample_snippet"]}, choice["run"])
        except Exception:  # noqa: BLE001 - without data the generic snippet stays; the export itself still works
            log.info("no sample snippets for %s", project.name, exc_info=True)
            return
        for fmt, code in usage.items():
            if code and fmt in codes:
                codes[fmt].set_content(code)

    ui.timer(0.05, fill_snippets, once=True)


def _card(project: Any, f: dict[str, Any], choice: dict[str, Any]) -> Any:
    fmt = f["format"]
    with ui.card().classes("ll-card w-full").props(f'data-testid="export-{fmt}"').mark(f"export-{fmt}"):
        ui.label(err_text(f["label"])).classes("text-lg font-bold")
        ui.label(err_text(f["description"]))
        if f["sample_snippet"]:
            ui.label(t("exp.alone")).classes("text-sm opacity-80").mark(f"export-alone-{fmt}")
        if f["blocked"]:  # said before the user tries, with the reason
            ui.label(t("exp.blocked", why=err_text(f["blocked"]))).classes("text-negative").mark(f"export-blocked-{fmt}")
        status = ui.label("").mark(f"export-status-{fmt}")
        lang_now = None

        async def go(fmt=fmt, status=status) -> None:
            status.set_text(t("exp.working", lang_now))
            try:
                report, data, name = await run.io_bound(export_download, project, fmt, f["file"], choice["run"])
            except SpecError as e:
                status.set_text(t("exp.failed", lang_now, error=err_text(e, lang_now)))
                status.classes("text-negative")
                return
            except Exception as e:  # noqa: BLE001 - a crash must not take the page down; log it for us
                log.exception("export %s failed", fmt)
                status.set_text(t("exp.failed", lang_now, error=f"{type(e).__name__}: {e}"))
                return
            status.set_text(_summary(f, report, lang_now))
            ui.download(data, name)

        ui.button(t("exp.button"), on_click=go) \
            .props(f'color=primary data-testid="export-button-{fmt}"' + (" disable" if f["blocked"] else "")) \
            .mark(f"export-button-{fmt}")
        with ui.expansion(t("exp.how")).classes("w-full"):
            return ui.code(err_text(f["snippet"]), language=f["language"]) \
                .classes("w-full").props(f'data-testid="export-how-{fmt}"').mark(f"export-how-{fmt}")
