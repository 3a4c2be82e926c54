"""A project as one file to take to another machine: `<name>.layerlab`, a ZIP with its own suffix.

Inside (format 1):

    manifest.json       format, format_version, the LayerLab version that wrote it, when, the
                        project's name, the packed run, and every other entry's size and SHA-256
    project.json        the spec
    data/...            the data the project owns (its own tables, pictures, arrays)
    runs/<run_id>/...   ONE run: the newest with weights that is not training now (what predict uses),
                        with its weights (best and last epoch), spec, preprocessing, data
                        description, history and meta; not its optimizer state, not other runs

Opening one is `data.unpack.unpack` (above the store: it uses data/safefiles.py): every entry is checked as an upload is (no pickles).

>>> import os, tempfile, zipfile
>>> os.environ["LAYERLAB_HOME"] = tempfile.mkdtemp()
>>> from layerlab.api import create_project
>>> from layerlab.store import workspace
>>> p = create_project("xor", example="xor")
>>> out = pack(p.dir, os.path.join(tempfile.mkdtemp(), "x.layerlab"))
>>> sorted(zipfile.ZipFile(out.path).namelist())
['data/', 'manifest.json', 'project.json']
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..i18n import Text, msg
from ..spec.errors import SpecError
from . import workspace
from .runs import RunFolder, open_run, run_ids, runs_dir

FORMAT = "layerlab-project"
FORMAT_VERSION = 1
SUFFIX = ".layerlab"
MANIFEST = "manifest.json"
# What a packed project's data/ may hold, by suffix; unpack checks each kind's content.
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"}
TIFF_SUFFIXES = {".tif", ".tiff"}  # image folders read them; uploads do not take them
TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
ARRAY_SUFFIXES = {".npy", ".npz"}
DATA_SUFFIXES = IMAGE_SUFFIXES | TIFF_SUFFIXES | TABLE_SUFFIXES | ARRAY_SUFFIXES | {".zip", ".json"}
RUN_SUFFIXES = {".json", ".safetensors"}
LIVE = ("running", "queued", "paused")
UNINSTALLED_VERSION = "0.1.0"  # layerlab.__version__ (the package imports the store: not imported here)
RUN_LEFT_OUT = {"optimizer.safetensors", "state.json"}  # only "continue training" needs them


def layerlab_version() -> str:
    try:
        return version("layerlab")
    except PackageNotFoundError:  # a checkout that is not installed still packs
        return UNINSTALLED_VERSION


@dataclass
class Packed:
    """What pack wrote: the file, the run it holds (or None) and the data files it left out, with why."""

    path: Path
    run_id: str | None
    files: int
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"path": str(self.path), "run_id": self.run_id, "files": self.files,
                "skipped": [dict(s, reason=s["reason"].to(lang) if isinstance(s["reason"], Text) else s["reason"])
                            for s in self.skipped]}


def _data_files(folder: Path, skipped: list[dict[str, Any]]) -> list[tuple[str, Path]]:
    """(name in the archive, file) for each data file LayerLab reads; links and hidden files stay out."""
    out: list[tuple[str, Path]] = []
    data = folder / "data"
    if not data.is_dir():
        return out
    for dirpath, dirnames, filenames in os.walk(data, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not os.path.islink(os.path.join(dirpath, d)))
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if name.startswith(".") or path.is_symlink():
                continue
            if path.suffix.lower() not in DATA_SUFFIXES:
                skipped.append({"name": rel, "reason": msg("LayerLab does not read this kind of file")})
                continue
            out.append((rel, path))
    return out


def _run_files(folder: Path, run_id: str | None) -> tuple[str | None, list[tuple[str, Path]]]:
    """The run to pack (the newest finished one with weights unless run_id names one) and its files."""
    if run_id is not None:
        run = open_run(folder, run_id)
        if run.meta().get("status") in LIVE:
            raise SpecError("run", msg("is training right now"), run_id,
                            msg("wait until it has finished, or pack another run"))
    else:  # the newest run with weights that is not training now (its files would change mid-way)
        run = next((f for f in (RunFolder(runs_dir(folder) / rid) for rid in reversed(run_ids(folder)))
                    if f.has_weights() and f.meta().get("status") not in LIVE), None)
        if run is None:
            return None, []  # never trained: the file holds spec and data only
    files = [(f"runs/{run.run_id}/{p.name}", p) for p in sorted(run.path.iterdir())
             if p.is_file() and not p.name.startswith(".") and p.suffix in RUN_SUFFIXES and p.name not in RUN_LEFT_OUT]
    return run.run_id, files


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def default_name(folder: Path) -> str:
    """`<project id>.layerlab`."""
    return Path(folder).name + SUFFIX


def pack(folder: str | Path, out: str | Path | None = None, run_id: str | None = None) -> Packed:
    """Write a project folder as one .layerlab file (default: `<id>.layerlab` in the current folder)."""
    folder = Path(folder)
    if not (folder / workspace.PROJECT_FILE).is_file():
        raise SpecError("project", msg("no project found at {path}", path=str(folder)), str(folder),
                        msg("give a project folder containing project.json"))
    out = Path(out) if out is not None else Path.cwd() / default_name(folder)
    if out.suffix.lower() != SUFFIX:
        raise SpecError("--out", msg("a project file must end in {suffix}", suffix=SUFFIX), out.name,
                        msg("name it e.g. {name}", name=out.with_suffix(SUFFIX).name))
    doc_bytes = (folder / workspace.PROJECT_FILE).read_bytes()
    try:
        doc = json.loads(doc_bytes)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        raise SpecError("project.json", msg("is not a valid project document"), str(folder),
                        msg("fix project.json first (`layerlab validate`)"))
    skipped: list[dict[str, Any]] = []
    entries = [(workspace.PROJECT_FILE, folder / workspace.PROJECT_FILE)] + _data_files(folder, skipped)
    rid, run_entries = _run_files(folder, run_id)
    entries += run_entries
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "layerlab_version": layerlab_version(),
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "name": doc.get("name", folder.name), "run_id": rid,
                "files": {name: {"size": p.stat().st_size, "sha256": _sha256(p)} for name, p in entries}}
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            zf.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
            zf.writestr("data/", b"")  # the folder exists even when the project owns no files
            stamp = time.localtime()[:6]
            for name, path in entries:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with zf.open(info, "w") as dst, open(path, "rb") as src:
                    while chunk := src.read(1 << 20):
                        dst.write(chunk)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Packed(out, rid, len(entries), skipped)
