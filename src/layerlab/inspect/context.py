"""What a view is computed on (a network, samples, labels, the chosen input), and what it
returns (JSON-ready data plus a lazily drawn figure).

The facade fills a Context from a project and a run; tests and scripts build one directly:

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 2}], (3,), seed=0)
>>> ctx = Context(net, torch.randn(10, 3), torch.randint(0, 2, (10,)))
>>> ctx.sample.shape, ctx.sample_index
(torch.Size([3]), 0)
"""
from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import torch
from torch import nn

from ..i18n import current_lang, msg
from ..i18n.numbers import SEPARATORS
from ..spec.errors import SpecError
from ..store import atomic
from .history import EpochRecorder
from .plots import to_png
from .trace import input_shape_of


@dataclass
class Context:
    """A network and the samples to look at it with (already preprocessed)."""

    net: nn.Module
    x: torch.Tensor                              # (N, *input_shape): the validation split as a rule
    y: torch.Tensor | None = None                # (N,) class indices or (N, outputs) targets
    classes: list[str] | None = None
    rows: list[Any] | None = None                # summary rows (layerlab.layers.stack.Row), for the math view
    input: torch.Tensor | None = None            # (*input_shape): one chosen input, else x[index]
    index: int = 0                               # which sample of x is the chosen input
    display: Callable[[torch.Tensor], torch.Tensor] | None = None  # undo preprocessing for pictures
    history: EpochRecorder | None = None         # per-epoch records of the run, if any
    other: nn.Module | None = None               # a second run's network, for CKA between runs
    kind: str | None = None                      # 'image', 'tabular', 'points', ...
    max_samples: int = 2000                      # cap for views that pass over every sample
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.input is None and len(self.x) and not 0 <= self.index < len(self.x):
            raise SpecError("index", msg("there are {n} samples", n=len(self.x)), self.index,
                            msg("give an index from 0 to {last}", last=len(self.x) - 1))

    @property
    def sample(self) -> torch.Tensor:
        """The chosen input (*input_shape)."""
        if self.input is not None:
            return self.input
        if not len(self.x):
            raise SpecError("input", msg("there are no samples to inspect"), 0, msg("give an input file or add data"))
        return self.x[self.index]

    @property
    def sample_index(self) -> int | None:
        """The chosen input's position in x (None for an input from outside the data)."""
        return None if self.input is not None else self.index

    @property
    def sample_label(self) -> int | None:
        if self.input is not None or self.y is None or self.y.dtype != torch.int64:
            return None
        return int(self.y[self.index])

    @property
    def is_image(self) -> bool:
        shape = input_shape_of(self.net) or tuple(self.x.shape[1:])
        return len(shape) == 3

    @property
    def classification(self) -> bool:
        return self.y is not None and self.y.dtype == torch.int64

    def subset(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        """x and y capped at max_samples (views that pass over every sample use this)."""
        n = min(len(self.x), self.max_samples)
        return self.x[:n], (self.y[:n] if self.y is not None else None)

    def shown(self, x: torch.Tensor) -> torch.Tensor:
        """An input as the user knows it (preprocessing undone when the project can)."""
        if self.display is None:
            return x
        try:
            return torch.as_tensor(self.display(x[None]))[0]
        except Exception:  # noqa: BLE001 - a picture in model units is better than none
            return x

    def class_name(self, k: int | None) -> str:
        if k is None:
            return "?"
        return self.classes[k] if self.classes and 0 <= k < len(self.classes) else str(k)


@dataclass
class ViewResult:
    """One view's numbers (JSON-ready `data`) and its picture (drawn on demand)."""

    view: str
    data: dict[str, Any]
    draw: Callable[[], Any] | None = field(default=None, repr=False)  # -> matplotlib Figure

    def png(self, lang: str | None = None) -> bytes:
        """The picture as PNG bytes, its words in lang (default: the current language, English
        unless a page set another)."""
        return to_png(self.figure(lang))

    def figure(self, lang: str | None = None) -> Any:
        """The picture as a matplotlib Figure, its words drawn in lang (see png)."""
        if self.draw is None:
            raise SpecError("view", msg("has no picture"), self.view)
        with _language(lang):
            fig = self.draw()
            if SEPARATORS.get(current_lang.get(), SEPARATORS["en"])[1] == ",":
                decimal_commas(fig)
        return fig

    def figure_texts(self, lang: str | None = None) -> list[str]:
        """Every non-empty text on the picture (titles, labels, legends, notes), as drawn in lang."""
        from matplotlib.text import Text as Artist
        fig = self.figure(lang)
        return [a.get_text() for a in fig.findobj(Artist) if a.get_text()]

    def to_dict(self) -> dict[str, Any]:
        return {"view": self.view, **self.data}

    def save(self, folder: str | Path, stem: str | None = None, lang: str | None = None) -> list[Path]:
        """Write <stem>.json and <stem>.png (atomically, the picture's words in lang) into folder;
        returns the paths."""
        folder = Path(folder)
        stem = stem or self.view
        paths = [folder / f"{stem}.json"]
        atomic.write_text(paths[0], json.dumps(jsonable(self.to_dict()), indent=1) + "\n")
        if self.draw is not None:
            paths.append(folder / f"{stem}.png")
            atomic.write_bytes(paths[1], self.png(lang))
        return paths


_DECIMAL = re.compile(r"[−-]?\d+\.\d+")


def decimal_commas(fig: Any) -> None:
    """Write the figure's numbers with a decimal comma, as German does: the axes' ticks (and their offset,
    colour bars included) and texts that are a number alone (a heatmap's cells). Class names stay.

    >>> from layerlab.inspect.plots import new_figure
    >>> fig = new_figure(1, 1); ax = fig.axes[0]; _ = ax.plot([0, 0.5], [0, 1.5]); _ = ax.text(0, 0, "0.93")
    >>> decimal_commas(fig); fig.canvas.draw()
    >>> [t.get_text() for t in ax.get_yticklabels()][:3], ax.texts[0].get_text()
    (['−0,25', '0,00', '0,25'], '0,93')
    """
    from matplotlib.ticker import ScalarFormatter   # loaded with the figure (see plots.py)

    class Comma(ScalarFormatter):
        def __call__(self, x: float, pos: Any = None) -> str:
            return super().__call__(x, pos).replace(".", ",")

        def get_offset(self) -> str:
            return super().get_offset().replace(".", ",")

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            old = axis.get_major_formatter()
            if type(old) is ScalarFormatter:
                new = Comma(useOffset=old.get_useOffset(), useMathText=old.get_useMathText())
                axis.set_major_formatter(new)
        for t in ax.texts:
            if _DECIMAL.fullmatch(t.get_text().strip()):
                t.set_text(t.get_text().replace(".", ","))


@contextmanager
def _language(lang: str | None) -> Iterator[None]:
    """Draw in lang: figures take their words' language from layerlab.i18n.current_lang.

    Drawing runs synchronously in the caller's thread, so the context variable reaches it."""
    if lang is None:
        yield
        return
    token = current_lang.set(lang)
    try:
        yield
    finally:
        current_lang.reset(token)


def jsonable(v: Any) -> Any:
    """Tensors, arrays and numpy scalars as plain JSON types (non-finite floats as None)."""
    if isinstance(v, torch.Tensor):
        v = v.detach().cpu().numpy()
    if isinstance(v, np.ndarray):
        return jsonable(v.tolist())
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return f if np.isfinite(f) else None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    return v
