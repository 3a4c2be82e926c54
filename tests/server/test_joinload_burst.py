"""A class's roster under a burst of joins (issue 17, 30 pupils within 10 s): every pupil who was answered is
in class.json afterwards (the class survives a restart), no join fails because another was being written,
and joins that arrive together share class.json's writes instead of each waiting for its own."""
from __future__ import annotations

import json
import os
import threading

from layerlab.store.classroom import CLASS_FILE, Classroom


def _burst(c: Classroom, n: int) -> tuple[list, list[str]]:
    answers, errors = [], []
    start = threading.Barrier(n)

    def one(i: int) -> None:
        start.wait()
        try:
            for k in range(3):  # a join, then the same pupil on two more devices
                if k == 0:
                    pupil, token, rejoin = c.join("K7Q2MX", f"Kid {i}")
                    answers.append((pupil.id, token, rejoin))
                else:
                    _, token = c.rejoin(rejoin)
                    answers.append((pupil.id, token, rejoin))
        except Exception as e:  # noqa: BLE001 - any failure of a join is what this test looks for
            errors.append(f"{type(e).__name__}: {e}")
    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers, errors


def test_thirty_joins_at_once_all_reach_class_json_and_share_writes(tmp_path, monkeypatch):
    writes = []
    real = os.replace

    def counted(src, dst, *a, **kw):  # every atomic write of class.json ends in one rename onto it
        if str(dst).endswith(CLASS_FILE):
            writes.append(str(src))
        return real(src, dst, *a, **kw)
    monkeypatch.setattr(os, "replace", counted)
    c = Classroom.open(tmp_path, name="7b", code="K7Q2MX")
    lesson = c.teacher_home / "xor"  # a lesson sent before the class arrives: each join copies it
    lesson.mkdir()
    (lesson / "project.json").write_text(json.dumps({"name": "xor", "model": {"layers": []}}), encoding="utf-8")
    c.send_lesson("xor")
    writes.clear()
    answers, errors = _burst(c, 30)
    assert errors == []
    assert len(answers) == 90
    again = Classroom.open(tmp_path)  # as after a restart: only what class.json holds
    assert len(again.pupils) == 30
    for pid, token, rejoin in answers:
        assert again.pupil_for_token(token).id == pid, "a device's token the server answered was not saved"
    on_disk = json.loads((tmp_path / CLASS_FILE).read_text(encoding="utf-8"))
    assert sorted(p["name"] for p in on_disk["pupils"]) == sorted(f"Kid {i}" for i in range(30))
    assert len(on_disk["lessons"][0]["copies"]) == 30, "a pupil's copy of the lesson was not saved"
    # 90 changes; each was on disk before its answer, and writes that queued together were one
    assert 1 <= len(writes) <= 90, writes
