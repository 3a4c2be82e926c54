"""A class in real browsers (issue 17): the teacher starts `layerlab classroom` and sends a lesson
(XOR with its layers locked and Export hidden); two pupils join on their own devices (a phone and a
laptop), one trains the lesson, the other an example of her own, and the teacher's page shows both
results; neither pupil can open the other's project or the teacher's page."""
from __future__ import annotations

import re
import time

import httpx
import pytest

from tests.e2e.conftest import class_server, close, join_class, sign_in

pytestmark = pytest.mark.e2e
TEACHER, CODE = "teacher-e2e", "K7Q2MX"


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    with class_server(tmp_path_factory.mktemp("class") / "7b", TEACHER, CODE, "7b") as server:
        yield server


def _join(browser, url, name, width, height, shots):
    ctx, page = join_class(browser, url, CODE, name, width, height)
    rejoin = page.locator("[data-rejoin]").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", rejoin)
    page.screenshot(path=str(shots / f"classroom-welcome-{width}.png"))
    page.get_by_role("link", name="Start").click()
    return ctx, page


def _train_example(page, url, example):
    page.get_by_role("button", name=f"Open {example}").click()
    page.wait_for_url(re.compile(rf"/p/{example}[\w-]*/model$"))
    pid = re.search(r"/p/([\w-]+)/model", page.url).group(1)
    page.goto(f"{url}/p/{pid}/train")
    page.get_by_role("button", name=re.compile(r"Train$")).click()
    return pid


def test_two_pupils_join_train_and_the_teacher_sees_both(browser, klass, shots):
    url = klass["url"]
    teacher_ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    teacher = teacher_ctx.new_page()
    teacher.set_default_timeout(30000)
    sign_in(teacher, url, TEACHER)                               # the teacher prepares the lesson: XOR
    teacher.get_by_role("button", name="Open xor").click()
    teacher.wait_for_url(re.compile(r"/p/xor/model$"))
    teacher.goto(f"{url}/teacher")
    teacher.get_by_text(CODE).first.wait_for()
    assert teacher.locator("svg.segno").count() == 1            # the QR code to scan from the projector
    teacher.get_by_text("Nobody has joined yet.").wait_for()
    teacher.get_by_role("checkbox", name="Lock the layers").click()
    teacher.get_by_label("Hide pages").click()
    teacher.get_by_role("option", name="Export").click()
    teacher.keyboard.press("Escape")
    teacher.get_by_role("button", name="Send to the class").click()
    teacher.get_by_text("'xor': 0 copies").wait_for()
    teacher.screenshot(path=str(shots / "classroom-teacher-lesson.png"), full_page=True)

    ada_ctx, ada = _join(browser, url, "Ada", 375, 812, shots)   # a phone
    ben_ctx, ben = _join(browser, url, "Ben", 1280, 800, shots)  # a laptop
    # Ada joined after the lesson was sent: her copy is there, its layers locked, Export hidden
    ada.goto(f"{url}/p/xor/model")
    ada.get_by_text("locked: the layers").wait_for()
    assert ada.get_by_role("button", name=re.compile("Insert a layer here")).count() == 0
    assert ada.get_by_role("button", name="Delete layer").count() == 0
    ada.screenshot(path=str(shots / "classroom-lesson-375.png"))
    ada.goto(f"{url}/p/xor/export")
    ada.get_by_text("Your teacher has hidden this page for this lesson.").wait_for()
    assert ada.locator("[data-testid=bottom-export], a[href$='/export']").count() == 0
    ada.goto(f"{url}/p/xor/train")
    ada.get_by_role("button", name=re.compile(r"Train$")).click()
    ben_pid = _train_example(ben, url, "circle")

    # the teacher's table: both pupils, what they are on, and their results as they come in
    rows = teacher.locator("tbody tr")
    rows.filter(has_text="Ada").wait_for()
    rows.filter(has_text="Ben").wait_for()
    teacher.screenshot(path=str(shots / "classroom-teacher-training.png"), full_page=True)
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TEACHER}"}) as c:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            pupils = {p["name"]: p for p in c.get("/api/class/pupils").json()}
            if all(pupils.get(n, {}).get("best") is not None for n in ("Ada", "Ben")):
                break
            time.sleep(0.5)
        assert all(pupils[n]["best"] is not None for n in ("Ada", "Ben")), pupils
    seen = time.monotonic()
    for name in ("Ada", "Ben"):   # the page shows a new result within its 2 s refresh
        best = rows.filter(has_text=name).locator("td").nth(4)
        while "%" not in best.inner_text():
            assert time.monotonic() - seen < 3.5, f"{name}'s result is not on the teacher's page"
            teacher.wait_for_timeout(200)
    teacher.screenshot(path=str(shots / "classroom-teacher-results.png"), full_page=True)
    assert "xor" in rows.filter(has_text="Ada").inner_text() and "circle" in rows.filter(has_text="Ben").inner_text()
    ada.screenshot(path=str(shots / "classroom-pupil-375.png"))

    # the teacher opens Ada's project read-only, as for the projector
    rows.filter(has_text="Ada").get_by_role("link", name="xor").click()
    teacher.get_by_text("Ada · xor").wait_for()
    teacher.locator("[data-testid=projector-diagram] svg").wait_for()
    teacher.locator(".nicegui-echart").nth(1).wait_for()
    teacher.screenshot(path=str(shots / "classroom-projector.png"), full_page=True)

    # isolation in the browser: Ada cannot open Ben's project, Ben not the teacher's page (his /p/xor is
    # his own copy of the lesson, without Ada's run)
    assert ada.goto(f"{url}/p/{ben_pid}/train").status == 404
    assert ben.goto(f"{url}/teacher").status == 403
    # and the teacher's own workspace holds the lesson's original only, neither pupil's project
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TEACHER}"}) as c:
        assert [p["id"] for p in c.get("/api/projects").json()] == ["xor"]
        assert c.get("/api/projects/xor/runs").json() == []
    for ctx, page in ((ada_ctx, ada), (ben_ctx, ben), (teacher_ctx, teacher)):
        close(ctx, page)
