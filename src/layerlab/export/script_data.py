"""The data half of the standalone script: loading, LayerLab's split, scaling and augmentation.

The script must see the samples the engine saw, in the same split and scale, or its numbers
cannot agree with the run's. scikit-learn's bundled sets are split in the script with the same
call layerlab.data.split makes; any other source ships its split beside its samples (the .npz
holds the index arrays). Scaling is fitted on the training part as layerlab.data.preprocess
fits it, and augmentation draws from the shuffling generator in the engine's order.

>>> print(split_code("classification", has_val=True, has_test=False).splitlines()[-1])
    return cut(np.arange(len(y)), y, VALIDATION_SPLIT, DATA_SEED + 1)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..data.augment import augmenter
from ..data.base import get_source
from ..data.split import split_indices

SKLEARN = {"digits", "iris", "wine", "breast_cancer", "diabetes"}


def split_parts(y: np.ndarray, task: str, data: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (train, validation, test) indices LayerLab uses for these targets and data settings."""
    return split_indices(np.asarray(y), task, float(data.validation_split), float(data.test_split), int(data.seed))


def sklearn_targets(source: str) -> np.ndarray:
    """The targets of a bundled scikit-learn set (to know the sizes of its split at export time)."""
    src = get_source(source)
    return src.load(src.resolve({}), None, 0).y


def load_code(source: str, task: str, stem: str, parts: tuple[bool, bool]) -> tuple[str, str, str]:
    """(load_data() text, the train() line that loads and splits, what the header says about the data)."""
    has_val, has_test = parts
    names = ["train_idx"] + (["val_idx"] if has_val else []) + (["test_idx"] if has_test else [])
    if source in SKLEARN:
        reshape = ".reshape(-1, 1, 8, 8) / 16.0" if source == "digits" else ""
        ytype = "np.float32).reshape(-1, 1" if task == "regression" else "np.int64"
        text = f'''def load_data():
    """All samples of scikit-learn's bundled {source!r} set, as LayerLab reads them."""
    from sklearn.datasets import load_{source}
    d = load_{source}()
    x = np.asarray(d.data, dtype=np.float32){reshape}
    return x.astype(np.float32), np.asarray(d.target).astype({ytype})
'''
        call = ("x, y = load_data()\n    " + f"{', '.join(names)} = split(y)") if len(names) > 1 else \
            "x, y = load_data()\n    train_idx = np.arange(len(y))"
        return text, call, f"scikit-learn (for its bundled {source!r} dataset)"
    keys = ", ".join(f'd["{n.removesuffix("_idx")}"]' for n in names)
    text = f'''def load_data():
    """The project's samples ({source!r}) as LayerLab read them, and LayerLab's split of them."""
    with np.load(Path(__file__).with_name("{stem}_data.npz"), allow_pickle=False) as d:
        return d["x"], d["y"], {keys}
'''
    return text, f"x, y, {', '.join(names)} = load_data()", f"the file {stem}_data.npz beside this script"


def split_code(task: str, has_val: bool, has_test: bool) -> str:
    """split(y) for scikit-learn sets: layerlab.data.split's seeded (and stratified) cut, in the same order."""
    if not has_val and not has_test:
        return ""
    strat = '''
    counts = np.unique(y[idx], return_counts=True)[1]
    fits = counts.min() >= 2 and len(counts) <= n_hold <= len(idx) - len(counts)  # every class on both sides
    strata = y[idx] if fits else None''' \
        if task == "classification" else ""
    stratify = ", stratify=strata" if task == "classification" else ""
    text = f'''def cut(idx, y, share, seed):
    """Hold out round(share * len(idx)) of idx with scikit-learn's seeded shuffle{" (stratified)" if strat else ""}."""
    n_hold = int(round(len(idx) * share))
    if n_hold == 0:
        return idx, idx[:0]
    from sklearn.model_selection import train_test_split{strat}
    keep, hold = train_test_split(idx, test_size=n_hold, random_state=seed, shuffle=True{stratify})
    return np.sort(keep), np.sort(hold)


def split(y):
    """LayerLab's split: first the test share, then the validation share of all samples."""
'''
    if has_test:
        text += "    rest, test = cut(np.arange(len(y)), y, TEST_SPLIT, DATA_SEED)\n"
        if has_val:
            return text + ("    train, val = cut(rest, y, VALIDATION_SPLIT / (1.0 - TEST_SPLIT), DATA_SEED + 1)\n"
                           "    return train, val, test\n")
        return text + "    return rest, test\n"
    return text + "    return cut(np.arange(len(y)), y, VALIDATION_SPLIT, DATA_SEED + 1)\n"


def scaling_code(method: str) -> str:
    """fit_scaling(x) for 'standard' or 'minmax' (as layerlab.data.preprocess fits it); empty for 'none'."""
    if method == "none":
        return ""
    stats = ("m = x.mean(axis=AXES, keepdims=True)[0]\n    s = x.std(axis=AXES, keepdims=True)[0]"
             if method == "standard" else
             "m = x.min(axis=AXES, keepdims=True)[0]\n    s = x.max(axis=AXES, keepdims=True)[0] - m")
    what = "mean and standard deviation" if method == "standard" else "minimum and range"
    return f'''def fit_scaling(x):
    """(offset, scale): the training inputs' {what} over AXES (a constant feature keeps scale 1)."""
    x = x.astype(np.float64)
    {stats}
    return m.astype(np.float32), np.where(s < 1e-12, 1.0, s).astype(np.float32)
'''


