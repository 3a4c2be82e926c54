"""Plain labels, in English and German, for the parameters that layers, data sources and
augmentations declare (their help is each Param's description, translated by the catalogues).

The English label is the parameter's name as written in project.json (with spaces), so what a
pupil sees on the form is what a teacher types in the file; the German one says what it means.
The labels are the entries `param.<name>` of the studio catalogue (i18n/locale/studio.pot and
<lang>/LC_MESSAGES/studio.po). A parameter without an entry falls back to its name.

>>> label("kernel_size", "de"), label("kernel_size", "en"), label("no_such_thing", "de")
('Filtergröße', 'kernel size', 'no such thing')
"""
from __future__ import annotations

from ..i18n import known, lookup


def has_label(name: str) -> bool:
    """Whether the catalogues name this parameter (or augmentation)."""
    return known(f"param.{name}")


def label(name: str, lang: str) -> str:
    """The label of a parameter (or augmentation) in lang; its name with spaces when unknown."""
    return lookup(f"param.{name}", lang) or name.replace("_", " ")
