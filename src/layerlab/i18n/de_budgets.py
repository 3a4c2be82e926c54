"""German for the budgets (spec/budgets.py): model size, memory, FLOPs, table width, pictures, workspace."""
from . import add

add("de", {
    # limits.toml
    "is not a budget profile": "ist kein Budget-Profil",
    "is not a valid TOML file": "ist keine gültige TOML-Datei",
    "write one 'key = number' per line, e.g. params = 100_000_000":
        "schreibe je Zeile 'Schlüssel = Zahl', z. B. params = 100_000_000",
    "is not a known limit": "ist keine bekannte Grenze",
    "must be a positive number": "muss eine positive Zahl sein",
    "write e.g. {key} = {example}": "schreibe z. B. {key} = {example}",
    "or ask whoever runs LayerLab to raise {key} in {file}":
        "oder bitte die Person, die LayerLab betreibt, {key} in {file} zu erhöhen",
    "{fix}, {raise_hint}": "{fix}, {raise_hint}",
    # models
    "the model has {n:,} layers, more than the {limit:,} allowed":
        "das Modell hat {n:,} Schichten, mehr als die erlaubten {limit:,}",
    "{n:,} layers": "{n:,} Schichten",
    "remove layers until at most {limit:,} are left": "entferne Schichten, bis höchstens {limit:,} übrig sind",
    "blocks are nested {n} deep, more than the {limit} allowed":
        "Blöcke sind {n}-fach ineinander verschachtelt, mehr als die erlaubten {limit}",
    "nesting depth {n}": "Verschachtelungstiefe {n}",
    "move the inner blocks out so that at most {limit} sit inside each other":
        "ziehe innere Blöcke heraus, sodass höchstens {limit} ineinander stecken",
    "training would need about {need} of memory, more than the {limit} allowed":
        "das Training bräuchte etwa {need} Speicher, mehr als die erlaubten {limit}",
    "batch size {n}": "Batchgröße {n}",
    "one training step would take about {need:.3g} floating-point operations, more than the {limit:.3g} allowed":
        "ein Trainingsschritt bräuchte etwa {need:.3g} Gleitkommaoperationen, mehr als die erlaubten {limit:.3g}",
    "the model has {n:,} parameters, more than the {limit:,} allowed":
        "das Modell hat {n:,} Parameter, mehr als die erlaubten {limit:,}",
    "{n:,} parameters": "{n:,} Parameter",
    "make this, the largest layer, smaller (fewer units or filters, or pool before it)":
        "verkleinere diese, die größte Schicht (weniger Units oder Filter, oder vorher poolen)",
    "set training.batch_size to {n}": "setze training.batch_size auf {n}",
    "set batch size to {n}": "Batchgröße auf {n} setzen",
    "make the model smaller (fewer units, filters or layers; pool images earlier)":
        "verkleinere das Modell (weniger Units, Filter oder Schichten; Bilder früher poolen)",
    # tables
    "drop or bin the column {column!r} (each distinct text value becomes one feature)":
        "lass die Spalte {column!r} weg oder fasse ihre Werte zusammen (jeder verschiedene Textwert wird ein Merkmal)",
    "drop columns with many distinct text values": "lass Spalten mit vielen verschiedenen Textwerten weg",
    "the table would have {n:,} features after encoding, more than the {limit:,} allowed":
        "die Tabelle hätte nach dem Kodieren {n:,} Merkmale, mehr als die erlaubten {limit:,}",
    "{n:,} features": "{n:,} Merkmale",
    # pictures and the workspace
    "the picture has {mp:.1f} megapixels, more than the {limit:.0f} allowed":
        "das Bild hat {mp:.1f} Megapixel, mehr als die erlaubten {limit:.0f}",
    "{w} x {h} pixels": "{w} x {h} Pixel",
    "the pictures of this upload have {mp:,.0f} megapixels together, more than the {limit:,.0f} allowed":
        "die Bilder dieses Uploads haben zusammen {mp:,.0f} Megapixel, mehr als die erlaubten {limit:,.0f}",
    "{mp:,.0f} megapixels": "{mp:,.0f} Megapixel",
    "upload fewer or smaller pictures": "lade weniger oder kleinere Bilder hoch",
    "the workspace would hold {n:,} files, more than the {limit:,} allowed":
        "der Arbeitsbereich hätte {n:,} Dateien, mehr als die erlaubten {limit:,}",
    "{n:,} files": "{n:,} Dateien",
    "delete projects or data you no longer need": "lösche Projekte oder Daten, die du nicht mehr brauchst",
    "the workspace would take {need}, more than the {limit} allowed":
        "der Arbeitsbereich bräuchte {need}, mehr als die erlaubten {limit}",
})
