"""German for own picture projects and for the output layer that follows the data."""
from . import add

add("de", {
    # spec/follow.py
    "output layer now has {n} units, one per class": "die Ausgabeschicht hat jetzt {n} Einheiten, eine je Klasse",
    "output layer now has {n} units, one per target value":
        "die Ausgabeschicht hat jetzt {n} Einheiten, eine je Zielwert",
    # data/image_project.py
    "a picture project needs at least two classes": "ein Bildprojekt braucht mindestens zwei Klassen",
    "name two or more classes, e.g. 'cat' and 'dog'": "benenne zwei oder mehr Klassen, z. B. 'Katze' und 'Hund'",
    "names a class twice: {name!r}": "nennt eine Klasse zweimal: {name!r}",
    "give every class its own name": "gib jeder Klasse einen eigenen Namen",
    "is not an offered picture size": "ist keine angebotene Bildgröße",
})
