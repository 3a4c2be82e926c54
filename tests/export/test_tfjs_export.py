"""TensorFlow.js export: every exportable layer kind computes in real TF.js (Node) what PyTorch computes;
what stays refused says why, and TF.js itself shows that the reason holds."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch

from export_cases import all_cases, exported
from layerlab.export.common import ExportFailed
from layerlab.export.tfjs import build_model_json, export_tfjs, refusal, supported, tfjs_input
from layerlab.export.tfjs_import import SUPPORTED
from layerlab.export.tfjs_layout import weight_files
from layerlab.export.tfjs_reference import run_model
from layerlab.spec.errors import SpecError

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / "scripts" / "tfjs_fixtures"
HAVE_NODE = shutil.which("node") is not None and (NODE_DIR / "node_modules" / "@tensorflow" / "tfjs").is_dir()
needs_node = pytest.mark.skipif(not HAVE_NODE, reason="Node.js with @tensorflow/tfjs is not installed: run "
                                "`npm ci --prefix scripts/tfjs_fixtures` (scripts/test does when node is present)")


def _ct(**kw):
    return {"type": "conv2d_transpose", "filters": 3, **kw}


# settings of the newer kinds where a wrong layout, crop or branch would show (the registry's defaults are easy)
EXTRA = {
    "ct_same_odd_overlap": ([_ct(kernel_size=3, strides=2, padding="same")], (2, 4, 5), None),
    "ct_same_even_overlap": ([_ct(kernel_size=4, strides=2, padding="same", activation="linear")], (2, 4, 5), None),
    "ct_kernel_below_strides": ([_ct(kernel_size=2, strides=3, use_bias=False)], (2, 3, 4), None),
    "ct_kernel_below_strides_same": ([_ct(kernel_size=2, strides=3, padding="same", activation="leaky_relu")],
                                     (2, 3, 4), None),
    "ct_mixed_kernel_then_dense": ([_ct(kernel_size=[3, 4], strides=2, padding="same", activation="tanh"),
                                    {"type": "flatten"}, {"type": "dense", "units": 3, "activation": "softmax"}],
                                   (2, 3, 4), None),
    "ln_between_convs": ([{"type": "conv2d", "filters": 3, "kernel_size": 2}, {"type": "layer_norm"},
                          {"type": "conv2d", "filters": 2, "kernel_size": 2}], (2, 5, 6), None),
    "ln_last_axis_of_maps": ([{"type": "conv2d", "filters": 3, "kernel_size": 2},
                              {"type": "layer_norm", "over": "last"}], (2, 5, 6), None),
    "ln_first_then_conv": ([{"type": "layer_norm", "epsilon": 1e-5}, {"type": "conv2d", "filters": 2, "kernel_size": 3},
                            {"type": "global_avg_pool"}], (3, 5, 4), None),
    "ln_sequence_steps": ([{"type": "lstm", "units": 4, "return_sequences": True}, {"type": "layer_norm", "over": "last"},
                           {"type": "simple_rnn", "units": 3}], (5, 3), None),
    "ln_features_unscaled": ([{"type": "dense", "units": 6}, {"type": "layer_norm", "scale": False},
                              {"type": "dense", "units": 2, "activation": "softmax"}], (4,), None),
    "res_dense_projection": ([{"type": "residual", "layers": [{"type": "dense", "units": 7, "activation": "relu"}],
                               "activation": "tanh"}], (5,), None),
    "res_conv_identity": ([{"type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same"},
                           {"type": "residual", "activation": "relu", "layers": [
                               {"type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu"},
                               {"type": "batch_norm"}]},
                           {"type": "flatten"}, {"type": "dense", "units": 3, "activation": "softmax"}], (2, 6, 5), None),
    "res_strided_conv_projection": ([{"type": "residual", "layers": [
                                        {"type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same", "strides": 2},
                                        {"type": "layer_norm", "over": "last"}]}], (2, 7, 6), None),
    "res_signal_length_projection": ([{"type": "conv1d", "filters": 3, "kernel_size": 2},
                                      {"type": "residual", "activation": "elu",
                                       "layers": [{"type": "conv1d", "filters": 3, "kernel_size": 3}]},
                                      {"type": "global_max_pool"}], (2, 9), None),
    "res_nested_sequence": ([{"type": "residual", "layers": [
                                {"type": "lstm", "units": 6, "return_sequences": True},
                                {"type": "residual", "layers": [{"type": "dense", "units": 6, "activation": "gelu"}]}]},
                             {"type": "global_avg_pool", "keep": "last"}], (5, 3), None),
    # TF.js' own recurrent defaults: hard-sigmoid gates, a GRU that resets before the recurrent weights
    "lstm_hard_sigmoid": ([{"type": "lstm", "units": 4, "return_sequences": True,
                            "recurrent_activation": "hard_sigmoid"},
                           {"type": "lstm", "units": 3, "recurrent_activation": "tanh"}], (5, 3), None),
    "gru_reset_before": ([{"type": "gru", "units": 4, "reset_after": False, "return_sequences": True},
                          {"type": "gru", "units": 3, "reset_after": False, "recurrent_activation": "hard_sigmoid"},
                          {"type": "dense", "units": 2, "activation": "softmax"}], (6, 2), None),
    # found by tests/layers/test_kind_conformance.py: softmax over the units of a sequence; TF.js has no
    # GlobalXPooling3D (a volume is reshaped to (D*H*W, C) first); a (C, L) signal pooled over L
    "dense_softmax_sequence": ([{"type": "dense", "units": 3, "activation": "softmax"}], (4, 6), None),
    "global_avg_pool_volume": ([{"type": "global_avg_pool"}], (3, 4, 4, 4), None),
    "global_max_pool_volume_after_conv3d": ([{"type": "conv3d", "filters": 4, "kernel_size": 2},
                                             {"type": "global_max_pool"}, {"type": "dense", "units": 2}],
                                            (2, 4, 5, 3), None),
    "global_avg_pool_signal": ([{"type": "global_avg_pool"}], (2, 7), None),
    "global_max_pool_signal_then_dense": ([{"type": "global_max_pool"}, {"type": "dense", "units": 3,
                                                                         "activation": "softmax"}], (2, 7), None),
    "res_tokens": ([{"type": "embedding", "input_dim": 20, "output_dim": 4},
                    {"type": "residual", "layers": [{"type": "dense", "units": 4, "activation": "relu"}]},
                    {"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}], (6,), 20),
}
NEW_KINDS = ("conv2d_transpose", "layer_norm", "residual")


def _source(layers, shape, vocab=None):
    """An export source whose every weight is random: default ones (gamma 1, bias 0) would hide a wrong layout."""
    src = exported(layers, shape, vocab)
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for p in src.network.parameters():
            p.add_(0.3 * torch.randn(p.shape, generator=g))
    return src


def _tfjs_exportable():
    ok = set(supported())
    cases = {n: c for n, c in all_cases().items()
             if all(d["type"] in ok and refusal(d) is None for d in c[0])}
    return {**cases, **EXTRA}


def _write_model(folder: Path, layers: list[dict], weights: list[tuple[str, np.ndarray]] = ()) -> Path:
    """A hand-written Sequential model.json, as TF.js' own layers would save it."""
    manifest, shards = weight_files(list(weights))
    folder.mkdir()
    (folder / "model.json").write_text(json.dumps({"modelTopology": {"class_name": "Sequential", "config": {
        "name": "probe", "layers": layers}}, "format": "layers-model", "weightsManifest": manifest}))
    for name, data in shards:
        (folder / name).write_bytes(data)
    return folder


