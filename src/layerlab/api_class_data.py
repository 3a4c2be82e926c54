"""What class datasets ask of the core (issue 17.5): share a project's classes for the whole class to fill,
add a pupil's picture, the pupils' and the teacher's views, withdraw, a project that trains on the pool.

The class server (server/class_dataset.py), the teacher's page and the pupils' pages go through here.
A pupil's view (`pupil_view`) never names who gave a picture, except "mine"; only `teacher_view` does.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from PIL import Image

from .api import load, new
from .data import samples
from .data.class_dataset import sample_png
from .data.image_project import check_classes, image_project_doc
from .i18n import msg
from .spec.errors import SpecError
from .store import workspace
from .store.class_dataset import TEACHER, ClassDatasets, by_contributor, class_root, max_per_pupil, tally

__all__ = ["TEACHER", "ClassDatasets", "add_picture", "MAX_UPLOAD", "class_root", "delete_dataset", "own_model_name",
           "project_on_dataset", "pupil_view", "shareable_projects", "share_project", "teacher_view", "thumbnail", "who_in_class"]

SOURCE = "class_dataset"
MAX_UPLOAD = 10 * 1024 * 1024   # one picture as handed in (a phone's photo); kept shrunk to 256 px


def who_in_class(home: str | Path) -> tuple[Path, str] | None:
    """(class folder, contributor id) of a workspace on a class server: a pupil's folder (DIR/pupils/<id>) or
    the teacher's (DIR/teacher); None in a studio without a class."""
    home = Path(home).resolve()
    found = class_root(home, levels=2)
    if found is None:
        return None
    if home.parent == found / "pupils":
        return found, home.name
    return (found, TEACHER) if home == found / "teacher" else None


def shareable_projects(home: str | Path) -> dict[str, str]:
    """The projects of a workspace that share_project takes (pictures, two or more classes): {id: name},
    newest first; the teacher's page offers only these (a table project there only led to a refusal)."""
    out = {}
    token = workspace.use_home(Path(home))
    try:
        rows = workspace.list_projects()
    finally:
        workspace.reset_home(token)
    for row in rows:
        if row.get("damaged"):
            continue
        folder = Path(home) / row["id"]
        try:
            data = json.loads((folder / workspace.PROJECT_FILE).read_text(encoding="utf-8")).get("data") or {}
        except (OSError, ValueError):
            continue
        if data.get("source") == "images" and len(samples.list_classes(folder)) >= 2:
            out[row["id"]] = row["name"]
    return out


def share_project(class_dir: str | Path, folder: str | Path, title: str | None = None) -> dict[str, Any]:
    """Make one of the teacher's picture projects a class dataset: its classes (and the pictures it has,
    as the teacher's) go to the pool, and the project itself then trains on the pool."""
    project = load(folder)
    data = project.doc.get("data") or {}
    if data.get("source") == SOURCE:
        raise SpecError("project", msg("is already a class dataset"), project.doc.get("name"),
                        msg("find it under 'Class datasets' on the teacher page"))
    classes = samples.list_classes(project.dir) if data.get("source") == "images" else []
    if data.get("source") != "images" or len(classes) < 2:
        raise SpecError("project", msg("is not a picture project with two or more classes"), project.doc.get("name"),
                        msg("create a new image project on your start page, name its classes, then share it"))
    pool = ClassDatasets(class_dir)
    meta = pool.create(title or project.doc.get("name") or Path(folder).name, check_classes(classes),
                       project=Path(folder).name)
    for c, files in samples.list_samples(project.dir).items():
        for f in files:
            pool.add(meta["id"], c, sample_png(samples.sample_path(project.dir, c, f).read_bytes()), TEACHER)
    params = {k: v for k, v in (data.get("params") or {}).items() if k in ("size", "channels", "fit")}
    project.doc["data"] = {**data, "source": SOURCE, "params": {**params, "dataset": meta["id"]}}
    project.save()
    return meta


