"""Names the training section accepts, each declared once with what it suits.

The engine maps every name here to a torch implementation (a test checks none is missing).
"""
from __future__ import annotations

from dataclasses import dataclass

CLASSIFICATION, REGRESSION = "classification", "regression"
TASKS = (CLASSIFICATION, REGRESSION)


@dataclass(frozen=True)
class Entry:
    name: str
    description: str
    description_de: str
    tasks: tuple[str, ...] = TASKS

    def describe(self, lang: str = "en") -> str:
        """The description in lang ('en' or 'de')."""
        return self.description_de if lang == "de" else self.description


def _table(*entries: Entry) -> dict[str, Entry]:
    return {e.name: e for e in entries}


OPTIMIZERS = _table(
    Entry("sgd", "Stochastic gradient descent, with optional momentum and Nesterov.",
          "Stochastischer Gradientenabstieg, wahlweise mit Momentum und Nesterov."),
    Entry("adam", "Adaptive moments; a safe default.",
          "Adaptive Momente; eine sichere Standardwahl."),
    Entry("adamw", "Adam with decoupled weight decay.",
          "Adam mit entkoppeltem Weight Decay."),
    Entry("rmsprop", "Scales steps by a running average of squared gradients.",
          "Skaliert die Schritte mit einem gleitenden Mittel der quadrierten Gradienten."),
    Entry("adagrad", "Per-parameter steps that shrink for frequent features.",
          "Schritte je Parameter, die bei häufigen Merkmalen kleiner werden."),
    Entry("adadelta", "Adagrad without a hand-set learning rate decay.",
          "Adagrad ohne von Hand gesetztes Abklingen der Lernrate."),
    Entry("adamax", "Adam with the infinity norm.",
          "Adam mit der Unendlich-Norm."),
    Entry("nadam", "Adam with Nesterov momentum.",
          "Adam mit Nesterov-Momentum."),
)

LOSSES = _table(
    Entry("cross_entropy", "Multi-class classification (the network ends in softmax).",
          "Klassifikation mit mehreren Klassen (das Netz endet mit softmax).", (CLASSIFICATION,)),
    Entry("binary_cross_entropy", "Two classes or several yes/no labels (ends in sigmoid).",
          "Zwei Klassen oder mehrere Ja/Nein-Labels (endet mit sigmoid).", (CLASSIFICATION,)),
    Entry("hinge", "Margin loss as in support vector machines.",
          "Margin-Verlust wie bei Support-Vector-Maschinen.", (CLASSIFICATION,)),
    Entry("kl_divergence", "Distance between predicted and true class distributions.",
          "Abstand zwischen vorhergesagter und wahrer Klassenverteilung.", (CLASSIFICATION,)),
    Entry("mse", "Mean squared error.",
          "Mittlerer quadratischer Fehler.", (REGRESSION,)),
    Entry("mae", "Mean absolute error, robust to outliers.",
          "Mittlerer absoluter Fehler, robust gegen Ausreißer.", (REGRESSION,)),
    Entry("huber", "Squared for small errors, absolute for large ones.",
          "Quadratisch für kleine Fehler, absolut für große.", (REGRESSION,)),
    Entry("smooth_l1", "Huber with delta 1 scaled like L1.",
          "Huber mit delta 1, skaliert wie L1.", (REGRESSION,)),
    Entry("poisson", "For counts: predicted rate vs observed count.",
          "Für Zählwerte: vorhergesagte Rate gegen beobachtete Anzahl.", (REGRESSION,)),
    Entry("log_cosh", "log(cosh(error)): smooth and robust.",
          "log(cosh(Fehler)): glatt und robust.", (REGRESSION,)),
    Entry("cosine_similarity", "1 - cosine between prediction and target vectors.",
          "1 − Kosinus zwischen Vorhersage- und Zielvektor.", (REGRESSION,)),
)

METRICS = _table(
    Entry("accuracy", "Share of correct predictions.",
          "Anteil richtiger Vorhersagen.", (CLASSIFICATION,)),
    Entry("top_k_accuracy", "Share where the true class is among the 5 most likely.",
          "Anteil, bei dem die wahre Klasse unter den 5 wahrscheinlichsten ist.", (CLASSIFICATION,)),
    Entry("precision", "Of the predicted members of a class, the share that are right (macro average).",
          "Von den einer Klasse zugeordneten Beispielen der Anteil, der stimmt (Makro-Mittel).", (CLASSIFICATION,)),
    Entry("recall", "Of the true members of a class, the share found (macro average).",
          "Von den wahren Beispielen einer Klasse der gefundene Anteil (Makro-Mittel).", (CLASSIFICATION,)),
    Entry("f1", "Harmonic mean of precision and recall (macro average).",
          "Harmonisches Mittel aus Precision und Recall (Makro-Mittel).", (CLASSIFICATION,)),
    Entry("mse", "Mean squared error.",
          "Mittlerer quadratischer Fehler.", (REGRESSION,)),
    Entry("mae", "Mean absolute error.",
          "Mittlerer absoluter Fehler.", (REGRESSION,)),
    Entry("r2", "Coefficient of determination (1 is perfect).",
          "Bestimmtheitsmaß (1 ist perfekt).", (REGRESSION,)),
)

SCHEDULES = _table(
    Entry("constant", "Keep the learning rate fixed.",
          "Die Lernrate bleibt fest."),
    Entry("step", "Multiply the rate by gamma every step_size epochs.",
          "Multipliziert die Rate alle step_size Epochen mit gamma."),
    Entry("cosine", "Anneal along a cosine to near zero over the run.",
          "Senkt die Rate über den Lauf entlang einer Kosinuskurve fast auf null."),
    Entry("one_cycle", "Warm up to the rate, then anneal (super-convergence).",
          "Steigt zur Rate an und senkt sie dann wieder (Super-Convergence)."),
    Entry("reduce_on_plateau", "Lower the rate when the validation loss stops improving.",
          "Senkt die Rate, wenn der Validierungsverlust nicht mehr besser wird."),
    Entry("warmup", "Rise linearly over warmup_epochs, then keep the rate.",
          "Steigt über warmup_epochs linear an und hält dann die Rate."),
)

DEFAULT_LOSS = {CLASSIFICATION: "cross_entropy", REGRESSION: "mse"}
DEFAULT_METRICS = {CLASSIFICATION: ["accuracy"], REGRESSION: ["mse", "mae"]}
