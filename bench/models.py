"""The benchmark models in plain PyTorch and as LayerLab specs: the same networks TF.js trains.

MLP 784-128-10; a small CNN on 28x28x1 (conv16-pool-conv32-pool-dense10); a LeNet-like CNN
on 32x32x3 (conv6 5x5-pool-conv16 5x5-pool-120-84-10). Channels-first here, channels-last
in TF.js: the arithmetic is identical.
"""
from __future__ import annotations

from torch import nn

SHAPES = {"mlp": (784,), "cnn": (1, 28, 28), "lenet": (3, 32, 32)}

LAYERS = {
    "mlp": [{"type": "dense", "units": 128, "activation": "relu"},
            {"type": "dense", "units": 10, "activation": "softmax"}],
    "cnn": [{"type": "conv2d", "filters": 16, "kernel_size": 3, "activation": "relu"},
            {"type": "max_pool2d", "pool_size": 2},
            {"type": "conv2d", "filters": 32, "kernel_size": 3, "activation": "relu"},
            {"type": "max_pool2d", "pool_size": 2},
            {"type": "flatten"},
            {"type": "dense", "units": 10, "activation": "softmax"}],
    "lenet": [{"type": "conv2d", "filters": 6, "kernel_size": 5, "activation": "relu"},
              {"type": "max_pool2d", "pool_size": 2},
              {"type": "conv2d", "filters": 16, "kernel_size": 5, "activation": "relu"},
              {"type": "max_pool2d", "pool_size": 2},
              {"type": "flatten"},
              {"type": "dense", "units": 120, "activation": "relu"},
              {"type": "dense", "units": 84, "activation": "relu"},
              {"type": "dense", "units": 10, "activation": "softmax"}],
}


def plain(name: str) -> nn.Module:
    """The hand-written PyTorch module (returns logits)."""
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    if name == "cnn":
        return nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 5 * 5, 10))
    if name == "lenet":
        return nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
                             nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    raise KeyError(name)
