"""The model half of the standalone script: the Model class, with LayerLab's initializers and penalties.

Each spec layer becomes one line, the layer kind's own `code()` text. That text builds the
module as PyTorch makes it; LayerLab then redraws weights with the layer's initializers and
gives the layer its L1/L2 penalties. Both are added here, only where a layer asks for them:
`initialized(<layer>, kernel, bias)` right after the layer is made, so the random draws come in
the engine's order, and the penalty weights as `Activated(...)` arguments.

>>> text, helpers, out = model_code([{"type": "dense", "units": 3, "kernel_initializer": "he_normal"}], (4,))
>>> 'initialized(Activated(nn.Linear(4, 3, bias=True), nn.ReLU()), "he_normal", "default")' in text, out
(True, (3,))
"""
from __future__ import annotations

import inspect
import re
from typing import Any

from ..layers import modules as M
from ..layers.base import get_layer, module_classes
from ..layers.initializers import INITIALIZERS, REGULARIZER_PARAMS
from ..layers.stack import first_error, infer_stack

CLASSES = dict(module_classes())  # the layer kinds' helper classes; helper_classes() adds plug-ins' too
SCALING = {"glorot_uniform": (1.0, "fan_avg", True), "glorot_normal": (1.0, "fan_avg", False),
           "he_uniform": (2.0, "fan_in", True), "he_normal": (2.0, "fan_in", False),
           "lecun_uniform": (1.0, "fan_in", True), "lecun_normal": (1.0, "fan_in", False)}
INIT_CODE = {
    **{name: f'lambda t: variance_scaling(t, {s!r}, "{mode}", {u})' for name, (s, mode, u) in SCALING.items()},
    "default": "None",  # as PyTorch made it
    "orthogonal": "lambda t: nn.init.orthogonal_(t if t.dim() >= 2 else t.view(1, -1))",
    "identity": "lambda t: nn.init.eye_(t) if t.dim() == 2 else nn.init.dirac_(t) if 3 <= t.dim() <= 5 "
                "else nn.init.ones_(t)",
    "zeros": "nn.init.zeros_",
    "ones": "nn.init.ones_",
    "constant": "lambda t: nn.init.constant_(t, 0.1)",
    "random_uniform": "lambda t: nn.init.uniform_(t, -0.05, 0.05)",
    "random_normal": "lambda t: nn.init.normal_(t, 0.0, 0.05)",
    "truncated_normal": "lambda t: nn.init.trunc_normal_(t, 0.0, 0.05, -0.1, 0.1)",
}
REG_NAMES = [r.name for r in REGULARIZER_PARAMS]   # the order of Activated.reg


def helper_classes(code: str) -> list[str]:
    """Names of the layer helper classes a piece of code uses, dependencies first."""
    CLASSES.update(module_classes())
    found: list[str] = []

    def visit(text: str) -> None:
        for name in CLASSES:
            if name not in found and re.search(rf"\b{name}\b", text):
                found.append(name)
                visit(inspect.getsource(CLASSES[name]))
    visit(code)
    order = list(CLASSES)  # source order keeps dependencies before users (shared Activated last)
    return sorted(found, key=order.index)


def _inits(p: dict[str, Any]) -> tuple[str, str]:
    return p.get("kernel_initializer", "default"), p.get("bias_initializer", "default")


def nested_initializers(layers: list[dict[str, Any]]) -> bool:
    """True when a layer inside another (a residual block's) asks for a non-default initializer."""
    def deep(ls: list[Any], top: bool) -> bool:
        return any(isinstance(d, dict) and ((not top and _inits(d) != ("default", "default"))
                                            or deep(d.get("layers") or [], False)) for d in ls)
    return deep(layers, True)


def _with_penalties(code: str, module: Any) -> str:
    """The layer's code with its nonzero L1/L2 weights as Activated(...) arguments."""
    reg = getattr(module, "reg", None)
    if not isinstance(module, M.Activated) or not any(reg):
        return code
    if not (code.startswith("Activated(") and code.endswith(")")):
        return code
    return code[:-1] + "".join(f", {n}={v!r}" for n, v in zip(REG_NAMES, reg) if v) + ")"


