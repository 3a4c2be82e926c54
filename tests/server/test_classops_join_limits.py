"""Joining's rate limit is a type (TooManyTries, a JoinError), not an English message prefix: the join API,
the rejoin API and the join form still answer 429 with the same English and German text, and other join
errors stay 400 (issue 17)."""
from __future__ import annotations

from layerlab.server import classroom
from layerlab.server.classroom import JOINS_PER_MINUTE, TooManyTries
from layerlab.store.classroom import JoinError

from tests.server.conftest import BASE, CODE, class_client


def test_too_many_tries_is_a_join_error_of_its_own():
    e = TooManyTries()
    assert isinstance(e, JoinError) and e.path == "code"
    assert e.message == "too many tries from this device" and e.hint == "wait a minute, then type the code again"


def test_the_limit_answers_429_in_english_and_german_on_every_way_in(klass):
    _, app = klass
    c = class_client(app)
    wrong = [c.post("/api/class/join", json={"code": "WRONG1", "name": f"Kid {i}"}) for i in range(JOINS_PER_MINUTE)]
    assert {r.status_code for r in wrong} == {400}, "a wrong code below the limit is a plain refusal"
    en = c.post("/api/class/join", json={"code": CODE, "name": "Ada"})
    assert en.status_code == 429
    assert en.json()["error"] == {"path": "code", "message": "too many tries from this device",
                                  "hint": "wait a minute, then type the code again", "received": None, "fixes": []}
    de = c.post("/api/class/join", json={"code": CODE, "name": "Ada"}, headers={"Accept-Language": "de"})
    assert de.status_code == 429
    assert de.json()["error"]["message"] == "zu viele Versuche von diesem Gerät"
    assert de.json()["error"]["hint"] == "warte eine Minute und tippe den Code dann noch einmal"
    again = c.post("/api/class/rejoin", json={"rejoin_code": "ABCD2345"})
    assert again.status_code == 429 and again.json()["error"]["message"] == "too many tries from this device"
    form = c.post("/join", data={"code": CODE, "name": "Ada"}, headers={"Origin": BASE, "Accept-Language": "de"})
    assert form.status_code == 429 and 'role="alert"' in form.text
    assert "zu viele Versuche von diesem Gerät" in form.text and "set-cookie" not in form.headers


def test_a_join_error_that_only_reads_like_the_limit_is_still_400(klass, monkeypatch):
    """The routes branch on the type: a refusal whose English text starts with 'too many' is no 429."""
    server, app = klass

    def full(code, name):
        raise JoinError("name", classroom.msg("too many pupils with this name"), name, classroom.msg("pick another"))
    monkeypatch.setattr(server.classroom, "join", full)
    r = class_client(app).post("/api/class/join", json={"code": CODE, "name": "Ada"})
    assert r.status_code == 400 and r.json()["error"]["message"] == "too many pupils with this name"
