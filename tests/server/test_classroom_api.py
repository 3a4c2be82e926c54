"""A class server keeps every pupil in their own workspace, route by route, and the teacher's
routes to the teacher (issue 17.2, 17.3)."""
from __future__ import annotations

import re

import layerlab
from layerlab.server.classroom import ClassServer
from tests.server.conftest import BASE, CODE, TEACHER, class_client as _client, join as _join


def test_pupils_join_and_each_works_in_their_own_workspace(klass):
    server, app = klass
    a = _join(app, "Ada").json()
    b = _join(app, "Ben").json()
    assert re.fullmatch(r"[A-Z2-9]{8}", a["rejoin_code"]) and a["token"] != b["token"]
    ada, ben, teacher = _client(app, a["token"]), _client(app, b["token"]), _client(app, TEACHER)
    doc = layerlab.example("xor")
    assert ada.post("/api/projects", json={"name": "ada secret", "doc": doc}).status_code == 201
    assert ben.post("/api/projects", json={"name": "ada secret", "doc": doc}).status_code == 201  # same id, own copy
    assert [p["id"] for p in ada.get("/api/projects").json()] == ["ada-secret"]
    ben.put("/api/projects/ada-secret", json={"doc": dict(doc, name="ben's")})  # no revision: may be refused
    assert ada.get("/api/projects/ada-secret").json()["doc"]["name"] == "ada secret"
    assert teacher.get("/api/projects").json() == []
    # the folders are the pupils' own, named by random ids, never by the names typed
    homes = sorted(p.name for p in (server.classroom.root / "pupils").iterdir())
    assert len(homes) == 2 and not any(n.lower() in ("ada", "ben") for n in homes)
    rows = teacher.get("/api/class/pupils").json()
    assert [(r["name"], [p["id"] for p in r["projects"]]) for r in rows] == [("Ada", ["ada-secret"]),
                                                                             ("Ben", ["ada-secret"])]


def test_every_project_route_of_another_pupil_is_out_of_reach(klass):
    _, app = klass
    a, b = _join(app, "Ada").json(), _join(app, "Ben").json()
    ada, ben = _client(app, a["token"]), _client(app, b["token"])
    assert ada.post("/api/projects", json={"name": "mine", "doc": layerlab.example("xor")}).status_code == 201
    before = ada.get("/api/projects/mine").json()["revision"]
    checked = 0
    for path, methods in app.openapi()["paths"].items():
        if "{pid}" not in path:
            continue
        url = path.replace("{pid}", "mine").replace("{run_id}", "20260101-000000-abcd")
        for method in methods:
            r = ben.request(method.upper(), url, json={})
            # validate answers 200 with its findings: there, the finding is that Ben has no such project
            assert r.status_code in (400, 404, 405, 409, 422) or "no such project" in r.text, \
                (method, url, r.status_code, r.text[:200])
            checked += 1
    assert checked >= 12
    assert ada.get("/api/projects/mine").json()["revision"] == before  # nothing of Ada's changed
    assert [p["id"] for p in ada.get("/api/projects").json()] == ["mine"]


def test_teacher_routes_and_pages_refuse_pupils(klass):
    _, app = klass
    ben = _client(app, _join(app, "Ben").json()["token"])
    for method, url in (("GET", "/api/class"), ("GET", "/api/class/pupils"), ("POST", "/api/class/open"),
                        ("POST", "/api/class/pupils/x/stop"), ("DELETE", "/api/class/pupils/x"), ("GET", "/teacher")):
        r = ben.request(method, url, json={"open": True})
        assert r.status_code == 403, (method, url, r.status_code)
        assert "teacher" in r.json()["error"]["message"]
    assert _client(app, TEACHER).get("/api/class").json()["code"] == CODE


def test_joining_refuses_clearly_and_is_rate_limited(klass):
    server, app = klass
    r = _join(app, "Ada", code="WRONG1")
    assert r.status_code == 400 and r.json()["error"]["message"] == "this is not the class code"
    assert _join(app, "Ada").status_code == 200
    taken = _join(app, " ada ")
    assert taken.status_code == 400 and "taken" in taken.json()["error"]["message"]
    assert "ada B." in taken.json()["error"]["hint"]
    assert _join(app, "<script>").json()["error"]["path"] == "name"
    german = _client(app).post("/api/class/join", json={"code": "nope", "name": "Eva"},
                               headers={"Accept-Language": "de"})
    assert german.json()["error"]["message"] == "das ist nicht der Klassencode"
    assert _client(app, TEACHER).post("/api/class/open", json={"open": False}).json() == {"open": False}
    closed = _join(app, "Cleo")
    assert closed.status_code == 400 and "closed" in closed.json()["error"]["message"]
    codes = [_join(app, f"Kid {i}").status_code for i in range(25)]
    assert codes[-1] == 429


