"""Safe extraction of a ZIP of images: no entry may escape the folder, no links, no zip bombs.

Everything is extracted into a temporary folder beside the destination and renamed into
place at the end, so a refused archive leaves nothing half-written.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from ..spec.errors import SpecError

MAX_TOTAL_BYTES = 2 * 1024 ** 3   # uncompressed
MAX_RATIO = 200                   # uncompressed / compressed for any large entry
MAX_ENTRIES = 500_000


def _safe_name(name: str, where: str, archive: str) -> PurePosixPath | None:
    n = name.replace("\\", "/")
    p = PurePosixPath(n)
    if n.startswith("/") or (len(n) > 1 and n[1] == ":") or ".." in p.parts:
        raise SpecError(where, "has an entry that would be written outside its folder", f"{archive}: {name}",
                        "re-create the ZIP from the folder itself (entries must be like cat/1.png)")
    parts = [q for q in p.parts if q not in ("", ".")]
    if not parts or parts[0] == "__MACOSX" or any(q.startswith(".") for q in parts):
        return None
    return PurePosixPath(*parts)


def check_zip(zf: zipfile.ZipFile, where: str, archive: str) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The entries to extract, or a SpecError for escaping names, links and bombs."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise SpecError(where, f"has more than {MAX_ENTRIES} entries", len(infos), "split the archive")
    total, out = 0, []
    for info in infos:
        target = _safe_name(info.filename, where, archive)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise SpecError(where, "contains a symbolic link, which is not allowed", f"{archive}: {info.filename}",
                            "replace links with the files themselves and zip again")
        if target is None or info.is_dir():
            continue
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise SpecError(where, f"unpacks to more than {MAX_TOTAL_BYTES // 1024 ** 3} GB", archive,
                            "use fewer or smaller images")
        if info.file_size > 1024 ** 2 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise SpecError(where, "has an entry that expands suspiciously much (a zip bomb?)",
                            f"{archive}: {info.filename} ({info.compress_size} -> {info.file_size} bytes)",
                            "zip the image folder again with a normal tool")
        out.append((info, target))
    return out


def extract_zip(path: Path, dest: Path, where: str = "data") -> Path:
    """Extract path into dest (which must not exist yet) safely; returns dest."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise SpecError(where, "is not a readable ZIP file", path.name, "zip the folder again") from None
    with zf:
        entries = check_zip(zf, where, path.name)
        if not entries:
            raise SpecError(where, "is an empty ZIP file", path.name, "zip a folder with one subfolder per class")
        # a single top folder (zip of "animals/" holding cat/, dog/) is unwrapped
        tops = {e[1].parts[0] for e in entries}
        strip = 1 if len(tops) == 1 and all(len(e[1].parts) > 2 for e in entries) else 0
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
        try:
            written = 0
            for info, target in entries:
                out = tmp.joinpath(*target.parts[strip:])
                out.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(out, "wb") as dst:
                    # count real bytes: the sizes in the directory may lie
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > MAX_TOTAL_BYTES:
                            raise SpecError(where, "unpacks to more than its directory says", path.name,
                                            "zip the image folder again with a normal tool")
                        dst.write(chunk)
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(tmp, dest)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return dest
