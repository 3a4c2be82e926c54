"""Move LayerLab's German text into gettext catalogues (issue 16.1), reproducibly.

The German used to live in four places; each subcommand reads one of them, as it was in the
source tree, and writes the .po files under src/layerlab/i18n/locale/ (keyed domains also get
an English .pot template). Run it from the repository root on a checkout that still has the old
form (the commits of issue 16.1 show which):

    python scripts/i18n_to_po.py modules     # i18n/de_*.py add("de", {...})   -> de/<topic>.po
    python scripts/i18n_to_po.py ui [--rewrite]  # ui modules' add({en}, {de}) -> studio.pot, de/studio.po
    python scripts/i18n_to_po.py examples    # i18n/examples_de.py             -> de/examples.po
    python scripts/i18n_to_po.py attributes [--rewrite] [layerlab/data/]  # *_de attributes -> de/descriptions.po
    python scripts/i18n_to_po.py tables      # METRICS_DE (charts), _LABELS (CLI), TEX_WORDS_DE (maths panel)

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
    for ctxt, msgid, msgstr, comments, where, *places in entries:
        old = cat.get(msgid, context=ctxt)
        if old is not None and old.string != (msgstr if lang else ""):
            raise SystemExit(f"{where}: {msgid!r} (context {ctxt!r}) already translated differently "
                             f"({old.string!r} vs {msgstr!r}); give one of them a msgctxt")
        cat.add(msgid, msgstr if lang else "", context=ctxt, auto_comments=comments,
                locations=[(p, None) for p in places], flags=_flags(msgid))
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


def _import_names_without(node: ast.ImportFrom, drop: str) -> str | None:
    names = [a for a in node.names if a.name != drop]
    if not names:
        return None
    words = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in names)
    return f"from {'.' * node.level}{node.module or ''} import {words}"


def _is_ui_i18n(node: ast.AST) -> bool:
    return isinstance(node, ast.ImportFrom) and (
        (node.module == "i18n" and node.level >= 1) or node.module == "layerlab.ui.i18n")


def ui_add_calls(text: str) -> list[ast.Call]:
    """The module-level add({en}, {de}) statements of a ui module, as ast nodes (statement, call)."""
    return [s for s in ast.parse(text).body
            if isinstance(s, ast.Expr) and isinstance(s.value, ast.Call) and getattr(s.value.func, "id", None) == "add"]


def remove_ui_adds(text: str, keys: set[str]) -> str:
    """text without its add({en}, {de}) statements whose keys are all in keys (comments above them go
    too: they are translator comments now), and without `add` in the import from ui.i18n."""
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    cut: list[tuple[int, int, str | None]] = []
    removed = 0
    for stmt in ui_add_calls(text):
        call = stmt.value
        if not all(isinstance(a, ast.Dict) and all(isinstance(k, ast.Constant) for k in a.keys) for a in call.args):
            continue  # computed tables are moved by hand
        if not {k.value for k in call.args[0].keys} <= keys:
            continue  # strings not in the catalogue (yet): leave them to the add() bridge
        start = stmt.lineno
        while start > 1 and lines[start - 2].lstrip().startswith("#"):
            start -= 1
        cut.append((start, stmt.end_lineno, None))
        removed += 1
    still_used = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "add"
                  and not any(c[0] <= n.lineno <= c[1] for c in cut)]
    if removed and not still_used:
        for node in tree.body:
            if _is_ui_i18n(node) and any(a.name == "add" for a in node.names):
                cut.append((node.lineno, node.end_lineno, _import_names_without(node, "add")))
    for start, end, new in sorted(cut, reverse=True):
        lines[start - 1:end] = [new + "\n"] if new else []
    out = "".join(lines)
    while "\n\n\n\n" in out:
        out = out.replace("\n\n\n\n", "\n\n\n")
    return out


def _dict_comments(text: str) -> dict[str, list[str]]:
    """Comments written above each key of the literal add() tables of a module (en and de side)."""
    lines, out = text.splitlines(), {}
    for stmt in ui_add_calls(text):
        above = _comments_above(lines, stmt.lineno)
        for arg in stmt.value.args:
            if isinstance(arg, ast.Dict):
                for i, k in enumerate(arg.keys):
                    if isinstance(k, ast.Constant):
                        c = (above if i == 0 and arg is stmt.value.args[0] else []) + _comments_above(lines, k.lineno)
                        out.setdefault(k.value, [])
                        out[k.value] += [x for x in c if x not in out[k.value]]
    return out


def ui() -> None:
    """The studio's add({key: en}, {key: de}) tables -> locale/studio.pot (msgctxt key, msgid English)
    and locale/de/LC_MESSAGES/studio.po; then the add() statements leave the ui modules."""
    import importlib
    import pkgutil
    sys.path.insert(0, str(ROOT / "src"))
    import layerlab.ui
    import layerlab.ui.i18n as studio
    calls: list[tuple[str, dict, dict]] = []
    real = studio.add

    def spy(en: dict, de: dict) -> None:
        calls.append((sys._getframe(1).f_code.co_filename, dict(en), dict(de)))
        real(en, de)

    studio.add = spy
    for info in pkgutil.walk_packages(layerlab.ui.__path__, "layerlab.ui."):
        importlib.import_module(info.name)
    en_all, de_all = studio.STRINGS["en"], studio.STRINGS["de"]
    seen: dict[str, str] = {}
    pot: list[Entry] = []
    po: list[Entry] = []
    comments: dict[str, dict[str, list[str]]] = {}
    for filename, en, de in sorted(calls, key=lambda c: c[0]):
        rel = str(Path(filename).relative_to(SRC.parent))
        if rel not in comments:
            comments[rel] = _dict_comments(Path(filename).read_text(encoding="utf-8"))
        for key in en:
            if key in seen:
                if seen[key] != rel or (en[key], de[key]) != (en_all[key], de_all[key]):
                    print(f"note: {key!r} is added twice ({seen[key]}, {rel}); the catalogue keeps the last")
                continue
            seen[key] = rel
            if not en_all[key] or not de_all[key]:
                raise SystemExit(f"{rel}: {key!r} has an empty text")
            c = comments[rel].get(key, [])
            pot.append((key, en_all[key], "", c, rel, rel))
            po.append((key, en_all[key], de_all[key], c, rel, rel))
    write(LOCALE / "studio.pot", pot, None, "studio")
    write(LOCALE / "de" / "LC_MESSAGES" / "studio.po", po, "de", "studio")
    if "--rewrite" in sys.argv:
        for rel in sorted({str(Path(f).relative_to(SRC.parent)) for f, _, _ in calls}):
            path = SRC.parent / rel
            text = path.read_text(encoding="utf-8")
            new = remove_ui_adds(text, set(seen))
            if new != text:
                path.write_text(new, encoding="utf-8")
                print(f"rewrote {rel}")


def _module_dict(path: Path, name: str):
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f"{path}: no {name} = {{...}}")


def examples() -> None:
    """i18n/examples_de.py (German description per example name) and EXAMPLE_TITLES_DE of the home
    page -> locale/de/LC_MESSAGES/examples.po, keyed by the English of the example file / title."""
    import json
    described = _module_dict(SRC / "i18n" / "examples_de.py", "EXAMPLES_DE")
    titles = _module_dict(SRC / "ui" / "pages" / "home.py", "EXAMPLE_TITLES_DE")
    entries: list[Entry] = []
    for name, de in described.items():
        rel = f"layerlab/examples/{name}.json"
        english = json.loads((SRC.parent / rel).read_text(encoding="utf-8"))["description"]
        entries.append((None, english, de, [f"description of the example {name!r}"], rel, rel))
    for name, de in titles.items():
        english = "XOR" if name == "xor" else name.replace("_", " ").title()  # ui/pages/home.py example_title
        entries.append(("example title", english, de, [f"title of the example {name!r}"], name,
                        "layerlab/ui/pages/home.py"))
    write(LOCALE / "de" / "LC_MESSAGES" / "examples.po", entries, "de", "examples")


GERMAN_NAMES = {"summary_de", "explain_de", "title_de", "description_de"}
# positional German arguments: callee name -> argument indexes (0-based) that held German
GERMAN_POSITIONS = {"View": (2, 4), "Augmentation": (4,), "Entry": (2,), "_a": (5,), "_p": (4,), "_rate": (2,)}


def german_pairs(include: str) -> list[Entry]:
    """(English, German) of every declared *_de attribute whose module starts with include, read by
    walking the registries: layer kinds, data sources, augmentations, Inspect views, the training
    catalogue, activations, and the Params of all of them."""
    import inspect
    sys.path.insert(0, str(ROOT / "src"))
    from layerlab.data import load_all as sources
    from layerlab.data.augment import AUGMENTATIONS
    from layerlab.inspect.views import VIEWS
    from layerlab.layers import load_all as kinds
    from layerlab.spec import catalog
    found: list[tuple[str, str, str]] = []  # English, German, module file

    def where(obj) -> str:
        mod = sys.modules[obj.__module__ if isinstance(obj, type) else type(obj).__module__]
        try:
            path = Path(inspect.getsourcefile(obj if isinstance(obj, type) else mod))
        except TypeError:
            path = Path(mod.__file__)
        return str(path.resolve().relative_to(SRC.parent))

    def take(en: str, de: str, rel: str) -> None:
        if de and en:
            found.append((en, de, rel))

    def params(ps, rel: str) -> None:
        for p in ps:
            take(p.description, getattr(p, "description_de", ""), rel)

    for cls in list(kinds().values()) + [type(s) for s in sources().values()]:
        rel = where(cls)
        for attr in ("summary", "explain"):
            take(getattr(cls, attr, ""), getattr(cls, attr + "_de", ""), rel)
        params(cls.params, rel)
    from layerlab.data.preprocess import PARAMS as preprocessing
    params(preprocessing, "layerlab/data/preprocess.py")
    for a in AUGMENTATIONS.values():
        take(a.summary, getattr(a, "summary_de", ""), "layerlab/data/augment.py")
        params(a.params, "layerlab/data/augment.py")
    for v in VIEWS.values():
        for attr in ("title", "summary"):
            take(getattr(v, attr), getattr(v, attr + "_de", ""), "layerlab/inspect/views.py")
    for table in (catalog.OPTIMIZERS, catalog.LOSSES, catalog.METRICS, catalog.SCHEDULES):
        for e in table.values():
            take(e.description, getattr(e, "description_de", ""), "layerlab/spec/catalog.py")
    try:
        from layerlab.layers.activations import ACTIVATIONS
        for a in ACTIVATIONS.values():
            take(a.explain, getattr(a, "explain_de", ""), "layerlab/layers/activations.py")
    except ImportError:
        pass
    out: dict[str, tuple[str, list[str]]] = {}
    for en, de, rel in found:
        if not rel.startswith(include):
            continue
        if en in out and out[en][0] != de:
            raise SystemExit(f"{rel}: {en!r} has two German texts: {out[en][0]!r} and {de!r}")
        out.setdefault(en, (de, []))
        if rel not in out[en][1]:
            out[en][1].append(rel)
    return [(None, en, de, [], rels[0], *rels) for en, (de, rels) in out.items()]


def strip_german(text: str) -> str:
    """text without its *_de class attributes and dataclass fields, *_de= keywords and the German
    positional arguments of GERMAN_POSITIONS calls (ast finds them; the spans are cut from the text)."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def off(lineno: int, col: int) -> int:  # ast columns are utf-8 byte offsets
        return starts[lineno - 1] + len(lines[lineno - 1].encode("utf-8")[:col].decode("utf-8"))

    cuts: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
                if targets and all(isinstance(t, ast.Name) and t.id in GERMAN_NAMES for t in targets):
                    a = starts[stmt.lineno - 1]
                    b = starts[stmt.end_lineno]
                    cuts.append((a, b))
        if isinstance(node, ast.Call):
            items = sorted([*node.args, *node.keywords], key=lambda n: (n.lineno, n.col_offset))
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            drop = [k for k in node.keywords if k.arg in GERMAN_NAMES]
            drop += [node.args[i] for i in GERMAN_POSITIONS.get(name, ()) if i < len(node.args)]
            for d in drop:
                i = items.index(d)
                if i == 0:
                    raise SystemExit(f"line {d.lineno}: a German argument comes first; move it by hand")
                prev = items[i - 1]
                if prev.end_lineno < d.lineno and i + 1 < len(items) and items[i + 1] not in drop:
                    nxt = items[i + 1]  # it opens a line: cut up to the next argument, the layout stays
                    cuts.append((off(d.lineno, d.col_offset), off(nxt.lineno, nxt.col_offset)))
                else:  # cut from the end of the argument before it
                    cuts.append((off(prev.end_lineno, prev.end_col_offset), off(d.end_lineno, d.end_col_offset)))
    for a, b in sorted(set(cuts), reverse=True):
        text = text[:a] + text[b:]
    return text


