"""Browser sessions of the web app: cookie, request middleware, role decorator, sign-in pages.

* Cookie :data:`COOKIE` (HttpOnly, SameSite=Strict, Path=/, Secure with
  ``LEITFADEN_COOKIE_SECURE=1``) holds the value :func:`leitfaden.anmeldung.anmelden` showed
  once; the store knows only its hash.
* :func:`sitzung_laden` (request middleware) sets ``request.ctx.sitzung`` (a
  :class:`~leitfaden.anmeldung.SitzungRecord` or ``None``) and ``request.ctx.mitarbeiter``
  (its :class:`~leitfaden.mitarbeiter.MitarbeiterRecord` or ``None``).
* :func:`rolle_noetig` guards a handler: without a session pages redirect (303) to
  ``/anmelden?weiter=<Pfad>`` and JSON routes (:func:`ist_json_pfad`) answer 401; another
  role gets 403; every non-GET request needs the session's CSRF token (form field ``csrf``
  or header ``X-CSRF-Token``), else 403.
* ``GET/POST /anmelden``, ``POST /abmelden`` and the start page ``/``.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlsplit

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, redirect
from sanic.response import json as json_antwort

from leitfaden import anmeldung
from leitfaden.anmeldung import AnmeldungFehlgeschlagen, AnmeldungGesperrt, SitzungRecord
from leitfaden.mitarbeiter import MitarbeiterRecord, mitarbeiter_fuer_token
from leitfaden.store.models import MITARBEITER_ROLLEN
from leitfaden.store.tokens import bearer_token
from leitfaden.web.formate import dumps
from leitfaden.web.vorlagen import rolle_name, seite_fuer

log = logging.getLogger(__name__)

COOKIE = "leitfaden_sitzung"
#: ``1``: the cookie is sent over HTTPS only (set it whenever the app is served over HTTPS).
COOKIE_SECURE_ENV = "LEITFADEN_COOKIE_SECURE"
CSRF_FELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"

#: Methods that change nothing and need no CSRF token.
SICHERE_METHODEN = frozenset({"GET", "HEAD", "OPTIONS"})

#: Where each role lands after signing in (and on ``/``).
STARTSEITEN = {
    "sc": "/konsole",
    "socl": "/konsole",
    "trainer": "/konsole",
    "admin": "/verwaltung/konten",
}

MELDUNG_CSRF = "Sicherheitsprüfung fehlgeschlagen. Bitte laden Sie die Seite neu."
MELDUNG_ANMELDEN = ("Bitte melden Sie sich an. Sie sind nicht angemeldet oder Ihre Sitzung "
                    "ist abgelaufen.")

#: Longest accepted ``weiter`` address.
MAX_WEITER = 2000

Handler = Callable[..., Awaitable[HTTPResponse]]


# --- helpers --------------------------------------------------------------------------------


def antwort(daten: Any, status: int = 200) -> HTTPResponse:
    """JSON with umlauts as they are (as :func:`leitfaden.web.api.antwort`, which imports
    this module)."""
    return json_antwort(daten, status=status, dumps=dumps)


def ist_json_pfad(pfad: str) -> bool:
    """Routes that answer JSON (their errors too) instead of pages."""
    return pfad.startswith("/api/") or pfad.startswith("/konsole/api/")


def startseite(rolle: str) -> str:
    """The start page of a role."""
    return STARTSEITEN.get(rolle, "/ipsc/angebote")


def weiter_pruefen(weiter: object) -> str | None:
    """A local address to continue to after sign-in, else ``None``.

    Only paths on this site: starting with ``/`` but not ``//`` (another host), no backslash
    (browsers read ``/\\`` like ``//``), no control characters or spaces, not the sign-in or
    sign-out page itself.
    """
    if not isinstance(weiter, str) or not weiter or len(weiter) > MAX_WEITER:
        return None
    if not weiter.startswith("/") or weiter.startswith("//") or "\\" in weiter:
        return None
    if any(ord(z) <= 32 or ord(z) == 127 for z in weiter):
        return None
    teile = urlsplit(weiter)
    if teile.scheme or teile.netloc:
        return None
    if teile.path in ("/anmelden", "/abmelden"):
        return None
    return weiter


def cookie_sicher() -> bool:
    """Whether the cookie gets ``Secure`` (``LEITFADEN_COOKIE_SECURE=1``)."""
    return os.environ.get(COOKIE_SECURE_ENV, "").strip().lower() in ("1", "true", "ja", "yes")


def cookie_setzen(response: HTTPResponse, wert: str) -> None:
    """Put the session cookie on the response (a browser-session cookie)."""
    response.cookies[COOKIE] = wert
    cookie = response.cookies[COOKIE]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    if cookie_sicher():
        cookie["secure"] = True


def cookie_loeschen(response: HTTPResponse) -> None:
    """Tell the browser to drop the session cookie."""
    response.cookies[COOKIE] = ""
    cookie = response.cookies[COOKIE]
    cookie["max-age"] = 0
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    if cookie_sicher():
        cookie["secure"] = True


def client_ip(request: Request) -> str:
    """The client's address (Sanic's forwarded-header settings apply)."""
    return str(request.remote_addr or request.ip or "unbekannt")[:64]


def csrf_gueltig(request: Request, sitzung: SitzungRecord) -> bool:
    """Whether the request carries the session's CSRF token (header or form field)."""
    gesendet = request.headers.get(CSRF_HEADER)
    if not gesendet and request.content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        gesendet = request.form.get(CSRF_FELD)
    if not isinstance(gesendet, str) or not gesendet:
        return False
    return hmac.compare_digest(gesendet.encode(), sitzung.csrf.encode())


