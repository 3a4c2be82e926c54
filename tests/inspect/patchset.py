"""A synthetic image set whose class is where a bright patch sits, and a stand-in trainer."""
from __future__ import annotations

import torch

from layerlab.engine.build import build_network

SIDE, PATCH = 12, 3
CONV_NET = [
    {"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu"},
    {"type": "conv2d", "filters": 8, "kernel_size": 3, "strides": 2, "padding": "same", "activation": "relu"},
    {"type": "flatten"},
    {"type": "dense", "units": 4, "activation": "softmax"},
]


def patch_images(n: int, seed: int = 0, distractors: int = 3, dim: float = 0.6):
    """Images (n, 1, 12, 12) of faint noise with one bright 3x3 patch; class = its quadrant.

    Dimmer 3x3 distractor patches lie anywhere, so the net must find the bright one (and
    cannot read the class from where the image is dark). Returns x, y and the bright
    patch's top-left corner (n, 2) per image.
    """
    g = torch.Generator().manual_seed(seed)
    x = torch.rand((n, 1, SIDE, SIDE), generator=g) * 0.1       # (n, 1, H, W)
    y = torch.randint(0, 4, (n,), generator=g)                  # (n,) quadrant: 0 TL, 1 TR, 2 BL, 3 BR
    half = SIDE // 2
    corners = torch.empty(n, 2, dtype=torch.long)
    for i in range(n):
        r0 = (y[i] // 2) * half + torch.randint(0, half - PATCH + 1, (1,), generator=g)
        c0 = (y[i] % 2) * half + torch.randint(0, half - PATCH + 1, (1,), generator=g)
        x[i, 0, r0:r0 + PATCH, c0:c0 + PATCH] = 1.0
        corners[i] = torch.tensor([int(r0), int(c0)])
        for _ in range(distractors):
            r, c = torch.randint(0, SIDE - PATCH + 1, (2,), generator=g).tolist()
            region = x[i, 0, r:r + PATCH, c:c + PATCH]            # a view: the bright patch stays
            region.copy_(torch.where(region == 1.0, region, torch.full_like(region, dim)))
    return x, y, corners


def train(net, x, y, epochs: int = 60, lr: float = 0.02, seed: int = 0):
    """Full-batch Adam on logits with cross-entropy (a stand-in for the engine)."""
    torch.manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(epochs):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net.logits(x), y).backward()
        opt.step()
    net.eval()
    return net


def patch_mask(corners: torch.Tensor, grow: int = 0) -> torch.Tensor:
    """Boolean masks (n, H, W) of each image's patch, grown by `grow` pixels on every side."""
    m = torch.zeros(len(corners), SIDE, SIDE, dtype=torch.bool)
    for i, (r, c) in enumerate(corners.tolist()):
        m[i, max(0, r - grow):r + PATCH + grow, max(0, c - grow):c + PATCH + grow] = True
    return m
