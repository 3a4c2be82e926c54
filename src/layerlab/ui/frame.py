"""The frame around every studio page: header, navigation, language, dark mode, beginner/expert.

    @ui.page("/p/{project_id}/train")
    def train_page(project_id: str):
        with frame(project_id, "train") as session:   # session: layerlab.ui.state.Session
            ui.label(tr("train.title"))

Preferences (language, dark mode, expert mode) live per browser in app.storage.user. A
change of language or mode reloads the page, so every string and form is rebuilt from them.
Below 1024 px (phones, tablets) the page tabs move into a bottom tab bar that is always in
reach (Data, Model, Train, Test, Inspect; Export stays in the menu), and every control grows to
a touch target of at least 44 x 44 px (WCAG 2.5.5); so does a coarse pointer at any width. Every
control is reachable by keyboard and shows a visible focus ring. The colours meet WCAG AA
contrast (Quasar's default blue on white reads 3:1, this one 6.7:1).
"""
from __future__ import annotations

import contextlib
import json
from typing import Iterator

from fastapi import HTTPException
from nicegui import app, ui

from ..api_class import lesson_of
from ..api_owners import class_teacher
from ..api_errors import SpecError
from ..i18n import LANGS, msg
from .components.lazy import lazy_menu
from .i18n import current_lang, err_text, page_lang, t
from .state import ProjectMissing, Session, get_session

TABS = ("model", "data", "train", "test", "inspect", "export")
BOTTOM_TABS = (("data", "dataset"), ("model", "account_tree"), ("train", "model_training"),
               ("test", "draw"), ("inspect", "insights"))
# Quasar's brand colours, darkened where white text on them (or they as text on white) missed AA 4.5:1
COLORS = {"primary": "#1d4ed8", "secondary": "#0f766e", "positive": "#15803d", "info": "#0369a1",
          "warning": "#b45309", "negative": "#b91c1c"}


