"""check_layer_kind(kind): does a layer kind keep the whole contract? For ours and for plug-ins'.

Like scikit-learn's check_estimator: a plug-in author runs it in their own tests, over the cases
their kind declares (LayerKind.cases: params, an input shape and the output shape it must give).
Per case it checks the shape rule against a real forward pass, the parameter count against the
built module, FLOPs and activation size, the generated code (same output for the same weights),
the LaTeX and save -> reload (safetensors). On the first case it exports a one-layer model to
ONNX (run by onnxruntime) and TorchScript and compares the outputs, or checks the declared
refusal (exportable=False with an export_note), and it checks that the kind carries its TF.js
adapters both ways or a declared Refused(reason). Text must be present in English and German.

>>> from layerlab.layers.conformance import check_layer_kind
>>> sorted(check_layer_kind("flatten", exports=False))[:4]
['activation size', 'code', 'declared', 'flops']

A failure raises KindConformanceError naming the kind, the case, what failed, why and the fix.
"""
from __future__ import annotations

import io
import warnings
from typing import Any, Callable, Sequence

import numpy as np
import torch
from safetensors.torch import load as st_load, save as st_save
from torch import nn

from ..i18n import translate
from .base import FAMILIES, Case, LayerKind, code_namespace, get_layer, numel

TOLERANCE = 1e-4   # largest absolute difference allowed between two computations of one output
BATCH = 3          # samples per test input (the exports then run on another batch size)
ONNX_OPSET = 17    # as the ONNX export (export/onnx_export.py)

# a further check a caller adds (e.g. the TF.js round trip, which lives above the layers): f(kind, case)
ExtraCheck = Callable[[LayerKind, Case], None]


class KindConformanceError(AssertionError):
    """A layer kind that breaks its contract: which kind and case, what, why, and the fix."""

    def __init__(self, kind: LayerKind, case: Case | None, what: str, why: str, fix: str):
        where = f"layer kind {kind.name!r} ({type(kind).__module__}.{type(kind).__qualname__})"
        if case is not None:
            where += f", case in_shape={tuple(case.in_shape)} params={dict(case.params)}"
        super().__init__(f"{where}: {what}. Why it matters: {why}. Fix: {fix}")
        self.kind, self.case, self.what = kind.name, case, what


def check_layer_kind(kind: str | LayerKind, *, exports: bool = True,
                     extra_checks: Sequence[ExtraCheck] = ()) -> list[str]:
    """Run every check on every case a kind declares; the names of the checks passed, or KindConformanceError.

    exports: also ONNX and TorchScript on the first case (a few seconds). extra_checks run per case.
    """
    k = get_layer(kind) if isinstance(kind, str) else kind
    passed: list[str] = []
    _declared(k)
    passed += ["declared", "german"]
    check_tfjs_adapter(k)
    passed.append("tfjs adapter")
    for i, case in enumerate(k.cases):
        names = _case(k, case)
        if exports and i == 0:
            names += _exports(k, case)
        for extra in extra_checks:
            extra(k, case)
        passed += [n for n in names if n not in passed]
    return passed


# -- the kind as a whole -----------------------------------------------------------------------------
def _declared(k: LayerKind) -> None:
    def fail(what: str, fix: str) -> None:
        raise KindConformanceError(k, None, what, "the palette, the docs and these checks read it", fix)
    if not getattr(k, "name", "") or get_layer(k.name) is not k:
        fail("it is not registered under its name", "decorate the class with @register and give it a unique `name`")
    if k.family not in FAMILIES:
        fail(f"family {k.family!r} is not one of {FAMILIES}", "pick one of those families")
    for attr in ("summary", "explain", "latex"):
        if not getattr(k, attr):
            fail(f"it has no {attr}", f"set the class attribute `{attr}`")
    for p in k.params:
        if not p.description:
            fail(f"parameter {p.name!r} has no description", "give the Param a description")
    if not k.cases:
        fail("it declares no conformance cases", "set `cases = (Case(in_shape, params, out_shape), ...)` on the class")
    if not k.exportable and not k.export_note:
        fail("it is marked not exportable without a reason", "set `export_note` to why ONNX cannot hold it")
    de = german_summary(k)
    if not de or de == k.summary:
        raise KindConformanceError(k, None, "its summary has no German translation",
                                   "the studio speaks German to pupils", "add the German summary to the catalogue")