def attributes() -> None:
    """*_de attributes, Param(description_de=...) and German positional fields -> descriptions.po
    (merged with what an earlier run moved), keyed by the English; with --rewrite the German leaves
    the Python files of the modules under the given prefix (default: every module)."""
    from babel.messages.pofile import read_po
    include = next((a for a in sys.argv[2:] if not a.startswith("--")), "layerlab/")
    path = LOCALE / "de" / "LC_MESSAGES" / "descriptions.po"
    entries: list[Entry] = []
    if path.is_file():
        with open(path, "rb") as f:
            entries = [(m.context, m.id, m.string, list(m.auto_comments), "descriptions.po", *[p for p, _ in m.locations])
                       for m in read_po(f) if m.id]
    have = {e[1]: i for i, e in enumerate(entries)}
    for e in german_pairs(include):
        if e[1] in have and entries[have[e[1]]][2] != e[2]:
            raise SystemExit(f"{e[4]}: {e[1]!r} already has {entries[have[e[1]]][2]!r}, not {e[2]!r}")
        if e[1] not in have:
            have[e[1]] = len(entries)
            entries.append(e)
    write(path, entries, "de", "descriptions")
    if "--rewrite" in sys.argv:
        for file in sorted({p for e in entries for p in e[5:] if p.startswith(include)}):
            f = SRC.parent / file
            old = f.read_text(encoding="utf-8")
            new = strip_german(old)
            if new != old:
                f.write_text(new, encoding="utf-8")
                print(f"rewrote {file}")


