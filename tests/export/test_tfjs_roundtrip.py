"""TF.js export -> import is a faithful round trip: the imported project computes what the original network
computed, for every kind the export writes (residual blocks as functional graphs, layer_norm, conv2d_transpose
with or without its Cropping2D); models built by TF.js itself import too, and other graphs are refused clearly."""
from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

import layerlab
from export_cases import exported
from layerlab.export.tfjs import export_tfjs
from layerlab.export.tfjs_import import import_tfjs, network_from_tfjs
from layerlab.export.tfjs_layout import weight_files
from layerlab.spec.errors import SpecError
from test_tfjs_export import NEW_KINDS, NODE_DIR, _source, _tfjs_exportable, needs_node

CASES = _tfjs_exportable()  # every registry case TF.js can hold, the variants, and the new kinds' tricky settings


def _kinds(layers: list[dict]) -> list[str]:
    """Layer kinds, residual bodies included."""
    return [k for d in layers for k in [d["type"], *_kinds(d.get("layers", []))]]


def _imported_network(folder: Path):
    p = layerlab.load(folder)
    return p, p.load_run().network


@pytest.mark.parametrize("name", sorted(CASES))
def test_export_then_import_computes_what_the_original_computed(name, tmp_path):
    layers, shape, vocab = CASES[name]
    src = _source(layers, shape, vocab)
    export_tfjs(src, tmp_path / "tfjs")
    project, net = _imported_network(import_tfjs(tmp_path / "tfjs" / "model.json", tmp_path / "project"))
    with torch.no_grad():
        want, got = src.network(src.example).numpy(), net(src.example).numpy()  # the same inputs, unmoved
    assert got.shape == want.shape and np.abs(got - want).max() <= 1e-4
    assert tuple(project.doc["data"]["input_shape"]) == tuple(shape)
    imported = _kinds(project.doc["model"]["layers"])
    for kind in NEW_KINDS:  # a block comes back as a block, not as something else computing the same
        assert imported.count(kind) == _kinds(layers).count(kind), (kind, imported)


def test_nested_blocks_and_the_block_activation_come_back_as_written(tmp_path):
    layers, shape, _ = CASES["res_nested_sequence"]
    export_tfjs(_source(layers, shape), tmp_path / "tfjs")
    _, info = network_from_tfjs(tmp_path / "tfjs")
    assert info["layers"][0]["type"] == "residual" and info["layers"][0]["layers"][1]["type"] == "residual"
    layers, shape, _ = CASES["res_signal_length_projection"]
    export_tfjs(_source(layers, shape), tmp_path / "elu")
    _, info = network_from_tfjs(tmp_path / "elu")
    assert [(d["type"], d.get("activation")) for d in info["layers"]][1] == ("residual", "elu")


