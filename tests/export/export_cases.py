"""A small valid model for every layer kind in the registry (for the export round-trip tests).

New kinds are picked up automatically: the first input shape their shape rule accepts wins,
with small sizes so the tests stay fast. Kinds whose defaults cannot fit get an override.
"""
from __future__ import annotations

import torch

from layerlab.engine.build import build_network
from layerlab.export.common import Exported, from_network
from layerlab.layers import load_all
from layerlab.layers.stack import first_error, infer_stack

SHAPES = [(3, 7, 6), (6,), (5, 4), (2, 5, 6, 6)]
SMALL = {"filters": 4, "units": 5, "output_dim": 4, "input_dim": 20}
OVERRIDES = {
    "embedding": ([{"type": "embedding", "input_dim": 20, "output_dim": 4}, {"type": "flatten"},
                   {"type": "dense", "units": 3, "activation": "softmax"}], (6,), 20),
    "residual": ([{"type": "residual", "layers": [{"type": "dense", "units": 6, "activation": "relu"},
                                                  {"type": "dense", "units": 6}], "activation": "relu"}], (6,), None),
    "reshape": ([{"type": "reshape", "target_shape": [2, 3]}], (6,), None),
}
# a few non-default settings that change what gets exported
VARIANTS = {
    "conv2d_same_strided": ([{"type": "conv2d", "filters": 4, "padding": "same", "strides": 2, "activation": "gelu"},
                             {"type": "flatten"}, {"type": "dense", "units": 3, "activation": "softmax"}], (3, 7, 6), None),
    "max_pool2d_same": ([{"type": "max_pool2d", "pool_size": 2, "padding": "same"}], (3, 7, 5), None),
    "avg_pool2d_same": ([{"type": "avg_pool2d", "pool_size": 3, "strides": 2, "padding": "same"}], (3, 7, 5), None),
    "lstm_bidirectional": ([{"type": "lstm", "units": 4, "bidirectional": True, "return_sequences": True},
                            {"type": "gru", "units": 3}], (5, 4), None),
    "sequence_conv": ([{"type": "lstm", "units": 4, "return_sequences": True}, {"type": "permute", "dims": [2, 1]},
                       {"type": "conv1d", "filters": 3, "kernel_size": 2}, {"type": "global_max_pool"},
                       {"type": "dense", "units": 2, "activation": "softmax"}], (6, 3), None),
    "flatten_last": ([{"type": "conv2d", "filters": 2, "kernel_size": 2}, {"type": "flatten"}], (3, 4, 5), None),
    "image_to_sequence": ([{"type": "conv2d", "filters": 2, "kernel_size": 2}, {"type": "reshape", "target_shape": [2, 12]},
                           {"type": "simple_rnn", "units": 3}], (3, 4, 5), None),
    "global_avg_pool_last": ([{"type": "simple_rnn", "units": 4, "return_sequences": True},
                              {"type": "global_avg_pool", "keep": "last"}], (5, 4), None),
}


def _with_small(kind, raw: dict) -> dict:
    names = {p.name for p in kind.params}
    return {**raw, **{k: v for k, v in SMALL.items() if k in names and k not in raw}}


def case_for(name: str):
    """(layers, input shape, vocab size or None) for a layer kind."""
    if name in OVERRIDES:
        return OVERRIDES[name]
    kind = load_all()[name]
    layer = _with_small(kind, {"type": name})
    for shape in SHAPES:
        rows = infer_stack([layer], shape)
        if first_error(rows) is None:
            return [layer], shape, None
    raise AssertionError(f"no test input shape fits layer kind {name!r}: add it to OVERRIDES in tests/export/export_cases.py")


def all_cases() -> dict[str, tuple]:
    """Every registry kind plus the variants."""
    return {**{name: case_for(name) for name in sorted(load_all())}, **VARIANTS}


def exported(layers, shape, vocab=None, seed: int = 0) -> Exported:
    """A built network with non-trivial normalisation statistics, ready to export."""
    net = build_network(layers, shape, seed=seed)
    g = torch.Generator().manual_seed(seed)
    for m in net.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.running_mean.copy_(torch.rand(m.running_mean.shape, generator=g) - 0.5)
            m.running_var.copy_(torch.rand(m.running_var.shape, generator=g) + 0.5)
    return from_network(net, layers, vocab_size=vocab)