def _refusal_probes(tmp_path):
    """Models that show why two kinds stay refused: (job, check of TF.js' answer)."""
    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, 2, 3, 4, generator=g)                                 # (B, C, H, W)
    torch_bilinear = torch.nn.functional.interpolate(x, scale_factor=(2, 3), mode="bilinear", align_corners=False)
    up = _write_model(tmp_path / "probe_bilinear", [{"class_name": "UpSampling2D", "config": {
        "name": "up", "size": [2, 3], "interpolation": "bilinear", "batch_input_shape": [None, 3, 4, 2]}}])

    def bilinear_differs(got):
        diff = np.abs(np.moveaxis(np.array(got["output"]), -1, 1) - torch_bilinear.numpy()).max()
        assert diff > 0.1, f"TF.js' bilinear upsampling now matches PyTorch's ({diff:.2g}): export it"

    gru = _write_model(tmp_path / "probe_gru", [{"class_name": "GRU", "config": {
        "name": "gru", "units": 3, "reset_after": True, "batch_input_shape": [None, 4, 2]}}])

    def reset_after_refused(got):
        assert "reset_after" in got.get("error", ""), "TF.js now builds a GRU with reset_after=True: export gru"

    return [({"dir": str(up), "input": np.moveaxis(x.numpy(), 1, -1).tolist(), "name": "probe_bilinear"},
             bilinear_differs),
            ({"dir": str(gru), "input": np.zeros((1, 4, 2)).tolist(), "name": "probe_gru"}, reset_after_refused)]


