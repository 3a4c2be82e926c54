"""The facade every consumer uses: the studio, the CLI, scripts and tests.

Opening and creating projects (load, new, project_from_data, create_project, new_image_project),
the built-in examples, and the Project class itself (defined in api_project.py, named here); the
api_*.py modules name the rest for the studio, the CLI and the server (docs/LAYERS.md).

>>> import layerlab, tempfile
>>> p = layerlab.new(tempfile.mkdtemp() + "/xor", example="xor")
>>> print(p.summary().total_params)
42
>>> p.spec.training.epochs
60
"""
from __future__ import annotations

import copy
import json
import shutil
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

from .data import tabular  # noqa: F401  (registers the table reader that spec upgrades use)
from .data import preview, samples
from .data.cache import clear_cache
from .data.image_project import check_classes, image_project_doc
from .data.table_process import describe_table as _describe_table
from .data.wizard import WHERE, build_doc, move_into, stage_data
from .i18n import msg, translate
from .spec import budgets
from .spec.errors import Fix, SpecError  # noqa: F401  (api.Fix, api.SpecError: named here for callers)
from .spec.loader import read_document
from .spec.loader import json_reason  # noqa: F401  (api.json_reason: where callers found it before)
from .spec.params import suggest_fix
from .store import workspace
# The Project class lives in api_project.py; it is named here, where everyone finds it.
from .api_project import PROJECT_FILE, Project, Spec  # noqa: F401


def check_size(doc: Any) -> None:
    """Refuse a document whose model has more layers or deeper nesting than the budgets allow,
    before it is parsed (a 10,000-layer document costs a walk over its list, nothing more)."""
    model = doc.get("model") if isinstance(doc, dict) else None
    refused = budgets.check_structure(model.get("layers") if isinstance(model, dict) else [])
    if refused:
        raise refused[0]


def load(path: str | Path) -> Project:
    """Open a project folder (or its project.json). Invalid specs load; validate() says what is wrong."""
    path = Path(path)
    file = path / PROJECT_FILE if path.is_dir() else path
    if not file.exists():
        raise SpecError("", msg("no project found at {path}", path=str(path)), str(path),
                        msg("give a project folder containing project.json, or create one with "
                            "`layerlab new DIR --example digits`"))
    # strict: a wrong encoding, NaN, 1e400 or absurd nesting is a SpecError naming the fix
    return Project(read_document(file), file.parent)


def new_image_project(folder: str | Path, classes: list[str], name: str | None = None, size: int = 32,
                      channels: int = 3, lang: str = "en") -> Project:
    """A picture project with the named (empty) classes and a small CNN; pictures are added with data.samples.
    Its description is in lang."""
    doc = image_project_doc(name or Path(folder).name, classes, size, channels, lang)
    project = new(folder, doc=doc)
    for c in check_classes(classes):
        samples.add_class(project.dir, c)
    return project


def describe_table(path: str | Path | None = None, text: str | None = None) -> dict[str, Any]:
    """A table's columns (name, kind, distinct values, a few of them) and the guessed target, for a picker.

    The guess is only a suggestion (a text column with few values, or one named like a label);
    the user confirms or changes it. `rows` is the number of data rows.
    """
    return _describe_table(path, text)


def example_names() -> list[str]:
    """Names of the built-in example projects."""
    folder = resources.files("layerlab") / "examples"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def example(name: str) -> dict[str, Any]:
    """The JSON document of a built-in example."""
    names = example_names()
    if name not in names:
        raise SpecError("example", msg("is not a built-in example"), name, suggest_fix(name, names))
    text = (resources.files("layerlab") / "examples" / f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)


def example_preview_png(name: str, size: int = 160) -> bytes:
    """A picture of a built-in example's data (the gallery's thumbnail; cached per example and size)."""
    data = example(name).get("data") or {}
    return preview.thumbnail(data["source"], data.get("params") or {}, None, 0, size)


