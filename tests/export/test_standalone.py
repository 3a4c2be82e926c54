"""Exported files that work alone: raw inputs in, Project.predict's answers out, checked by programs
that know only onnxruntime (or torch), numpy, json and the file's own metadata."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import layerlab

ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": ""}

# what a user writes knowing only the file: inputs built from the metadata, never from LayerLab
FEED = '''
import json, sys
import numpy as np

def feeds_for(meta, raw):
    """Inputs by name for raw pictures (an array) or raw table rows (dicts of strings from a CSV file)."""
    out = {}
    for spec in meta["inputs"]:
        if isinstance(raw, np.ndarray):
            x = raw.astype(np.float32)
            source = meta["preprocessing"].get("source_values")
            if source:
                x = x * (255.0 / source["raw_max"])
            out[spec["name"]] = x.reshape([len(x)] + spec["shape"][1:])
            continue
        rows = []
        for r in raw:
            row = []
            for c in spec["columns"]:
                v = r[c["name"]]
                if spec["dtype"] == "string":
                    row.append(v)                                     # "" = missing
                elif "categories" in c:                               # torch formats: text as its position
                    row.append(np.nan if v == "" else c["categories"].index(v) if v in c["categories"] else -1)
                else:
                    row.append(np.nan if v == "" else float(v))
            rows.append(row)
        out[spec["name"]] = np.array(rows, object if spec["dtype"] == "string" else np.float32)
    return out

def load_raw(path):
    return np.load(path) if path.endswith(".npy") else json.load(open(path))
'''

ORT_CHILD = FEED + '''
import onnxruntime as ort
sess = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
meta = json.loads(sess.get_modelmeta().custom_metadata_map["layerlab"])
assert json.loads(sess.get_modelmeta().custom_metadata_map["classes"]) == meta["classes"]
assert [i.name for i in sess.get_inputs()] == [i["name"] for i in meta["inputs"]]
np.save(sys.argv[3], sess.run(None, feeds_for(meta, load_raw(sys.argv[2])))[0])
'''

TORCH_CHILD = FEED + '''
import torch
for model_path, raw_path, out_path in zip(sys.argv[1::3], sys.argv[2::3], sys.argv[3::3]):
    extra = {"layerlab.json": ""}
    model = torch.jit.load(model_path, _extra_files=extra)
    meta = json.loads(extra["layerlab.json"])
    (x,) = feeds_for(meta, load_raw(raw_path)).values()
    with torch.no_grad():
        np.save(out_path, model(torch.from_numpy(x)).numpy())
'''


def _child(tmp_path: Path, code: str, *model_raw: Path) -> list[np.ndarray]:
    """Runs code in a fresh interpreter (no LayerLab on its path) on (model, raw inputs) pairs; their outputs."""
    script = tmp_path / "child.py"
    script.write_text(code)
    outs = [tmp_path / f"out{i}.npy" for i in range(len(model_raw) // 2)]
    args = [str(a) for i, out in enumerate(outs) for a in (model_raw[2 * i], model_raw[2 * i + 1], out)]
    proc = subprocess.run([sys.executable, "-I", str(script), *args], capture_output=True,
                          text=True, env=ENV, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return [np.load(out) for out in outs]


def _same(got: np.ndarray, want: np.ndarray) -> None:
    assert got.shape == want.shape
    assert np.array_equal(got.argmax(1), want.argmax(1))
    assert np.abs(got - want).max() <= 1e-4


@pytest.fixture(scope="module")
def digits(tmp_path_factory):
    p = layerlab.new(tmp_path_factory.mktemp("d") / "digits", example="digits")
    p.train(epochs=1)
    return p


def penguin_rows(n: int = 120, seed: int = 0) -> list[dict[str, str]]:
    """A penguin-like table: two text columns, numbers, and missing cells in both kinds."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        sp = ["Adelie", "Gentoo", "Chinstrap"][i % 3]
        rows.append({"island": "Biscoe" if sp == "Gentoo" else str(rng.choice(["Dream", "Torgersen", "Biscoe"])),
                     "bill_length_mm": f"{ {'Adelie': 38, 'Gentoo': 47, 'Chinstrap': 49}[sp] + rng.normal(0, 2):.1f}",
                     "body_mass_g": f"{(5000 if sp == 'Gentoo' else 3700) + rng.normal(0, 300):.0f}",
                     "sex": str(rng.choice(["male", "female"])), "species": sp})
    for i in rng.choice(n, 10, replace=False):
        rows[i]["sex"] = ""
    for i in rng.choice(n, 6, replace=False):
        rows[i]["bill_length_mm"] = ""
    for i in rng.choice(n, 4, replace=False):
        rows[i]["island"] = ""
    return rows


