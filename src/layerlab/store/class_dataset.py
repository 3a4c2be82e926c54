"""Class datasets: pictures the whole class collects together (Machine Learning for Kids' class projects).

The teacher shares a project for contributions; every pupil adds pictures to its classes, and each
pupil trains their own model on the pooled pictures. The pool lives in the class folder, never in a
pupil's workspace:

    DIR/datasets/<dataset id>/dataset.json          title, classes, open for pictures or closed
    DIR/datasets/<dataset id>/images/<class>/<sample id>.png
    DIR/datasets/<dataset id>/contributors/<who>.json   sample id -> class, for each contributor
    DIR/datasets/removed.json                       id -> title of each dataset the teacher deleted, so a
                                                    project that still trains on one says so

`who` is a pupil's random id (or "teacher"), never a name; sample ids are random too, so a
picture's file name says nothing about who took it. Only the teacher's answers say who gave what.

>>> import tempfile
>>> pool = ClassDatasets(tempfile.mkdtemp())
>>> ds = pool.create("Fruit", ["apple", "banana"])
>>> sid = pool.add(ds["id"], "apple", b"PNG...", "p0123456789")
>>> pool.counts(ds["id"]), pool.contributors(ds["id"])
({'apple': 1, 'banana': 0}, {'p0123456789': {'apple': 1}})
>>> pool.withdraw(ds["id"], "p0123456789"), pool.counts(ds["id"])["apple"]
(1, 0)
"""
from __future__ import annotations

import json
import re
import secrets
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from ..i18n import msg
from ..spec.errors import SpecError
from ..spec import env
from . import atomic

DATASETS = "datasets"
META, IMAGES, WHO = "dataset.json", "images", "contributors"
REMOVED = "removed.json"           # DIR/datasets/removed.json: id -> title of each dataset the teacher deleted
CLASS_FILE = "class.json"          # the class's own file (store/classroom.py): marks a class folder
TEACHER = "teacher"                # the contributor id of the teacher's own pictures
MAX_CLASSES = 20
MB = 1024 * 1024
_ID = re.compile(r"^d[0-9a-f]{8}$")
_SAMPLE = re.compile(r"^[0-9a-f]{16}$")
_WHO = re.compile(r"^[a-z0-9]{1,40}$")
_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()


def max_per_pupil() -> int:
    """Pictures one pupil may add to one class dataset (LAYERLAB_CLASS_DATASET_MAX_PER_PUPIL, default 300)."""
    return int(env.number("LAYERLAB_CLASS_DATASET_MAX_PER_PUPIL", 300))


def max_sample_bytes() -> int:
    """The largest stored picture (LAYERLAB_CLASS_DATASET_MAX_MB, default 2 MB; pictures arrive shrunk to 256 px)."""
    return int(env.number("LAYERLAB_CLASS_DATASET_MAX_MB", 2) * MB)


def class_root(start: str | Path, levels: int = 4) -> Path | None:
    """The class folder that holds start (a workspace or project in DIR/pupils/<id>/ or DIR/teacher/), or None.

    A pupil's project names its class dataset by id only; the worker that trains finds the pool by
    walking up from the project's folder to the class's class.json."""
    here = Path(start).resolve()
    for folder in list(here.parents)[:levels]:
        if (folder / CLASS_FILE).is_file() and (folder / "pupils").is_dir():
            # only the class's workspaces read its pools: the teacher's and the pupils' folders
            return folder if here.relative_to(folder).parts[0] in ("pupils", "teacher") else None
    return None


def _lock(folder: Path) -> threading.Lock:
    with _locks_lock:
        return _locks.setdefault(str(folder), threading.Lock())


def _not_found(ds_id: Any) -> SpecError:
    return SpecError("dataset", msg("is not a class dataset of this class"), ds_id,
                     msg("list the class datasets with GET /api/class-datasets"))


def tally(classes: list[str], samples: list[dict[str, Any]]) -> dict[str, int]:
    """Class -> how many of these pictures (every class named, 0 where none)."""
    counts = {c: 0 for c in classes}
    for s in samples:
        counts[s["class"]] += 1
    return counts


