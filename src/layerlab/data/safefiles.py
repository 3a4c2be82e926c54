"""Files from outside that cannot hurt anyone: limits, content checks, safe names, safe ZIP extraction.

One implementation below the server, so the data sources (data/archive.py), the project file
reader (store/unpack.py), the studio's pages and the HTTP API (server/uploads.py, which keeps
only the HTTP glue) all use it without importing the server. Every check refuses with an
`UploadError` (a SpecError carrying the HTTP status the API answers with) that says what was
wrong and what to do instead; the limits, that error and the checks of one file's content live
in data/upload_checks.py, this module stores files and unpacks archives with them.

>>> import tempfile, pathlib, io
>>> from PIL import Image
>>> buf = io.BytesIO(); Image.new("RGB", (4, 4)).save(buf, "PNG")
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> save_file(root, "../../etc/x.png", buf.getvalue()).relative_to(root).as_posix()
'data/uploads/x.png'

Defences: a size limit per file and per request, a file-count limit per archive and per
project; images are decoded with Pillow (allow-listed formats only, decompression-bomb
limit) and never trusted by extension; ZIP entries with absolute paths, '..', drive letters,
symlinks or encryption are refused, as are archives whose declared or actual unpacked size
or compression ratio exceed the limits (zip bombs); names are reduced to safe characters;
every target path is resolved and must stay inside the project's data folder; archives are
unpacked into a hidden temporary folder first and moved into place only when complete.
"""
from __future__ import annotations

import io
import lzma
import os
import re
import shutil
import stat
import struct
import tempfile
import threading
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..i18n import localize, msg
from ..spec.errors import SpecError
from ..store import atomic
from ..store.lesson import check_data_files
from ..store.quota import check_quota
from .imagefiles import check_zip_pixels
from .upload_checks import MB, UploadError, UploadLimits, check_size, verify_image, verify_table

MAX_DEPTH = 12
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"}
TABLE_SUFFIXES = {".csv", ".tsv", ".txt"}
# What zipfile (and zlib, lzma, bz2 under it) raise for damaged or exotic archives: a fuzzer
# found NotImplementedError for odd version fields, zlib.error for broken streams, and more.
DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, zlib.error, lzma.LZMAError, OSError,
           EOFError, RuntimeError, ValueError, struct.error, KeyError, IndexError, UnicodeDecodeError, OverflowError)
_naming = threading.Lock()  # choosing a free name and taking it is one step
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


@dataclass
class UploadResult:
    """What was stored (paths relative to the project folder) and what was skipped, with why
    (each reason a Text: `to_dict(lang)` gives it in lang)."""

    folder: str
    saved: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        skipped = [dict(s, reason=localize(s["reason"], lang)) if "reason" in s else s for s in self.skipped]
        return {"folder": self.folder, "saved": self.saved, "skipped": skipped, "count": len(self.saved)}


# -- names and paths -----------------------------------------------------------------------------
def sanitize_name(name: str, default: str = "file") -> str:
    """One safe path component: no separators, no leading dots, only [A-Za-z0-9._-], at most 100 chars."""
    name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_.")
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix).lower()[:10]
    if not stem or stem.lower() in _RESERVED:
        stem = f"{default}-{stem}" if stem else default
    return f"{stem[:90]}.{suffix}" if suffix else stem[:90]


def safe_path(root: Path, *parts: str) -> Path:
    """root/parts..., refusing any result outside root or through a symlink."""
    root = Path(root).resolve()
    target = root.joinpath(*parts)
    resolved = target.resolve()
    if not resolved.is_relative_to(root):
        raise UploadError(msg("the file would be written outside the project"), "/".join(parts),
                          msg("use a plain file name"))
    # A symlink planted inside the project could point anywhere; refuse to walk through one.
    p = resolved
    while p != root:
        if p.is_symlink():
            raise UploadError(msg("the target path goes through a symbolic link"), "/".join(parts),
                              msg("remove the link"))
        p = p.parent
    return resolved


