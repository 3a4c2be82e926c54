"""Names the training section accepts, each declared once with what it suits.

The engine maps every name here to a torch implementation (a test checks none is missing).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import translate

CLASSIFICATION, REGRESSION = "classification", "regression"
TASKS = (CLASSIFICATION, REGRESSION)


@dataclass(frozen=True)
class Entry:
    name: str
    description: str
    tasks: tuple[str, ...] = TASKS

    def describe(self, lang: str = "en") -> str:
        """The description in lang ('en' or 'de')."""
        return translate(self.description, lang)


def _table(*entries: Entry) -> dict[str, Entry]:
    return {e.name: e for e in entries}


OPTIMIZERS = _table(
    Entry("sgd", "Stochastic gradient descent, with optional momentum and Nesterov."),
    Entry("adam", "Adaptive moments; a safe default."),
    Entry("adamw", "Adam with decoupled weight decay."),
    Entry("rmsprop", "Scales steps by a running average of squared gradients."),
    Entry("adagrad", "Per-parameter steps that shrink for frequent features."),
    Entry("adadelta", "Adagrad without a hand-set learning rate decay."),
    Entry("adamax", "Adam with the infinity norm."),
    Entry("nadam", "Adam with Nesterov momentum."),
)

LOSSES = _table(
    Entry("cross_entropy", "Multi-class classification (the network ends in softmax).", (CLASSIFICATION,)),
    Entry("binary_cross_entropy", "Two classes or several yes/no labels (ends in sigmoid).", (CLASSIFICATION,)),
    Entry("hinge", "Margin loss as in support vector machines.", (CLASSIFICATION,)),
    Entry("kl_divergence", "Distance between predicted and true class distributions.", (CLASSIFICATION,)),
    Entry("mse", "Mean squared error.", (REGRESSION,)),
    Entry("mae", "Mean absolute error, robust to outliers.", (REGRESSION,)),
    Entry("huber", "Squared for small errors, absolute for large ones.", (REGRESSION,)),
    Entry("smooth_l1", "Huber with delta 1 scaled like L1.", (REGRESSION,)),
    Entry("poisson", "For counts: predicted rate vs observed count.", (REGRESSION,)),
    Entry("log_cosh", "log(cosh(error)): smooth and robust.", (REGRESSION,)),
    Entry("cosine_similarity", "1 - cosine between prediction and target vectors.", (REGRESSION,)),
)

METRICS = _table(
    Entry("accuracy", "Share of correct predictions.", (CLASSIFICATION,)),
    Entry("top_k_accuracy", "Share where the true class is among the 5 most likely.", (CLASSIFICATION,)),
    Entry("precision", "Of the predicted members of a class, the share that are right (macro average).", (CLASSIFICATION,)),
    Entry("recall", "Of the true members of a class, the share found (macro average).", (CLASSIFICATION,)),
    Entry("f1", "Harmonic mean of precision and recall (macro average).", (CLASSIFICATION,)),
    Entry("mse", "Mean squared error.", (REGRESSION,)),
    Entry("mae", "Mean absolute error.", (REGRESSION,)),
    Entry("r2", "Coefficient of determination (1 is perfect).", (REGRESSION,)),
)

SCHEDULES = _table(
    Entry("constant", "Keep the learning rate fixed."),
    Entry("step", "Multiply the rate by gamma every step_size epochs."),
    Entry("cosine", "Anneal along a cosine to near zero over the run."),
    Entry("one_cycle", "Warm up to the rate, then anneal (super-convergence)."),
    Entry("reduce_on_plateau", "Lower the rate when the validation loss stops improving."),
    Entry("warmup", "Rise linearly over warmup_epochs, then keep the rate."),
)

DEFAULT_LOSS = {CLASSIFICATION: "cross_entropy", REGRESSION: "mse"}
DEFAULT_METRICS = {CLASSIFICATION: ["accuracy"], REGRESSION: ["mse", "mae"]}
