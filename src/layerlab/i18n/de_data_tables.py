"""German for the data sources' messages: NumPy arrays, tables (CSV), prediction inputs, preprocessing, splits."""
from . import add

add("de", {
    # data/arrays.py
    "is not a readable NumPy file": "ist keine lesbare NumPy-Datei",
    "save it with np.save or np.savez ({error})": "speichere sie mit np.save oder np.savez ({error})",
    "{name} holds {arrays}": "{name} enthält {arrays}",
    "save inputs as x and targets as y: np.savez(file, x=inputs, y=targets)":
        "speichere die Eingaben als x und die Zielwerte als y: np.savez(file, x=inputs, y=targets)",
    "holds Python objects, which LayerLab does not load (they could run code)":
        "enthält Python-Objekte, die LayerLab nicht lädt (sie könnten Code ausführen)",
    "save plain numeric arrays, e.g. np.savez(f, x=x.astype('float32'), y=y)":
        "speichere einfache Zahlen-Arrays, z. B. np.savez(f, x=x.astype('float32'), y=y)",
    "must hold numbers": "muss Zahlen enthalten",
    "inputs {x}, targets {y}": "Eingaben {x}, Zielwerte {y}",
    "convert the arrays to numbers (float32 inputs, integer or float targets)":
        "wandle die Arrays in Zahlen um (Eingaben als float32, Zielwerte als ganze Zahlen oder Kommazahlen)",
    "has different numbers of inputs and targets": "hat unterschiedlich viele Eingaben und Zielwerte",
    "{inputs} inputs, {targets} targets": "{inputs} Eingaben, {targets} Zielwerte",
    "give exactly one target per input": "gib genau einen Zielwert je Eingabe an",
    "has inputs that are not finite numbers (NaN or infinity)":
        "hat Eingaben, die keine endlichen Zahlen sind (NaN oder unendlich)",
    "sample {sample}, value {value}": "Beispiel {sample}, Wert {value}",
    "fill or drop the missing values before saving (e.g. np.nan_to_num)":
        "fülle die fehlenden Werte vor dem Speichern auf oder entferne sie (z. B. mit np.nan_to_num)",
    "regression needs numeric targets": "eine Regression braucht Zahlen als Zielwerte",
    "set task to classification, or give numbers as targets":
        "setze task auf classification oder gib Zahlen als Zielwerte an",
    "NumPy file": "NumPy-Datei",
    "is needed with a .npy file of inputs": "wird bei einer .npy-Datei mit Eingaben gebraucht",
    "give the .npy file of targets, or save both in one .npz":
        "gib die .npy-Datei mit den Zielwerten an oder speichere beides in einer .npz",
    "needs one class label per sample for classification":
        "braucht für eine Klassifikation genau eine Klasse je Beispiel",
    "targets of shape {shape}": "Zielwerte der Form {shape}",
    "give targets of shape (N,), or set task to regression":
        "gib Zielwerte der Form (N,) an oder setze task auf regression",
    "has only one class, so there is nothing to tell apart":
        "hat nur eine Klasse, es gibt also nichts zu unterscheiden",
    "add samples of at least one more class": "füge Beispiele von mindestens einer weiteren Klasse hinzu",
    "has no inputs array": "enthält kein Array mit Eingaben",
    "has no targets array": "enthält kein Array mit Zielwerten",
    # data/tabular.py
    "did you mean {close!r}? Columns: {listing}": "Meintest du {close!r}? Spalten: {listing}",
    "Columns: {listing}": "Spalten: {listing}",
    "is not a column of the table": "ist keine Spalte der Tabelle",
    "has only one column, so there is nothing to learn it from":
        "hat nur eine Spalte, es gibt also nichts, woraus das Netz lernen kann",
    "give at least one feature column and a target column (check the delimiter)":
        "gib mindestens eine Merkmalsspalte und eine Zielspalte an (prüfe das Trennzeichen)",
    "more than {n} different text values": "mehr als {n} verschiedene Textwerte",
    "leaves no feature columns": "lässt keine Merkmalsspalten übrig",
    "mark at least one column other than the target as a feature":
        "markiere mindestens eine Spalte außer der Zielspalte als feature",
    "leaves no rows: every row misses a value": "lässt keine Zeilen übrig: jeder Zeile fehlt ein Wert",
    "choose mean, median, most_frequent or zero to fill missing values instead of drop":
        "wähle mean, median, most_frequent oder zero, um fehlende Werte aufzufüllen, statt drop",
    "CSV file": "CSV-Datei",
    "must be numeric for regression": "muss für eine Regression aus Zahlen bestehen",
    "{name!r} (values like {sample})": "{name!r} (Werte wie {sample})",
    "choose a numeric target column, or set the task to classification":
        "wähle eine Zielspalte mit Zahlen oder stelle die Aufgabe auf classification",
    "is not a column role": "ist keine Spaltenrolle",
    "use feature, target or ignored": "verwende feature, target oder ignored",
    "add rows of at least one more class, or choose another target column":
        "füge Zeilen von mindestens einer weiteren Klasse hinzu oder wähle eine andere Zielspalte",
    "has values that are not numbers": "hat Werte, die keine Zahlen sind",
    "fix or remove those rows, or set the task to classification":
        "korrigiere oder entferne diese Zeilen oder stelle die Aufgabe auf classification",
    "{target!r} is always {value!r}": "{target!r} ist immer {value!r}",
    "switch to classification": "stelle die Aufgabe auf classification um",
    # data/csvread.py
    "could not be read as a table": "konnte nicht als Tabelle gelesen werden",
    "check the delimiter and quoting": "prüfe das Trennzeichen und die Anführungszeichen",
    "is empty: there are no rows to learn from": "ist leer: es gibt keine Zeilen, aus denen das Netz lernen kann",
    "an empty file": "eine leere Datei",
    "give a table with a header row and at least two rows of data":
        "gib eine Tabelle mit einer Kopfzeile und mindestens zwei Datenzeilen an",
    "has a header but no rows of data": "hat eine Kopfzeile, aber keine Datenzeilen",
    "add at least two rows of data below the header": "füge unter der Kopfzeile mindestens zwei Datenzeilen hinzu",
    "is not a supported table format": "ist kein unterstütztes Tabellenformat",
    "save the table as CSV or TSV (in Excel or LibreOffice: File > Save As > CSV)":
        "speichere die Tabelle als CSV oder TSV (in Excel oder LibreOffice: Datei > Speichern unter > CSV)",
    "save it as UTF-8 CSV with one header row": "speichere sie als UTF-8-CSV mit einer Kopfzeile",
    "has a row with {fields} fields where the first row has {expected} (line {line})":
        "hat eine Zeile mit {fields} Feldern, die erste Zeile hat aber {expected} (Zeile {line})",
    "make every row have {expected} fields; quote values that contain {sep!r}":
        "gib jeder Zeile {expected} Felder; setze Werte, die {sep!r} enthalten, in Anführungszeichen",
    # data/inputs.py
    "must have {n} values (one per feature)": "muss {n} Werte haben (einen je Merkmal)",
    "{n} values": "{n} Werte",
    "give the values in this order: {listing}": "gib die Werte in dieser Reihenfolge an: {listing}",
    "has the wrong shape for this model's input {shape}":
        "hat die falsche Form für die Eingabe {shape} dieses Modells",
    "give one sample of shape {shape} or a batch of shape (N, {dims})":
        "gib ein Beispiel der Form {shape} oder einen Stapel der Form (N, {dims}) an",
    "is not an image file that exists": "ist keine vorhandene Bilddatei",
    "give the path of a PNG or JPEG file": "gib den Pfad einer PNG- oder JPEG-Datei an",
    "misses the features {names}": "es fehlen die Merkmale {names}",
    "misses the feature {names}": "es fehlt das Merkmal {names}",
    "give a value for every feature: {listing} (not known: {unknown})":
        "gib für jedes Merkmal einen Wert an: {listing} (unbekannt: {unknown})",
    "give a value for every feature: {listing}": "gib für jedes Merkmal einen Wert an: {listing}",
    "is empty": "ist leer",
    "give at least one sample": "gib mindestens ein Beispiel an",
    "give numbers for every feature": "gib für jedes Merkmal eine Zahl an",
    "did you mean {close!r}? Features: {listing}": "Meintest du {close!r}? Merkmale: {listing}",
    "Features: {listing}": "Merkmale: {listing}",
    "has an unknown feature {name!r}": "hat ein unbekanntes Merkmal {name!r}",
    "must be whole numbers from 0 to {high}": "müssen ganze Zahlen von 0 bis {high} sein",
    "give token ids the model knows": "gib Token-IDs an, die das Modell kennt",
    "must give every token by name": "muss jedes Token mit seinem Namen angeben",
    "give: {listing}": "gib an: {listing}",
    # data/preprocess.py ("preprocessing" fills "is not a parameter of {what}")
    "preprocessing": "der Vorverarbeitung",
    "cannot scale token ids (they index an embedding)":
        "kann Token-IDs nicht skalieren (sie sind Positionen in einem Embedding)",
    "set normalize to 'none' or 'auto'": "setze normalize auf 'none' oder 'auto'",
    "is not a LayerLab preprocessing file of a known format":
        "ist keine LayerLab-Vorverarbeitungsdatei in einem bekannten Format",
    "retrain the project so the run stores its preprocessing again":
        "trainiere das Projekt neu, damit der Lauf seine Vorverarbeitung wieder speichert",
    # data/split.py
    "together with data.test_split leaves no training samples":
        "lässt zusammen mit data.test_split keine Trainingsbeispiele übrig",
    "keep validation_split + test_split below 1, e.g. 0.2 and 0.1":
        "halte validation_split + test_split unter 1, z. B. 0.2 und 0.1",
    "leaves no samples to train on": "lässt keine Beispiele zum Trainieren übrig",
    "use fewer held-out samples or more data (there are {n} samples)":
        "halte weniger Beispiele zurück oder verwende mehr Daten (es gibt {n} Beispiele)",
    # data/streaming.py (and data/prepare.py)
    "the data source {source!r} is for {task}": "die Datenquelle {source!r} ist für die Aufgabe {task} gedacht",
    "set task to {task!r}": "setze task auf {task!r}",
    # data/summary.py
    "is empty or not a split of this dataset": "ist leer oder kein Teil (Split) dieses Datensatzes",
    "use train, validation or test (and set data.test_split to use test)":
        "verwende train, validation oder test (für test setze data.test_split)",
    # data/base.py ("data source {name!r}" fills "is not a parameter of {what}")
    "did you mean {close!r}? Valid sources: {listing}": "Meintest du {close!r}? Gültige Datenquellen: {listing}",
    "Valid sources: {listing}": "Gültige Datenquellen: {listing}",
    "is not a known data source": "ist keine bekannte Datenquelle",
    "data source {name!r}": "der Datenquelle {name!r}",
    # data/modular.py
    "must be a prime number for division (every b needs an inverse)":
        "muss für die Division eine Primzahl sein (jedes b braucht ein Inverses)",
    "use a prime such as {prime}": "verwende eine Primzahl wie {prime}",
    "set p to {prime}": "setze p auf {prime}",
})
