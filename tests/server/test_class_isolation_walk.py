"""Isolation on a class server, route by route for every route of the OpenAPI document (issue 17.3).

Every route of `app.openapi()` is classified (`kind`), and the test fails on one it cannot classify, so a
new route is walked (or refused) from the day it is added:

- project: a route with {pid}: pupil Ben on pupil Ada's project answers 404 'no such project' (its request
  is valid, so the 404 is the project's, not a 422 of a malformed body), and nothing of Ada's changed;
- teacher: /api/class/... (except joining): 403 for a pupil, for every method;
- open: joining and rejoining, which need no token and check their own code;
- own: routes of the caller's workspace (the project list, creating and unpacking projects, the trash,
  the examples): they act in the caller's workspace only; Ben cannot see, restore or delete Ada's trash
  entries even by their exact entry id, and a project he unpacks lands in his folder;
- class dataset: /api/class-datasets/..., the one thing pupils share, walked by
  tests/server/test_classroom_api.py::test_every_class_dataset_route_keeps_pupils_to_adding_reading_and_their_own.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import layerlab
from tests.server.conftest import TEACHER, class_client as _client, join as _join

OPEN = {("POST", "/api/class/join"), ("POST", "/api/class/rejoin")}
OWN = {("GET", "/api/projects"), ("POST", "/api/projects"), ("POST", "/api/projects/unpack"),
       ("GET", "/api/trash"), ("DELETE", "/api/trash"), ("POST", "/api/trash/{entry}/restore"),
       ("DELETE", "/api/trash/{entry}"), ("GET", "/api/examples")}
RUN_ID = "20260101-000000-abcd"
# A valid request for each project route that needs a body or parameters: without one FastAPI answers 422
# before the route looks for the project, and the walk would prove nothing. A new route with {pid} that
# needs a body fails test_every_project_route... with its 422 until it gets its request here.
REQUESTS = {
    ("PUT", "/api/projects/{pid}"): lambda ctx: {"json": {"doc": ctx["doc"], "revision": ctx["revision"]}},
    ("POST", "/api/projects/{pid}/uploads"): lambda ctx: {"params": {"name": "more.csv"},
                                                          "content": b"x1,x2,label\n0,1,1\n"},
    ("POST", "/api/projects/{pid}/predict"): lambda ctx: {"json": {"inputs": [[0.0, 1.0]]}},
    ("POST", "/api/projects/{pid}/rename"): lambda ctx: {"json": {"name": "taken by Ben"}},
    ("POST", "/api/projects/{pid}/duplicate"): lambda ctx: {"json": {"name": "copied by Ben"}},
    ("POST", "/api/projects/{pid}/runs"): lambda ctx: {"json": {"epochs": 1}},
}


def kind(method: str, path: str) -> str | None:
    """The isolation class of one route of the OpenAPI document; None: not classified."""
    if (method, path) in OPEN:
        return "open"
    if path == "/api/class" or path.startswith("/api/class/"):
        return "teacher"
    if path.startswith("/api/class-datasets"):
        return "class dataset"
    if "{pid}" in path:
        return "project"
    if (method, path) in OWN:
        return "own"
    return None


def _routes(app) -> list[tuple[str, str]]:
    return [(m.upper(), p) for p, methods in app.openapi()["paths"].items() for m in methods]


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under folder with a hash of its bytes: what 'nothing changed' compares."""
    return {str(f.relative_to(folder)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(folder.rglob("*")) if f.is_file()}


def _pupils(server, app):
    a, b = _join(app, "Ada").json(), _join(app, "Ben").json()
    homes = {n: server.classroom.pupil_home(p["pupil"]["id"]) for n, p in (("ada", a), ("ben", b))}
    return a, b, _client(app, a["token"]), _client(app, b["token"]), homes


def test_every_route_of_the_openapi_document_is_classified(klass):
    _, app = klass
    routes = _routes(app)
    unclassified = [r for r in routes if kind(*r) is None]
    assert not unclassified, (f"routes nobody classified for isolation: {unclassified}; add each to kind() in "
                              f"{Path(__file__).name} and walk it")
    stale = sorted((OWN | OPEN | set(REQUESTS)) - set(routes))
    assert not stale, f"classified routes the server no longer has: {stale}"
    kinds = {kind(*r) for r in routes}
    assert kinds == {"open", "teacher", "class dataset", "project", "own"}, kinds


def test_every_project_route_of_another_pupil_answers_404_and_changes_nothing(klass):
    server, app = klass
    a, b, ada, ben, homes = _pupils(server, app)
    doc = dict(layerlab.example("xor"), name="Ada Zebra")
    assert ada.post("/api/projects", json={"name": "Ada Zebra", "doc": doc}).status_code == 201
    revision = ada.get("/api/projects/ada-zebra").json()["revision"]
    before = _snapshot(homes["ada"])
    ctx = {"doc": dict(doc, name="Ben's now"), "revision": revision}   # even with her revision
    walked = []
    for method, path in _routes(app):
        if kind(method, path) != "project":
            continue
        url = path.replace("{pid}", "ada-zebra").replace("{run_id}", RUN_ID)
        r = ben.request(method, url, **REQUESTS.get((method, path), lambda ctx: {})(ctx))
        if path.endswith("/validate"):   # answers 200 with its findings: the finding is that Ben has no such project
            assert r.status_code == 200 and r.json()["errors"][0]["message"] == "no such project", (url, r.text)
        else:
            assert r.status_code == 404, (method, url, r.status_code, r.text[:300])
            err = r.json()["error"]
            assert (err["path"], err["message"]) == ("project", "no such project"), (method, url, err)
        assert "Ada" not in r.text and a["pupil"]["id"] not in r.text, (method, url, r.text[:300])
        walked.append((method, path))
    assert len(walked) >= 15, walked   # 15 on 5 Dec 2026
    assert _snapshot(homes["ada"]) == before   # nothing of Ada's changed: not a byte
    assert not (homes["ben"] / "ada-zebra").exists() and not (homes["ben"] / "copied-by-ben").exists()
    mine = ada.get("/api/projects/ada-zebra")
    assert mine.status_code == 200 and mine.json()["revision"] == revision and mine.json()["doc"]["name"] == "Ada Zebra"


def test_every_teacher_route_answers_403_to_a_pupil_for_every_method(klass):
    server, app = klass
    a, _, _, ben, _ = _pupils(server, app)
    teacher = _client(app, TEACHER)
    values = {"{pupil_id}": a["pupil"]["id"], "{lesson_id}": "l0000", "{name}": "class.zip", "{sample_id}": "s0000",
              "{dataset_id}": "d0000"}
    routes = _routes(app)
    walked = 0
    for path in sorted({p for m, p in routes if kind(m, p) == "teacher"}):
        url = path
        for k, v in values.items():
            url = url.replace(k, v)
        assert "{" not in url, f"give {url}'s parameter a value in this test"
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):   # the documented ones and the rest
            r = ben.request(method, url, json={"open": True, "project": "x"})
            assert r.status_code == 403, (method, url, r.status_code, r.text[:200])
            assert r.json()["error"]["code"] == "teacher_only" and "teacher" in r.json()["error"]["message"]
            walked += (method, path) in routes
        if ("GET", path) in routes:   # the route itself answers the teacher (it is live, not a 404 of a typo)
            assert teacher.get(url).status_code not in (401, 403), url
    assert walked == sum(kind(m, p) == "teacher" for m, p in routes) >= 15
    assert server.classroom.open_for_joining and a["pupil"]["id"] in server.classroom.pupils   # nothing ran


