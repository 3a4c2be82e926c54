"""Errors of the layer kinds read German in German mode, with their values, and stay English otherwise."""
from __future__ import annotations

import pytest

from layerlab.layers import get_layer
from layerlab.spec.errors import SpecError


def _error(kind: str, raw: dict, in_shape: tuple[int, ...], path: str = "model.layers[0]") -> SpecError:
    layer = get_layer(kind)
    with pytest.raises(SpecError) as info:
        layer.infer_shape(layer.resolve(raw, path), in_shape, path)
    return info.value


def test_wrong_rank_for_conv2d_is_german_with_shape_and_fix():
    e = _error("conv2d", {"type": "conv2d"}, (64,))
    assert str(e).startswith("model.layers[0]: conv2d needs an image of shape")
    de = e.localized("de")
    assert de.startswith("model.layers[0]: conv2d braucht ein Bild der Form (Kanäle, Höhe, Breite)")
    assert "Erhalten: Eingabe der Form (64,)" in de
    assert "füge davor ein reshape ein" in de and "ersetze sie durch eine dense-Schicht" in de
    fixes = e.to_dict("de")["fixes"]
    assert fixes[0]["description"] == "füge davor ein reshape auf (1, 8, 8) ein"
    assert e.fixes[0].description == "insert a reshape to (1, 8, 8) before it"


def test_unknown_layer_type_and_parameter_are_german():
    with pytest.raises(SpecError) as info:
        get_layer("dnese", "model.layers[2].type")
    de = info.value.localized("de")
    assert "ist kein bekannter Schichttyp" in de and "Meintest du 'dense'?" in de
    assert "Gültige Schichttypen:" in de and "conv2d" in de
    assert info.value.to_dict("de")["fixes"][0]["description"] == "verwende 'dense'"

    with pytest.raises(SpecError) as info:
        get_layer("dense").resolve({"type": "dense", "unit": 3}, "model.layers[0]")
    de = info.value.localized("de")
    assert "ist kein Parameter von Schicht 'dense'" in de and "'units'" in de
    assert "is not a parameter of layer 'dense'" in str(info.value)


def test_reshape_mismatch_nests_its_reason_in_german():
    e = _error("reshape", {"type": "reshape", "target_shape": [5, 5]}, (64,))
    de = e.localized("de")
    assert "passt nicht zur Eingabe der Form (64,)" in de
    assert "die neue Form fasst 25 Werte, die Eingabe hat aber 64" in de
    assert "wähle Größen, deren Produkt 64 ergibt" in de
    assert "values" not in de and "choose" not in de
    assert "the new shape holds 25 values, but the input has 64" in str(e)
