"""Hypothesis strategies and the checks they feed: specs (random JSON, mutated examples) and
uploads (random bytes, truncated images, hostile ZIPs). Shared by tests/safety/test_fuzz_inputs.py
(a few hundred examples) and bench/fuzz_specs.py (as many as asked).

Every check states the contract: the input ends in a valid project / a stored upload, or
in a SpecError (UploadError) with a message; any other exception is a bug.
"""
from __future__ import annotations

import copy
import io
import stat
import warnings
import zipfile
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from PIL import Image

from layerlab import api
from layerlab.layers.base import load_all as load_layers
from layerlab.spec.errors import SpecError
from layerlab.spec.models import parse_project

MAX_BUILD_PARAMS = 2_000_000  # build and run only models this small (the fuzzer finds huge units too)

# -- specs ---------------------------------------------------------------------------------------
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)), max_leaves=12)
KEYS = ["version", "name", "task", "data", "model", "training", "source", "params", "layers", "type", "units",
        "filters", "kernel_size", "activation", "epochs", "batch_size", "learning_rate", "optimizer", "loss",
        "validation_split", "rate", "pool_size", "strides", "padding", "seed", "shape", "input_shape"]
small_values = st.one_of(st.integers(-3, 300), st.sampled_from([0, 1, 2, 3, 10**9, -1, 0.5, 1e308]),
                         st.floats(allow_nan=True), st.sampled_from(["relu", "softmax", "same", "valid", "", "x"]),
                         st.none(), st.booleans(), st.lists(st.integers(-2, 40), max_size=4), json_values)


@st.composite
def random_docs(draw) -> Any:
    """Anything JSON, biased towards project-shaped dicts."""
    shaped = st.fixed_dictionaries({}, optional={k: small_values for k in KEYS[:6]})
    return draw(st.one_of(json_values, shaped))


@st.composite
def layer(draw) -> dict[str, Any]:
    kind = draw(st.sampled_from(sorted(load_layers()) + ["dense", "conv2d", "nope"]))
    params = draw(st.dictionaries(st.sampled_from(KEYS[9:]), small_values, max_size=3))
    return {"type": kind, **params}


@st.composite
def mutated_examples(draw) -> dict[str, Any]:
    """A built-in example with a few random edits: set a field, drop one, add/remove/replace layers."""
    doc = copy.deepcopy(api.example(draw(st.sampled_from(api.example_names()))))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["set", "drop", "add_layer", "del_layer", "layer_param", "training"]))
        layers = doc.get("model", {}).get("layers") if isinstance(doc.get("model"), dict) else None
        if op == "set":
            doc[draw(st.sampled_from(KEYS[:6]))] = draw(small_values)
        elif op == "drop" and doc:
            doc.pop(draw(st.sampled_from(sorted(doc))), None)
        elif op == "add_layer" and isinstance(layers, list):
            layers.insert(draw(st.integers(0, len(layers))), draw(layer()))
        elif op == "del_layer" and isinstance(layers, list) and layers:
            layers.pop(draw(st.integers(0, len(layers) - 1)))
        elif op == "layer_param" and isinstance(layers, list) and layers:
            target = layers[draw(st.integers(0, len(layers) - 1))]
            if isinstance(target, dict):
                target[draw(st.sampled_from(KEYS[9:]))] = draw(small_values)
        elif op == "training" and isinstance(doc.get("training"), dict):
            doc["training"][draw(st.sampled_from(["epochs", "batch_size", "learning_rate", "optimizer", "loss"]))] \
                = draw(small_values)
    return doc


def check_spec(doc: Any) -> str:
    """'valid' or 'error'; raises (a bug) on anything that is not a SpecError."""
    try:
        parse_project(doc)
        project = api.Project(doc)
        errors = project.errors()
        if errors:
            assert all(isinstance(e, SpecError) and e.message for e in errors)
            for e in errors:
                e.to_dict()
            return "error"
        analysis = project.analyze()
        if analysis.total_params <= MAX_BUILD_PARAMS:
            import torch
            net = project.build()
            with torch.no_grad():
                x = torch.zeros(2, *analysis.input_shape, dtype=_input_dtype(project))
                out = net(x)
            assert tuple(out.shape[1:]) == tuple(analysis.output_shape), (out.shape, analysis.output_shape)
        return "valid"
    except SpecError as e:
        assert e.message
        e.to_dict()
        return "error"


def _input_dtype(project: api.Project):
    import torch
    return torch.long if project.data_info().kind == "tokens" else torch.float32


# -- uploads -------------------------------------------------------------------------------------
def image_bytes(fmt: str, size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (size[0] % 256, 80, 160)).save(buf, fmt)
    return buf.getvalue()


@st.composite
def image_like(draw) -> bytes:
    """Valid images, truncated or bit-flipped images, and random bytes."""
    fmt = draw(st.sampled_from(["PNG", "JPEG", "GIF", "BMP", "WEBP"]))
    data = bytearray(image_bytes(fmt, (draw(st.integers(1, 40)), draw(st.integers(1, 40)))))
    how = draw(st.sampled_from(["whole", "truncate", "flip", "random"]))
    if how == "truncate":
        data = data[:draw(st.integers(0, len(data)))]
    elif how == "flip":
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= draw(st.integers(1, 255))
    elif how == "random":
        data = bytearray(draw(st.binary(max_size=600)))
    return bytes(data)


entry_names = st.one_of(
    st.sampled_from(["a/1.png", "b/2.jpg", "../x.png", "../../etc/passwd", "/abs.png", "C:\\w.png", "a\\..\\..\\x.png",
                     "./ok/3.png", "a//b.png", ".hidden/x.png", "__MACOSX/._a.png", "dir/", "con/aux.png", "x" * 200]),
    st.text(min_size=1, max_size=30))


@st.composite
def hostile_zips(draw) -> bytes:
    """ZIPs with traversal names, symlinks, random or image contents, stored or deflated, then maybe damaged."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for _ in range(draw(st.integers(0, 6))):
            info = zipfile.ZipInfo(draw(entry_names))
            info.compress_type = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
            if draw(st.integers(0, 5)) == 0:
                info.create_system = 3
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            content = draw(st.one_of(image_like(), st.binary(max_size=200), st.just(b"\0" * 300_000)))
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", UserWarning)  # duplicate names are part of the test
                    zf.writestr(info, content)
            except (ValueError, UnicodeEncodeError):
                pass  # names zipfile itself refuses to write
    data = bytearray(buf.getvalue())
    if data and draw(st.booleans()):
        for _ in range(draw(st.integers(1, 6))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
    return bytes(data)


def check_upload(project: Path, name: str, data: bytes, kind: str) -> str:
    """'stored' or 'refused'; raises on any exception other than UploadError or a write outside the project."""
    from layerlab.data import safefiles as uploads
    limits = uploads.UploadLimits(max_unpacked_bytes=2_000_000)
    before = set(_files(project.parent))
    try:
        if kind == "zip":
            uploads.extract_images(project, data, name, limits)
        else:
            uploads.save_file(project, name, data, limits=limits)
        outcome = "stored"
    except uploads.UploadError as e:
        assert e.message and e.status in (400, 413, 415)
        outcome = "refused"
    after = set(_files(project.parent))
    root = project.resolve()
    escaped = [p for p in after - before if not p.resolve().is_relative_to(root / "data")]
    assert not escaped, escaped
    leftovers = [p for p in after if ".upload-" in str(p)]
    assert not leftovers, leftovers
    return outcome


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() or p.is_symlink()]
