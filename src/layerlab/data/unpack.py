"""Open a .layerlab project file (store/pack.py) into the workspace, as carefully as any upload.

The archive passes the upload checks first (data/safefiles.py: zip-slip, links, encryption,
entry count, declared and actual sizes, compression ratio), then every entry is checked for
what it claims to be: pictures decode, tables are text, arrays load without pickle, weights
are safetensors, JSON parses, and each entry's SHA-256 matches the manifest. A pickle anything
is refused. A file from a newer LayerLab is refused saying which version made it; older ones
are upgraded (format 0 is a plain ZIP of a project folder, without a manifest; the spec inside
is upgraded by spec/upgrade.py). The project lands under a fresh id: nothing is overwritten.

>>> import os, tempfile
>>> os.environ["LAYERLAB_HOME"] = tempfile.mkdtemp()
>>> from layerlab.api import create_project
>>> from layerlab.store import workspace, pack
>>> p = create_project("xor", example="xor")
>>> f = pack.pack(p.dir, os.path.join(tempfile.mkdtemp(), "x.layerlab")).path
>>> unpack(f)["id"], unpack(f, name="Other")["id"]
('xor-2', 'other')
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import SafetensorError

from ..i18n import msg
from ..spec.errors import SpecError
from ..spec.upgrade import upgrade
from ..store import atomic, manage, registry, workspace
from . import safefiles
from .archive import MAX_ENTRIES, MAX_RATIO, MAX_TOTAL_BYTES
from ..store.pack import (ARRAY_SUFFIXES, FORMAT, FORMAT_VERSION, IMAGE_SUFFIXES, MANIFEST, RUN_SUFFIXES, TABLE_SUFFIXES,
                   TIFF_SUFFIXES, layerlab_version)

RUN_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9]{3}-[0-9a-f]{4}$")
PICKLE_SUFFIXES = {".pkl", ".pickle", ".pt", ".pth", ".ckpt", ".joblib", ".dill", ".sav"}
MAX_JSON_BYTES = 64 * 1024 * 1024
# The archive checks live with the safe-file handling (data/safefiles.py: one hardened routine
# for every ZIP LayerLab opens). This module sits in data, above the store, because it uses them.


def _refuse(message: str, received: Any = None, hint: str = "", status: int = 400):
    return safefiles.UploadError(message, received, hint or msg("make the file again with `layerlab pack` "
                                                                  "or the studio's Download project"), status)


def limits_for_disk():
    """Limits for a file on the user's own disk (the CLI): as large as the data wizard's."""
    return safefiles.UploadLimits(max_file_bytes=MAX_TOTAL_BYTES, max_files=MAX_ENTRIES,
                                  max_project_files=MAX_ENTRIES, max_unpacked_bytes=MAX_TOTAL_BYTES,
                                  max_ratio=MAX_RATIO)


def unpack(archive: bytes | str | Path, name: str | None = None, limits: Any = None) -> dict[str, Any]:
    """Open a project file into the workspace under a fresh id; its id, name, run and format version."""
    try:
        return _unpack(archive, name, limits)
    except safefiles.UploadError as e:  # the four parts name the project file, not "upload"
        e.path = "file"
        if e.received is None and isinstance(archive, (str, Path)):
            e.received = Path(archive).name
        raise


def _unpack(archive: bytes | str | Path, name: str | None, limits: Any) -> dict[str, Any]:
    limits = limits or safefiles.UploadLimits.from_env()
    src = Path(archive) if isinstance(archive, (str, Path)) else archive
    if isinstance(src, Path) and not src.is_file():
        raise SpecError("file", msg("does not exist"), str(src), msg("give the path of a .layerlab file"))
    packed = src.stat().st_size if isinstance(src, Path) else len(src)
    safefiles.check_size(packed, limits)
    if name is not None:
        name = manage.check_name(name, "--name")
    try:
        zf = zipfile.ZipFile(src if isinstance(src, Path) else io.BytesIO(src))
    except safefiles.DAMAGED:
        raise _refuse(msg("the file is not a LayerLab project file (not a ZIP archive)"), None,
                      msg("choose a .layerlab file made by Download project or `layerlab pack`")) from None
    tmp = Path(tempfile.mkdtemp(prefix=".unpack-", dir=workspace.home()))
    try:
        with zf:
            doc, run_id, version = _extract(zf, tmp / "p", limits, packed)
        run_id = manage.renew_run_ids(tmp / "p").get(run_id or "", None)
        title = name or str(doc.get("name") or "project")
        with workspace.lock():
            new_id, title = _fresh(title)
            atomic.write_json(tmp / "p" / workspace.PROJECT_FILE, dict(doc, name=title))  # not visible yet
            os.replace(tmp / "p", workspace.home() / new_id)
    except SpecError:
        raise
    except safefiles.DAMAGED as e:
        raise _refuse(msg("the project file is damaged"), type(e).__name__) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    registry.sync_project(workspace.home() / new_id)
    return {"id": new_id, "name": title, "run_id": run_id, "format_version": version}


def _fresh(title: str) -> tuple[str, str]:
    """A free id for title, and the title told apart ('xor (2)') when its id was taken."""
    new_id = workspace.unique_id(title)
    n = new_id[len(workspace.slug(title)) + 1:]
    return new_id, (f"{title} ({n})" if new_id != workspace.slug(title) and n.isdigit() else title)


def _extract(zf: zipfile.ZipFile, dest: Path, limits: Any, packed: int) -> tuple[dict[str, Any], str | None, int]:
    infos = safefiles.check_archive(zf, limits, packed)
    names = {i.filename.replace("\\", "/") for i in infos}
    manifest, prefix = _manifest(zf, names, limits)
    version = int(manifest.get("format_version", 0))
    listed = manifest.get("files") if version >= 1 else None
    budget = limits.max_unpacked_bytes
    doc: dict[str, Any] | None = None
    run_id: str | None = None
    seen: set[str] = set()
    for info in infos:
        parts = safefiles._entry_parts(info.filename)  # noqa: SLF001 - the one zip-slip check
        if prefix:
            if parts[0] != prefix:
                continue
            parts = parts[1:]
        rel = "/".join(parts)
        if not parts or rel == MANIFEST or any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue
        _refuse_pickle_name(rel)
        kind = _kind(parts)
        if kind is None:
            if version >= 1:
                raise _refuse(msg("the project file holds an entry a project never has"), rel)
            continue  # a hand-made ZIP of a project folder: exports, pictures of views and the like stay out
        data = safefiles._read_entry(zf, info, limits, budget)  # noqa: SLF001 - bomb-safe read
        budget -= len(data)
        if listed is not None:
            _check_hash(rel, data, listed)
        seen.add(rel)
        _check_content(kind, rel, data, limits)
        if kind == "project":
            doc = _project_doc(data)
            continue
        if kind == "run":
            run_id = parts[1]
        # names kept as they are (the spec may name data/My table.csv); safe_path keeps them inside dest
        target = safefiles.safe_path(dest, *parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    if listed is not None and set(listed) - seen:
        raise _refuse(msg("the project file is incomplete: entries its manifest lists are missing"),
                      ", ".join(sorted(set(listed) - seen))[:200])
    if doc is None:
        raise _refuse(msg("the project file holds no project.json"))
    (dest / "data").mkdir(parents=True, exist_ok=True)
    return doc, run_id, version


def _manifest(zf: zipfile.ZipFile, names: set[str], limits: Any) -> tuple[dict[str, Any], str]:
    """The manifest (format 0 for a plain ZIP of a project folder) and the folder the project is in ('' at top)."""
    if MANIFEST not in names:
        if workspace.PROJECT_FILE in names:
            return {"format_version": 0}, ""
        tops = {n.split("/", 1)[0] for n in names if "/" in n}
        if len(tops) == 1 and f"{next(iter(tops))}/{workspace.PROJECT_FILE}" in names:
            return {"format_version": 0}, next(iter(tops))
        raise _refuse(msg("the file is not a LayerLab project file (it has no manifest.json or project.json)"),
                      None, msg("choose a .layerlab file made by Download project or `layerlab pack`"), 415)
    info = zf.getinfo(MANIFEST)
    try:
        m = json.loads(safefiles._read_entry(zf, info, limits, 1024 * 1024))  # noqa: SLF001
    except ValueError:
        m = None
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise _refuse(msg("the file is not a LayerLab project file (its manifest is not one)"), MANIFEST, "", 415)
    v = m.get("format_version")
    if not isinstance(v, int) or isinstance(v, bool) or v < 1 or not isinstance(m.get("files"), dict):
        raise _refuse(msg("the project file's manifest is damaged"), repr(v)[:40])
    if v > FORMAT_VERSION:
        raise _refuse(msg("the file was made by LayerLab {version} (project file format {format}); this LayerLab "
                          "{mine} opens formats up to {supported}", version=str(m.get("layerlab_version", "?"))[:40],
                          format=v, mine=layerlab_version(), supported=FORMAT_VERSION), v,
                      msg("update LayerLab (pip install -U layerlab), then open the file again"), 415)
    return m, ""


def _kind(parts: list[str]) -> str | None:
    """project, data or run for the entries a project file holds; None for anything else."""
    if parts == [workspace.PROJECT_FILE]:
        return "project"
    if parts[0] == "data" and len(parts) > 1:
        return "data"
    if parts[0] == "runs" and len(parts) == 3 and RUN_ID.match(parts[1]) and Path(parts[2]).suffix in RUN_SUFFIXES:
        return "run"
    return None


def _refuse_pickle_name(rel: str) -> None:
    if Path(rel).suffix.lower() in PICKLE_SUFFIXES:
        raise _refuse(msg("the project file holds a pickle file, which could run code when opened"), rel,
                      msg("LayerLab keeps weights as safetensors and data as plain files; remove the file"), 415)


def _check_hash(rel: str, data: bytes, listed: dict[str, Any]) -> None:
    want = listed.get(rel)
    if not isinstance(want, dict) or hashlib.sha256(data).hexdigest() != want.get("sha256"):
        raise _refuse(msg("the project file is damaged or was changed after it was made (an entry does not match "
                          "its manifest)"), rel)


def _check_content(kind: str, rel: str, data: bytes, limits: Any) -> None:
    """Refuse an entry that is not what its name says."""
    if data[:1] == b"\x80" and data[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        _refuse_pickle_name(rel + ".pkl")
    suffix = Path(rel).suffix.lower()
    try:
        if suffix == ".json":
            json.loads(data)
        elif suffix == ".safetensors":
            from safetensors.torch import load as st_load
            st_load(data)
        elif kind == "data" and suffix in IMAGE_SUFFIXES:
            safefiles.verify_image(data, limits)
        elif kind == "data" and suffix in TIFF_SUFFIXES:
            _check_tiff(data, limits)
        elif kind == "data" and suffix in TABLE_SUFFIXES:
            safefiles.verify_table(data)
        elif kind == "data" and suffix in ARRAY_SUFFIXES:
            _check_arrays(data, suffix)
        elif kind == "data" and suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(data)) as inner:
                safefiles.check_archive(inner, limits, len(data))
        elif kind != "project":
            raise _refuse(msg("the project file holds a kind of data file LayerLab does not read"), rel)
    except safefiles.UploadError as e:
        raise safefiles.UploadError(e.message, f"{rel}: {e.received}" if e.received is not None else rel, e.hint,
                            e.status) from None
    except (ValueError, RuntimeError, zipfile.BadZipFile, UnicodeDecodeError, SafetensorError) as e:
        raise _refuse(msg("an entry of the project file is damaged"), f"{rel}: {type(e).__name__}") from None


def _check_tiff(data: bytes, limits: Any) -> None:
    """A TIFF picture that Pillow decodes within the pixel limit (the uploads' check takes no TIFF)."""
    from PIL import Image
    try:
        with Image.open(io.BytesIO(data), formats=["TIFF"]) as im:
            if im.size[0] * im.size[1] > limits.max_image_pixels:
                raise _refuse(msg("the image is too large"), f"{im.size[0]}x{im.size[1]}",
                              msg("use images under {pixels:,} pixels", pixels=limits.max_image_pixels), 413)
            im.load()
    except safefiles.UploadError:
        raise
    except Exception as e:  # Pillow raises many types for broken data; all mean "not a picture"
        raise _refuse(msg("the file is not a readable image"), type(e).__name__) from None


def _check_arrays(data: bytes, suffix: str) -> None:
    if suffix == ".npy":
        np.load(io.BytesIO(data), allow_pickle=False)
        return
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        for key in z.files:
            z[key]  # object arrays need pickle: this raises ValueError for them


def _project_doc(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_JSON_BYTES:
        raise _refuse(msg("the project document is too large"), len(data))
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse(msg("the project file's project.json is not valid JSON")) from None
    if not isinstance(doc, dict):
        raise _refuse(msg("the project file's project.json is not a project"), type(doc).__name__)
    return upgrade(doc)  # an older spec is brought up to date; a newer one is refused with its own reason
