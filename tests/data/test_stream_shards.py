"""Data-parallel workers decode only their share of each global batch of a streamed folder (issue 19.1)."""
from __future__ import annotations

import torch

from layerlab.data.prepare import prepare
from .helpers import image_folder


def test_each_worker_decodes_its_rows_of_the_same_global_batches(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERLAB_DATA_WORKERS", "0")
    image_folder(tmp_path / "data" / "images", per_class=6, classes=("red", "blue", "green"), mixed=True)
    d = {"source": "images", "params": {"size": 8, "streaming": "stream"}, "validation_split": 0.25, "seed": 2}
    st = prepare(d, root=tmp_path)
    assert st.meta["streaming"] and len(st.train) == 14
    whole = [y for _, y in st.train.batches(4, shuffle=True, generator=torch.Generator().manual_seed(7))]
    shares = [[y for _, y in st.train.shard_batches(4, r, 2, generator=torch.Generator().manual_seed(7))]
              for r in (0, 1)]
    assert [len(y) for y in shares[0]] == [2, 2, 2, 1] and len(shares[0]) == len(shares[1]) == len(whole)
    for full, a, b in zip(whole, *shares):
        even = full[:len(full) - len(full) % 2]
        assert torch.equal(a, even[0::2]) and torch.equal(b, even[1::2])