CSS = """
:focus-visible { outline: 3px solid #f59e0b !important; outline-offset: 2px; border-radius: 4px; }
.ll-main { width: 100%; max-width: 1400px; margin: 0 auto; min-width: 0; }
.ll-main * { min-width: 0; }
.ll-main .q-tab { min-width: max-content; }  /* tab labels never overlap: the row scrolls with arrows */
.ll-tab.ll-active { border-bottom: 3px solid currentColor; font-weight: 700; }
.ll-error { border-left: 4px solid #dc2626; }
.ll-dragging { opacity: .55; outline: 2px dashed #2563eb; }
body.body--dark .ll-card { background: #1e293b; }
body.body--dark .text-primary { color: #93c5fd !important; }
a.nicegui-link:not([class*="text-white"]) { color: #1d4ed8; }  /* NiceGUI's #3b82f6 reads 3.7:1 on white */
body.body--dark a.nicegui-link:not([class*="text-white"]) { color: #93c5fd; }
.q-uploader__subtitle { display: none; }  /* "0.0B / 0.00%": bytes mean nothing to a pupil */
.q-uploader__input { display: none; }  /* the + button opens the picker; an input inside it nests two controls */
.ll-bottom a.nicegui-link { flex: 1 1 0; min-height: 56px; color: white !important; text-decoration: none; font-size: 11px;
  line-height: 1.1; display: flex; flex-direction: column; align-items: center; justify-content: center;
  gap: 2px; padding: 4px 2px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.ll-bottom a.nicegui-link.ll-active { font-weight: 700; box-shadow: inset 0 3px 0 #fbbf24; background: rgba(0, 0, 0, .18); }
.ll-bottom { padding-bottom: env(safe-area-inset-bottom); }
@media (max-width: 1023.98px), (pointer: coarse) {  /* a finger needs 44 x 44 px (WCAG 2.5.5) */
  .q-btn, .ll-main .q-btn { min-height: 44px !important; min-width: 44px !important; }
  .q-tab, .q-item, .q-toggle, .q-checkbox, .q-radio, .q-chip--clickable { min-height: 44px !important; }
  .q-field__control, .q-field__marginal, .q-field--dense .q-field__control,
  .q-field--dense .q-field__marginal { min-height: 44px !important; }
  .q-field--dense .q-field__native { min-height: 44px; }
  .q-toggle, .q-checkbox, .q-radio { min-width: 44px; }
  .q-expansion-item .q-item { min-height: 44px !important; }
  .ll-main a.nicegui-link { display: inline-flex; align-items: center; min-height: 44px; }
}
@media (max-width: 767.98px) { .q-tab { padding: 0 8px; } }  /* three tabs fit side by side on a phone */
@media (hover: hover) and (pointer: fine) { .ll-touch-only { display: none !important; } }
@media (pointer: coarse), (hover: none) { .ll-fine-only { display: none !important; } }
"""
# Gaps that Quasar and wide content leave, closed as the page changes: the + button of an upload
# box gets the box's title as its name (Quasar gives it none), so does the loading bar; a box that scrolls sideways (a wide
# formula, diagram or table) and holds nothing focusable becomes focusable, so arrow keys scroll it.
A11Y_SCRIPT = """<script>
(() => {
  let queued = false;
  const fix = () => {
    queued = false;
    document.querySelectorAll('.q-uploader').forEach(u => {
      const btn = u.querySelector('.q-uploader__header .q-btn');
      const title = u.querySelector('.q-uploader__title');
      if (btn && title && btn.getAttribute('aria-label') !== title.textContent) btn.setAttribute('aria-label', title.textContent);
    });
    document.querySelectorAll('.q-loading-bar:not([aria-label])').forEach(b => b.setAttribute('aria-label', LOADING[document.documentElement.lang] || LOADING.en));
    document.querySelectorAll('.ll-main .overflow-x-auto, .ll-main .ll-tex-block').forEach(el => {
      if (el.hasAttribute('tabindex') || el.scrollWidth <= el.clientWidth + 1) return;
      if (el.querySelector('a[href], button, input, select, textarea, [tabindex]')) return;
      el.setAttribute('tabindex', '0');
    });
  };
  const soon = () => { if (!queued) { queued = true; setTimeout(fix, 200); } };
  new MutationObserver(soon).observe(document.documentElement, {childList: true, subtree: true});
  window.addEventListener('resize', soon);
  document.addEventListener('DOMContentLoaded', soon);
})();
</script>""".replace("(() => {", "(() => {\n  const LOADING = " + json.dumps({lang: t("frame.loading", lang) for lang in LANGS}) + ";", 1)


def _prefs() -> dict:
    """This browser's preferences (app.storage.user needs a storage_secret, see server/launch.py)."""
    try:
        return app.storage.user
    except (RuntimeError, AssertionError):  # no storage available (e.g. outside a page)
        return {}


def lang() -> str:
    """The language this browser chose ('en' or 'de')."""
    return page_lang()


def expert() -> bool:
    """Whether this browser is in expert mode (beginner mode hides expert parameters)."""
    return bool(_prefs().get("expert", False))


def tr(key: str, **fmt: object) -> str:
    """The string for key in this browser's language; safe inside event handlers too."""
    return t(key, lang(), **fmt)


def _set_pref(name: str, value: object, reload: bool = True) -> None:
    _prefs()[name] = value
    if reload:
        ui.navigate.reload()


def href(project_id: str, page: str) -> str:
    """The URL of a project page."""
    return f"/p/{project_id}/{page}"


def _lang_from_url() -> None:
    """?lang=de (or ?lang=en) in the address chooses the language, as the menu does, for this and later pages."""
    try:
        request = ui.context.client.request
        wanted = request.query_params.get("lang")
        header = request.headers.get("accept-language", "")
    except (AttributeError, RuntimeError):  # no request behind this page (tests, startup)
        return
    if wanted in ("en", "de") and _prefs().get("lang") != wanted:
        _prefs()["lang"] = wanted
    elif "lang" not in _prefs():  # a first visit: the browser's own language, until the menu says otherwise
        first = header.split(",")[0].split(";")[0].strip().lower()[:2]
        if first in ("en", "de") and first != "en":
            _prefs()["lang"] = first


