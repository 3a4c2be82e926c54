"""A class on one server: the class code, the pupils, their personal tokens and rejoin codes.

The class lives in one folder (`layerlab classroom --workspace DIR`):

    DIR/class.json               the class: name, code, joining open or closed, pupils (hashes only)
    DIR/teacher/                 the teacher's own workspace (lessons are prepared here)
    DIR/pupils/<pupil id>/       each pupil's workspace; the id is random, never the pupil's name

Only hashes of tokens and rejoin codes are kept, so a copy of class.json lets nobody in; a pupil
may be signed in on several devices (each device has its own token). The class survives a
restart because everything is in class.json, written atomically. A change is on disk before the
request that made it is answered; changes that arrive together (30 pupils joining within seconds)
share one write of class.json (a group commit) instead of each waiting for an fsync of its own.

>>> import tempfile
>>> c = Classroom.open(tempfile.mkdtemp(), name="7b", code="K7Q2MX")
>>> pupil, token, rejoin = c.join("K7Q2MX", "Ada")
>>> c.pupil_for_token(token).name, c.pupil_for_token("wrong") is None
('Ada', True)
>>> try:
...     c.join("K7Q2MX", " ada ")
... except JoinError as e:
...     print(e.message)
'ada' is taken in this class
>>> again, _ = c.rejoin(rejoin); again.id == pupil.id
True
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import shutil
import threading
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import msg
from ..spec.errors import SpecError
from . import atomic, registry, workspace
from .class_dataset import ClassDatasets
from .lesson import Lesson
from .lesson import write as write_lesson

CLASS_FILE = "class.json"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone
CODE_LENGTH = 6
NAME_MAX = 30
MAX_DEVICES = 8  # tokens kept per pupil; the oldest goes when a ninth device joins


def _lesson_ignore(folder: str, names: list[str]) -> list[str]:
    """What a lesson's copy leaves out: the teacher's runs, hidden files, links, half-written files."""
    import os
    return [n for n in names if n in ("runs", ".lesson.json") or n.startswith((".upload-", ".tmp", ".copy-"))
            or os.path.islink(os.path.join(folder, n))]


class JoinError(SpecError):
    """Joining refused: a wrong code, a closed class, a bad or taken name."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_code(length: int = CODE_LENGTH) -> str:
    """A short code to type on a phone (class codes and rejoin codes)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normal_code(text: str) -> str:
    """A typed code as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in str(text).upper() if ch.isalnum())


def clean_name(raw: Any) -> str:
    """A pupil's display name: trimmed, single spaces, 1..30 letters, digits, spaces, '-', '.', "'"."""
    name = " ".join(unicodedata.normalize("NFC", str(raw if raw is not None else "")).split())
    if not name:
        raise JoinError("name", msg("is empty"), raw, msg("type your first name, e.g. Ada"))
    if len(name) > NAME_MAX:
        raise JoinError("name", msg("is longer than {n} characters", n=NAME_MAX), raw,
                        msg("use your first name or a nickname"))
    bad = sorted({ch for ch in name if not (ch.isalnum() or ch in " -.'")})
    if bad:
        raise JoinError("name", msg("contains {chars}", chars=" ".join(bad)), raw,
                        msg("use letters, digits, spaces, '-', '.' or an apostrophe only"))
    return name


@dataclass
class Pupil:
    id: str
    name: str
    joined: float
    tokens: list[str] = field(default_factory=list)   # sha256 of each device's token
    rejoin: str = ""                                    # sha256 of the rejoin code

    def public(self) -> dict[str, Any]:
        """What the teacher's page and API show (no hashes)."""
        return {"id": self.id, "name": self.name, "joined": self.joined, "devices": len(self.tokens)}


