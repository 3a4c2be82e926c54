"""Ending a class: one .zip of the whole class folder, then the pupils and their data are gone.

    DIR/archives/class-<name>-<YYYYmmdd-HHMMSS>.zip
        class.json        the class (name, code, pupils' ids, names, joined) without token or rejoin hashes
        pupils.csv        one row per pupil: folder, name, id, joined (a spreadsheet opens it)
        teacher/...       the teacher's workspace (the lessons)
        pupils/<name>-<id>/...  every pupil's workspace (projects, runs, uploads) under a readable name,
                          e.g. pupils/Mia-p3f2a9c01de/: the name made safe for a folder, the id keeps it unique

Left out: the studio's secrets (`.studio/`: the cookie secret, the TLS keys), the run registry
(runs.db: rebuilt from the run folders) and earlier archives. Ending deletes every pupil (their
tokens stop working at once) and their folders; the teacher's workspace and the archives stay,
and joining is closed until the teacher opens it again.

>>> import tempfile, zipfile, json
>>> from layerlab.store.classroom import Classroom
>>> c = Classroom.open(tempfile.mkdtemp(), name="7b", code="K7Q2MX")
>>> pupil, token, _ = c.join("K7Q2MX", "Ada")
>>> _ = (c.pupil_home(pupil.id) / "notes.txt").write_text("mine")
>>> path = archive(c)
>>> with zipfile.ZipFile(path) as z:
...     kept = json.loads(z.read("class.json"))
...     sorted(n for n in z.namelist() if n.startswith("pupils/"))[0] == f"pupils/Ada-{pupil.id}/notes.txt"
...     rows = z.read("pupils.csv").decode("utf-8-sig").splitlines()
True
>>> rows[0], rows[1].split(",")[:3] == [f"Ada-{pupil.id}", "Ada", pupil.id]
('folder,name,id,joined', True)
>>> [p["name"] for p in kept["pupils"]], "tokens" in kept["pupils"][0]
(['Ada'], False)
>>> end(c)
1
>>> c.pupils, c.pupil_for_token(token), (c.root / "pupils" / pupil.id).exists(), c.open_for_joining
({}, None, False, False)
>>> shutil.rmtree(c.root)
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import time
import zipfile
from pathlib import Path
from typing import Any

from ..i18n import msg
from ..spec.errors import SpecError
from .class_dataset import DATASETS, ClassDatasets
from .classroom import CLASS_FILE

ARCHIVES = "archives"
SKIPPED = {".studio", ARCHIVES}          # secrets (cookie secret, TLS keys) and earlier archives
SKIPPED_FILES = {"runs.db", "runs.db-wal", "runs.db-shm", "runs.db-journal"}
ARCHIVE_NAME = re.compile(r"class-[A-Za-z0-9_-]{1,40}-\d{8}-\d{6}\.zip")


def pupil_folder(name: str, pupil_id: str) -> str:
    """A pupil's folder in the archive: the name with letters and digits kept (umlauts too), anything else
    a '-', then the id, which keeps two look-alike names apart.

    >>> pupil_folder("Mia", "p3f2a9c01de"), pupil_folder("Jo-Ann O'Neil", "p1"), pupil_folder("..", "p2")
    ('Mia-p3f2a9c01de', 'Jo-Ann-O-Neil-p1', 'pupil-p2')
    >>> pupil_folder("Jörg", "p3")
    'Jörg-p3'
    """
    safe = re.sub(r"[\W_]+", "-", name).strip("-")[:30].strip("-") or "pupil"
    return f"{safe}-{pupil_id}"


def pupils_csv(classroom: Any) -> str:
    """pupils.csv: folder, name, id and joining time (UTC) of each pupil, with a byte-order mark so spreadsheet
    programs read umlauts; a name starting with '-' gets a quote first, so it is never read as a formula."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["folder", "name", "id", "joined"])
    for p in sorted(classroom.pupils.values(), key=lambda p: p.name.casefold()):
        name = "'" + p.name if p.name[:1] in ("=", "+", "-", "@") else p.name
        joined = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(p.joined))
        w.writerow([pupil_folder(p.name, p.id), name, p.id, joined])
    return "\ufeff" + out.getvalue()


def _in_archive(rel: Path, folders: dict[str, str]) -> str:
    """The name of a file in the archive: pupils/<id>/... becomes pupils/<name>-<id>/..."""
    parts = rel.parts
    if len(parts) > 1 and parts[0] == "pupils" and parts[1] in folders:
        parts = (parts[0], folders[parts[1]], *parts[2:])
    return "/".join(parts)


def class_record(classroom: Any) -> dict[str, Any]:
    """class.json as an archive keeps it (the lessons sent and whatever else the class records), with each
    pupil's id, name and joining time only: no hashes of tokens or rejoin codes."""
    data = json.loads((Path(classroom.root) / CLASS_FILE).read_text(encoding="utf-8"))
    data["pupils"] = [{k: p[k] for k in ("id", "name", "joined") if k in p} for p in data.get("pupils", [])]
    return {**data, "archived": time.strftime("%Y-%m-%dT%H:%M:%S")}


def archive(classroom: Any) -> Path:
    """Write one .zip of the class folder under DIR/archives/ and return its path."""
    root = Path(classroom.root)
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", classroom.name).strip("-")[:40] or "class"
    out_dir = root / ARCHIVES
    out_dir.mkdir(exist_ok=True)
    path = out_dir / f"class-{slug}-{time.strftime('%Y%m%d-%H%M%S')}.zip"
    part = path.with_suffix(".zip.part")
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("class.json", json.dumps(class_record(classroom), indent=1, ensure_ascii=False))
        z.writestr("pupils.csv", pupils_csv(classroom))
        folders = {pid: pupil_folder(p.name, pid) for pid, p in classroom.pupils.items()}
        for top in ("teacher", "pupils", DATASETS):   # the class datasets too (their pictures and who gave them)
            for f in sorted(_files(root / top)):
                z.write(f, _in_archive(f.relative_to(root), folders))
    part.replace(path)
    return path


def _files(folder: Path):
    """Regular files under folder, not following links, without the skipped folders."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.is_symlink() or entry.name in SKIPPED or entry.name in SKIPPED_FILES:
            continue
        if entry.is_dir():
            yield from _files(entry)
        elif entry.is_file() and not entry.name.endswith(".part"):
            yield entry


def archive_path(classroom: Any, name: str) -> Path:
    """An archive of this class by its file name (nothing else is reachable by it)."""
    path = Path(classroom.root) / ARCHIVES / name
    if not ARCHIVE_NAME.fullmatch(name) or not path.is_file():
        raise SpecError("archive", msg("is not an archive of this class"), name,
                        msg("end the class with an archive first; its answer names the file"))
    return path


def end(classroom: Any) -> int:
    """Delete every pupil and their folder, forget the lessons sent and close joining; returns how many pupils
    there were."""
    with classroom._lock:
        ids = list(classroom.pupils)
        classroom.pupils = {}
        classroom.lessons = []   # their copies went with the pupils; a class reopened starts without them
        classroom.open_for_joining = False
        classroom.save()
    for pid in ids:
        shutil.rmtree(Path(classroom.root) / "pupils" / pid, ignore_errors=True)
        ClassDatasets(classroom.root).withdraw_everywhere(pid)   # a pupil's pictures go with them
    return len(ids)
