"""Things declared under the name users type (layer kinds, data sources, views), found by that name.

A registry fills itself on first use: it imports every module of its package (each registers its
own things) and then the plug-ins that installed packages declare under its entry-point group
(`layerlab.layers`, `layerlab.sources`, `layerlab.exports`), so the studio, a spawned worker process
and a third-party package all see the same table. A plug-in's entry point names a module whose
import registers its things, or a class to register, e.g. in the plug-in's pyproject.toml:
[project.entry-points."layerlab.layers"] swish = "my_layers.swish".

A wrong name is a four-part SpecError: where, "is not a known ...", what came, and a hint
listing the valid names with the closest one first (plus a Fix that sets it, where the path is
a spec path). The words are the owner's `msg()` Texts, so each registry speaks German too.

>>> from layerlab.i18n import msg
>>> shapes = Registry("shape", msg("is not a known name"),
...                   lambda close, listing: msg("use one of: {listing}", listing=listing), path="data.params.shape")
>>> @shapes.register
... class Spiral:
...     name = "spiral"
>>> "spiral" in shapes, shapes.names()
(True, ['spiral'])
>>> try:
...     shapes.get("spirla")
... except SpecError as e:
...     print(e); print(e.fixes[0].edits)
data.params.shape: is not a known name. Received: 'spirla'. Fix: use one of: spiral
[{'op': 'set', 'path': 'data.params.shape', 'value': 'spiral'}]
"""
from __future__ import annotations

import importlib
import pkgutil
import warnings
from importlib.metadata import entry_points
from typing import Any, Callable, Generic, TypeVar

from ..i18n import Text, msg
from .errors import Fix, SpecError
from .params import closest

T = TypeVar("T")


class Registry(Generic[T]):
    """Name -> thing, filled by `register` (a class decorator) or `add`; `get` explains a wrong name.

    what: the kind of thing in plain words, for the programmer's "registered twice" error.
    unknown, hint(close, listing): the error's message and hint (msg() Texts of the owner).
    package: imported module by module on first use, so each module registers its own things.
    path: the spec path a wrong name is reported at; fixable: whether a Fix may set it there.
    alias(name, valid): another way to find the meant name (tried before the closest spelling).
    group: the entry-point group whose plug-ins load after the package (a module or a class each).
    """

    def __init__(self, what: str, unknown: Text, hint: Callable[[str | None, str], Text], *,
                 package: str | None = None, path: str = "type", fixable: bool = True,
                 alias: Callable[[str, list[str]], str | None] | None = None, group: str | None = None) -> None:
        self.what, self.unknown, self.hint = what, unknown, hint
        self.package, self.path, self.fixable, self.alias, self.group = package, path, fixable, alias, group
        self.entries: dict[str, T] = {}  # the live table: modules and tests may read it directly
        self.plugin_errors: list[str] = []  # plug-ins that failed to load (left out, with a warning)
        self._loaded = package is None and group is None

    def add(self, name: str, thing: T) -> T:
        """Put thing under name; a second thing under one name is a programming error."""
        if name in self.entries:
            raise ValueError(f"{self.what} {name!r} registered twice: by {_origin(self.entries[name])} and "
                             f"{_origin(thing)}; give one of them another name")
        self.entries[name] = thing
        return thing

    def register(self, cls: type[T]) -> type[T]:
        """Class decorator: add an instance of cls under its `name` class attribute."""
        self.add(cls.name, cls())  # type: ignore[attr-defined]
        return cls

    def load(self) -> dict[str, T]:
        """Every entry, after importing each module of the package once, then the group's plug-ins."""
        if not self._loaded:
            if self.package is not None:
                pkg = importlib.import_module(self.package)
                for mod in pkgutil.iter_modules(pkg.__path__):
                    importlib.import_module(f"{self.package}.{mod.name}")
            if self.group is not None:
                self._load_plugins(self.group)
            self._loaded = True  # only once all imported: a failed import is retried, not half-listed
        return self.entries

    def _load_plugins(self, group: str) -> None:
        """Load each entry point of the group, by name: a module registers its things on import; a class
        with a `name` is registered here. A plug-in that fails is left out with a warning saying which."""
        for ep in sorted(entry_points(group=group), key=lambda e: (e.name, e.value)):
            try:
                thing = ep.load()
                if isinstance(thing, type) and isinstance(getattr(thing, "name", None), str) \
                        and not any(type(e) is thing for e in self.entries.values()):
                    self.register(thing)
            except Exception as e:  # noqa: BLE001 - a broken third-party package must not stop the studio
                dist = getattr(getattr(ep, "dist", None), "name", None) or "an installed package"
                text = (f"{self.what} plug-in {ep.name!r} ({ep.value}, entry point group {group!r} of {dist}) "
                        f"was left out: {type(e).__name__}: {e}. Fix that package or uninstall it")
                self.plugin_errors.append(text)
                warnings.warn(text, RuntimeWarning, stacklevel=3)

    def get(self, name: Any, path: str | None = None) -> T:
        """The thing registered under name, or a SpecError with the closest name and the valid ones."""
        entries = self.load()
        if isinstance(name, str) and name in entries:
            return entries[name]
        path = self.path if path is None else path
        valid = sorted(entries)
        close = (self.alias and self.alias(str(name), valid)) or closest(str(name), valid)
        fixes = [Fix(msg("use {value!r}", value=close), [{"op": "set", "path": path, "value": close}])] \
            if close and self.fixable else []
        raise SpecError(path, self.unknown, name, self.hint(close, ", ".join(valid)), fixes)

    def names(self) -> list[str]:
        """The registered names, sorted."""
        return sorted(self.load())

    def items(self) -> list[tuple[str, T]]:
        """(name, thing) pairs, sorted by name."""
        return sorted(self.load().items(), key=lambda kv: kv[0])

    def __contains__(self, name: object) -> bool:
        return name in self.load()

    def __len__(self) -> int:
        return len(self.load())


def _origin(thing: Any) -> str:
    """Where a thing's class is defined, to point at the two places that claim one name."""
    cls = type(thing)
    return f"{cls.__module__}.{cls.__qualname__}"
