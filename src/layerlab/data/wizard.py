"""Start a project from the user's own data: a CSV/TSV file, an image folder, a ZIP of one,
or NumPy arrays. The data is copied into a staging folder's data/, the source and task are picked
from what is found (a table's target is the user's choice), and a sensible default model is
written (a small CNN for images, an MLP for tables). `layerlab.new(folder, data=...)`
(api.project_from_data) checks the staged project and moves it into place, so bad data leaves nothing
half-written.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "t.csv").write_text("a,b,label\\n" + "".join(f"{i},{i % 3},{'xy'[i % 2]}\\n" for i in range(20)))
>>> (d / "staging").mkdir()
>>> doc = build_doc("proj", stage_data(d / "t.csv", d / "staging", "label"), d / "staging")
>>> doc["task"], doc["data"]["params"]["target"], doc["model"]["layers"][-1]["units"]
('classification', 'label', 2)
"""
from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from ..i18n import msg
from ..spec.errors import SpecError
from .archive import extract_zip
from .base import get_source
from .csvread import TABLE_EXTS, read_table
from .imagefiles import IMAGE_EXTS, is_ignorable, probe
from .target_guess import target_needed

WHERE = "data"


def _copy_tree(src: Path, dst: Path) -> None:
    """Copy an image folder, skipping hidden files and refusing links (they could point anywhere)."""
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        rel = Path(dirpath).relative_to(src)
        dirnames[:] = [d for d in dirnames if not is_ignorable(d)]
        for d in dirnames:
            if (Path(dirpath) / d).is_symlink():
                raise SpecError(WHERE, msg("contains a symbolic link, which is not allowed"), str(rel / d),
                                msg("replace links with the files themselves"))
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for f in filenames:
            if is_ignorable(f):
                continue
            if (Path(dirpath) / f).is_symlink():
                raise SpecError(WHERE, msg("contains a symbolic link, which is not allowed"), str(rel / f),
                                msg("replace links with the files themselves"))
            shutil.copy2(Path(dirpath) / f, dst / rel / f)


def _image_params(folder: Path) -> dict[str, Any]:
    """Size and channels that suit the images found (from a few file headers)."""
    files = [p for p in sorted(folder.rglob("*")) if p.suffix.lower() in IMAGE_EXTS][:64]
    found = probe(files)
    side = Counter(max(s) for s in found["sizes"]).most_common(1)[0][0] if found["sizes"] else 32
    size = side + side % 2 if 8 <= side <= 64 else (8 if side < 8 else 64)
    return {"size": size, "channels": 3 if found["colour"] else 1}


def _cnn(size: int, classes: int) -> list[dict[str, Any]]:
    layers: list[dict[str, Any]] = []
    filters, s = 16, size
    for _ in range(3):
        layers += [{"type": "conv2d", "filters": filters, "kernel_size": 3, "padding": "same", "activation": "relu"},
                   {"type": "max_pool2d", "pool_size": 2}]
        filters, s = filters * 2, s // 2
        if s <= 8:
            break
    return layers + [{"type": "flatten"}, {"type": "dense", "units": 64, "activation": "relu"},
                     {"type": "dropout", "rate": 0.25},
                     {"type": "dense", "units": classes, "activation": "softmax"}]


def _mlp(features: int, task: str, outputs: int) -> list[dict[str, Any]]:
    width = 64 if features > 16 else 32
    head = ({"type": "dense", "units": outputs, "activation": "softmax"} if task == "classification"
            else {"type": "dense", "units": outputs, "activation": "linear"})
    return [{"type": "dense", "units": width, "activation": "relu"},
            {"type": "dense", "units": width, "activation": "relu"}, head]


def _table_params(data: Path, target: str | None, roles: dict[str, str] | None, how: str) -> dict[str, Any]:
    """The csv source's parameters for a table; without a target, the refusal that lists the columns."""
    if not target:
        raise target_needed(read_table(data, where="data"), "target", how)
    params: dict[str, Any] = {"path": f"data/{data.name}", "target": target}
    if roles:
        params["roles"] = {c: r for c, r in roles.items() if c != target}
    return params


