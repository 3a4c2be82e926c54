"""German words a pupil met in the class walk (issue 17): a new picture project's description read 'Your own
pictures: Apfel, Banane.' on a German Train page, and Home's project list and the Data page named the data source by its id
('images', 'class_dataset')."""
from __future__ import annotations

from nicegui.testing import User
from PIL import Image

from layerlab.data import samples
from layerlab.store import workspace
from layerlab.ui.i18n import t
from layerlab.ui.pages.teacher import _page


def _one(user: User, marker: str):
    return next(iter(user.find(marker=marker).elements))


async def test_a_new_picture_project_speaks_german_on_train_and_home(user: User) -> None:
    await user.open("/?lang=de")
    user.find(marker="new-image-project").click()
    await user.should_see(marker="image-project-dialog")
    _one(user, "ip-name").set_value("Obst")
    _one(user, "ip-class-1").set_value("Apfel")
    _one(user, "ip-class-2").set_value("Banane")
    user.find(marker="ip-create").click()
    await user.should_see(marker="class-list", retries=50)
    pid = next(p["id"] for p in workspace.list_projects() if p["name"] == "Obst")
    await user.open(f"/p/{pid}/train")
    await user.should_see("Deine eigenen Bilder: Apfel, Banane.")
    for c, colour in (("Apfel", "red"), ("Banane", "yellow")):
        samples.add_sample(workspace.project_dir(pid), c, Image.new("RGB", (20, 20), colour))
    await user.open(f"/p/{pid}/data")
    await user.should_see("Quelle: eigene Bilder (images)", retries=50)   # was 'Quelle: images'
    await user.should_not_see("Your own pictures")
    await user.open("/")
    await user.should_see(marker=f"recent-{pid}")
    await user.should_see("Klassifikation · eigene Bilder")


def test_the_burst_interval_says_what_it_is_in_german() -> None:
    """Under the webcam at 375 px, 'Bilder 10 | Alle (s) 0.5' read as 'all of them'; it is the pause between shots."""
    assert t("cm.burst_t", "de") == "Abstand (s)" and t("cm.burst_t", "en") == "Every (s)"


def test_the_teacher_sees_which_project_a_pupil_is_on_by_its_name() -> None:
    """The teacher's 'Page' column named a pupil's project by its folder ('obst-2 · Training'), which the teacher
    never sees elsewhere; now by its name, and with the folder only when two of the pupil's projects share it."""
    projects = [{"id": "obst", "name": "Obst"}, {"id": "obst-2", "name": "Obst"}, {"id": "xor", "name": "My XOR"}]
    assert _page("/p/xor/train", projects) == "My XOR · " + t("nav.train")
    assert _page("/p/obst-2/data", projects) == "Obst (obst-2) · " + t("nav.data")
    assert _page("/p/gone/train", projects) == "gone · " + t("nav.train")
