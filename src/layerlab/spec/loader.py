"""Strict JSON for project documents and request bodies: every entry point reads JSON through here.

Python's json module accepts NaN, Infinity and -Infinity (no JSON has them), turns 1e400 into
infinity, and recurses once per nesting level (100,000 brackets end in a RecursionError). A
project holding such values saves fine and then breaks every later step, so they are refused
where the text is read, with the spec path of the value:

>>> loads('{"model": {"layers": [{"type": "dense", "units": NaN}]}}')
Traceback (most recent call last):
  ...
layerlab.spec.errors.SpecError: model.layers[0].units: is not a finite number (JSON has no NaN or Infinity). Received: 'NaN'. Fix: write an ordinary number such as 0.5, or remove the setting to use its default
>>> loads(b'{"lr": 1e400}')
Traceback (most recent call last):
  ...
layerlab.spec.errors.SpecError: lr: is a number too large to store. Received: '1e400'. Fix: write a number between -1e308 and 1e308; settings need far smaller ones
>>> loads('[' * 101 + ']' * 101)
Traceback (most recent call last):
  ...
layerlab.spec.errors.SpecError: the JSON nests more than 100 levels deep. Received: 101 levels. Fix: a project needs about 10 levels; nest residual blocks less deeply

Syntax errors stay `json.JSONDecodeError` (callers point at the line); everything else is a SpecError.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from ..i18n import Text, msg
from .errors import SpecError
from .paths import join

MAX_DEPTH = 100  # a project with residual blocks nested 8 deep uses about 20 levels
MAX_INT = 2 ** 63 - 1  # what torch and every exporter can hold


class _Bad:
    """A number the document may not hold, kept in place until its path is known."""

    __slots__ = ("literal", "kind")

    def __init__(self, literal: str, kind: str):
        self.literal, self.kind = literal, kind


def _hooks(found: list[_Bad]) -> dict[str, Any]:
    """json.loads hooks that keep refused numbers as _Bad (and note that there are some)."""
    def bad(literal: str, kind: str) -> _Bad:
        found.append(_Bad(literal if len(literal) <= 40 else literal[:37] + "...", kind))
        return found[-1]

    def number(text: str) -> float | _Bad:
        x = float(text)
        return x if math.isfinite(x) else bad(text, "range")

    def integer(text: str) -> int | _Bad:
        # int() of thousands of digits is slow and then refused by Python: check the length first
        if len(text.lstrip("-")) > 19 or abs(int(text)) > MAX_INT:
            return bad(text, "int")
        return int(text)
    return {"parse_float": number, "parse_int": integer, "parse_constant": lambda text: bad(text, "nan")}


def survey(doc: Any) -> tuple[int, bool]:
    """(how deeply doc nests, whether every number is finite and fits int64); stops past MAX_DEPTH.

    Level by level over the containers: one pass over the values, no recursion.

    >>> survey({"a": [1, {"b": "[[["}]}), survey(5), survey([1.5, [float("inf")]])
    ((3, True), (0, True), (2, False))
    """
    depth, fine, level = 0, _fine(doc), [doc] if isinstance(doc, (dict, list)) else []
    while level and depth <= MAX_DEPTH:
        depth += 1
        below: list[Any] = []
        for node in level:
            for v in node.values() if isinstance(node, dict) else node:
                if isinstance(v, (dict, list)):
                    below.append(v)
                elif fine and not _fine(v):
                    fine = False
        level = below
    return depth, fine


def _fine(v: Any) -> bool:
    kind = type(v)
    return (kind is not float or math.isfinite(v)) and (kind is not int or -MAX_INT - 1 <= v <= MAX_INT)


def _utf16(data: bytes) -> bool:
    """A UTF-16 BOM, or text whose every other byte is zero (UTF-16 without a BOM)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    head = data[:32]
    even, odd = head[0::2], head[1::2]
    return len(head) >= 4 and (not any(odd) and all(even) or not any(even) and all(odd))


