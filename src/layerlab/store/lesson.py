"""A lesson's locks on a pupil's copy of the teacher's project.

When the teacher sends a project to the class, each pupil gets their own copy with a small
`.lesson.json` beside its project.json: which parts are locked (the data, the layers, the
training settings) and which pages are hidden. Every write of project.json goes through
`workspace.save_doc`, which asks `check_edit` first, so the studio, the /api routes and the CLI
all refuse a change to a locked part, with the reason. The pupil cannot change the file
itself: no route writes it, and the project's own files (uploads) never reach a dot-file. With the data
locked, its files (pictures, classes, uploads) are refused too (`check_data_files`, asked by data/samples.py
and data/safefiles.py).

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write(folder, Lesson("l1", "XOR", locked=("layers",), hidden=("export",)))
>>> old = {"model": {"layers": [{"type": "dense", "units": 4}]}, "training": {"epochs": 5}}
>>> check_edit(folder, old, dict(old, training={"epochs": 50}))   # training is not locked
>>> try:
...     check_edit(folder, old, dict(old, model={"layers": []}))
... except LockedError as e:
...     print(e.path, "|", e.message)
model | your teacher locked the layers for this lesson
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..i18n import Text, msg
from ..spec.errors import SpecError
from . import atomic

LESSON_FILE = ".lesson.json"
PARTS: dict[str, tuple[str, Text]] = {   # lockable part -> (its key in project.json, what it is called)
    "data": ("data", msg("the data")),
    "layers": ("model", msg("the layers")),
    "training": ("training", msg("the training settings")),
}
PAGES = ("model", "data", "train", "test", "inspect", "export")


class LockedError(SpecError):
    """A change to a part of a lesson project that the teacher locked."""


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    locked: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        bad = [p for p in self.locked if p not in PARTS] + [p for p in self.hidden if p not in PAGES]
        if bad:
            raise SpecError("lesson", msg("cannot lock or hide {parts}", parts=", ".join(bad)), bad,
                            msg("lock some of {parts}; hide some of {pages}", parts=", ".join(PARTS),
                                pages=", ".join(PAGES)))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def read(folder: str | Path) -> Lesson | None:
    """The lesson a project belongs to, or None (a project of one's own)."""
    f = Path(folder) / LESSON_FILE
    if not f.is_file():
        return None
    d = json.loads(f.read_text(encoding="utf-8"))
    return Lesson(d["id"], d.get("title", ""), tuple(d.get("locked", ())), tuple(d.get("hidden", ())))


def write(folder: str | Path, lesson: Lesson) -> None:
    atomic.write_text(Path(folder) / LESSON_FILE, json.dumps(lesson.to_dict(), ensure_ascii=False))


def check_data_files(folder: str | Path) -> None:
    """Refuse (LockedError) adding, changing or deleting a data file (a picture, a class, an upload) of a
    project whose lesson locked the data: project.json's data part is not all of the data."""
    found = read(folder)
    if found is not None and "data" in found.locked:
        raise LockedError("data", msg("your teacher locked {what} for this lesson", what=PARTS["data"][1]),
                          hint=msg("change the parts that are not locked, or ask your teacher"))


def check_edit(folder: str | Path, old: dict[str, Any] | None, new: dict[str, Any]) -> None:
    """Refuse (LockedError) a new document that changes a part the lesson locked."""
    lesson = read(folder)
    if lesson is None or old is None:
        return
    for part in lesson.locked:
        key, what = PARTS[part]
        if old.get(key) != new.get(key):
            # no 'received': the refused value is the pupil's own edit (a None here read 'Received: None')
            raise LockedError(key, msg("your teacher locked {what} for this lesson", what=what),
                              hint=msg("change the parts that are not locked, or ask your teacher"))
