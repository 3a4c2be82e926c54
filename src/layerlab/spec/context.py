"""What a project's services (Data, Runs, Inspect, Export) are handed: one revision of one project.

`layerlab.api.Project` owns the document; each service asks it for a `ProjectContext` when a call
starts and works on that: the folder, the document, its revision (a hash of its content) and the
spec parsed once for that revision. Nothing here is global to the process, so two pupils' projects
in one server never share a context.

>>> parsed = SpecCache()
>>> doc = {"name": "x"}
>>> ctx = parsed.context(doc, None)
>>> ctx.revision == parsed.context({"name": "x"}, None).revision, ctx.name
(True, 'x')
>>> ctx.require_folder()
Traceback (most recent call last):
...
ValueError: save the project to a folder first (project.save(folder)): runs are kept in it
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..i18n import msg
from .errors import SpecError
from .models import ProjectSpec as Spec
from .models import parse_project


def revision_of(doc: Any) -> str:
    """A short hash of the document's content: equal documents have equal revisions."""
    text = json.dumps(doc, sort_keys=True, default=repr, allow_nan=True)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


@dataclass(frozen=True)
class ProjectContext:
    """One revision of a project: its folder, document, revision and (parsed once) spec."""

    folder: Path | None
    doc: dict[str, Any]
    revision: str
    parsed: Spec | None = None            # the spec of this revision, or None when it is invalid
    error: SpecError | None = None        # why it is invalid

    @property
    def spec(self) -> Spec:
        """The validated spec (raises the revision's SpecError)."""
        if self.parsed is None:
            assert self.error is not None
            raise self.error.with_traceback(None)
        return self.parsed

    @property
    def name(self) -> str:
        return str(self.doc.get("name", "untitled")) if isinstance(self.doc, dict) else "untitled"

    def require_folder(self) -> Path:
        """The project's folder, or the error a run or a saved-run lookup gives without one."""
        if self.folder is None:
            raise ValueError(msg("save the project to a folder first (project.save(folder)): runs are kept in it"))
        return self.folder


class SpecCache:
    """Parses a project's document once per (revision, folder); one per Project object."""

    def __init__(self) -> None:
        self._last: ProjectContext | None = None
        self.parses = 0                    # how many times a document was parsed (tests count them)

    def context(self, doc: dict[str, Any], folder: Path | None) -> ProjectContext:
        revision = revision_of(doc)
        last = self._last
        if last is not None and last.revision == revision and last.folder == folder:
            return ProjectContext(folder, doc, revision, last.parsed, last.error)  # the caller's doc object
        self.parses += 1
        try:
            ctx = ProjectContext(folder, doc, revision, parse_project(doc, folder))
        except SpecError as e:
            ctx = ProjectContext(folder, doc, revision, None, e)
        self._last = ctx
        return ctx