def _fremde_herkunft(request: Request) -> bool:
    """A cross-site form post (``Sec-Fetch-Site``/``Origin``); ``Origin: null`` is allowed
    (browsers send it for same-site posts under ``Referrer-Policy: no-referrer``)."""
    if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
        return True
    herkunft = request.headers.get("origin", "")
    if not herkunft or herkunft == "null":
        return False
    return urlsplit(herkunft).netloc.lower() != (request.host or "").lower()


# --- answers --------------------------------------------------------------------------------


def _nicht_angemeldet(request: Request) -> HTTPResponse:
    if ist_json_pfad(request.path):
        response = antwort({"fehler": MELDUNG_ANMELDEN}, status=401)
    else:
        ziel = "/anmelden"
        if request.method in SICHERE_METHODEN:
            weiter = request.path + (f"?{request.query_string}" if request.query_string else "")
            if weiter_pruefen(weiter):
                ziel += "?weiter=" + quote(weiter, safe="/")
        response = redirect(ziel, status=303)
    if request.cookies.get(COOKIE):
        cookie_loeschen(response)  # an ended or unknown session
    return response


def _keine_berechtigung(request: Request, m: MitarbeiterRecord,
                        rollen: frozenset[str]) -> HTTPResponse:
    namen = ", ".join(f"„{rolle_name(r)}“" for r in MITARBEITER_ROLLEN if r in rollen)
    meldung = (f"Ihr Konto „{m.login}“ hat die Rolle „{rolle_name(m.rolle)}“. Diese Seite "
               f"ist {'der Rolle' if len(rollen) == 1 else 'den Rollen'} {namen} vorbehalten.")
    if ist_json_pfad(request.path):
        return antwort({"fehler": meldung}, status=403)
    return seite_fuer(request, "fehler.html", status=403, titel="Keine Berechtigung",
                      meldung=meldung)


def _csrf_fehler(request: Request) -> HTTPResponse:
    log.warning("CSRF-Prüfung fehlgeschlagen: %s %s", request.method, request.path)
    if ist_json_pfad(request.path):
        return antwort({"fehler": MELDUNG_CSRF}, status=403)
    return seite_fuer(request, "fehler.html", status=403,
                      titel="Sicherheitsprüfung fehlgeschlagen", meldung=MELDUNG_CSRF)


# --- middleware and decorator ---------------------------------------------------------------


async def sitzung_laden(request: Request) -> None:
    """Request middleware: ``request.ctx.sitzung`` and ``request.ctx.mitarbeiter``."""
    request.ctx.sitzung = None
    request.ctx.mitarbeiter = None
    if request.path.startswith("/static/"):
        return
    wert = request.cookies.get(COOKIE)
    if not wert:
        return
    sitzung = await asyncio.to_thread(anmeldung.sitzung_pruefen, request.app.ctx.engine, wert)
    if sitzung is not None:
        request.ctx.sitzung = sitzung
        request.ctx.mitarbeiter = sitzung.mitarbeiter


