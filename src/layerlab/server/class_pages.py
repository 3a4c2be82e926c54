"""The class server's own small pages (issue 17.2): the join form a pupil fills in on a phone and the welcome
page with her rejoin code. Plain HTML without scripts, served before the pupil has any token; the class
server's routes (server/classroom.py) answer with them.

>>> "data-rejoin" in welcome_html("en", "Ada", "ABCD2345") and "ABCD-2345" in welcome_html("en", "Ada", "ABCD2345")
True
>>> join_link("http://10.0.0.2:8080/join", "K7Q2MX")
'http://10.0.0.2:8080/join?code=K7Q2MX'
"""
from __future__ import annotations

import html
from urllib.parse import quote

from ..api_errors import SpecError
from ..i18n import Text, localize, msg

JOIN_PATH = "/join"

_STYLE = ("font-family:system-ui,sans-serif;max-width:26rem;margin:2rem auto;padding:0 1rem;line-height:1.5")
_FIELD = "display:block;width:100%;box-sizing:border-box;font-size:1.2rem;padding:.6rem;margin:.3rem 0 1rem"
_BUTTON = ("font-size:1.1rem;padding:.7rem 1.4rem;min-height:44px;border:0;border-radius:6px;"
           "background:#1565c0;color:#fff")


CLIENT_ISOLATION = msg("Page does not load on your phone? The school Wi-Fi may keep devices apart (client isolation): "
                       "ask the administrator to let devices reach this server, or use the wired network.")


def _t(text: Text, lang: str) -> str:
    return html.escape(text.to(lang))


def _doc(lang: str, title: str, body: str) -> str:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            f'<body style="{_STYLE}"><h1>LayerLab</h1>{body}</body></html>')


def join_html(lang: str, class_name: str, code: str = "", name: str = "", error: SpecError | None = None) -> str:
    """The form a pupil fills in on a phone: the class code and a first name (or a rejoin code)."""
    err = rejoin_err = ""
    if error is not None:
        field = {"name": msg("Your first name"), "code": msg("Class code"), "rejoin": msg("Your rejoin code")}
        where = field.get(error.path)
        text = (f"{where.to(lang)}: " if where is not None else "") + localize(error.message, lang)
        box = (f'<p role="alert" style="color:#b00020;border-left:4px solid #b00020;padding-left:.6rem">'
               f'{html.escape(_sentence(text))} {html.escape(_sentence(localize(error.hint, lang), upper=True))}</p>')
        err, rejoin_err = ("", box) if error.path == "rejoin" else (box, "")
    body = (f'<p>{_t(msg("Join the class {name}", name=class_name), lang)}</p>{err}'
            f'<form method="post" action="{JOIN_PATH}">'
            f'<label>{_t(msg("Class code"), lang)}<input name="code" value="{html.escape(code)}" required '
            f'autocomplete="off" autocapitalize="characters" style="{_FIELD}"></label>'
            f'<label>{_t(msg("Your first name"), lang)}<input name="name" value="{html.escape(name)}" required '
            f'maxlength="30" autocomplete="given-name" style="{_FIELD}"></label>'
            f'<button type="submit" style="{_BUTTON}">{_t(msg("Join"), lang)}</button></form>'
            f'<details style="margin-top:2rem"{" open" if rejoin_err else ""}>'
            f'<summary>{_t(msg("Continue on another device"), lang)}</summary>{rejoin_err}'
            f'<form method="post" action="{JOIN_PATH}"><label>{_t(msg("Your rejoin code"), lang)}'
            f'<input name="rejoin_code" autocomplete="off" autocapitalize="characters" style="{_FIELD}"></label>'
            f'<button type="submit" style="{_BUTTON}">{_t(msg("Continue"), lang)}</button></form></details>'
            f'<p style="color:#555;font-size:.9rem;margin-top:2rem">'
            f'{_t(CLIENT_ISOLATION, lang)}'
            f'</p>')
    return _doc(lang, _t(msg("Join the class"), lang), body)


def _sentence(text: str, upper: bool = False) -> str:
    """One sentence: a single full stop at the end, and a capital first letter when asked."""
    text = text.strip().rstrip(".")
    return (text[:1].upper() + text[1:] if upper else text) + "."


def welcome_html(lang: str, name: str, rejoin: str | None) -> str:
    """After joining: the rejoin code to write down, and the way in."""
    note = ""
    if rejoin:
        shown = f"{rejoin[:4]}-{rejoin[4:]}"
        note = (f'<p>{_t(msg("Your rejoin code (write it down to continue on another device):"), lang)}</p>'
                f'<p style="font-size:2rem;font-family:monospace;letter-spacing:.15em" data-rejoin>'
                f'{html.escape(shown)}</p>')
    body = (f'<p>{_t(msg("Welcome, {name}!", name=name), lang)}</p>{note}'
            f'<p><a href="/" style="{_BUTTON};display:inline-flex;align-items:center;text-decoration:none">'
            f'{_t(msg("Start"), lang)}</a></p>')
    return _doc(lang, _t(msg("Welcome"), lang), body)


def join_link(url: str, code: str) -> str:
    """The join URL with the class code filled in (what the QR code holds)."""
    return f"{url}?code={quote(code)}"
