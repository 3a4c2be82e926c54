"""Own table in a real Chromium: Home -> choose a penguins CSV -> the picker preselects species (not
year, the last column) -> confirm -> Data, Model and Train say "predicting: species (3 classes)" ->
train a few epochs -> the Test page predicts a species name. Screenshots at 1280 and 375 px wide.
"""
from __future__ import annotations

import re

import pytest

from tests.data.penguins import penguins_csv
from tests.e2e.conftest import close, open_page

pytestmark = pytest.mark.e2e
SPECIES = ("Adelie", "Chinstrap", "Gentoo")


def _shot(page, shots, name: str) -> None:
    page.wait_for_timeout(300)
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


def _choose_csv(page, path) -> None:
    page.locator(".q-uploader", has_text="Choose a CSV or ZIP file").locator("input[type=file]").set_input_files(str(path))
    page.get_by_text("Which column should the network predict?").wait_for(timeout=30_000)


def _radio(page, column: str):
    return page.get_by_role("radio", name=re.compile(rf"^{column} ·"))


def test_own_table_predicts_the_chosen_column(browser, studio, shots, tmp_path):
    csv = penguins_csv(tmp_path / "penguins.csv")
    ctx, page, seen = open_page(browser, studio, width=1280, height=800)
    try:
        _choose_csv(page, csv)
        assert _radio(page, "species").get_attribute("aria-checked") == "true"      # the guess, preselected
        assert _radio(page, "year").get_attribute("aria-checked") == "false"        # not the last column
        page.get_by_text("year · whole numbers, 3 values: 2007, 2008, 2009").wait_for()
        _shot(page, shots, "csv-01-picker-1280")
        page.get_by_role("button", name="Next").click()
        page.get_by_text("The network will predict: species").wait_for()
        _shot(page, shots, "csv-02-roles-1280")
        page.get_by_role("button", name="Create the project").click()

        page.wait_for_url(re.compile(r"/p/penguins[\w-]*/data$"), timeout=60_000)
        page.get_by_text("predicting: species (3 classes)").wait_for(timeout=30_000)
        _shot(page, shots, "csv-03-data-1280")
        project = re.search(r"/p/([\w-]+)/data", page.url).group(1)

        page.get_by_role("link", name="Model").first.click()
        page.wait_for_url(re.compile(r"/model$"))
        page.get_by_text("predicting: species (3 classes)").wait_for()

        page.get_by_role("link", name="Train").first.click()
        page.wait_for_url(re.compile(r"/train$"))
        page.get_by_text("predicting: species (3 classes)").wait_for()
        epochs = page.get_by_label("Epochs")
        epochs.fill("5")
        epochs.press("Tab")
        page.wait_for_timeout(800)                   # the edit is saved before training reads the spec
        page.get_by_role("button", name=re.compile(r"Train$")).click()
        page.get_by_text(re.compile(r"Finished after \d+ epochs")).wait_for(timeout=120_000)
        _shot(page, shots, "csv-04-trained-1280")

        page.get_by_role("link", name="Test").first.click()
        page.wait_for_url(re.compile(r"/test$"))
        headline = page.get_by_text(re.compile(r"^Prediction: ")).first
        headline.wait_for(timeout=30_000)
        label = re.match(r"Prediction: (\S+)", headline.inner_text()).group(1)
        assert label in SPECIES, f"the Test page predicts {label!r}, not a species"
        _shot(page, shots, "csv-05-test-1280")
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()

    # at phone width: the project's Data page and the picker fit the screen
    ctx, page, seen = open_page(browser, studio, width=375, height=812)
    try:
        page.goto(f"{studio['url']}/p/{project}/data")
        page.get_by_text("predicting: species (3 classes)").wait_for(timeout=30_000)
        _shot(page, shots, "csv-06-data-375")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.goto(f"{studio['url']}/")
        _choose_csv(page, csv)
        assert _radio(page, "species").get_attribute("aria-checked") == "true"
        _shot(page, shots, "csv-07-picker-375")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.get_by_role("button", name="Cancel").click()
    finally:
        close(ctx, page)
    assert not seen.outside(), seen.outside()
