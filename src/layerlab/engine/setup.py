"""What a run needs before its first batch: the device, thread count, class weights, augmentation."""
from __future__ import annotations

import importlib
import os
from typing import Any, Callable

import torch

from ..spec.errors import SpecError

_threads_set = False


def pick_device(choice: str = "auto") -> torch.device:
    """CUDA when present (or asked for), else CPU; asking for CUDA without one is a clear error."""
    if choice == "cuda" and not torch.cuda.is_available():
        raise SpecError("training.device", "asks for a CUDA GPU, but none is available", choice,
                        "set training.device to 'auto' or 'cpu'")
    if choice in ("auto", "cuda") and torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


def set_threads() -> int:
    """One torch thread per physical core (hyper-threads slow small matmuls down), set once per process.

    LAYERLAB_THREADS overrides; an explicit OMP_NUM_THREADS is respected as torch read it.
    """
    global _threads_set
    if not _threads_set:
        _threads_set = True
        if os.environ.get("LAYERLAB_THREADS"):
            torch.set_num_threads(max(1, int(os.environ["LAYERLAB_THREADS"])))
        elif not os.environ.get("OMP_NUM_THREADS"):
            try:
                import psutil
                cores = psutil.cpu_count(logical=False) or os.cpu_count() or 1
            except Exception:  # noqa: BLE001 - psutil missing or restricted: logical CPUs
                cores = os.cpu_count() or 1
            torch.set_num_threads(cores)
    return torch.get_num_threads()


def class_weight_tensor(setting: Any, info: Any, train: Any, device: torch.device) -> torch.Tensor | None:
    """One weight per class from 'balanced' (n / (classes · count)) or a {class name: weight} dict."""
    if setting is None:
        return None
    classes = list(info.classes or [])
    k = len(classes)
    if setting == "balanced":
        y = getattr(train, "y", None)
        if y is None:  # a streaming split: count once over its batches
            y = torch.cat([b for _, b in train.batches(4096)])
        counts = torch.bincount(y.long().reshape(-1), minlength=k).double()
        w = torch.where(counts > 0, counts.sum() / (k * counts.clamp_min(1)), torch.ones_like(counts))
        return w.float().to(device)
    unknown = [c for c in setting if c not in classes]
    if unknown:
        raise SpecError("training.class_weights", "names a class the data does not have", unknown[0],
                        "use class names from the data: " + ", ".join(classes))
    return torch.tensor([float(setting.get(c, 1.0)) for c in classes], device=device)


def augmenter(spec: Any, info: Any) -> Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None:
    """The data owner's augmentation for training batches (layerlab.data.augment), or None."""
    if not spec.data.augmentation:
        return None
    try:
        mod = importlib.import_module("layerlab.data.augment")
    except ImportError:
        return None
    build = getattr(mod, "build_augmenter", None) or getattr(mod, "make_augmenter", None)
    return build(spec.data.augmentation, info) if build is not None else None
