"""The user's own data files explain their errors in German too, with the names and values filled in."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from layerlab.data import samples
from layerlab.data.augment import augmenter
from layerlab.data.files import find_file
from layerlab.data.images import scan
from layerlab.spec.errors import SpecError


def _png(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), "red").save(path)


def test_a_class_without_images_is_german(tmp_path):
    folder = tmp_path / "data" / "images"
    _png(folder / "cat" / "1.png")
    (folder / "green").mkdir()
    with pytest.raises(SpecError) as info:
        scan(folder, tmp_path)
    en, de = str(info.value), info.value.localized("de")
    assert "class with no images: 'green'" in en
    assert "hat eine Klasse ohne Bilder: 'green'" in de and "füge Bilder zu green/ hinzu" in de
    assert "Lösung:" in de and "no images" not in de


def test_an_augmentation_for_other_data_and_a_typo_are_german():
    with pytest.raises(SpecError) as info:
        augmenter({"flip": {}}, kind="tabular")
    de = info.value.localized("de")
    assert "wirkt auf Daten der Art image, nicht auf tabular" in de and "gaussian_noise" in de
    assert info.value.to_dict("de")["fixes"][0]["description"] == "entferne 'flip'"
    with pytest.raises(SpecError) as info:
        augmenter({"rotaton": {}})
    de = info.value.localized("de")
    assert "keine bekannte Augmentierung" in de and "Meintest du 'rotation'?" in de
    with pytest.raises(SpecError) as info:
        augmenter({"zoom": {"factor": 2}})
    assert "ist kein Parameter von Augmentierung 'zoom'" in info.value.localized("de")


def test_missing_files_and_bad_class_names_are_german(tmp_path):
    from layerlab.i18n import msg
    (tmp_path / "data").mkdir()
    with pytest.raises(SpecError) as info:
        find_file(tmp_path, "", (".csv", ".tsv", ".txt"), "data.params.path", msg("CSV file"))
    en, de = str(info.value), info.value.localized("de")
    assert "put a file ending in .csv or .tsv or .txt into" in en
    assert "liegt keine CSV-Datei" in de and "mit der Endung .csv oder .tsv oder .txt" in de
    with pytest.raises(SpecError) as info:
        samples.add_class(tmp_path, ".hidden")
    assert "ist kein brauchbarer Klassenname" in info.value.localized("de")
    assert "'.hidden'" in info.value.localized("de")
