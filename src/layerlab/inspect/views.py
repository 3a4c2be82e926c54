"""The registry of inspect views by the name users type (CLI, studio, facade).

>>> sorted(VIEWS)[:3]
['adversarial', 'cka', 'embeddings']
>>> VIEWS["saliency"].per_epoch
True
"""
from __future__ import annotations

import inspect as _inspect
from dataclasses import dataclass
from typing import Any, Callable

from ..i18n import Text, msg
from ..spec.errors import SpecError
from ..spec.registry import Registry
from .context import Context, ViewResult
from .views_data import adversarial_view, embeddings_view, errors_view, saliency_view, surface_view
from .views_model import cka_view, flow_view, math_view, max_activation_view, weights_view


@dataclass(frozen=True)
class View:
    """A view: its name, what it shows (en/de), its function, and whether it is cheap enough
    to recompute after every epoch while a run trains."""

    name: str
    title: str
    summary: str
    fn: Callable[..., ViewResult]
    per_epoch: bool = True

    def options(self) -> dict[str, Any]:
        """The view's options with their defaults."""
        sig = _inspect.signature(self.fn)
        return {k: p.default for k, p in list(sig.parameters.items())[1:]}


def _unknown_hint(close: str | None, listing: str) -> Text:
    if close:
        return msg("did you mean {close!r}? Views: {listing}", close=close, listing=listing)
    return msg("Views: {listing}", listing=listing)


# a view name is typed in the CLI, the studio or the facade, not in the spec: no Fix to offer
REGISTRY: Registry[View] = Registry("view", msg("is not an inspect view"), _unknown_hint, path="view", fixable=False)
for _view in [
    View("flow", "Layer data flow",
         "What every layer makes of one input: feature maps as tiles, dense layers as bars.", flow_view),
    View("weights", "Weights",
         "Conv kernels, weight and gradient histograms, and dead ReLU units.", weights_view),
    View("max_activation", "Maximum activation",
         "The samples that excite a unit most, and an input made for it by gradient ascent.",
         max_activation_view, per_epoch=False),
    View("saliency", "Saliency",
         "Which input values the prediction depends on: gradients, SmoothGrad, Grad-CAM.", saliency_view),
    View("adversarial", "Adversarial examples",
         "Small input changes (FGSM, PGD) that flip the prediction, and accuracy under attack.",
         adversarial_view, per_epoch=False),
    View("errors", "Errors",
         "Confusion matrix, the hardest examples, and examples learned then forgotten.", errors_view),
    View("surface", "Decision surface",
         "The predicted class over the input plane, or a PCA projection of wider inputs.", surface_view),
    View("embeddings", "Embeddings",
         "A 2-D PCA of any layer's activations, coloured by class.", embeddings_view),
    View("cka", "Representation similarity",
         "Linear CKA between every pair of layers, and between the same layer in two runs.", cka_view),
    View("math", "Math",
         "Each layer's formula, and the actual numbers of one sample flowing through it.", math_view),
]:
    REGISTRY.add(_view.name, _view)
VIEWS = REGISTRY.entries  # in the order the studio shows them


def get_view(name: Any) -> View:
    """The view registered under name, or a SpecError listing the valid ones."""
    return REGISTRY.get(name)


def run_view(name: str, ctx: Context, **options: Any) -> ViewResult:
    """Compute one view on a context; unknown options are a SpecError naming the valid ones."""
    view = get_view(name)
    valid = view.options()
    unknown = [k for k in options if k not in valid]
    if unknown:
        listing = ", ".join(f"{k}={v!r}" for k, v in valid.items())
        raise SpecError(f"options.{unknown[0]}", msg("is not an option of the {name} view", name=name), unknown[0],
                        msg("valid options: {listing}", listing=listing) if listing else msg("valid options: none"))
    return view.fn(ctx, **options)
