"""Errors of the inspect views and the engine read German in German, with their values kept."""
from __future__ import annotations

import pytest
import torch

from layerlab.engine.build import build_network
from layerlab.engine.diagnose import NonFiniteLoss, explain
from layerlab.i18n import Text, localize
from layerlab.inspect.trace import layer_index
from layerlab.inspect.views import get_view
from layerlab.spec.errors import SpecError


@pytest.fixture(scope="module")
def net():
    return build_network([{"type": "dense", "units": 4}, {"type": "dense", "units": 2}], (3,), seed=0)


def test_a_layer_out_of_range_is_german_with_its_numbers(net):
    with pytest.raises(SpecError) as info:
        layer_index(net, 7)
    e = info.value
    assert "give a number from 0 to 1 (or -1 for the last)" in str(e)
    de = e.localized("de")
    assert "ist keine Schicht dieses Netzes" in de and "gib eine Zahl von 0 bis 1 an" in de
    assert "Erhalten: 7" in de and "layer" not in de.split(":", 1)[1]


def test_an_unknown_view_suggests_the_close_one_in_german():
    with pytest.raises(SpecError) as info:
        get_view("salency")
    de = info.value.localized("de")
    assert "Meintest du 'saliency'?" in de and "Ansichten:" in de and "flow" in de


def test_run_failures_put_where_it_happened_into_the_german_sentence():
    d = explain(MemoryError(), epoch=2, batch=5, batch_size=64)
    assert d["message"] == "Ran out of memory in epoch 2, batch 5."
    assert localize(d["message"], "de") == "Der Speicher hat in Epoche 2, Batch 5 nicht gereicht."
    assert "Batchgröße (sie ist 64)" in localize(d["hint"], "de")

    nan = explain(NonFiniteLoss(3, 7, float("nan"), 0.5))
    assert "Lernrate (sie war 0.5; versuche 0.05)" in localize(nan["hint"], "de")
    back = Text.from_dict(nan["message"].to_dict())  # a RunFailed's texts after a trip through JSON
    assert "Epoche 3, Batch 7" in back.to("de") and "NaN" in back.to("de")

    shape = explain(RuntimeError("mat1 and mat2 shapes cannot be multiplied"), epoch=1)
    de = localize(shape["message"], "de")
    assert de == "Die Daten passten in Epoche 1 nicht zum Modell: mat1 and mat2 shapes cannot be multiplied"


def test_a_token_model_error_names_the_method_in_german():
    from layerlab.inspect.adversarial import fgsm
    net = build_network([{"type": "dense", "units": 2}], (3,), seed=0)
    with pytest.raises(SpecError) as info:
        fgsm(net, torch.zeros(2, 3, dtype=torch.long), torch.tensor([0, 1]), 0.1)
    assert "ein adversarialer Angriff braucht Zahlen" in info.value.localized("de")
