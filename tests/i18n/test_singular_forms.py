"""A count of one reads in the singular ('1 epoch', 'vor 1 Tag'): every studio string that puts {n} before a plural
noun has its `<key>_one` form in the catalogue, which t() reads when n == 1 (the newcomer walk met '1 expert
parameters hidden', '1 contributors', '1 copies')."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from layerlab.ui.i18n import t

LOCALE = Path(__file__).resolve().parents[2] / "src" / "layerlab" / "i18n" / "locale"
# n is never 1 here: two or more classes; a count of several uploads; pictures from two or more contributors;
# a rate the browser writes (ondevice.js formats it, not t())
NEVER_ONE = {"pred.classes", "cm.added_n", "tds.total", "ondevice.rate"}


def test_every_count_before_a_plural_noun_has_a_singular():
    keys = {m.context: m.id for m in read_po((LOCALE / "studio.pot").open("rb")) if m.context}
    missing = [(k, v) for k, v in keys.items() if not k.endswith("_one") and k not in NEVER_ONE
               and re.search(r"\{n\} (\w+ )?\w+s\b", v) and f"{k}_one" not in keys]
    assert not missing, missing


def test_the_singular_is_read_when_n_is_one():
    assert t("runs.epochs", "en", n=1) == "1 epoch" and t("runs.epochs", "en", n=2) == "2 epochs"
    assert t("rn.day", "de", n=1) == "vor 1 Tag" and t("rn.day", "de", n=3) == "vor 3 Tagen"
    assert t("model.hidden", "en", n=1).startswith("1 expert parameter hidden")
    assert t("model.params", "de", n="1") == "1 Parameter" and t("model.params", "en", n="1") == "1 parameter"
