"""Budgets: what one model, table, picture or workspace may cost, checked before any work.

Every number comes from shape inference or a file's header, never from building or
allocating: a refusal is a SpecError in four parts (what, where, received, fix). Two
profiles: `laptop` (the default of `layerlab studio`) and `class` (a server a class
shares). A teacher or user picks a profile and raises single limits in one TOML file:
`$LAYERLAB_LIMITS`, else `limits.toml` in the workspace (`$LAYERLAB_HOME`), else
`~/.layerlab/limits.toml`; `LAYERLAB_PROFILE` picks the profile when the file does not.

>>> lim = PROFILES["class"]
>>> lim.params, lim.layers, lim.depth, lim.features
(50000000, 500, 8, 20000)
>>> structure([{"type": "residual", "layers": [{"type": "dense"}]}, {"type": "dense"}])
(3, 1, 'model.layers[0]')
>>> est = estimate(params=650, input_size=64, activations=20, flops=1300, batch_size=32, optimizer="adam")
>>> est.memory_bytes, est.flops_per_step
(21152, 124800)
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from ..i18n import msg
from .errors import Fix, SpecError

GiB, MiB = 1024 ** 3, 1024 ** 2
BYTES_PER_VALUE = 4  # float32


@dataclass(frozen=True)
class Limits:
    """The budgets in force; `source` is the config file they came from ('' for built-in)."""

    params: int                 # trainable parameters of one model
    memory_bytes: int           # estimated training memory of one run
    flops_per_step: float       # floating-point operations of one training step
    layers: int                 # layers in one model, the insides of blocks included
    depth: int                  # blocks nested inside blocks
    features: int               # columns of a table after encoding (one-hot)
    image_pixels: int           # one picture
    upload_pixels: int          # all pictures of one upload (a ZIP) together
    workspace_bytes: int        # everything under one workspace
    workspace_files: int
    profile: str = "laptop"
    source: str = ""


PROFILES: dict[str, Limits] = {
    "class": Limits(params=50_000_000, memory_bytes=2 * GiB, flops_per_step=2e11, layers=500, depth=8,
                    features=20_000, image_pixels=40_000_000, upload_pixels=400_000_000,
                    workspace_bytes=1 * GiB, workspace_files=20_000, profile="class"),
    "laptop": Limits(params=500_000_000, memory_bytes=8 * GiB, flops_per_step=2e12, layers=2000, depth=16,
                     features=200_000, image_pixels=100_000_000, upload_pixels=2_000_000_000,
                     workspace_bytes=50 * GiB, workspace_files=500_000, profile="laptop"),
}

# limits.toml keys, in friendly units: key -> (field, factor)
CONFIG_KEYS: dict[str, tuple[str, float]] = {
    "params": ("params", 1), "memory_mb": ("memory_bytes", MiB), "gflops_per_step": ("flops_per_step", 1e9),
    "layers": ("layers", 1), "depth": ("depth", 1), "features": ("features", 1),
    "image_megapixels": ("image_pixels", 1e6), "upload_megapixels": ("upload_pixels", 1e6),
    "workspace_mb": ("workspace_bytes", MiB), "workspace_files": ("workspace_files", 1),
}
_KEY_OF = {f: k for k, (f, _) in CONFIG_KEYS.items()}
_cache: dict[tuple[str, float, str], Limits] = {}


def config_file() -> Path:
    """Where the limits are read from (the file need not exist)."""
    if os.environ.get("LAYERLAB_LIMITS"):
        return Path(os.environ["LAYERLAB_LIMITS"]).expanduser()
    if os.environ.get("LAYERLAB_HOME"):
        return Path(os.environ["LAYERLAB_HOME"]).expanduser() / "limits.toml"
    return Path.home() / ".layerlab" / "limits.toml"


def limits() -> Limits:
    """The limits in force: a profile with the config file's overrides (re-read when the file changes)."""
    path = config_file()
    try:
        stamp = path.stat().st_mtime
    except OSError:
        stamp = -1.0
    key = (str(path), stamp, os.environ.get("LAYERLAB_PROFILE", ""))
    if key not in _cache:
        _cache.clear()
        _cache[key] = _read(path) if stamp >= 0 else _profile(key[2] or "laptop", "LAYERLAB_PROFILE")
    return _cache[key]


