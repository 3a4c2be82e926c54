"""Test page: probabilities for an uploaded digit, a drawing, and a form of feature values."""
from __future__ import annotations

import io
import shutil

import numpy as np
import pytest
from nicegui import ui
from nicegui.elements.upload_files import SmallFileUpload
from nicegui.testing import User
from PIL import Image

from layerlab import api
from layerlab.store import workspace
from layerlab.ui.components.pictures import to_data_url


SMALL_DIGITS = [{"type": "flatten"}, {"type": "dense", "units": 32, "activation": "relu"},
                {"type": "dense", "units": 10, "activation": "softmax"}]


@pytest.fixture(scope="module")
def trained_dir(tmp_path_factory):
    """Trained copies of digits (a small network) and iris, made once for this module."""
    root = tmp_path_factory.mktemp("trained")
    for example, epochs in (("digits", 4), ("iris", 30)):
        doc = api.example(example)
        if example == "digits":
            doc["model"]["layers"] = SMALL_DIGITS
        api.new(root / example, doc=doc).train(epochs=epochs)
    return root


def _trained(project_id, trained_dir, example: str) -> str:
    """A workspace project holding a copy of a trained example (its runs/ included)."""
    pid = project_id(example)
    shutil.copytree(trained_dir / example / "runs", workspace.project_dir(pid) / "runs")
    return pid


def _digit_png(digit: int = 0) -> bytes:
    """One of the dataset's own digits as a picture, enlarged (white ink on black)."""
    from sklearn.datasets import load_digits
    d = load_digits()
    i = int(np.flatnonzero(d.target == digit)[0])
    img = Image.fromarray((d.images[i] / 16 * 255).astype(np.uint8), "L").resize((64, 64), Image.NEAREST)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _bar_percentages(user: User) -> list[float]:
    labels = [e.text for e in user.find(ui.label).elements if e.text.endswith(" %")]
    return [float(x.split()[0].lstrip("<")) for x in labels]


async def test_uploaded_digit_gets_ten_probabilities(trained_dir, user: User, project_id) -> None:
    pid = _trained(project_id, trained_dir, "digits")
    await user.open(f"/p/{pid}/test")
    await user.should_see(marker="test-status")
    upload = user.find(marker="test-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload("zero.png", "image/png", _digit_png(0))])
    await user.should_see("Prediction:", retries=50)
    pct = _bar_percentages(user)
    assert len(pct) == 10 and abs(sum(pct) - 100) < 1.5


async def test_a_file_that_is_no_picture_is_refused_clearly(trained_dir, user: User, project_id) -> None:
    pid = _trained(project_id, trained_dir, "digits")
    await user.open(f"/p/{pid}/test")
    upload = user.find(marker="test-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload("notes.png", "image/png", b"hello")])
    await user.should_see("is not a picture Pillow can read")


async def test_drawing_is_predicted(trained_dir, user: User, project_id) -> None:
    pid = _trained(project_id, trained_dir, "digits")
    await user.open(f"/p/{pid}/test")
    canvas = user.find(marker="draw-canvas").elements.pop()
    img = Image.open(io.BytesIO(_digit_png(3)))
    canvas.receive(to_data_url(img))
    await user.should_see("Prediction:", retries=50)


async def test_a_webcam_frame_is_predicted(trained_dir, user: User, project_id) -> None:
    pid = _trained(project_id, trained_dir, "digits")
    await user.open(f"/p/{pid}/test")
    cam = user.find(marker="test-webcam").elements.pop()
    cam.receive(to_data_url(Image.open(io.BytesIO(_digit_png(5))).convert("RGB")))
    await user.should_see("Prediction:", retries=50)


async def test_feature_form_predicts_iris(trained_dir, user: User, project_id) -> None:
    pid = _trained(project_id, trained_dir, "iris")
    await user.open(f"/p/{pid}/test")
    await user.should_see("Prediction:", retries=50)  # the starting values get an answer at once
    assert len(_bar_percentages(user)) == 3
    for i, v in ((0, 5.0), (1, 3.4), (2, 1.4), (3, 0.2)):   # a typical setosa
        user.find(marker=f"feature-{i}").elements.pop().set_value(v)
    await user.should_see("Prediction: setosa", retries=50)
    for i, v in ((0, 7.0), (1, 3.0), (2, 6.0), (3, 2.3)):   # a typical virginica
        user.find(marker=f"feature-{i}").elements.pop().set_value(v)
    await user.should_see("Prediction: virginica", retries=50)


async def test_without_a_run_the_page_says_to_train_first(user: User, project_id) -> None:
    pid = project_id("digits")
    await user.open(f"/p/{pid}/test")
    await user.should_see("Train the model first")
    await user.should_see(marker="test-go-train")


async def test_an_uploaded_table_gets_a_prediction_per_row(trained_dir, user: User, project_id) -> None:
    pid = _trained(project_id, trained_dir, "iris")
    await user.open(f"/p/{pid}/test")
    csv = (b"sepal length (cm),sepal width (cm),petal length (cm),petal width (cm)\n"
           b"5.0,3.4,1.4,0.2\n7.0,3.0,6.0,2.3\n6.0,2.8,4.5,1.4\n")
    upload = user.find(marker="test-csv").elements.pop()
    await upload.handle_uploads([SmallFileUpload("flowers.csv", "text/csv", csv)])
    await user.should_see("3 rows predicted", retries=50)
    table = user.find(marker="test-csv-table").elements.pop()
    assert [r["predicted"] for r in table.rows][:2] == ["setosa", "virginica"]
    await upload.handle_uploads([SmallFileUpload("bad.csv", "text/csv", b"colour\nred\n")])
    await user.should_see("Could not predict this table")


async def test_clearing_the_canvas_clears_the_answer(trained_dir, user: User, project_id) -> None:
    pid = _trained(project_id, trained_dir, "digits")
    await user.open(f"/p/{pid}/test")
    user.find(marker="draw-canvas").elements.pop().receive(to_data_url(Image.open(io.BytesIO(_digit_png(1)))))
    await user.should_see("Prediction:", retries=50)
    user.find(marker="draw-clear").click()
    await user.should_see("No prediction yet.")


async def test_answers_come_in_the_chosen_language(trained_dir, user: User, project_id) -> None:
    pid = _trained(project_id, trained_dir, "digits")
    await user.open(f"/p/{pid}/test")
    user.find(marker="lang-select").elements.pop().set_value("de")  # the page reloads in German
    await user.should_see("Noch keine Vorhersage.")
    user.find(marker="draw-canvas").elements.pop().receive(to_data_url(Image.open(io.BytesIO(_digit_png(4)))))
    await user.should_see("Vorhersage:", retries=50)
    upload = user.find(marker="test-upload").elements.pop()
    await upload.handle_uploads([SmallFileUpload("notiz.png", "image/png", b"hallo")])
    await user.should_see("ist kein Bild, das Pillow lesen kann")
