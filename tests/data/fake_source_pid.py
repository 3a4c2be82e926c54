"""A data source whose points depend on the process that loads them (a child process shifts them):
the same in one process, other points in a training worker. Registered on import, as a plug-in's module
is; test_source_conformance.py imports it with the registry's table swapped for a copy."""
from __future__ import annotations

import multiprocessing

import numpy as np

from layerlab.data.base import register
from layerlab.data.toy2d import Xor


@register
class PidXor(Xor):
    name = "conformance_pid_xor"

    def load(self, p, root, seed):
        raw = super().load(p, root, seed)
        # differs between processes (the process id modulo a number was equal in 1 of 7 runs)
        raw.x = raw.x + np.float32(0.01 if multiprocessing.parent_process() else 0.0)
        return raw
