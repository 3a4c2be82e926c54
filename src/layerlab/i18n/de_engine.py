"""German for the messages of the engine: training settings it checks, and why a run failed (diagnose.py)."""
from . import add

add("de", {
    # engine/diagnose.py: why a run failed; {where} is one of the two fragments below, or nothing
    " in epoch {epoch}, batch {batch}": " in Epoche {epoch}, Batch {batch}",
    " in epoch {epoch}": " in Epoche {epoch}",
    "The loss became NaN (not a number) in epoch {epoch}, batch {batch}: training diverged.":
        "Der Verlust ist in Epoche {epoch}, Batch {batch} NaN (keine Zahl) geworden: Das Training ist aus dem "
        "Ruder gelaufen.",
    "The loss became infinite in epoch {epoch}, batch {batch}: training diverged.":
        "Der Verlust ist in Epoche {epoch}, Batch {batch} unendlich geworden: Das Training ist aus dem Ruder "
        "gelaufen.",
    "Lower the learning rate (it was {lr:.3g}; try {lower:.3g}), or turn on gradient clipping "
    "(training.gradient_clip = 1.0).":
        "Senke die Lernrate (sie war {lr:.3g}; versuche {lower:.3g}) oder begrenze die Gradientennorm "
        "(training.gradient_clip = 1.0).",
    "The project cannot be trained: {path}: {message}.": "Das Projekt kann nicht trainiert werden: {path}: {message}.",
    "The project cannot be trained: {message}.": "Das Projekt kann nicht trainiert werden: {message}.",
    "Ran out of memory{where}.": "Der Speicher hat{where} nicht gereicht.",
    "Lower the batch size (it is {batch_size}), or make the model smaller (fewer units or filters).":
        "Verkleinere die Batchgröße (sie ist {batch_size}) oder mach das Modell kleiner (weniger Einheiten oder "
        "Filter).",
    "Lower the batch size, or make the model smaller (fewer units or filters).":
        "Verkleinere die Batchgröße oder mach das Modell kleiner (weniger Einheiten oder Filter).",
    "A label in the data is not one of the {n_classes} classes{where}.":
        "In den Daten steckt{where} ein Label, das keine der {n_classes} Klassen ist.",
    "Check the data's class column, or make the last layer's units match the number of classes.":
        "Prüfe die Klassenspalte der Daten oder passe die units der letzten Schicht an die Zahl der Klassen an.",
    "Layer {number} ({type}) at model.layers[{i}] could not process its input{where}: {error}":
        "Schicht {number} ({type}) bei model.layers[{i}] konnte ihre Eingabe{where} nicht verarbeiten: {error}",
    "Check this layer's settings against the shape of its input (`layerlab summary` shows each layer's shapes).":
        "Vergleiche die Einstellungen dieser Schicht mit der Form ihrer Eingabe (`layerlab summary` zeigt die "
        "Formen jeder Schicht).",
    "The data did not fit the model{where}: {error}": "Die Daten passten{where} nicht zum Modell: {error}",
    "Check that the output layer matches the targets (units = classes for classification, = targets for "
    "regression) and that the loss fits the task.":
        "Prüfe, ob die Ausgabeschicht zu den Zielwerten passt (units = Anzahl der Klassen bei Klassifikation, "
        "= Anzahl der Zielwerte bei Regression) und ob die Verlustfunktion zur Aufgabe passt.",
    "Training stopped because of an unexpected error{where}: {error}":
        "Das Training wurde{where} wegen eines unerwarteten Fehlers abgebrochen: {error}",
    "The details below say more; if the project looks right, please report it.":
        "Die Details unten sagen mehr; wenn das Projekt richtig aussieht, melde den Fehler bitte.",
    # engine/runner.py
    "save the project to a folder before training: its runs are kept there":
        "speichere das Projekt vor dem Training in einem Ordner: Dort werden seine Läufe aufbewahrt",
    # engine/facade.py
    "save the project to a folder first (project.save(folder)): runs are kept in it":
        "speichere das Projekt zuerst in einem Ordner (project.save(folder)): Dort werden die Läufe aufbewahrt",
    "does not have the shape the model takes: (N, {dims})": "hat nicht die Form, die das Modell erwartet: (N, {dims})",
    "give preprocessed samples of that shape": "gib vorverarbeitete Beispiele dieser Form an",
    # engine/loop.py, losses.py, optimizers.py, schedules.py, setup.py: training settings
    "only applies to classification": "gilt nur für Klassifikation",
    "remove class_weights for a regression task": "entferne class_weights bei einer Regressionsaufgabe",
    "is not a metric this run computes": "ist keine Metrik, die dieser Lauf berechnet",
    "use one of {listing}": "verwende eines davon: {listing}",
    "is not a known loss": "ist keine bekannte Verlustfunktion",
    "needs momentum above 0": "braucht ein momentum über 0",
    "set training.momentum to e.g. {value}, or turn nesterov off":
        "setze training.momentum z. B. auf {value} oder schalte nesterov aus",
    "set momentum to {value}": "setze momentum auf {value}",
    "is not a known optimizer": "ist kein bekannter Optimierer",
    "is not a known schedule": "ist kein bekannter Lernraten-Plan",
    "asks for a CUDA GPU, but none is available": "verlangt eine CUDA-GPU, aber es ist keine verfügbar",
    "set training.device to 'auto' or 'cpu'": "setze training.device auf 'auto' oder 'cpu'",
    "names a class the data does not have": "nennt eine Klasse, die es in den Daten nicht gibt",
    "use class names from the data: {listing}": "verwende Klassennamen aus den Daten: {listing}",
})
