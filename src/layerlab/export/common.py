"""What every exporter takes: a network, example inputs and metadata; plus shared helpers.

Exporters are written against `Exported` so they run (and are tested) without a trained run
or a dataset: `from_network` fills random inputs of the right shape and dtype.

>>> from layerlab.engine.build import build_network
>>> src = from_network(build_network([{"type": "dense", "units": 2}], (3,)), [{"type": "dense", "units": 2}])
>>> tuple(src.example.shape), src.kinds()
((8, 3), ['dense'])
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

from ..i18n import msg
from ..layers.base import get_layer
from ..spec.errors import SpecError

TOLERANCE = 1e-4  # largest absolute difference an export may show against PyTorch


class ExportFailed(SpecError):
    """An export whose file does not compute what the PyTorch network computes."""


@dataclass
class Exported:
    """A network ready to export: the model in eval mode, inputs to verify with, and metadata.

    meta keys: name, layers (spec layer dicts), input_shape, task, classes, preprocessing,
    doc (the project document), run_id, input_kind ('float' or 'tokens'), vocab_size.
    """

    network: torch.nn.Module
    example: torch.Tensor                      # (B, *input_shape): real samples where known
    meta: dict[str, Any] = field(default_factory=dict)
    val: tuple[torch.Tensor, torch.Tensor] | None = None   # validation (x, y) for accuracy
    train_x: torch.Tensor | None = None                    # calibration samples

    def kinds(self) -> list[str]:
        """The layer kind of each spec layer, in order."""
        return list(getattr(self.network, "types", []) or [str(d.get("type")) for d in self.meta.get("layers", [])])

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.example.shape[1:])


def random_input(input_shape: tuple[int, ...], batch: int = 8, vocab_size: int | None = None,
                 seed: int = 0) -> torch.Tensor:
    """Inputs of the right shape and dtype: int64 tokens below vocab_size, else float32 normals."""
    g = torch.Generator().manual_seed(seed)
    if vocab_size:
        return torch.randint(0, int(vocab_size), (batch, *input_shape), generator=g)
    return torch.randn((batch, *input_shape), generator=g)


def from_network(network: torch.nn.Module, layers: list[dict[str, Any]] | None = None,
                 example: torch.Tensor | None = None, **meta: Any) -> Exported:
    """An Exported for a bare network (random example inputs unless given)."""
    network.eval()
    shape = tuple(getattr(network, "input_shape", ()) or meta.get("input_shape", ()))
    if example is None:
        example = random_input(shape, vocab_size=meta.get("vocab_size"))
    meta.setdefault("name", "model")
    meta.setdefault("layers", list(layers or []))
    meta.setdefault("input_shape", list(shape))
    meta.setdefault("input_kind", "tokens" if not example.is_floating_point() else "float")
    return Exported(network, example, meta)


def torch_outputs(src: Exported, x: torch.Tensor | None = None) -> np.ndarray:
    """The PyTorch network's outputs (eval mode, no gradients) as float32 numpy."""
    src.network.eval()
    with torch.no_grad():
        return src.network(src.example if x is None else x).detach().float().numpy()


def check_close(expected: np.ndarray, got: np.ndarray, what: str, kinds: list[str],
                tolerance: float = TOLERANCE, detail: str = "") -> float:
    """The largest absolute difference; raises ExportFailed (naming the layer kinds) above tolerance.

    what names the file with its article, as a Text: msg("the ONNX file").
    """
    got = np.asarray(got, dtype=np.float32)
    if got.shape != expected.shape:
        raise ExportFailed("", msg("{what} gives outputs of shape {got}, PyTorch {expected}", what=what,
                                   got=got.shape, expected=expected.shape),
                           hint=msg("report this model to the LayerLab developers; layers: {kinds}",
                                    kinds=", ".join(kinds)))
    diff = float(np.max(np.abs(expected - got))) if expected.size else 0.0
    if not np.isfinite(diff) or diff > tolerance:
        raise ExportFailed("", msg("{what} does not compute what PyTorch computes (largest difference "
                                   "{diff:.3g} > {tolerance:g})", what=what, diff=diff, tolerance=tolerance),
                           detail or ", ".join(sorted(set(kinds))),
                           msg("the layer kinds named above are involved; export another format, or replace "
                               "those layers (see `layerlab layers NAME` for export notes)"))
    return diff


def join_reasons(reasons: list[str]) -> str:
    """Reasons joined with '; ' into one Text, so that each stays translatable ('' for none)."""
    out: str = ""
    for reason in reasons:
        out = msg("{first}; {then}", first=out, then=reason) if out else reason
    return out


def not_exportable(kinds: list[str], fmt: str) -> None:
    """Raise before exporting when a layer kind is declared not exportable (with its reason)."""
    blocked = []
    for k in dict.fromkeys(kinds):
        try:
            kind = get_layer(k)
        except SpecError:
            continue
        if not getattr(kind, "exportable", True):
            blocked.append(msg("{kind}: {reason}", kind=k,
                               reason=getattr(kind, "export_note", "") or msg("not exportable")))
    if blocked:
        raise ExportFailed("model.layers", msg("this model cannot be exported as {fmt}", fmt=fmt),
                           join_reasons(blocked),
                           msg("replace those layers, or export weights (safetensors) or a PyTorch script"))


def write_dir_atomically(out: Path, fill: Callable[[Path], Any], marker: str | None = None) -> Any:
    """Build a folder in a temp sibling, then rename it into place: never half written.

    An existing folder is only replaced when it is empty or holds `marker` (an earlier
    export of the same kind): a mistyped --out must never wipe someone's documents.
    """
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (marker and (out / marker).exists()))):
        raise SpecError("out", msg("already exists and is not an earlier export that may be replaced"), str(out),
                        msg("choose a new or empty folder"))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        result = fill(tmp)
        if out.exists():
            old = out.with_name(f".{out.name}.old.{os.getpid()}")
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
        return result
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def file_size(path: Path) -> int:
    """Bytes on disk."""
    return Path(path).stat().st_size


def accuracy(probs: np.ndarray, y: np.ndarray) -> float:
    """Share of argmax predictions equal to the integer labels (or a single sigmoid's > 0.5)."""
    y = np.asarray(y).reshape(-1)
    pred = (probs[:, 0] > 0.5).astype(np.int64) if probs.shape[1] == 1 else probs.argmax(axis=1)
    return float((pred == y).mean()) if y.size else float("nan")