def _read_entries(path: Path) -> list[Entry]:
    from babel.messages.pofile import read_po
    if not path.is_file():
        return []
    with open(path, "rb") as f:
        return [(m.context, m.id, m.string, list(m.auto_comments), path.name, *[p for p, _ in m.locations])
                for m in read_po(f) if m.id]


def _append(path: Path, new: list[Entry], lang: str | None, domain: str) -> None:
    entries = _read_entries(path)
    have = {(e[0], e[1]) for e in entries}
    write(path, entries + [e for e in new if (e[0], e[1]) not in have], lang, domain)


def tables() -> None:
    """The last German tables: the chart legend's METRICS_DE (-> studio.pot/.po, keys metric.<name>,
    English: the name itself), the CLI's _LABELS (-> cli.pot/.po, keys layers.<word>) and the formula
    words TEX_WORDS_DE (-> descriptions.po, msgctxt 'formula'); entries already there are kept."""
    charts = "layerlab/ui/components/charts.py"
    metrics = _module_dict(SRC.parent / charts, "METRICS_DE")
    _append(LOCALE / "studio.pot", [(f"metric.{k}", k, "", ["a metric's name in the chart legend"], charts, charts)
                                    for k in metrics], None, "studio")
    _append(LOCALE / "de" / "LC_MESSAGES" / "studio.po",
            [(f"metric.{k}", k, v, ["a metric's name in the chart legend"], charts, charts) for k, v in metrics.items()],
            "de", "studio")
    cli = "layerlab/cli/project_cmds.py"
    labels = _module_dict(SRC.parent / cli, "_LABELS")
    words = [(f"layers.{k}", en, labels["de"][k]) for k, en in labels["en"].items()]
    words.append(("activations.meaning", "meaning", "Bedeutung"))  # the activations table's third column
    note = ["a word of `layerlab layers` / `layerlab activations` output"]
    _append(LOCALE / "cli.pot", [(k, en, "", note, cli, cli) for k, en, _ in words], None, "cli")
    _append(LOCALE / "de" / "LC_MESSAGES" / "cli.po", [(k, en, de, note, cli, cli) for k, en, de in words], "de", "cli")
    math = "layerlab/ui/components/mathview.py"
    words = _module_dict(SRC.parent / math, "TEX_WORDS_DE")
    _append(LOCALE / "de" / "LC_MESSAGES" / "descriptions.po",
            [("formula", en, de, ["a word inside \\text{...} of a layer's formula"], math, math) for en, de in words],
            "de", "descriptions")


COMMANDS = {"modules": modules, "ui": ui, "examples": examples, "attributes": attributes, "tables": tables}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    COMMANDS[sys.argv[1]]()
