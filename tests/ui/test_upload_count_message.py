"""Several pictures chosen at once: the message counts them (a newcomer walk: two uploads said only 'Added a1.png
to circle.', as if one had been lost)."""
from __future__ import annotations

import io

from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from PIL import Image

from layerlab.data import samples
from layerlab.store import workspace


def _png(colour: str) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (24, 24), colour).save(buf, format="PNG")
    return buf.getvalue()


async def test_two_pictures_at_once_are_counted(user: User) -> None:
    await user.open("/")
    user.find(marker="new-image-project").click()
    next(iter(user.find(marker="ip-name").elements)).set_value("shapes")
    next(iter(user.find(marker="ip-class-1").elements)).set_value("circle")
    next(iter(user.find(marker="ip-class-2").elements)).set_value("square")
    user.find(marker="ip-create").click()
    await user.should_see(marker="class-list", retries=50)
    upload = next(iter(user.find(marker="class-upload").elements))
    await upload.handle_uploads([SmallFileUpload("a1.png", "image/png", _png("red"))])
    await user.should_see("Added a1.png to circle.")
    await upload.handle_uploads([SmallFileUpload("a2.png", "image/png", _png("blue"))])
    await user.should_see("Added 2 pictures to circle.")
    pid = next(p["id"] for p in workspace.list_projects() if p["name"] == "shapes")
    assert samples.class_counts(workspace.project_dir(pid))["circle"] == 2
