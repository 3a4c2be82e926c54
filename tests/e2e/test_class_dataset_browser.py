"""A class dataset in real browsers (issue 17.5): the teacher shares a picture project for contributions;
two pupils on their own devices (a phone and a laptop) add pictures to the pool (uploads and a drawing);
one trains a model of her own on the pooled pictures and gets a result; the teacher sees both contributors
with their counts; one pupil withdraws her pictures and the counts drop, for her and for the teacher, who then deletes one
picture that does not belong."""
from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image

from layerlab.data.image_project import image_project_doc
from tests.e2e.conftest import class_server, close, join_class, sign_in

pytestmark = pytest.mark.e2e
TEACHER, CODE = "teacher-pool", "P7Q2MX"


@pytest.fixture(scope="module")
def pool_class(tmp_path_factory):
    """A class server whose teacher has a picture project 'Fruit' (apple, banana; two pictures each)."""
    root = tmp_path_factory.mktemp("pool") / "7c"
    fruit = root / "teacher" / "fruit"   # written as the studio would, without loading torch here
    (fruit / "data" / "images").mkdir(parents=True)
    (fruit / "project.json").write_text(json.dumps(image_project_doc("Fruit", ["apple", "banana"], 28)))
    for c, rgb in (("apple", (230, 30, 30)), ("banana", (240, 220, 40))):
        (fruit / "data" / "images" / c).mkdir()
        for i in range(2):
            Image.new("RGB", (24, 24), (rgb[0], rgb[1] + 5 * i, rgb[2])).save(fruit / "data" / "images" / c / f"{i}.png")
    with class_server(root, TEACHER, CODE, "7c") as server:
        yield server


def _png(colour) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), colour).save(buf, format="PNG")
    return buf.getvalue()


def _join(browser, url, name, width, height):
    ctx, page = join_class(browser, url, CODE, name, width, height)
    page.get_by_role("link", name="Start").click()
    page.get_by_role("button", name="Add pictures").click()           # the class dataset's card on Home
    page.wait_for_url(re.compile(r"/class-dataset/d[0-9a-f]{8}$"))
    return ctx, page


def _choose_class(page, name: str) -> None:
    page.get_by_label("Add pictures to").click()
    page.get_by_role("option", name=name, exact=True).click()


def _upload(page, cls: str, colours) -> None:
    _choose_class(page, cls)
    box = page.locator(".q-uploader").locator("input[type=file]")
    box.set_input_files([{"name": f"{cls}{i}.png", "mimeType": "image/png", "buffer": _png(c)}
                         for i, c in enumerate(colours)])


def _draw(page) -> None:
    canvas = page.get_by_role("img", name="Draw")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.2, y + h * 0.3)
    page.mouse.down()
    for i in range(1, 8):
        page.mouse.move(x + w * (0.2 + 0.08 * i), y + h * (0.3 + 0.05 * i), steps=2)
    page.mouse.up()


