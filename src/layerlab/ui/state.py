"""The per-project editing session that every studio page shares.

The project file on disk is the truth. A Session holds the document, its revision, the
undo/redo stacks and the analysis (shapes, parameter counts, errors). Every UI action is an
edit: a new document replaces the old one, is saved atomically at once (guarded by the
revision, so a change made elsewhere is never overwritten silently), re-analysed, and every
subscriber is told. Because each edit is on disk, a browser refresh or a server restart
loses nothing.

>>> import os, tempfile
>>> os.environ["LAYERLAB_HOME"] = tempfile.mkdtemp()
>>> from layerlab import api
>>> pid = api.create_project("demo", example="xor").dir.name
>>> s = get_session(pid)
>>> s.edit(lambda d: d.update(name="renamed")) and s.doc["name"]
'renamed'
>>> s.undo() and s.doc["name"]
'demo'
"""
from __future__ import annotations

import copy
import logging
import threading
from pathlib import Path
from typing import Any, Callable

from ..i18n import msg
from ..api import Project
from ..api_spec import Analysis, apply_fix, read_document
from ..api_class import LockedError
from ..api_errors import Fix, SpecError
from .. import api_workspace as workspace

log = logging.getLogger(__name__)
MAX_UNDO = 200
Edit = Callable[[dict[str, Any]], Any]


class ProjectMissing(SpecError):
    """The URL names a project that is not in the workspace."""


