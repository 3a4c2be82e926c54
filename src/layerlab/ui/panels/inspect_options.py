"""Plain labels and one-line help for every option of every Inspect view, in English and
German (the views' signatures name them for programmers: max_channels, l2, jitter, ...).

`label(view, key)` and `help_text(view, key)` look up (view, key) first, then key alone.

>>> label("max_activation", "l2", "de")
'Blass halten (L2)'
"""
from __future__ import annotations

from ..i18n import STRINGS, add, t

# (view or "", option): (label en, help en, label de, help de)
TEXTS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("flow", "max_channels"): (
        "Feature maps shown per layer", "How many of a conv layer's output pictures are drawn.",
        "Merkmalskarten pro Schicht", "Wie viele Ausgabebilder einer Faltungsschicht gezeigt werden."),
    ("weights", "bins"): (
        "Bars per histogram", "Into how many bars the weights are sorted by size.",
        "Balken pro Histogramm", "In wie viele Balken die Gewichte nach Größe eingeteilt werden."),
    ("weights", "grad_samples"): (
        "Samples for the gradients", "How many samples the gradients are measured on.",
        "Beispiele für die Gradienten", "An wie vielen Beispielen die Gradienten gemessen werden."),
    ("", "layer"): (
        "Layer", "Which layer to look at; automatic: the last conv or hidden layer.",
        "Schicht", "Welche Schicht untersucht wird; automatisch: die letzte Faltungs- oder verborgene Schicht."),
    ("max_activation", "unit"): (
        "Unit (neuron or feature map)", "Empty: the unit that changes most from sample to sample.",
        "Einheit (Neuron oder Merkmalskarte)", "Leer: die Einheit, die sich von Beispiel zu Beispiel am meisten ändert."),
    ("max_activation", "k"): (
        "Top samples shown", "How many of the samples that excite the unit most are shown.",
        "Gezeigte Top-Beispiele", "Wie viele der Beispiele, die die Einheit am stärksten anregen, gezeigt werden."),
    ("max_activation", "steps"): (
        "Drawing steps", "Steps used to draw the unit's favourite input (0: draw none).",
        "Malschritte", "Schritte, um die Lieblingseingabe der Einheit zu malen (0: keine malen)."),
    ("max_activation", "l2"): (
        "Keep it faint (L2)", "Pulls the drawn input towards grey so it does not blow up.",
        "Blass halten (L2)", "Zieht die gemalte Eingabe Richtung Grau, damit sie nicht ausufert."),
    ("max_activation", "blur"): (
        "Smoothing (blur)", "Blurs the drawn input now and then so it stays smooth.",
        "Glätten (Unschärfe)", "Macht die gemalte Eingabe ab und zu unscharf, damit sie glatt bleibt."),
    ("max_activation", "jitter"): (
        "Wiggle (jitter, pixels)", "Shifts the input randomly by up to this many pixels at every step.",
        "Wackeln (Jitter, Pixel)", "Verschiebt die Eingabe bei jedem Schritt zufällig um bis zu so viele Pixel."),
    ("max_activation", "reduce"): (
        "Score of a feature map", "mean: the whole map counts; max: only its strongest spot.",
        "Wert einer Merkmalskarte", "mean: die ganze Karte zählt; max: nur ihre stärkste Stelle."),
    ("saliency", "method"): (
        "Method", "Plain gradients, SmoothGrad (averaged over noise) or Grad-CAM (conv nets); all: each.",
        "Methode", "Einfache Gradienten, SmoothGrad (über Rauschen gemittelt) oder Grad-CAM (Faltungsnetze); alle: jede."),
    ("saliency", "target"): (
        "Explain class number", "Empty: the class the network predicts for this sample.",
        "Klasse Nummer erklären", "Leer: die Klasse, die das Netz für dieses Beispiel vorhersagt."),
    ("saliency", "samples"): (
        "Noisy copies (SmoothGrad)", "How many noisy copies of the input SmoothGrad averages.",
        "Verrauschte Kopien (SmoothGrad)", "Über wie viele verrauschte Kopien der Eingabe SmoothGrad mittelt."),
    ("saliency", "noise"): (
        "Noise strength (SmoothGrad)", "How much noise is added, as a share of the input's range.",
        "Rauschstärke (SmoothGrad)", "Wie viel Rauschen dazukommt, als Anteil am Wertebereich der Eingabe."),
    ("adversarial", "method"): (
        "Attack", "FGSM: one step; PGD: several smaller steps, usually stronger.",
        "Angriff", "FGSM: ein Schritt; PGD: mehrere kleinere Schritte, meist stärker."),
    ("adversarial", "epsilon"): (
        "Change allowed (epsilon)", "How much each input value may be changed by the attack.",
        "Erlaubte Änderung (Epsilon)", "Wie stark der Angriff jeden Eingabewert ändern darf."),
    ("adversarial", "steps"): (
        "PGD steps", "How many small steps the PGD attack takes.",
        "PGD-Schritte", "Wie viele kleine Schritte der PGD-Angriff macht."),
    ("adversarial", "epsilons"): (
        "Strengths to test", "A list such as [0, 0.05, 0.1]; empty: a few around the change allowed.",
        "Getestete Stärken", "Eine Liste wie [0, 0.05, 0.1]; leer: einige um die erlaubte Änderung herum."),
    ("errors", "k"): (
        "Hardest examples shown", "How many wrong, then least sure samples are listed.",
        "Gezeigte schwerste Beispiele", "Wie viele falsche, dann unsicherste Beispiele gezeigt werden."),
    ("surface", "resolution"): (
        "Grid detail", "At how many points per side the plane is evaluated.",
        "Rasterfeinheit", "An wie vielen Punkten pro Seite die Ebene berechnet wird."),
    ("math", "max_weights"): (
        "Write out all weights up to", "Layers with at most this many weights show their whole matrix.",
        "Alle Gewichte ausschreiben bis", "Schichten mit höchstens so vielen Gewichten zeigen ihre ganze Matrix."),
    ("math", "digits"): (
        "Decimal places", "How many digits after the point the numbers show.",
        "Nachkommastellen", "Wie viele Stellen nach dem Komma die Zahlen zeigen."),
}

