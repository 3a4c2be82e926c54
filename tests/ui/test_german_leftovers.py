"""German leftovers a German-speaking pupil still met in the studio: selects that offered internal values
('adam', 'cross_entropy', 'relu', 'same', 'pad', 'add'), English numbers ('val_accuracy 0.767', '680.7 KiB',
'1.81e+07 FLOPs'), a data source named by its id ('modular_arithmetic'), the modulus p called a probability,
and a German Excel table whose decimal commas made every measurement a text category."""
from __future__ import annotations

import re
import shutil
from types import SimpleNamespace

import pytest
from nicegui import ui
from nicegui.testing import User

from layerlab import api
from layerlab.api_data import AUGMENTATIONS, data_sources
from layerlab.api_spec import catalog, layer_kinds
from layerlab.data.csvread import read_table
from layerlab.data.preprocess import PARAMS as PREPROCESSING
from layerlab.store import workspace
from layerlab.ui.components.param_labels import choice

# an English decimal: '0.767', '3.5', '1.81e+07' (German thousands, '1.797', have exactly three digits after the point)
ENGLISH_NUMBER = re.compile(r"(?<![\w.,])0\.\d+|(?<![\w.,])\d+\.\d{1,2}(?![\d])|\d\.\d{4,}|\de[+-]\d")


def _choice_params() -> list[tuple[str, str, tuple]]:
    """(owner, name, choices) of every choice a form offers: layers, data sources, augmentations, preprocessing."""
    found = [(kind, p.name, p.choices) for kind, k in layer_kinds().items() for p in k.params if p.kind == "choice"]
    found += [(s["name"], p["name"], tuple(p["choices"])) for s in data_sources() for p in s["params"]
              if p["kind"] == "choice"]
    found += [(a, p.name, p.choices) for a, aug in AUGMENTATIONS.items() for p in aug.params if p.kind == "choice"]
    found += [("preprocessing", p.name, p.choices) for p in PREPROCESSING if p.kind == "choice"]
    found += [("training", "optimizer", tuple(catalog.OPTIMIZERS)), ("training", "loss", tuple(catalog.LOSSES)),
              ("training", "schedule", tuple(catalog.SCHEDULES))]
    return found


def test_every_offered_choice_has_german_words_and_keeps_its_value_in_english() -> None:
    params = _choice_params()
    assert len(params) >= 20   # activations, paddings, initializers, fits, the CSV's settings, optimizers, ...
    raw = [f"{owner}.{name}: {v!r}" for owner, name, choices in params for v in choices
           if choice(name, v, "de") == str(v)]
    assert not raw, "German shows the internal value:\n" + "\n".join(raw)
    assert all(choice(name, v, "en") == str(v) for _, name, choices in params for v in choices)


def test_a_german_excel_table_keeps_its_numbers() -> None:
    """German Excel saves '5,1;3,5;setosa': the measurements were text, each a one-hot category (123 'features')."""
    df = read_table(text="Länge;Breite;Art\n5,1;3,5;setosa\n4,9;3,0;setosa\n6,3;2,5;virginica\n")
    assert df["Länge"].tolist() == [5.1, 4.9, 6.3] and df["Breite"].dtype.kind == "f"
    assert read_table(text="a;b\n1.5;x\n2.5;y\n")["a"].tolist() == [1.5, 2.5]      # a decimal point stays one
    assert read_table(text="a,b\n1,x\n2,y\n")["a"].tolist() == [1, 2]               # a comma that separates stays one


@pytest.fixture(scope="module")
def trained_iris(tmp_path_factory):
    """iris after one short run (its runs folder is copied into each test's workspace)."""
    p = api.new(tmp_path_factory.mktemp("german") / "iris", example="iris")
    p.train(epochs=2)
    return p


def _labels(user: User) -> list[str]:
    return [e.text for e in user.find(ui.label).elements]


def _select(user: User, marker: str) -> ui.select:
    return next(iter(user.find(marker=marker).elements))


async def test_train_and_model_pages_speak_german_words_and_numbers(trained_iris, user: User, project_id) -> None:
    pid = project_id("iris")
    shutil.copytree(trained_iris.dir / "runs", workspace.project_dir(pid) / "runs")
    await user.open("/?lang=de")
    await user.open(f"/p/{pid}/train")
    await user.should_see(marker="runs-list")
    for marker, value in (("tf-training.optimizer", "adam"), ("tf-training.loss", None)):
        sel = _select(user, marker)
        assert sel.value == value   # the document keeps its value
        raw = {k: v for k, v in sel.options.items() if k is not None and v == k}
        assert not raw, f"{marker} offers internal values: {raw}"
    assert _select(user, "tf-training.optimizer").options["adam"] == "Adam"
    assert _select(user, "tf-training.loss").options[None] == "Standard (Kreuzentropie)"
    assert _select(user, "tf-training.metrics").options["accuracy"] == "Genauigkeit"
    await user.should_see("Genauigkeit (Validierung) 0,")           # the runs list, was 'val_accuracy 0.767'
    rate = _select(user, "tf-training.learning_rate")                 # a browser's number field shows 0.01
    assert rate.props["model-value"] == "0,01" and rate.props["type"] == "text"
    rate.set_value(rate._event_args_to_value(SimpleNamespace(args="0,02")))   # what the field sends when typed
    assert api.load(workspace.project_dir(pid)).doc["training"]["learning_rate"] == 0.02
    await user.should_not_see("val_accuracy")
    english = [x for x in _labels(user) if ENGLISH_NUMBER.search(x)]
    assert not english, f"English numbers on Train: {english}"

    await user.open(f"/p/{pid}/model")
    await user.should_see(marker="model-cost")
    cost = next(iter(user.find(marker="model-cost").elements)).text
    assert re.search(r"\d,\d KiB", cost) and "e+" not in cost, cost     # was '4.7 KiB', '1.26e+04 FLOPs'
    activations = [s for s in user.find(ui.select).elements if "relu" in s.options]   # one per layer
    assert activations and all(s.options["relu"] == "ReLU" and s.options[s.value] != s.value for s in activations)
    english = [x for x in _labels(user) if ENGLISH_NUMBER.search(x)]
    assert not english, f"English numbers on Model: {english}"


