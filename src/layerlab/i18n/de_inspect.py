"""German for the messages of the inspect package: views, layers and inputs to look at, attacks, saliency."""
from . import add

add("de", {
    # inspect/adversarial.py
    "an adversarial attack": "ein adversarialer Angriff",
    "must be a number of at least 0": "muss eine Zahl ab 0 sein",
    "is not an attack": "ist kein Angriff",
    "use 'fgsm' or 'pgd'": "verwende 'fgsm' oder 'pgd'",
    "adversarial examples are shown for classification": "adversariale Beispiele gibt es nur für Klassifikation",
    "use a classification project": "verwende ein Klassifikationsprojekt",
    # inspect/cka.py
    "CKA compares two representations of the same samples": "CKA vergleicht zwei Repräsentationen derselben Beispiele",
    "use the same inputs for both": "verwende für beide dieselben Eingaben",
    "the two runs have different layers, so layers cannot be paired by position":
        "die beiden Läufe haben verschiedene Schichten, daher lassen sich die Schichten nicht nach ihrer "
        "Position einander zuordnen",
    "{a} vs {b} layers": "{a} gegenüber {b} Schichten",
    "choose one layer in each": "wähle in jedem Lauf eine Schicht",
    # inspect/confusion.py
    "need one prediction per sample": "es braucht eine Vorhersage pro Beispiel",
    "shape {shape}": "Form {shape}",
    "needs one row of results per epoch": "braucht eine Zeile Ergebnisse pro Epoche",
    "record at least one epoch": "zeichne mindestens eine Epoche auf",
    # inspect/context.py
    "there are {n} samples": "es gibt {n} Beispiele",
    "give an index from 0 to {last}": "gib einen Index von 0 bis {last} an",
    "there are no samples to inspect": "es gibt keine Beispiele zum Untersuchen",
    "give an input file or add data": "gib eine Eingabedatei an oder füge Daten hinzu",
    "has no picture": "hat kein Bild",
    # inspect/facade.py
    "is not a data split": "ist kein Teil der Daten",
    "use val, train or test": "verwende val, train oder test",
    "no such file": "diese Datei gibt es nicht",
    "give the path of an image, CSV, JSON or .npy file": "gib den Pfad einer Bild-, CSV-, JSON- oder .npy-Datei an",
    "cannot read {name}": "{name} kann nicht gelesen werden",
    "give a .npy array or a JSON list of numbers": "gib ein .npy-Array oder eine JSON-Liste von Zahlen an",
    "has no samples to inspect": "hat keine Beispiele zum Untersuchen",
    "add data to the project": "füge dem Projekt Daten hinzu",
    "runs need a saved project": "Läufe brauchen ein gespeichertes Projekt",
    "save the project to a folder and train it": "speichere das Projekt in einem Ordner und trainiere es",
    # inspect/maxact.py
    "is not a way to reduce a channel": "ist keine Art, einen Kanal zusammenzufassen",
    "use 'mean' or 'max'": "verwende 'mean' oder 'max'",
    "this layer has {n} units": "diese Schicht hat {n} Einheiten",
    "give a unit from 0 to {last}": "gib eine Einheit von 0 bis {last} an",
    "the network does not say its input shape": "das Netz gibt seine Eingabeform nicht an",
    "build it with project.build()": "baue es mit project.build()",
    "an input cannot be synthesised for a token model (its inputs are whole numbers)":
        "für ein Token-Modell lässt sich keine Eingabe erzeugen (seine Eingaben sind ganze Zahlen)",
    "look at the top samples of the unit instead (max_activation with steps=0)":
        "schau dir stattdessen die stärksten Beispiele der Einheit an (max_activation mit steps=0)",
    # inspect/saliency.py
    "saliency": "Salienz",
    "Grad-CAM needs a layer whose output is feature maps (channels, height, width)":
        "Grad-CAM braucht eine Schicht, deren Ausgabe Feature-Maps sind (Kanäle, Höhe, Breite)",
    "layer {i} ({type}) with output {shape}": "Schicht {i} ({type}) mit Ausgabe {shape}",
    "choose a conv or pooling layer": "wähle eine Faltungs- oder Pooling-Schicht",
    "Grad-CAM needs a convolutional network, and this one has no conv2d layer":
        "Grad-CAM braucht ein Faltungsnetz, und dieses hat keine conv2d-Schicht",
    "use vanilla gradients or SmoothGrad (method 'vanilla' or 'smoothgrad') instead":
        "verwende stattdessen einfache Gradienten oder SmoothGrad (Methode 'vanilla' oder 'smoothgrad')",
    "is not a Grad-CAM weighting": "ist keine Grad-CAM-Gewichtung",
    "use 'element' (position by position) or 'mean' (the classic channel average)":
        "verwende 'element' (Position für Position) oder 'mean' (den klassischen Mittelwert pro Kanal)",
    "Grad-CAM works on images (channels, height, width)": "Grad-CAM funktioniert nur mit Bildern (Kanäle, Höhe, Breite)",
    "use vanilla gradients or SmoothGrad instead": "verwende stattdessen einfache Gradienten oder SmoothGrad",
    "is not a saliency method": "ist keine Salienz-Methode",
    # inspect/surface.py
    "a decision surface": "eine Entscheidungsfläche",
    "a decision surface needs inputs of exactly two numbers":
        "eine Entscheidungsfläche braucht Eingaben aus genau zwei Zahlen",
    "use the PCA projection (view 'surface' shows it for wider inputs) instead":
        "verwende stattdessen die PCA-Projektion (die Ansicht 'surface' zeigt sie bei breiteren Eingaben)",
    "a PCA projection needs at least two samples": "eine PCA-Projektion braucht mindestens zwei Beispiele",
    "give more samples": "gib mehr Beispiele an",
    # inspect/trace.py
    "inspection needs a LayerLab network (one module per spec layer)":
        "zum Untersuchen braucht es ein LayerLab-Netz (ein Modul pro Schicht der Spezifikation)",
    "build it with project.build() or load a run with project.load_run()":
        "baue es mit project.build() oder lade einen Lauf mit project.load_run()",
    "names no layer of this network": "ist der Name keiner Schicht dieses Netzes",
    "give a layer number 0..{last} or one of: {listing}":
        "gib eine Schichtnummer von 0..{last} an oder einen dieser Namen: {listing}",
    "must be a layer number": "muss eine Schichtnummer sein",
    "give a number from 0 to {last}": "gib eine Zahl von 0 bis {last} an",
    "is not a layer of this network": "ist keine Schicht dieses Netzes",
    "give a number from 0 to {last} (or -1 for the last)": "gib eine Zahl von 0 bis {last} an (oder -1 für die letzte)",
    "does not fit the network's input of shape {shape}": "passt nicht zur Eingabe des Netzes mit der Form {shape}",
    "give one sample of that shape, or a batch (N, ...) of them":
        "gib ein Beispiel dieser Form an oder einen Batch (N, ...) davon",
    "{what} needs numeric inputs, and these are token ids": "{what} braucht Zahlen als Eingaben, aber diese sind Token-IDs",
    "use the data flow, errors, embeddings or CKA views for token models":
        "verwende für Token-Modelle die Ansichten Datenfluss, Fehler, Einbettungen oder CKA",
    # inspect/views.py
    "did you mean {close!r}? Views: {listing}": "Meintest du {close!r}? Ansichten: {listing}",
    "Views: {listing}": "Ansichten: {listing}",
    "is not an inspect view": "ist keine Ansicht zum Untersuchen",
    "is not an option of the {name} view": "ist keine Option der Ansicht {name}",
    "valid options: {listing}": "gültige Optionen: {listing}",
    "valid options: none": "gültige Optionen: keine",
    # inspect/views_data.py
    "the {view} view needs a classification project with labelled samples":
        "die Ansicht {view} braucht ein Klassifikationsprojekt mit beschrifteten Beispielen",
    "regression": "Regression",
    "no labels": "keine Labels",
    "use all, {listing}": "verwende eines davon: all, {listing}",
    # inspect/views_data.py: words on the pictures
    "input ({name})": "Eingabe ({name})",
    "{method} for {name}": "{method} für {name}",
    "input": "Eingabe",
    "input: {name}": "Eingabe: {name}",
    "perturbation (eps {eps:g})": "Störung (eps {eps:g})",
    "perturbed: {name}": "gestört: {name}",
    "probabilities before": "Wahrscheinlichkeiten vorher",
    "after": "nachher",
    "{method}: accuracy {points}": "{method}: Genauigkeit {points}",
    "{acc:.0%} at {eps:g}": "{acc:.0%} bei {eps:g}",
    "confusion ({acc:.0%} right)": "Konfusionsmatrix ({acc:.0%} richtig)",
    "predicted": "vorhergesagt",
    "true": "tatsächlich",
    "forgotten examples: loss per epoch": "vergessene Beispiele: Verlust pro Epoche",
    "epoch": "Epoche",
    "loss": "Verlust",
    "per-example loss per epoch: recorded while training":
        "Verlust pro Beispiel und Epoche: wird beim Training aufgezeichnet",
    "decision surface": "Entscheidungsfläche",
    "inputs (PCA), coloured by prediction": "Eingaben (PCA), gefärbt nach Vorhersage",
    "layer {i} ({type}), PCA": "Schicht {i} ({type}), PCA",
    # inspect/views_model.py
    "the math view needs the project's layer list": "die Ansicht math braucht die Schichtliste des Projekts",
    "open it through a project": "öffne sie über ein Projekt",
    # inspect/views_model.py: words on the pictures
    "weights {name}": "Gewichte {name}",
    "gradients {name}": "Gradienten {name}",
    "kernels of layer {i}": "Filterkerne von Schicht {i}",
    "dead ReLU fraction": "Anteil toter ReLU-Einheiten",
    "synthesised": "erzeugt",
    "activation while climbing": "Aktivierung beim Aufstieg",
    "step": "Schritt",
    "layer {layer}, unit {unit}": "Schicht {layer}, Einheit {unit}",
    "linear CKA between layers": "lineare CKA zwischen den Schichten",
    "same layer, two runs": "gleiche Schicht, zwei Läufe",
    "formulas (LaTeX)": "Formeln (LaTeX)",
    # inspect/weights.py
    "this network has no convolution layers, so there are no kernels to show":
        "dieses Netz hat keine Faltungsschichten, also gibt es keine Filterkerne zu zeigen",
    "look at the weight histograms instead (view 'weights')":
        "schau dir stattdessen die Histogramme der Gewichte an (Ansicht 'weights')",
})