def _entry_parts(name: str) -> list[str]:
    """The components of a ZIP entry name; raises for anything that could escape the folder."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm) or "\x00" in norm:
        raise UploadError(msg("the archive has an absolute path, which would be written outside its folder "
                              "(zip-slip)"), name,
                          msg("create the ZIP from inside the folder so its entries have relative paths"))
    parts = [p for p in PurePosixPath(norm).parts if p not in ("", ".")]
    if not parts:
        raise UploadError(msg("the archive contains an entry without a name"), name, msg("create the ZIP again"))
    if ".." in parts:
        raise UploadError(msg("the archive has an entry that would be written outside its folder (zip-slip)"), name,
                          msg("create the ZIP again without '..' in entry names"))
    if len(parts) > MAX_DEPTH:
        raise UploadError(msg("the archive nests folders too deeply"), name[:200],
                          msg("use at most {levels} folder levels (one folder per class is enough)", levels=MAX_DEPTH))
    return parts


def _count_files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder)) if folder.exists() else 0


def free_name(folder: Path, name: str) -> Path:
    """folder/name, or name-2, name-3, ... when taken: an upload never replaces another file.

    Two names can sanitise alike (猫.png and 犬.png both become file.png); call under `_naming`."""
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, f".{suffix}") if dot else (name, "")
    candidate, n = name, 2
    while (folder / candidate).exists():
        candidate, n = f"{stem}-{n}{suffix}", n + 1
    return safe_path(folder, candidate)


# -- single files --------------------------------------------------------------------------------
def save_file(project_dir: Path, filename: str, data: bytes, folder: str = "uploads",
              limits: UploadLimits | None = None) -> Path:
    """Store one image or table under project/data/<folder>/ atomically; returns its path."""
    check_data_files(project_dir)   # a lesson's locked data
    limits = limits or UploadLimits.from_env()
    check_size(len(data), limits)
    name = sanitize_name(filename)
    suffix = Path(name).suffix
    if suffix in IMAGE_SUFFIXES or suffix == "":
        fmt, _ = verify_image(data, limits)
        if suffix == "":
            name = f"{name}.{'jpg' if fmt == 'JPEG' else fmt.lower()}"
    elif suffix in TABLE_SUFFIXES:
        verify_table(data)
    else:
        raise UploadError(msg("this kind of file is not accepted"), suffix,
                          msg("upload images (.png, .jpg, .gif, .bmp, .webp), tables (.csv) or a .zip of images"),
                          415)
    data_dir = safe_path(Path(project_dir), "data")
    if _count_files(data_dir) >= limits.max_project_files:
        raise UploadError(msg("the project holds too many files"), limits.max_project_files,
                          msg("delete some data files first"), 413)
    check_quota(data_dir, 1, len(data))
    folder_path = safe_path(data_dir, sanitize_name(folder, "uploads"))
    with _naming:
        target = free_name(folder_path, name)
        atomic.write_bytes(target, data)
    return target


# -- archives ------------------------------------------------------------------------------------
def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _skip_reason(parts: list[str]) -> str | None:
    if any(p.startswith(".") or p == "__MACOSX" for p in parts):
        return msg("hidden or system file")
    return None


def check_archive(zf: zipfile.ZipFile, limits: UploadLimits, packed_size: int) -> list[zipfile.ZipInfo]:
    """Refuse zip-slip, symlinks, encryption and bombs by the archive's directory; the files to unpack."""
    infos = zf.infolist()
    if len(infos) > limits.max_files:
        raise UploadError(msg("the archive holds too many files"), len(infos),
                          msg("upload at most {n:,} files per archive", n=limits.max_files), 413)
    files = []
    for info in infos:
        _entry_parts(info.filename)
        if _is_symlink(info):
            raise UploadError(msg("the archive contains a symbolic link"), info.filename,
                              msg("create the ZIP without links (zip -r without -y)"))
        if info.flag_bits & 0x1:
            raise UploadError(msg("the archive is encrypted"), info.filename, msg("upload an archive without a password"))
        if not info.is_dir():
            files.append(info)
    declared = sum(i.file_size for i in files)
    if declared > limits.max_unpacked_bytes:
        raise UploadError(msg("the archive unpacks to too much data"), msg("{mb:.0f} MB", mb=declared / MB),
                          msg("upload at most {limit:.0f} MB unpacked", limit=limits.max_unpacked_bytes / MB), 413)
    if declared > MB and declared / max(packed_size, 1) > limits.max_ratio:
        raise UploadError(msg("the archive is compressed suspiciously well (a zip bomb?)"),
                          msg("ratio {ratio:.0f}", ratio=declared / max(packed_size, 1)),
                          msg("upload an ordinary archive of images"), 413)
    return files


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: UploadLimits, budget: int) -> bytes:
    """An entry's bytes, stopping as soon as it exceeds what its header declared or the budget."""
    cap = min(info.file_size, budget, limits.max_file_bytes)
    out = bytearray()
    with zf.open(info) as f:
        while chunk := f.read(256 * 1024):
            out += chunk
            if len(out) > cap:
                raise UploadError(msg("an archive entry is larger than it claims, or too large (a zip bomb?)"),
                                  info.filename, msg("upload an ordinary archive of images"), 413)
    if info.file_size > MB and len(out) / max(info.compress_size, 1) > limits.max_ratio:
        raise UploadError(msg("an archive entry is compressed suspiciously well (a zip bomb?)"), info.filename,
                          msg("upload an ordinary archive of images"), 413)
    return bytes(out)


