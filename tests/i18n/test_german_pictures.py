"""The Inspect pictures speak the page's language: titles, axis labels, legends and notes.

Views are computed once and drawn twice, with png("de") and png("en"); the figure's texts
(every matplotlib Text artist) show German words in German and the same English as before
in English. The nets are untrained: the words do not depend on how well a net does.
"""
from __future__ import annotations

import pytest
import torch

import layerlab
from layerlab.engine.build import build_network
from layerlab.i18n import current_lang
from layerlab.inspect.context import Context
from layerlab.inspect.views import run_view
from tests.inspect.patchset import CONV_NET, SIDE, patch_images

PNG = b"\x89PNG"


@pytest.fixture(scope="module")
def image_ctx():
    """The bright-patch images of tests/inspect with an untrained conv net (fast: no training)."""
    torch.set_num_threads(1)
    x, y, _ = patch_images(24, seed=2)
    return Context(build_network(CONV_NET, (1, SIDE, SIDE), seed=0), x, y, ["tl", "tr", "bl", "br"])


def _joined(texts: list[str]) -> str:
    return "\n".join(texts)


def test_adversarial_picture_reads_german_in_german(image_ctx):
    r = run_view("adversarial", image_ctx, epsilons=[0.0, 0.1])
    de, en = _joined(r.figure_texts("de")), _joined(r.figure_texts("en"))
    assert "Eingabe: " in de and "Störung (eps 0.1)" in de and "Wahrscheinlichkeiten vorher" in de
    assert "FGSM: Genauigkeit " in de and " bei 0.1" in de
    assert "input" not in de and "accuracy" not in de and "probabilities" not in de and " at " not in de
    assert "perturbation (eps 0.1)" in en and "FGSM: accuracy " in en and " at 0.1" in en and "Störung" not in en
    assert r.png("de").startswith(PNG)


def test_errors_picture_labels_its_axes_in_german(image_ctx):
    r = run_view("errors", image_ctx, k=4)
    de, en = r.figure_texts("de"), r.figure_texts("en")
    assert "vorhergesagt" in de and "tatsächlich" in de and any(t.startswith("Konfusionsmatrix (") for t in de)
    assert any("Verlust pro Beispiel" in t for t in de)
    assert "predicted" not in de and "true" not in de and not any("confusion" in t for t in de)
    assert "predicted" in en and "true" in en and any(t.startswith("confusion (") for t in en)


def test_weights_and_max_activation_pictures_in_german(image_ctx):
    w = run_view("weights", image_ctx)
    de = _joined(w.figure_texts("de"))
    assert "Gewichte " in de and "Filterkerne von Schicht 1" in de and "Anteil toter ReLU-Einheiten" in de
    assert "weights " not in de and "kernels" not in de and "dead ReLU" not in de
    m = run_view("max_activation", image_ctx, layer=1, unit=0, steps=3, k=4)
    de = _joined(m.figure_texts("de"))
    assert "Schicht 2, Einheit 1" in de and "Aktivierung beim Aufstieg" in de and "Schritt" in de and "erzeugt" in de
    assert "unit" not in de and "climbing" not in de
    assert "layer 2, unit 1" in _joined(m.figure_texts("en"))


def test_a_project_through_the_public_api_draws_german_and_leaves_the_language_as_it_was(tmp_path):
    torch.set_num_threads(1)
    p = layerlab.new(tmp_path / "xor", example="xor")
    surface = p.inspect("surface", resolution=5)
    assert "Entscheidungsfläche" in surface.figure_texts("de")
    assert "decision surface" in surface.figure_texts("en")
    math = p.inspect("math")
    assert "Formeln (LaTeX)" in math.figure_texts("de") and "formulas (LaTeX)" in math.figure_texts()
    assert math.png("de").startswith(PNG) and math.png().startswith(PNG)
    assert current_lang.get() == "en"                  # png(lang) sets the language only while drawing
    saved = surface.save(tmp_path / "out")             # save() stays English by default
    assert saved[1].read_bytes().startswith(PNG)
