"""A project as one .layerlab file: it opens elsewhere with the same predictions, and every hostile
or foreign file is refused with a reason (zip-slip, links, bombs, pickles, newer formats, tampering)."""
from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import zipfile

import numpy as np
import pytest

from layerlab import api
from layerlab.data.safefiles import UploadError, UploadLimits
from layerlab.spec.errors import SpecError
from layerlab.api import create_project
from layerlab.store import workspace
from layerlab.store.pack import FORMAT, FORMAT_VERSION

MB = 1024 * 1024


def _craft(entries: dict[str, bytes], version: int = FORMAT_VERSION, hashes: bool = True, **manifest) -> bytes:
    """A project file written by hand: each entry listed in the manifest with its real hash."""
    files = {n: {"size": len(b), "sha256": hashlib.sha256(b).hexdigest()} for n, b in entries.items()} if hashes else {}
    m = {"format": FORMAT, "format_version": version, "layerlab_version": "9.9.0", "files": files, **manifest}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(m))
        for n, b in entries.items():
            zf.writestr(n, b)
    return buf.getvalue()


def _doc(**changes) -> bytes:
    return json.dumps(dict(api.example("xor"), name="crafted", **changes)).encode()


def _refused(data: bytes, *words: str, status: int | None = None) -> SpecError:
    before = sorted(p.name for p in workspace.home().iterdir())
    with pytest.raises(SpecError) as e:
        api.unpack_project(data)
    text = f"{e.value.message} {e.value.received} {e.value.hint}"
    for w in words:
        assert w in text, text
    assert e.value.hint
    if status is not None:
        assert isinstance(e.value, UploadError) and e.value.status == status
    assert sorted(p.name for p in workspace.home().iterdir()) == before  # nothing left behind
    return e.value


def test_a_trained_project_opens_in_a_fresh_workspace_with_the_same_predictions(tmp_path, monkeypatch):
    p = create_project("my xor", example="xor")
    p.train(epochs=3)
    (p.dir / "data" / "notes.csv").write_text("a,b\n1,2\n")
    (p.dir / "data" / "scan.pdf").write_bytes(b"%PDF-1.4")
    x = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    expected = p.predict(x)
    packed = api.pack_project(p.dir.name, tmp_path / "xor.layerlab")
    assert packed.run_id == p.load_run().run_id
    assert [s["name"] for s in packed.skipped] == ["data/scan.pdf"]
    names = zipfile.ZipFile(packed.path).namelist()
    run_files = {n.rsplit("/", 1)[1] for n in names if n.startswith("runs/")}
    assert {"weights.safetensors", "spec.json", "preprocessing.json", "data.json", "meta.json"} <= run_files
    assert "optimizer.safetensors" not in run_files and "data/notes.csv" in names

    monkeypatch.setenv("LAYERLAB_HOME", str(tmp_path / "elsewhere"))
    out = api.unpack_project(packed.path)
    assert out["id"] == "my-xor" and out["format_version"] == FORMAT_VERSION and out["run_id"] != packed.run_id
    q = api.load(out["folder"])
    np.testing.assert_array_equal(q.predict(x), expected)
    assert (q.dir / "data" / "notes.csv").read_text() == "a,b\n1,2\n"
    assert [r["run_id"] for r in q.runs()] == [out["run_id"]]
    # opened a second time: a fresh name, never over the first
    again = api.unpack_project(packed.path)
    assert again["id"] == "my-xor-2" and again["name"] == "my xor (2)"
    assert api.load(out["folder"]).name == "my xor"


def test_an_untrained_project_packs_spec_and_data_only(tmp_path):
    p = create_project("plain", example="xor")
    f = api.pack_project(p.dir, tmp_path / "p.layerlab")
    assert f.run_id is None
    assert api.unpack_project(f.path, name="Opened")["id"] == "opened"


def test_a_run_training_now_is_not_packed_and_a_copied_one_is_never_live(tmp_path):
    p = create_project("busy", example="xor")
    rid = "20260101-120000-000-abcd"
    run = p.dir / "runs" / rid
    run.mkdir(parents=True)
    (run / "meta.json").write_text(json.dumps({"run_id": rid, "status": "running", "host": "other-machine"}))
    (run / "weights.safetensors").write_bytes(b"")
    assert api.pack_project(p.dir, tmp_path / "a.layerlab").run_id is None  # no finished run: spec and data
    with pytest.raises(SpecError) as e:
        api.pack_project(p.dir, tmp_path / "b.layerlab", run_id=rid)
    assert "training right now" in e.value.message
    copy = api.duplicate_project("busy")  # skips the live run; a hand-made copy of one would read interrupted
    assert not (workspace.home() / copy["id"] / "runs" / rid).exists()
    from layerlab.store.manage import renew_run_ids
    new = renew_run_ids(p.dir)[rid]
    assert json.loads((p.dir / "runs" / new / "meta.json").read_text())["status"] == "interrupted"


def test_pack_refuses_another_suffix(tmp_path):
    p = create_project("plain", example="xor")
    with pytest.raises(SpecError) as e:
        api.pack_project(p.dir, tmp_path / "p.zip")
    assert "p.layerlab" in e.value.hint


def test_a_file_from_a_newer_layerlab_names_its_version_and_says_to_update():
    e = _refused(_craft({"project.json": _doc()}, version=FORMAT_VERSION + 1), "made by LayerLab 9.9.0",
                 "update LayerLab", status=415)
    assert e.to_dict("de")["hint"].startswith("aktualisiere LayerLab")