def _profile(name: str, where: str) -> Limits:
    if name not in PROFILES:
        raise SpecError(where, msg("is not a budget profile"), name,
                        msg("use one of: {listing}", listing=", ".join(PROFILES)))
    return PROFILES[name]


def _read(path: Path) -> Limits:
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise SpecError(str(path), msg("is not a valid TOML file"), str(e)[:120],
                        msg("write one 'key = number' per line, e.g. params = 100_000_000")) from None
    base = _profile(str(doc.pop("profile", os.environ.get("LAYERLAB_PROFILE") or "laptop")), f"{path}: profile")
    changes: dict[str, Any] = {}
    for key, value in doc.items():
        if key not in CONFIG_KEYS:
            raise SpecError(f"{path}: {key}", msg("is not a known limit"), key,
                            msg("use one of: {listing}", listing=", ".join(["profile", *CONFIG_KEYS])))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1e18:
            raise SpecError(f"{path}: {key}", msg("must be a positive number"), value,
                            msg("write e.g. {key} = {example}", key=key, example=_human_default(base, key)))
        name, factor = CONFIG_KEYS[key]
        changes[name] = type(getattr(base, name))(value * factor)
    return replace(base, source=str(path), **changes)


def _human_default(base: Limits, key: str) -> int | float:
    name, factor = CONFIG_KEYS[key]
    v = getattr(base, name) / factor
    return int(v) if float(v).is_integer() else v


def _raise_hint(key: str) -> Any:
    return msg("or ask whoever runs LayerLab to raise {key} in {file}", key=key, file=str(config_file()))


def _over(where: str, what: Any, used: Any, key: str, fix_words: Any, fixes: list[Fix] | None = None) -> SpecError:
    hint = msg("{fix}, {raise_hint}", fix=fix_words, raise_hint=_raise_hint(key))
    return SpecError(where, what, used, hint, fixes)


# -- models --------------------------------------------------------------------------------------
def structure(layers: Any, prefix: str = "model.layers") -> tuple[int, int, str]:
    """(layers counted inside blocks too, deepest nesting of blocks, path of the deepest block); iterative."""
    count, depth, deepest = 0, 0, prefix
    todo: list[tuple[Any, str, int]] = [(layers, prefix, 0)]
    while todo:
        items, path, level = todo.pop()
        if not isinstance(items, list):
            continue
        for i, layer in enumerate(items):
            count += 1
            inner = layer.get("layers") if isinstance(layer, dict) else None
            if isinstance(inner, list):
                if level + 1 > depth:
                    depth, deepest = level + 1, f"{path}[{i}]"
                todo.append((inner, f"{path}[{i}].layers", level + 1))
    return count, depth, deepest


def check_structure(layers: Any, prefix: str = "model.layers", lim: Limits | None = None) -> list[SpecError]:
    """Layer count and nesting depth, before any shape is inferred (a 10,000-layer spec stops here)."""
    lim = lim or limits()
    count, depth, deepest = structure(layers, prefix)
    errs = []
    if count > lim.layers:
        errs.append(_over(prefix, msg("the model has {n:,} layers, more than the {limit:,} allowed", n=count,
                                      limit=lim.layers), msg("{n:,} layers", n=count), "layers",
                          msg("remove layers until at most {limit:,} are left", limit=lim.layers)))
    if depth > lim.depth:
        errs.append(_over(deepest, msg("blocks are nested {n} deep, more than the {limit} allowed", n=depth,
                                       limit=lim.depth), msg("nesting depth {n}", n=depth), "depth",
                          msg("move the inner blocks out so that at most {limit} sit inside each other",
                              limit=lim.depth)))
    return errs


