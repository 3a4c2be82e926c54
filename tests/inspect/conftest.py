"""Shared fixture: a tiny conv net trained once per session on the bright-patch images."""
from __future__ import annotations

import pytest
import torch

from layerlab.engine.build import build_network

from patchset import CONV_NET, SIDE, patch_images, train


@pytest.fixture(scope="session")
def patches():
    """(net, x_train, y_train, x_val, y_val, corners_val) with a trained conv net."""
    torch.set_num_threads(1)  # tiny tensors: threads only add overhead on a shared machine
    x, y, _ = patch_images(192, seed=1)
    xv, yv, cv = patch_images(64, seed=2)
    net = train(build_network(CONV_NET, (1, SIDE, SIDE), seed=0), x, y)
    return net, x, y, xv, yv, cv


# the studio panel test uses NiceGUI's simulated browser, like tests/ui
from nicegui.testing.general_fixtures import pytest_configure  # noqa: E402,F401  (per-session storage folder)
