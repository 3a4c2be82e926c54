"""German for search ranges (spec/search.py) and the search itself (engine/search.py)."""
from . import add

add("de", {
    'write it as {{"search": {{"choice": [16, 32, 64]}}}} or {{"search": {{"loguniform": [0.0001, 0.1]}}}} '
    '(kinds: choice, uniform, loguniform, int; "default" optional)':
        'schreibe es als {{"search": {{"choice": [16, 32, 64]}}}} oder {{"search": {{"loguniform": '
        '[0.0001, 0.1]}}}} (Arten: choice, uniform, loguniform, int; "default" nach Wunsch)',
    "a search range must be an object": "ein Suchbereich muss ein Objekt sein",
    "a search range needs exactly one of choice, uniform, loguniform or int":
        "ein Suchbereich braucht genau eines von choice, uniform, loguniform oder int",
    "the choice is empty": "die Auswahl ist leer",
    "list two or more values, e.g. [16, 32, 64]": "nenne zwei oder mehr Werte, z. B. [16, 32, 64]",
    "a choice may list at most {n} values": "eine Auswahl darf höchstens {n} Werte nennen",
    "list fewer values, or use a range": "nenne weniger Werte oder nimm einen Bereich",
    "the default is not one of the choices": "der Standardwert ist keiner der Auswahlwerte",
    "make the default one of {values}": "nimm als Standardwert einen von {values}",
    "a {kind} range is two numbers, [low, high]": "ein {kind}-Bereich sind zwei Zahlen, [unten, oben]",
    "write e.g. [0.0001, 0.1]": "schreibe z. B. [0.0001, 0.1]",
    "the range is empty: low must be below high": "der Bereich ist leer: unten muss kleiner als oben sein",
    "write the smaller number first, e.g. [{a}, {b}]": "schreibe die kleinere Zahl zuerst, z. B. [{a}, {b}]",
    "a loguniform range must lie above 0": "ein loguniform-Bereich muss über 0 liegen",
    "start it at a small positive number such as 0.0001": "beginne ihn bei einer kleinen positiven Zahl wie 0.0001",
    "an int range needs whole numbers": "ein int-Bereich braucht ganze Zahlen",
    "write e.g. [16, 128]": "schreibe z. B. [16, 128]",
    "the default lies outside the range": "der Standardwert liegt außerhalb des Bereichs",
    "choose a default between {low} and {high}": "wähle einen Standardwert zwischen {low} und {high}",
    "a layer's search setting can only make it optional": "die Sucheinstellung einer Schicht kann sie nur optional machen",
    'write "search": {{"optional": true}} on the layer': 'schreibe "search": {{"optional": true}} an die Schicht',
    "an optional layer's default is true or false": "der Standardwert einer optionalen Schicht ist true oder false",
    'write "default": true to keep the layer when training without a search':
        'schreibe "default": true, damit die Schicht beim Training ohne Suche bleibt',
    "is a search range without a default, so there is no single value to train with":
        "ist ein Suchbereich ohne Standardwert, es gibt also keinen einzelnen Wert zum Trainieren",
    'run `layerlab search` to try the range, or add "default": ... to it':
        'starte `layerlab search`, um den Bereich auszuprobieren, oder ergänze "default": ...',
    "the project declares no search ranges": "das Projekt legt keine Suchbereiche fest",
    'write a range on a setting, e.g. "units": {{"search": {{"choice": [16, 32, 64]}}}}':
        'schreibe einen Bereich an eine Einstellung, z. B. "units": {{"search": {{"choice": [16, 32, 64]}}}}',
    "the search range reaches {value}, which the project cannot take: {error}":
        "der Suchbereich reicht bis {value}, was das Projekt nicht annehmen kann: {error}",
    "narrow the range to values the setting accepts ({hint})":
        "verenge den Bereich auf Werte, die die Einstellung annimmt ({hint})",
    "must be a whole number of at least {low}": "muss eine ganze Zahl von mindestens {low} sein",
    "try --trials 20 --parallel 2": "versuche --trials 20 --parallel 2",
    "stopped by the search at epoch {epoch}: behind the other trials":
        "von der Suche in Epoche {epoch} beendet: hinter den anderen Versuchen",
    "no search found": "keine Suche gefunden",
    "run one first: layerlab search PROJECT --trials 20": "starte zuerst eine: layerlab search PROJEKT --trials 20",
    "the search has no finished trial": "die Suche hat keinen beendeten Versuch",
    "run more trials, or look at why they failed in the table":
        "starte mehr Versuche oder sieh in der Tabelle nach, warum sie scheiterten",
    "a re-run of the best trial ended {status}": "eine Wiederholung des besten Versuchs endete mit {status}",
    "look at the run's message with `layerlab runs`": "sieh dir die Meldung des Laufs mit `layerlab runs` an",
})