@contextlib.contextmanager
def frame(project_id: str | None, active: str) -> Iterator[Session | None]:
    """Build header and navigation, then yield the project's Session (None on the home page)."""
    _lang_from_url()
    current_lang.set(lang())
    ui.add_css(CSS)
    ui.add_body_html(A11Y_SCRIPT)
    ui.colors(**COLORS)
    ui.dark_mode(bool(_prefs().get("dark", False)))
    ui.query("html").props(f'lang="{lang()}"')
    session = None
    error: str | None = None
    if project_id is not None:
        try:
            session = get_session(project_id)
        except ProjectMissing:
            raise HTTPException(404, t("frame.missing", lang(), id=project_id)) from None
        except SpecError as e:
            error = err_text(e, lang())
    lesson = lesson_of(session.folder) if session is not None else None
    hidden = tuple(lesson["hidden"]) if lesson else ()
    _header(session, project_id, active, hidden)
    if session is not None:
        _bottom_tabs(project_id, active, hidden)
    main = ui.column().classes("ll-main p-2 sm:p-4 gap-2 sm:gap-4").props('role="main" tabindex="-1"')
    ui.skip_link(tr("frame.skip"), target=main)
    with main:
        if error is not None:
            ui.label(tr("frame.problem", error=error)).classes("text-negative").mark("frame-problem")
            ui.link(tr("frame.back_home"), "/")
            yield None
            return
        if session is not None:
            _stale_banner(session)
        if lesson is not None:
            _lesson_banner(lesson)
            if active in hidden:
                ui.label(msg("Your teacher has hidden this page for this lesson.").to(lang())) \
                    .classes("text-h6").mark("lesson-hidden")
                yield None
                return
        yield session


def _lesson_banner(lesson: dict) -> None:
    """What the teacher locked in this lesson, so a pupil knows before trying."""
    parts = {"data": msg("the data"), "layers": msg("the layers"), "training": msg("the training settings")}
    locked = [parts[p].to(lang()) for p in lesson["locked"] if p in parts]
    text = msg("Lesson {title!r} from your teacher", title=lesson["title"]).to(lang())
    if locked:
        text += " · " + msg("locked: {parts}", parts=", ".join(locked)).to(lang())
    ui.label(text).classes("text-body2 bg-blue-1 text-blue-10 rounded px-3 py-1").mark("lesson-banner") \
        .props('role="note"')


def _header(session: Session | None, project_id: str | None, active: str, hidden: tuple[str, ...] = ()) -> None:
    with ui.header().classes("items-center gap-2 px-2 py-1 flex-nowrap"):
        ui.link(tr("app.title"), "/").classes("text-lg font-bold text-white no-underline shrink-0 "
                                              "min-h-[44px] inline-flex items-center") \
            .mark("nav-home").props('aria-label="LayerLab home"')
        if active != "teacher" and class_teacher():   # the teacher of a class server, on any other page
            with ui.link(target="/teacher").classes("text-white no-underline shrink-0 min-h-[44px] inline-flex "
                                                    "items-center gap-1 px-2 rounded bg-white/10") \
                    .mark("nav-teacher").props(f'aria-label="{tr("frame.teacher")}"'):
                ui.icon("school", size="22px").props('aria-hidden="true"')
                ui.label(tr("frame.teacher")).classes("max-sm:hidden")
        if session is not None:
            ui.label(session.name).classes("text-base truncate opacity-90 shrink").mark("project-name")
            with ui.row().classes("gap-0 max-lg:hidden flex-nowrap overflow-x-auto min-w-0 shrink") \
                    .props(f'role="navigation" aria-label="{tr("nav.main")}"'):
                for tab in (tab for tab in TABS if tab not in hidden):
                    classes = "ll-tab text-white no-underline px-3 py-2" + (" ll-active" if tab == active else "")
                    link = ui.link(tr(f"nav.{tab}"), href(project_id, tab)).classes(classes).mark(f"nav-{tab}")
                    if tab == active:
                        link.props('aria-current="page"')
        ui.space()
        _prefs_controls(session, project_id, hidden)