def target_scaling_code() -> str:
    """fit_target_scaling(y): regression targets standardised on the training part."""
    return '''def fit_target_scaling(y):
    """(offset, scale) of each regression target on the training part (standardize_target)."""
    y = y.astype(np.float64)
    s = y.std(axis=0)
    return y.mean(axis=0).astype(np.float32), np.where(s < 1e-12, 1.0, s).astype(np.float32)
'''


def augment_steps(spec: Any, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """The project's resolved augmentation steps (SpecErrors name the bad setting, as in training)."""
    if not spec.data.augmentation:
        return []
    return list(augmenter(spec.data.augmentation, kind).steps)


def augment_code(steps: list[tuple[str, dict[str, Any]]], kind: str, scaled: bool) -> str:
    """augment(x, g[, offset, scale]): the engine's augmentation of a training batch, drawn from g in its order."""
    if not steps:
        return ""
    names = ", ".join(n for n, _ in steps)
    if kind != "image":
        lines = [f"x = x + torch.randn(x.shape, generator=g) * {p['std']!r}  # {n}" for n, p in steps]
        return f'''def augment(x, g):
    """A training batch with {names} as LayerLab augments it (random draws from g)."""
    x = x.float()
    {chr(10).join("    " + line for line in lines).strip()}
    return x
'''
    body = ["x = x * torch.from_numpy(scale) + torch.from_numpy(offset)  # back to pixel values 0..1"
            if scaled else "x = x.float()", "n = x.shape[0]"]
    body += _geometric_lines(dict(steps))
    for name, p in steps:
        if name == "brightness":
            body.append(f"x = x + uniform(n, -{p['delta']!r}, {p['delta']!r}, g).view(n, 1, 1, 1)  # brightness")
        elif name == "contrast":
            body += ["mean = x.mean(dim=(1, 2, 3), keepdim=True)  # contrast around each image's mean",
                     f"factor = uniform(n, 1 - {p['factor']!r}, 1 + {p['factor']!r}, g)",
                     "x = (x - mean) * factor.view(n, 1, 1, 1) + mean"]
        elif name == "noise":
            body.append(f"x = x + torch.randn(x.shape, generator=g) * {p['std']!r}  # pixel noise")
    if any(n in ("brightness", "contrast", "noise") for n, _ in steps):
        body.append("x = x.clamp(0.0, 1.0)")
    body.append("return (x - torch.from_numpy(offset)) / torch.from_numpy(scale)" if scaled else "return x")
    return f'''def uniform(n, lo, hi, g):
    """n random numbers between lo and hi from the generator g."""
    return lo + (hi - lo) * torch.rand(n, generator=g)


def augment(x, g{", offset, scale" if scaled else ""}):
    """A training batch with {names} as LayerLab augments it (random draws from g)."""
    {chr(10).join("    " + line for line in body).strip()}
'''


def _geometric_lines(steps: dict[str, dict[str, Any]]) -> list[str]:
    """Flip, rotation, shift and zoom as one affine warp per image, drawn in the engine's order."""
    if not any(k in steps for k in ("flip", "rotation", "shift", "zoom")):
        return []
    f = steps.get("flip")
    lines = [f"sx = torch.where(torch.rand(n, generator=g) < {f['probability']!r}, -1.0, 1.0)  # mirror left-right"
             if f and f["horizontal"] else "sx = torch.ones(n)",
             f"sy = torch.where(torch.rand(n, generator=g) < {f['probability']!r}, -1.0, 1.0)  # mirror top-bottom"
             if f and f["vertical"] else "sy = torch.ones(n)"]
    lines.append(f"angle = uniform(n, -1, 1, g) * math.radians({steps['rotation']['degrees']!r})"
                 if "rotation" in steps else "angle = torch.zeros(n)")
    z = steps.get("zoom")
    lines.append(f"zoom = uniform(n, 1 - {z['fraction']!r}, 1 + {z['fraction']!r}, g)" if z else "zoom = torch.ones(n)")
    s = steps["shift"]["fraction"] * 2 if "shift" in steps else 0.0  # grid coordinates span 2
    lines.append(f"tx, ty = uniform(n, -{s!r}, {s!r}, g), uniform(n, -{s!r}, {s!r}, g)  # shift" if s
                 else "tx, ty = torch.zeros(n), torch.zeros(n)")
    return lines + [
        "cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom",
        "theta = torch.stack([torch.stack([cos * sx, -sin * sy, tx], 1),",
        "                     torch.stack([sin * sx, cos * sy, ty], 1)], 1)  # (N, 2, 3)",
        "grid = F.affine_grid(theta, list(x.shape), align_corners=False)",
        'x = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)']
