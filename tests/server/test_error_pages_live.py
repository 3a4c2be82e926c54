"""The real studio's own error pages and sign-in reload: a 404 carries the security headers and
our words only (NiceGUI's page showed `HTTPException: 404: ...`), and a token link to
`//evil.example/x` reloads to a path on this origin."""
from __future__ import annotations

import re
import socket

import pytest

from studio_proc import Studio

TOKEN = "edge-live-token"


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    s = Studio(tmp_path_factory.mktemp("edges") / "home", token=TOKEN)
    yield s
    s.stop()


@pytest.mark.parametrize("path,words", [("/p/nope/model", "nope"), ("/no/such/page", "no page at this address")])
def test_404_pages_carry_the_headers_and_no_exception(studio, path, words):
    with studio.client() as c:
        r = c.get(path, headers={"accept": "text/html"})
    assert r.status_code == 404
    assert "HTTPException" not in r.text and "Traceback" not in r.text
    assert words in r.text
    for header in ("content-security-policy", "x-frame-options", "x-content-type-options"):
        assert header in r.headers


def test_a_token_link_to_a_protocol_relative_path_stays_here(studio):
    # a raw request line: HTTP clients would resolve '//evil.example/x' against the base URL themselves
    with socket.create_connection(("127.0.0.1", studio.port), timeout=30) as sock:
        sock.sendall(f"GET //evil.example/x?token={TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:{studio.port}\r\n"
                     "Accept: text/html\r\nSec-Fetch-Mode: navigate\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    text = answer.decode("latin-1")
    assert text.startswith("HTTP/1.1 200") and "content-security-policy" in text.lower()
    assert re.search(r'content="0;url=/evil\.example/x"', text), text
