"""German for choosing a table's target column (data/target_guess.py, data/wizard.py) and CSV downloads."""
from . import add

add("de", {
    "{n} values: {examples}{more}": "{n} Werte: {examples}{more}",
    "{name} ({kind}, {values})": "{name} ({kind}, {values})",
    "text": "Text",
    "numbers": "Zahlen",
    "whole numbers": "ganze Zahlen",
    "empty": "leer",
    "{listing}; {column}": "{listing}; {column}",
    "{shown}; and {n} more": "{shown}; und {n} weitere",
    "does not say which column to predict (LayerLab never picks it silently)":
        "sagt nicht, welche Spalte vorhergesagt werden soll (LayerLab wählt sie nie stillschweigend)",
    "say which column to predict, e.g. {how} ({name!r} looks like a label)":
        "gib an, welche Spalte vorhergesagt werden soll, z. B. {how} ({name!r} sieht nach einer Klasse aus)",
    "say which column to predict with {how}, naming one of the columns above":
        "gib mit {how} an, welche Spalte vorhergesagt werden soll (eine der genannten Spalten)",
    "predict {name!r}": "{name!r} vorhersagen",
    # api_tables.py
    "is not a split of the data": "ist kein Teil der Daten",
    "use validation, test or train": "verwende validation, test oder train",
    "has no samples in this project": "hat in diesem Projekt keine Beispiele",
    "choose another split, or set data.validation_split / data.test_split above 0":
        "wähle einen anderen Teil oder setze data.validation_split / data.test_split über 0",
})