def german_summary(k: LayerKind) -> str:
    """The kind's summary in German: from the message catalogues (i18n/locale), else what the kind says
    itself (a plug-in outside layerlab cannot add to the catalogues: a `summary_de` class attribute)."""
    de = translate(k.summary, "de")
    if de == k.summary:
        said = (k.describe().get("summary_de"), getattr(k, "summary_de", ""))
        de = next((s for s in said if s and s != k.summary), de)
    return de


def check_tfjs_adapter(k: LayerKind) -> None:
    """The kind carries its TF.js adapter both ways (export, import, reference) or declares a refusal.

    The numeric round trip needs the TF.js writer and reader above the layers: pass it as an extra check.
    """
    if not hasattr(LayerKind, "tfjs_export"):
        return  # the TF.js adapters are not part of the contract in this version
    refused = getattr(k, "tfjs_refused", None)
    if refused is not None:
        if not str(getattr(refused, "reason", "")).strip():
            raise KindConformanceError(k, None, "it refuses TF.js without a reason", "the export page shows why",
                                       "declare tfjs_refused = Refused(msg('...why...'))")
        return
    def own(*names: str) -> bool:  # overrides one of these methods of LayerKind
        return any(getattr(type(k), n, None) is not getattr(LayerKind, n, None) for n in names)
    missing = [m for m, alts in (("tfjs_export", ()), ("tfjs_import", ("tfjs_import_block",)), ("tfjs_reference", ()))
               if not own(m, *alts)]
    if missing:
        raise KindConformanceError(k, None, f"it has no TF.js adapter ({', '.join(missing)})",
                                   "the TF.js export and import dispatch to the kind",
                                   "override tfjs_export, tfjs_import and tfjs_reference, or set tfjs_refused")


# -- one case -------------------------------------------------------------------------------------------
def example_input(k: LayerKind, p: dict[str, Any], in_shape: tuple[int, ...], batch: int = BATCH,
                  seed: int = 1) -> torch.Tensor:
    """A batch for a case: token ids below input_dim for token layers, else standard normals."""
    g = torch.Generator().manual_seed(seed)
    if k.token_input:
        return torch.randint(0, int(p.get("input_dim", 2)), (batch, *in_shape), generator=g)
    return torch.randn(batch, *in_shape, generator=g)


def _close(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a.detach().double() - b.detach().double()).abs().max()) if a.numel() else 0.0


