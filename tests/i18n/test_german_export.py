"""Export and TF.js import errors read English and show German, with their values, in German mode."""
from __future__ import annotations

import numpy as np
import pytest

from layerlab.export.common import ExportFailed, check_close, join_reasons
from layerlab.export.facade import blockers, check_format
from layerlab.export.tfjs_layout import read_model
from layerlab.export.tfjs_upload import import_tfjs_upload
from layerlab.i18n import msg
from layerlab.spec.errors import SpecError


def test_unknown_format_is_german_with_the_suggestion():
    with pytest.raises(SpecError) as info:
        check_format("onnxx")
    e = info.value
    assert str(e).startswith("format: is not an export format")
    de = e.localized("de")
    assert "ist kein Exportformat" in de and "Meintest du 'onnx'?" in de and "safetensors" in de
    assert "did you mean" not in de


def test_a_failed_check_against_pytorch_is_german_with_the_difference():
    with pytest.raises(ExportFailed) as info:
        check_close(np.zeros((2, 3), np.float32), np.full((2, 3), 0.5, np.float32), msg("the ONNX file"), ["dense"])
    e = info.value
    assert "the ONNX file does not compute what PyTorch computes (largest difference 0.5 > 0.0001)" in str(e)
    de = e.localized("de")
    assert "die ONNX-Datei berechnet nicht dasselbe wie PyTorch (größter Unterschied 0.5 > 0.0001)" in de
    assert "exportiere ein anderes Format" in de and "dense" in de


def test_tfjs_reading_and_upload_errors_are_german(tmp_path):
    with pytest.raises(SpecError) as info:
        read_model(tmp_path / "nowhere")
    de = info.value.localized("de")
    assert "kein TF.js-Modell gefunden unter" in de and "nowhere" in de and "model.json" in de
    with pytest.raises(SpecError) as info:
        import_tfjs_upload({"model.zip": b"not a zip at all"}, tmp_path / "out")
    de = info.value.localized("de")
    assert "model.zip ist keine lesbare ZIP-Datei" in de and "lade model.json" in de


def test_blocked_reasons_stay_translatable():
    reasons = blockers(["dense", "gru"], "tfjs", [{"type": "dense"}, {"type": "gru", "units": 2}])
    assert [str(r).split(":")[0] for r in reasons] == ["gru"]
    assert "kennt nur eine GRU" in reasons[0].to("de")
    joined = join_reasons([*reasons, msg("{kind}: {reason}", kind="x", reason=msg("not exportable"))])
    assert joined.startswith("gru: TF.js 4.22") and joined.endswith("; x: not exportable")
    assert joined.to("de").endswith("; x: nicht exportierbar")