class Session:
    """One project's document, revision, history and analysis, shared by pages and tabs."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.id = self.folder.name
        self.undo_stack: list[dict[str, Any]] = []
        self.redo_stack: list[dict[str, Any]] = []
        self.stale: SpecError | None = None      # set when a save found the file changed elsewhere
        self.refused: SpecError | None = None    # the last edit a lesson's lock refused (cleared by the next edit)
        self.analysis: Analysis | None = None
        self.problem: SpecError | None = None    # why analysis could not run (e.g. unknown data source)
        self._subscribers: list[tuple[Any, Callable[[], Any]]] = []
        self.doc: dict[str, Any] = {}
        self.revision = ""
        self.data_version: tuple = ()  # the data files the analysis saw; other files mean a stale analysis
        self.reload()

    # -- reading --------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        """A facade Project over the current document (not saved by itself)."""
        return Project(copy.deepcopy(self.doc), self.folder)

    @property
    def name(self) -> str:
        return str(self.doc.get("name") or self.id)

    @property
    def layers(self) -> list[dict[str, Any]]:
        return list((self.doc.get("model") or {}).get("layers") or [])

    def errors(self) -> list[SpecError]:
        """Every error of the project now (the analysis's, or the one that stopped it)."""
        if self.problem is not None:
            return [self.problem]
        return list(self.analysis.errors) if self.analysis else []

    def changed_on_disk(self) -> bool:
        """Whether the file differs from the revision this session last read or wrote."""
        return workspace.revision(self.folder) != self.revision

    # -- loading and analysing -------------------------------------------------------------
    def reload(self) -> None:
        """Read the document from disk, dropping a stale state and the history.

        The history goes because undoing into a version from before a change made elsewhere would
        silently throw that change away."""
        f = self.folder / workspace.PROJECT_FILE
        if not f.is_file():
            raise ProjectMissing("project", msg("does not exist in the workspace"), self.id,
                                 msg("open a project from the home page, or create one from an example"))
        self.revision = workspace.revision(self.folder)
        self.doc = read_document(f)  # a damaged file (bad JSON, encoding, NaN, absurd nesting) says what to repair
        self.stale = None
        self.undo_stack.clear()
        self.redo_stack.clear()
        self._analyze()
        self._notify()

    def _analyze(self) -> None:
        """Recompute shapes and errors; a spec that cannot be analysed keeps its error in `problem`."""
        self.problem = None
        project = Project(self.doc, self.folder)
        self.data_version = project.data_version()
        try:
            self.analysis = project.analyze()
        except SpecError as e:
            self.analysis, self.problem = None, e
        except Exception as e:  # a broken data source must not take the page down
            log.warning("analysis of %s failed: %s", self.id, e)
            self.analysis = None
            self.problem = SpecError("data", msg("the data could not be read: {error}", error=e),
                                     hint=msg("check the Data page"))

    # -- editing --------------------------------------------------------------------------
    def edit(self, change: Edit) -> bool:
        """Apply change (a function mutating a copy of the doc, or returning a new one); save; analyse.

        Returns False (and keeps the document) when the file changed elsewhere: `stale` then
        says so and subscribers show a Reload notice.
        """
        self.refused = None
        new = copy.deepcopy(self.doc)
        out = change(new)
        if isinstance(out, dict):
            new = out
        if new == self.doc:
            return True
        if not self._save(new):
            return False
        self.undo_stack.append(self.doc)
        del self.undo_stack[:-MAX_UNDO]
        self.redo_stack.clear()
        self.doc = new
        self._analyze()
        self._notify()
        return True

    def data_changed(self) -> list[Any]:
        """The data files changed (pictures added, a class named or deleted): the output layer follows
        the data (saved as an edit, so it can be undone), the project is analysed again and every page
        is told. Returns the notes (Texts) that say what changed in the model."""
        project = self.project
        notes = project.follow_data()
        if not notes or not self.edit(lambda d: project.doc):
            self._analyze()
            self._notify()
        return notes if self.stale is None else []

    def apply(self, fix: Fix) -> bool:
        """Apply one offered fix as an edit."""
        return self.edit(lambda d: apply_fix(d, fix))

    def undo(self) -> bool:
        """Go back one edit (saved like any edit)."""
        return self._swap(self.undo_stack, self.redo_stack)

    def redo(self) -> bool:
        """Redo the last undone edit."""
        return self._swap(self.redo_stack, self.undo_stack)

    def _swap(self, source: list, target: list) -> bool:
        if not source:
            return False
        doc = source[-1]
        if not self._save(doc):
            return False
        source.pop()
        target.append(self.doc)
        self.doc = doc
        self._analyze()
        self._notify()
        return True

    def _save(self, doc: dict[str, Any]) -> bool:
        try:
            self.revision = workspace.save_doc(self.folder, doc, self.revision)
        except workspace.StaleWriteError as e:
            self.stale = e
            self._notify()
            return False
        except LockedError as e:  # a lesson's locked part: the edit is refused, the project has no problem
            self.refused = e
            return False
        except SpecError as e:  # a value no project may hold (NaN, 1e400): refused, the file stays as it was
            self.problem = e
            self._notify()
            return False
        return True

    # -- subscribers -------------------------------------------------------------------------
    def subscribe(self, callback: Callable[[], Any], client: Any = None) -> Callable[[], None]:
        """Call callback after every change; pass the NiceGUI client so it is dropped when it goes."""
        entry = (client, callback)
        self._subscribers.append(entry)

        def unsubscribe() -> None:
            if entry in self._subscribers:
                self._subscribers.remove(entry)
        return unsubscribe

    def _notify(self) -> None:
        for client, cb in list(self._subscribers):
            if client is not None and getattr(client, "is_deleted", False):
                self._subscribers.remove((client, cb))
                continue
            try:
                if client is not None:
                    with client:
                        cb()
                else:
                    cb()
            except Exception:  # one broken view must not stop the others from updating
                log.warning("a subscriber of %s failed", self.id, exc_info=True)


_sessions: dict[Path, Session] = {}
_lock = threading.Lock()


def get_session(project_id: str) -> Session:
    """The shared session of a workspace project; re-read when the file changed on disk."""
    folder = workspace.project_dir(project_id)  # raises SpecError for ids that would leave the workspace
    if not (folder / workspace.PROJECT_FILE).is_file():
        raise ProjectMissing("project", msg("does not exist in the workspace"), project_id,
                             msg("open a project from the home page, or create one from an example"))
    key = folder.resolve()
    with _lock:
        s = _sessions.get(key)
        if s is None:
            s = _sessions[key] = Session(folder)
            return s
    if s.changed_on_disk() and s.stale is None:
        s.reload()  # edited by the CLI or another server: show that, the disk is the truth
    elif s.stale is None and Project(s.doc, s.folder).data_version() != s.data_version:
        s.data_changed()  # files added elsewhere (the API, by hand): no stale shapes or errors
    return s


def forget(project_id: str) -> None:
    """Drop a cached session (after the project was deleted or replaced)."""
    with _lock:
        _sessions.pop(workspace.project_dir(project_id).resolve(), None)
