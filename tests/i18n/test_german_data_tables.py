"""Errors of the data tables (CSV, NumPy arrays, prediction inputs, splits) read German in German."""
from __future__ import annotations

import numpy as np
import pytest

from layerlab.data import get_source
from layerlab.data.arrays import build_arrays
from layerlab.data.split import split_indices
from layerlab.spec.errors import SpecError


def test_a_ragged_csv_row_is_german_with_its_numbers():
    src = get_source("csv")
    p = src.resolve({"text": "a,b,c\n1,2,3\n4,5\n6,7,8\n", "target": "c"})
    with pytest.raises(SpecError) as info:
        src.info(p, None)
    e = info.value
    assert "fields where the first row has 3" in str(e)
    de = e.localized("de")
    assert "Zeile mit 2 Feldern" in de and "(Zeile 3)" in de and "Anführungszeichen" in de
    assert "fields" not in de


def test_a_wrong_column_names_the_columns_in_german():
    src = get_source("csv")
    p = src.resolve({"text": "size,colour,kind\n1,red,x\n2,blue,y\n", "target": "knd"})
    with pytest.raises(SpecError) as info:
        src.info(p, None)
    e = info.value
    assert str(e).startswith("data.params.target: is not a column of the table")
    de = e.localized("de")
    assert "ist keine Spalte der Tabelle" in de and "Meintest du 'kind'?" in de and "Spalten: size, colour, kind" in de
    assert e.to_dict("de")["fixes"][0]["description"] == "verwende 'kind'"


def test_array_and_split_errors_carry_their_values_in_german():
    with pytest.raises(SpecError) as info:
        build_arrays(np.zeros((4, 2), np.float32), np.array([0, 1, 0]), {"task": "auto"})
    de = info.value.localized("de")
    assert "unterschiedlich viele Eingaben und Zielwerte" in de and "4 Eingaben, 3 Zielwerte" in de
    with pytest.raises(SpecError) as info:
        split_indices(np.array([0, 1] * 5), "classification", 0.7, 0.3, seed=0)
    assert "keine Trainingsbeispiele" in info.value.localized("de")


def test_an_unknown_data_source_parameter_names_the_source_in_german():
    with pytest.raises(SpecError) as info:
        get_source("spiral").resolve({"n_sampels": 10})
    de = info.value.localized("de")
    assert "ist kein Parameter von der Datenquelle 'spiral'" in de and "'n_samples'" in de
