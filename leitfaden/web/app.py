"""The Sanic app factory of the IPSC web app."""

from __future__ import annotations

import itertools
import logging
from pathlib import Path

from sanic import Sanic
from sanic.exceptions import MethodNotSupported, NotFound, PayloadTooLarge, SanicException
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine

from leitfaden.store.db import make_engine
from leitfaden.web import (
    abschlaege,
    api,
    ipsc,
    konsole,
    kundenchat,
    sitzung,
    verwaltung,
    warteschlange,
)
from leitfaden.web.vorlagen import seite_fuer
from leitfaden.webauftrag.dokument import MAX_BYTES

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"

SICHERHEITS_HEADER = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

_zaehler = itertools.count(1)


def _app_name() -> str:
    """Sanic keeps a registry of app names: every app of this process gets its own."""
    nummer = next(_zaehler)
    return "leitfaden-ipsc" if nummer == 1 else f"leitfaden-ipsc-{nummer}"


def _ist_api(request: Request) -> bool:
    return sitzung.ist_json_pfad(request.path) or request.path == "/healthz"


def _fehler(request: Request, status: int, titel: str, meldung: str) -> HTTPResponse:
    """German error as JSON (API) or page."""
    if _ist_api(request):
        return api.antwort({"fehler": meldung}, status=status)
    return seite_fuer(request, "fehler.html", status=status, titel=titel, meldung=meldung)


async def _nicht_gefunden(request: Request, exc: Exception) -> HTTPResponse:
    eigene = str(exc)  # a handler's own German message; Sanic's default is English
    if not eigene or eigene.startswith("Requested URL"):
        eigene = "Die aufgerufene Seite oder das Angebot gibt es nicht (mehr)."
    return _fehler(request, 404, "Seite nicht gefunden", eigene)


async def _methode(request: Request, exc: Exception) -> HTTPResponse:
    return _fehler(request, 405, "Aktion nicht erlaubt",
                   f"Die Methode {request.method} ist für diese Adresse nicht erlaubt.")


async def _zu_gross(request: Request, exc: Exception) -> HTTPResponse:
    return _fehler(request, 413, "Anfrage zu groß",
                   f"Die Anfrage ist zu groß (höchstens {MAX_BYTES // 1024} KiB).")


async def _sanic_fehler(request: Request, exc: SanicException) -> HTTPResponse:
    status = getattr(exc, "status_code", 500) or 500
    if status >= 500:
        log.exception("Fehler bei %s %s", request.method, request.path, exc_info=exc)
        return _fehler(request, status, "Technischer Fehler",
                       "Es ist ein technischer Fehler aufgetreten. Bitte versuchen Sie es "
                       "später erneut.")
    return _fehler(request, status, "Anfrage nicht möglich",
                   "Die Anfrage konnte nicht bearbeitet werden.")


async def _unerwartet(request: Request, exc: Exception) -> HTTPResponse:
    log.exception("Unerwarteter Fehler bei %s %s", request.method, request.path, exc_info=exc)
    return _fehler(request, 500, "Technischer Fehler",
                   "Es ist ein technischer Fehler aufgetreten. Bitte versuchen Sie es "
                   "später erneut.")


async def _sicherheit(request: Request, response: HTTPResponse) -> None:
    """Security headers on every response; pages and API answers are never cached.

    A header the handler has set already stays (the chat page sets its own, slightly relaxed
    Content-Security-Policy, see :mod:`leitfaden.web.kundenchat`).
    """
    for name, wert in SICHERHEITS_HEADER.items():
        if name not in response.headers:
            response.headers[name] = wert
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"


async def _healthz(request: Request) -> HTTPResponse:
    return api.antwort({"status": "ok"})


def create_app(database_url: str | None = None, *, engine: Engine | None = None) -> Sanic:
    """Build the app on ``database_url`` (default: ``settings.database_url()``) or ``engine``."""
    app = Sanic(_app_name())
    app.config.REQUEST_MAX_SIZE = MAX_BYTES  # the largest Webauftrag document
    app.config.FALLBACK_ERROR_FORMAT = "html"
    app.ctx.engine = engine or make_engine(database_url)
    app.ctx.eigene_engine = engine is None

    app.add_route(sitzung.start, "/", name="start")
    app.add_route(_healthz, "/healthz", name="healthz")
    app.static("/static", str(STATIC_DIR), name="static")
    app.blueprint(sitzung.blueprint())
    app.blueprint(verwaltung.blueprint())
    app.blueprint(ipsc.blueprint())
    app.blueprint(api.blueprint())
    app.blueprint(abschlaege.blueprint())
    app.blueprint(kundenchat.blueprint())
    app.blueprint(konsole.blueprint())
    konsole.einrichten(app)
    app.blueprint(warteschlange.blueprint())

    app.error_handler.add(NotFound, _nicht_gefunden)
    app.error_handler.add(MethodNotSupported, _methode)
    app.error_handler.add(PayloadTooLarge, _zu_gross)
    app.error_handler.add(SanicException, _sanic_fehler)
    app.error_handler.add(Exception, _unerwartet)
    app.register_middleware(sitzung.sitzung_laden, "request")
    app.register_middleware(_sicherheit, "response")

    @app.before_server_stop
    async def _schliessen(app: Sanic, _loop) -> None:
        if app.ctx.eigene_engine:
            app.ctx.engine.dispose()

    return app
