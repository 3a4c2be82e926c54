"""German for the messages of the layers package: layer types, shape checks of each layer kind, their fixes."""
# "insert a flatten layer before it" and "a layer must be an object with a 'type'" are in de_spec.py
from . import add

add("de", {
    # layers/base.py
    "layer {name!r}": "Schicht {name!r}",
    "is not a known layer type": "ist kein bekannter Schichttyp",
    "did you mean {close!r}? Valid layer types: {listing}": "Meintest du {close!r}? Gültige Schichttypen: {listing}",
    "Valid layer types: {listing}": "Gültige Schichttypen: {listing}",
    "{name} needs {what}": "{name} braucht {what}",
    "input of shape {shape}": "Eingabe der Form {shape}",
    "change the layers before it so they give {what}": "ändere die Schichten davor so, dass sie {what} liefern",
    # layers/conv.py (also used by pooling, upsampling and the conv variants)
    "a signal of shape (channels, length)": "ein Signal der Form (Kanäle, Länge)",
    "an image of shape (channels, height, width)": "ein Bild der Form (Kanäle, Höhe, Breite)",
    "a volume of shape (channels, depth, height, width)": "ein Volumen der Form (Kanäle, Tiefe, Höhe, Breite)",
    "the window ({span} wide) is larger than its input ({size} wide)":
        "das Fenster ({span} breit) ist größer als seine Eingabe ({size} breit)",
    "use a {key} of at most {size}, or padding 'same'": "verwende höchstens {size} für {key} oder padding 'same'",
    "shrink {key} to {value}": "verkleinere {key} auf {value}",
    "use padding 'same'": "verwende padding 'same'",
    "the stride leaves no output": "die Schrittweite (strides) lässt keine Ausgabe übrig",
    "use a smaller stride": "verwende eine kleinere Schrittweite (strides)",
    "insert a reshape to (1, {side}, {side}) before it": "füge davor ein reshape auf (1, {side}, {side}) ein",
    "insert a reshape to (1, {n}) before it": "füge davor ein reshape auf (1, {n}) ein",
    "replace it by a dense layer": "ersetze sie durch eine dense-Schicht",
    "insert a reshape before it that makes {what}, or {alternative}":
        "füge davor ein reshape ein, das {what} erzeugt, oder {alternative}",
    "use {sibling} instead": "verwende stattdessen {sibling}",
    "use {sibling} for input of this shape, or reshape the input":
        "verwende {sibling} für eine Eingabe dieser Form oder forme die Eingabe um",
    "change the layers before it so that they give {what}": "ändere die Schichten davor so, dass sie {what} liefern",
    "dilation > 1 cannot be combined with strides > 1": "dilation > 1 lässt sich nicht mit strides > 1 kombinieren",
    "set dilation or strides to 1": "setze dilation oder strides auf 1",
    "set dilation to 1": "setze dilation auf 1",
    # layers/conv_variants.py
    "with padding 'same' and strides 1 a transposed convolution needs an odd kernel_size":
        "mit padding 'same' und strides 1 braucht eine transponierte Faltung eine ungerade kernel_size",
    "use kernel_size {value}, or padding 'valid'": "verwende kernel_size {value} oder padding 'valid'",
    "use kernel_size {value}": "verwende kernel_size {value}",
    # layers/dense.py, embedding.py, activations.py
    "dense needs at least one input value": "dense braucht mindestens einen Eingabewert",
    "give it a list of numbers, e.g. after flatten": "gib ihr eine Liste von Zahlen, z. B. nach flatten",
    "dense needs a flat input (a list of numbers), but gets a {rank}-D block":
        "dense braucht eine flache Eingabe (eine Liste von Zahlen), bekommt aber einen {rank}-D-Block",
    "insert a flatten layer before this dense layer": "füge vor dieser dense-Schicht eine flatten-Schicht ein",
    "embedding needs a list of token ids": "embedding braucht eine Liste von Token-IDs",
    "give it token input, e.g. (T,)": "gib ihr Tokens als Eingabe, z. B. (T,)",
    "softmax needs at least one axis": "softmax braucht mindestens eine Achse",
    "use it on a list of scores, e.g. after dense": "wende sie auf eine Liste von Punktwerten an, z. B. nach dense",
    # layers/global_pool.py, normalization.py, permute.py, pooling.py
    "{name} needs positions to pool over, e.g. an image (C, H, W) or a sequence (T, F)":
        "{name} braucht Positionen, über die zusammengefasst wird, z. B. ein Bild (C, H, W) oder eine Folge (T, F)",
    "remove it: the input is already one value per feature":
        "entferne sie: Die Eingabe ist schon ein Wert pro Merkmal",
    "remove this layer": "entferne diese Schicht",
    "batch_norm needs features (F,), a signal (C, L), an image (C, H, W) or a volume (C, D, H, W)":
        "batch_norm braucht Merkmale (F,), ein Signal (C, L), ein Bild (C, H, W) oder ein Volumen (C, D, H, W)",
    "layer_norm needs at least one value per sample": "layer_norm braucht mindestens einen Wert pro Probe",
    "use it after a layer that gives values, e.g. dense":
        "verwende sie nach einer Schicht, die Werte liefert, z. B. dense",
    "must list each axis 1..{rank} exactly once for an input of shape {shape}":
        "muss bei einer Eingabe der Form {shape} jede Achse 1..{rank} genau einmal enthalten",
    "use e.g. {example} (reversed)": "verwende z. B. {example} (umgekehrt)",
    "remove this pooling layer": "entferne diese Pooling-Schicht",
    # layers/recurrent.py
    "{name} needs a sequence of shape (steps, features)": "{name} braucht eine Folge der Form (Schritte, Merkmale)",
    "reshape the input into (steps, features), or use an embedding layer on token ids":
        "forme die Eingabe zu (Schritte, Merkmale) um oder verwende eine embedding-Schicht auf Token-IDs",
    "insert a reshape to ({steps}, 1) before it: one feature per step":
        "füge davor ein reshape auf ({steps}, 1) ein: ein Merkmal pro Schritt",
    "insert a reshape to ({rows}, {features}) before it: one row per step":
        "füge davor ein reshape auf ({rows}, {features}) ein: eine Zeile pro Schritt",
    # layers/reshape.py
    "needs at least one size": "braucht mindestens eine Größe",
    "set target_shape to [{n}]": "setze target_shape auf [{n}]",
    "sizes must be positive (or one -1)": "die Größen müssen positiv sein (oder eine davon -1)",
    "replace the 0 by a size or by -1": "ersetze die 0 durch eine Größe oder durch -1",
    "only one size may be -1 (the one that is worked out)": "nur eine Größe darf -1 sein (die, die ausgerechnet wird)",
    "replace all but one -1 by a size": "ersetze alle -1 bis auf eine durch eine Größe",
    "{n} values cannot be split into groups of {known}": "{n} Werte lassen sich nicht in Gruppen zu je {known} aufteilen",
    "the new shape holds {known} values, but the input has {n}":
        "die neue Form fasst {known} Werte, die Eingabe hat aber {n}",
    "reshape to {shape}": "forme in {shape} um",
    "let the second size follow from the input: {guess}": "lass die zweite Größe aus der Eingabe folgen: {guess}",
    "does not fit the input of shape {shape}: {problem}": "passt nicht zur Eingabe der Form {shape}: {problem}",
    "choose sizes that multiply to {n}, or put -1 in one place":
        "wähle Größen, deren Produkt {n} ergibt, oder setze an einer Stelle -1",
    # layers/residual.py
    "the body must keep the number of axes so its input can be added back":
        "das Innere des Blocks muss die Zahl der Achsen beibehalten, damit seine Eingabe wieder addiert werden kann",
    "{in_shape} in, {out_shape} out": "{in_shape} hinein, {out_shape} heraus",
    "move flatten, global pooling or reshape layers out of the residual block":
        "nimm flatten-, Global-Pooling- oder reshape-Schichten aus dem residual-Block heraus",
    "the body turns a size of {n} into {m}, which a strided 1x1 shortcut cannot follow":
        "das Innere des Blocks macht aus der Größe {n} die Größe {m}; dem kann eine 1x1-Abkürzung mit strides "
        "nicht folgen",
    "keep the size (padding 'same') or shrink it by a whole factor (strides)":
        "behalte die Größe bei (padding 'same') oder verkleinere sie um einen ganzzahligen Faktor (strides)",
    "a residual block needs its own list of layers": "ein residual-Block braucht eine eigene Liste von Schichten",
    'add "layers": [...] with the layers inside the block': 'füge "layers": [...] mit den Schichten im Block hinzu',
    "add a dense layer inside": "füge eine dense-Schicht in den Block ein",
    "must be a list of layers": "muss eine Liste von Schichten sein",
    "the block is empty, so it would only double its input": "der Block ist leer und würde seine Eingabe nur verdoppeln",
    "put at least one layer inside": "setze mindestens eine Schicht in den Block",
    # layers/stack.py
    "is missing: every layer needs a 'type'": "fehlt: Jede Schicht braucht einen 'type'",
    'add "type": "{kind}"; `layerlab layers` lists the types':
        'füge "type": "{kind}" hinzu; `layerlab layers` listet die Typen auf',
    "make it a {kind} layer": "mach daraus eine {kind}-Schicht",
})
