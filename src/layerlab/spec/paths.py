"""Spec paths like `model.layers[3].kernel_size`: parse them and read/edit JSON documents by them."""
from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def parse(path: str) -> list[str | int]:
    """Split a spec path into keys and list indices: 'a.b[2].c' -> ['a', 'b', 2, 'c']."""
    parts: list[str | int] = []
    for m in _TOKEN.finditer(path):
        parts.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
    return parts


def join(*parts: str | int) -> str:
    """Build a spec path from keys and indices: join('model', 'layers', 3) -> 'model.layers[3]'."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif p:
            out += f".{p}" if out else p
    return out


def get(doc: Any, path: str) -> Any:
    """Read the value at a path."""
    node = doc
    for p in parse(path):
        node = node[p]
    return node


def _parent(doc: Any, path: str) -> tuple[Any, str | int]:
    parts = parse(path)
    if not parts:
        raise KeyError("an edit needs a non-empty path")
    node = doc
    for p in parts[:-1]:
        node = node[p]
    return node, parts[-1]


def set_(doc: Any, path: str, value: Any) -> None:
    """Set the value at a path (the parent must exist)."""
    parent, key = _parent(doc, path)
    parent[key] = value


def insert(doc: Any, path: str, value: Any) -> None:
    """Insert into a list before the index the path ends with."""
    parent, key = _parent(doc, path)
    if not isinstance(parent, list) or not isinstance(key, int):
        raise KeyError(f"insert needs a list position, got {path!r}")
    parent.insert(key, value)


def remove(doc: Any, path: str) -> None:
    """Delete the value at a path (a list element or a dict key)."""
    parent, key = _parent(doc, path)
    del parent[key]