def by_contributor(samples: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Contributor id -> class -> how many of these pictures they gave (pictures of no known contributor left out)."""
    out: dict[str, dict[str, int]] = {}
    for s in samples:
        if s["by"] is not None:
            row = out.setdefault(s["by"], {})
            row[s["class"]] = row.get(s["class"], 0) + 1
    return out


class ClassDatasets:
    """The class datasets of one class folder (DIR/datasets/)."""

    def __init__(self, class_dir: str | Path):
        self.root = Path(class_dir) / DATASETS

    # -- the datasets ---------------------------------------------------------------------------
    def folder(self, ds_id: Any) -> Path:
        """The folder of one dataset, refusing ids that are not ours (and saying so when the teacher deleted it)."""
        if not isinstance(ds_id, str) or not _ID.match(ds_id) or not (self.root / ds_id / META).is_file():
            title = self.removed().get(ds_id) if isinstance(ds_id, str) else None
            if title is not None:
                raise SpecError("dataset", msg("was deleted by the teacher"), title,
                                msg("to go on, give this project other data on its Data page (for example "
                                    "pictures of your own), or ask your teacher to share a new class dataset"))
            raise _not_found(ds_id)
        return self.root / ds_id

    def removed(self) -> dict[str, str]:
        """Id -> title of every dataset the teacher deleted."""
        f = self.root / REMOVED
        try:
            found = json.loads(f.read_text(encoding="utf-8")) if f.is_file() else {}
        except (OSError, ValueError):
            return {}
        return found if isinstance(found, dict) else {}

    def images_dir(self, ds_id: str) -> Path:
        """The pooled pictures: one subfolder per class (what the class_dataset data source reads)."""
        return self.folder(ds_id) / IMAGES

    def create(self, title: str, classes: list[str], project: str | None = None) -> dict[str, Any]:
        """A new dataset, open for pictures, with these (already checked) class names."""
        if not 2 <= len(classes) <= MAX_CLASSES:
            raise SpecError("classes", msg("a class dataset needs 2 to {n} classes", n=MAX_CLASSES), list(classes),
                            msg("name two or more classes in the project first, e.g. 'cat' and 'dog'"))
        ds_id = "d" + secrets.token_hex(4)
        folder = self.root / ds_id
        for c in classes:
            (folder / IMAGES / c).mkdir(parents=True, exist_ok=True)
        (folder / WHO).mkdir(exist_ok=True)
        meta = {"id": ds_id, "title": (title or "").strip()[:80] or ds_id, "classes": list(classes),
                "open": True, "created": time.time(), "project": project}
        atomic.write_text(folder / META, json.dumps(meta, indent=1, ensure_ascii=False))
        return meta

    def meta(self, ds_id: str) -> dict[str, Any]:
        return json.loads((self.folder(ds_id) / META).read_text(encoding="utf-8"))

    def all(self) -> list[dict[str, Any]]:
        """Every dataset's record, oldest first."""
        if not self.root.is_dir():
            return []
        found = [self.meta(d.name) for d in self.root.iterdir() if _ID.match(d.name) and (d / META).is_file()]
        return sorted(found, key=lambda m: m["created"])

    def set_open(self, ds_id: str, is_open: bool) -> dict[str, Any]:
        """Open or close a dataset for new pictures (closed: pupils still train on it and withdraw)."""
        folder = self.folder(ds_id)
        with _lock(folder):
            meta = self.meta(ds_id)
            meta["open"] = bool(is_open)
            atomic.write_text(folder / META, json.dumps(meta, indent=1, ensure_ascii=False))
        return meta

    # -- pictures -------------------------------------------------------------------------------
    def _who_file(self, folder: Path, who: str) -> Path:
        if not isinstance(who, str) or not _WHO.match(who):
            raise SpecError("contributor", msg("is not a pupil of this class"), None,
                            msg("join the class first"))
        return folder / WHO / f"{who}.json"

    def _given(self, folder: Path, who: str) -> dict[str, str]:
        f = self._who_file(folder, who)
        return json.loads(f.read_text(encoding="utf-8")) if f.is_file() else {}

    def _keep_given(self, folder: Path, who: str, given: dict[str, str]) -> None:
        """Write who's record of pictures (sample id -> class), or remove it when none is left."""
        f = self._who_file(folder, who)
        if given:
            atomic.write_text(f, json.dumps(given))
        else:
            f.unlink(missing_ok=True)

    def add(self, ds_id: str, class_name: str, png: bytes, who: str) -> str:
        """Keep one (already checked and converted) PNG in a class; its sample id."""
        folder = self.folder(ds_id)
        meta = self.meta(ds_id)
        if not meta["open"]:
            raise SpecError("dataset.open", msg("is closed for new pictures"), meta["title"],
                            msg("ask your teacher to open it again"))
        if class_name not in meta["classes"]:
            raise SpecError("class", msg("is not a class of this dataset"), class_name,
                            msg("choose one of: {listing}", listing=", ".join(meta["classes"])))
        if len(png) > max_sample_bytes():
            raise SpecError("picture", msg("is larger than {mb} MB", mb=max_sample_bytes() // MB),
                            len(png), msg("take a smaller picture"))
        with _lock(folder):
            given = self._given(folder, who)
            given = {s: c for s, c in given.items() if (folder / IMAGES / c / f"{s}.png").is_file()}
            limit = max_per_pupil()
            if who != TEACHER and len(given) >= limit:
                raise SpecError("picture", msg("you have added {n} pictures to this dataset, the most one pupil may",
                                               n=limit), None,
                                msg("withdraw some of yours first, or ask your teacher to raise the limit"))
            sid = secrets.token_hex(8)
            (folder / IMAGES / class_name).mkdir(parents=True, exist_ok=True)
            atomic.write_bytes(folder / IMAGES / class_name / f"{sid}.png", png)
            given[sid] = class_name
            self._keep_given(folder, who, given)
        return sid

    def stamp(self, ds_id: str) -> tuple[int, int]:
        """Changes whenever a picture is added or withdrawn or the dataset opens or closes (every such change
        renames a file in contributors/ or writes dataset.json): a page polls this, not the pictures."""
        folder = self.folder(ds_id)
        return (folder / WHO).stat().st_mtime_ns, (folder / META).stat().st_mtime_ns

    def samples(self, ds_id: str) -> list[dict[str, Any]]:
        """Every picture: id, class, who gave it (None when unknown), newest last."""
        folder = self.folder(ds_id)
        by = {}
        for f in (folder / WHO).glob("*.json"):
            for sid in json.loads(f.read_text(encoding="utf-8")):
                by[sid] = f.stem
        out = []
        for c in self.meta(ds_id)["classes"]:
            d = folder / IMAGES / c
            files = [p for p in d.glob("*.png") if _SAMPLE.match(p.stem)] if d.is_dir() else []
            for p in sorted(files, key=lambda p: p.stat().st_mtime_ns):
                out.append({"id": p.stem, "class": c, "by": by.get(p.stem)})
        return out

    def counts(self, ds_id: str) -> dict[str, int]:
        """Class -> pictures in the pool."""
        return tally(self.meta(ds_id)["classes"], self.samples(ds_id))

    def contributors(self, ds_id: str) -> dict[str, dict[str, int]]:
        """Contributor id -> class -> pictures (the teacher's view only)."""
        return by_contributor(self.samples(ds_id))

    def sample_file(self, ds_id: str, sample_id: str) -> Path:
        """The file of one picture, or a 404-style SpecError."""
        folder = self.folder(ds_id)
        if isinstance(sample_id, str) and _SAMPLE.match(sample_id):
            for c in self.meta(ds_id)["classes"]:
                p = folder / IMAGES / c / f"{sample_id}.png"
                if p.is_file():
                    return p
        raise SpecError("sample", msg("is not a picture of this dataset"), sample_id,
                        msg("reload the page: it may have been withdrawn"))

    def withdraw(self, ds_id: str, who: str, sample_id: str | None = None) -> int:
        """Delete one picture of who's (sample_id) or all of them; how many went. Others' pictures stay."""
        folder = self.folder(ds_id)
        with _lock(folder):
            given = self._given(folder, who)
            if sample_id is not None and sample_id not in given:
                raise SpecError("sample", msg("is not one of your pictures"), sample_id,
                                msg("you can withdraw only the pictures you added"))
            gone = {sample_id: given[sample_id]} if sample_id is not None else dict(given)
            n = 0
            for sid, c in gone.items():
                p = folder / IMAGES / c / f"{sid}.png"
                if p.is_file():
                    p.unlink()
                    n += 1
                given.pop(sid, None)
            self._keep_given(folder, who, given)
        return n

    def remove(self, ds_id: str, sample_id: str) -> str | None:
        """Delete any one picture (the teacher's choice, e.g. one that does not belong in a class); who gave it."""
        path = self.sample_file(ds_id, sample_id)
        folder = self.folder(ds_id)
        with _lock(folder):
            owner = next((f.stem for f in (folder / WHO).glob("*.json")
                          if sample_id in json.loads(f.read_text(encoding="utf-8"))), None)
            path.unlink()
            if owner is not None:
                given = self._given(folder, owner)
                given.pop(sample_id, None)
                self._keep_given(folder, owner, given)
        return owner

    def withdraw_everywhere(self, who: str) -> int:
        """Delete every picture who gave to any dataset of the class (a pupil deleted); how many went."""
        return sum(self.withdraw(m["id"], who) for m in self.all())

    def delete(self, ds_id: str) -> dict[str, Any]:
        """Delete a dataset with all its pictures (the teacher's choice); its record as it was. Its id and title
        are remembered in removed.json, so a pupil's project that trained on it says what happened."""
        folder = self.folder(ds_id)
        with _lock(folder):
            meta = self.meta(ds_id)
            removed = self.removed()
            removed[ds_id] = meta["title"]
            atomic.write_text(self.root / REMOVED, json.dumps(removed, indent=1, ensure_ascii=False))
            shutil.rmtree(folder)
        return meta
