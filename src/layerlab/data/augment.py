"""Augmentation of training batches, on the fly and vectorised on tensors.

Images: flip, rotation, shift, zoom (one affine warp for the whole batch), brightness,
contrast, noise. Tables and points: gaussian_noise. Each is declared once with Params;
the project's `data.augmentation` maps names to parameters (true = defaults).

>>> import torch
>>> aug = augmenter({"flip": {}, "rotation": {"degrees": 10}}, kind="image")
>>> aug.apply(torch.rand(4, 3, 8, 8), torch.Generator().manual_seed(0)).shape
torch.Size([4, 3, 8, 8])
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..i18n import msg, translate
from ..spec.check import check
from ..spec.errors import Fix, SpecError
from ..spec.params import Param, closest, resolve_params
from .preview import image_png
from .summary import raw_view


@dataclass(frozen=True)
class Augmentation:
    """One declared augmentation: for which data kinds, its parameters, and its batch function."""

    name: str
    kinds: tuple[str, ...]
    params: tuple[Param, ...]
    summary: str
    geometric: bool = False

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "kinds": list(self.kinds), "summary": self.summary,
                "summary_de": translate(self.summary, "de"), "params": [p.to_dict() for p in self.params]}


IMAGE = ("image",)
TABLE = ("tabular", "points")
AUGMENTATIONS: dict[str, Augmentation] = {a.name: a for a in (
    Augmentation("flip", IMAGE, (
        Param("horizontal", "bool", True, "Mirror left-right."),
        Param("vertical", "bool", False, "Mirror top-bottom."),
        Param("probability", "float", 0.5, "Chance of each flip.", min=0.0, max=1.0)),
        "Mirror images at random.", geometric=True),
    Augmentation("rotation", IMAGE, (
        Param("degrees", "float", 15.0, "Largest rotation either way.", min=0.0, max=180.0),),
        "Rotate images by a random angle.", geometric=True),
    Augmentation("shift", IMAGE, (
        Param("fraction", "float", 0.1, "Largest shift as a share of the width/height.", min=0.0, max=0.5),),
        "Move images by a random offset.", geometric=True),
    Augmentation("zoom", IMAGE, (
        Param("fraction", "float", 0.1, "Largest zoom in or out (0.1 = 90 % to 110 %).", min=0.0, max=0.9),),
        "Zoom in or out at random.", geometric=True),
    Augmentation("brightness", IMAGE, (
        Param("delta", "float", 0.2, "Largest brightness change (pixel values are 0..1).", min=0.0, max=1.0),),
        "Make images brighter or darker."),
    Augmentation("contrast", IMAGE, (
        Param("factor", "float", 0.2, "Largest contrast change (0.2 = 80 % to 120 %).", min=0.0, max=1.0),),
        "Raise or lower the contrast."),
    Augmentation("noise", IMAGE, (
        Param("std", "float", 0.05, "Standard deviation of pixel noise (pixel values are 0..1).", min=0.0, max=1.0),),
        "Add random pixel noise."),
    Augmentation("gaussian_noise", TABLE, (
        Param("std", "float", 0.1, "Standard deviation of the noise, in standardised feature units.",
              min=0.0, max=5.0),),
        "Jitter every feature with Gaussian noise."),
)}


def _u(n: int, lo: float, hi: float, g: torch.Generator | None) -> torch.Tensor:
    return lo + (hi - lo) * torch.rand(n, generator=g)


class Augmenter:
    """The resolved augmentations of a project; `apply` transforms one training batch."""

    def __init__(self, steps: list[tuple[str, dict[str, Any]]], kind: str, preprocessor: Any = None):
        self.steps, self.kind, self.pre = steps, kind, preprocessor

    def __bool__(self) -> bool:
        return bool(self.steps)

    def apply(self, xb: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """An augmented copy of a batch (N, *shape); the batch is returned unchanged without steps."""
        if not self.steps or xb.numel() == 0:
            return xb
        if self.kind != "image":
            x = xb.float()
            for name, p in self.steps:
                x = x + torch.randn(x.shape, generator=generator) * p["std"]
            return x
        x = self.pre.inverse_x(xb) if self.pre is not None and self.pre.mean is not None else xb.float()
        x = self._geometric(x, generator)
        n = x.shape[0]
        for name, p in self.steps:
            if name == "brightness":
                x = x + _u(n, -p["delta"], p["delta"], generator).view(n, 1, 1, 1)
            elif name == "contrast":
                mean = x.mean(dim=(1, 2, 3), keepdim=True)
                x = (x - mean) * _u(n, 1 - p["factor"], 1 + p["factor"], generator).view(n, 1, 1, 1) + mean
            elif name == "noise":
                x = x + torch.randn(x.shape, generator=generator) * p["std"]
        if any(s in ("brightness", "contrast", "noise") for s, _ in self.steps):
            x = x.clamp(0.0, 1.0)
        return self.pre.transform_x(x) if self.pre is not None and self.pre.mean is not None else x

    def _geometric(self, x: torch.Tensor, g: torch.Generator | None) -> torch.Tensor:
        """Flip, rotation, shift and zoom as one affine warp per sample (a single grid_sample)."""
        geo = {name: p for name, p in self.steps if AUGMENTATIONS[name].geometric}
        if not geo:
            return x
        n = x.shape[0]
        sx, sy = torch.ones(n), torch.ones(n)
        if "flip" in geo:
            f = geo["flip"]
            if f["horizontal"]:
                sx = torch.where(torch.rand(n, generator=g) < f["probability"], -1.0, 1.0)
            if f["vertical"]:
                sy = torch.where(torch.rand(n, generator=g) < f["probability"], -1.0, 1.0)
        angle = _u(n, -1, 1, g) * math.radians(geo["rotation"]["degrees"]) if "rotation" in geo else torch.zeros(n)
        zoom = _u(n, 1 - geo["zoom"]["fraction"], 1 + geo["zoom"]["fraction"], g) if "zoom" in geo else torch.ones(n)
        s = geo["shift"]["fraction"] * 2 if "shift" in geo else 0.0   # grid coordinates span 2
        tx, ty = (_u(n, -s, s, g), _u(n, -s, s, g)) if s else (torch.zeros(n), torch.zeros(n))
        cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
        theta = torch.stack([torch.stack([cos * sx, -sin * sy, tx], 1),
                             torch.stack([sin * sx, cos * sy, ty], 1)], 1)     # (N, 2, 3)
        grid = F.affine_grid(theta, list(x.shape), align_corners=False)
        return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)

    def __call__(self, xb: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        return self.apply(xb, generator)

    def preview(self, sample: Any, n: int = 8, seed: int = 0) -> torch.Tensor:
        """n augmented versions (n, *shape) of one sample (given in the same space as apply's batches)."""
        x = torch.as_tensor(np.asarray(sample), dtype=torch.float32)
        return self.apply(x.unsqueeze(0).repeat(n, *([1] * x.dim())), torch.Generator().manual_seed(seed))


def augmenter(spec: dict[str, Any] | None, kind: str = "image", preprocessor: Any = None) -> Augmenter:
    """The Augmenter of a project's data.augmentation (validated; SpecErrors name the setting)."""
    steps = []
    for name, given in (spec or {}).items():
        where = f"data.augmentation.{name}"
        if name not in AUGMENTATIONS:
            close = closest(name, list(AUGMENTATIONS))
            fixes = [Fix(msg("remove {key!r}", key=name), [{"op": "remove", "path": where}])]
            listing = ", ".join(AUGMENTATIONS)
            hint = msg("did you mean {close!r}? Valid: {listing}", close=close, listing=listing) if close \
                else msg("Valid: {listing}", listing=listing)
            raise SpecError(where, msg("is not a known augmentation"), name, hint, fixes)
        if given is False or given is None:
            continue
        aug = AUGMENTATIONS[name]
        if kind not in aug.kinds:
            fit = [a for a, v in AUGMENTATIONS.items() if kind in v.kinds]
            message = msg("works on {kinds} data, not {kind}", kinds=aug.kinds[0], kind=kind) \
                if len(aug.kinds) == 1 else msg("works on {kinds} and {last} data, not {kind}",
                                                 kinds=", ".join(aug.kinds[:-1]), last=aug.kinds[-1], kind=kind)
            raise SpecError(where, message, name,
                            msg("remove it; for this data use: {listing}", listing=", ".join(fit) or msg("none")),
                            [Fix(msg("remove {key!r}", key=name), [{"op": "remove", "path": where}])])
        params = resolve_params(aug.params, {} if given is True else given, where,
                                msg("augmentation {name!r}", name=name))
        steps.append((name, params))
    return Augmenter(steps, kind, preprocessor)


def preview(spec: dict[str, Any] | None, sample: Any, n: int = 8, seed: int = 0, kind: str = "image") -> torch.Tensor:
    """n augmented versions (n, *shape) of one raw sample (images with pixel values in [0, 1])."""
    return augmenter(spec, kind).preview(sample, n, seed)


def preview_dataset(ds: Any, spec: dict[str, Any] | None, index: int = 0, n: int = 8, seed: int = 0) -> list[Any]:
    """n augmented versions of training sample `index`: PNG bytes for images, value lists otherwise."""
    x, _ = raw_view(ds, "train", 1, index)
    if ds.info.kind == "image":
        out = augmenter(spec, "image").preview(x[0], n, seed)          # raw pixels in [0, 1]
        return [image_png(a.numpy()) for a in out]
    aug = augmenter(spec, ds.info.kind, ds.preprocessor)
    z = ds.preprocessor.transform_x(torch.from_numpy(np.asarray(x[:1], np.float32)))[0]
    return [np.asarray(v).reshape(-1).tolist() for v in ds.preprocessor.inverse_x(aug.preview(z, n, seed))]




def build_augmenter(spec: dict[str, Any] | None, info: Any, preprocessor: Any = None) -> Augmenter | None:
    """What the engine calls once per run: an Augmenter (callable on (batch, generator)) or None.

    Pixel-space steps (brightness, contrast, noise, clamping) need the fitted image
    normalisation; prepare() attaches it to the Dataset's info as `info.preprocessor`.
    """
    aug = augmenter(spec, getattr(info, "kind", "image"), preprocessor or getattr(info, "preprocessor", None))
    return aug if aug else None


def _register_check() -> None:
    """Mistakes in data.augmentation show up in validate/analyze, not only when training starts."""

    @check
    def _augmentation(project: Any, analysis: Any, target: Any) -> list[SpecError]:
        kind = "image" if len(target.input_shape) == 3 else "tabular"
        try:
            augmenter(project.data.augmentation, kind)
        except SpecError as e:
            return [e]
        return []


_register_check()