# -- models built and run by TF.js itself --------------------------------------------------------------------
TFJS_MODELS = r"""
const fs = require('fs');
const path = require('path');
const { tf, saveModel } = require(path.join(process.argv[2], 'tfjs_io'));
const L = tf.layers;

function resnet() {            // Keras-style blocks: shortcut first in one Add, a strided 1x1 projection in the other
  const x = tf.input({ shape: [6, 5, 3] });
  let h = L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  let b = L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(h);
  b = L.layerNormalization({ axis: [1, 2, 3] }).apply(b);
  h = L.activation({ activation: 'relu' }).apply(L.add().apply([h, b]));
  b = L.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same' }).apply(h);
  b = L.layerNormalization({ axis: -1 }).apply(b);
  const s = L.conv2d({ filters: 6, kernelSize: 1, strides: 2 }).apply(h);
  h = L.add().apply([b, s]);
  h = L.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(h);
  h = L.conv2dTranspose({ filters: 2, kernelSize: 4, strides: 1, padding: 'same' }).apply(h);
  h = L.globalAveragePooling2d({}).apply(h);
  return [tf.model({ inputs: x, outputs: L.dense({ units: 3, activation: 'softmax' }).apply(h) }), [2, 6, 5, 3]];
}

function mlp() {               // identity and Dense shortcuts, a layer norm between the blocks
  const x = tf.input({ shape: [8] });
  let b = L.dense({ units: 8, activation: 'relu' }).apply(x);
  b = L.dense({ units: 8 }).apply(b);
  let h = L.layerNormalization({}).apply(L.add().apply([x, b]));
  const p = L.dense({ units: 5, activation: 'relu' }).apply(h);
  const s = L.dense({ units: 5, useBias: false }).apply(h);
  h = L.activation({ activation: 'tanh' }).apply(L.add().apply([p, s]));
  return [tf.model({ inputs: x, outputs: L.dense({ units: 2, activation: 'softmax' }).apply(h) }), [3, 8]];
}

function sequence() {          // a block over the steps of an LSTM, layer norm over each step's features
  const x = tf.input({ shape: [5, 3] });
  const l = L.lstm({ units: 4, returnSequences: true, recurrentActivation: 'sigmoid' }).apply(x);
  let h = L.add().apply([l, L.dense({ units: 4, activation: 'relu' }).apply(l)]);
  h = L.layerNormalization({ axis: -1 }).apply(h);
  h = L.globalAveragePooling1d({}).apply(h);
  return [tf.model({ inputs: x, outputs: L.dense({ units: 2, activation: 'softmax' }).apply(h) }), [2, 5, 3]];
}

function recurrent() {         // TF.js' own defaults, as asanAI builds them: hard-sigmoid gates, GRU resetting before
  const m = tf.sequential();
  m.add(L.lstm({ inputShape: [6, 3], units: 5, returnSequences: true }));
  m.add(L.gru({ units: 4, returnSequences: true }));
  m.add(L.gru({ units: 3 }));
  m.add(L.dense({ units: 2, activation: 'softmax' }));
  return [m, [4, 6, 3]];
}

function cropped() {           // cropped unevenly: the top row on one axis, the last column on the other
  const m = tf.sequential();
  m.add(L.conv2dTranspose({ inputShape: [3, 4, 2], filters: 2, kernelSize: 3, strides: 2, padding: 'valid' }));
  m.add(L.cropping2D({ cropping: [[1, 0], [0, 1]] }));
  m.add(L.flatten());
  m.add(L.dense({ units: 3 }));
  return [m, [2, 3, 4, 2]];
}

(async () => {
  const makers = { resnet, mlp, sequence, recurrent, cropped };
  for (const [name, make] of Object.entries(makers)) {
    const [model, shape] = make();
    model.setWeights(model.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.5, 'float32', 100 + i)));
    const x = tf.randomNormal(shape, 0, 1, 'float32', 7);
    const dir = path.join(process.argv[3], name);
    await saveModel(model, dir);
    fs.writeFileSync(path.join(dir, 'io.json'), JSON.stringify({ input: await x.array(),
                                                                  output: await model.predict(x).array() }));
  }
})().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
"""


