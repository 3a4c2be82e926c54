"""Every message the core shows people has German, and no error is raised with untranslatable text.

The source is read with `ast`: `msg("...")` calls give the English templates; SpecError (and its
subclasses), Fix and RunFailed-style dicts must get their words from `msg`, not from a literal
or an f-string, or the studio would show English in German mode.
"""
from __future__ import annotations

import ast
import copy
import string
from pathlib import Path

import pytest

from layerlab.i18n import Text, catalog, localize, msg
from layerlab.spec.errors import Fix, SpecError

SRC = Path(__file__).resolve().parents[2] / "src" / "layerlab"
FILES = sorted(SRC.rglob("*.py"))
# where the words are in each constructor: positions and keywords
WORD_ARGS = {"SpecError": ({1, 3}, {"message", "hint"}), "Fix": ({0}, {"description"}),
             "UploadError": ({0, 2}, {"message", "hint"})}
WORDS_IN_RECEIVED = {"SpecError": 2}
# catalogue domains of texts that are not msg() templates (keyed studio strings, examples, descriptions)
NOT_TEMPLATES = {"studio", "examples", "descriptions"}


def _trees():
    return [(f, ast.parse(f.read_text(encoding="utf-8"), str(f))) for f in FILES]


TREES = _trees()


def _spec_error_classes() -> set[str]:
    names = {"SpecError"}
    changed = True
    while changed:
        changed = False
        for _, tree in TREES:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names and any(
                        isinstance(b, ast.Name) and b.id in names for b in node.bases):
                    names.add(node.name)
                    changed = True
    return names


def _callee(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def _msg_calls():
    for f, tree in TREES:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _callee(node) == "msg":
                yield f, node


def _is_words(node: ast.AST) -> bool:
    """A literal or formatted string with letters in it: text a person reads."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(c.isalpha() for c in node.value)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and any(c.isalpha() for c in v.value) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _is_words(node.left) or _is_words(node.right)
    if isinstance(node, ast.IfExp):
        return _is_words(node.body) or _is_words(node.orelse)
    if isinstance(node, ast.BoolOp):  # a or b or "fallback words"
        return any(_is_words(v) for v in node.values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
        return _is_words(node.func.value)
    return False


def _where(f: Path, node: ast.AST) -> str:
    return f"{f.relative_to(SRC)}:{node.lineno}"


def test_every_msg_template_is_a_literal_with_matching_values():
    bad = []
    for f, node in _msg_calls():
        if not node.args or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
            bad.append(f"{_where(f, node)}: msg() needs a literal template (the catalogue key)")
            continue
        if any(k.arg is None for k in node.keywords):
            continue
        need, given = _fields(node.args[0].value), {k.arg for k in node.keywords}
        if need != given:
            bad.append(f"{_where(f, node)}: placeholders {sorted(need)} but values {sorted(given)}")
    assert not bad, "\n".join(bad)


def test_every_template_has_german_with_the_same_placeholders():
    de = catalog("de")
    missing, wrong = [], []
    for f, node in _msg_calls():
        if not node.args or not isinstance(node.args[0], ast.Constant):
            continue
        en = node.args[0].value
        if en not in de:
            missing.append(f"{_where(f, node)}: {en!r}")
        elif _fields(de[en]) != _fields(en):
            wrong.append(f"{_where(f, node)}: {en!r} -> {de[en]!r}")
    assert not missing, "no German for:\n" + "\n".join(sorted(set(missing)))
    assert not wrong, "German with other placeholders:\n" + "\n".join(wrong)


def test_no_stale_catalogue_entries():
    used = {node.args[0].value for _, node in _msg_calls() if node.args and isinstance(node.args[0], ast.Constant)}
    used |= {"{path}: {message}", "Received: {received}", "Fix: {hint}"}
    from babel.messages.pofile import read_po
    from layerlab.i18n.catalogs import po_files
    templates = set()
    for path in po_files("de"):
        if path.stem not in NOT_TEMPLATES:
            with open(path, "rb") as f:
                templates |= {m.id for m in read_po(f) if m.id and not m.context}
    stale = sorted(templates - used)
    assert not stale, "German for messages no code uses any more:\n" + "\n".join(stale)


def test_errors_and_fixes_get_their_words_from_msg():
    classes = _spec_error_classes()
    bad = []
    for f, tree in TREES:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _callee(node)
            if name not in classes and name not in WORD_ARGS:
                continue
            positions, keywords = WORD_ARGS.get(name, WORD_ARGS["SpecError"])
            args = [a for i, a in enumerate(node.args) if i in positions]
            args += [k.value for k in node.keywords if k.arg in keywords]
            if name in classes and len(node.args) > WORDS_IN_RECEIVED["SpecError"] and name != "UploadError":
                args.append(node.args[WORDS_IN_RECEIVED["SpecError"]])
            bad += [f"{_where(f, a)}: {name}(...) with untranslatable words" for a in args if _is_words(a)]
    assert not bad, "use msg(...) for these (see layerlab/i18n):\n" + "\n".join(bad)


def test_run_failure_texts_come_from_msg():
    bad = []
    for f, tree in TREES:
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                for k, v in zip(node.keys, node.values):
                    if isinstance(k, ast.Constant) and k.value in ("message", "hint") and _is_words(v):
                        bad.append(_where(f, v))
            if isinstance(node, ast.Call) and _callee(node) == "RunFailed":
                bad += [_where(f, k.value) for k in node.keywords if k.arg in ("message", "hint") and _is_words(k.value)]
    assert not bad, "use msg(...) for these:\n" + "\n".join(bad)


def test_a_spec_error_reads_english_and_shows_german():
    e = SpecError("model.layers[0].units", msg("must be at least {low}", low=1), 0,
                  msg("use a whole number of {low} or more, e.g. {example}", low=1, example=32),
                  [Fix(msg("use {value!r}", value=1), [])])
    assert str(e) == ("model.layers[0].units: must be at least 1. Received: 0. "
                      "Fix: use a whole number of 1 or more, e.g. 32")
    de = e.localized("de")
    assert de.startswith("model.layers[0].units: muss mindestens 1 sein. Erhalten: 0. Lösung: ")
    assert "32" in de and "whole number" not in de
    assert e.to_dict("de")["fixes"][0]["description"] != e.to_dict()["fixes"][0]["description"]
    assert localize(e, "de") == de


def test_text_survives_copy_and_json_round_trip():
    m = msg("did you mean {close!r}? Valid values: {listing}", close="adam", listing="adam, sgd")
    back = copy.deepcopy(m)  # dataclasses.asdict deep-copies event fields
    assert back == m and back.to("de") == m.to("de") != str(m)
    assert Text.from_dict(m.to_dict()).to("de") == m.to("de")


def test_params_errors_are_german_in_german():
    from layerlab.spec.params import Param
    with pytest.raises(SpecError) as info:
        Param("units", "int", 32, "Number of neurons.", min=1).coerce(0, "model.layers[0].units")
    assert "mindestens" in info.value.localized("de")


def test_no_template_is_translated_twice_differently():
    from layerlab.i18n import catalogs
    assert not catalogs.conflicts("de")
