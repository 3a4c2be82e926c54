"""German for the messages about the user's own data files: the wizard, image folders and samples, paths, augmentation, preparing."""
from . import add

add("de", {
    # data/wizard.py
    "contains a symbolic link, which is not allowed": "enthält eine symbolische Verknüpfung (Link), und die ist nicht erlaubt",
    "replace links with the files themselves": "ersetze die Verknüpfungen durch die Dateien selbst",
    "is not a kind of data LayerLab can start from": "ist keine Art von Daten, mit der LayerLab ein Projekt beginnen kann",
    "give a CSV/TSV file, a folder with one subfolder per class, a ZIP of such a folder, or an .npz file with x and y":
        "gib eine CSV/TSV-Datei an, einen Ordner mit einem Unterordner je Klasse, ein ZIP eines solchen Ordners "
        "oder eine .npz-Datei mit x und y",
    "does not exist": "existiert nicht",
    "give the path of a CSV file, an image folder or a ZIP": "gib den Pfad einer CSV-Datei, eines Bilderordners oder eines ZIPs an",
    "{folder} already holds a project": "{folder} enthält schon ein Projekt",
    "choose another folder, or pass --force to overwrite it": "wähle einen anderen Ordner oder überschreibe ihn mit --force",
    # data/samples.py
    "is not a usable class name": "ist kein brauchbarer Klassenname",
    "use 1-64 characters without / \\ : * ? \" < > | and not starting with a dot, e.g. 'cat'":
        "verwende 1-64 Zeichen ohne / \\ : * ? \" < > |, und nicht mit einem Punkt am Anfang, z. B. 'Katze'",
    "is not a class of this project": "ist keine Klasse dieses Projekts",
    "choose one of: {listing}": "wähle eine davon: {listing}",
    "is already a class": "ist schon eine Klasse",
    "choose another name or delete that class first": "wähle einen anderen Namen oder lösche zuerst diese Klasse",
    "is not an image of this class": "ist kein Bild dieser Klasse",
    "pick one listed by list_samples": "wähle eines, das list_samples aufführt",
    # data/images.py ("has only one class, so there is nothing to tell apart" comes from de_data_tables)
    "is not a folder of images": "ist kein Ordner mit Bildern",
    "create one subfolder per class in it (e.g. data/images/cat, data/images/dog) and put the images there, "
    "or add classes in the studio":
        "lege darin einen Unterordner je Klasse an (z. B. data/images/cat, data/images/dog) und lege die Bilder "
        "dort hinein, oder füge im Studio Klassen hinzu",
    "holds a file that is not a supported image format": "enthält eine Datei, die kein unterstütztes Bildformat hat",
    "convert it to PNG or JPEG ({exts}) or remove it": "wandle sie in PNG oder JPEG um ({exts}) oder entferne sie",
    "has a class with no images: {name!r}": "hat eine Klasse ohne Bilder: {name!r}",
    "add images to {name}/ or delete that class": "füge Bilder zu {name}/ hinzu oder lösche diese Klasse",
    "has no class folders": "hat keine Klassenordner",
    "has no class folders (the images lie loose in it)": "hat keine Klassenordner (die Bilder liegen lose darin)",
    "put the images into one subfolder per class, e.g. cat/1.png, dog/1.png":
        "lege die Bilder in einen Unterordner je Klasse, z. B. cat/1.png, dog/1.png",
    "add a second class folder with images": "füge einen zweiten Klassenordner mit Bildern hinzu",
    # data/files.py
    "needs a project folder to read your files from": "braucht einen Projektordner, aus dem deine Dateien gelesen werden",
    "save the project first (layerlab new DIR --data FILE), then put files in DIR/data/":
        "speichere zuerst das Projekt (layerlab new DIR --data FILE) und lege dann die Dateien in DIR/data/ ab",
    "must be a path inside the project folder": "muss ein Pfad innerhalb des Projektordners sein",
    "copy the file into the project's data/ folder and give e.g. 'data/table.csv'":
        "kopiere die Datei in den Ordner data/ des Projekts und gib z. B. 'data/table.csv' an",
    "points outside the project folder (through a link)": "zeigt (über eine Verknüpfung) aus dem Projektordner hinaus",
    "copy the file into the project's data/ folder": "kopiere die Datei in den Ordner data/ des Projekts",
    # {what} is a file kind such as "CSV file" / "NumPy file" (German: ...-Datei, feminine)
    "put the {what} at {path} or correct the path": "lege die {what} unter {path} ab oder korrigiere den Pfad",
    "is empty and there is no {what} in the project's data folder":
        "ist leer, und im Ordner data/ des Projekts liegt keine {what}",
    "put a file ending in {exts} into {folder}, or set {where}":
        "lege eine Datei mit der Endung {exts} in {folder} ab oder setze {where}",
    "{first} or {rest}": "{first} oder {rest}",
    # data/imagefiles.py
    "the uploaded image": "das hochgeladene Bild",
    "is not an image Pillow can read (unsupported or corrupt format)":
        "ist kein Bild, das Pillow lesen kann (nicht unterstütztes oder beschädigtes Format)",
    "save it as PNG or JPEG, or remove it": "speichere es als PNG oder JPEG oder entferne es",
    "is a truncated image file": "ist eine unvollständige (abgeschnittene) Bilddatei",
    "is a corrupt image file": "ist eine beschädigte Bilddatei",
    "re-save or re-export it as PNG or JPEG, or remove it ({error})":
        "speichere oder exportiere sie neu als PNG oder JPEG oder entferne sie ({error})",
    "is too large an image (more than {mp:.0f} megapixels)": "ist ein zu großes Bild (mehr als {mp:.0f} Megapixel)",
    "shrink it before adding it": "verkleinere es, bevor du es hinzufügst",
    "is not a valid base64 data URL": "ist keine gültige base64-Data-URL",
    "send the canvas as canvas.toDataURL('image/png')": "sende die Zeichenfläche als canvas.toDataURL('image/png')",
    # data/augment.py ("remove {key!r}" comes from de_spec)
    "is not a known augmentation": "ist keine bekannte Augmentierung",
    "did you mean {close!r}? Valid: {listing}": "Meintest du {close!r}? Gültig sind: {listing}",
    "Valid: {listing}": "Gültig sind: {listing}",
    "works on {kinds} data, not {kind}": "wirkt auf Daten der Art {kinds}, nicht auf {kind}",
    "works on {kinds} and {last} data, not {kind}": "wirkt auf Daten der Art {kinds} und {last}, nicht auf {kind}",
    "remove it; for this data use: {listing}": "entferne sie; für diese Daten passen: {listing}",
    "none": "keine",
    "augmentation {name!r}": "Augmentierung {name!r}",
    # data/prepare.py (the task mismatch and its fix come from de_data_tables, as streaming.py says the same)
    "has no samples": "hat keine Beispiele",
    "add data (rows, images or files) and try again": "füge Daten hinzu (Zeilen, Bilder oder Dateien) und versuche es noch einmal",
    "gives a different number of inputs and targets": "liefert unterschiedlich viele Eingaben und Zielwerte",
    "give exactly one target per sample": "gib genau einen Zielwert je Beispiel an",
    "add samples of at least one more class (or switch the task to regression)":
        "füge Beispiele von mindestens einer weiteren Klasse hinzu (oder stelle die Aufgabe auf regression um)",
})