def test_the_class_survives_a_restart_and_a_removed_pupil_is_gone(klass, tmp_path):
    server, app = klass
    a = _join(app, "Ada").json()
    again = ClassServer(server.classroom.root)
    assert again.classroom.code == CODE and again.guest_for_token(a["token"]) is not None
    rejoined = _client(app).post("/api/class/rejoin", json={"rejoin_code": a["rejoin_code"]}).json()
    assert _client(app, rejoined["token"]).get("/api/projects").status_code == 200
    pid = a["pupil"]["id"]
    new = _client(app, TEACHER).post(f"/api/class/pupils/{pid}/rejoin").json()["rejoin_code"]
    assert _client(app).post("/api/class/rejoin", json={"rejoin_code": a["rejoin_code"]}).status_code == 400
    assert _client(app).post("/api/class/rejoin", json={"rejoin_code": new}).status_code == 200
    assert _client(app, TEACHER).delete(f"/api/class/pupils/{pid}").status_code == 204
    assert _client(app, a["token"]).get("/api/projects").status_code == 401
    assert not (server.classroom.root / "pupils" / pid).exists()


def test_join_page_sets_the_pupil_cookie_and_shows_the_rejoin_code(klass):
    _, app = klass
    c = _client(app)
    page = c.get("/join?code=K7Q2MX", headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'value="K7Q2MX"' in page.text and "client isolation" in page.text
    r = c.post("/join", data={"code": "k7q2mx", "name": "Ada"}, headers={"Origin": BASE})
    assert r.status_code == 200 and "Welcome, Ada!" in r.text and "data-rejoin" in r.text
    assert "layerlab_pupil_8765" in r.headers["set-cookie"] and "httponly" in r.headers["set-cookie"].lower()
    assert c.get("/api/projects").status_code == 200   # the cookie signs the pupil in
    bad = _client(app).post("/join", data={"code": "nope", "name": "Eva"}, headers={"Origin": BASE})
    assert bad.status_code == 400 and 'role="alert"' in bad.text


def test_every_class_dataset_route_keeps_pupils_to_adding_reading_and_their_own(klass):
    """Class datasets (17.5), route by route: the one thing pupils share. Every class dataset route is
    called by Ben on a dataset holding Ada's picture: the teacher's answer 403, his own may add and read,
    nothing names Ada, and Ada's picture is still there afterwards."""
    import io

    from PIL import Image

    server, app = klass
    layerlab.api.new_image_project(server.classroom.teacher_home / "pets", ["cat", "dog"], "Pets", 28)
    teacher = _client(app, TEACHER)
    ds = teacher.post("/api/class/datasets", json={"project": "pets"}).json()["id"]
    a, b = _join(app, "Ada").json(), _join(app, "Ben").json()
    ada, ben = _client(app, a["token"]), _client(app, b["token"])
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(buf, "PNG")
    sid = ada.post(f"/api/class-datasets/{ds}/samples", params={"class": "cat"}, content=buf.getvalue()).json()["id"]
    checked = 0
    for path, methods in app.openapi()["paths"].items():
        if "datasets" not in path:
            continue
        url = (path.replace("{dataset_id}", ds).replace("{sample_id}", sid)
               .replace("{pupil_id}", a["pupil"]["id"]))
        for method in methods:
            r = ben.request(method.upper(), url, params={"class": "cat"},
                            json={"open": False, "name": "x", "project": "pets"})
            if path.startswith("/api/class/"):
                assert r.status_code == 403, (method, url, r.status_code)
            else:
                assert r.status_code in (200, 201, 400, 404, 422), (method, url, r.status_code, r.text[:200])
                assert a["pupil"]["id"] not in r.text and "Ada" not in r.text, (method, url)
            checked += 1
    assert checked >= 12
    mine = ada.get(f"/api/class-datasets/{ds}").json()
    assert mine["mine"]["cat"] == 1 and sid in [s["id"] for s in mine["samples"]]
    assert teacher.get(f"/api/class/datasets/{ds}").json()["open"] is True   # Ben's POST .../open was refused
