"""Random small models on random data shapes: checking never crashes, and whatever `fix` makes valid
builds and gives one output per class or target."""
from __future__ import annotations

import random

import torch

from layerlab.api import Project
from layerlab.layers import load_all
from tests.conftest import toy_doc

SHAPES = [(4,), (16,), (1, 8, 8), (3, 6, 6), (2, 10), (5, 3), (1, 4, 6, 6)]


def _random_layers(rng: random.Random, names: list[str]) -> list[dict]:
    layers = []
    for _ in range(rng.randint(0, 4)):
        name = rng.choice(names)
        layer = {"type": name}
        declared = {p.name for p in load_all()[name].params}
        for key, value in (("filters", rng.randint(1, 6)), ("units", rng.randint(1, 6)),
                           ("kernel_size", rng.randint(1, 9)), ("pool_size", rng.randint(1, 9))):
            if key in declared and rng.random() < 0.6:
                layer[key] = value
        layers.append(layer)
    return layers


def test_fix_turns_most_random_models_into_working_networks():
    rng = random.Random(3)
    names = sorted(set(load_all()) - {"residual", "embedding"})
    repaired = 0
    for _ in range(100):
        shape, classes = rng.choice(SHAPES), rng.choice([0, 2, 3])
        project = Project(toy_doc(_random_layers(rng, names), shape=shape, classes=classes))
        project.fix(max_steps=30)  # SpecErrors are answers; anything else raised here is a bug
        if project.errors():
            continue
        repaired += 1
        out = project.build().eval()(torch.randn(2, *shape))
        assert tuple(out.shape[1:]) in ({(1,), (2,)} if classes == 2 else {(max(classes, 1),)}), project.doc
    assert repaired >= 75
