"""The German catalogues call the rejoin code 'Rückkehr-Code' (issue 17: 'Wiederkehr-Code' was an odd word)."""
from pathlib import Path

import layerlab

LOCALE = Path(layerlab.__file__).parent / "i18n" / "locale"


def test_rejoin_code_is_rueckkehr_code_in_every_german_catalogue():
    catalogues = sorted(LOCALE.rglob("*.po"))
    assert catalogues, "no German catalogues found"
    odd = [p.name for p in catalogues if "wiederkehr" in p.read_text(encoding="utf-8").lower()]
    assert odd == []
    classroom = (LOCALE / "de" / "LC_MESSAGES" / "classroom.po").read_text(encoding="utf-8")
    assert 'msgstr "Dein Rückkehr-Code"' in classroom
