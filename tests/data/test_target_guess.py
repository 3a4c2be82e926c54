"""The target guess: a text column with few values or one named like a label; never a year by itself."""
from __future__ import annotations

import pandas as pd

from layerlab.data.target_guess import describe_columns, guess_target, rank_targets

from .penguins import penguins


def test_penguins_guess_species_not_year_nor_last_column():
    df = penguins()
    assert list(df.columns)[-1] == "year"
    assert guess_target(df) == "species"
    ranked = [c.name for c in rank_targets(df)]
    assert ranked[0] == "species" and "year" not in ranked
    assert not any(c.startswith(("bill", "flipper", "body")) for c in ranked)


def test_columns_are_described_with_kind_and_a_few_values():
    cols = {c.name: c for c in describe_columns(penguins())}
    assert cols["species"].kind == "text" and cols["species"].distinct == 3
    assert cols["species"].examples == ["Adelie", "Chinstrap", "Gentoo"]
    assert cols["year"].kind == "whole numbers" and cols["year"].examples == ["2007", "2008", "2009"]
    assert cols["bill_length_mm"].kind == "numbers" and cols["bill_length_mm"].distinct > 20
    assert cols["sex"].missing > 0
    assert cols["species"].label == "species (text, 3 values: Adelie, Chinstrap, Gentoo)"
    assert cols["bill_length_mm"].label.startswith("bill_length_mm (numbers, ") and cols["bill_length_mm"].label.endswith(", …)")


def test_without_a_telling_name_the_rightmost_few_valued_text_column_wins():
    df = penguins().drop(columns=["species"])
    assert guess_target(df) == "sex"


def test_a_numeric_column_named_like_a_label_is_a_candidate():
    df = pd.DataFrame({"pixel_1": range(40), "pixel_2": [i % 7 for i in range(40)], "label": [i % 10 for i in range(40)]})
    assert guess_target(df) == "label"
    df = pd.DataFrame({"x1": range(40), "x2": [i * 0.5 for i in range(40)], "y": [i * 1.5 for i in range(40)]})
    assert guess_target(df) == "y"                       # a regression target named y


def test_camel_case_and_compound_names_match_as_words():
    df = pd.DataFrame({"a": range(30), "ClassLabel": [i % 2 for i in range(30)]})
    assert guess_target(df) == "ClassLabel"
    df = pd.DataFrame({"a": range(30), "playback": [i % 2 for i in range(30)]})   # 'y' inside a word is no match
    assert guess_target(df) is None


def test_only_numbers_with_few_values_give_no_guess():
    df = pd.DataFrame({"area": [50 + i for i in range(30)], "year": [2000 + i % 4 for i in range(30)],
                       "rooms": [1 + i % 5 for i in range(30)]})
    assert guess_target(df) is None and rank_targets(df) == []


def test_ids_and_constant_columns_are_not_targets():
    df = pd.DataFrame({"id": [f"row{i}" for i in range(30)], "x": range(30), "const": ["a"] * 30,
                       "colour": ["red", "blue", "green"] * 10})
    assert [c.name for c in rank_targets(df)] == ["colour"]


def test_empty_columns_are_described_not_guessed():
    df = pd.DataFrame({"x": range(10), "nothing": [None] * 10, "kind": ["a", "b"] * 5})
    cols = {c.name: c for c in describe_columns(df)}
    assert cols["nothing"].kind == "empty" and cols["nothing"].missing == 10
    assert guess_target(df) == "kind"