def test_a_class_pools_pictures_trains_on_them_and_withdraws(browser, pool_class, shots):
    url = pool_class["url"]
    teacher_ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    teacher = teacher_ctx.new_page()
    teacher.set_default_timeout(30000)
    sign_in(teacher, url, TEACHER)
    teacher.get_by_text("Fruit").first.wait_for()
    teacher.goto(f"{url}/teacher")
    teacher.get_by_role("button", name="Share for contributions").click()
    teacher.get_by_text("4 pictures from 1 contributor").wait_for()    # the teacher's own pictures

    ada_ctx, ada = _join(browser, url, "Ada", 375, 812)     # a phone
    ben_ctx, ben = _join(browser, url, "Ben", 1280, 800)    # a laptop
    ada.get_by_text("4 pictures from the class, 0 of them yours").wait_for()
    _upload(ada, "apple", [(250, 10 * i, 10) for i in range(3)])
    ada.get_by_text("7 pictures from the class, 3 of them yours").wait_for()
    _upload(ben, "banana", [(250, 230, 10 * i) for i in range(2)])
    ben.get_by_text("9 pictures from the class, 2 of them yours").wait_for()
    _choose_class(ben, "apple")
    ben.get_by_role("tab", name=re.compile("Draw")).first.click()
    _draw(ben)
    ben.get_by_role("button", name=re.compile("Add drawing")).click()
    ben.get_by_text("10 pictures from the class, 3 of them yours").wait_for()
    ada.get_by_text("10 pictures from the class, 3 of them yours").wait_for()   # Ben's arrive without a reload
    assert ada.locator("[data-testid=pool-thumbs] .q-img").count() == 10
    for page in (ada, ben):
        page.evaluate("window.scrollTo(0, 0)")
    ada.wait_for_timeout(300)
    ada.screenshot(path=str(shots / "class-dataset-pupil-375.png"), full_page=True)
    ben.screenshot(path=str(shots / "class-dataset-pupil-1280.png"), full_page=True)
    assert "Ben" not in ada.content() and "Ada" not in ben.content()   # a pupil's page names no one else

    # Ben trains a model of his own on the pooled pictures
    ben.get_by_role("button", name="Train my own model").click()
    ben.wait_for_url(re.compile(r"/p/fruit[\w-]*/train$"))
    ben.get_by_role("button", name=re.compile(r"Train$")).click()

    # the teacher sees both contributors with their counts per class
    table = teacher.locator("[data-testid=tds-list] tbody tr")
    table.filter(has_text="Ada").wait_for()
    table.filter(has_text="Ben").wait_for()
    assert re.sub(r"\s+", " ", table.filter(has_text="Ada").inner_text()).strip().startswith("Ada 3 0 3")
    assert re.sub(r"\s+", " ", table.filter(has_text="Ben").inner_text()).strip().startswith("Ben 1 2 3")
    teacher.locator("tbody tr").filter(has_text="Ada").filter(has_text="Class dataset").first.wait_for()
    teacher.screenshot(path=str(shots / "class-dataset-teacher-1280.png"), full_page=True)
    teacher.set_viewport_size({"width": 375, "height": 812})
    teacher.wait_for_timeout(400)
    teacher.screenshot(path=str(shots / "class-dataset-teacher-375.png"), full_page=True)
    teacher.set_viewport_size({"width": 1280, "height": 800})

    # Ben's run on the pool finishes with a result
    ben.get_by_text(re.compile(r"Run 1 · \d+ %")).first.wait_for(timeout=120000)
    ben.goto(ben.url.replace("/train", "/data"))   # his project's Data page adds to the pool too
    ben.get_by_text("Class dataset: Fruit").wait_for()
    assert ben.get_by_role("button", name="Train my own model").count() == 0   # this is his own already
    ben.wait_for_timeout(500)
    ben.screenshot(path=str(shots / "class-dataset-data-page-1280.png"), full_page=True)

    # Ada withdraws her pictures: her counts and the teacher's drop
    ada.get_by_role("button", name="Withdraw my pictures").click()
    ada.locator(".q-dialog").get_by_role("button", name="Withdraw my pictures").click()
    ada.get_by_text("7 pictures from the class, 0 of them yours").wait_for()
    table.filter(has_text="Ada").wait_for(state="detached")
    teacher.get_by_text("7 pictures from 2 contributors").wait_for()
    # the teacher takes out one picture that does not belong (the latest: Ben's drawing)
    teacher.get_by_role("link", name="Add pictures yourself").click()
    teacher.get_by_text("7 pictures from the class, 4 of them yours").wait_for()
    teacher.locator("[data-testid=pool-thumbs] .q-img").first.click()
    teacher.get_by_role("button", name="Delete picture").click()
    teacher.get_by_text("6 pictures from the class, 4 of them yours").wait_for()
    for ctx, page in ((ada_ctx, ada), (ben_ctx, ben), (teacher_ctx, teacher)):
        close(ctx, page)
