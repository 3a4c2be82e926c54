"""A data-parallel run's folder on Ray's storage path, for workers on other machines (issue 19.1).

On one machine worker 0 writes the run straight into the project's `runs/<id>/`. When its
workers may sit on other machines (`--storage-path` given, or a cluster of more than one node),
the project folder is not theirs to write: worker 0 writes the run folder into a temporary
folder of its own machine and copies it to `<storage>/<run_id>/layerlab/` after every checkpoint
and at the end, next to Ray's own result files (a shared folder, or S3-compatible storage such
as `s3://bucket/path`, through pyarrow's file systems as Ray uses them). When the run ends,
finished, stopped or failed, the driver copies that folder back into the project's
`runs/<run_id>/` (after a lost worker: what its last copy held), so every page, view and export
works on the result. Events and meta.json updates reach the driver through Ray's queue, on
one machine or many, so the live pages follow the run while it trains.

>>> import tempfile, pathlib, shutil
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> src = tmp / "worker" / "r1"; src.mkdir(parents=True)
>>> _ = (src / "history.json").write_text("[]"); _ = (src / ".history.json.x.tmp").write_text("")
>>> up = Uploader(str(tmp / "storage"), "r1"); up.push(src)
1
>>> up.push(src)  # unchanged files are not sent again
0
>>> back = tmp / "project" / "runs" / "r1"
>>> copy_back(str(tmp / "storage"), "r1", back), sorted(p.name for p in back.iterdir())
(1, ['history.json'])
>>> shutil.rmtree(tmp)
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from ..store import atomic

FOLDER = "layerlab"   # <storage>/<run_id>/layerlab/: the run folder, next to Ray's own files
LAST = ("state.json", "meta.json")  # written last, as RunFolder.write_checkpoint does: they say what the rest holds


def resolve(storage: str) -> str:
    """A storage path every process agrees on: a URI as given, a local path made absolute."""
    return storage if "://" in storage else os.path.abspath(os.path.expanduser(storage))


def _fs(storage: str) -> tuple[Any, str]:
    import pyarrow.fs
    if "://" in storage:
        return pyarrow.fs.FileSystem.from_uri(storage)
    return pyarrow.fs.LocalFileSystem(), resolve(storage)


def _order(names: list[str]) -> list[str]:
    return sorted(names, key=lambda n: (n in LAST, LAST.index(n) if n in LAST else 0, n))


def _ours(name: str) -> bool:
    return not (name.startswith(".") and name.endswith(".tmp"))  # a write in progress (store/atomic.py)


class Uploader:
    """Copies one run folder to `<storage>/<run_id>/layerlab/`, each file once per change."""

    def __init__(self, storage: str, run_id: str):
        self.fs, base = _fs(storage)
        self.dest = f"{base.rstrip('/')}/{run_id}/{FOLDER}"
        self._sent: dict[str, tuple[int, int]] = {}

    def push(self, folder: str | Path) -> int:
        """Send the files changed since the last push; returns how many were sent."""
        folder = Path(folder)
        self.fs.create_dir(self.dest, recursive=True)
        names = [e.name for e in os.scandir(folder) if e.is_file(follow_symlinks=False) and _ours(e.name)]
        sent = 0
        for name in _order(names):
            try:
                st = (folder / name).stat()
                data = (folder / name).read_bytes()
            except FileNotFoundError:  # replaced between the listing and the read: the next push sends it
                continue
            stamp = (st.st_mtime_ns, st.st_size)
            if self._sent.get(name) == stamp:
                continue
            tmp = f"{self.dest}/.{name}.upload.tmp"
            with self.fs.open_output_stream(tmp) as out:
                out.write(data)
            self.fs.move(tmp, f"{self.dest}/{name}")
            self._sent[name] = stamp
            sent += 1
        return sent


def copy_back(storage: str, run_id: str, dest: str | Path) -> int:
    """Copy `<storage>/<run_id>/layerlab/` into `dest` (a project's runs/<run_id>); returns the files
    copied, 0 when the storage holds nothing of this run. Raises OSError when the storage cannot be read."""
    import pyarrow.fs
    fs, base = _fs(storage)
    src = f"{base.rstrip('/')}/{run_id}/{FOLDER}"
    if fs.get_file_info(src).type != pyarrow.fs.FileType.Directory:
        return 0
    infos = [i for i in fs.get_file_info(pyarrow.fs.FileSelector(src)) if i.type == pyarrow.fs.FileType.File]
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    names = _order([i.base_name for i in infos if _ours(i.base_name)])
    for name in names:
        with fs.open_input_stream(f"{src}/{name}") as f:
            atomic.write_bytes(dest / name, f.read(), sync_dir=False)
    atomic.sync_dir(dest)
    return len(names)