def decode(data: bytes, source: str | None = None) -> str:
    """UTF-8 text of data (a BOM is allowed); a SpecError naming the encoding otherwise."""
    source = source or msg("the JSON")
    if _utf16(data):
        raise SpecError("", msg("{source} is saved as UTF-16, not UTF-8", source=source), repr(data[:12]),
                        msg("save it again as UTF-8 (in most editors: Save as, then Encoding: UTF-8)"))
    if b"\x00" in data:
        raise SpecError("", msg("{source} is not a text file (it holds binary data)", source=source),
                        msg("{n} bytes", n=len(data)),
                        msg("restore it from a backup, or remove it if it is not yours"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise SpecError("", msg("{source} is not UTF-8 text (byte {pos} cannot be read)", source=source,
                                pos=e.start), repr(data[max(e.start - 10, 0):e.start + 10]),
                        msg("save it again as UTF-8 (in most editors: Save as, then Encoding: UTF-8)")) from None


def loads(data: str | bytes, source: str | None = None, prefix: str = "") -> Any:
    """Parse JSON strictly: finite numbers within range, at most MAX_DEPTH levels, UTF-8 text.

    prefix is put before the spec path of a refused value (e.g. 'doc' for a request body)."""
    text = decode(bytes(data), source) if isinstance(data, (bytes, bytearray)) else data
    found: list[_Bad] = []
    hooks = _hooks(found)
    try:  # C parses the numbers; only NaN/Infinity literals come through a hook
        doc = json.loads(text, parse_constant=hooks["parse_constant"])
        depth, fine = survey(doc)
    except json.JSONDecodeError:
        raise
    except RecursionError:  # Python's parser recurses per level and stops near 1,000
        raise _too_deep(None, source) from None
    except ValueError:  # an integer of thousands of digits: Python refuses to convert it
        depth, fine = 0, False
    if depth > MAX_DEPTH:
        raise _too_deep(depth, source)
    if found or not fine:  # parse again with every number checked, to name the first bad one as written
        try:
            checked = json.loads(text, **hooks)
        except RecursionError:
            raise _too_deep(None, source) from None
        check_values(checked, prefix)
    return doc


def read_document(file: str | Path) -> dict[str, Any]:
    """A project.json as a dict, or a SpecError that says what is wrong with the file and how to repair it."""
    file = Path(file)
    try:
        text = decode(file.read_bytes(), file.name)
    except IsADirectoryError:
        raise SpecError("", msg("{file} is a folder, not a file", file=file.name), str(file),
                        msg("remove the folder or put a project.json file in its place")) from None
    try:
        doc = loads(text, file.name)
    except json.JSONDecodeError as e:
        lines = text.splitlines()
        line = lines[e.lineno - 1].strip() if 0 < e.lineno <= len(lines) else text[-40:]  # what the user typed
        raise SpecError("", msg("{file} is not valid JSON (line {line}, column {column}: {reason})", file=file.name,
                                line=e.lineno, column=e.colno, reason=json_reason(e.msg)),
                        line[:120], msg("fix the JSON syntax, e.g. a missing comma or quote")) from None
    if not isinstance(doc, dict):
        raise SpecError("", msg("a project must be a JSON object"), type(doc).__name__,
                        msg('start with {{"name": ...}}'))
    return doc


def check_values(doc: Any, prefix: str = "") -> None:
    """Refuse NaN, infinities, out-of-range numbers and nesting beyond MAX_DEPTH in a parsed document.

    Walks with a stack, not recursion, so any depth is safe to check.

    >>> check_values({"training": {"weight_decay": float("inf")}})
    Traceback (most recent call last):
      ...
    layerlab.spec.errors.SpecError: training.weight_decay: is not a finite number (JSON has no NaN or Infinity). Received: 'inf'. Fix: write an ordinary number such as 0.5, or remove the setting to use its default
    """
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(doc, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, (dict, list, tuple)) and len(where) >= MAX_DEPTH:
            raise _too_deep(len(where) + 1)
        if isinstance(node, dict):
            stack.extend(reversed([(v, (*where, str(k))) for k, v in node.items()]))  # first in order first
        elif isinstance(node, (list, tuple)):
            stack.extend(reversed([(v, (*where, i)) for i, v in enumerate(node)]))
        elif isinstance(node, _Bad):
            raise _refusal(join(prefix, *where), node.literal, node.kind)
        elif isinstance(node, float) and not math.isfinite(node):
            raise _refusal(join(prefix, *where), repr(node), "nan")
        elif isinstance(node, int) and not isinstance(node, bool) and abs(node) > MAX_INT:
            raise _refusal(join(prefix, *where), msg("a number of about {n} digits",
                                                     n=int(node.bit_length() * math.log10(2)) + 1), "int")


def _refusal(path: str, literal: str, kind: str) -> SpecError:
    if kind == "range":
        return SpecError(path, msg("is a number too large to store"), literal,
                         msg("write a number between -1e308 and 1e308; settings need far smaller ones"))
    if kind == "int":
        return SpecError(path, msg("is a whole number too large to store"), literal,
                         msg("write a whole number between {low} and {high}", low=-MAX_INT - 1, high=MAX_INT))
    return SpecError(path, msg("is not a finite number (JSON has no NaN or Infinity)"), literal,
                     msg("write an ordinary number such as 0.5, or remove the setting to use its default"))


def _too_deep(depth: int | None, source: str | None = None) -> SpecError:
    return SpecError("", msg("{source} nests more than {limit} levels deep", source=source or msg("the JSON"),
                             limit=MAX_DEPTH),
                     msg("{depth} levels", depth=depth) if depth else msg("hundreds of levels"),
                     msg("a project needs about 10 levels; nest residual blocks less deeply"))


def json_reason(reason: str) -> Text | str:
    """Python's json error (English only) as a Text for the usual mistakes, else as it is.

    >>> json_reason("Expecting ',' delimiter").to("de"), json_reason("Something new")
    ('es fehlt ein Komma', 'Something new')
    """
    texts = {"Expecting value": msg("Expecting value"),
             "Expecting ',' delimiter": msg("Expecting ',' delimiter"),
             "Expecting ':' delimiter": msg("Expecting ':' delimiter"),
             "Expecting property name enclosed in double quotes":
                 msg("Expecting property name enclosed in double quotes"),
             "Unterminated string starting at": msg("Unterminated string starting at"),
             "Invalid control character at": msg("Invalid control character at"),
             "Invalid \\escape": msg("Invalid \\escape"),
             "Extra data": msg("Extra data")}
    return texts.get(reason, reason)
