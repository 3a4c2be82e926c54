"""A project from the user's own data, for `layerlab.new(folder, data=...)` (part of the facade).

The data package stages the data and writes the document (data/wizard.py); here the staged
project is checked through the facade (its data splits and preprocesses, its model is valid)
and only then moved into place, so bad data leaves nothing half-written.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "t.csv").write_text("a,b,label\\n" + "".join(f"{i},{i % 3},{'xy'[i % 2]}\\n" for i in range(20)))
>>> p = project_from_data(d / "proj", d / "t.csv", target="label")
>>> p.spec.task, p.doc["data"]["params"]["target"], p.analyze().ok
('classification', 'label', True)
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .data.facade import clear_cache
from .data.wizard import WHERE, build_doc, move_into, stage_data
from .i18n import msg
from .spec.errors import SpecError


def project_from_data(folder: str | Path, data_path: str | Path, target: str | None = None,
                      overwrite: bool = False, roles: dict[str, str] | None = None,
                      how: str = "target={name!r}"):
    """Create a ready-to-train project in folder from the user's data; returns the api.Project.

    A table needs `target`, the column to predict (the user's choice: without it a TargetNeeded
    error lists the columns and suggests one, saying how in the caller's words, `how`);
    `roles` may mark other columns "ignored" or "feature".
    """
    from . import api  # api imports this module lazily, in api.new
    folder, data = Path(folder), Path(data_path)
    if not data.exists():
        raise SpecError(WHERE, msg("does not exist"), str(data_path),
                        msg("give the path of a CSV file, an image folder or a ZIP"))
    if (folder / api.PROJECT_FILE).exists() and not overwrite:
        raise SpecError("", msg("{folder} already holds a project", folder=str(folder)), str(folder),
                        msg("choose another folder, or pass --force to overwrite it"))
    parent = folder.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=parent))
    try:
        section = stage_data(data, staging, target, roles, how)
        doc = build_doc(folder.name, section, staging)
        probe = api.Project(doc, staging)
        probe.dataset()                  # refuse data that cannot be split and preprocessed now
        errors = probe.errors()
        if errors:
            raise errors[0]
        api.Project(doc, staging).save()
        move_into(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    clear_cache()                        # entries were keyed by the staging folder
    return api.load(folder)