def test_supported_lists_agree_with_the_registry():
    assert {"dense", "conv2d", "max_pool2d", "flatten", "lstm", "simple_rnn", *NEW_KINDS} <= set(supported())
    assert "gru" in supported() and refusal({"type": "gru"}) is not None  # only a gru with reset_after false
    assert refusal({"type": "gru", "reset_after": False}) is None
    assert "Permute" in SUPPORTED


@needs_node
def test_exports_compute_the_same_in_tensorflow_js(tmp_path):
    """Every TF.js-exportable registry case and the settings above run in real TF.js, in one Node process."""
    jobs, checks = [], []
    for name, (layers, shape, vocab) in sorted(_tfjs_exportable().items()):
        src = _source(layers, shape, vocab)
        export_tfjs(src, tmp_path / name)
        doc = json.loads((tmp_path / name / "model.json").read_text())
        jobs.append({"dir": str(tmp_path / name), "input": tfjs_input(src, src.example, doc).tolist(), "name": name})
        with torch.no_grad():
            want = src.network(src.example).numpy()
        checks.append(lambda got, want=want, name=name:
                      np.testing.assert_allclose(np.array(got["output"], np.float32), want, rtol=0, atol=1e-4,
                                                 err_msg=name))
    for job, check in _refusal_probes(tmp_path):
        jobs.append(job)
        checks.append(check)
    (tmp_path / "jobs.json").write_text(json.dumps(jobs))
    proc = subprocess.run(["node", str(NODE_DIR / "predict.js"), str(tmp_path / "jobs.json")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout)
    assert len(jobs) >= 50 and {n for n in _tfjs_exportable() for k in NEW_KINDS if k in n}
    for job, check, got in zip(jobs, checks, results):
        if not job["name"].startswith("probe_"):
            assert "error" not in got, f"{job['name']}: {got.get('error', '')[:800]}"
        check(got)


def test_residual_blocks_become_a_graph_and_chains_stay_sequential():
    layers, shape, _ = EXTRA["res_conv_identity"]
    doc, _ = build_model_json(exported(layers, shape))
    topo = doc["modelTopology"]
    assert topo["class_name"] == "Model"
    add = next(layer for layer in topo["config"]["layers"] if layer["class_name"] == "Add")
    assert len(add["inbound_nodes"][0]) == 2           # the body and the shortcut
    layers, shape, _ = EXTRA["ln_between_convs"]
    doc, _ = build_model_json(exported(layers, shape))
    assert doc["modelTopology"]["class_name"] == "Sequential"
    assert [x["class_name"] for x in doc["modelTopology"]["config"]["layers"]] == \
        ["Conv2D", "LayerNormalization", "Conv2D", "Permute"]  # normalised channels-last: no permute around it


def test_the_check_catches_tf_js_cropping_a_transposed_convolution_differently(tmp_path):
    """TF.js' own 'same' crops the odd pixel at the end, LayerLab at the start: the export crops explicitly,
    and the check of the written files notices the naive mapping."""
    src = _source(*EXTRA["ct_same_odd_overlap"][:2])
    export_tfjs(src, tmp_path / "ct")
    doc = json.loads((tmp_path / "ct" / "model.json").read_text())
    from layerlab.export.tfjs_layout import read_model
    _, weights = read_model(tmp_path / "ct")
    x = tfjs_input(src, src.example, doc)
    want = src.network(src.example).detach().numpy()
    assert np.abs(run_model(doc, weights, x) - want).max() <= 1e-4
    layers = doc["modelTopology"]["config"]["layers"]
    assert [x["class_name"] for x in layers] == ["Conv2DTranspose", "Cropping2D", "Permute"]
    naive = json.loads(json.dumps(doc))
    naive_layers = naive["modelTopology"]["config"]["layers"]
    naive_layers[0]["config"]["padding"] = "same"
    del naive_layers[1]
    assert np.abs(run_model(naive, weights, x) - want).max() > 1e-2


@pytest.mark.parametrize("wrong, message", [
    (lambda w: w[::-1, ::-1].copy(), "does not compute what PyTorch computes"),     # the kernel stamped flipped
    (lambda w: w.transpose(0, 1, 3, 2).copy(), "could not be converted"),        # in and out channels swapped
])
def test_a_file_that_computes_something_else_is_never_written(tmp_path, monkeypatch, wrong, message):
    from layerlab.layers import tfjs_support
    right = tfjs_support.conv_transpose_kernel_to_tfjs
    monkeypatch.setattr(tfjs_support, "conv_transpose_kernel_to_tfjs", lambda w: wrong(right(w)))
    with pytest.raises(ExportFailed, match=message):
        export_tfjs(_source([_ct(kernel_size=4, strides=2, padding="same", filters=3)], (2, 4, 5)), tmp_path / "out")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("layers, shape, path, words", [
    ([{"type": "gru", "units": 3}], (4, 2), "model.layers[0]", "reset_after"),
    ([{"type": "residual", "layers": [{"type": "gru", "units": 2, "return_sequences": True}]}], (4, 2),
     "model.layers[0].layers[0]", "reset_after"),
    ([{"type": "upsampling2d", "interpolation": "bilinear"}], (2, 3, 3), "model.layers[0].interpolation", "nearest"),
    ([{"type": "lstm", "units": 3, "bidirectional": True}], (4, 2), "model.layers[0]", "bidirectional"),
])
def test_refused_layers_say_where_and_why(tmp_path, layers, shape, path, words):
    with pytest.raises(SpecError) as e:
        export_tfjs(exported(layers, shape), tmp_path / "out")
    assert e.value.path == path and words in str(e.value.hint)
    assert not (tmp_path / "out").exists()


def test_project_exports_the_new_kinds_and_the_panel_still_blocks_gru(tmp_path):
    import layerlab
    from tests.conftest import toy_doc
    layers = [{"type": "conv2d_transpose", "filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
              {"type": "residual", "layers": [{"type": "conv2d", "filters": 2, "kernel_size": 3, "padding": "same"},
                                              {"type": "layer_norm"}], "activation": "relu"},
              {"type": "flatten"}, {"type": "dense", "units": 3, "activation": "softmax"}]
    p = layerlab.new(tmp_path / "p", doc=toy_doc(layers, shape=(1, 3, 3)))
    assert next(f for f in p.export_formats() if f["format"] == "tfjs")["blocked"] is None
    report = p.export("tfjs", tmp_path / "web")
    assert report["max_diff"] <= 1e-4 and report["input_layout"] == "channels_last"
    gru = [{"type": "gru", "units": 3}, {"type": "dense", "units": 3, "activation": "softmax"}]
    g = layerlab.new(tmp_path / "g", doc=toy_doc(gru, shape=(4, 2)))
    assert "gru" in next(f for f in g.export_formats() if f["format"] == "tfjs")["blocked"]
    with pytest.raises(ExportFailed, match="gru"):
        g.export("tfjs", tmp_path / "gru")


def test_the_export_panel_gives_the_specific_reason_a_gru_is_refused():
    from layerlab.export.facade import blockers
    gru = {"type": "gru", "units": 3}
    (reason,) = blockers(["dense", "gru"], "tfjs", [{"type": "dense", "units": 2}, gru])
    assert reason.startswith("gru: ") and "reset_after" in reason and "ONNX" in reason
    assert blockers(["gru"], "tfjs", [{**gru, "reset_after": False}]) == []
    assert blockers(["dense", "layer_norm", "conv2d_transpose", "residual"], "tfjs") == []