@dataclass
class Estimate:
    """What a model costs to train, from shape inference alone."""

    params: int
    memory_bytes: int
    flops_per_step: float
    batch_size: int
    per_sample_bytes: int   # the part of memory_bytes that grows with the batch
    fixed_bytes: int        # weights, gradients, optimizer state

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def optimizer_slots(optimizer: str, momentum: float = 0.0) -> int:
    """Numbers the optimizer keeps per parameter (Adam: two moments)."""
    if optimizer == "sgd":
        return 1 if momentum > 0 else 0
    if optimizer in ("rmsprop",):
        return 2 if momentum > 0 else 1
    if optimizer == "adagrad":
        return 1
    return 2  # adam, adamw, nadam, adamax, adadelta


def estimate(params: int, input_size: int, activations: int, flops: int, batch_size: int,
             optimizer: str = "adam", momentum: float = 0.0) -> Estimate:
    """Training memory = weights + gradients + optimizer state + (input + kept activations) x batch.

    FLOPs of a step are about 3x the forward pass (backward costs about twice the forward).
    """
    fixed = BYTES_PER_VALUE * params * (2 + optimizer_slots(optimizer, momentum))
    per_sample = BYTES_PER_VALUE * (input_size + activations)
    return Estimate(params, fixed + per_sample * batch_size, 3 * flops * batch_size, batch_size, per_sample, fixed)


