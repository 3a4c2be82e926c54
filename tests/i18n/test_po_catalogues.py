"""The gettext catalogues under src/layerlab/i18n/locale are well-formed and complete (issue 16.1).

Every .po and .pot parses with Babel; no entry is fuzzy or untranslated; a translation keeps the
placeholders of its English ({name}, {n:.2f}, {close!r}); a language is found by its folder alone;
no German is left in the Python source.
"""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from layerlab.i18n import catalogs

LOCALE = catalogs.LOCALE
PO_FILES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
POT_FILES = sorted(LOCALE.glob("*.pot"))


def _fields(text: str) -> list[tuple[str, str, str | None]]:
    return sorted((name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text) if name is not None)


def _read(path: Path):
    with open(path, "rb") as f:
        return read_po(f, abort_invalid=True)


def test_there_are_german_catalogues():
    assert "de" in catalogs.languages() and len(PO_FILES) >= 10


@pytest.mark.parametrize("path", PO_FILES + POT_FILES, ids=lambda p: str(p.relative_to(LOCALE)))
def test_catalogue_parses_and_every_entry_is_complete(path: Path):
    cat = _read(path)
    assert len(cat) > 0
    bad = []
    for m in cat:
        if not m.id:
            continue
        where = f"{path.name}: {m.id!r}" + (f" (msgctxt {m.context!r})" if m.context else "")
        if m.fuzzy:
            bad.append(f"{where} is fuzzy")
        if path.suffix == ".pot":
            if m.string:
                bad.append(f"{where} has a translation in the template")
            continue
        if not m.string:
            bad.append(f"{where} has no translation")
        elif _fields(m.id) != _fields(m.string):
            bad.append(f"{where} -> {m.string!r}: other placeholders")
    assert not bad, "\n".join(bad)


def test_keyed_catalogues_match_their_template():
    for pot in POT_FILES:
        keys = set(catalogs.source(pot.stem))
        for lang in catalogs.languages()[1:]:
            po = LOCALE / lang / "LC_MESSAGES" / f"{pot.stem}.po"
            have = {m.context: m.id for m in _read(po) if m.id} if po.is_file() else {}
            assert set(have) == keys, f"{po}: keys differ from {pot.name}: {sorted(set(have) ^ keys)[:10]}"
            english = catalogs.source(pot.stem)
            changed = [k for k in keys if have[k] != english[k]]
            assert not changed, f"{po}: English differs from {pot.name} for {changed[:10]}"


def test_a_language_is_a_folder_of_files(tmp_path, monkeypatch):
    (tmp_path / "fr" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "fr" / "LC_MESSAGES" / "core.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "use e.g. {example}"\nmsgstr "utilise p. ex. {example}"\n', encoding="utf-8")
    monkeypatch.setattr(catalogs, "LOCALE", tmp_path)
    catalogs.table.cache_clear()
    try:
        assert catalogs.languages() == ("en", "fr")
        assert catalogs.translation("use e.g. {example}", "fr") == "utilise p. ex. {example}"
        assert catalogs.translation("use {value!r}", "fr") is None
    finally:
        catalogs.table.cache_clear()


SUSPECT = re.compile(r"_de\b|_DE\b|\bGERMAN\b|import [^\n]*\badd\b|(?<![.\w])add\(")


def _german_outside_catalogues(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
                found += [(stmt.lineno, f"class attribute {t.id}") for t in targets
                          if isinstance(t, ast.Name) and t.id.endswith("_de")]
        elif isinstance(node, ast.keyword) and node.arg and node.arg.endswith("_de"):
            found.append((node.value.lineno, f"keyword {node.arg}="))
        elif isinstance(node, ast.Attribute) and node.attr.endswith("_de"):
            found.append((node.lineno, f"attribute .{node.attr}"))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            found += [(node.lineno, f"table {t.id}") for t in node.targets
                      if isinstance(t, ast.Name) and (t.id.endswith("_DE") or t.id in ("GERMAN", "TEXTS_DE"))]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").endswith("i18n") and \
                any(a.name == "add" for a in node.names):
            found.append((node.lineno, "imports add() from i18n (write .po entries instead)"))
    return found


def test_no_german_left_in_python():
    """German lives in the catalogues only: no de_*.py tables, *_de attributes or add({en}, {de}) calls."""
    src = Path(catalogs.__file__).resolve().parents[1]
    bad = [f"{p.relative_to(src)}: a German table module" for p in src.rglob("*.py")
           if p.stem.startswith("de_") or p.stem.endswith("_de")]
    for p in sorted(src.rglob("*.py")):
        text = p.read_text(encoding="utf-8")
        if not SUSPECT.search(text):
            continue  # nothing the walk could find: skip the parse
        tree = ast.parse(text, str(p))
        bad += [f"{p.relative_to(src)}:{line}: {what}" for line, what in _german_outside_catalogues(tree)]
    assert not bad, "move these into i18n/locale/*/LC_MESSAGES/*.po (scripts/i18n_to_po.py):\n" + "\n".join(bad)
