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
})
