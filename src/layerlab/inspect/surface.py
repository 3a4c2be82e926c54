"""Decision surface: the predicted class over a grid of 2-D inputs; for wider inputs, a
2-D PCA projection of the inputs coloured by the predicted class.

>>> import torch
>>> from layerlab.engine.build import build_network
>>> net = build_network([{"type": "dense", "units": 2}], (2,), seed=0)
>>> s = decision_surface(net, torch.randn(30, 2), resolution=8)
>>> s.predicted.shape
torch.Size([8, 8])
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from ..i18n import msg
from ..spec.errors import SpecError
from .trace import eval_mode, input_shape_of, need_numbers, predict


def _classes_of(z: torch.Tensor) -> torch.Tensor:
    """Predicted class per row of logits (a single logit is a yes/no score)."""
    return (z[:, 0] > 0).long() if z.shape[1] == 1 else z.argmax(dim=1)


@dataclass
class Surface:
    """Predicted class and its confidence at every grid point; xs along columns, ys along rows."""

    xs: torch.Tensor          # (R,)
    ys: torch.Tensor          # (R,)
    predicted: torch.Tensor   # (R, R) class at (ys[r], xs[c])
    confidence: torch.Tensor  # (R, R) probability of that class

    def grid_points(self) -> torch.Tensor:
        """The inputs that were evaluated, row-major: (R*R, 2)."""
        gy, gx = torch.meshgrid(self.ys, self.xs, indexing="ij")
        return torch.stack([gx.flatten(), gy.flatten()], dim=1)

    def to_dict(self) -> dict[str, Any]:
        return {"xs": self.xs.tolist(), "ys": self.ys.tolist(), "predicted": self.predicted.tolist(),
                "confidence": torch.round(self.confidence, decimals=4).tolist()}


def decision_surface(net: nn.Module, x: torch.Tensor, resolution: int = 100, margin: float = 0.1) -> Surface:
    """Evaluate the network on a grid covering the data x (N, 2) plus a margin."""
    shape = input_shape_of(net) or tuple(x.shape[1:])
    if tuple(shape) != (2,):
        raise SpecError("input", msg("a decision surface needs inputs of exactly two numbers"), tuple(shape),
                        msg("use the PCA projection (view 'surface' shows it for wider inputs) instead"))
    need_numbers(x, msg("a decision surface"))
    lo, hi = x.amin(dim=0), x.amax(dim=0)                        # (2,), (2,)
    pad = (hi - lo).clamp_min(1e-6) * margin
    xs = torch.linspace(float(lo[0] - pad[0]), float(hi[0] + pad[0]), resolution)
    ys = torch.linspace(float(lo[1] - pad[1]), float(hi[1] + pad[1]), resolution)
    s = Surface(xs, ys, torch.empty(0), torch.empty(0))
    with eval_mode(net):
        z = predict(net, s.grid_points())                        # (R*R, classes)
    probs = torch.sigmoid(z[:, 0]) if z.shape[1] == 1 else torch.softmax(z, dim=1).amax(dim=1)
    if z.shape[1] == 1:
        probs = torch.where(probs > 0.5, probs, 1 - probs)
    s.predicted = _classes_of(z).reshape(resolution, resolution)
    s.confidence = probs.reshape(resolution, resolution)
    return s


@dataclass
class Projection:
    """Samples placed in 2-D by PCA, with their labels and predicted classes."""

    coords: np.ndarray           # (N, 2)
    predicted: list[int]
    labels: list[int] | None
    explained: list[float]       # share of variance each axis explains

    def to_dict(self) -> dict[str, Any]:
        return {"coords": np.round(self.coords, 5).tolist(), "predicted": self.predicted, "labels": self.labels,
                "explained_variance": self.explained}


def pca2(values: torch.Tensor) -> tuple[np.ndarray, list[float]]:
    """2-D PCA (scikit-learn) of samples (N, ...) flattened; fewer features are zero-padded."""
    from sklearn.decomposition import PCA
    a = values.detach().reshape(values.shape[0], -1).double().numpy()  # (N, features)
    if a.shape[0] < 2:
        raise SpecError("input", msg("a PCA projection needs at least two samples"), a.shape[0], msg("give more samples"))
    k = min(2, a.shape[1], a.shape[0])
    pca = PCA(n_components=k, random_state=0)
    coords = pca.fit_transform(a)
    explained = [float(v) for v in pca.explained_variance_ratio_]
    if k < 2:
        coords = np.concatenate([coords, np.zeros((a.shape[0], 2 - k))], axis=1)
        explained += [0.0] * (2 - k)
    return coords, explained


def pca_projection(net: nn.Module, x: torch.Tensor, y: torch.Tensor | None = None) -> Projection:
    """Inputs x (N, ...) projected to 2-D by PCA, with the network's predicted class."""
    coords, explained = pca2(x)
    with eval_mode(net):
        pred = _classes_of(predict(net, x).reshape(x.shape[0], -1))
    labels = y.tolist() if y is not None and y.dtype == torch.int64 else None
    return Projection(coords, pred.tolist(), labels, explained)
