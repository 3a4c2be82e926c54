"""Who a run is for: the one place that turns a request into the owner id the scheduler shares by.

The scheduler (engine/scheduler.py) runs at most one run per owner while other owners wait,
and hands a long run's slot to another owner's waiting run at an epoch boundary. The HTTP API
(`POST /api/projects/{pid}/runs`) and the studio's Train page both ask `owner_of(request)`
(the page passes the request that opened it), so the two can never disagree.

Today, without a class server, the owner is the browser session: NiceGUI's signed session
cookie (`request.session["id"]`, set on the first answer to any client that keeps cookies), so
two pupils on a class server that shares one token, or two browsers, are two owners. A
request without a session (a script that drops cookies, a test app without the session
middleware) is `LOCAL`, as the CLI and `Project.train()` are. A class server installs its own
lookup with `set_owner_lookup` (a pupil's personal token or sign-in -> the pupil's id); what it
returns wins, and None falls back to the rule above.

>>> from types import SimpleNamespace
>>> owner_of(None), owner_of(SimpleNamespace(scope={}))
('local', 'local')
>>> owner_of(SimpleNamespace(scope={"session": {"id": "b1"}}))
'browser:b1'
>>> set_owner_lookup(lambda request: "pupil:ann")
>>> owner_of(None), class_teacher()
('pupil:ann', False)
>>> set_owner_lookup(lambda request: None)
>>> class_teacher()
True
>>> set_owner_lookup(None)
>>> class_teacher()
False
"""
from __future__ import annotations

from typing import Any, Callable

LOCAL = "local"
_lookup: Callable[[Any], str | None] | None = None


def set_owner_lookup(lookup: Callable[[Any], str | None] | None) -> None:
    """Install (or with None remove) the class server's lookup: request -> owner id, or None for the default."""
    global _lookup
    _lookup = lookup


def owner_of(request: Any) -> str:
    """The owner id of the user who sent request (a Starlette Request or WebSocket, or None)."""
    if _lookup is not None:
        found = _lookup(request)
        if found:
            return str(found)
    scope = getattr(request, "scope", None) or {}
    session = scope.get("session") if isinstance(scope, dict) else None
    sid = session.get("id") if isinstance(session, dict) else None
    return f"browser:{sid}" if isinstance(sid, str) and sid else LOCAL


def class_teacher() -> bool:
    """Whether this is a class server and the request being served is the teacher's (no pupil's sign-in):
    the studio's pages then link back to the teacher's page."""
    return _lookup is not None and not _lookup(None)
