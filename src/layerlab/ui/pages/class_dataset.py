"""A class dataset's contribution page, /class-dataset/<id> (issue 17.5): the pupil adds pictures to the
pool the whole class trains on, sees the counts and the latest pictures, withdraws theirs, and makes a
project of their own on it (ui/components/class_pool.py)."""
from __future__ import annotations

from nicegui import ui

from ...api_errors import SpecError
from ...i18n import msg
from ..components.class_pool import ClassPoolPanel, in_class
from ..frame import frame, lang
from ..i18n import err_text


@ui.page("/class-dataset/{ds_id}")
def class_dataset_page(ds_id: str) -> None:
    """A pupil's (or the teacher's) contribution page of one class dataset."""
    with frame(None, "home"):
        found = in_class()
        try:
            if found is None:
                raise SpecError("dataset", msg("is not a class dataset of this class"), ds_id,
                                msg("list the class datasets with GET /api/class-datasets"))
            ClassPoolPanel(found[0], ds_id, found[1], lang())
        except SpecError as e:
            ui.label(err_text(e, lang())).classes("text-negative").props('role="alert"').mark("pool-error")
