"""German for the records of a run: which weights predictions use, and runs whose process is gone."""
from . import add

add("de", {
    # store/runs.py
    "best: epoch {best} of {done}": "beste: Epoche {best} von {done}",
    "last: epoch {done}": "letzte: Epoche {done}",
    "must be 'best' or 'last'": "muss 'best' oder 'last' sein",
    "use 'best' (the best validation epoch, the default) or 'last' (the last epoch)":
        "nimm 'best' (die beste Validierungsepoche, Standard) oder 'last' (die letzte Epoche)",
    "The process training this run ended without finishing it (killed, crashed or switched off); "
    "{epochs} epochs are saved.":
        "Der Prozess, der diesen Lauf trainierte, endete, ohne ihn abzuschließen (beendet, abgestürzt oder "
        "ausgeschaltet); {epochs} Epochen sind gespeichert.",
    "continue it to train on from there": "setze ihn fort, um von dort weiterzutrainieren",
    "train again": "trainiere erneut",
})
