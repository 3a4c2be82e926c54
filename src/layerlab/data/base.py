"""The data-source contract and registry. Adding a dataset touches one module in this folder.

A source turns its declared parameters (and, for own data, files under the project folder)
into arrays: x of shape (N, *input_shape) float32 (int64 for token inputs) and y of shape
(N,) int64 class indices for classification or (N, outputs) float32 for regression.
`info()` must be cheap (no full load) where it can be: the studio calls it on every edit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import numpy as np

from ..i18n import Text, msg, translate
from ..spec.params import Param, resolve_params
from ..spec.registry import Registry

KINDS = ("image", "tabular", "points", "sequence", "tokens")


@dataclass
class DataInfo:
    """What a model needs to know about its data before seeing it."""

    kind: str
    input_shape: tuple[int, ...]
    task: str
    classes: list[str] | None = None
    outputs: int = 1
    n_samples: int | None = None
    feature_names: list[str] | None = None
    vocab_size: int | None = None   # for token inputs (embedding layers)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def n_outputs(self) -> int:
        """Units the last layer must have: classes for classification, targets for regression."""
        if self.task == "classification":
            return len(self.classes or [])
        return self.outputs

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "input_shape": list(self.input_shape), "task": self.task,
                "classes": self.classes, "outputs": self.outputs, "n_samples": self.n_samples,
                "feature_names": self.feature_names, "vocab_size": self.vocab_size, **self.extra}


def kind_of_model_input(input_shape: tuple[int, ...] | list[int], layers: list[dict[str, Any]]) -> str:
    """The kind of data a model without a data file takes, read from its input shape and first layer.

    >>> kind_of_model_input((6, 3), [{"type": "lstm"}]), kind_of_model_input((5,), [{"type": "embedding"}])
    ('sequence', 'tokens')
    """
    if layers and layers[0].get("type") == "embedding":
        return "tokens"
    return {3: "image", 2: "sequence"}.get(len(input_shape), "tabular")


@dataclass
class RawData:
    """All samples of a source, before splitting and preprocessing."""

    x: np.ndarray
    y: np.ndarray
    info: DataInfo
    # numeric table cells that were missing: encoded column -> (schema index, row indices);
    # `prepare` refills them from the training split only (the fill is a fitted statistic)
    missing: dict[int, tuple[int, np.ndarray]] | None = None
    missing_rule: str = ""
    rows: np.ndarray | None = None   # a table's row of each sample (rows without a target are left out)


def read_only(raw: RawData) -> RawData:
    """raw with its arrays marked read-only: what a source caches is shared by every later load, so a
    caller that changed it in place would change them all (check_data_source asks for this)."""
    for a in (raw.x, raw.y, raw.rows):
        if isinstance(a, np.ndarray):
            a.setflags(write=False)
    return raw


class SourceCase(NamedTuple):
    """A conformance case a data source declares (DataSource.cases; data/conformance.py checks each):
    its params, the files a project needs for them (path under a fresh folder -> bytes, text, or an
    array: .npy files are written with np.save, image files with Pillow), the project's folder in that
    folder (e.g. "pupils/p1") and, for a case of bad input, words its SpecError must contain."""

    params: dict[str, Any]
    files: dict[str, Any] = {}
    project: str = ""
    error: str = ""


class DataSource:
    """Base of every data source; subclasses set the class attributes and override methods."""

    name: ClassVar[str]
    summary: ClassVar[str] = ""
    builtin: ClassVar[bool] = True      # shipped or generated (False: the user's own files)
    params: ClassVar[tuple[Param, ...]] = ()
    cases: ClassVar[tuple[SourceCase, ...]] = ()   # small, fast ones: check_data_source runs each

    def resolve(self, given: dict[str, Any], path: str = "data.params") -> dict[str, Any]:
        """Validated parameters with defaults filled."""
        return resolve_params(self.params, given or {}, path, msg("data source {name!r}", name=self.name))

    def info(self, p: dict[str, Any], root: Path | None) -> DataInfo:
        """Shape, task and classes; cheap where possible."""
        return self.load(p, root, seed=0).info

    def load(self, p: dict[str, Any], root: Path | None, seed: int) -> RawData:
        """Every sample as arrays."""
        raise NotImplementedError

    @classmethod
    def describe(cls) -> dict[str, Any]:
        return {"name": cls.name, "summary": cls.summary, "summary_de": translate(cls.summary, "de"),
                "builtin": cls.builtin, "params": [p.to_dict() for p in cls.params]}


def _unknown_hint(close: str | None, listing: str) -> Text:
    if close:
        return msg("did you mean {close!r}? Valid sources: {listing}", close=close, listing=listing)
    return msg("Valid sources: {listing}", listing=listing)


REGISTRY: Registry[DataSource] = Registry("data source", msg("is not a known data source"), _unknown_hint,
                                          package=__package__, path="data.source", group="layerlab.sources")
SOURCES = REGISTRY.entries
register = REGISTRY.register


def load_all() -> dict[str, DataSource]:
    """Every data source, after importing each module of this package (each registers its own)."""
    return REGISTRY.load()


def get_source(name: Any, path: str = "data.source") -> DataSource:
    """The source registered under name, or a SpecError listing the valid ones."""
    return REGISTRY.get(name, path)