def stage_data(data: Path, staging: Path, target: str | None, roles: dict[str, str] | None = None,
                how: str = "target={name!r}") -> dict[str, Any]:
    """Copy the data into staging/data and return the project's data section (a table needs its target)."""
    dest = staging / "data"
    dest.mkdir(parents=True)
    suffix = data.suffix.lower()
    if data.is_dir():
        _copy_tree(data, dest / "images")
        return {"source": "images", "params": _image_params(dest / "images")}
    if suffix == ".zip":
        extract_zip(data, dest / "images", WHERE)
        return {"source": "images", "params": _image_params(dest / "images")}
    if suffix in TABLE_EXTS:
        params: dict[str, Any] = _table_params(data, target, roles, how)
        shutil.copy2(data, dest / data.name)
        return {"source": "csv", "params": params}
    if suffix in (".npz", ".npy"):
        shutil.copy2(data, dest / data.name)
        params = {"path": f"data/{data.name}"}
        # inputs in x.npy / train_x.npy come with targets in y.npy / train_y.npy
        ys = data.with_name(re.sub(r"(^|[_-])[xX]($|[_-])", r"\1y\2", data.stem) + ".npy") if suffix == ".npy" else None
        if ys is not None and ys.exists() and ys != data:
            shutil.copy2(ys, dest / ys.name)
            params["y_path"] = f"data/{ys.name}"
        return {"source": "npy", "params": params}
    raise SpecError(WHERE, msg("is not a kind of data LayerLab can start from"), data.name,
                    msg("give a CSV/TSV file, a folder with one subfolder per class, a ZIP of such a folder, "
                        "or an .npz file with x and y"))


def build_doc(name: str, data_section: dict[str, Any], staging: Path, lang: str = "en") -> dict[str, Any]:
    """A complete project document for data already staged in staging/data; its description in lang (the
    Train page shows it: a German pupil who uploaded a table read 'From your own data: 150 rows, ...')."""
    src = get_source(data_section["source"])
    info = src.info(src.resolve(data_section["params"]), staging)
    task = info.task
    if data_section["source"] == "csv" and task == "regression":
        data_section["preprocessing"] = {"standardize_target": True}  # any target scale trains well
    data_section["params"]["task"] = task if data_section["source"] in ("csv", "npy") else None
    if data_section["params"]["task"] is None:
        del data_section["params"]["task"]
    if info.kind == "image":
        layers = _cnn(info.input_shape[-1], len(info.classes or []))
        training = {"optimizer": "adam", "learning_rate": 0.001, "epochs": 15, "batch_size": 32, "seed": 0}
    else:
        features = 1
        for s in info.input_shape:
            features *= s
        layers = ([{"type": "flatten"}] if len(info.input_shape) > 1 else []) + _mlp(features, task, info.n_outputs)
        training = {"optimizer": "adam", "learning_rate": 0.003, "epochs": 50, "batch_size": 32, "seed": 0}
    task_words = msg("classification") if task == "classification" else msg("regression")
    if info.kind == "image":
        about = msg("From your own data: {n} images of {k} classes.", n=info.n_samples, k=len(info.classes or []))
    elif info.extra.get("target"):
        about = msg("From your own data: {n} rows, {task} of {target!r}.", n=info.n_samples, task=task_words,
                    target=info.extra["target"])
    else:
        about = msg("From your own data: {n} rows, {task}.", n=info.n_samples, task=task_words)
    return {"version": 3, "name": name, "description": about.to(lang), "task": task,
            "data": {**data_section, "validation_split": 0.2, "seed": 0},
            "model": {"layers": layers}, "training": training}


def move_into(staging: Path, folder: Path) -> None:
    """Move the staged project into folder (replacing only what the new project brings)."""
    if not folder.exists():
        os.replace(staging, folder)
        staging.mkdir()                  # so the caller's cleanup finds a folder to remove
        return
    for item in staging / "data", staging / "project.json":
        if item.name == "data":
            (folder / "data").mkdir(exist_ok=True)
            for sub in item.iterdir():
                dst = folder / "data" / sub.name
                if dst.is_dir():
                    shutil.rmtree(dst)
                elif dst.exists():
                    dst.unlink()
                os.replace(sub, dst)
        else:
            os.replace(item, folder / item.name)
