"""A pupil's start page marks the projects her teacher sent (a newcomer walk: the lesson was listed as a plain
'xor', indistinguishable from her own copy of the example)."""
from __future__ import annotations

from nicegui.testing import User

from layerlab.store import lesson, workspace


async def test_a_lesson_copy_is_marked_on_the_pupils_start_page(user: User, project_id) -> None:
    lesson_pid, own_pid = project_id("xor"), project_id("iris")
    lesson.write(workspace.project_dir(lesson_pid), lesson.Lesson("l1", "XOR", locked=("layers",)))
    await user.open("/")
    user.find(marker=f"lesson-{lesson_pid}")
    await user.should_see("from your teacher")
    await user.should_not_see(marker=f"lesson-{own_pid}")
