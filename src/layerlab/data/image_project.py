"""A new picture project, Teachable Machine style: the user names the classes, then fills them
with uploads, webcam bursts or drawings. The document uses the project's own picture folder
(data/images/<class>/) and a small CNN that suits the picture size.

>>> doc = image_project_doc("pets", ["cat", "dog"], size=32)
>>> doc["data"]["source"], doc["model"]["layers"][-1]
('images', {'type': 'dense', 'units': 2, 'activation': 'softmax'})
>>> check_classes(["cat", "cat "])
Traceback (most recent call last):
...
layerlab.spec.errors.SpecError: classes: names a class twice: 'cat'. Received: ['cat', 'cat ']. Fix: give every class its own name
"""
from __future__ import annotations

from typing import Any

from ..i18n import msg
from ..spec.errors import SpecError
from . import samples
from .wizard import _cnn

SIZES = (28, 32, 48, 64, 96)  # the picture sizes offered; 32 is quick to train on a laptop


def check_classes(classes: list[str]) -> list[str]:
    """The class names, stripped, refusing fewer than two, blanks, twins and names no folder can have."""
    names = [str(c).strip() for c in classes if str(c).strip()]
    if len(names) < 2:
        raise SpecError("classes", msg("a picture project needs at least two classes"), list(classes),
                        msg("name two or more classes, e.g. 'cat' and 'dog'"))
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise SpecError("classes", msg("names a class twice: {name!r}", name=name), list(classes),
                            msg("give every class its own name"))
        seen.add(name.casefold())
        samples.check_class_name(name, "classes")  # raises the usual 4-part error for a bad name
    return names


def image_project_doc(name: str, classes: list[str], size: int = 32, channels: int = 3,
                      lang: str = "en") -> dict[str, Any]:
    """The project document: own pictures, a small CNN for size x size pictures, one output per class; its
    description in lang (the Train page shows it: a German pupil read 'Your own pictures: Apfel, Banane.')."""
    names = check_classes(classes)
    if size not in SIZES:
        raise SpecError("size", msg("is not an offered picture size"), size,
                        msg("choose one of {listing}", listing=", ".join(map(str, SIZES))))
    return {"version": 3, "name": name, "description": msg("Your own pictures: {names}.", names=", ".join(names)).to(lang),
            "task": "classification",
            "data": {"source": "images", "params": {"size": size, "channels": channels},
                     "validation_split": 0.2, "seed": 0},
            "model": {"layers": _cnn(size, len(names))},
            "training": {"optimizer": "adam", "learning_rate": 0.001, "epochs": 15, "batch_size": 16, "seed": 0}}