def rolle_noetig(*rollen: str, token_erlaubt: bool = False) -> Callable[[Handler], Handler]:
    """Decorator of a Sanic handler: only a signed-in employee with one of ``rollen``.

    No session: pages 303 to ``/anmelden?weiter=<Pfad>``, JSON routes 401
    ``{"fehler": ...}``. A non-GET request without the session's CSRF token: 403. Another
    role: 403 ("Keine Berechtigung"; JSON on JSON routes). With ``token_erlaubt`` a JSON
    route also accepts ``Authorization: Bearer <Token>`` of an active employee instead of
    a session (then no CSRF token is needed: the browser never sends it on its own).
    """
    unbekannt = set(rollen) - set(MITARBEITER_ROLLEN)
    if not rollen or unbekannt:
        raise ValueError(f"Unbekannte oder keine Rollen: {sorted(unbekannt)}")
    erlaubt = frozenset(rollen)

    def dekorator(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def geprueft(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            sitzung: SitzungRecord | None = getattr(request.ctx, "sitzung", None)
            m: MitarbeiterRecord | None = getattr(request.ctx, "mitarbeiter", None)
            if sitzung is None:
                m = None
                token = (bearer_token(request.headers.get("authorization")) if token_erlaubt
                         else None)
                if token is not None:
                    m = await asyncio.to_thread(
                        mitarbeiter_fuer_token, request.app.ctx.engine, token)
                    request.ctx.mitarbeiter = m
                if m is None:
                    return _nicht_angemeldet(request)
            elif request.method not in SICHERE_METHODEN and not csrf_gueltig(request, sitzung):
                return _csrf_fehler(request)
            if m.rolle not in erlaubt:
                return _keine_berechtigung(request, m, erlaubt)
            return await handler(request, *args, **kwargs)

        geprueft.rollen = erlaubt  # type: ignore[attr-defined]
        return geprueft

    return dekorator


# --- pages ----------------------------------------------------------------------------------


def _anmeldeseite(request: Request, *, status: int = 200, fehler: str | None = None,
                  anmeldename: str = "", weiter: str | None = None,
                  hinweis: str | None = None) -> HTTPResponse:
    response = seite_fuer(request, "anmelden.html", status=status, fehler=fehler,
                          anmeldename=anmeldename, weiter=weiter or "", hinweis=hinweis,
                          mitarbeiter=None, csrf="")
    if status == 429:
        response.headers["Retry-After"] = "60"
    return response


async def start(request: Request) -> HTTPResponse:
    """``GET /``: the role's start page, or the sign-in page."""
    m: MitarbeiterRecord | None = getattr(request.ctx, "mitarbeiter", None)
    if m is None:
        return redirect("/anmelden", status=303)
    return redirect(startseite(m.rolle), status=303)


async def anmelden_formular(request: Request) -> HTTPResponse:
    """``GET /anmelden``: the sign-in form (signed in already: on to the start page)."""
    weiter = weiter_pruefen(request.args.get("weiter"))
    m: MitarbeiterRecord | None = getattr(request.ctx, "mitarbeiter", None)
    if m is not None:
        return redirect(weiter or startseite(m.rolle), status=303)
    hinweis = "Sie haben sich abgemeldet." if request.args.get("abgemeldet") == "1" else None
    response = _anmeldeseite(request, weiter=weiter, hinweis=hinweis)
    if request.cookies.get(COOKIE):
        cookie_loeschen(response)  # the session it names has ended
    return response


async def anmelden_senden(request: Request) -> HTTPResponse:
    """``POST /anmelden``: check login and password; 303 to ``weiter`` or the start page.

    Wrong data: the form again (200, as browsers log every 4xx page as a console error) with
    the message in ``role="alert"``; too many failures: the same with 429 and
    ``Retry-After``; a cross-site post 403.
    """
    if _fremde_herkunft(request):
        return seite_fuer(request, "fehler.html", status=403,
                          titel="Sicherheitsprüfung fehlgeschlagen", meldung=MELDUNG_CSRF)
    form = request.form if request.content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")) else {}
    anmeldename = (form.get("anmeldename") or "").strip()
    passwort = form.get("passwort") or ""
    weiter = weiter_pruefen(form.get("weiter"))
    engine = request.app.ctx.engine
    try:
        neu = await asyncio.to_thread(anmeldung.anmelden, engine, anmeldename, passwort,
                                      client_ip(request))
    except AnmeldungGesperrt as exc:
        return _anmeldeseite(request, status=429, fehler=exc.meldung,
                             anmeldename=anmeldename[:80], weiter=weiter)
    except AnmeldungFehlgeschlagen as exc:
        return _anmeldeseite(request, status=200, fehler=exc.meldung,
                             anmeldename=anmeldename[:80], weiter=weiter)
    alt = request.cookies.get(COOKIE)
    if alt:
        await asyncio.to_thread(anmeldung.abmelden, engine, alt)  # no second session
    response = redirect(weiter or startseite(neu.sitzung.rolle), status=303)
    cookie_setzen(response, neu.cookie_wert)
    return response


def agent_token_vergessen(request: Request, sitzung_id: str) -> None:
    """Drop the console's in-memory agent token of the session (the store revokes it)."""
    request.app.ctx.agent_tokens.pop(sitzung_id, None)


@rolle_noetig(*MITARBEITER_ROLLEN)
async def abmelden(request: Request) -> HTTPResponse:
    """``POST /abmelden`` (with CSRF token): end the session, drop the cookie."""
    sitzung: SitzungRecord = request.ctx.sitzung
    if sitzung is not None:
        await asyncio.to_thread(anmeldung.abmelden, request.app.ctx.engine,
                                request.cookies.get(COOKIE))
        agent_token_vergessen(request, sitzung.id)
    response = redirect("/anmelden?abgemeldet=1", status=303)
    cookie_loeschen(response)
    return response


def blueprint() -> Blueprint:
    """A fresh blueprint with the sign-in routes (one per app)."""
    bp = Blueprint("sitzung")
    bp.add_route(anmelden_formular, "/anmelden", methods=["GET"], name="anmelden_formular")
    bp.add_route(anmelden_senden, "/anmelden", methods=["POST"], name="anmelden_senden")
    bp.add_route(abmelden, "/abmelden", methods=["POST"], name="abmelden")
    return bp
