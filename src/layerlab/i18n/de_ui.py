"""German for the messages the studio's own project state raises (ui/state.py)."""
from . import add

add("de", {
    "does not exist in the workspace": "gibt es im Arbeitsbereich nicht",
    "open a project from the home page, or create one from an example":
        "öffne ein Projekt auf der Startseite oder lege eines aus einem Beispiel an",
    "the data could not be read: {error}": "die Daten konnten nicht gelesen werden: {error}",
    "check the Data page": "prüfe die Seite Daten",
})
