"""German for the HTTP API, uploads, the studio's access check, the project store, the facade and the CLI."""
from . import add

add("de", {
    # server/routing.py: answers of every /api route
    "invalid request": "ungültige Anfrage",
    "see /api/openapi.json for the request format": "sieh in /api/openapi.json nach, wie die Anfrage aussehen muss",
    "the server could not complete this request": "der Server konnte diese Anfrage nicht ausführen",
    "try again; if it keeps failing, see the server log":
        "versuche es noch einmal; wenn es weiter nicht klappt, sieh ins Log des Servers",
    # server/routing.py: pydantic's words for an invalid request body or query
    "Field required": "Angabe fehlt",
    "Extra inputs are not permitted": "zusätzliche Angaben sind nicht erlaubt",
    "String should have at least {min_length} character": "Text muss mindestens {min_length} Zeichen haben",
    "String should have at least {min_length} characters": "Text muss mindestens {min_length} Zeichen haben",
    "String should have at most {max_length} character": "Text darf höchstens {max_length} Zeichen haben",
    "String should have at most {max_length} characters": "Text darf höchstens {max_length} Zeichen haben",
    "String should match pattern '{pattern}'": "Text muss zum Muster '{pattern}' passen",
    "Input should be a valid string": "Eingabe muss ein Text sein",
    "Input should be a valid integer": "Eingabe muss eine ganze Zahl sein",
    "Input should be a valid integer, unable to parse string as an integer":
        "Eingabe muss eine ganze Zahl sein, der Text lässt sich nicht als ganze Zahl lesen",
    "Input should be a valid integer, got a number with a fractional part":
        "Eingabe muss eine ganze Zahl sein, nicht eine Zahl mit Nachkommastellen",
    "Input should be greater than or equal to {ge}": "Eingabe muss größer oder gleich {ge} sein",
    "Input should be less than or equal to {le}": "Eingabe muss kleiner oder gleich {le} sein",
    "Input should be a valid list": "Eingabe muss eine Liste sein",
    "Input should be a valid dictionary": "Eingabe muss ein Objekt aus Namen und Werten sein",
    "Input should be a valid dictionary or object to extract fields from":
        "Eingabe muss ein Objekt aus Namen und Werten sein",
    "List should have at least {min_length} item after validation, not {actual_length}":
        "Liste muss mindestens {min_length} Eintrag haben, nicht {actual_length}",
    "List should have at least {min_length} items after validation, not {actual_length}":
        "Liste muss mindestens {min_length} Einträge haben, nicht {actual_length}",
    "List should have at most {max_length} item after validation, not {actual_length}":
        "Liste darf höchstens {max_length} Eintrag haben, nicht {actual_length}",
    "List should have at most {max_length} items after validation, not {actual_length}":
        "Liste darf höchstens {max_length} Einträge haben, nicht {actual_length}",
    "JSON decode error": "das JSON lässt sich nicht lesen",
    "Value error, {error}": "ungültiger Wert: {error}",

    # server/api.py
    "no such project": "dieses Projekt gibt es nicht",
    "list the projects with GET /api/projects": "liste die Projekte mit GET /api/projects auf",
    "the project document is too large": "das Projektdokument ist zu groß",
    "{size} bytes": "{size} Bytes",
    "keep data in data files, not in project.json": "lege Daten in Datendateien ab, nicht in project.json",
    "give either an example or a document, not both": "gib entweder ein Beispiel oder ein Dokument an, nicht beides",
    "drop 'example' or 'doc'": "lass 'example' oder 'doc' weg",
    "is training right now": "wird gerade trainiert",
    "stop its run first": "stoppe zuerst seinen Lauf",
    "the upload is empty": "die hochgeladene Datei ist leer",
    "send the file's bytes as the request body": "sende die Bytes der Datei als Body der Anfrage",

    # server/api_runs.py
    "inputs nest deeper than {levels} levels": "inputs sind tiefer als {levels} Ebenen verschachtelt",
    "inputs must be numbers (nested lists of numbers)": "inputs müssen Zahlen sein (verschachtelte Listen von Zahlen)",
    "at most {n:,} numbers per request": "höchstens {n:,} Zahlen pro Anfrage",
    "is not a run id": "ist keine Lauf-ID",
    "list the runs with GET /api/projects/{{id}}/runs": "liste die Läufe mit GET /api/projects/{{id}}/runs auf",
    "is not a run of this project": "ist kein Lauf dieses Projekts",
    "list the runs with GET .../runs": "liste die Läufe mit GET .../runs auf",
    "the run failed": "der Lauf ist fehlgeschlagen",
    "already has runs waiting or training": "hat schon Läufe, die warten oder trainieren",
    "wait for them, or stop one": "warte, bis sie fertig sind, oder stoppe einen davon",
    "the server is busy with other runs": "der Server ist mit anderen Läufen beschäftigt",
    "try again in a minute": "versuche es in einer Minute noch einmal",
    "could not be used as samples for this model": "lassen sich nicht als Eingaben für dieses Modell verwenden",
    "send a list of samples, each shaped {shape}": "sende eine Liste von Beispielen, jedes mit der Form {shape}",

    # server/launch.py
    "cannot listen on {host}:{port} ({reason})": "der Server kann {host}:{port} nicht öffnen ({reason})",
    "another program (maybe another studio) uses it: choose another, e.g. --port {port}":
        "ein anderes Programm (vielleicht ein anderes Studio) benutzt ihn: wähle einen anderen, z. B. --port {port}",

    # server/security.py: refused requests and the sign-in page
    "this server does not answer to the host name {host!r}": "dieser Server antwortet nicht auf den Hostnamen {host!r}",
    "open it as http://localhost:{port}/ or add the name to {env} (comma-separated) when starting it":
        "öffne ihn als http://localhost:{port}/ oder füge den Namen beim Start zu {env} hinzu (durch Kommas getrennt)",
    "cross-site request refused": "Anfrage von einer fremden Seite abgelehnt",
    "use the studio from its own page": "verwende das Studio über seine eigene Seite",
    "this LayerLab server needs its access token": "dieser LayerLab-Server braucht sein Zugangstoken",
    "open the link with ?token=... that `layerlab studio` printed, or send the header 'Authorization: Bearer TOKEN'":
        "öffne den Link mit ?token=..., den `layerlab studio` ausgegeben hat, oder sende den Header "
        "'Authorization: Bearer TOKEN'",
    "LayerLab: token needed": "LayerLab: Token nötig",
    "Open": "Öffnen",

    # data/safefiles.py and store/quota.py (the uploads, below the server)
    "the file would be written outside the project": "die Datei würde außerhalb des Projekts gespeichert",
    "use a plain file name": "verwende einen einfachen Dateinamen",
    "the target path goes through a symbolic link": "der Zielpfad führt über einen symbolischen Link",
    "remove the link": "entferne den Link",
    "the archive has an absolute path, which would be written outside its folder (zip-slip)":
        "das Archiv enthält einen absoluten Pfad, der außerhalb seines Ordners gespeichert würde (zip-slip)",
    "create the ZIP from inside the folder so its entries have relative paths":
        "erstelle das ZIP aus dem Ordner heraus, damit seine Einträge relative Pfade haben",
    "the archive contains an entry without a name": "das Archiv enthält einen Eintrag ohne Namen",
    "create the ZIP again": "erstelle das ZIP neu",
    "the archive has an entry that would be written outside its folder (zip-slip)":
        "das Archiv enthält einen Eintrag, der außerhalb seines Ordners gespeichert würde (zip-slip)",
    "create the ZIP again without '..' in entry names": "erstelle das ZIP neu, ohne '..' in den Namen der Einträge",
    "the archive nests folders too deeply": "das Archiv verschachtelt Ordner zu tief",
    "use at most {levels} folder levels (one folder per class is enough)":
        "verwende höchstens {levels} Ordnerebenen (ein Ordner pro Klasse genügt)",
    "the image is too large": "das Bild ist zu groß",
    "use images under {pixels:,} pixels": "verwende Bilder mit weniger als {pixels:,} Pixeln",
    "the file is not a readable image": "die Datei ist kein lesbares Bild",
    "upload PNG, JPEG, GIF, BMP or WebP files": "lade PNG-, JPEG-, GIF-, BMP- oder WebP-Dateien hoch",
    "the file is not a text table (it contains binary data)": "die Datei ist keine Texttabelle (sie enthält Binärdaten)",
    "upload a .csv file saved as text": "lade eine als Text gespeicherte .csv-Datei hoch",
    "the table is empty": "die Tabelle ist leer",
    "upload a .csv file with a header line and rows": "lade eine .csv-Datei mit Kopfzeile und Datenzeilen hoch",
    "the file is too large": "die Datei ist zu groß",
    "{mb:.1f} MB": "{mb:.1f} MB",
    "upload at most {limit:.0f} MB (a server admin can raise LAYERLAB_MAX_UPLOAD_MB)":
        "lade höchstens {limit:.0f} MB hoch (wer den Server verwaltet, kann LAYERLAB_MAX_UPLOAD_MB erhöhen)",
    "this kind of file is not accepted": "diese Art von Datei wird nicht angenommen",
    "upload images (.png, .jpg, .gif, .bmp, .webp), tables (.csv) or a .zip of images":
        "lade Bilder (.png, .jpg, .gif, .bmp, .webp), Tabellen (.csv) oder ein .zip mit Bildern hoch",
    "the project holds too many files": "das Projekt enthält zu viele Dateien",
    "delete some data files first": "lösche zuerst einige Datendateien",
    "hidden or system file": "versteckte Datei oder Systemdatei",
    "not an image file": "keine Bilddatei",
    "the archive holds too many files": "das Archiv enthält zu viele Dateien",
    "upload at most {n:,} files per archive": "lade höchstens {n:,} Dateien pro Archiv hoch",
    "the archive contains a symbolic link": "das Archiv enthält einen symbolischen Link",
    "create the ZIP without links (zip -r without -y)": "erstelle das ZIP ohne Links (zip -r ohne -y)",
    "the archive is encrypted": "das Archiv ist verschlüsselt",
    "upload an archive without a password": "lade ein Archiv ohne Passwort hoch",
    "the archive unpacks to too much data": "entpackt ergibt das Archiv zu viele Daten",
    "{mb:.0f} MB": "{mb:.0f} MB",
    "upload at most {limit:.0f} MB unpacked": "lade höchstens {limit:.0f} MB (entpackt) hoch",
    "the archive is compressed suspiciously well (a zip bomb?)":
        "das Archiv ist verdächtig stark komprimiert (eine Zip-Bombe?)",
    "ratio {ratio:.0f}": "Verhältnis {ratio:.0f}",
    "upload an ordinary archive of images": "lade ein gewöhnliches Archiv mit Bildern hoch",
    "an archive entry is larger than it claims, or too large (a zip bomb?)":
        "ein Eintrag im Archiv ist größer als angegeben oder zu groß (eine Zip-Bombe?)",
    "an archive entry is compressed suspiciously well (a zip bomb?)":
        "ein Eintrag im Archiv ist verdächtig stark komprimiert (eine Zip-Bombe?)",
    "the destination folder exists already": "den Zielordner gibt es schon",
    "choose another name": "wähle einen anderen Namen",
    "the file is not a readable ZIP archive": "die Datei ist kein lesbares ZIP-Archiv",
    "upload a .zip file": "lade eine .zip-Datei hoch",
    "the archive is damaged or uses an unsupported format":
        "das Archiv ist beschädigt oder hat ein Format, das nicht unterstützt wird",
    "create the ZIP again with a standard tool (no password, deflate)":
        "erstelle das ZIP mit einem üblichen Programm neu (ohne Passwort, deflate)",
    "the project would hold too many files": "das Projekt hätte dann zu viele Dateien",
    "the archive holds no readable images": "das Archiv enthält keine lesbaren Bilder",
    "put PNG or JPEG images in one folder per class, then zip the folders":
        "lege PNG- oder JPEG-Bilder in einen Ordner pro Klasse und packe dann die Ordner in ein ZIP",

    # store/runs.py
    "run {run_id} has no saved weights (it ended before its first epoch)":
        "Lauf {run_id} hat keine gespeicherten Gewichte (er endete vor seiner ersten Epoche)",
    "train again, or pick another run with `layerlab runs`":
        "trainiere noch einmal oder wähle mit `layerlab runs` einen anderen Lauf",
    "run {run_id} has no saved training state to continue from":
        "Lauf {run_id} hat keinen gespeicherten Trainingsstand, an dem es weitergehen kann",
    "continue a run that finished at least one epoch": "setze einen Lauf fort, der mindestens eine Epoche beendet hat",
    "valid runs: {listing}": "gültige Läufe: {listing}",
    "train the project first: `layerlab train`": "trainiere zuerst das Projekt: `layerlab train`",
    "this project has no trained run yet": "dieses Projekt hat noch keinen trainierten Lauf",
    "train it first: `layerlab train PROJECT` or project.train()":
        "trainiere es zuerst: `layerlab train PROJECT` oder project.train()",
    # store/workspace.py
    "project {name!r} was changed elsewhere (another tab or window) since you opened it":
        "Projekt {name!r} wurde woanders geändert (in einem anderen Tab oder Fenster), seit du es geöffnet hast",
    "reload the project to see the latest version, then redo your edit":
        "lade das Projekt neu, um die neueste Version zu sehen, und mache deine Änderung dann noch einmal",
    "is not a valid project id": "ist keine gültige Projekt-ID",
    "use only lower-case letters, digits, '-' and '_'": "verwende nur Kleinbuchstaben, Ziffern, '-' und '_'",

    # api.py (the facade); "set task to {task!r}", "the data source {source!r} is for {task}",
    # "{folder} already holds a project" and "a project must be a JSON object" are in de_data_*.py / de_spec.py
    "no project found at {path}": "unter {path} gibt es kein Projekt",
    "give a project folder containing project.json, or create one with `layerlab new DIR --example digits`":
        "gib einen Projektordner mit project.json an oder erstelle einen mit `layerlab new DIR --example digits`",
    "{file} is not valid JSON (line {line}, column {column}: {reason})":
        "{file} ist kein gültiges JSON (Zeile {line}, Spalte {column}: {reason})",
    "fix the JSON syntax, e.g. a missing comma or quote":
        "korrigiere die JSON-Syntax, z. B. ein fehlendes Komma oder Anführungszeichen",
    'start with {{"name": ...}}': 'beginne mit {{"name": ...}}',
    "is not a built-in example": "ist kein eingebautes Beispiel",
    "choose another folder, or open it with `layerlab summary`":
        "wähle einen anderen Ordner oder öffne es mit `layerlab summary`",
    # api.py: Python's json module, which writes English only
    "Expecting value": "hier fehlt ein Wert",
    "Expecting ',' delimiter": "es fehlt ein Komma",
    "Expecting ':' delimiter": "es fehlt ein Doppelpunkt",
    "Expecting property name enclosed in double quotes": "hier fehlt ein Name in doppelten Anführungszeichen",
    "Unterminated string starting at": "ein Text in Anführungszeichen wird nicht geschlossen",
    "Invalid control character at": "ein unerlaubtes Steuerzeichen",
    "Invalid \\escape": "ein ungültiger Ausdruck mit \\ im Text",
    "Extra data": "nach dem Ende folgt noch etwas",

    # cli/
    "must look like key=value": "muss die Form key=value haben",
    "e.g. -o epsilon=0.1": "z. B. -o epsilon=0.1",
    "is not an option of any view": "ist bei keiner Ansicht eine Option",
    "list the views and their options with `layerlab inspect PROJECT`":
        "liste die Ansichten und ihre Optionen mit `layerlab inspect PROJECT` auf",
    "is not a supported language": "ist keine unterstützte Sprache",
    "use en or de": "verwende en oder de",
    "must be a position from 0 to {last}": "muss eine Position von 0 bis {last} sein",
    "count layers from 0": "zähle die Schichten ab 0",
    "is not NAME=VALUE": "hat nicht die Form NAME=VALUE",
    "write parameters like units=10 or activation=relu": "schreibe Parameter wie units=10 oder activation=relu",
    "has no layer at position {index}": "hat keine Schicht an Position {index}",
    "use a position from 0 to {last}": "verwende eine Position von 0 bis {last}",
    "does not exist in this project": "gibt es in diesem Projekt nicht",
    "check the path with `layerlab summary --json` or `layerlab schema`":
        "prüfe den Pfad mit `layerlab summary --json` oder `layerlab schema`",
})