def _case(k: LayerKind, case: Case) -> list[str]:
    path = "model.layers[0]"
    in_shape, want = tuple(case.in_shape), tuple(case.out_shape)
    p = k.resolve({"type": k.name, **case.params}, path)

    def fail(what: str, why: str, fix: str) -> None:
        raise KindConformanceError(k, case, what, why, fix)

    # shape rule and costs: pure, they run on every edit of a spec (no torch modules built)
    init = nn.Module.__init__

    def no_build(*a: Any, **kw: Any) -> None:
        raise RuntimeError("built a torch module")
    nn.Module.__init__ = no_build  # type: ignore[method-assign]
    try:
        out = tuple(k.infer_shape(p, in_shape, path))
        count = k.param_count(p, in_shape)
        flops, acts = k.flops(p, in_shape, out), k.activation_size(p, in_shape, out)
    except RuntimeError as e:
        if "built a torch module" not in str(e):
            raise
        fail("its shape rule or costs build a torch module", "they run on every edit of a spec and must be quick",
             "compute infer_shape, param_count, flops and activation_size from the parameters")
    finally:
        nn.Module.__init__ = init  # type: ignore[method-assign]
    if out != want:
        fail(f"infer_shape gives {out}, the case declares {want}", "budgets and the next layer read this shape",
             "correct the shape rule or the case's out_shape")
    for name, v in (("flops", flops), ("activation_size", acts)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            fail(f"{name} is {v!r}, not a whole number >= 0", "the run budgets add them up",
                 f"return an int from {name}()")
    if flops == 0 and count > 0:
        fail("flops is 0 for a layer with weights", "the run budgets would count it as free",
             "count 2 per multiply-add (see base.weight_flops)")

    torch.manual_seed(0)
    module = k.build(p, in_shape).eval()
    x = example_input(k, p, in_shape)
    with torch.no_grad():
        y = module(x)
    if tuple(y.shape) != (BATCH, *want):
        fail(f"the built module gives {tuple(y.shape[1:])} per sample, the shape rule says {want}",
             "the shape rule must match what PyTorch computes", "make build() and infer_shape() agree")
    real = sum(t.numel() for t in module.parameters() if t.requires_grad)
    if count != real:
        fail(f"param_count says {count}, the built module has {real} trainable values",
             "the model summary and budgets show param_count", "make param_count() count what build() makes")

    # the generated code builds the same module: same weights, same output
    code = k.code(p, in_shape)
    try:
        twin = eval(code, code_namespace())  # our kinds' own generated text, never user input
        twin.load_state_dict(module.state_dict())
    except Exception as e:  # noqa: BLE001 - any failure here is the finding
        fail(f"its code() {code!r} does not build a module with the same weights ({e})",
             "the standalone script runs this code", "return an expression of nn/torch and the kind's helper classes")
    with torch.no_grad():
        d = _close(twin.eval()(x), y)
    if d > TOLERANCE:
        fail(f"the module its code() builds computes something else (max difference {d:.2g})",
             "the standalone script must train the model the studio trained", "make code() match build()")

    latex = k.math(p, in_shape)
    if not latex or latex.count("{") != latex.count("}"):
        fail(f"math() gives unbalanced or empty LaTeX: {latex!r}", "the Model page renders it with KaTeX",
             "return a formula with balanced braces")

    # save -> reload: the weights file of a run holds state_dict() as safetensors
    torch.manual_seed(123)
    fresh = k.build(p, in_shape).eval()
    try:
        fresh.load_state_dict(st_load(st_save({n: t.contiguous() for n, t in module.state_dict().items()})))
    except Exception as e:  # noqa: BLE001
        fail(f"its weights do not survive save -> reload ({e})", "runs save weights and load them into a fresh build",
             "keep state_dict() names and shapes the same for the same parameters")
    with torch.no_grad():
        d = _close(fresh(x), y)
    if d > TOLERANCE:
        fail(f"a fresh build with the saved weights computes something else (max difference {d:.2g})",
             "a reloaded run must predict as it did", "keep all state in parameters or buffers")
    return ["shape rule", "param count", "flops", "activation size", "code", "math", "save/reload"]


# -- exports ------------------------------------------------------------------------------------------
def _exports(k: LayerKind, case: Case) -> list[str]:
    in_shape = tuple(case.in_shape)
    p = k.resolve({"type": k.name, **case.params}, "model.layers[0]")
    if not k.exportable:
        return ["export refusal"]   # declared with its export_note (checked in _declared)
    torch.manual_seed(0)
    module = k.build(p, in_shape).eval()
    x = example_input(k, p, in_shape)
    other = example_input(k, p, in_shape, batch=BATCH + 2, seed=2)   # the batch axis is dynamic
    with torch.no_grad():
        want = module(other)

    def fail(what: str, e: Exception | str) -> None:
        raise KindConformanceError(k, case, what, f"the export page offers it for every layer ({e})",
                                   "use operations the exporter knows, or set exportable = False with an export_note")
    import onnxruntime as ort  # deferred: heavy, and only needed when exports are checked
    buf = io.BytesIO()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(module, (x,), buf, dynamo=False, input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                              opset_version=ONNX_OPSET, do_constant_folding=True)
        opts = ort.SessionOptions()
        opts.log_severity_level, opts.intra_op_num_threads = 3, 1
        sess = ort.InferenceSession(buf.getvalue(), opts, providers=["CPUExecutionProvider"])
        got = sess.run(None, {"input": other.numpy()})[0]
    except Exception as e:  # noqa: BLE001
        fail("ONNX export or run failed", e)
    d = float(np.abs(got - want.numpy()).max()) if want.numel() else 0.0
    if d > TOLERANCE:
        fail(f"ONNX computes something else (max difference {d:.2g})", "onnxruntime vs PyTorch")
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            traced = torch.jit.trace(module, (x,), check_trace=False)
            buf = io.BytesIO()
            torch.jit.save(traced, buf)
            buf.seek(0)
            got_ts = torch.jit.load(buf, map_location="cpu")(other)
    except Exception as e:  # noqa: BLE001
        fail("TorchScript export failed", e)
    d = _close(got_ts, want)
    if d > TOLERANCE:
        fail(f"TorchScript computes something else (max difference {d:.2g})", "traced vs PyTorch")
    return ["onnx", "torchscript"]
