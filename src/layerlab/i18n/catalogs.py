"""Message catalogues: gettext .po files per language, read with Babel at first use.

    locale/<domain>.pot                        English source strings of keyed domains (ui)
    locale/<lang>/LC_MESSAGES/<domain>.po      the translations of one language, one file per topic

A plug-in package ships its own translations the same way: a `locale/` folder next to the module
its `layerlab.locales` entry point names (e.g. `fakeplug = fakeplug_cube`).

An entry without msgctxt translates an English text (a `msg()` template, a layer's summary);
an entry with msgctxt is a keyed string (the studio's `t(key)`: msgctxt is the key, msgid its
English) or the same English that needs another translation in another place. A language is a
folder under locale/: adding one is adding files, no code. Files are read once per process.

>>> translation("must be at least {low}", "de")
'muss mindestens {low} sein'
"""
from __future__ import annotations

import logging
from functools import cache
from importlib.util import find_spec
from importlib.metadata import entry_points
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LOCALE = Path(__file__).with_name("locale")
SOURCE_LANG = "en"
Key = tuple[str | None, str]  # (msgctxt, msgid)
_CONFLICTS: dict[str, list[str]] = {}
GROUP = "layerlab.locales"
log = logging.getLogger(__name__)


@cache
def plugin_dirs() -> tuple[Path, ...]:
    """locale/ folders of plug-in packages (entry point group layerlab.locales: a module name)."""
    out = []
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:  # where the plug-in's module is, without importing it (this runs while layerlab.i18n loads)
            spec = find_spec(ep.value.split(":")[0])
            folder = Path(spec.origin).parent / "locale"
        except Exception as e:  # a broken plug-in must not take the studio's own translations down
            log.warning("layerlab.locales entry point %r (%s) failed to load: %s", ep.name, ep.value, e)
            continue
        if folder.is_dir():
            out.append(folder)
        else:
            log.warning("layerlab.locales entry point %r (%s): no locale/ folder next to its module", ep.name, ep.value)
    return tuple(out)


def languages() -> tuple[str, ...]:
    """The source language, then every language with a folder of catalogues."""
    found = sorted({p.name for root in (LOCALE, *plugin_dirs()) if root.is_dir()
                    for p in root.iterdir() if (p / "LC_MESSAGES").is_dir()})
    return (SOURCE_LANG, *[lang for lang in found if lang != SOURCE_LANG])


def po_files(lang: str) -> list[Path]:
    """The .po files of one language, by domain name (LayerLab's own, then those of plug-ins)."""
    return [p for root in (LOCALE, *plugin_dirs()) for p in sorted((root / lang / "LC_MESSAGES").glob("*.po"))]


@cache
def read(path: Path) -> Catalog:
    """One .po/.pot file, parsed by Babel."""
    with open(path, "rb") as f:
        return read_po(f, abort_invalid=True)


def _entries(catalog: Catalog):
    for m in catalog:
        if m.id and isinstance(m.id, str):
            yield (m.context, m.id), m


@cache
def table(lang: str) -> dict[Key, str]:
    """Every translation of lang, all domains together ((msgctxt, msgid) -> msgstr); fuzzy or empty ones left out."""
    out: dict[Key, str] = {}
    for path in po_files(lang):
        for key, m in _entries(read(path)):
            if m.string and not m.fuzzy:
                if out.get(key, m.string) != m.string:
                    _CONFLICTS.setdefault(lang, []).append(f"{path.name}: {key}")
                out[key] = m.string
    return out


def conflicts(lang: str) -> list[str]:
    """(msgctxt, msgid) pairs that two domains of lang translate differently (tests/i18n fails on any)."""
    table(lang)
    return list(_CONFLICTS.get(lang, []))


@cache
def source(domain: str) -> dict[str, str]:
    """English of a keyed domain: msgctxt -> msgid of locale/<domain>.pot."""
    path = LOCALE / f"{domain}.pot"
    return {m.context: m.id for key, m in _entries(read(path)) if m.context} if path.is_file() else {}


def translation(text: str, lang: str, context: str | None = None) -> str | None:
    """text (English) in lang, or None when the catalogues have none."""
    if lang == SOURCE_LANG:
        return text
    return table(lang).get((context, text))
