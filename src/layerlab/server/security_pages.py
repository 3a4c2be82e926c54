"""The security middleware's own answers: the headers every HTTP response gets (server/security.py adds
them) and the small self-contained sign-in and error pages it serves before any NiceGUI page runs.

>>> dict(security_headers("127.0.0.1:8080"))[b"x-frame-options"]
b'DENY'
>>> "/join" in login_page("this LayerLab server needs its access token", "open the link", "en", join=True)
True
"""
from __future__ import annotations

import html

from ..i18n import msg


# the studio's look without its scripts: its blue header bar, its font, one main action as a button
STYLE = ("body{margin:0;font-family:Roboto,system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2937;"
         "line-height:1.5}header{background:#1d4ed8;color:#fff;font-weight:700;font-size:1.25rem;"
         "padding:.75rem 1rem}main{max-width:32rem;margin:2rem auto;padding:0 1rem}"
         "a.main{display:inline-block;background:#1d4ed8;color:#fff;text-decoration:none;border-radius:6px;"
         "padding:.7rem 1.2rem;font-size:1.1rem;margin:.5rem 0}details{margin-top:2rem;color:#4b5563}"
         "summary{cursor:pointer}input{font:inherit;padding:.3rem .5rem;border:1px solid #9ca3af;border-radius:4px;"
         "max-width:100%}button{font:inherit;padding:.3rem .9rem;border:1px solid #1d4ed8;border-radius:4px;"
         "background:#fff;color:#1d4ed8}")


def _page(title: str, message: str, hint: str, body_end: str, lang: str) -> str:
    """The small self-contained page the middleware answers with (no NiceGUI, no scripts)."""
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
            f'<body><header>LayerLab</header><main><p>{html.escape(_sentence(message))}.</p>'
            f'<p>{html.escape(_sentence(hint))}.</p>{body_end}</main></body></html>')


def _sentence(text: str) -> str:
    """An error's part as a sentence on a page of its own: a capital first letter ('dieser Server ...' read odd)."""
    return text[:1].upper() + text[1:]


def login_page(message: str, hint: str, lang: str = "en", join: bool = False) -> str:
    title, button = msg("LayerLab: token needed").to(lang), msg("Open").to(lang)
    form = ('<form method="get"><label>Token <input name="token" type="password" '
            f'autocomplete="off"{"" if join else " autofocus"}></label> '
            f'<button type="submit">{html.escape(button)}</button></form>')
    if join:  # on a class server pupils come here after a restart of their browser, or by the bare address
        pupils = html.escape(msg("Pupils: join your class with its code").to(lang))
        teacher = html.escape(msg("Teacher: the link with the token that `layerlab classroom` printed").to(lang))
        # the pupil's way on is the button; the teacher's token field waits folded away below it
        return _page(title, message, hint, f'<p><a class="main" href="/join">{pupils}</a></p>'
                     f'<details><summary>{teacher}</summary>{form}</details>', lang)
    return _page(title, message, hint, form, lang)


def error_page(message: str, hint: str, lang: str = "en") -> str:
    title, home = msg("LayerLab: server error").to(lang), msg("Back to the start page").to(lang)
    return _page(title, message, hint, f'<p><a href="/">{html.escape(home)}</a></p>', lang)


def content_security_policy(host: str) -> str:
    """A CSP that NiceGUI pages work under: everything from this origin only.

    NiceGUI needs inline scripts (its page bootstrap) and eval (Vue compiles component
    templates in the browser), and Tailwind/Quasar inject inline styles; data: and blob:
    images carry plots, drawn digits and webcam frames. Nothing may come from elsewhere.
    The Test page's on-device model (onnxruntime-web, ui/static/ort) compiles WebAssembly: that
    needs 'wasm-unsafe-eval', which 'unsafe-eval' includes; drop the latter only with the former."""
    h = host.strip() or "localhost"
    ws = f"ws://{h} wss://{h}"
    return ("default-src 'self'; "
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; media-src 'self' blob: mediastream:; "
            f"connect-src 'self' {ws}; worker-src 'self' blob:; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def security_headers(host: str) -> list[tuple[bytes, bytes]]:
    """Headers added to every HTTP response."""
    return [(b"content-security-policy", content_security_policy(host).encode("latin-1", "replace")),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            # The webcam page needs the camera on this origin; nothing else needs anything.
            (b"permissions-policy", b"camera=(self), microphone=(), geolocation=(), payment=(), usb=()")]
