"""Rasa's HTTP API: the reading part stays open (contract), the writing part needs a token.

``--enable-api`` also opens endpoints that change a conversation or the model: a browser of
the customer chat could add events to its own tracker (e.g. set ``legitimation`` and another
person's ``kundennummer``) or replace the model. Those routes need
``Authorization: Bearer <LEITFADEN_RASA_VERWALTUNG_TOKEN>`` (or ``?token=``); without the
variable they are closed. Open as before: the channels' webhooks, ``GET /status``,
``GET /version``, ``GET /conversations/<id>/tracker`` and ``POST /model/parse``.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
from typing import Any

from leitfaden.store.tokens import bearer_token

log = logging.getLogger(__name__)

TOKEN_ENV = "LEITFADEN_RASA_VERWALTUNG_TOKEN"

#: (method, path pattern) of the routes that change conversations or the model.
SCHREIBENDE_ROUTEN: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = (
    (frozenset({"POST", "PUT"}), re.compile(r"^/conversations/.+/tracker/events/?$")),
    (frozenset({"POST"}), re.compile(r"^/conversations/.+/(execute|trigger_intent|messages)/?$")),
    (frozenset({"POST"}), re.compile(r"^/model/(train|test/stories|test/intents)/?$")),
    (frozenset({"PUT", "DELETE"}), re.compile(r"^/model/?$")),
)

VERWEIGERT = ("Diese Funktion der Rasa-API ändert Gespräche oder das Modell und braucht den "
              "Verwaltungs-Token (Header 'Authorization: Bearer <Token>', Variable "
              f"{TOKEN_ENV}).")

_original: dict[str, Any] = {}


def ist_schreibend(methode: str, pfad: str) -> bool:
    """Whether the request changes a conversation or the model."""
    return any(methode.upper() in methoden and muster.match(pfad)
               for methoden, muster in SCHREIBENDE_ROUTEN)


def erlaubt(kopf: str | None, abfrage_token: str | None,
            erwartet: str | None = None) -> bool:
    """Whether the request carries the management token (compared in constant time)."""
    erwartet = erwartet if erwartet is not None else os.environ.get(TOKEN_ENV, "").strip()
    if not erwartet:
        return False
    gegeben = bearer_token(kopf) or (abfrage_token or "")
    return bool(gegeben) and hmac.compare_digest(gegeben.encode(), erwartet.encode())


async def _pruefen(request: Any) -> Any:
    if not ist_schreibend(request.method, request.path):
        return None
    if erlaubt(request.headers.get("authorization"), request.args.get("token")):
        return None
    from sanic import response

    log.warning("Rasa-API: %s %s ohne Verwaltungs-Token abgewiesen", request.method,
                request.path.split("/conversations/")[0] or "/conversations/…")
    return response.json({"fehler": VERWEIGERT}, status=403,
                         dumps=lambda d: json.dumps(d, ensure_ascii=False))


def schuetzen(app: Any) -> Any:
    """Register the guard on a Sanic app (first request middleware)."""
    app.register_middleware(_pruefen, "request")
    return app


def install() -> None:
    """Guard every app ``rasa.server.create_app`` builds (idempotent)."""
    from rasa import server

    if _original:
        return
    _original["create_app"] = server.create_app

    def create_app(*args: Any, **kwargs: Any) -> Any:
        return schuetzen(_original["create_app"](*args, **kwargs))

    server.create_app = create_app


def uninstall() -> None:
    """Restore Rasa's function (tests)."""
    from rasa import server

    if _original:
        server.create_app = _original.pop("create_app")