@pytest.fixture(scope="module")
def tfjs_models(tmp_path_factory):
    out = tmp_path_factory.mktemp("tfjs_made")
    script = out / "make.js"
    script.write_text(TFJS_MODELS)
    proc = subprocess.run(["node", str(script), str(NODE_DIR), str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


@needs_node
@pytest.mark.parametrize("name, kinds", [
    ("resnet", ["conv2d", "residual", "conv2d", "layer_norm", "residual", "conv2d", "permute", "layer_norm",
                "permute", "conv2d_transpose", "conv2d_transpose", "global_avg_pool", "dense"]),
    ("mlp", ["residual", "dense", "dense", "layer_norm", "residual", "dense", "dense"]),
    ("sequence", ["lstm", "residual", "dense", "layer_norm", "global_avg_pool", "dense"]),
    ("cropped", ["conv2d_transpose", "flatten", "dense"]),
    ("recurrent", ["lstm", "gru", "gru", "dense"]),
])
def test_models_built_by_tfjs_import_with_equal_outputs(tfjs_models, tmp_path, name, kinds):
    io = json.loads((tfjs_models / name / "io.json").read_text())
    x, want = np.array(io["input"], np.float32), np.array(io["output"], np.float32)
    project, net = _imported_network(import_tfjs(tfjs_models / name / "model.json", tmp_path / "p"))
    if len(x.shape) == 4:                                   # images: LayerLab takes them channels-first
        x = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    with torch.no_grad():
        got = net(torch.from_numpy(x)).numpy()
    assert np.abs(got - want).max() <= 1e-4
    assert _kinds(project.doc["model"]["layers"]) == kinds
    if name == "resnet":  # TF.js crops 'same' where LayerLab cannot: a kernel with a zero row and column in front
        sizes = [d["kernel_size"] for d in project.doc["model"]["layers"] if d["type"] == "conv2d_transpose"]
        assert sizes == [[4, 4], [5, 5]] and "zero rows/columns" in project.doc["description"]
        assert project.doc["model"]["layers"][1]["activation"] == "relu"     # the Activation after the Add
    if name == "recurrent":  # TF.js' defaults kept as settings, so training and export back keep them
        layers = project.doc["model"]["layers"]
        assert {d.get("recurrent_activation") for d in layers[:3]} == {"hard_sigmoid"}
        assert [d.get("reset_after") for d in layers[1:3]] == [False, False]
        assert project.validate() and project.summary().total_params == sum(
            int(np.prod(w.shape)) for w in net.state_dict().values())
        export_tfjs(project.export_source(), tmp_path / "back")
        back, _ = network_from_tfjs(tmp_path / "back" / "model.json")
        with torch.no_grad():
            assert np.abs(back(torch.from_numpy(x)).numpy() - want).max() <= 1e-4


# -- what is refused -------------------------------------------------------------------------------------------
def _layer(cls, name, *inputs, **config):
    return {"class_name": cls, "name": name, "config": {"name": name, **config},
            "inbound_nodes": [[[i, 0, 0, {}] for i in inputs]] if inputs else []}


def _dense(name, *inputs, units=4, activation="relu"):
    return _layer("Dense", name, *inputs, units=units, activation=activation)


def _graph(folder: Path, layers: list[dict], outputs=("out",), units: dict[str, tuple[int, int]] | None = None):
    """A hand-written functional model.json (input (4,)) with weights for its Dense layers."""
    inp = _layer("InputLayer", "x", batch_input_shape=[None, 4], dtype="float32")
    weights = [(f"{n}/{k}", np.ones(s, np.float32)) for n, (a, b) in (units or {}).items()
               for k, s in (("kernel", (a, b)), ("bias", (b,)))]
    manifest, shards = weight_files(weights)
    folder.mkdir()
    (folder / "model.json").write_text(json.dumps({"modelTopology": {"class_name": "Model", "config": {
        "name": "g", "layers": [inp, *layers], "input_layers": [["x", 0, 0]],
        "output_layers": [[o, 0, 0] for o in outputs]}}, "format": "layers-model", "weightsManifest": manifest}))
    for name, data in shards:
        (folder / name).write_bytes(data)
    return folder


REFUSED = {  # graph -> (the layer named in the error, words of the message)
    "concatenate": ([_dense("a", "x"), _dense("b", "x"), _layer("Concatenate", "out", "a", "b")],
                    "layer 2 (out, Concatenate)", "several inputs"),
    "two_bodies": ([_dense("a", "x"), _dense("b", "x"), _layer("Add", "out", "a", "b")],
                   "layer 2 (out, Add)", "neither branch"),
    "shared_layer": ([_dense("a", "x"), {**_dense("a2", "a"), "inbound_nodes": [[["x", 0, 0, {}]], [["a", 0, 0, {}]]]},
                      _layer("Add", "out", "a", "a2")], "layer 1 (a2, Dense)", "called more than once"),
    "three_way_add": ([_dense("a", "x"), _dense("b", "x"), _layer("Add", "out", "a", "b", "x")],
                      "layer 2 (out, Add)", "several inputs"),
    "branch_crosses_the_fork": ([_dense("a", "x"), _dense("b", "a"), _layer("Add", "s", "a", "x"),
                                 _dense("c", "s"), _layer("Add", "out", "b", "c")], "layer 4 (out, Add)",
                                "no residual block"),
    "dangling_branch": ([_dense("out", "x"), _dense("unused", "x")], "layer 1 (unused, Dense)", "not on the path"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_graph_that_is_not_a_chain_of_residual_blocks_is_refused_saying_what_is_supported(name, tmp_path):
    layers, where, words = REFUSED[name]
    folder = _graph(tmp_path / "m", layers, units={d["name"]: (4, 4) for d in layers if d["class_name"] == "Dense"})
    with pytest.raises(SpecError) as e:
        import_tfjs(folder, tmp_path / "proj")
    err = e.value
    assert err.path.startswith(where) and words in err.message and err.received is not None
    assert "residual blocks" in err.hint and "Add" in err.hint and "Dense or 1x1 Conv" in err.hint
    assert "Residualblöcke" in err.localized("de") or "Abkürzung" in err.localized("de")
    assert not (tmp_path / "proj").exists()


def test_a_projection_where_layerlab_adds_the_input_unchanged_is_refused(tmp_path):
    """The body keeps the shape: LayerLab's block adds x itself, so a Dense shortcut cannot be held."""
    layers = [_dense("a", "x"), _dense("s", "x", activation="linear"), _layer("Add", "out", "a", "s")]
    folder = _graph(tmp_path / "m", layers, units={"a": (4, 4), "s": (4, 4)})
    with pytest.raises(SpecError, match="adds its input unchanged") as e:
        import_tfjs(folder, tmp_path / "proj")
    assert e.value.path == "layer 1 (s, Dense)" and "remove" in e.value.hint


def test_two_outputs_are_refused(tmp_path):
    folder = _graph(tmp_path / "m", [_dense("out", "x"), _dense("b", "x")], outputs=("out", "b"),
                    units={"out": (4, 4), "b": (4, 4)})
    with pytest.raises(SpecError, match="1 inputs and 2 outputs"):
        network_from_tfjs(folder)


def test_a_reference_to_a_missing_layer_is_a_damaged_file(tmp_path):
    folder = _graph(tmp_path / "m", [_dense("out", "gone")], units={"out": (4, 4)})
    with pytest.raises(SpecError, match="reads the output of 'gone'") as e:
        network_from_tfjs(folder)
    assert e.value.path == "layer 0 (out, Dense)" and "export the model again" in e.value.hint


@pytest.mark.parametrize("case, name, wrong", [
    ("ct_same_odd_overlap", "cropping", lambda right: lambda v: [[0, 0], [0, 0]]),     # forget the Cropping2D
    ("res_conv_identity", "conv_kernel_from_tfjs", lambda right: lambda k: right(k)[..., ::-1, ::-1].copy()),
])
def test_an_import_that_would_compute_something_else_is_refused(tmp_path, monkeypatch, case, name, wrong):
    """Every import is computed by TF.js' rules first: a wrong mapping never reaches a project."""
    from layerlab.layers import tfjs_support
    layers, shape, _ = CASES[case]
    export_tfjs(_source(layers, shape), tmp_path / "tfjs")
    monkeypatch.setattr(tfjs_support, name, wrong(getattr(tfjs_support, name)))
    with pytest.raises(SpecError, match="does not compute what the TF.js model computes"):
        import_tfjs(tmp_path / "tfjs", tmp_path / "proj")
    assert not (tmp_path / "proj").exists()


def test_keras_3_files_with_call_arguments_as_inbound_nodes_import(tmp_path):
    """Keras 3 (and its TF.js converter) writes each input as a tensor in the call's args, and "Functional"."""
    layers, shape, _ = CASES["res_strided_conv_projection"]
    src = _source(layers, shape)
    export_tfjs(src, tmp_path / "tfjs")
    doc = json.loads((tmp_path / "tfjs" / "model.json").read_text())
    topo = doc["modelTopology"]
    topo["class_name"] = "Functional"

    def tensor(ref):
        return {"class_name": "__keras_tensor__", "config": {"shape": None, "dtype": "float32",
                                                            "keras_history": ref[:3]}}
    for layer in topo["config"]["layers"]:
        for i, node in enumerate(layer["inbound_nodes"]):
            args = [tensor(r) for r in node]
            layer["inbound_nodes"][i] = {"args": [args] if len(args) > 1 else args, "kwargs": {"training": False}}
    (tmp_path / "tfjs" / "model.json").write_text(json.dumps(doc))
    net, info = network_from_tfjs(tmp_path / "tfjs")
    with torch.no_grad():
        assert np.abs(net(src.example).numpy() - src.network(src.example).numpy()).max() <= 1e-4
    assert [d["type"] for d in info["layers"]] == ["residual"]


# -- the ZIP bundle's README -----------------------------------------------------------------------------------
def test_bundle_readme_promises_layerlab_import_only_when_the_tfjs_files_import(tmp_path, monkeypatch):
    from layerlab.export import bundle, tfjs_import
    layers, shape, _ = CASES["res_conv_identity"]
    src = exported(layers, shape)
    bundle.export_zip(src, tmp_path / "ok.zip")
    readme = zipfile.ZipFile(tmp_path / "ok.zip").read("README.md").decode()
    assert "`layerlab import tfjs/model.json --out DIR` brings it back" in readme

    def refuse(path):
        raise SpecError("layer 3 (add_1, Add)", "an example refusal", "Add", "an example fix")
    monkeypatch.setattr(tfjs_import, "network_from_tfjs", refuse)
    bundle.export_zip(src, tmp_path / "no.zip")
    readme = zipfile.ZipFile(tmp_path / "no.zip").read("README.md").decode()
    assert "layerlab import" not in readme and "LayerLab cannot import this TF.js model back" in readme
    assert "an example refusal" in readme and "tfjs/model.json" in zipfile.ZipFile(tmp_path / "no.zip").namelist()
