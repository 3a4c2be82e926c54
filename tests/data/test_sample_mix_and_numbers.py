"""Issue 18 items 2, 4 and 6: numbers in the reader's language, sample grids that mix classes and
show the wrong ones first, table rows as words, parameter labels in German, and the diagram's
layout and weight colouring (drawn from a real trained network)."""
from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pytest

from layerlab import api
from layerlab.data.prepare import prepare
from layerlab.data.summary import mixed_indices, row_text, samples, wrong_first
from layerlab.i18n.numbers import number, percent


@pytest.mark.parametrize("value, lang, expected", [
    (7120, "de", "7.120"), (7120, "en", "7,120"), (1234.5, "de", "1.234,5"), (1234.5, "en", "1,234.5"),
    (1_000_000, "de", "1.000.000"), (0.5, "de", "0,5"), (-3.25, "de", "-3,25"), (39.099998474, "en", "39.1"),
    (np.float32(0.125), "de", "0,125"), (np.int64(4096), "de", "4.096"), (0.0, "de", "0"), (True, "de", "True"),
    ("text", "de", "text"), (float("inf"), "de", "∞"), (2.5e-9, "de", "2,5e-09"),
])
def test_number_is_written_as_the_language_writes_it(value, lang, expected):
    assert number(value, lang) == expected


def test_fixed_decimals_and_percentages():
    assert number(1234.5678, "de", digits=2) == "1.234,57"
    assert number(3, "en", digits=1) == "3.0"
    assert percent(0.9731, "de") == "97,3 %" and percent(0.9731, "en") == "97.3 %"


def test_mixed_indices_take_turns_between_classes():
    labels = np.repeat(np.arange(10), 30)            # sorted by class, as a ZIP of folders is
    picked = mixed_indices(labels, 24)
    assert len(picked) == 24 and len(set(picked)) == 24
    assert sorted(set(labels[picked])) == list(range(10))           # every class
    counts = np.bincount(labels[picked], minlength=10)
    assert counts.max() - counts.min() <= 1                       # a few of each, evenly
    assert mixed_indices(labels[:5], 24) == [0, 1, 2, 3, 4]        # fewer than asked: all of them


def test_wrong_ones_first_most_confident_mistake_first():
    items = [{"i": 0, "ok": True}, {"i": 1, "ok": False, "confidence": 0.4}, {"i": 2, "ok": None},
             {"i": 3, "ok": False, "confidence": 0.95}]
    assert [s["i"] for s in wrong_first(items)] == [3, 1, 0, 2]


def test_pick_samples_puts_every_wrong_one_before_the_right_ones():
    from layerlab.ui.components.evaluation import pick_samples
    true = np.repeat(np.arange(4), 10)
    pred = true.copy()
    pred[[3, 15, 27]] = (pred[[3, 15, 27]] + 1) % 4
    picked = pick_samples(true, pred, 8)
    assert picked[:3] == [3, 15, 27] and len(picked) == 8
    assert all(true[i] == pred[i] for i in picked[3:]) and set(true[picked[3:]]) == {0, 1, 2, 3}
    mostly_wrong = np.where(np.arange(40) % 5 == 0, true, (true + 1) % 4)     # 8 right, 32 wrong
    many = pick_samples(true, mostly_wrong, 16)
    assert len(many) == 16 and [true[i] == mostly_wrong[i] for i in many] == [False] * 12 + [True] * 4


def test_digits_grid_shows_every_class_not_only_zero():
    ds = prepare({"source": "digits", "validation_split": 0.2, "seed": 0})
    order = np.argsort(np.asarray(ds.train.y).reshape(-1), kind="stable")  # worst case: sorted by class
    ds.train.x, ds.train.y = ds.train.x[order], ds.train.y[order]
    grid = samples(ds, 20)
    assert len({s["label"] for s in grid}) == 10
    assert all(s["image_png"].startswith(b"\x89PNG") for s in grid)
    first = samples(ds, 20, mixed=False)
    assert {s["label"] for s in first} == {"0"}                   # what the grid showed before


