"""Export -> Web page without a browser: registered like every format, text from the project cannot break
out of the page, and a missing runtime is a clear error. (The page itself runs in
tests/e2e/test_webpage_export.py.)"""
from __future__ import annotations

import json

import pytest

from layerlab.export import webpage
from layerlab.export.formats import get_format, names
from layerlab.spec.errors import SpecError


def test_registered_like_the_other_formats():
    assert "webpage" in names() and get_format("webpage").suffix == ".html"
    assert get_format("webpage").label.to("de") == "Webseite (.html, läuft offline)"
    assert webpage.runtime_version().count(".") == 2          # the vendored onnxruntime-web's version
    for name in webpage.RUNTIME_FILES.values():
        assert (webpage.RUNTIME / name).is_file(), name
    assert webpage.ONDEVICE.is_file()


def test_names_and_classes_cannot_close_the_script_or_title(monkeypatch):
    monkeypatch.setattr(webpage, "_runtime_blobs", lambda: {"ort": "", "glue": "", "wasm": "", "ondevice": ""})
    evil = "</script><script>alert(1)</script><!--"
    described = {"classes": [evil, "b"], "inputs": [], "name": evil}
    page = webpage.page_html(b"onnx", described, evil)
    assert page.count("<script>alert(1)") == 0 and "&lt;/script&gt;" in page
    meta = page.split('id="ll-meta">', 1)[1].split("</script>", 1)[0]
    assert json.loads(meta)["classes"][0] == evil            # the JSON still reads back exactly
    assert "{{" not in page                                   # every placeholder filled, none left over


def test_a_missing_runtime_says_what_where_why_and_how_to_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(webpage, "RUNTIME", tmp_path)
    with pytest.raises(SpecError) as e:
        webpage._runtime_blobs()
    assert "onnxruntime-web" in str(e.value) and e.value.hint and str(tmp_path) in str(e.value.received)
    assert e.value.message.to("de").startswith("die Browser-Laufzeit")


def test_the_inlined_runtime_unpacks_to_the_vendored_wasm():
    import base64
    import gzip
    wasm = (webpage.RUNTIME / webpage.RUNTIME_FILES["wasm"]).read_bytes()
    packed = base64.b64decode(webpage._runtime_blobs()["wasm"])   # from the user's cache after the first time
    assert len(packed) < len(wasm) / 3 and gzip.decompress(packed) == wasm
