"""Plain labels, in English and German, for the parameters that layers, data sources and
augmentations declare (their help comes from each Param's description / description_de).

The English label is the parameter's name as written in project.json (with spaces), so what a
pupil sees on the form is what a teacher types in the file; the German one says what it means.
A parameter without an entry here falls back to its name.

>>> label("kernel_size", "de"), label("kernel_size", "en"), label("no_such_thing", "de")
('Filtergröße', 'kernel size', 'no such thing')
"""
from __future__ import annotations

from ..i18n import STRINGS, add

GERMAN = {
    "activation": "Aktivierungsfunktion", "activity_l1": "Aktivitäts-L1", "activity_l2": "Aktivitäts-L2",
    "arms": "Spiralarme", "bias_initializer": "Startwerte des Bias", "bias_l1": "Bias-L1", "bias_l2": "Bias-L2",
    "bidirectional": "in beide Richtungen", "categorical": "kategorisch", "channels": "Kanäle",
    "classes": "Klassen", "degrees": "Grad", "delimiter": "Trennzeichen", "delta": "Delta",
    "depth_multiplier": "Tiefenmultiplikator", "dilation": "Dilatation (Lücken)", "dims": "Achsen",
    "embeddings_initializer": "Startwerte der Einbettung", "epsilon": "Epsilon", "factor": "Faktor",
    "filters": "Filter", "fit": "Einpassen", "fraction": "Anteil", "header": "Kopfzeile",
    "horizontal": "waagerecht", "input_dim": "Eingabegröße (Vokabular)", "interpolation": "Interpolation",
    "keep": "behalten", "kernel_initializer": "Startwerte der Gewichte", "kernel_l1": "Gewichte-L1",
    "kernel_l2": "Gewichte-L2", "kernel_size": "Filtergröße", "max_categories": "höchstens Kategorien",
    "missing": "fehlende Werte", "momentum": "Momentum", "n_samples": "Anzahl Beispiele", "noise": "Rauschen",
    "normalize": "normalisieren", "op": "Rechenart", "output_dim": "Ausgabegröße", "over": "über Achsen",
    "p": "Wahrscheinlichkeit p", "padding": "Rand (Padding)", "path": "Pfad", "periods": "Perioden",
    "pool_size": "Fenstergröße", "probability": "Wahrscheinlichkeit", "rate": "Rate",
    "recurrent_activation": "rekurrente Aktivierung", "reset_after": "Reset danach",
    "return_sequences": "ganze Folge ausgeben", "roles": "Rollen", "scale": "Skalierung", "size": "Größe",
    "standardize_target": "Zielwert standardisieren", "std": "Standardabweichung",
    "stddev": "Standardabweichung", "streaming": "nach und nach lesen", "strides": "Schrittweite",
    "target": "Zielspalte", "target_shape": "Zielform", "task": "Aufgabe", "text": "Text", "units": "Neuronen",
    "use_bias": "Bias verwenden", "vertical": "senkrecht", "y_path": "Pfad der Zielwerte",
    # augmentations (data.augment.AUGMENTATIONS) are switched by name too
    "flip": "Spiegeln", "rotation": "Drehen", "shift": "Verschieben", "zoom": "Zoomen",
    "brightness": "Helligkeit", "contrast": "Kontrast", "gaussian_noise": "Gaußsches Rauschen",
}

add({f"param.{k}": k.replace("_", " ") for k in GERMAN}, {f"param.{k}": v for k, v in GERMAN.items()})


def label(name: str, lang: str) -> str:
    """The label of a parameter (or augmentation) in lang; its name with spaces when unknown."""
    return STRINGS.get(lang, {}).get(f"param.{name}") or name.replace("_", " ")
