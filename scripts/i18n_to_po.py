"""Move LayerLab's German text into gettext catalogues (issue 16.1), reproducibly.

The German used to live in four places; each subcommand reads one of them, as it was in the
source tree, and writes the .po files under src/layerlab/i18n/locale/ (keyed domains also get
an English .pot template). Run it from the repository root on a checkout that still has the old
form (the commits of issue 16.1 show which):

    python scripts/i18n_to_po.py modules     # i18n/de_*.py add("de", {...})   -> de/<topic>.po
    python scripts/i18n_to_po.py ui          # ui modules' add({en}, {de})     -> ui.pot, de/ui.po
    python scripts/i18n_to_po.py examples    # i18n/examples_de.py             -> de/examples.po
    python scripts/i18n_to_po.py attributes  # *_de attributes, description_de -> de/descriptions.po

Each subcommand reads the old form with `ast` (comments above an entry become translator
comments) or, where the strings are computed, by importing the module; it does not edit
Python files. Files are written with fixed dates, so a rerun on the same input gives no diff.
"""
from __future__ import annotations

import ast
import string
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "layerlab"
LOCALE = SRC / "i18n" / "locale"
DATE = datetime(2026, 12, 4, tzinfo=timezone.utc)
Entry = tuple  # (msgctxt or None, msgid, msgstr, [comments], "file:line")


def _flags(msgid: str) -> set[str]:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(msgid) if f is not None]
    except ValueError:
        return set()
    return {"python-brace-format"} if fields else set()


def write(path: Path, entries: list[Entry], lang: str | None, domain: str) -> None:
    """Write a .po (lang given) or a .pot (lang None, msgstr left empty)."""
    cat = Catalog(locale=lang, domain=domain, project="LayerLab", version="1", charset="utf-8",
                  creation_date=DATE, revision_date=DATE, copyright_holder="LayerLab",
                  msgid_bugs_address="", language_team="" if lang else None, fuzzy=False)
    for ctxt, msgid, msgstr, comments, where in entries:
        old = cat.get(msgid, context=ctxt)
        if old is not None and old.string != (msgstr if lang else ""):
            raise SystemExit(f"{where}: {msgid!r} (context {ctxt!r}) already translated differently "
                             f"({old.string!r} vs {msgstr!r}); give one of them a msgctxt")
        cat.add(msgid, msgstr if lang else "", context=ctxt, auto_comments=comments,
                locations=[], flags=_flags(msgid))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        write_po(f, cat, width=100, omit_header=False, sort_output=False, include_lineno=False)
    print(f"{path.relative_to(ROOT)}: {len(cat)} entries")


def _comments_above(lines: list[str], lineno: int) -> list[str]:
    out, i = [], lineno - 2
    while i >= 0 and lines[i].strip().startswith("#"):
        out.insert(0, lines[i].strip().lstrip("#").strip())
        i -= 1
    return out


def _literal_dict(node: ast.Dict, lines: list[str], where: str) -> list[tuple[str, str, list[str], str]]:
    return [(k.value, v.value, _comments_above(lines, k.lineno), f"{where}:{k.lineno}")
            for k, v in zip(node.keys, node.values)]


RENAMED = {"ui": "ui_messages"}  # "studio" is the keyed domain of t(key); de_ui.py held msg() templates


def modules() -> None:
    """i18n/de_<topic>.py: add("de", {english: german}) -> locale/de/LC_MESSAGES/<topic>.po."""
    for f in sorted((SRC / "i18n").glob("de_*.py")):
        text = f.read_text(encoding="utf-8")
        lines, tree = text.splitlines(), ast.parse(text)
        entries: list[Entry] = []
        head = ast.get_docstring(tree) or ""
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "add":
                lang, table = node.args
                assert lang.value == "de" and isinstance(table, ast.Dict), f"{f}: not a literal add('de', {{...}})"
                entries += [(None, en, de, c, w) for en, de, c, w in _literal_dict(table, lines, f.name)]
        if entries and head:
            first = entries[0]
            entries[0] = (*first[:3], [head.splitlines()[0], *first[3]], first[4])
        domain = RENAMED.get(f.stem[3:], f.stem[3:])
        write(LOCALE / "de" / "LC_MESSAGES" / f"{domain}.po", entries, "de", domain)


COMMANDS = {"modules": modules}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    COMMANDS[sys.argv[1]]()