@pytest.fixture(scope="module")
def penguins(tmp_path_factory):
    d = tmp_path_factory.mktemp("t")
    rows = penguin_rows()
    with open(d / "penguins.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    p = layerlab.new(d / "peng", data=d / "penguins.csv", target="species")
    p.train(epochs=8)
    return p, d / "penguins.csv", rows


def test_digits_onnx_alone_answers_raw_sklearn_digits(digits, tmp_path):
    from sklearn.datasets import load_digits
    r = digits.export("onnx", tmp_path / "d.onnx")
    assert r["self_contained"] and r["inputs"] == ["input"] and r["max_diff"] <= 1e-4
    raw = load_digits().data.astype(np.float32)            # 0..16, as scikit-learn gives them
    np.save(tmp_path / "raw.npy", raw)
    (got,) = _child(tmp_path, ORT_CHILD, tmp_path / "d.onnx", tmp_path / "raw.npy")
    _same(got, digits.predict((raw / 16.0).reshape(-1, 1, 8, 8)))   # the source's own units: 0..1
    meta = json.loads(_props(tmp_path / "d.onnx")["preprocessing"])
    assert meta["outside"]["resize"] == {"width": 8, "height": 8, "fit": "squash",
                                         "how": "stretched to the size (aspect ratio not kept)", "resample": "bilinear"}
    assert meta["outside"]["layout"].startswith("NCHW") and meta["outside"]["pixel_range"] == [0, 255]


def test_table_onnx_takes_strings_and_missing_cells(penguins, tmp_path):
    p, csv_path, rows = penguins
    r = p.export("onnx", tmp_path / "p.onnx")
    assert r["inputs"] == ["numbers", "texts"] and r["max_diff"] <= 1e-4
    rows = rows + [dict(rows[0], island="Atlantis"), {k: "" for k in rows[0]}]   # an unseen text, all missing
    (tmp_path / "rows.json").write_text(json.dumps(rows))
    (got,) = _child(tmp_path, ORT_CHILD, tmp_path / "p.onnx", tmp_path / "rows.json")
    want = p.predict([{k: (v if v != "" else None) for k, v in r.items() if k != "species"} for r in rows])
    _same(got, want)
    assert np.array_equal(p.predict(str(csv_path)), want[:-2])   # the CSV file as LayerLab reads it: the same
    props = _props(tmp_path / "p.onnx")
    assert json.loads(props["classes"]) == ["Adelie", "Chinstrap", "Gentoo"]
    names = [c["name"] for i in json.loads(props["inputs"]) for c in i["columns"]]
    assert sorted(names) == ["bill_length_mm", "body_mass_g", "island", "sex"]
    weights = json.loads(props["layerlab"])["weights"]           # the epoch Project.predict uses
    assert weights["which"] == "best" and weights["epoch"] == p.load_run().epoch
    assert p.export("onnx", tmp_path / "last.onnx", weights="last")["weights_note"].startswith("last: epoch")


def test_torchscript_alone_answers_raw_digits_and_table_rows(digits, penguins, tmp_path):
    """Pictures NCHW 0-255; a table's text columns as positions in the metadata's categories."""
    from sklearn.datasets import load_digits
    p, _, rows = penguins
    digits.export("torchscript", tmp_path / "d.pt")
    p.export("torchscript", tmp_path / "p.pt")
    raw = load_digits().data[:300].astype(np.float32)
    np.save(tmp_path / "raw.npy", raw)
    (tmp_path / "rows.json").write_text(json.dumps(rows))
    got_d, got_p = _child(tmp_path, TORCH_CHILD, tmp_path / "d.pt", tmp_path / "raw.npy",
                          tmp_path / "p.pt", tmp_path / "rows.json")
    _same(got_d, digits.predict((raw / 16.0).reshape(-1, 1, 8, 8)))
    _same(got_p, p.predict([{k: (v or None) for k, v in r.items() if k != "species"} for r in rows]))


def test_int8_and_pt2_are_self_contained_too(penguins, tmp_path):
    import torch
    from layerlab.export.onnx_front import feeds
    from layerlab.export.onnx_export import run_feeds
    from layerlab.export.pt2 import load_pt2
    from layerlab.export.standalone import raw_inputs
    p, _, _ = penguins
    q = p.export("onnx_int8", tmp_path / "p.int8.onnx")
    assert q["self_contained"] and abs(q["accuracy_change"]) <= 0.1
    assert "layerlab" in _props(tmp_path / "p.int8.onnx")
    src = p.export_source()
    raw = raw_inputs(src)
    probs = run_feeds(tmp_path / "p.int8.onnx", feeds(src, raw))
    assert np.allclose(probs.sum(1), 1.0, atol=1e-3)
    p.export("pt2", tmp_path / "p.pt2")
    extra = {"layerlab.json": ""}
    prog = load_pt2(tmp_path / "p.pt2", extra)
    assert json.loads(extra["layerlab.json"])["inputs"][0]["name"] == "columns"
    with torch.no_grad():
        got = prog(torch.from_numpy(raw)).numpy()
    _same(got, p.predict([{k: v for k, v in r.items()} for r in _rows_of(src, raw)]))


def _rows_of(src, raw):
    from layerlab.export.standalone import as_rows, preprocessing
    return as_rows(preprocessing(src), raw)


def test_regression_answers_in_the_datas_units(tmp_path):
    from layerlab.export.onnx_export import run_onnx
    p = layerlab.new(tmp_path / "diab", example=None, doc=_diabetes_doc())
    p.train(epochs=1)
    p.export("onnx", tmp_path / "r.onnx")
    from sklearn.datasets import load_diabetes
    raw = load_diabetes().data[:50].astype(np.float32)
    got, want = run_onnx(tmp_path / "r.onnx", raw), p.predict(raw)
    assert want.std() > 1.0 and np.abs(got - want).max() <= 1e-3 * max(1.0, float(np.abs(want).max()))


def _diabetes_doc():
    return {"version": 1, "name": "diab", "task": "regression",
            "data": {"source": "diabetes", "params": {}, "validation_split": 0.2, "seed": 0,
                     "preprocessing": {"standardize_target": True}},
            "model": {"layers": [{"type": "dense", "units": 8, "activation": "relu"}, {"type": "dense", "units": 1}]},
            "training": {"optimizer": "adam", "learning_rate": 0.01, "loss": "mse", "epochs": 3, "batch_size": 32}}


def test_snippet_feeds_a_real_sample_and_prints_its_label(digits, tmp_path):
    digits.export("onnx", tmp_path / "digits.onnx")
    code = digits.export_usage({"onnx": "digits.onnx"})["onnx"]
    assert "np.zeros" not in code and "load_digits" in code
    label = code.rsplit("LayerLab says: ", 1)[1].strip()
    proc = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, env=ENV, timeout=60,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-1500:]
    assert proc.stdout.split()[0] == label


