"""German for managing projects: rename, duplicate, trash and restore, and .layerlab project files."""
from . import add

add("de", {
    # store/manage.py, store/trash.py, api_projects.py
    "projects in the workspace: {listing}": "Projekte im Arbeitsbereich: {listing}",
    "the workspace has no projects yet": "der Arbeitsbereich hat noch keine Projekte",
    "the trash holds: {listing}": "im Papierkorb liegen: {listing}",
    "the trash is empty": "der Papierkorb ist leer",
    "holds no project of that name": "enthält kein Projekt mit diesem Namen",
    "a project needs a name": "ein Projekt braucht einen Namen",
    "type a name, e.g. 'my digits'": "gib einen Namen ein, z. B. 'meine Ziffern'",
    "is too long": "ist zu lang",
    "{n} characters": "{n} Zeichen",
    "use at most {n} characters": "verwende höchstens {n} Zeichen",
    "{name} (copy)": "{name} (Kopie)",
    "give a project folder containing project.json, or a project id of the workspace":
        "gib einen Projektordner mit project.json an oder die ID eines Projekts im Arbeitsbereich",
    # server/api_projects.py
    "list the trash with GET /api/trash": "liste den Papierkorb mit GET /api/trash auf",
    # store/pack.py
    "give a project folder containing project.json": "gib einen Projektordner mit project.json an",
    "a project file must end in {suffix}": "eine Projektdatei muss auf {suffix} enden",
    "name it e.g. {name}": "nenne sie z. B. {name}",
    "is not a valid project document": "ist kein gültiges Projektdokument",
    "fix project.json first (`layerlab validate`)": "korrigiere zuerst project.json (`layerlab validate`)",
    "LayerLab does not read this kind of file": "LayerLab liest diese Art von Datei nicht",
    "wait until it has finished, or pack another run": "warte, bis er fertig ist, oder packe einen anderen Lauf",
    # store/unpack.py
    "make the file again with `layerlab pack` or the studio's Download project":
        "erstelle die Datei neu mit `layerlab pack` oder „Projekt herunterladen“ im Studio",
    "give the path of a .layerlab file": "gib den Pfad einer .layerlab-Datei an",
    "the project file is incomplete: entries its manifest lists are missing":
        "die Projektdatei ist unvollständig: Einträge, die ihr Manifest nennt, fehlen",
    "the project file holds no project.json": "die Projektdatei enthält keine project.json",
    "the file is not a LayerLab project file (it has no manifest.json or project.json)":
        "die Datei ist keine LayerLab-Projektdatei (sie hat weder manifest.json noch project.json)",
    "choose a .layerlab file made by Download project or `layerlab pack`":
        "wähle eine .layerlab-Datei, die mit „Projekt herunterladen“ oder `layerlab pack` erstellt wurde",
    "the file is not a LayerLab project file (its manifest is not one)":
        "die Datei ist keine LayerLab-Projektdatei (ihr Manifest ist keins)",
    "the project file's manifest is damaged": "das Manifest der Projektdatei ist beschädigt",
    "the file was made by LayerLab {version} (project file format {format}); this LayerLab {mine} opens formats "
    "up to {supported}": "die Datei wurde mit LayerLab {version} erstellt (Projektdatei-Format {format}); dieses "
                         "LayerLab {mine} öffnet Formate bis {supported}",
    "update LayerLab (pip install -U layerlab), then open the file again":
        "aktualisiere LayerLab (pip install -U layerlab) und öffne die Datei dann noch einmal",
    "the project file holds a pickle file, which could run code when opened":
        "die Projektdatei enthält eine Pickle-Datei, die beim Öffnen Code ausführen könnte",
    "LayerLab keeps weights as safetensors and data as plain files; remove the file":
        "LayerLab speichert Gewichte als safetensors und Daten als einfache Dateien; entferne die Datei",
    "the project file is damaged or was changed after it was made (an entry does not match its manifest)":
        "die Projektdatei ist beschädigt oder wurde nach dem Erstellen verändert (ein Eintrag passt nicht zu "
        "ihrem Manifest)",
    "the project file's project.json is not a project": "die project.json der Projektdatei ist kein Projekt",
    "the file is not a LayerLab project file (not a ZIP archive)":
        "die Datei ist keine LayerLab-Projektdatei (kein ZIP-Archiv)",
    "the project file is damaged": "die Projektdatei ist beschädigt",
    "an entry of the project file is damaged": "ein Eintrag der Projektdatei ist beschädigt",
    "the project file's project.json is not valid JSON": "die project.json der Projektdatei ist kein gültiges JSON",
    "the project file holds an entry a project never has":
        "die Projektdatei enthält einen Eintrag, den ein Projekt nie hat",
    "the project file holds a kind of data file LayerLab does not read":
        "die Projektdatei enthält eine Art von Datendatei, die LayerLab nicht liest",
})
