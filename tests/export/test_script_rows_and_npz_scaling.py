"""What a user of the exports meets: the standalone script predicts table rows given on its command
line (or as a CSV file) as Project.predict does, and an .npz file alone (numpy only, no LayerLab, no
torch) reproduces Project.predict with the scaling its metadata carries.

Every check runs the exported file in a separate Python without LayerLab on its path.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

import layerlab
from layerlab.cli import app
from layerlab.data.imagefiles import to_array

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": ""}

# trains with the script (as a user would, `python script.py`), then prints predict(read_input(arg))
# for each argument at full precision
SCRIPT_CHILD = '''
import json, sys
space = {"__name__": "exported", "__file__": sys.argv[1]}
exec(compile(open(sys.argv[1]).read(), sys.argv[1], "exec"), space)
space["train"]()
print(json.dumps([space["predict"](space["read_input"](a)).tolist() for a in sys.argv[2:]]))
'''

# knows numpy and the .npz file only: the metadata's scaling steps, dense layers, the output rule
NPZ_CHILD = '''
import json, sys
import numpy as np

def scaled(x, steps):
    for s in steps:
        if s["op"] == "encode_columns":           # x: rows of raw values (text, None = missing)
            out = []
            for row in x:
                feats = []
                for c, v in zip(s["columns"], row):
                    v = c["fill"] if v is None else v
                    if c["kind"] == "numeric":
                        feats.append(float(v))
                    elif c.get("encoding", "onehot") == "onehot":
                        feats += [1.0 if v == k and v in c["categories"] else 0.0
                                  for k in c.get("layout", c["categories"])]
                    else:
                        feats.append(float(c["categories"].index(v)) if v in c["categories"] else -1.0)
                out.append(feats)
            x = np.array(out, np.float64)
        elif s["op"] == "divide":
            x = np.asarray(x, np.float64) / s["by"]
        elif s["op"] == "standardize":
            x = (x - np.array(s["subtract"])) / np.array(s["divide_by"])
    return x

def network(w, meta, x):
    x = np.asarray(x, np.float64)
    for i, layer in enumerate(meta["layers"]):
        if layer["type"] == "flatten":
            x = x.reshape(len(x), -1)
            continue
        assert layer["type"] == "dense", layer
        x = x @ w[f"layers.{i}.core.weight"].T + w[f"layers.{i}.core.bias"]
        if i < len(meta["layers"]) - 1 and layer.get("activation") == "relu":
            x = np.maximum(x, 0.0)
    return x                                      # the logits: the last layer before its activation

out = []
for path, raw in zip(sys.argv[1::2], sys.argv[2::2]):
    w = np.load(path, allow_pickle=False)
    meta = json.loads(str(w["__layerlab__"]))
    rows = json.load(open(raw))
    z = network(w, meta, scaled(rows, meta["scaling"]["steps"]))
    rule = meta["scaling"]["output"]
    assert rule["op"] == "probabilities" and rule["how"] == "softmax", rule
    e = np.exp(z - z.max(1, keepdims=True))
    out.append((e / e.sum(1, keepdims=True)).tolist())
print(json.dumps(out))
'''


def _run(tmp_path, code, *args, timeout=180):
    child = tmp_path / "child.py"
    child.write_text(code)
    proc = subprocess.run([sys.executable, str(child), *map(str, args)], capture_output=True, text=True,
                          cwd=tmp_path, env=ENV, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.splitlines()[-1])


def _script(path, *args):
    return subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True, cwd=path.parent,
                          env=ENV, timeout=120)


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """A trained CSV project with a text column and missing cells (and a CSV of new rows to predict)."""
    root = tmp_path_factory.mktemp("table")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAYERLAB_HOME", str(root / "home"))
        yield root, _fruit(root)


def _fruit(root):
    rng = np.random.default_rng(4)
    lines = ["size,colour,weight,kind"]
    for i in range(48):
        size, colour = rng.normal() * 3 + 10, ("red", "blue", "green")[i % 3]
        weight = "" if i % 6 == 0 else f"{rng.normal() * 2 + 50:.2f}"
        lines.append(f"{size:.2f},{'' if i % 7 == 0 else colour},{weight},{'big' if size + (colour == 'red') > 10.5 else 'small'}")
    doc = {"name": "fruit", "task": "classification",
           "data": {"source": "csv", "params": {"path": "fruit.csv", "target": "kind", "missing": "median"},
                    "validation_split": 0.25, "seed": 2},
           "model": {"layers": [{"type": "dense", "units": 6, "activation": "relu"},
                                {"type": "dense", "units": 2, "activation": "softmax"}]},
           "training": {"epochs": 2, "batch_size": 8}}
    p = layerlab.new(root / "fruit", doc=doc)
    (root / "fruit" / "fruit.csv").write_text("\n".join(lines) + "\n")
    run = p.train()
    assert run.status == "finished", run.failure
    return p


def test_the_script_predicts_rows_of_iris_given_on_the_command_line_as_layerlab_does(tmp_path):
    p = layerlab.new(tmp_path / "iris", example="iris")
    p.doc["training"].update(epochs=1)
    p.save()
    assert p.train().status == "finished"
    script = tmp_path / "iris_model.py"
    p.export("script", script)
    names = p.load_run().info.feature_names
    rows = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]]
    (tmp_path / "rows.csv").write_text(",".join(list(names) + ["species"]) + "\n"
                                       + "".join(",".join(map(str, r)) + ",setosa\n" for r in rows))
    got = _run(tmp_path, SCRIPT_CHILD, script, "5.1,3.5,1.4,0.2", tmp_path / "rows.csv")
    want = p.predict(rows)
    assert np.abs(np.array(got[0]) - want[:1]).max() < 1e-5
    assert np.abs(np.array(got[1]) - want).max() < 1e-5
    shown = _script(script, "--predict", "6.7, 3.0, 5.2, 2.3")          # its weights are saved now
    assert shown.returncode == 0, shown.stderr
    classes = p.load_run().info.classes
    assert shown.stdout.split()[0] == classes[int(want[1].argmax())]
    typed = CliRunner().invoke(app, ["predict", str(p.dir), "6.7,3.0,5.2,2.3", "--json"])   # LayerLab's own CLI
    assert typed.exit_code == 0, typed.output
    top = json.loads(typed.output)["predictions"][0]["top"][0]
    assert top["class"] == shown.stdout.split()[0] and abs(top["probability"] - want[1].max()) < 1e-6
    bad = _script(script, "--predict", "5.1,3.5")
    assert bad.returncode != 0 and "has 2 values, but the model takes 4" in bad.stderr
    assert names[0] in bad.stderr


def test_the_script_encodes_a_tables_text_columns_and_missing_cells_as_layerlab_does(table, tmp_path):
    root, p = table
    script = tmp_path / "fruit_model.py"
    p.export("script", script)
    # header in another order, with the target column; a missing text, a missing number, an unseen colour
    text = "kind,weight,colour,size\nbig,51.5,red,9.5\nsmall,,blue,11\n?,48,,10.2\nbig,50,purple,8"
    want = p.predict([{"size": 9.5, "colour": "red", "weight": 51.5}, {"size": 11, "colour": "blue", "weight": None},
                      {"size": 10.2, "colour": None, "weight": 48}, {"size": 8, "colour": "purple", "weight": 50}])
    german = "size;colour;weight\n9,5;red;51,5"                         # German Excel: decimal commas
    got = _run(tmp_path, SCRIPT_CHILD, script, text, "9.5,red,51.5", german)
    assert np.abs(np.array(got[0]) - want).max() < 1e-5
    assert np.abs(np.array(got[1]) - want[:1]).max() < 1e-5
    assert np.abs(np.array(got[2]) - p.predict(german + "\n")).max() < 1e-5
    assert np.abs(np.array(got[2]) - want[:1]).max() < 1e-5
    shown = _script(script, "--predict", "size,colour,weight\n9.5,red,51.5\n11,blue,")
    assert shown.returncode == 0, shown.stderr
    assert len(shown.stdout.splitlines()) == 2                            # one line per row
    bad = _script(script, "--predict", "9.5,red,heavy")
    assert bad.returncode != 0 and "'weight'" in bad.stderr and "is not a number" in bad.stderr


def test_an_npz_file_alone_reproduces_predictions_of_a_table_and_of_pictures(table, tmp_path):
    from tests.data.test_image_fit import _folder, _wide
    root, p = table
    p.export("npz", tmp_path / "fruit.npz")
    rows = [[9.5, "red", 51.5], [11.0, "blue", None], [10.2, None, 48.0], [8.0, "purple", 50.0]]
    (tmp_path / "fruit.json").write_text(json.dumps(rows))
    want_table = p.predict([dict(zip(("size", "colour", "weight"), r)) for r in rows])

    _folder(tmp_path / "pics", n=3)
    doc = {"name": "pics", "task": "classification",
           "data": {"source": "images", "params": {"size": 8, "fit": "pad"}, "validation_split": 0.34},
           "model": {"layers": [{"type": "flatten"}, {"type": "dense", "units": 2, "activation": "softmax"}]},
           "training": {"epochs": 1, "batch_size": 4}}
    q = layerlab.new(tmp_path / "pics", doc=doc)
    assert q.train().status == "finished"
    q.export("npz", tmp_path / "pics.npz")
    files = []
    for i, colour in enumerate(((0, 0, 90), (200, 30, 30))):
        files.append(tmp_path / f"new{i}.png")
        _wide(colour).rotate(90 * i, expand=True).save(files[-1])
    pixels = [np.round(to_array(Image.open(f), 8, 3, "pad") * 255).tolist() for f in files]   # resized, 0..255
    (tmp_path / "pics.json").write_text(json.dumps(pixels))
    want_pics = q.predict([str(f) for f in files])

    got = _run(tmp_path, NPZ_CHILD, tmp_path / "fruit.npz", tmp_path / "fruit.json",
               tmp_path / "pics.npz", tmp_path / "pics.json")
    assert np.abs(np.array(got[0]) - want_table).max() < 1e-5
    assert np.abs(np.array(got[1]) - want_pics).max() < 1e-5
    meta = json.loads(str(np.load(tmp_path / "pics.npz")["__layerlab__"]))
    assert [s["op"] for s in meta["scaling"]["steps"]] == ["divide", "standardize"]
    assert "pixels 0..255" in meta["scaling"]["input"] and "8x8" in meta["scaling"]["input"]


def test_the_other_weight_files_carry_the_same_scaling_as_the_npz(table, tmp_path):
    """safetensors' preprocessing.json and TF.js' model.json hold the network alone too: the same steps."""
    root, p = table
    p.export("npz", tmp_path / "m.npz")
    p.export("safetensors", tmp_path / "w")
    p.export("tfjs", tmp_path / "tf")
    want = json.loads(str(np.load(tmp_path / "m.npz")["__layerlab__"]))["scaling"]
    assert [s["op"] for s in want["steps"]] == ["encode_columns", "standardize"]
    assert json.loads((tmp_path / "w" / "preprocessing.json").read_text())["scaling"] == want
    assert json.loads((tmp_path / "tf" / "model.json").read_text())["userDefinedMetadata"]["layerlab"]["scaling"] == want