@dataclass
class Classroom:
    root: Path
    name: str = "LayerLab"
    code: str = ""
    open_for_joining: bool = True
    pupils: dict[str, Pupil] = field(default_factory=dict)
    lessons: list[dict[str, Any]] = field(default_factory=list)  # sent projects: id, title, project, locks, copies
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    # class.json's writes: _version counts changes (under _lock); _writing lets one writer at a time take a
    # snapshot; _on_disk is the newest version renamed into place (under _renaming, a lock held for nothing else)
    _version: int = field(default=0, repr=False, compare=False)
    _on_disk: int = field(default=0, repr=False, compare=False)
    _writing: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _renaming: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    # -- files -------------------------------------------------------------------------------
    @classmethod
    def open(cls, root: str | Path, name: str | None = None, code: str | None = None) -> "Classroom":
        """The class kept in root (created when new); name and code, when given, replace the kept ones."""
        root = Path(root).expanduser().resolve()
        root.mkdir(parents=True, exist_ok=True)
        c = cls(root)
        f = root / CLASS_FILE
        if f.is_file():
            data = json.loads(f.read_text(encoding="utf-8"))
            c.name, c.code, c.open_for_joining = data["name"], data["code"], data.get("open", True)
            c.pupils = {p["id"]: Pupil(**p) for p in data.get("pupils", [])}
            c.lessons = data.get("lessons", [])
        if name:
            c.name = name.strip()[:60] or c.name
        if code:
            if len(normal_code(code)) < 4:
                raise JoinError("LAYERLAB_CLASS_CODE", msg("is shorter than 4 letters or digits"), code,
                                msg("choose a code of 4 to 12 letters and digits, e.g. K7Q2MX"))
            c.code = normal_code(code)[:12]
        c.code = c.code or new_code()
        (root / "teacher").mkdir(exist_ok=True)
        (root / "pupils").mkdir(exist_ok=True)
        c.save()
        return c

    def save(self) -> None:
        """Write class.json now; the caller holds _lock (or nobody else sees this class yet)."""
        self._version += 1
        self._write(self._version, self._text())

    def _changed(self) -> int:
        """Count a change made under _lock (the caller holds it); _commit(the number) puts it on disk."""
        self._version += 1
        return self._version

    def _commit(self, version: int) -> None:
        """Return once class.json holds change `version` (call without holding _lock). Whoever writes takes
        the newest state, so the joins that queued behind one write are all on disk after the next."""
        with self._writing:
            if self._on_disk >= version:
                return
            with self._lock:
                newest, text = self._version, self._text()
            self._write(newest, text)

    def _text(self) -> str:
        data = {"name": self.name, "code": self.code, "open": self.open_for_joining,
                "pupils": [asdict(p) for p in self.pupils.values()], "lessons": self.lessons}
        return json.dumps(data, indent=1, ensure_ascii=False)

    def _write(self, version: int, text: str) -> None:
        """Atomically replace class.json with `text` (the state at `version`), unless a newer state is there
        already: save() under _lock and _commit() outside it may write at the same time, the newest wins."""
        path = self.root / CLASS_FILE
        tmp = path.with_name(f".{CLASS_FILE}.{secrets.token_hex(4)}.tmp")
        try:
            with open(tmp, "wb") as f:
                f.write(text.encode("utf-8"))
                f.flush()
                os.fsync(f.fileno())
            with self._renaming:
                if version > self._on_disk:
                    os.replace(tmp, path)
                    self._on_disk = version
                    atomic.sync_dir(self.root)
        finally:
            tmp.unlink(missing_ok=True)

    @property
    def teacher_home(self) -> Path:
        return self.root / "teacher"

    def pupil_home(self, pupil_id: str) -> Path:
        """A pupil's workspace folder (created on first use)."""
        if pupil_id not in self.pupils:
            raise KeyError(pupil_id)
        d = self.root / "pupils" / pupil_id
        d.mkdir(parents=True, exist_ok=True)
        return d

    # -- joining -----------------------------------------------------------------------------
    def join(self, code: Any, name: Any) -> tuple[Pupil, str, str]:
        """(pupil, token for this device, rejoin code) for a pupil who typed the class code and a name."""
        self._check_code(code)
        if not self.open_for_joining:
            raise JoinError("code", msg("the class is closed for joining"), None,
                            msg("ask your teacher to open joining, or use your rejoin code"))
        display = clean_name(name)
        with self._lock:
            if any(p.name.casefold() == display.casefold() for p in self.pupils.values()):
                raise JoinError("name", msg("{name!r} is taken in this class", name=display.casefold()), display,
                                msg("add the first letter of your surname, e.g. {example}", example=display + " B."))
            pid = "p" + secrets.token_hex(5)
            token, rejoin = secrets.token_urlsafe(24), new_code(8)
            pupil = Pupil(pid, display, time.time(), [_hash(token)], _hash(rejoin))
            self.pupils[pid] = pupil
            lessons = list(self.lessons)
        self.pupil_home(pid)
        copies = [(sent, self._copy(sent, pid)) for sent in lessons]   # who joins late gets the lessons so far
        with self._lock:
            for sent, name in copies:
                if name is not None:
                    sent["copies"][pid] = name
            version = self._changed()
        self._commit(version)   # one write for the pupil and their copies, shared with the joins around it
        return pupil, token, rejoin

    def rejoin(self, rejoin_code: Any) -> tuple[Pupil, str]:
        """(pupil, a new token for this device) for a pupil's personal rejoin code."""
        h = _hash(normal_code(rejoin_code))
        with self._lock:
            for p in self.pupils.values():
                if p.rejoin and hmac.compare_digest(p.rejoin, h):
                    token = secrets.token_urlsafe(24)
                    p.tokens = [*p.tokens, _hash(token)][-MAX_DEVICES:]
                    version = self._changed()
                    break
            else:
                version = 0
        if version:
            self._commit(version)
            return p, token
        raise JoinError("rejoin", msg("this rejoin code belongs to nobody in the class"), None,
                        msg("check the 8 letters and digits on your note, or ask your teacher for a new code"))

    def reset_rejoin(self, pupil_id: str) -> str:
        """A new rejoin code for a pupil (the old one stops working); the teacher hands it over."""
        with self._lock:
            code = new_code(8)
            self._get(pupil_id).rejoin = _hash(code)
            self.save()
            return code

    def pupil_for_token(self, token: str) -> Pupil | None:
        """The pupil a device token belongs to, or None."""
        if not token:
            return None
        h = _hash(token)
        for p in list(self.pupils.values()):
            if any(hmac.compare_digest(t, h) for t in p.tokens):
                return p
        return None

    def set_open(self, is_open: bool) -> None:
        with self._lock:
            self.open_for_joining = bool(is_open)
            self.save()

    def remove(self, pupil_id: str) -> None:
        """Delete a pupil and everything in their workspace."""
        with self._lock:
            self._get(pupil_id)
            del self.pupils[pupil_id]
            self.save()
        shutil.rmtree(self.root / "pupils" / pupil_id, ignore_errors=True)
        ClassDatasets(self.root).withdraw_everywhere(pupil_id)   # their pictures in the class's datasets too

    # -- lessons -----------------------------------------------------------------------------
    def send_lesson(self, project_id: str, locked: tuple[str, ...] = (), hidden: tuple[str, ...] = (),
                    title: str | None = None) -> dict[str, Any]:
        """Give every pupil (and whoever joins later) their own copy of one of the teacher's projects, with
        parts locked and pages hidden; the lesson's record (its copies per pupil)."""
        src = self.teacher_home / project_id
        if not workspace.slug(project_id) == project_id or not (src / workspace.PROJECT_FILE).is_file():
            raise SpecError("project", msg("is not one of your projects"), project_id,
                            msg("create the project in your own workspace first, then send it"))
        doc = json.loads((src / workspace.PROJECT_FILE).read_text(encoding="utf-8"))
        lesson = Lesson("l" + secrets.token_hex(4), (title or doc.get("name") or project_id)[:80],
                        tuple(dict.fromkeys(locked)), tuple(dict.fromkeys(hidden)))
        sent = {**lesson.to_dict(), "project": project_id, "sent": time.time(), "copies": {}}
        with self._lock:
            self.lessons.append(sent)
            for pid in list(self.pupils):
                self._give(sent, pid)
            self.save()
        return sent

    def _give(self, sent: dict[str, Any], pupil_id: str) -> None:
        """Copy a lesson's project into one pupil's workspace (the spec and its data, no runs)."""
        name = self._copy(sent, pupil_id)
        if name is not None:
            sent["copies"][pupil_id] = name

    def _copy(self, sent: dict[str, Any], pupil_id: str) -> str | None:
        """The pupil's copy of a lesson's project (its folder name), made now unless they have one."""
        if pupil_id in sent["copies"]:
            return None
        src = self.teacher_home / sent["project"]
        if not (src / workspace.PROJECT_FILE).is_file():
            return None  # the teacher deleted it since: nothing to give
        token = workspace.use_home(self.pupil_home(pupil_id))
        try:
            with workspace.lock():
                dest = workspace.home() / workspace.unique_id(sent["project"])
                shutil.copytree(src, dest, ignore=_lesson_ignore)
            write_lesson(dest, Lesson(sent["id"], sent["title"], tuple(sent["locked"]), tuple(sent["hidden"])))
        finally:
            workspace.reset_home(token)
        return dest.name

    def lesson_results(self, lesson_id: str) -> list[dict[str, Any]]:
        """Every pupil's copy of a lesson and its best validation accuracy so far (None before a run)."""
        sent = next((x for x in self.lessons if x["id"] == lesson_id), None)
        if sent is None:
            raise SpecError("lesson", msg("is not a lesson of this class"), lesson_id,
                            msg("list the lessons with GET /api/class/lessons"))
        rows = []
        for pid, pupil in sorted(self.pupils.items(), key=lambda kv: kv[1].name.casefold()):
            copy = sent["copies"].get(pid)
            best = registry.best_val_accuracy(self.root / "pupils" / pid / copy) if copy is not None else None
            rows.append({"pupil": pupil.name, "project": copy, "best_val_accuracy": best})
        return rows

    def _get(self, pupil_id: str) -> Pupil:
        try:
            return self.pupils[pupil_id]
        except KeyError:
            raise SpecError("pupil", msg("is not in this class"), pupil_id,
                            msg("reload the teacher page: the pupil may have been removed")) from None

    def _check_code(self, code: Any) -> None:
        if not hmac.compare_digest(normal_code(code or "").encode(), self.code.encode()):
            raise JoinError("code", msg("this is not the class code"), None,
                            msg("type the code your teacher shows, e.g. on the projector"))
