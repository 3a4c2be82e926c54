"""A data source registered at run time, as a test or a plug-in would (imported by test_workers.py).

The worker processes import this file again by its path; its modes make a worker exit or hang
while it prepares the data, so the tests can watch the server side cope.
"""
from __future__ import annotations

import os
import time

import numpy as np

from layerlab.data.base import SOURCES, DataInfo, DataSource, RawData
from layerlab.spec.params import Param


class Flaky(DataSource):
    name = "flaky"
    summary = "Blobs that can make the training process exit or hang (tests only)."
    params = (Param("mode", "str", "ok", "ok, exit or hang."),
              Param("n", "int", 256, "Number of samples.", min=1))

    def info(self, p, root):
        return DataInfo("tabular", (4,), "classification", ["a", "b", "c"], 1, p["n"])

    def load(self, p, root, seed):
        if p["mode"] == "exit":
            os._exit(3)  # what a crash in native code looks like from outside
        if p["mode"] == "hang":
            time.sleep(120)
        rng = np.random.default_rng(seed)
        y = rng.integers(0, 3, p["n"])
        x = (np.eye(3, 4)[y] * 3 + rng.normal(size=(p["n"], 4))).astype(np.float32)
        return RawData(x, y, self.info(p, root))


SOURCES.setdefault("flaky", Flaky())
