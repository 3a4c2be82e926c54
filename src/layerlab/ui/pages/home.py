"""Home: the user's projects with their runs (first, once there are any), the example gallery,
"start from my own data", importing a model and the trash.

Projects that share a name are told apart by their folder; every project shows when it last
changed. An action on a project (rename, duplicate, delete, restore) reloads Home where the user
was, not at the top.
"""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

from nicegui import events, ui

from ... import api
from ...api_class import lesson_of
from ...api_errors import SpecError
from ...api_export import import_tfjs_upload
from ... import api_workspace as workspace
from ..components.class_pool import home_cards
from ..components.image_project import ImageProjectCard
from ..components.own_data_start import start_from_upload
from ..components.damaged_project import damaged_item
from ..components.refusals import explain
from ..components.run_names import score_text
from ..components.project_menu import open_file_card, project_menu, trash_view
from ..components.thumbs import data_thumbnail, example_strip
from ..frame import frame, href, lang, tr
from ..i18n import err_text, known
from ...i18n import translate

log = logging.getLogger(__name__)


# Home comes back where the user was after an action reloads it (within 30 s, same tab)
KEEP_SCROLL = """<script>
addEventListener('pagehide', () => sessionStorage.setItem('ll-home-scroll', JSON.stringify({y: scrollY, t: Date.now()})));
(() => {
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem('ll-home-scroll') || 'null'); } catch (e) {}
  sessionStorage.removeItem('ll-home-scroll');
  if (!saved || Date.now() - saved.t > 30000 || !saved.y) return;
  const go = () => { if (Math.abs(scrollY - saved.y) > 2) window.scrollTo(0, saved.y); };
  addEventListener('load', go);
  [100, 400, 1000].forEach(ms => setTimeout(go, ms));  // again as pictures and lists arrive
})();
</script>"""


def open_example(name: str) -> None:
    """Copy an example into the workspace and go to its model page."""
    project = api.create_project(name, example=name)
    ui.navigate.to(href(project.dir.name, "model"))


def example_title(name: str) -> str:
    """An example's title in the page's language ('modular_arithmetic' -> 'Modular Arithmetic' / 'Modulo-Rechnen')."""
    title = "XOR" if name == "xor" else name.replace("_", " ").title()
    return translate(title, "de", context="example title") if _lang_is_de() else title


def _description(ex: dict) -> str:
    return ex.get("description_de") if ex.get("description_de") and _lang_is_de() else ex.get("description", "")


def _lang_is_de() -> bool:
    return lang() == "de"


@ui.page("/")
async def home_page() -> None:
    thumbs: dict[str, ui.html] = {}
    projects = workspace.list_projects()
    with frame(None, "home"):
        ui.add_body_html(KEEP_SCROLL)
        ui.label(tr("home.title")).classes("text-2xl font-bold").props('role="heading" aria-level="1"')
        home_cards()   # on a class server: the class datasets everyone adds pictures to (issue 17.5)
        if projects:  # a returning pupil's work comes first; the examples follow
            _recent(projects)
        ui.label(tr("home.examples")).classes("text-lg").props('role="heading" aria-level="2"')
        with ui.element("div").classes("grid gap-4 w-full grid-cols-1 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4"):
            for ex in api.examples():
                thumbs[ex["name"]] = _example_card(ex)
        ImageProjectCard("de" if _lang_is_de() else "en")
        _own_data()
        _import_model()
        open_file_card()
        if not projects:
            _recent(projects)
        trash_view()
    await ui.context.client.connected()
    for name, element in thumbs.items():  # data pictures after the page is shown: the first ones load data
        picture = await asyncio.to_thread(data_thumbnail, name)
        if picture is not None:
            element.set_content(picture)


def _example_card(ex: dict) -> ui.html:
    name = ex["name"]
    with ui.card().classes("ll-card w-full").mark(f"example-{name}"):
        thumb = ui.html(example_strip(name), sanitize=False).classes("w-full").props('aria-hidden="true"')
        ui.label(example_title(name)).classes("text-lg font-semibold")
        ui.label(_description(ex)).classes("text-sm opacity-80")
        with ui.row().classes("items-center justify-between w-full"):
            ui.badge(tr(f"task.{ex['task']}") if ex.get("task") else "").props("outline")
            ui.button(tr("home.open"), icon="arrow_forward", on_click=lambda n=name: open_example(n)) \
                .mark(f"open-{name}").props(f'aria-label="{tr("home.open")} {name}"')
    return thumb


def _own_data() -> None:
    with ui.card().classes("ll-card w-full").mark("own-data"):
        ui.label(tr("home.own")).classes("text-lg font-semibold")
        ui.label(tr("home.own_hint")).classes("text-sm opacity-80")
        explain(ui.upload(label=tr("home.choose"), on_upload=_on_upload, auto_upload=True)
                .props('accept=".csv,.tsv,.txt,.zip" flat bordered color=primary').classes("w-full max-w-md")
                .mark("own-upload"), None)


