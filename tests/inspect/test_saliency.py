"""Saliency on images whose class is where a bright patch sits: the maps must point at it."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from layerlab.engine.build import Network, build_network
from layerlab.inspect.saliency import grad_cam, saliency, smoothgrad, vanilla
from layerlab.layers.modules import Activated, GlobalPool
from layerlab.spec.errors import SpecError

from patchset import PATCH, patch_mask


def peak_on_patch(maps: torch.Tensor, corners: torch.Tensor) -> torch.Tensor:
    """Whether the 3x3 window holding the most saliency lies within a pixel of the patch: (B,)."""
    box = F.avg_pool2d(maps[:, None], PATCH, stride=1)[:, 0]     # (B, H-2, W-2) mass per window
    flat = box.flatten(1).argmax(dim=1)
    r, c = flat // box.shape[2], flat % box.shape[2]
    return ((r - corners[:, 0]).abs() <= 1) & ((c - corners[:, 1]).abs() <= 1)


def test_the_net_learned_the_task(patches):
    net, _, _, xv, yv, _ = patches
    assert (net.logits(xv).argmax(dim=1) == yv).float().mean() > 0.85


def test_grad_cam_puts_most_of_its_mass_on_the_patch(patches):
    net, _, _, xv, _, corners = patches
    cam = grad_cam(net, xv)                                     # (B, H, W)
    assert cam.shape == (len(xv), 12, 12)
    assert torch.allclose(cam.sum(dim=(1, 2)), torch.ones(len(xv)), atol=1e-5)
    region = patch_mask(corners, grow=1)                        # the patch and the pixel around it (upsampling blurs)
    mass = (cam * region).sum(dim=(1, 2))
    assert mass.mean() > 0.5, mass.mean()
    assert region.float().mean() < 0.2                         # the region is a small part of the image


@pytest.mark.parametrize("method", ["vanilla", "smoothgrad"])
def test_gradient_saliency_peaks_on_the_patch(patches, method):
    net, _, _, xv, _, corners = patches
    maps = saliency(net, xv, method)                            # (B, H, W)
    region = patch_mask(corners, grow=1)
    share = region.float().mean(dim=(1, 2))                     # the region's share of the pixels
    mass = (cam_mass := (maps * region).sum(dim=(1, 2)))
    assert (mass / share).mean() > 1.5, cam_mass.mean()        # far more than a uniform map would give
    assert peak_on_patch(maps, corners).float().mean() > 0.6


def test_saliency_follows_the_patch_when_it_moves(patches):
    net, _, _, xv, _, corners = patches
    moved = torch.roll(xv, shifts=(0, 6), dims=(2, 3))          # every patch moves half an image right
    moved_corners = corners.clone()
    moved_corners[:, 1] = (corners[:, 1] + 6) % 12
    keep = moved_corners[:, 1] + PATCH <= 12                     # patches that did not wrap around
    cam = grad_cam(net, moved[keep])
    assert ((cam * patch_mask(moved_corners[keep], grow=1)).sum(dim=(1, 2))).mean() > 0.4


def test_grad_cam_on_a_net_without_conv_layers_says_to_use_saliency():
    net = build_network([{"type": "flatten"}, {"type": "dense", "units": 2}], (1, 4, 4), seed=0)
    with pytest.raises(SpecError) as e:
        grad_cam(net, torch.randn(2, 1, 4, 4))
    assert "Grad-CAM" in e.value.message and "vanilla" in e.value.hint


def test_element_weighting_equals_classic_grad_cam_on_a_global_pooling_net():
    torch.manual_seed(0)
    layers = [Activated(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU()), GlobalPool("avg"), Activated(nn.Linear(4, 3))]
    net = Network(layers, ["conv2d", "global_avg_pool2d", "dense"], [(4, 6, 6), (4,), (3,)], (1, 6, 6), None)
    x = torch.rand(5, 1, 6, 6)
    a, b = grad_cam(net, x, weighting="element"), grad_cam(net, x, weighting="mean")
    assert torch.allclose(a, b, atol=1e-5)


def test_vanilla_matches_autograd_on_a_linear_model():
    net = build_network([{"type": "dense", "units": 2, "activation": "linear"}], (3,), seed=0)
    w = net.layers[0].core.weight.detach()                      # (2, 3)
    got = vanilla(net, torch.randn(4, 3), target=1)
    assert torch.allclose(got, (w[1].abs() / w[1].abs().sum()).expand(4, 3), atol=1e-6)


def test_smoothgrad_is_reproducible_with_a_seed(patches):
    net, _, _, xv, _, _ = patches
    assert torch.equal(smoothgrad(net, xv[:2], samples=5, seed=3), smoothgrad(net, xv[:2], samples=5, seed=3))
