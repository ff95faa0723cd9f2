"""Account administration (``/verwaltung/konten``, role admin only).

Lists the accounts and the latest sign-in attempts; forms create an account, set a password,
deactivate (ends its sessions, revokes its tokens) and activate an account. Every form is a
POST with the session's CSRF token, every change an audit record
(:mod:`leitfaden.anmeldung`). After a change the page is reloaded (303, "post/redirect/get").
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, redirect

from leitfaden import anmeldung
from leitfaden.anmeldung import PasswortUngueltig, SitzungRecord
from leitfaden.mitarbeiter import MitarbeiterRecord
from leitfaden.store.models import MITARBEITER_ROLLEN
from leitfaden.web.sitzung import rolle_noetig
from leitfaden.web.vorlagen import seite_fuer

PFAD = "/verwaltung/konten"
ANZAHL_VERSUCHE = 50

#: Confirmations after a change (``?erledigt=...&login=...``).
ERLEDIGT = {
    "angelegt": "Das Konto „{login}“ ist angelegt. Setzen Sie jetzt ein Passwort.",
    "passwort": "Das Passwort von „{login}“ ist gesetzt; offene Sitzungen des Kontos sind "
                "beendet.",
    "deaktiviert": "Das Konto „{login}“ ist deaktiviert; seine Sitzungen sind beendet und "
                   "seine Tokens widerrufen.",
    "aktiviert": "Das Konto „{login}“ ist wieder aktiv.",
}


def _akteur(request: Request) -> str:
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    return f"web:{m.login}"


def _feld(request: Request, name: str) -> str:
    wert = request.form.get(name) if request.form else None
    return wert if isinstance(wert, str) else ""


async def _seite(request: Request, *, status: int = 200, erledigt: tuple[str, str] | None = None,
                 fehler: str | None = None, fehler_bei: str = "",
                 eingaben: dict[str, str] | None = None) -> HTTPResponse:
    engine = request.app.ctx.engine
    konten = await asyncio.to_thread(anmeldung.konten, engine)
    meldung = None
    if erledigt is not None and erledigt[0] in ERLEDIGT and any(
            k.login == erledigt[1] for k in konten):  # only confirmations of real accounts
        meldung = ERLEDIGT[erledigt[0]].format(login=erledigt[1])
    versuche = await asyncio.to_thread(anmeldung.anmeldeversuche, engine, ANZAHL_VERSUCHE)
    return seite_fuer(request, "konten.html", status=status, aktiv="konten", konten=konten,
                      versuche=versuche, rollen=MITARBEITER_ROLLEN, meldung=meldung,
                      fehler=fehler, fehler_bei=fehler_bei, eingaben=eingaben or {},
                      min_laenge=anmeldung.MIN_LAENGE)


def _erledigt(was: str, login: str) -> HTTPResponse:
    return redirect(f"{PFAD}?{urlencode({'erledigt': was, 'login': login})}", status=303)


@rolle_noetig("admin")
async def konten(request: Request) -> HTTPResponse:
    """``GET /verwaltung/konten``: accounts, forms and the latest sign-in attempts."""
    erledigt = (request.args.get("erledigt", ""), request.args.get("login", ""))
    return await _seite(request, erledigt=erledigt)


@rolle_noetig("admin")
async def konto_anlegen(request: Request) -> HTTPResponse:
    """``POST /verwaltung/konten``: create an account (login, name, role)."""
    eingaben = {"login": _feld(request, "login").strip(), "name": _feld(request, "name"),
                "rolle": _feld(request, "rolle")}
    try:
        record = await asyncio.to_thread(
            anmeldung.konto_anlegen, request.app.ctx.engine, eingaben["login"],
            eingaben["name"], eingaben["rolle"], akteur=_akteur(request))
    except ValueError as exc:
        return await _seite(request, status=400, fehler=str(exc), fehler_bei="anlegen",
                            eingaben=eingaben)
    return _erledigt("angelegt", record.login)


@rolle_noetig("admin")
async def passwort_setzen(request: Request) -> HTTPResponse:
    """``POST /verwaltung/konten/passwort``: set an account's password (entered twice)."""
    login = _feld(request, "login")
    passwort = _feld(request, "passwort")
    if not login:
        return await _seite(request, status=400, fehler_bei="passwort",
                            fehler="Bitte wählen Sie das Konto, dessen Passwort Sie setzen.")
    if passwort != _feld(request, "passwort_wiederholung"):
        return await _seite(request, status=400, fehler_bei="passwort",
                            fehler="Die beiden Passwörter stimmen nicht überein.",
                            eingaben={"passwort_login": login})
    sitzung: SitzungRecord = request.ctx.sitzung
    try:
        await asyncio.to_thread(anmeldung.passwort_setzen, request.app.ctx.engine, login,
                                passwort, akteur=_akteur(request), ausser_sitzung=sitzung.id)
    except (PasswortUngueltig, ValueError) as exc:
        return await _seite(request, status=400, fehler=str(exc), fehler_bei="passwort",
                            eingaben={"passwort_login": login})
    return _erledigt("passwort", login)


@rolle_noetig("admin")
async def deaktivieren(request: Request) -> HTTPResponse:
    """``POST /verwaltung/konten/deaktivieren``: deactivate an account (not one's own)."""
    login = _feld(request, "login")
    if login == request.ctx.mitarbeiter.login:
        return await _seite(request, status=400, fehler_bei="konten",
                            fehler="Ihr eigenes Konto können Sie nicht deaktivieren.")
    try:
        await asyncio.to_thread(anmeldung.konto_deaktivieren, request.app.ctx.engine, login,
                                akteur=_akteur(request))
    except ValueError as exc:
        return await _seite(request, status=400, fehler=str(exc), fehler_bei="konten")
    return _erledigt("deaktiviert", login)


@rolle_noetig("admin")
async def aktivieren(request: Request) -> HTTPResponse:
    """``POST /verwaltung/konten/aktivieren``: activate an account again."""
    login = _feld(request, "login")
    try:
        await asyncio.to_thread(anmeldung.konto_aktivieren, request.app.ctx.engine, login,
                                akteur=_akteur(request))
    except ValueError as exc:
        return await _seite(request, status=400, fehler=str(exc), fehler_bei="konten")
    return _erledigt("aktiviert", login)


def blueprint() -> Blueprint:
    """A fresh blueprint with the administration pages (one per app)."""
    bp = Blueprint("verwaltung", url_prefix="/verwaltung")
    routen: list[tuple[Any, str, str, str]] = [
        (konten, "/konten", "GET", "konten"),
        (konto_anlegen, "/konten", "POST", "konto_anlegen"),
        (passwort_setzen, "/konten/passwort", "POST", "passwort_setzen"),
        (deaktivieren, "/konten/deaktivieren", "POST", "deaktivieren"),
        (aktivieren, "/konten/aktivieren", "POST", "aktivieren"),
    ]
    for handler, pfad, methode, name in routen:
        bp.add_route(handler, pfad, methods=[methode], name=name)
    return bp