def model_code(layers: list[dict[str, Any]], input_shape: tuple[int, ...], network: Any = None
               ) -> tuple[str, list[str], tuple[int, ...]]:
    """The `Model` class text (one line per spec layer, with its output shape), helper names, output shape.

    With the trained network, penalties of layers nested in others (not expressible on their
    line) are set after construction by module path.
    """
    rows = infer_stack(layers, tuple(input_shape))
    err = first_error(rows)
    if err is not None:
        raise err
    top = list(getattr(network, "layers", [])) if network is not None else []
    lines, inits, handled = [], set(), set()
    for r in rows:
        code = get_layer(r.type).code(r.resolved, r.in_shape)
        if r.index < len(top) and _with_penalties(code, top[r.index]) != code:
            code = _with_penalties(code, top[r.index])
            handled.add(f"layers.{r.index}")
        kernel, bias = _inits(r.resolved)
        if (kernel, bias) != ("default", "default") and kernel in INITIALIZERS and bias in INITIALIZERS:
            code = f'initialized({code}, "{kernel}", "{bias}")'
            inits |= {kernel, bias}
        lines.append(f"            {code},  # {r.index}: {r.type} -> {tuple(r.out_shape)}")
    nested = []
    for name, m in (network.named_modules() if network is not None else []):
        if isinstance(m, M.Activated) and any(m.reg) and name not in handled:
            nested.append(f'        self.get_submodule("{name}").reg = {tuple(m.reg)!r}')
    body = "\n".join(lines)
    last_act = get_layer(rows[-1].type).activation_of(rows[-1].resolved) if rows else None
    squash = last_act in ("softmax", "sigmoid", "log_softmax")
    after = ("\n        # L1/L2 penalties of layers inside others: " + ", ".join(REG_NAMES) + "\n"
             + "\n".join(nested)) if nested else ""
    text = f'''class Model(nn.Module):
    """The network: input {tuple(input_shape)} (batch first), one module per LayerLab layer."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([
{body}
        ]){after}

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def logits(self, x):
        """The output before the final {last_act or "activation"}: losses use it for numerical stability."""
        for layer in self.layers[:-1]:
            x = layer(x)
        return self.layers[-1]({"x, apply_activation=False" if squash else "x"})
'''
    if inits:
        text = init_code(inits) + "\n\n" + text
    out_shape = tuple(rows[-1].out_shape) if rows else tuple(input_shape)
    uses = body + (" Activated" if squash or inits else "")
    return text, helper_classes(uses), out_shape


def init_code(names: set[str]) -> str:
    """INITIALIZERS (only those used) and initialized(): LayerLab's initializers (layers/initializers.py)."""
    table = "".join(f'    "{n}": {INIT_CODE[n]},\n' for n in INITIALIZERS if n in names)
    scaling = '''def variance_scaling(t, scale, mode, uniform):
    """Keras' VarianceScaling: uniform within +-sqrt(3 var), or a normal cut at 2 std, var = scale / fan."""
    fan_in, fan_out = (t.numel(), t.numel()) if t.dim() < 2 else nn.init._calculate_fan_in_and_fan_out(t)
    var = scale / max(1.0, fan_in if mode == "fan_in" else (fan_in + fan_out) / 2)
    if uniform:
        limit = math.sqrt(3.0 * var)
        nn.init.uniform_(t, -limit, limit)
    else:
        std = math.sqrt(var) / 0.87962566103423978  # the spread of a unit normal cut at +-2
        nn.init.trunc_normal_(t, 0.0, std, -2 * std, 2 * std)


''' if names & set(SCALING) else ""
    return f'''{scaling}INITIALIZERS = {{  # the layers' kernel_initializer / bias_initializer
{table}}}


def initialized(layer, kernel, bias):
    """The layer with its weights redrawn by the named initializers, as LayerLab starts it."""
    core = layer.core if isinstance(layer, Activated) else layer
    with torch.no_grad():
        for name, t in core.named_parameters():
            fill = INITIALIZERS[bias if name.rsplit(".", 1)[-1].startswith("bias") else kernel]
            if fill is not None:
                fill(t)
    return layer
'''