def _props(path: Path) -> dict[str, str]:
    import onnx
    return {p.key: p.value for p in onnx.load(str(path)).metadata_props}


def test_snippet_of_a_bigger_picture_embeds_it_as_png(tmp_path, monkeypatch):
    doc = layerlab.example("shapes")
    doc["data"]["params"] = {"n_samples": 60, "size": 24}    # 3x24x24: too many values to list in code
    p = layerlab.new(tmp_path / "shapes", doc=doc)
    p.export("onnx", tmp_path / "shapes.onnx")
    code = p.export_usage({"onnx": "shapes.onnx"})["onnx"]
    assert "base64.b64decode(" in code and 'Image.open("picture.png")' not in code
    import contextlib
    import io
    printed = io.StringIO()
    monkeypatch.chdir(tmp_path)   # the snippet opens "shapes.onnx" where it runs
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "snippet", "exec"), {})
    assert printed.getvalue().split()[0] == code.rsplit("LayerLab says: ", 1)[1].strip()


def test_integer_coded_text_and_a_regression_target_are_verified_on_raw_rows(tmp_path):
    """Every export compares the file, fed raw rows (plus a missing and an unseen row), with LayerLab's reading."""
    from layerlab.export.onnx_front import feeds
    from layerlab.export.onnx_export import run_feeds
    from layerlab.export.standalone import raw_inputs, reference
    rows = penguin_rows(60, seed=1)
    with open(tmp_path / "t.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    p = layerlab.new(tmp_path / "mass", data=tmp_path / "t.csv", target="body_mass_g")
    p.doc["data"]["params"]["categorical"] = "codes"
    p.doc["data"]["preprocessing"] = {"standardize_target": True}
    p.save()
    r = p.export("onnx", tmp_path / "m.onnx")
    assert r["inputs"] == ["numbers", "texts"] and r["max_diff"] <= 1e-4
    src = p.export_source()
    raw = raw_inputs(src)
    assert np.isnan(raw[-2]).all() and (raw[-1][[0, 2, 3]] == -1).all()   # the missing row and the unseen row
    got, want = run_feeds(tmp_path / "m.onnx", feeds(src, raw)), reference(src, raw)
    assert got.shape == (len(raw), 1) and np.abs(got - want).max() <= 1e-3 and np.abs(want).max() > 100  # grams
    assert p.export("torchscript", tmp_path / "m.pt")["max_diff"] <= 1e-4
