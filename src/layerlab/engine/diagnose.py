"""Turn what went wrong in a run into plain words: which epoch and batch, which layer, what to try.

The RunFailed event carries the result; the studio and CLI show `message` and `hint`.
"""
from __future__ import annotations

import traceback
from typing import Any

import torch

from ..i18n import Text, msg
from ..spec.errors import SpecError


class NonFiniteLoss(Exception):
    """The loss became NaN or infinite."""

    def __init__(self, epoch: int, batch: int, value: float, lr: float):
        super().__init__(f"loss {value} in epoch {epoch}, batch {batch}")
        self.epoch, self.batch, self.value, self.lr = epoch, batch, value, lr


class LabelOutOfRange(Exception):
    """A class label outside 0..n_classes-1, found before training (a GPU would only assert)."""

    def __init__(self, value: int, n_classes: int, split: str):
        super().__init__(f"Target {value} is out of bounds for {n_classes} classes ({split} split)")
        self.value, self.n_classes, self.split = value, n_classes, split


def check_labels(y: Any, n_classes: int, split: str) -> None:
    """Refuse integer labels outside the classes before a batch reaches the loss.

    On the CPU the loss raises IndexError, but on CUDA the same mistake is a device-side assert
    that breaks the process's GPU context for every later run, so it is checked here, once.
    """
    if not isinstance(y, torch.Tensor) or y.dtype.is_floating_point or y.numel() == 0 or y.dim() != 1:
        return
    low, high = int(y.min()), int(y.max())
    if low < 0 or high >= n_classes:
        raise LabelOutOfRange(low if low < 0 else high, n_classes, split)


def _short_detail(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()[:2000]


def find_failing_layer(net: Any, x: torch.Tensor) -> tuple[int, str, BaseException] | None:
    """Re-run a few samples layer by layer; the first layer that raises, its type and error."""
    layers = getattr(net, "layers", None)
    if layers is None:
        return None
    was_training = net.training
    net.eval()
    try:
        with torch.no_grad():
            h = x[:2]
            for i, layer in enumerate(layers):
                try:
                    h = layer(h)
                except Exception as e:  # noqa: BLE001 - we report it
                    return i, net.types[i] if i < len(getattr(net, "types", [])) else type(layer).__name__, e
    finally:
        net.train(was_training)
    return None


def _is_oom(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    oom = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom is not None and isinstance(exc, oom):
        return True
    text = str(exc).lower()
    return "out of memory" in text or "can't allocate memory" in text or "not enough memory" in text


def _where(epoch: int | None, batch: int | None) -> Text | str:
    """Where it happened, as a placeholder value: ' in epoch 3, batch 7', ' in epoch 3' or nothing.

    A Text of its own, so each German sentence can put it where German word order wants it.
    """
    if epoch is not None and batch is not None:
        return msg(" in epoch {epoch}, batch {batch}", epoch=epoch, batch=batch)
    return msg(" in epoch {epoch}", epoch=epoch) if epoch is not None else ""


def explain(exc: BaseException, *, epoch: int | None = None, batch: int | None = None, net: Any = None,
            x: torch.Tensor | None = None, batch_size: int | None = None,
            n_classes: int | None = None) -> dict[str, Any]:
    """Fields of a RunFailed event (message, detail, kind, epoch, batch, path, hint) for an exception.

    message and hint are `msg(...)` Texts: English as they are, German with `.to("de")`; what
    torch itself said (its error's first line) goes into them untranslated.
    """
    where = _where(epoch, batch)
    base = {"detail": _short_detail(exc), "epoch": epoch, "batch": batch}
    if isinstance(exc, NonFiniteLoss):
        message = msg("The loss became NaN (not a number) in epoch {epoch}, batch {batch}: training diverged.",
                      epoch=exc.epoch, batch=exc.batch) if exc.value != exc.value else \
            msg("The loss became infinite in epoch {epoch}, batch {batch}: training diverged.",
                epoch=exc.epoch, batch=exc.batch)
        return {**base, "kind": "nan", "path": "training.learning_rate", "message": message,
                "hint": msg("Lower the learning rate (it was {lr:.3g}; try {lower:.3g}), or turn on gradient "
                            "clipping (training.gradient_clip = 1.0).", lr=exc.lr, lower=exc.lr / 10)}
    if isinstance(exc, SpecError):
        message = msg("The project cannot be trained: {path}: {message}.", path=exc.path, message=exc.message) \
            if exc.path else msg("The project cannot be trained: {message}.", message=exc.message)
        return {**base, "kind": "spec", "path": exc.path or None, "message": message, "hint": exc.hint}
    if _is_oom(exc):
        hint = msg("Lower the batch size (it is {batch_size}), or make the model smaller (fewer units or filters).",
                   batch_size=batch_size) if batch_size else \
            msg("Lower the batch size, or make the model smaller (fewer units or filters).")
        return {**base, "kind": "out_of_memory", "path": "training.batch_size",
                "message": msg("Ran out of memory{where}.", where=where), "hint": hint}
    text = str(exc)
    if isinstance(exc, LabelOutOfRange):
        n_classes = exc.n_classes
    if isinstance(exc, LabelOutOfRange) or "Target" in text and "out of bounds" in text \
            or "index out of range" in text.lower() and n_classes:
        return {**base, "kind": "data", "path": "data",
                "message": msg("A label in the data is not one of the {n_classes} classes{where}.",
                               n_classes=n_classes, where=where),
                "hint": msg("Check the data's class column, or make the last layer's units match the number "
                            "of classes.")}
    if net is not None and x is not None:
        found = find_failing_layer(net, x)
        if found is not None:
            i, typ, err = found
            first = str(err).splitlines()[0][:300]
            return {**base, "kind": "shape", "path": f"model.layers[{i}]",
                    "message": msg("Layer {number} ({type}) at model.layers[{i}] could not process its "
                                   "input{where}: {error}", number=i + 1, type=typ, i=i, where=where, error=first),
                    "hint": msg("Check this layer's settings against the shape of its input (`layerlab summary` "
                                "shows each layer's shapes).")}
    if isinstance(exc, (RuntimeError, ValueError, TypeError)) and ("shape" in text or "size" in text
                                                                   or "dimension" in text):
        return {**base, "kind": "data", "path": None,
                "message": msg("The data did not fit the model{where}: {error}", where=where,
                               error=text.splitlines()[0][:300]),
                "hint": msg("Check that the output layer matches the targets (units = classes for classification, "
                            "= targets for regression) and that the loss fits the task.")}
    return {**base, "kind": "error", "path": None,
            "message": msg("Training stopped because of an unexpected error{where}: {error}", where=where,
                           error=text.splitlines()[0][:300] if text else type(exc).__name__),
            "hint": msg("The details below say more; if the project looks right, please report it.")}