def test_a_project_spec_newer_than_this_layerlab_is_refused():
    _refused(_craft({"project.json": _doc(version=999)}), "newer than this LayerLab", "update")


def test_an_older_zip_of_a_project_folder_is_upgraded(tmp_path):
    old = dict(api.example("xor"), name="from 2025", version=1)
    old["training"] = dict(old["training"], loss="sparse_categorical_crossentropy")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("old-xor/project.json", json.dumps(old))
        zf.writestr("old-xor/data/table.csv", "a,b\n1,2\n")
        zf.writestr("old-xor/exports/model.onnx", b"\x08\x01")  # not part of a project: left out
    out = api.unpack_project(buf.getvalue())
    assert out["format_version"] == 0 and out["name"] == "from 2025"
    q = api.load(out["folder"])
    assert q.doc["version"] > 1 and q.doc["training"]["loss"] == "cross_entropy" and q.validate()
    assert (q.dir / "data" / "table.csv").exists() and not (q.dir / "exports").exists()


def test_not_a_zip_and_a_foreign_zip_are_refused():
    _refused(b"just some text", "not a ZIP")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("holiday/photo.txt", "x")
    _refused(buf.getvalue(), "no manifest.json or project.json", status=415)


def test_zip_slip_is_refused():
    _refused(_craft({"project.json": _doc(), "../../evil.csv": b"a\n1\n"}), "zip-slip")
    _refused(_craft({"project.json": _doc(), "/etc/evil.csv": b"a\n1\n"}), "zip-slip")


def test_a_symbolic_link_is_refused():
    data = _craft({"project.json": _doc()})
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a") as zf:
        info = zipfile.ZipInfo("data/link.csv")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    _refused(buf.getvalue(), "symbolic link")


def test_a_zip_bomb_is_refused():
    _refused(_craft({"project.json": _doc(), "data/zeros.csv": b"0" * (30 * MB)}), "zip bomb", status=413)


def test_absurd_sizes_are_refused(monkeypatch):
    monkeypatch.setenv("LAYERLAB_MAX_UNPACKED_MB", "1")
    rng = np.random.default_rng(0)
    big = ("a\n" + "\n".join(str(v) for v in rng.random(120_000))).encode()  # ~2 MB, not compressible much
    _refused(_craft({"project.json": _doc(), "data/big.csv": big}), "too much data", status=413)


@pytest.mark.parametrize("name", ["data/model.pkl", "runs/20260101-120000-000-abcd/weights.pt", "data/x.joblib"])
def test_a_pickle_is_refused_by_its_name(name):
    _refused(_craft({"project.json": _doc(), name: b"\x80\x04K\x01."}), "pickle", status=415)


def test_a_pickle_disguised_as_a_table_or_an_array_is_refused():
    _refused(_craft({"project.json": _doc(), "data/table.csv": b"\x80\x04\x95\x05\x00."}), "pickle")
    # an .npy of Python objects: its header says dtype 'O' and a pickle follows (written by hand, never pickled)
    header = b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"  # the header ends on a 64-byte boundary
    npy = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + b"\x80\x04K\x01."
    _refused(_craft({"project.json": _doc(), "data/x.npy": npy}), "damaged", "x.npy")


def test_fake_weights_and_fake_pictures_are_refused():
    rid = "20260101-120000-000-abcd"
    _refused(_craft({"project.json": _doc(), f"runs/{rid}/weights.safetensors": b"not tensors"}), "damaged")
    _refused(_craft({"project.json": _doc(), "data/cat/1.png": b"not a picture"}), "not a readable image")
    _refused(_craft({"project.json": _doc(), "data/cat/1.tif": b"II*\x00broken"}), "not a readable image")


def test_tiff_pictures_travel_too(tmp_path):
    from PIL import Image
    p = create_project("tiffs", example="xor")
    (p.dir / "data" / "cat").mkdir(parents=True)
    Image.new("RGB", (4, 4), (200, 10, 10)).save(p.dir / "data" / "cat" / "1.tif")
    out = api.unpack_project(api.pack_project(p.dir, tmp_path / "t.layerlab").path)
    with Image.open(workspace.home() / out["id"] / "data" / "cat" / "1.tif") as im:
        assert im.getpixel((0, 0)) == (200, 10, 10)


def test_a_changed_or_incomplete_file_is_refused():
    good = {"project.json": _doc(), "data/t.csv": b"a\n1\n"}
    data = _craft(good)
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as dst:
        for i in src.infolist():
            dst.writestr(i, src.read(i) if i.filename != "data/t.csv" else b"a\n2\n")
    _refused(buf.getvalue(), "does not match")
    m = {"format": FORMAT, "format_version": 1, "files": {"project.json": {}, "data/gone.csv": {}}}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("manifest.json", json.dumps(m))
    _refused(buf.getvalue(), "missing", "data/gone.csv")


def test_an_entry_a_project_never_has_is_refused():
    _refused(_craft({"project.json": _doc(), "bin/run.sh": b"rm -rf /"}), "never has", "bin/run.sh")


def test_a_damaged_manifest_or_missing_project_is_refused():
    _refused(_craft({"project.json": _doc()}, version="one"), "manifest is damaged")
    _refused(_craft({"data/t.csv": b"a\n1\n"}), "no project.json")
    _refused(_craft({"project.json": b"[1, 2]"}), "not a project")


def test_the_upload_limit_applies_to_bytes(monkeypatch):
    monkeypatch.setenv("LAYERLAB_MAX_UPLOAD_MB", "0.01")
    with pytest.raises(UploadError) as e:
        api.unpack_project(os.urandom(20_000), limits=UploadLimits.from_env())
    assert e.value.status == 413
