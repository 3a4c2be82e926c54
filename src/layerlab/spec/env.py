"""The numbers a teacher or an administrator sets in the environment, read in one place.

A class server is tuned with environment variables (LAYERLAB_MAX_RUNS, LAYERLAB_MAX_UPLOAD_MB,
...). `number(name, default)` reads one: unset or empty gives the default; a value that is not a
number, not whole where a count is meant, or too small is refused with the four-part error that
names the variable and says how to set it. (Before, each module parsed its own: some raised a
bare ValueError in the middle of a request, others quietly used their default.) `check()` reads
every variable in SETTINGS, so `layerlab studio` and `layerlab classroom` stop at start with that
error instead of failing on the first upload or run.

>>> number("LAYERLAB_MAX_RUNS", 3, environ={})
3
>>> number("LAYERLAB_MAX_UPLOAD_MB", 200.0, environ={"LAYERLAB_MAX_UPLOAD_MB": "0.5"})
0.5
>>> number("LAYERLAB_MAX_RUNS", 3, environ={"LAYERLAB_MAX_RUNS": "two"})
Traceback (most recent call last):
...
layerlab.spec.errors.SpecError: LAYERLAB_MAX_RUNS: must be a whole number of at least 1. Received: 'two'. Fix: set it like LAYERLAB_MAX_RUNS=2, or unset it to use LayerLab's default
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Mapping

from ..i18n import msg
from .errors import SpecError


@dataclass(frozen=True)
class Setting:
    """One numeric variable: a whole number or not, its smallest value (`above`: strictly more), an example."""

    name: str
    whole: bool
    least: float
    example: str
    above: bool = False


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("LAYERLAB_MAX_RUNS", True, 1, "2"),                      # engine.scheduler: runs at once
    Setting("LAYERLAB_TIME_SLICE_S", False, 0, "120", above=True),   # engine.scheduler: a run's turn
    Setting("LAYERLAB_THREADS", True, 1, "2"),                       # engine.setup: threads per run
    Setting("LAYERLAB_THREADS_CAP", True, 1, "2"),
    Setting("LAYERLAB_DATA_WORKERS", True, 0, "2"),                  # data.streaming: picture decoders
    Setting("LAYERLAB_RECORD_BUDGET", False, 0, "0.1"),              # engine.recording: share for records
    Setting("LAYERLAB_MAX_UPLOAD_MB", False, 0, "200", above=True),  # data.upload_checks
    Setting("LAYERLAB_MAX_UPLOAD_FILES", True, 1, "10000"),
    Setting("LAYERLAB_MAX_PROJECT_FILES", True, 1, "50000"),
    Setting("LAYERLAB_MAX_UNPACKED_MB", False, 0, "1024", above=True),
    Setting("LAYERLAB_MAX_ZIP_RATIO", False, 1, "100"),
    Setting("LAYERLAB_MAX_IMAGE_PIXELS", True, 1, "40000000"),
    Setting("LAYERLAB_CLASS_DATASET_MAX_PER_PUPIL", True, 0, "300"),  # store.class_dataset
    Setting("LAYERLAB_CLASS_DATASET_MAX_MB", False, 0, "2", above=True),
)}


def number(name: str, default: float, environ: Mapping[str, str] | None = None) -> float:
    """The variable's value (an int for a whole-number setting), or `default` when unset or empty."""
    s = SETTINGS[name]
    raw = (os.environ if environ is None else environ).get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    low = value <= s.least if s.above else value < s.least
    if not math.isfinite(value) or low or (s.whole and value != int(value)):
        least = int(s.least) if s.least == int(s.least) else s.least
        what = (msg("must be a whole number of at least {least}", least=least) if s.whole
                else msg("must be a number above {least}", least=least) if s.above
                else msg("must be a number of at least {least}", least=least))
        raise SpecError(name, what, raw, msg("set it like {name}={example}, or unset it to use LayerLab's default",
                                             name=name, example=s.example))
    return int(value) if s.whole else value


def check(environ: Mapping[str, str] | None = None) -> None:
    """Refuse (SpecError) the first variable in SETTINGS that is set to a value its reader would refuse."""
    for name in SETTINGS:
        number(name, 0, environ)
