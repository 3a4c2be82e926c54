"""German for the run scheduler and its worker processes (engine/scheduler.py, runner.py, worker.py)."""
from . import add

add("de", {
    "The run could not start: {error}": "Der Lauf konnte nicht starten: {error}",
    "killed by signal {n}": "durch Signal {n} beendet",
    "exit status {n}": "Exit-Status {n}",
    "The training process ended unexpectedly ({how}) after epoch {epoch}; the other runs go on.":
        "Der Trainingsprozess hat unerwartet aufgehört ({how}), nach Epoche {epoch}; die anderen Läufe gehen "
        "weiter.",
    "If it happens again, the model or the batch size may need more memory than this computer has: "
    "lower the batch size or make the model smaller. The last saved epoch can be continued.":
        "Wenn das wieder passiert, braucht das Modell oder die Batchgröße vielleicht mehr Speicher, als dieser "
        "Computer hat: Verkleinere die Batchgröße oder das Modell. Die zuletzt gespeicherte Epoche kann "
        "fortgesetzt werden.",
    "train(dataset=...) takes an in-memory dataset (tensors); leave it out to train on the project's own data":
        "train(dataset=...) nimmt einen Datensatz im Speicher (Tensoren); lass es weg, um mit den eigenen Daten "
        "des Projekts zu trainieren",
})
