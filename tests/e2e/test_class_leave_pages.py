"""A pupil's open page when the teacher removes her or ends the class (issue 17.8, seen in a newcomer walk): the
page used to stay live, and a press on Train ran a whole run into the deleted folder (which no later End the
class removed). Now her page goes to the signed-out page at once, and nothing of hers is written again."""
from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import class_server, close, join_class, sign_in

pytestmark = pytest.mark.e2e
TEACHER, CODE = "teacher-leave", "L4V2QX"
GONE = "You are not signed in to this class on this device."


@pytest.fixture(scope="module")
def leave_class(tmp_path_factory):
    with class_server(tmp_path_factory.mktemp("leave") / "7d", TEACHER, CODE, "7d") as server:
        yield server


def _pupil_on_train_page(browser, url, name, width, height):
    ctx, page = join_class(browser, url, CODE, name, width, height)
    page.get_by_role("link", name="Start").click()
    page.get_by_role("button", name="Open xor").click()
    page.wait_for_url(re.compile(r"/p/xor[\w-]*/model$"))
    page.goto(page.url.replace("/model", "/train"))
    page.get_by_role("button", name=re.compile(r"Train$")).wait_for()
    return ctx, page


def _pupil_folders(root: Path) -> set[str]:
    pupils = root / "pupils"
    return {p.name for p in pupils.iterdir()} if pupils.exists() else set()


def test_removed_and_ended_pupils_pages_go_to_the_signed_out_page(browser, leave_class, shots):
    url, root = leave_class["url"], leave_class["root"]
    ada_ctx, ada = _pupil_on_train_page(browser, url, "Ada", 375, 812)
    ben_ctx, ben = _pupil_on_train_page(browser, url, "Ben", 1280, 800)
    assert len(_pupil_folders(root)) == 2

    teacher_ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    teacher = teacher_ctx.new_page()
    teacher.set_default_timeout(30000)
    sign_in(teacher, url, TEACHER, "/teacher")
    teacher.get_by_role("button", name="Delete Ada").click()         # the teacher removes Ada on her page
    teacher.get_by_role("dialog").get_by_role("button", name="Delete", exact=True).click()
    teacher.get_by_text("Ada and all their projects were deleted").wait_for()
    ada.get_by_text(GONE).wait_for(timeout=15000)                     # Ada's phone leaves her project
    ada.screenshot(path=str(shots / "class-leave-removed-375.png"), full_page=True)
    assert ben.get_by_role("button", name=re.compile(r"Train$")).is_visible()   # Ben's page stays
    assert len(_pupil_folders(root)) == 1
    close(teacher_ctx, teacher)

    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TEACHER}"}) as c:
        assert c.request("DELETE", "/api/class", json={"archive": False}).status_code == 200
    ben.get_by_text(GONE).wait_for(timeout=15000)                     # the class ended: Ben's page too
    ben.screenshot(path=str(shots / "class-leave-ended-1280.png"), full_page=True)
    time.sleep(1.0)
    assert _pupil_folders(root) == set()                              # and nothing came back
    close(ada_ctx, ada)
    close(ben_ctx, ben)