def examples() -> list[dict[str, str]]:
    """Each example's name, description (English and German), task and data source."""
    out = []
    for n in example_names():
        d = example(n)
        out.append({"name": n, "description": d.get("description", ""),
                    "description_de": translate(d.get("description", ""), "de"), "task": d.get("task", ""),
                    "source": d["data"]["source"]})
    return out


def new(folder: str | Path, example: str | None = None, doc: dict[str, Any] | None = None,
        overwrite: bool = False, data: str | Path | None = None, target: str | None = None,
        roles: dict[str, str] | None = None, how: str = "target={name!r}", lang: str = "en") -> Project:
    """Create a project folder from an example, a document, or your own data and save it.

    data is a CSV/TSV file, an image folder, a ZIP of one or an .npz; a table needs `target`,
    the column to predict (without it the error lists the columns and suggests one), and
    `roles` may mark other columns "ignored". A project from data is described in lang.
    """
    if data is not None:
        return project_from_data(folder, data, target=target, overwrite=overwrite, roles=roles, how=how, lang=lang)
    folder = Path(folder)
    if (folder / PROJECT_FILE).exists() and not overwrite:
        raise SpecError("", msg("{folder} already holds a project", folder=str(folder)), str(folder),
                        msg("choose another folder, or open it with `layerlab summary`"))
    if doc is None:
        doc = globals()["example"](example or "digits")
    project = Project(copy.deepcopy(doc), folder)
    project.save()
    (folder / "data").mkdir(exist_ok=True)
    return project


def project_from_data(folder: str | Path, data_path: str | Path, target: str | None = None,
                      overwrite: bool = False, roles: dict[str, str] | None = None,
                      how: str = "target={name!r}", lang: str = "en") -> Project:
    """Create a ready-to-train project in folder from the user's data (what `new(folder, data=...)` does),
    described in lang.

    A table needs `target`, the column to predict (the user's choice: without it a TargetNeeded
    error lists the columns and suggests one, saying how in the caller's words, `how`);
    `roles` may mark other columns "ignored" or "feature". The project is built and checked in a
    staging folder first, so bad data leaves nothing behind.
    """
    folder, data = Path(folder), Path(data_path)
    if not data.exists():
        raise SpecError(WHERE, msg("does not exist"), str(data_path),
                        msg("give the path of a CSV file, an image folder or a ZIP"))
    if (folder / PROJECT_FILE).exists() and not overwrite:
        raise SpecError("", msg("{folder} already holds a project", folder=str(folder)), str(folder),
                        msg("choose another folder, or pass --force to overwrite it"))
    parent = folder.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=parent))
    try:
        section = stage_data(data, staging, target, roles, how)
        doc = build_doc(folder.name, section, staging, lang)
        probe = Project(doc, staging)
        probe.dataset()                  # refuse data that cannot be split and preprocessed now
        errors = probe.errors()
        if errors:
            raise errors[0]
        Project(doc, staging).save()
        move_into(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    clear_cache()                        # entries were keyed by the staging folder
    return load(folder)


def create_project(name: str, example: str | None = None, doc: dict[str, Any] | None = None) -> Project:
    """A new project in the workspace (LAYERLAB_HOME) from an example or a document, its id based on name.

    >>> import os, tempfile
    >>> os.environ["LAYERLAB_HOME"] = tempfile.mkdtemp()
    >>> create_project("my xor", example="xor").dir.name, create_project("my xor", example="xor").dir.name
    ('my-xor', 'my-xor-2')
    """
    if doc is None:
        doc = globals()["example"](example or "digits")
    return new(workspace.new_folder(name), doc=dict(doc, name=name))


# Projects as things a person manages (rename, duplicate, trash, .layerlab files): api_projects.py
from .api_projects import (ProjectBusy, delete_project, duplicate_project, empty_trash,  # noqa: E402
                           pack_project, project_folder, project_id, rename_project, restore_project, trash,
                           unpack_project)
