"""German for the frame every error shares (where, what, received, fix) and for phrases many modules use.

Keys are the English templates exactly as written in `msg(...)`; placeholders stay the same.
"""
from . import add

add("de", {
    # the four parts of an error (spec/errors.py)
    "{path}: {message}": "{path}: {message}",
    "Received: {received}": "Erhalten: {received}",
    "Fix: {hint}": "Lösung: {hint}",
    # shared phrases
    "use e.g. {example}": "verwende z. B. {example}",
    "use e.g. {example!r}": "verwende z. B. {example!r}",
    "use {value!r}": "verwende {value!r}",
    "use one of: {listing}": "verwende eines davon: {listing}",
    "did you mean {close!r}? Valid values: {listing}": "Meintest du {close!r}? Gültige Werte: {listing}",
    "(none)": "(keine)",
})