def _bottom_tabs(project_id: str, active: str, hidden: tuple[str, ...] = ()) -> None:
    """The project's pages as a tab bar at the bottom of a phone or tablet, where a thumb reaches."""
    with ui.footer().classes("ll-bottom lg:hidden p-0 bg-primary").props('elevated'):
        with ui.element("nav").classes("flex flex-nowrap w-full").props(f'aria-label="{tr("nav.pages")}"') \
                .mark("bottom-tabs"):
            for tab, icon in (t for t in BOTTOM_TABS if t[0] not in hidden):
                with ui.link(target=href(project_id, tab)).classes("ll-active" if tab == active else "") \
                        .mark(f"bottom-{tab}") as link:
                    ui.icon(icon, size="22px").props('aria-hidden="true"')
                    ui.label(tr(f"nav.{tab}")).classes("max-w-full truncate")
                if tab == active:
                    link.props('aria-current="page"')


def _prefs_controls(session: Session | None, project_id: str | None, hidden: tuple[str, ...] = ()) -> None:
    """Language, dark mode and expert switch; below 1280 px they move into the menu (tabs below 768 px)."""
    with ui.row().classes("items-center gap-1 max-xl:hidden flex-nowrap"):
        _language_select()
        ui.switch(tr("pref.expert"), value=expert(), on_change=lambda e: _set_pref("expert", e.value)) \
            .props("dark color=amber").mark("expert-switch").tooltip(tr("pref.expert_hint"))
        _dark_button()
    with ui.button(icon="menu").props(f'flat round color=white aria-label="{tr("nav.menu")}"') \
            .classes("xl:hidden").mark("nav-menu"):
        # its items are built when it first opens: about 20 elements every page would build for nobody
        lazy_menu(ui.menu().classes("p-2"), lambda: _menu_items(session, project_id, hidden))


def _menu_items(session: Session | None, project_id: str | None, hidden: tuple[str, ...]) -> None:
    """The header menu's pages, Home and preferences (below 1280 px the preferences live here)."""
    if session is not None:
        for tab in (tab for tab in TABS if tab not in hidden):
            ui.menu_item(tr(f"nav.{tab}"), lambda tab=tab: ui.navigate.to(href(project_id, tab))) \
                .classes("lg:hidden" if tab != "export" else "").mark(f"menu-{tab}")
        ui.separator()
    ui.menu_item(tr("nav.home"), lambda: ui.navigate.to("/")).mark("menu-home")
    with ui.column().classes("p-2 gap-1"):
        _language_select(suffix="-menu", dark=False)
        ui.switch(tr("pref.expert"), value=expert(), on_change=lambda e: _set_pref("expert", e.value)) \
            .mark("expert-switch-menu")
        ui.switch(tr("pref.dark"), value=bool(_prefs().get("dark", False)),
                  on_change=lambda e: _set_pref("dark", e.value)).mark("dark-switch-menu")


def _language_select(suffix: str = "", dark: bool = True) -> None:
    sel = ui.select({"en": "English", "de": "Deutsch"}, value=lang(),
                    on_change=lambda e: _set_pref("lang", e.value)).props(
        f'dense borderless options-dense aria-label="{tr("pref.language")}"' + (" dark" if dark else "")
    ).classes("w-28").mark(f"lang-select{suffix}")
    if dark:
        sel.props('input-class="text-white"')


def _dark_button() -> None:
    is_dark = bool(_prefs().get("dark", False))
    ui.button(icon="light_mode" if is_dark else "dark_mode",
              on_click=lambda: _set_pref("dark", not is_dark)) \
        .props(f'flat round color=white aria-label="{tr("pref.dark")}"').tooltip(tr("pref.dark")).mark("dark-toggle")


def _stale_banner(session: Session) -> None:
    """A notice with a Reload button when a save found the file changed elsewhere."""
    client = ui.context.client

    @ui.refreshable
    def banner() -> None:
        if session.stale is None:
            return
        with ui.card().classes("w-full bg-amber-100 text-black ll-error").props('role="alert"').mark("stale-notice"):
            ui.label(tr("frame.stale"))
            ui.button(tr("frame.reload"), icon="refresh", on_click=_reload_from_disk(session)).mark("stale-reload")

    banner()
    session.subscribe(banner.refresh, client)


def _reload_from_disk(session: Session):
    def reload() -> None:
        session.reload()
        ui.navigate.reload()
    return reload
