"""The Data page of a lesson whose data the teacher locked (issue 17.5, seen in the class walk at 375 px): it
offered every tool (add a class, upload, camera, drawing, settings, ZIP) as if nothing were locked. Now the tools
are shown greyed and inert under a sentence saying why; an unlocked lesson's Data page is as it was."""
from __future__ import annotations

from nicegui.testing import User

from layerlab.store import lesson, workspace


async def test_locked_data_is_shown_read_only(user: User, project_id) -> None:
    pid = project_id("xor")
    await user.open(f"/p/{pid}/data")
    await user.should_not_see(marker="data-locked")
    await user.should_not_see(marker="data-locked-fields")
    lesson.write(workspace.project_dir(pid), lesson.Lesson("l1", "XOR", locked=("data",)))
    await user.open(f"/p/{pid}/data?lang=de")
    await user.should_see("Deine Lehrkraft hat die Daten für diese Lektion gesperrt")
    fields = user.find(marker="data-locked-fields").elements.pop()
    assert "inert" in fields.props and "opacity-70" in fields.classes
    lesson.write(workspace.project_dir(pid), lesson.Lesson("l1", "XOR", locked=("layers",)))
    await user.open(f"/p/{pid}/data")
    await user.should_not_see(marker="data-locked")