def check_estimate(est: Estimate, heaviest: str, lim: Limits | None = None) -> list[SpecError]:
    """Refusals for parameters, training memory and FLOPs per step; `heaviest` is the largest layer's path."""
    lim = lim or limits()
    errs = check_params(est.params, heaviest, lim)
    if est.memory_bytes > lim.memory_bytes:
        errs.append(_over("training.batch_size", msg("training would need about {need} of memory, more than "
                                                     "the {limit} allowed", need=human_bytes(est.memory_bytes),
                                                     limit=human_bytes(lim.memory_bytes)),
                          msg("batch size {n}", n=est.batch_size), "memory_mb",
                          *_batch_fix(est, (lim.memory_bytes - est.fixed_bytes) // max(1, est.per_sample_bytes))))
    if est.flops_per_step > lim.flops_per_step:
        per_sample = est.flops_per_step / max(1, est.batch_size)
        errs.append(_over("training.batch_size", msg("one training step would take about {need:.3g} floating-point "
                                                     "operations, more than the {limit:.3g} allowed",
                                                     need=est.flops_per_step, limit=lim.flops_per_step),
                          msg("batch size {n}", n=est.batch_size), "gflops_per_step",
                          *_batch_fix(est, int(lim.flops_per_step // max(1.0, per_sample)))))
    return errs


def check_params(params: int, heaviest: str, lim: Limits | None = None) -> list[SpecError]:
    """The refusal of a model with too many parameters, pointing at its largest layer."""
    lim = lim or limits()
    if params <= lim.params:
        return []
    return [_over(heaviest, msg("the model has {n:,} parameters, more than the {limit:,} allowed",
                                n=params, limit=lim.params), msg("{n:,} parameters", n=params), "params",
                  msg("make this, the largest layer, smaller (fewer units or filters, or pool before it)"))]


def _batch_fix(est: Estimate, fits: int) -> tuple[Any, list[Fix]]:
    """The words and fix for a batch size that fits, or for a smaller model when none does."""
    if fits >= 1 and fits < est.batch_size:
        size = 1 << (int(fits).bit_length() - 1)  # a power of two
        return (msg("set training.batch_size to {n}", n=size),
                [Fix(msg("set batch size to {n}", n=size),
                     [{"op": "set", "path": "training.batch_size", "value": size}])])
    return msg("make the model smaller (fewer units, filters or layers; pool images earlier)"), []


def report(est: Estimate | None, counted: tuple[int, int, str], lim: Limits | None = None) -> dict[str, Any]:
    """Each budget's use and limit, for summaries (validate, the API, the studio)."""
    lim = lim or limits()
    rows = [("layers", counted[0], lim.layers), ("depth", counted[1], lim.depth)]
    if est is not None:
        rows += [("params", est.params, lim.params), ("memory_bytes", est.memory_bytes, lim.memory_bytes),
                 ("flops_per_step", est.flops_per_step, lim.flops_per_step)]
    return {"profile": lim.profile, "config": lim.source or str(config_file()),
            "batch_size": est.batch_size if est else None,
            "items": [{"name": n, "label": LABELS[n], "used": u, "limit": lm, "ok": u <= lm,
                       "used_text": shown(n, u), "limit_text": shown(n, lm)} for n, u, lm in rows]}


LABELS = {"layers": "layers", "depth": "nesting depth", "params": "parameters",
          "memory_bytes": "training memory", "flops_per_step": "FLOPs per step"}


def shown(name: str, value: float) -> str:
    """A budget's number as people read it: 1,234 parameters, 1.5 GiB, 2.4e+09 FLOPs."""
    if name == "memory_bytes":
        return human_bytes(value)
    if name == "flops_per_step":
        return f"{value:.3g}"
    return f"{int(value):,}"


def human_bytes(n: float) -> str:
    """1536 -> '1.5 KiB'."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"


# -- data and files ------------------------------------------------------------------------------
def check_features(n: int, where: str, lim: Limits | None = None, column: str | None = None) -> None:
    """Refuse a table whose encoded width exceeds the budget (call it before allocating the matrix)."""
    lim = lim or limits()
    if n > lim.features:
        words = msg("drop or bin the column {column!r} (each distinct text value becomes one feature)",
                    column=column) if column else msg("drop columns with many distinct text values")
        raise _over(where, msg("the table would have {n:,} features after encoding, more than the {limit:,} "
                               "allowed", n=n, limit=lim.features), msg("{n:,} features", n=n), "features", words)


def check_pixels(width: int, height: int, where: str, lim: Limits | None = None) -> None:
    """Refuse one picture by its header's size, before decoding a pixel."""
    lim = lim or limits()
    if width * height > lim.image_pixels:
        raise _over(where, msg("the picture has {mp:.1f} megapixels, more than the {limit:.0f} allowed",
                               mp=width * height / 1e6, limit=lim.image_pixels / 1e6),
                    msg("{w} x {h} pixels", w=width, h=height), "image_megapixels",
                    msg("shrink it before adding it"))


def check_upload_pixels(total: int, where: str, lim: Limits | None = None) -> None:
    """Refuse an upload whose pictures together exceed the budget (sum of header sizes)."""
    lim = lim or limits()
    if total > lim.upload_pixels:
        raise _over(where, msg("the pictures of this upload have {mp:,.0f} megapixels together, more than the "
                               "{limit:,.0f} allowed", mp=total / 1e6, limit=lim.upload_pixels / 1e6),
                    msg("{mp:,.0f} megapixels", mp=total / 1e6), "upload_megapixels",
                    msg("upload fewer or smaller pictures"))


def check_workspace(files: int, nbytes: int, where: str, lim: Limits | None = None) -> None:
    """Refuse a write that would take a workspace past its file count or size."""
    lim = lim or limits()
    if files > lim.workspace_files:
        raise _over(where, msg("the workspace would hold {n:,} files, more than the {limit:,} allowed", n=files,
                               limit=lim.workspace_files), msg("{n:,} files", n=files), "workspace_files",
                    msg("delete projects or data you no longer need"))
    if nbytes > lim.workspace_bytes:
        raise _over(where, msg("the workspace would take {need}, more than the {limit} allowed",
                               need=human_bytes(nbytes), limit=human_bytes(lim.workspace_bytes)),
                    human_bytes(nbytes), "workspace_mb", msg("delete projects or data you no longer need"))


def describe() -> list[dict[str, Any]]:
    """Every budget in force with its config key, for docs and `layerlab validate`."""
    lim = limits()
    return [{"key": _KEY_OF[f.name], "value": getattr(lim, f.name), "profile": lim.profile}
            for f in fields(Limits) if f.name in _KEY_OF]
