"""A data source whose points depend on the process that loads them (its seed mixes in the process id):
the same in one process, other points in a training worker. Registered on import, as a plug-in's module
is; test_source_conformance.py imports it with the registry's table swapped for a copy."""
from __future__ import annotations

import os

import numpy as np

from layerlab.data.base import register
from layerlab.data.toy2d import Xor


@register
class PidXor(Xor):
    name = "conformance_pid_xor"

    def load(self, p, root, seed):
        raw = super().load(p, root, seed)
        raw.x = raw.x + np.float32(os.getpid() % 7 + 1) / 100   # differs between processes
        return raw
