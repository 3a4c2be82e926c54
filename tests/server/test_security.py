"""The access rules: token (query once, then cookie; or a header), Host and Origin checks,
security headers, on HTTP and websocket alike."""
from __future__ import annotations

import pytest
from fastapi import FastAPI, WebSocket
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from layerlab.server import security

TOKEN = "s3cret-token"


def make_app(**kw) -> FastAPI:
    app = FastAPI()

    @app.get("/data")
    def data():
        return {"secret": 42}

    @app.post("/data")
    def change():
        return {"changed": True}

    @app.websocket("/ws")
    async def ws(sock: WebSocket):
        await sock.accept()
        await sock.send_text("hello")
        await sock.close()

    opts = dict(token=TOKEN, host="127.0.0.1", port=8765, with_api=False)
    opts.update(kw)
    security.install(app, **opts)
    return app


@pytest.fixture
def client():
    return TestClient(make_app(), base_url="http://127.0.0.1:8765")


def test_no_token_is_refused_with_a_clear_json_error(client):
    r = client.get("/data")
    assert r.status_code == 401
    assert "token" in r.json()["error"]["message"]
    assert "secret" not in r.text


def test_browser_without_token_gets_a_sign_in_page(client):
    r = client.get("/data", headers={"accept": "text/html"})
    assert r.status_code == 401 and "<form" in r.text and 'name="token"' in r.text


def test_token_in_url_sets_strict_httponly_cookie_and_drops_token_from_address(client):
    r = client.get("/data?token=" + TOKEN + "&x=1", headers={"accept": "text/html"})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert TOKEN not in cookie  # the cookie holds a derived value, not the token
    assert 'url=/data?x=1"' in r.text and TOKEN not in r.text
    assert client.get("/data").json() == {"secret": 42}  # the cookie now authenticates


@pytest.mark.parametrize("headers", [{"Authorization": f"Bearer {TOKEN}"}, {"X-LayerLab-Token": TOKEN}])
def test_header_tokens_work(client, headers):
    assert client.get("/data", headers=headers).json() == {"secret": 42}


@pytest.mark.parametrize("bad", ["", "s3cret", TOKEN.upper(), TOKEN + "x", "Bearer", "ä€"])
def test_wrong_tokens_are_refused(client, bad):
    assert client.get("/data", headers={"Authorization": f"Bearer {bad}".encode()}).status_code == 401
    assert client.get("/data", params={"token": bad}).status_code == 401


def test_cookie_of_another_port_or_forged_value_is_refused():
    app = make_app()
    c = TestClient(app, base_url="http://127.0.0.1:8765")
    other = security.SecurityConfig(token="other", port=8765)
    assert c.get("/data", cookies={"layerlab_token_8765": other.cookie_value()}).status_code == 401
    assert c.get("/data", cookies={"layerlab_token_9999": security.SecurityConfig(
        token=TOKEN, port=9999).cookie_value()}).status_code == 401
    assert c.get("/data", headers={"cookie": 'bad"cookie;;=\x7f'}).status_code == 401