def extract_images(project_dir: Path, archive: bytes | Path, name: str = "images",
                   limits: UploadLimits | None = None) -> UploadResult:
    """Unpack a ZIP of image folders into project/data/<name>/ (a fresh folder); non-images are skipped."""
    check_data_files(project_dir)   # a lesson's locked data
    limits = limits or UploadLimits.from_env()
    data_dir = safe_path(Path(project_dir), "data")
    data_dir.mkdir(parents=True, exist_ok=True)
    final = free_name(data_dir, sanitize_name(Path(name).stem or name, "images"))
    room = limits.max_project_files - _count_files(data_dir)
    result = unpack_images(archive, final, limits, strip_single_top=False, max_new_files=room)
    folder = final.relative_to(Path(project_dir).resolve()).as_posix()
    return UploadResult(folder, [f"{folder}/{k}" for k in result.saved], result.skipped)


def unpack_images(archive: bytes | Path, dest: Path, limits: UploadLimits | None = None,
                  strip_single_top: bool = True, replace: bool = False,
                  max_new_files: int | None = None) -> UploadResult:
    """Unpack a ZIP's images into dest safely; saved paths are relative to dest.

    The one archive routine of LayerLab (uploads, the data wizard and image sources use it):
    everything goes to a hidden sibling folder first and is renamed to dest only when complete.
    dest must not exist unless replace=True. strip_single_top unwraps a ZIP of one top folder."""
    limits = limits or UploadLimits.from_env()
    packed = archive.stat().st_size if isinstance(archive, Path) else len(archive)
    check_size(packed, limits)
    dest = Path(dest)
    if dest.exists() and not replace:
        raise UploadError(msg("the destination folder exists already"), dest.name, msg("choose another name"))
    try:
        zf = zipfile.ZipFile(archive if isinstance(archive, Path) else io.BytesIO(archive))
    except DAMAGED:
        raise UploadError(msg("the file is not a readable ZIP archive"), None, msg("upload a .zip file")) from None
    try:
        with zf:
            return _extract(zf, dest, limits, packed, strip_single_top, max_new_files)
    except SpecError:  # our own refusals (limits, budgets, the quota) are not a damaged archive
        raise
    except DAMAGED as e:
        raise UploadError(msg("the archive is damaged or uses an unsupported format"), type(e).__name__,
                          msg("create the ZIP again with a standard tool (no password, deflate)")) from e


def _extract(zf: zipfile.ZipFile, dest: Path, limits: UploadLimits, packed: int, strip_single_top: bool,
             max_new_files: int | None) -> UploadResult:
    files = check_archive(zf, limits, packed)
    try:  # all pictures' pixels together, from their headers, before one is decoded (spec/budgets.py)
        check_zip_pixels(zf, files, "upload")
    except SpecError as e:
        raise UploadError(e.message, e.received, e.hint, 413) from None
    check_quota(dest.parent, len(files), sum(i.file_size for i in files))
    if max_new_files is not None and len(files) > max_new_files:
        raise UploadError(msg("the project would hold too many files"), limits.max_project_files,
                          msg("delete some data files first"), 413)
    entries = [(info, _entry_parts(info.filename)) for info in files]
    wanted = [parts for _, parts in entries if _skip_reason(parts) is None]
    tops = {parts[0] for parts in wanted}
    strip = 1 if strip_single_top and len(tops) == 1 and all(len(p) > 2 for p in wanted) else 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".upload-", dir=dest.parent))
    result = UploadResult(dest.name)
    try:
        budget = limits.max_unpacked_bytes
        taken: set[str] = set()
        for info, parts in entries:
            reason = _skip_reason(parts)
            if reason is None and Path(parts[-1]).suffix.lower() not in IMAGE_SUFFIXES:
                reason = msg("not an image file")
            if reason:
                result.skipped.append({"name": info.filename, "reason": reason})
                continue
            data = _read_entry(zf, info, limits, budget)
            budget -= len(data)
            try:
                verify_image(data, limits)
            except UploadError as e:
                result.skipped.append({"name": info.filename, "reason": e.message})
                continue
            parts = parts[strip:]
            rel = [sanitize_name(p, "folder") for p in parts[:-1]] + [sanitize_name(parts[-1])]
            key = "/".join(rel)
            if key in taken:  # two names that sanitise alike: keep both
                rel[-1] = f"{len(taken)}-{rel[-1]}"
                key = "/".join(rel)
            taken.add(key)
            target = safe_path(tmp, *rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            result.saved.append(key)
        if not result.saved:
            raise UploadError(msg("the archive holds no readable images"), len(files),
                              msg("put PNG or JPEG images in one folder per class, then zip the folders"))
        if dest.exists():  # replace=True: the old copy goes only once the new one is complete
            old = Path(tempfile.mkdtemp(prefix=".replaced-", dir=dest.parent))
            os.replace(dest, old / "x")
            os.replace(tmp, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result
