"""German for the messages of the spec package: parameter checks, cross-field checks, fixes."""
from . import add

add("de", {
    # spec/params.py
    "must not be empty": "darf nicht leer sein",
    "set it, e.g. {default!r}": "setze einen Wert, z. B. {default!r}",
    "must be true or false": "muss wahr oder falsch sein",
    "use true or false": "verwende true oder false",
    "must be text": "muss ein Text sein",
    "is not one of the allowed values": "ist keiner der erlaubten Werte",
    "must be an object of names and values": "muss ein Objekt aus Namen und Werten sein",
    'use {{}} or e.g. {{"a": 1}}': 'verwende {{}} oder z. B. {{"a": 1}}',
    "must be a whole number": "muss eine ganze Zahl sein",
    "must be a number": "muss eine Zahl sein",
    "must be a number, not NaN": "muss eine Zahl sein, nicht NaN",
    "must be at least {low}": "muss mindestens {low} sein",
    "must be at most {high}": "darf höchstens {high} sein",
    "use a whole number of {low} or more, e.g. {example}": "verwende eine ganze Zahl ab {low}, z. B. {example}",
    "use a number of {low} or more, e.g. {example}": "verwende eine Zahl ab {low}, z. B. {example}",
    "use a whole number of {high} or less, e.g. {example}": "verwende eine ganze Zahl bis {high}, z. B. {example}",
    "use a number of {high} or less, e.g. {example}": "verwende eine Zahl bis {high}, z. B. {example}",
    "must be a list of numbers": "muss eine Liste von Zahlen sein",
    "must have {n} numbers": "muss {n} Zahlen haben",
    "did you mean {close!r}? Valid parameters: {valid}": "Meintest du {close!r}? Gültige Parameter: {valid}",
    "Valid parameters: {valid}": "Gültige Parameter: {valid}",
    "is not a parameter of {what}": "ist kein Parameter von {what}",
    "rename {key!r} to {close!r}": "benenne {key!r} in {close!r} um",
    "remove {key!r}": "entferne {key!r}",
    # spec/check.py
    "is not a known name": "ist kein bekannter Name",
    "is not a known metric": "ist keine bekannte Metrik",
    "does not fit a classification task": "passt nicht zu einer Klassifikationsaufgabe",
    "does not fit a regression task": "passt nicht zu einer Regressionsaufgabe",
    "use {default!r} (or another classification loss)":
        "verwende {default!r} (oder eine andere Verlustfunktion für Klassifikation)",
    "use {default!r} (or another regression loss)":
        "verwende {default!r} (oder eine andere Verlustfunktion für Regression)",
    "use {metrics}": "verwende {metrics}",
    "the model has no layers": "das Modell hat keine Schichten",
    "add at least one layer, e.g. a dense layer with as many units as outputs":
        "füge mindestens eine Schicht hinzu, z. B. eine dense-Schicht mit so vielen Neuronen (units) wie Ausgaben",
    "add an output layer": "füge eine Ausgabeschicht hinzu",
    "the output layer gets a block, so it gives {n} values for each of {rows} rows instead of {n} in all":
        "die Ausgabeschicht bekommt einen Block und gibt deshalb {n} Werte für jede der {rows} Zeilen aus "
        "statt {n} insgesamt",
    "output of shape {shape}": "Ausgabe der Form {shape}",
    "insert a flatten layer before the output layer": "füge vor der Ausgabeschicht eine flatten-Schicht ein",
    "insert a flatten layer before it": "füge davor eine flatten-Schicht ein",
    "the network must end in {n} values (one per class), but ends in a block":
        "das Netz muss mit {n} Werten enden (einem pro Klasse), endet aber mit einem Block",
    "the network must end in {n} values (one per target), but ends in a block":
        "das Netz muss mit {n} Werten enden (einem pro Zielwert), endet aber mit einem Block",
    "add flatten and a dense output layer": "füge flatten und eine dense-Ausgabeschicht hinzu",
    "append flatten and a dense output layer": "hänge flatten und eine dense-Ausgabeschicht an",
    "{n} classes": "{n} Klassen",
    "{n} target value(s)": "{n} Zielwert(e)",
    "the last layer must have one unit per output: the data has {what}":
        "die letzte Schicht braucht ein Neuron (unit) pro Ausgabe: die Daten haben {what}",
    "set units to {n}": "setze units auf {n}",
    "the network must end in {n} values ({what})": "das Netz muss mit {n} Werten enden ({what})",
    "append a dense output layer": "hänge eine dense-Ausgabeschicht an",
    "{act} squashes the output, but a regression must predict any value":
        "{act} staucht die Ausgabe zusammen, aber eine Regression muss beliebige Werte vorhersagen können",
    "use {act!r} on the output layer": "verwende {act!r} in der Ausgabeschicht",
    "softmax over a single unit is always 1, so nothing can be learned":
        "softmax über ein einziges Neuron ergibt immer 1, also kann nichts gelernt werden",
    "use 'sigmoid' for one output unit": "verwende 'sigmoid' für ein einzelnes Ausgabeneuron",
    "sigmoid on several classes with cross_entropy: probabilities would not sum to 1":
        "sigmoid auf mehreren Klassen mit cross_entropy: die Wahrscheinlichkeiten ergäben zusammen nicht 1",
    "{act} on the output layer cannot give class probabilities":
        "{act} in der Ausgabeschicht kann keine Klassenwahrscheinlichkeiten liefern",
    "{type} reads token ids from the data, so it must be the first layer":
        "{type} liest Token-IDs aus den Daten und muss deshalb die erste Schicht sein",
    "position {index}": "Position {index}",
    "move it to the top of the model": "verschiebe sie ganz nach oben ins Modell",
    "move it to the top": "verschiebe sie ganz nach oben",
    "{type} reads token ids (whole numbers), but the data gives measurements":
        "{type} liest Token-IDs (ganze Zahlen), aber die Daten liefern Messwerte",
    "data of shape {shape}": "Daten der Form {shape}",
    "remove it, or use a data source made of tokens": "entferne sie oder verwende eine Datenquelle aus Tokens",
    "remove it": "entferne sie",
    "is smaller than the vocabulary of the data ({n} token ids)":
        "ist kleiner als das Vokabular der Daten ({n} Token-IDs)",
    "set input_dim to {n}": "setze input_dim auf {n}",
    "the data gives token ids (whole numbers below {n}); the first layer must turn them into vectors":
        "die Daten liefern Token-IDs (ganze Zahlen unter {n}); die erste Schicht muss sie in Vektoren umwandeln",
    "insert an embedding layer at the top": "füge ganz oben eine embedding-Schicht ein",
    "insert an embedding layer at the top and a flatten after it":
        "füge ganz oben eine embedding-Schicht ein und dahinter eine flatten-Schicht",
    "{type} would treat the {steps} steps from {maker} ({where}) as channels and its {feats} features as positions":
        "{type} würde die {steps} Schritte aus {maker} ({where}) als Kanäle behandeln und ihre {feats} Merkmale "
        "als Positionen",
    "pool over the steps (keep 'last')": "fasse über die Schritte zusammen (keep 'last')",
    "set keep to 'last' to average over the steps and keep the features":
        "setze keep auf 'last', um über die Schritte zu mitteln und die Merkmale zu behalten",
    "insert permute [2, 1] before it": "füge davor permute [2, 1] ein",
    "insert a permute layer with dims [2, 1] before it: (steps, features) -> (features, steps)":
        "füge davor eine permute-Schicht mit dims [2, 1] ein: (Schritte, Merkmale) -> (Merkmale, Schritte)",
    "a sequence of shape {shape}": "eine Folge der Form {shape}",
    "is not a number the training records": "ist keine Zahl, die das Training aufzeichnet",
    "only apply to classification": "gelten nur für Klassifikation",
    "remove them": "entferne sie",
    "remove class_weights": "entferne class_weights",
    "is not a class of the data": "ist keine Klasse der Daten",
    "use 'balanced' weights": "verwende 'balanced' als Gewichte",
    "together with data.test_split it leaves (almost) nothing to train on":
        "lässt zusammen mit data.test_split (fast) nichts zum Trainieren übrig",
    "keep validation_split + test_split below 0.95, e.g. 0.2 and 0.1":
        "halte validation_split + test_split unter 0.95, z. B. 0.2 und 0.1",
    "set validation_split to {keep}": "setze validation_split auf {keep}",
    # spec/models.py
    "layer {i} has no 'type'": "Schicht {i} hat keinen 'type'",
    "a project must be a JSON object": "ein Projekt muss ein JSON-Objekt sein",
    'start from {{"name": ..., "data": {{...}}, "model": {{...}}}}':
        'beginne mit {{"name": ..., "data": {{...}}, "model": {{...}}}}',
    "a layer must be an object with a 'type'": "eine Schicht muss ein Objekt mit einem 'type' sein",
    "is not a known setting": "ist keine bekannte Einstellung",
    "remove it; see `layerlab schema` for the valid settings":
        "entferne die Einstellung; welche Einstellungen gültig sind, zeigt `layerlab schema`",
    "is required but missing": "wird gebraucht, fehlt aber",
    "add it; see `layerlab schema`": "füge die Einstellung hinzu; siehe `layerlab schema`",
    "remove {path}": "entferne {path}",
    "{items} or {last}": "{items} oder {last}",
    "input should be greater than or equal to {ge}": "muss größer oder gleich {ge} sein",
    "input should be greater than {gt}": "muss größer als {gt} sein",
    "input should be less than or equal to {le}": "muss kleiner oder gleich {le} sein",
    "input should be less than {lt}": "muss kleiner als {lt} sein",
    "input should be a valid integer": "muss eine ganze Zahl sein",
    "input should be a valid integer, unable to parse string as an integer":
        "muss eine ganze Zahl sein; der Text lässt sich nicht als ganze Zahl lesen",
    "input should be a valid integer, got a number with a fractional part":
        "muss eine ganze Zahl sein, keine Zahl mit Nachkommastellen",
    "input should be a valid number": "muss eine Zahl sein",
    "input should be a valid number, unable to parse string as a number":
        "muss eine Zahl sein; der Text lässt sich nicht als Zahl lesen",
    "input should be a finite number": "muss eine endliche Zahl sein",
    "input should be a valid boolean": "muss true oder false sein",
    "input should be a valid boolean, unable to interpret input":
        "muss true oder false sein; die Eingabe ist keins von beiden",
    "input should be a valid string": "muss ein Text sein",
    "string should have at least 1 character": "muss mindestens 1 Zeichen haben",
    "string should have at least {n} characters": "muss mindestens {n} Zeichen haben",
    "string should have at most {n} characters": "darf höchstens {n} Zeichen haben",
    "input should be {expected}": "muss {expected} sein",
    "input should be a valid dictionary": "muss ein Objekt aus Namen und Werten sein",
    "input should be a valid list": "muss eine Liste sein",
    "input should be a valid dictionary or instance of {name}":
        "muss ein Objekt aus Namen und Werten sein ({name})",
    "use a value ≥ {limit}": "verwende einen Wert ≥ {limit}",
    "use a value > {limit}": "verwende einen Wert > {limit}",
    "use a value ≤ {limit}": "verwende einen Wert ≤ {limit}",
    "use a value < {limit}": "verwende einen Wert < {limit}",
    "use one of {expected}": "verwende einen dieser Werte: {expected}",
    "see `layerlab schema` for what this setting accepts":
        "sieh in `layerlab schema` nach, was diese Einstellung annimmt",
    # spec/upgrade.py
    "must be a whole number of 1 or more": "muss eine ganze Zahl ab 1 sein",
    "is newer than this LayerLab understands (up to {version})":
        "ist neuer, als dieses LayerLab versteht (höchstens Version {version})",
    "update LayerLab (pip install -U layerlab)": "aktualisiere LayerLab (pip install -U layerlab)",
})