def test_token_uses_constant_time_comparison(client, monkeypatch):
    calls = []
    real = security.hmac.compare_digest
    monkeypatch.setattr(security.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    client.get("/data", headers={"Authorization": "Bearer nope"})
    assert calls


@pytest.mark.parametrize("host,ok", [("127.0.0.1:8765", True), ("localhost:8765", True), ("[::1]:8765", True),
                                     ("LOCALHOST", True), ("evil.example:8765", False),
                                     ("127.0.0.1.nip.io", False), ("", False), ("192.168.1.9", False)])
def test_host_header_blocks_dns_rebinding_even_with_a_valid_token(client, host, ok):
    r = client.get("/data", headers={"host": host, "Authorization": f"Bearer {TOKEN}"})
    assert (r.status_code == 200) is ok, r.text
    if not ok:
        assert r.status_code == 400 and "host" in r.json()["error"]["message"]


def test_bound_and_configured_hosts_are_allowed(monkeypatch):
    monkeypatch.setenv("LAYERLAB_ALLOWED_HOSTS", "lab.school.example, other.example")
    c = TestClient(make_app(host="10.0.0.5", allowed_hosts=["extra.example"]), base_url="http://10.0.0.5:8765")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for host in ("10.0.0.5:8765", "lab.school.example", "other.example:1", "extra.example"):
        assert c.get("/data", headers={**auth, "host": host}).status_code == 200, host
    assert c.get("/data", headers={**auth, "host": "10.0.0.6"}).status_code == 400


def test_wildcard_bind_allows_ip_literals_but_not_foreign_names():
    c = TestClient(make_app(host="0.0.0.0"), base_url="http://192.168.1.9:8765")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert c.get("/data", headers=auth).status_code == 200
    assert c.get("/data", headers={**auth, "host": "[fe80::1]:8765"}).status_code == 200
    assert c.get("/data", headers={**auth, "host": "attacker.example"}).status_code == 400
    assert c.get("/data").status_code == 401  # another address still needs the token


@pytest.mark.parametrize("origin,sec_fetch,ok", [
    ("http://127.0.0.1:8765", None, True), (None, None, True), (None, "same-origin", True),
    ("http://evil.example", None, False), ("null", None, False), ("http://127.0.0.1:9999", None, False),
    ("https://127.0.0.1:8765", None, True), ("file://", None, False), (None, "cross-site", False),
    (None, "same-site", False)])
def test_state_changing_requests_must_come_from_this_origin(client, origin, sec_fetch, ok):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if origin:
        headers["origin"] = origin
    if sec_fetch:
        headers["sec-fetch-site"] = sec_fetch
    r = client.post("/data", headers=headers)
    assert (r.status_code == 200) is ok, r.text
    if not ok:
        assert r.status_code == 403


def test_websocket_needs_token_and_same_origin(client):
    here = {"host": "127.0.0.1:8765", "origin": "http://127.0.0.1:8765"}
    auth = {"Authorization": f"Bearer {TOKEN}"}

    def refused(headers) -> bool:
        try:
            with client.websocket_connect("/ws", headers=headers) as ws:
                return ws.receive_text() != "hello"
        except WebSocketDisconnect:
            return True

    assert refused(here)
    assert refused({**here, **auth, "origin": "http://evil.example"})
    assert refused({**here, **auth, "host": "evil.example"})
    assert refused({**here, "cookie": "layerlab_token_8765=forged"})
    assert not refused({**here, **auth})
    client.get(f"/data?token={TOKEN}", headers={"accept": "text/html"})  # sets the cookie, as a browser would
    cookie = security.SecurityConfig(token=TOKEN, port=8765).cookie_value()
    assert not refused({**here, "cookie": f"layerlab_token_8765={cookie}"})


def test_security_headers_on_every_answer(client):
    for r in (client.get("/data"), client.get("/data", headers={"Authorization": f"Bearer {TOKEN}"}),
              client.get("/missing", headers={"Authorization": f"Bearer {TOKEN}"})):
        h = r.headers
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"
        csp = h["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
        assert "http:" not in csp.replace("ws://", "")  # nothing may load from elsewhere


def test_no_auth_is_explicit_warns_and_keeps_host_and_origin_checks():
    warnings = []
    c = TestClient(make_app(no_auth=True, token=None, warn=warnings.append), base_url="http://127.0.0.1:8765")
    assert warnings and "--no-auth" in warnings[0]
    assert c.get("/data").status_code == 200
    assert c.get("/data", headers={"host": "evil.example"}).status_code == 400
    assert c.post("/data", headers={"origin": "http://evil.example"}).status_code == 403


def test_a_token_is_required_unless_no_auth():
    with pytest.raises(ValueError):
        security.SecurityConfig(token="")