def delete_dataset(class_dir: str | Path, ds_id: str, teacher_home: str | Path) -> dict[str, Any]:
    """Delete a class dataset and every pooled picture (the teacher's choice); its record as it was.

    The teacher's project it was shared from trains on its own pictures again (sharing copied them to the
    pool and kept them); pupils' projects on it say, when they load their data, that the teacher deleted it."""
    meta = ClassDatasets(class_dir).delete(ds_id)
    folder = Path(teacher_home) / str(meta.get("project") or "")
    if meta.get("project") and (folder / "project.json").is_file():
        project = load(folder)
        data = project.doc.get("data") or {}
        params = data.get("params") or {}
        if data.get("source") == SOURCE and params.get("dataset") == ds_id:
            project.doc["data"] = {**data, "source": "images",
                                   "params": {k: v for k, v in params.items() if k != "dataset"}}
            project.save()
    return meta


def add_picture(class_dir: str | Path, ds_id: str, class_name: str, image: Any, who: str) -> str:
    """Check and keep one picture (bytes, a data: URL or a PIL image) in a dataset's class; its sample id."""
    return ClassDatasets(class_dir).add(ds_id, class_name, sample_png(image), who)


def pupil_view(class_dir: str | Path, ds_id: str, who: str) -> dict[str, Any]:
    """What a pupil may see of a dataset: classes, counts, their own counts, and the pictures (id, class,
    whether it is theirs), never who else gave what."""
    pool = ClassDatasets(class_dir)
    return _view(pool.meta(ds_id), pool.samples(ds_id), who)


def _view(meta: dict[str, Any], shots: list[dict[str, Any]], who: str) -> dict[str, Any]:
    mine = tally(meta["classes"], [s for s in shots if s["by"] == who])
    return {"id": meta["id"], "title": meta["title"], "classes": meta["classes"], "open": meta["open"],
            "counts": tally(meta["classes"], shots), "total": len(shots), "mine": mine, "limit": max_per_pupil(),
            "samples": [{"id": s["id"], "class": s["class"], "mine": s["by"] == who} for s in shots]}


def teacher_view(class_dir: str | Path, ds_id: str, names: dict[str, str]) -> dict[str, Any]:
    """The pupils' view plus who gave how many pictures per class (names: pupil id -> name); the pool is
    read once (the teacher page asks every few seconds)."""
    pool = ClassDatasets(class_dir)
    meta, shots = pool.meta(ds_id), pool.samples(ds_id)
    view = _view(meta, shots, TEACHER)
    rows = [{"pupil": who, "name": names.get(who), "counts": counts, "total": sum(counts.values())}
            for who, counts in by_contributor(shots).items()]
    rows.sort(key=lambda r: (r["pupil"] != TEACHER, (r["name"] or r["pupil"]).casefold()))
    view.update(project=meta.get("project"), contributors=rows,
                samples=[{"id": s["id"], "class": s["class"], "by": s["by"]} for s in shots])
    return view


def thumbnail(class_dir: str | Path, ds_id: str, sample_id: str, size: int = 96) -> bytes:
    """A small PNG of one pooled picture."""
    with Image.open(ClassDatasets(class_dir).sample_file(ds_id, sample_id)) as img:
        img.thumbnail((size, size))
        buf = io.BytesIO()
        img.save(buf, format="PNG")
    return buf.getvalue()


def own_model_name(title: str, lang: str | None = None) -> str:
    """A pupil's own project on a class dataset, named apart from the lesson's ('Obst – mein Modell')."""
    return msg("{title} – my model", title=title).to(lang)


def project_on_dataset(class_dir: str | Path, ds_id: str, folder: str | Path, name: str | None = None,
                       size: int = 32, lang: str | None = None) -> Any:
    """A new project in folder whose data is the pooled dataset (a small CNN with one output per class);
    without a name it is the dataset's title plus 'my model' in lang (default: the request's language)."""
    meta = ClassDatasets(class_dir).meta(ds_id)
    doc = image_project_doc(name or own_model_name(meta["title"], lang), meta["classes"], size=size)
    doc["description"] = meta["title"]
    doc["data"] = {**doc["data"], "source": SOURCE, "params": {**doc["data"]["params"], "dataset": ds_id}}
    return new(folder, doc=doc)
