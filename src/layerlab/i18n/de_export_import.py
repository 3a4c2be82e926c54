"""German for the TF.js import's residual blocks, layer norms, transposed convolutions and its own check."""
from . import add

add("de", {
    # export/tfjs_import.py
    "has no weight {name!r} in the weight files": "hat kein Gewicht {name!r} in den Gewichtsdateien",
    "save the model again with its weights (model.save in TF.js), with every .bin file":
        "speichere das Modell noch einmal mit seinen Gewichten (model.save in TF.js), mit allen .bin-Dateien",
    "the imported model does not compute what the TF.js model computes (largest difference {diff:.3g})":
        "das importierte Modell berechnet nicht dasselbe wie das TF.js-Modell (größte Abweichung {diff:.3g})",
    # export/tfjs_import_graph.py
    "the only branches LayerLab imports are residual blocks: two branches from one tensor joined by an Add, one of "
    "them the tensor itself or a single Dense or 1x1 Conv layer with a linear activation (Permute layers allowed), "
    "the other the block's layers":
        "LayerLab importiert Verzweigungen nur als Residualblöcke: zwei Zweige von einem Tensor, die ein Add "
        "zusammenführt, einer davon der Tensor selbst oder eine einzelne Dense- oder 1x1-Conv-Schicht mit linearer "
        "Aktivierung (Permute-Schichten erlaubt), der andere die Schichten des Blocks",
    "neither branch into this Add is a shortcut LayerLab can hold":
        "keiner der beiden Zweige in dieses Add ist eine Abkürzung, die LayerLab abbilden kann",
    "layer {name!r} is called more than once or gives several outputs; a LayerLab layer has its own weights and one "
    "output":
        "die Schicht {name!r} wird mehrmals aufgerufen oder gibt mehrere Ausgaben; eine Schicht in LayerLab hat "
        "eigene Gewichte und eine Ausgabe",
    "the two branches that layer {name!r} adds are no residual block: they do not leave one tensor and stay apart "
    "until the Add":
        "die beiden Zweige, die die Schicht {name!r} addiert, sind kein Residualblock: sie gehen nicht von einem "
        "Tensor aus und bleiben nicht bis zum Add getrennt",
    "layer {name!r} is not on the path from the model's input to its output":
        "die Schicht {name!r} liegt nicht auf dem Weg von der Eingabe des Modells zu seiner Ausgabe",
    "a functional model may also hold residual blocks (two branches joined by an Add)":
        "ein funktionales Modell darf auch Residualblöcke enthalten (zwei Zweige, die ein Add zusammenführt)",
    "reads the output of {ref!r}, a layer the model does not have":
        "liest die Ausgabe von {ref!r}, einer Schicht, die das Modell nicht hat",
    "the model has {n} inputs and {m} outputs; a LayerLab model has one of each":
        "das Modell hat {n} Eingaben und {m} Ausgaben; ein LayerLab-Modell hat je eine",
    "save a model with one input and one output": "speichere ein Modell mit einer Eingabe und einer Ausgabe",
    # export/tfjs_import_layers.py
    "a Cropping2D can only be imported right after a Conv2DTranspose, as part of it":
        "ein Cropping2D lässt sich nur direkt nach einem Conv2DTranspose importieren, als Teil davon",
    "crop the images before they reach the model, or remove the Cropping2D":
        "beschneide die Bilder, bevor sie das Modell erreichen, oder entferne das Cropping2D",
    "crops the transposed convolution's output in a way LayerLab's conv2d_transpose cannot":
        "beschneidet die Ausgabe der transponierten Faltung so, wie es conv2d_transpose in LayerLab nicht kann",
    "crop nothing, or crop it to strides times the input size":
        "beschneide nichts oder beschneide auf strides mal die Eingabegröße",
    "normalises over the axes {axes}; LayerLab's layer_norm normalises over all values of a sample or over its last "
    "axis":
        "normiert über die Achsen {axes}; layer_norm in LayerLab normiert über alle Werte einer Probe oder über "
        "ihre letzte Achse",
    "use axis -1, or every axis but the batch: {axes}": "verwende axis -1 oder jede Achse außer dem Batch: {axes}",
    # export/tfjs_import_residual.py
    "a shortcut's Permute may only move the channel axis last or first":
        "ein Permute in der Abkürzung darf nur die Kanalachse nach hinten oder nach vorn verschieben",
    "use dims {dims}, or no Permute in the shortcut": "verwende dims {dims} oder kein Permute in der Abkürzung",
    "the shortcut has a {cls} layer although the block keeps the shape; LayerLab's residual block then adds its "
    "input unchanged":
        "die Abkürzung hat eine Schicht {cls}, obwohl der Block die Form behält; der Residualblock von LayerLab "
        "addiert dann seine Eingabe unverändert",
    "remove the shortcut's {cls} layer": "entferne die Schicht {cls} aus der Abkürzung",
    "the shortcut does not compute what LayerLab's shortcut for this block computes ({code})":
        "die Abkürzung berechnet nicht dasselbe wie die Abkürzung, die LayerLab für diesen Block baut ({code})",
    "the input itself": "die Eingabe selbst",
    "LayerLab projects a shortcut with a linear map on the last axis for features and sequences, and with a 1x1 "
    "convolution (strides as the body shrinks the size) for feature maps":
        "LayerLab projiziert eine Abkürzung bei Merkmalen und Folgen mit einer linearen Abbildung auf der letzten "
        "Achse, bei Merkmalskarten mit einer 1x1-Faltung (Schrittweite so, wie der Block die Größe verkleinert)",
})