CHOICE_WORDS = {
    "all": ("all", "alle"), "vanilla": ("plain gradients", "einfache Gradienten"), "smoothgrad": ("SmoothGrad", "SmoothGrad"),
    "grad_cam": ("Grad-CAM", "Grad-CAM"), "fgsm": ("FGSM (one step)", "FGSM (ein Schritt)"),
    "pgd": ("PGD (several steps)", "PGD (mehrere Schritte)"), "mean": ("mean (whole map)", "mean (ganze Karte)"),
    "max": ("max (strongest spot)", "max (stärkste Stelle)"),
}

add({f"inspect.opt.{v or '*'}.{k}": en for (v, k), (en, _, _, _) in TEXTS.items()}
    | {f"inspect.help.{v or '*'}.{k}": h for (v, k), (_, h, _, _) in TEXTS.items()}
    | {f"inspect.choice.{k}": en for k, (en, _) in CHOICE_WORDS.items()},
    {f"inspect.opt.{v or '*'}.{k}": de for (v, k), (_, _, de, _) in TEXTS.items()}
    | {f"inspect.help.{v or '*'}.{k}": h for (v, k), (_, _, _, h) in TEXTS.items()}
    | {f"inspect.choice.{k}": de for k, (_, de) in CHOICE_WORDS.items()})


def _key(kind: str, view: str, key: str) -> str | None:
    for v in (view, "*"):
        name = f"inspect.{kind}.{v}.{key}"
        if name in STRINGS["en"]:
            return name
    return None


def label(view: str, key: str, lang: str | None = None) -> str:
    """The option's plain label (the raw name only for an option this table does not know)."""
    k = _key("opt", view, key)
    return t(k, lang) if k else key


def help_text(view: str, key: str, lang: str | None = None) -> str:
    """One line saying what the option does ('' when unknown)."""
    k = _key("help", view, key)
    return t(k, lang) if k else ""


def choice(value: str, lang: str | None = None) -> str:
    """A choice's words (e.g. 'grad_cam' -> 'Grad-CAM')."""
    k = f"inspect.choice.{value}"
    return t(k, lang) if k in STRINGS["en"] else value