async def test_the_data_page_names_the_source_and_its_settings_in_german(user: User, project_id) -> None:
    pid = project_id("modular_arithmetic")
    await user.open("/?lang=de")
    await user.open(f"/p/{pid}/data")
    await user.should_see("Quelle: Modulo-Rechnen (modular_arithmetic)", retries=50)
    await user.should_see("Modul p")                                   # was 'Wahrscheinlichkeit p' (dropout's p)
    op = _select(user, "src-op")
    assert op.value == "add" and op.options["add"] == "Addition (a + b)"
    await user.open("/")
    await user.should_see("Klassifikation · Modulo-Rechnen")


def test_a_project_from_own_data_is_described_in_the_pupils_language(tmp_path) -> None:
    """Home's 'start from your own data' wrote 'From your own data: 150 rows, ...' on a German Train page."""
    table = tmp_path / "blumen.csv"
    table.write_text("Länge;Art\n" + "".join(f"{i},5;{'ab'[i % 2]}\n" for i in range(12)), encoding="utf-8")
    de = api.new(tmp_path / "de", data=table, target="Art", lang="de")
    en = api.new(tmp_path / "en", data=table, target="Art")
    assert de.doc["description"] == "Aus deinen eigenen Daten: 12 Zeilen, Klassifikation der Spalte 'Art'."
    assert en.doc["description"] == "From your own data: 12 rows, classification of 'Art'."   # as before


def test_formulas_write_german_decimal_commas() -> None:
    """A dropout's math read 'Bernoulli(0.8)' and '1 − 0.2' on a German Model page."""
    from layerlab.ui.components.mathview import tex_in
    tex = r"m \sim \mathrm{Bernoulli}(0.8), \; y = \frac{m}{1 - 0.2} \text{ if training}"
    assert tex_in(tex, "de") == r"m \sim \mathrm{Bernoulli}(0{,}8), \; y = \frac{m}{1 - 0{,}2} \text{ falls training}"
    assert tex_in(tex, "en") == tex


async def test_a_search_range_takes_german_decimal_commas(user: User, project_id) -> None:
    """The range field asked for comma-separated values, so '0,001, 0,1' could not be typed in German."""
    pid = project_id("xor")
    await user.open("/?lang=de")
    await user.open(f"/p/{pid}/search")
    await user.should_see("Werte (durch Semikolons getrennt, z. B. 0,001; 0,1; für einen Bereich: unten; oben)")
    _select(user, "search-setting").set_value("training.learning_rate")
    _select(user, "search-kind").set_value("loguniform")
    next(iter(user.find(marker="search-values").elements)).set_value("0,001; 0,1")
    user.find(marker="search-add-btn").click()
    doc = api.load(workspace.project_dir(pid)).doc
    assert doc["training"]["learning_rate"]["search"]["loguniform"] == [0.001, 0.1]


def test_inspect_pictures_write_german_decimal_commas() -> None:
    """Inspect's pictures (matplotlib) wrote '0.8' on their axes on a German page; English stays as it was."""
    from layerlab.inspect.context import ViewResult
    from layerlab.inspect.plots import new_figure

    def draw():
        fig = new_figure(1, 1)
        fig.axes[0].bar([0, 1], [0.25, 0.75])
        return fig
    result = ViewResult("bars", {}, draw)
    for lang, point in (("de", ","), ("en", ".")):
        fig = result.figure(lang)
        fig.canvas.draw()
        ticks = [t.get_text() for t in fig.axes[0].get_yticklabels() if t.get_text() not in ("0", "")]
        assert ticks and all(point in t for t in ticks), (lang, ticks)


@pytest.mark.parametrize("name", ["components.param_labels", "components.run_list", "components.refusals",
                                  "components.target_picker", "components.local_number", "components.inspect_charts",
                                  "components.mathview", "panels.export_panel", "pages.search"])
def test_the_studios_number_and_word_examples_stay_true(name: str) -> None:
    """The docstring examples of the studio modules this work changed (tests/test_doctests.py runs the core's only):
    German words for options, '0,767', '1,5 MB', '32,1; 33,1', '0,1 … 0,2', '0{,}8', '0,001; 0,1'."""
    import doctest
    import importlib
    result = doctest.testmod(importlib.import_module(f"layerlab.ui.{name}"), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