def _import_model() -> None:
    with ui.card().classes("ll-card w-full").mark("import-model"):
        ui.label(tr("home.import")).classes("text-lg font-semibold")
        ui.label(tr("home.import_hint")).classes("text-sm opacity-80")
        explain(ui.upload(label=tr("home.import_choose"), on_multi_upload=_on_import, multiple=True, auto_upload=True)
                .props('accept=".json,.bin,.zip" flat bordered color=primary').classes("w-full max-w-md")
                .mark("import-upload"), None)


async def _on_import(e: events.MultiUploadEventArguments) -> None:
    files = {f.name: await f.read() for f in e.files}
    stem = next((Path(n).stem for n in files if n.lower().endswith(".zip")), None)
    name = stem or "imported model"
    folder = workspace.home() / workspace.unique_id(name)
    try:
        await asyncio.to_thread(import_tfjs_upload, files, folder, name)
    except SpecError as err:
        ui.notify(tr("home.import_failed", error=err_text(err)), type="negative", multi_line=True)
        return
    ui.navigate.to(href(folder.name, "model"))


async def _on_upload(e: events.UploadEventArguments) -> None:
    """A table asks which column to predict first (components/own_data_start.py); a ZIP starts at once."""
    await start_from_upload(e)


def _runs(project_id: str) -> list[dict]:
    """The project's training runs, newest first (empty when they cannot be read)."""
    try:
        return api.load(workspace.project_dir(project_id)).runs()
    except Exception as e:  # one unreadable project must not hide the others
        log.warning("runs of %s unavailable: %s", project_id, e)
        return []


def _run_line(run: dict) -> str:
    metric = score_text(run.get("final") or {}, lang())   # "84 %" or "loss 0.25", not "val_loss 0.563"
    status = str(run.get("status") or "?")
    label = tr(f"run.{status}")
    return tr("home.latest", status=status if label == f"run.{status}" else label,
              epochs=run.get("epochs_done") or 0) + (f" · {metric}" if metric else "")


def _when(stamp: Any) -> str:
    """A change time people read: '4 Dec 2026, 17:40' or '4.12.2026, 17:40'."""
    if not stamp:
        return ""
    try:
        t = time.localtime(float(stamp))
    except (TypeError, ValueError, OverflowError, OSError):
        return ""
    if _lang_is_de():
        return f"{t.tm_mday}.{t.tm_mon}.{t.tm_year}, {t.tm_hour:02d}:{t.tm_min:02d}"
    return f"{t.tm_mday} {time.strftime('%b %Y, %H:%M', t)}"


def _recent(projects: list[dict]) -> None:
    ui.label(tr("home.recent")).classes("text-lg").props('role="heading" aria-level="2"')
    if not projects:
        ui.label(tr("home.no_projects")).classes("opacity-70").mark("no-projects")
        return
    shown = projects[:30]
    names = [p["name"] for p in shown]
    with ui.list().props("bordered separator").classes("w-full rounded").mark("recent"):
        for p in shown:
            if p.get("damaged"):  # listed with what is wrong and how to repair it; the others work as always
                damaged_item(p)
                continue
            with ui.item(on_click=lambda pid=p["id"]: ui.navigate.to(href(pid, "model"))) \
                    .mark(f"recent-{p['id']}").props("clickable tabindex=0"):
                with ui.item_section():
                    title = p["name"]
                    if names.count(p["name"]) > 1 and p["id"] != p["name"]:  # two "digits": which is which
                        title += f' ({tr("home.folder", id=p["id"])})'
                    ui.item_label(title).props(f'data-testid="project-title-{p["id"]}"')
                    task = p.get("task") or ""
                    task = tr(f"task.{task}") if task in ("classification", "regression") else task
                    when = _when(p.get("modified"))
                    source = p["source"]   # in words where the catalogues have them ('images': own pictures)
                    source = tr(f"home.src.{source}") if source and known(f"home.src.{source}") else source
                    caption = " · ".join(x for x in (task, source, tr("home.changed", when=when) if when else "") if x)
                    ui.item_label(caption).props("caption")
                    runs = _runs(p["id"])  # under the name, not beside it: a phone has no room for two columns
                    with ui.row().classes("items-center gap-x-3 gap-y-0 flex-wrap"):
                        if lesson_of(workspace.project_dir(p["id"])) is not None:   # a copy the teacher sent
                            ui.badge(tr("home.lesson"), color="secondary").props("outline") \
                                .mark(f"lesson-{p['id']}")
                        ui.item_label(tr("home.runs", n=len(runs))).props("caption").mark(f"runs-{p['id']}")
                        if runs:
                            ui.link(_run_line(runs[0]), href(p["id"], "train")) \
                                .classes("text-sm break-words min-h-[44px] inline-flex items-center")
                with ui.item_section().props("side"):
                    project_menu(p)
