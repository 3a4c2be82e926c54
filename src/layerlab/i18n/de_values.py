"""German for refused values and damaged files: spec/loader.py, the project list, the CLI's file errors."""
from . import add

add("de", {
    # spec/loader.py
    "{source} is saved as UTF-16, not UTF-8": "{source} ist als UTF-16 gespeichert, nicht als UTF-8",
    "save it again as UTF-8 (in most editors: Save as, then Encoding: UTF-8)":
        "speichere die Datei noch einmal als UTF-8 (in den meisten Editoren: Speichern unter, dann Kodierung: UTF-8)",
    "{source} is not a text file (it holds binary data)": "{source} ist keine Textdatei (sie enthält Binärdaten)",
    "{n} bytes": "{n} Bytes",
    "restore it from a backup, or remove it if it is not yours":
        "stelle sie aus einer Sicherung wieder her, oder entferne sie, wenn sie nicht deine ist",
    "{source} is not UTF-8 text (byte {pos} cannot be read)":
        "{source} ist kein UTF-8-Text (Byte {pos} lässt sich nicht lesen)",
    "{file} is a folder, not a file": "{file} ist ein Ordner, keine Datei",
    "remove the folder or put a project.json file in its place":
        "entferne den Ordner oder lege an seine Stelle eine Datei project.json",
    "is a number too large to store": "ist eine Zahl, die zu groß zum Speichern ist",
    "write a number between -1e308 and 1e308; settings need far smaller ones":
        "schreibe eine Zahl zwischen -1e308 und 1e308; Einstellungen brauchen viel kleinere",
    "is a whole number too large to store": "ist eine ganze Zahl, die zu groß zum Speichern ist",
    "write a whole number between {low} and {high}": "schreibe eine ganze Zahl zwischen {low} und {high}",
    "a number of about {n} digits": "eine Zahl mit etwa {n} Ziffern",
    "is not a finite number (JSON has no NaN or Infinity)":
        "ist keine endliche Zahl (JSON kennt kein NaN und kein Infinity)",
    "write an ordinary number such as 0.5, or remove the setting to use its default":
        "schreibe eine gewöhnliche Zahl wie 0.5, oder entferne die Einstellung, um ihren Standardwert zu nutzen",
    "{source} nests more than {limit} levels deep": "{source} ist tiefer als {limit} Ebenen verschachtelt",
    "{depth} levels": "{depth} Ebenen",
    "hundreds of levels": "Hunderte Ebenen",
    "a project needs about 10 levels; nest residual blocks less deeply":
        "ein Projekt braucht etwa 10 Ebenen; verschachtele Residual-Blöcke weniger tief",
    "the JSON": "das JSON",
    "the request body": "der Inhalt der Anfrage",
    # cli/common.py: a bad file in any command
    "cannot use this file: {reason}": "diese Datei lässt sich nicht verwenden: {reason}",
    "check the path and the file's permissions": "prüfe den Pfad und die Zugriffsrechte der Datei",
    "a file could not be read ({kind})": "eine Datei ließ sich nicht lesen ({kind})",
    "save the file again as UTF-8 text in the expected format":
        "speichere die Datei noch einmal als UTF-8-Text im erwarteten Format",
    # store/workspace.py: a damaged project in the list
    "{file} cannot be read ({reason})": "{file} lässt sich nicht lesen ({reason})",
    "check that the file exists and that you may read it":
        "prüfe, ob die Datei da ist und ob du sie lesen darfst",
    "or remove the project: move it to the trash, or move the folder {folder} out of the workspace":
        "oder entferne das Projekt: lege es in den Papierkorb, oder verschiebe den Ordner {folder} aus dem "
        "Arbeitsbereich",
    # server/security.py: the last-resort error page
    "LayerLab: server error": "LayerLab: Fehler im Server",
    "Back to the start page": "Zurück zur Startseite",
    # server/error_pages.py
    "there is no page at this address": "unter dieser Adresse gibt es keine Seite",
})
