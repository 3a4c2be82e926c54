"""A data source of random samples for the benchmarks (the same data every side trains on)."""
from __future__ import annotations

import numpy as np

from layerlab.data.base import SOURCES, DataInfo, DataSource, RawData
from layerlab.spec.params import Param


class BenchRandom(DataSource):
    name = "bench_random"
    summary = "Random samples of a chosen shape, 10 classes (benchmarks only)."
    params = (Param("shape", "ints", (784,), "Shape of one sample.", min=1),
              Param("n", "int", 1024, "Number of samples.", min=1))

    def info(self, p, root):
        return DataInfo("image" if len(p["shape"]) == 3 else "tabular", tuple(p["shape"]), "classification",
                        [str(i) for i in range(10)], 1, p["n"])

    def load(self, p, root, seed):
        rng = np.random.default_rng(seed)
        x = rng.normal(size=(p["n"], *p["shape"])).astype(np.float32)
        y = rng.integers(0, 10, p["n"])
        y[:10] = np.arange(10)  # every class present, so stratified splits work
        return RawData(x, y, self.info(p, root))


def register_random_source() -> None:
    """Add the source to LayerLab's registry (idempotent)."""
    from layerlab.data.base import load_all
    load_all()
    SOURCES.setdefault("bench_random", BenchRandom())