def test_joining_routes_need_no_token_and_check_their_own_code(klass):
    server, app = klass
    _, b, _, ben, _ = _pupils(server, app)
    for method, path in sorted(r for r in _routes(app) if kind(*r) == "open"):
        assert path in server.open_paths, path   # the middleware lets them through without a token
        r = ben.request(method, path, json={"code": "WRONG1", "name": "Cleo", "rejoin_code": "WRONGWRO"})
        assert r.status_code == 400 and r.json()["error"]["message"], (path, r.text)
    assert ben.get("/api/projects").status_code == 200 and len(server.classroom.pupils) == 2


def test_own_routes_act_only_in_the_callers_workspace(klass):
    server, app = klass
    a, b, ada, ben, homes = _pupils(server, app)
    doc = layerlab.example("xor")
    for c, names in ((ada, ("Ada Zebra", "Ada Old")), (ben, ("Ben Own", "Ben Old"))):
        for name in names:
            assert c.post("/api/projects", json={"name": name, "doc": doc}).status_code == 201
    assert ada.delete("/api/projects/ada-old").status_code == 204
    assert ben.delete("/api/projects/ben-old").status_code == 204
    [entry] = [e["id"] for e in ada.get("/api/trash").json()]
    packed = ada.get("/api/projects/ada-zebra/file")
    assert packed.status_code == 200
    before = _snapshot(homes["ada"])

    assert [p["id"] for p in ben.get("/api/projects").json()] == ["ben-own"]
    trash = ben.get("/api/trash").json()
    assert [e["project_id"] for e in trash] == ["ben-old"] and entry not in [e["id"] for e in trash]
    for method, url in (("POST", f"/api/trash/{entry}/restore"), ("DELETE", f"/api/trash/{entry}")):
        r = ben.request(method, url, json={"name": "mine now"} if method == "POST" else None)
        assert r.status_code == 404 and r.json()["error"]["path"] == "trash", (method, url, r.text)
    assert ben.delete("/api/trash").json() == {"deleted": 1}   # his own entry, not hers
    unpacked = ben.post("/api/projects/unpack", params={"name": "From Ada"}, content=packed.content)
    assert unpacked.status_code == 201, unpacked.text
    pid = unpacked.json()["id"]
    assert (homes["ben"] / pid / "project.json").is_file() and not (homes["ada"] / pid).exists()
    assert ben.post("/api/projects", json={"name": "Ben New", "doc": doc}).status_code == 201
    assert (homes["ben"] / "ben-new").is_dir() and not (homes["ada"] / "ben-new").exists()
    assert ben.get("/api/examples").json() == ada.get("/api/examples").json() == \
        _client(app, TEACHER).get("/api/examples").json()
    assert "Ada" not in ben.get("/api/projects").text.replace("From Ada", "")

    assert _snapshot(homes["ada"]) == before   # nothing of Ada's changed
    assert [p["id"] for p in ada.get("/api/projects").json()] == ["ada-zebra"]
    assert ada.post(f"/api/trash/{entry}/restore", json={}).status_code == 200   # the entry id Ben tried was real
    walked = {r for r in _routes(app) if kind(*r) == "own"}
    assert walked == OWN
