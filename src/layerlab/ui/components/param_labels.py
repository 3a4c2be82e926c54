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


def label(name: str, lang: str, owner: str | None = None) -> str:
    """The label of a parameter (or augmentation) in lang; its name with spaces when unknown. An owner (a data
    source, a layer kind) with its own words for the name has them as `param.<owner>.<name>`: the modular
    arithmetic's p is a modulus, a dropout's p a probability.

    >>> label("p", "de"), label("p", "de", owner="modular_arithmetic"), label("p", "en", owner="modular_arithmetic")
    ('Wahrscheinlichkeit p', 'Modul p', 'p')
    """
    if owner and known(f"param.{owner}.{name}"):
        return lookup(f"param.{owner}.{name}", lang) or name
    return lookup(f"param.{name}", lang) or name.replace("_", " ")


def choice(name: str, value: object, lang: str) -> str:
    """The words for one value of a choice parameter (an option of a select) in lang.

    The English is the value as written in project.json (what a teacher types in the file); German
    says what it means. The entries are `choice.<param>.<value>` (this parameter's own words) or
    `choice.<value>` (a value several parameters share, e.g. an activation or 'auto'); a value without
    an entry is shown as it is.

    >>> choice("fit", "pad", "de"), choice("fit", "pad", "en"), choice("activation", "relu", "de")
    ('auffüllen (Seitenverhältnis behalten)', 'pad', 'ReLU')
    >>> choice("channels", 1, "de"), choice("no_such_param", "x", "de")
    ('1 (Graustufen)', 'x')
    """
    for key in (f"choice.{name}.{value}", f"choice.{value}"):
        if known(key):
            return lookup(key, lang) or str(value)
    return str(value)