def test_table_rows_read_as_feature_names_and_values(tmp_path):
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).parent))
    from penguins import penguins_csv
    p = api.new(tmp_path / "p", data=penguins_csv(tmp_path / "penguins.csv"), target="species")
    rows = samples(p.dataset(), 6)
    assert len({r["label"] for r in rows}) == 3
    text = row_text(rows[0]["values"], "en")
    assert re.search(r"\bisland (Torgersen|Dream|Biscoe)\b", text), text
    assert re.search(r"\bbill_length_mm \d\d\.\d\b", text), text       # the data's own units, one decimal
    assert "=" not in text and not re.match(r"^[\d., ]+$", text)
    de = row_text(rows[0]["values"], "de")
    assert re.search(r"\bbill_length_mm \d\d,\d\b", de) and re.search(r"body_mass_g \d\.\d{3}\b", de), de
    assert row_text({"island=Dream": 0.0, "island=Biscoe": 0.0}, "en") == "island ?"  # unknown category


def test_parameter_labels_are_german_in_german():
    from layerlab.data import SOURCES, load_all as load_sources
    from layerlab.data.augment import AUGMENTATIONS
    from layerlab.layers import load_all
    from layerlab.ui.components.param_labels import has_label, label
    load_sources()
    names = {p.name for kind in load_all().values() for p in kind.params}
    names |= {p.name for src in SOURCES.values() for p in src.params
              if type(src).__module__.startswith("layerlab.")}          # not the tests' own sources
    names |= set(AUGMENTATIONS) | {p.name for a in AUGMENTATIONS.values() for p in a.params}
    assert all(map(has_label, names)), sorted(n for n in names if not has_label(n))  # layers, data settings, augmentations
    assert label("units", "de") == "Neuronen" and label("filters", "de") == "Filter"
    assert label("activation", "de") == "Aktivierungsfunktion" and label("units", "en") == "units"


def test_diagram_styles_sizes_and_weight_colours(tmp_path):
    from layerlab.layers import load_all
    from layerlab.ui.components import diagram
    from layerlab.ui.pages.model import trained_weights
    fam = {n: k.family for n, k in load_all().items()}
    p = api.new(tmp_path / "xor", example="xor")
    a = p.analyze()
    layers = diagram.diagram_layers(a, fam)
    plain = diagram.network_svg(a.input_shape, layers)
    sizes = {float(s) for s in re.findall(r'font-size="([\d.]+)"', plain)}
    assert min(sizes) >= 12 and diagram.MIN_SCALE * min(sizes) >= 11 - 1e-9   # >= 11 px at the smallest scale
    width = int(re.search(r'viewBox="0 0 (\d+) ', plain).group(1))
    assert width == diagram.DRAW_W and f"min-width:{int(-(-width * 11 // 12))}px" in plain
    for x in re.findall(r'<(?:circle|rect)[^>]* c?x="([\d.]+)"', plain):
        assert 0 <= float(x) <= width                                # nothing outside the picture
    lenet = diagram.network_svg(a.input_shape, layers, style="lenet")
    assert "<circle" not in lenet and 'data-style="lenet"' in lenet
    assert diagram.POSITIVE not in plain and diagram.NEGATIVE not in plain
    # the weights of a network as a run loads it (training itself costs ~30 s on the shared machine)
    loaded = SimpleNamespace(doc=p.doc, network=p.build(seed=1))
    trained, weights = trained_weights(SimpleNamespace(load_run=lambda: loaded))
    assert trained == p.doc["model"]["layers"] and set(weights) == {0, 1}    # the two dense layers
    coloured = diagram.network_svg(a.input_shape, layers, weights=weights, legend=("weights",))
    assert diagram.POSITIVE in coloured or diagram.NEGATIVE in coloured
    legend = ("Gefärbt nach den Gewichten des letzten Trainings:",
              "blau = positiv, orange = negativ; kräftiger = größer.")
    drawn = diagram.network_svg(a.input_shape, layers, weights=weights, legend=legend)
    for tag, text in re.findall(r'(<text [^>]*>)([^<]*)</text>', drawn):
        # a generous 0.62 em per character (bold): every label starts and ends inside the picture
        x, width = float(re.search(r' x="([\d.]+)"', tag).group(1)), 0.62 * 12 * len(text)
        left = x - width if 'text-anchor="end"' in tag else x - width / 2 if "middle" in tag else x
        assert 0 <= left and left + width <= diagram.DRAW_W, (tag, text)
    w = next(v["w"] for v in weights.values() if "w" in v)
    assert max(abs(x) for row in w for x in row) == pytest.approx(1.0)   # relative to the largest weight
    svg = diagram.standalone_svg(coloured)
    assert svg.startswith("<?xml") and 'fill="#fff"' in svg
    from xml.dom.minidom import parseString
    assert parseString(svg.encode()).documentElement.tagName == "svg"      # a well-formed file of its own
