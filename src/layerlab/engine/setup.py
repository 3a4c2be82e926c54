"""What a run needs before its first batch: the device, thread count, class weights, augmentation."""
from __future__ import annotations

import os
from typing import Any, Callable

import torch

from ..data.augment import build_augmenter
from ..i18n import msg
from ..spec.errors import SpecError
from ..spec import env
from .losses import balanced_weights, class_weights

# Below this many floating-point operations per training step, extra threads cost more in
# hand-offs than they save: measured on 2 busy cores, the xor example took 31-39 s with 2
# threads and 1.4 s with 1. Above it (bigger convolutions, large batches) threads pay off.
# A plain loop on the main thread of 2 quiet cores crosses over near 2e7 (a 784-128-10 MLP).
# Runs now train on the main thread of their own worker process, but on a shared machine a
# second OpenMP thread still collapses whenever the other core is busy (up to 10x slower,
# bench/RESULTS.md, issue 15), so 5e7 keeps the safe side.
PARALLEL_MIN_FLOPS = 5e7


def pick_device(choice: str = "auto") -> torch.device:
    """CUDA when present (or asked for), else CPU; asking for CUDA without one is a clear error."""
    if choice == "cuda" and not torch.cuda.is_available():
        raise SpecError("training.device", msg("asks for a CUDA GPU, but none is available"), choice,
                        msg("set training.device to 'auto' or 'cpu'"))
    if choice in ("auto", "cuda") and torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


def physical_cores() -> int:
    """Physical CPU cores (hyper-threads slow small matmuls down), or logical CPUs when unknown."""
    try:
        import psutil
        return psutil.cpu_count(logical=False) or os.cpu_count() or 1
    except Exception:  # noqa: BLE001 - psutil missing or restricted
        return os.cpu_count() or 1


def step_flops(net: torch.nn.Module, input_shape: tuple[int, ...], batch_size: int, tokens: bool = False) -> float:
    """Rough floating-point operations of one training step (forward x 3), from one traced sample."""
    from torch.utils.flop_counter import FlopCounterMode
    x = torch.zeros((1, *input_shape), dtype=torch.long if tokens else torch.float32,
                    device=next(net.parameters(), torch.zeros(())).device)
    was = net.training
    try:
        net.eval()
        with torch.no_grad(), FlopCounterMode(display=False) as fc:
            net(x)
        flops = float(fc.get_total_flops())
    except Exception:  # noqa: BLE001 - an op the counter does not know: estimate from the weights
        flops = 2.0 * sum(p.numel() for p in net.parameters())
    finally:
        net.train(was)
    return 3.0 * flops * batch_size


def warm_up() -> None:
    """Pay the one-off costs of a first run ahead of time (the studio calls this once ready).

    torch's FlopCounterMode, which step_flops uses to pick the thread count, imports and
    initialises a large part of torch on first use (about 3 s on 2 cores): without this, a
    learner's first press of Train waits that long for the first chart point.
    """
    step_flops(torch.nn.Sequential(torch.nn.Linear(2, 2)), (2,), 1)


def set_threads(n: int | None = None) -> int:
    """Set torch's intra-op threads for this thread's runs: n, else LAYERLAB_THREADS, else physical cores."""
    want = n if n is not None else int(env.number("LAYERLAB_THREADS", physical_cores()))
    torch.set_num_threads(max(1, want))
    return torch.get_num_threads()


def threads_for(flops_per_step: float) -> int:
    """Threads for a run: LAYERLAB_THREADS if set, 1 for tiny models, else the physical cores (at most)."""
    fixed = int(env.number("LAYERLAB_THREADS", 0))
    if fixed:
        return fixed
    cores = physical_cores()
    cores = min(cores, int(env.number("LAYERLAB_THREADS_CAP", cores)))  # the scheduler's share of the cores per run
    omp = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()   # OpenMP's own syntax allows "4,2"
    if omp.isdigit() and int(omp) > 0:
        cores = min(cores, int(omp))
    return 1 if flops_per_step < PARALLEL_MIN_FLOPS else cores


def speed_off() -> frozenset[str]:
    """The speed choices turned off by LAYERLAB_SPEED_OFF (comma-separated: fused, channels_last), so
    bench/throughput.py --causes can measure each one's effect in the real worker; empty by default."""
    return frozenset(v.strip() for v in os.environ.get("LAYERLAB_SPEED_OFF", "").split(",") if v.strip())


def channels_last_pays(net: torch.nn.Module, input_shape: tuple[int, ...]) -> bool:
    """True for image input (C, H, W) into a network with 2-d convolutions: torch's CPU kernels run
    them faster on channels-last (NHWC) batches and weights (bench/RESULTS.md, "Speed")."""
    return (len(input_shape) == 3 and "channels_last" not in speed_off()
            and any(isinstance(m, torch.nn.Conv2d) for m in net.modules()))


def to_channels_last(net: torch.nn.Module, opt: torch.optim.Optimizer | None = None) -> None:
    """Lay the network's 4-d weights out channels-last, in place (the optimizer keeps the same Parameter
    objects), and its restored state tensors alike (a fused step wants them laid out as the weights)."""
    net.to(memory_format=torch.channels_last)
    for state in (opt.state.values() if opt is not None else ()):
        for k, v in state.items():
            if isinstance(v, torch.Tensor) and v.dim() == 4:
                state[k] = v.contiguous(memory_format=torch.channels_last)


def class_weight_tensor(setting: Any, info: Any, train: Any, device: torch.device,
                        task: str = "classification") -> torch.Tensor | None:
    """One weight per class from 'balanced' (n / (classes · count)) or a {class name: weight} dict,
    checked as the exported script checks it (engine/losses.py: class_weights)."""
    classes = list(info.classes or [])
    checked = class_weights(setting, classes, task)
    if checked is None:
        return None
    if checked == "balanced":
        y = getattr(train, "y", None)
        if y is None:  # a streaming split: count once over its batches
            y = torch.cat([b for _, b in train.batches(4096)])
        return balanced_weights(y.long().reshape(-1), classes).to(device)
    return torch.tensor(checked, device=device)


def augmenter(spec: Any, info: Any, preprocessor: Any = None
              ) -> Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None:
    """The data owner's augmentation for training batches (layerlab.data.augment), or None."""
    if not spec.data.augmentation:
        return None
    return build_augmenter(spec.data.augmentation, info, preprocessor)
