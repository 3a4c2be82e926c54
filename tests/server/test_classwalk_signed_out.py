"""A pupil whose teacher removed her (or ended the class) opens the studio again (issue 17, seen in the class walk):
the page spoke of `layerlab studio` and 'Authorization: Bearer TOKEN' and began in lower case. On a class server
it now says she is not signed in to this class on this device and how to go on (join, rejoin code, ask the
teacher), in German, with the link to /join; the single-user studio's sign-in page keeps its words."""
from __future__ import annotations

from tests.server.conftest import TEACHER, class_client as _client, join as _join

HTML = {"accept": "text/html", "sec-fetch-mode": "navigate"}


def test_a_removed_pupil_is_told_how_to_go_on_in_german(klass):
    server, app = klass
    a = _join(app, "Ada").json()
    assert _client(app, TEACHER).delete(f"/api/class/pupils/{a['pupil']['id']}").status_code == 204
    page = _client(app, a["token"]).get("/", headers={**HTML, "Accept-Language": "de"})
    assert page.status_code == 401
    text = page.text
    assert "Du bist auf diesem Gerät nicht in dieser Klasse angemeldet." in text
    assert "Rückkehr-Code" in text and "Lehrkraft" in text and 'href="/join"' in text
    assert "layerlab studio" not in text and "Bearer" not in text
    assert "padding:0 1rem" in text   # at 375 px the sentences touched the screen's edge
    assert '<a class="main" href="/join">' in text and "<details><summary>" in text   # the teacher's field folded
    english = _client(app).get("/", headers=HTML).text
    assert "You are not signed in to this class on this device." in english and "rejoin code" in english


def test_the_studio_sign_in_page_keeps_its_words_as_sentences():
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from layerlab.server import security
    app_ = FastAPI()
    security.install(app_, token="t0ken-t0ken", host="127.0.0.1", port=8765, with_api=False)
    page = TestClient(app_, base_url="http://127.0.0.1:8765").get("/", headers=HTML).text
    assert "This LayerLab server needs its access token." in page and "`layerlab studio`" in page


def test_the_join_page_gets_its_icon_before_joining(klass):
    server, app = klass
    assert _client(app).get("/join").status_code == 200
    assert _client(app).get("/favicon.ico").status_code != 401      # the join page's icon needs no token
    assert _client(app).get("/api/projects").status_code == 401     # nothing else became public
