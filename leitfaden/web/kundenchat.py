"""The customers' web chat ``GET /chat``: Rasa's socket.io widget, served by this app.

Public page, no sign-in. The widget (``rasa-webchat``, built by ``make webchat`` into
``static/vendor/``) talks socket.io directly with the Rasa server at
:func:`leitfaden.settings.rasa_url_oeffentlich`, which the page passes to ``kundenchat.js`` in
``data-rasa-url``. Everything the page loads comes from this app.

The page's Content-Security-Policy is the app's strict one (``SICHERHEITS_HEADER``), relaxed
for this page only and only as far as the widget needs:

* ``connect-src 'self'`` plus the Rasa origin, over http(s) for socket.io's long polling and
  over ws(s) for its WebSocket;
* ``style-src 'self' 'unsafe-inline'``: the widget's bundle injects its stylesheets as
  ``<style>`` elements at run time (webpack style-loader), so without it the widget would be
  unstyled and every injection would be reported as a violation. Scripts stay ``'self'`` only;
* ``font-src 'self' data:``: those stylesheets carry the icon font of the carousel component
  (slick) as a ``data:`` URL, which Chromium loads as soon as the stylesheet is there. Nothing
  comes from outside: ``make webchat`` removes the widget's @import of Google Fonts.

The response middleware of the app keeps a header a handler has set, so this override holds.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse

from leitfaden import settings
from leitfaden.web.vorlagen import seite

CSP = "Content-Security-Policy"


def rasa_origin(url: str) -> tuple[str, str]:
    """The http(s) and the ws(s) origin of the Rasa server at ``url``.

    >>> rasa_origin("https://chat.example.de/rasa")
    ('https://chat.example.de', 'wss://chat.example.de')
    """
    teile = urlsplit(url)
    if teile.scheme not in ("http", "https") or not teile.hostname:
        raise ValueError(f"Keine gültige Adresse des Rasa-Servers: {url!r} "
                         "(LEITFADEN_RASA_URL_OEFFENTLICH bzw. LEITFADEN_RASA_URL)")
    ws = "wss" if teile.scheme == "https" else "ws"
    return f"{teile.scheme}://{teile.netloc}", f"{ws}://{teile.netloc}"


def _direktiven(policy: str) -> dict[str, str]:
    """``"a x; b y"`` -> ``{"a": "a x", "b": "b y"}`` (in order)."""
    ergebnis: dict[str, str] = {}
    for teil in policy.split(";"):
        teil = teil.strip()
        if teil:
            ergebnis[teil.split()[0]] = teil
    return ergebnis


def content_security_policy(rasa_url: str) -> str:
    """The app's strict policy with the exceptions of the chat page (see the module doc)."""
    from leitfaden.web.app import SICHERHEITS_HEADER  # the app imports this module

    http, ws = rasa_origin(rasa_url)
    direktiven = _direktiven(SICHERHEITS_HEADER[CSP])
    direktiven["style-src"] = "style-src 'self' 'unsafe-inline'"
    direktiven["connect-src"] = f"connect-src 'self' {http} {ws}"
    direktiven["font-src"] = "font-src 'self' data:"
    return "; ".join(direktiven.values())


async def chat(request: Request) -> HTTPResponse:
    """``GET /chat``: the web chat page (public)."""
    rasa_url = settings.rasa_url_oeffentlich()
    antwort = seite("kundenchat.html", rasa_url=rasa_url)
    antwort.headers[CSP] = content_security_policy(rasa_url)
    return antwort


def blueprint() -> Blueprint:
    """A fresh blueprint with the customers' chat page (one per app)."""
    bp = Blueprint("kundenchat")
    bp.add_route(chat, "/chat", methods=["GET"], name="chat")
    return bp
