"""HTTP API of the SOC-L work queue (Abschlag requests from the customer chat) and SEPA files.

Every route needs ``Authorization: Bearer <Token>`` of an active employee (401 otherwise).
Listing and SEPA files: SOC-L and administration; decisions: only SOC-L (403 otherwise).
Unknown Vorgang 404; already decided or no longer possible 409. Errors are German JSON
``{"fehler": "..."}``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, raw

from leitfaden.abschlag.ledger import AbschlagFehler, KeineBerechtigung, UngueltigeAngabe
from leitfaden.abschlag.sepa import SepaDatei, exportnummer, sepa_datei, sepa_exportieren
from leitfaden.abschlag.warteschlange import (
    AntragBereitsEntschieden,
    AntragNichtMehrMoeglich,
    AntragUnbekannt,
    ablehnen,
    antrag,
    genehmigen,
    offene_antraege,
)
from leitfaden.mitarbeiter import MitarbeiterRecord, mitarbeiter_fuer_token
from leitfaden.store.tokens import bearer_token
from leitfaden.web.api import antwort

#: Roles that may see the queue and fetch SEPA files (deciding needs ``darf_ueberweisen``).
LESENDE_ROLLEN = frozenset({"socl", "admin"})

#: Longest accepted JSON body of a decision.
MAX_BODY = 16 * 1024


def _nicht_angemeldet() -> HTTPResponse:
    response = antwort({"fehler": "Anmeldung erforderlich: Bitte senden Sie Ihren persönlichen "
                                  "Token im Header 'Authorization: Bearer <Token>'."},
                       status=401)
    response.headers["WWW-Authenticate"] = 'Bearer realm="abschlag"'
    return response


def _verboten(m: MitarbeiterRecord, was: str, wer: str) -> HTTPResponse:
    return antwort({"fehler": f"Ihr Konto „{m.login}“ (Rolle {m.rolle}) darf {was} nicht. "
                              f"Das ist {wer} vorbehalten."}, status=403)


async def _anmelden(request: Request) -> MitarbeiterRecord | HTTPResponse:
    token = bearer_token(request.headers.get("authorization"))
    m = None
    if token is not None:
        m = await asyncio.to_thread(mitarbeiter_fuer_token, request.app.ctx.engine, token)
    return m if m is not None else _nicht_angemeldet()


async def _lesend(request: Request, was: str) -> MitarbeiterRecord | HTTPResponse:
    m = await _anmelden(request)
    if isinstance(m, MitarbeiterRecord) and m.rolle not in LESENDE_ROLLEN:
        return _verboten(m, was, "dem SOC-L und der Administration")
    return m


async def _entscheidend(request: Request) -> MitarbeiterRecord | HTTPResponse:
    m = await _anmelden(request)
    if isinstance(m, MitarbeiterRecord) and not m.darf_ueberweisen:
        return _verboten(m, "über Abschlagsanträge entscheiden",
                         "Mitarbeiterinnen und Mitarbeitern des SOC-L")
    return m


def _unbekannt(nummer: str) -> HTTPResponse:
    return antwort({"fehler": f"Einen Antrag {nummer} gibt es nicht."}, status=404)


def _fehler_antwort(exc: AbschlagFehler) -> HTTPResponse:
    """The status of a refusal of the queue or the ledger."""
    if isinstance(exc, AntragUnbekannt):
        return antwort({"fehler": str(exc)}, status=404)
    if isinstance(exc, KeineBerechtigung):
        return antwort({"fehler": str(exc)}, status=403)
    if isinstance(exc, UngueltigeAngabe):
        return antwort({"fehler": str(exc)}, status=400)
    daten: dict[str, Any] = {"fehler": str(exc)}
    if isinstance(exc, AntragNichtMehrMoeglich):
        daten["gruende"] = [g.als_dict() for g in exc.gruende]
    if isinstance(exc, AntragBereitsEntschieden):
        daten["antrag"] = exc.antrag.als_dict()
    return antwort(daten, status=409)


# --- routes --------------------------------------------------------------------------------


async def antraege(request: Request) -> HTTPResponse:
    """``GET /api/abschlaege/antraege``: the open requests, oldest first."""
    m = await _lesend(request, "die Warteschlange der Abschlagsanträge sehen")
    if isinstance(m, HTTPResponse):
        return m
    liste = await asyncio.to_thread(offene_antraege, request.app.ctx.engine)
    return antwort([a.als_dict() for a in liste])


async def antrag_lesen(request: Request, nummer: str) -> HTTPResponse:
    """``GET /api/abschlaege/antraege/<nummer>``: one request, whatever its status."""
    m = await _lesend(request, "Abschlagsanträge sehen")
    if isinstance(m, HTTPResponse):
        return m
    a = await asyncio.to_thread(antrag, request.app.ctx.engine, nummer)
    if a is None:
        return _unbekannt(nummer)
    return antwort(a.als_dict())


async def antrag_genehmigen(request: Request, nummer: str) -> HTTPResponse:
    """``POST .../antraege/<nummer>/genehmigen``: approve and transfer (exactly once).

    200 transferred; 409 approved before (with the stored transfer), rejected before or no
    longer possible (with the reasons).
    """
    m = await _entscheidend(request)
    if isinstance(m, HTTPResponse):
        return m
    engine = request.app.ctx.engine
    try:
        ergebnis = await asyncio.to_thread(genehmigen, engine, nummer, m.login)
    except AbschlagFehler as exc:
        return _fehler_antwort(exc)
    a = await asyncio.to_thread(antrag, engine, nummer)
    daten = {"antrag": a.als_dict() if a else None, "ueberweisung": ergebnis.als_dict()}
    if not ergebnis.neu:
        daten["fehler"] = (f"Der Antrag {nummer} wurde bereits genehmigt (Bestätigungsnummer "
                           f"{ergebnis.bestaetigungsnummer}); es wurde nichts erneut "
                           "überwiesen.")
        return antwort(daten, status=409)
    return antwort(daten)


def _grund(request: Request) -> str | HTTPResponse:
    body = request.body or b""
    if len(body) > MAX_BODY:
        return antwort({"fehler": "Die Anfrage ist zu groß."}, status=413)
    try:
        daten = json.loads(body.decode("utf-8")) if body else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        return antwort({"fehler": 'Der Inhalt ist kein gültiges JSON. Erwartet wird '
                                  '{"grund": "..."}.'}, status=400)
    grund = daten.get("grund") if isinstance(daten, dict) else None
    if not isinstance(grund, str) or not grund.strip():
        return antwort({"fehler": 'Bitte geben Sie einen Grund für die Ablehnung an: '
                                  '{"grund": "..."}.'}, status=400)
    return grund


async def antrag_ablehnen(request: Request, nummer: str) -> HTTPResponse:
    """``POST .../antraege/<nummer>/ablehnen`` with ``{"grund": "..."}``; 409 if decided."""
    m = await _entscheidend(request)
    if isinstance(m, HTTPResponse):
        return m
    grund = _grund(request)
    if isinstance(grund, HTTPResponse):
        return grund
    try:
        a = await asyncio.to_thread(ablehnen, request.app.ctx.engine, nummer, m.login, grund)
    except AbschlagFehler as exc:
        return _fehler_antwort(exc)
    return antwort({"antrag": a.als_dict()})


def _xml(datei: SepaDatei) -> HTTPResponse:
    return raw(datei.xml, content_type="application/xml; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{datei.nummer}.xml"',
        "X-Sepa-Export": datei.nummer,
    })


async def sepa(request: Request) -> HTTPResponse:
    """``GET /api/abschlaege/sepa``: a new SEPA file of the transfers not exported yet.

    404 if there is none. Each transfer is in exactly one file; ``/sepa/<n>`` fetches an
    earlier file again.
    """
    m = await _lesend(request, "SEPA-Dateien abrufen")
    if isinstance(m, HTTPResponse):
        return m
    try:
        datei = await asyncio.to_thread(sepa_exportieren, request.app.ctx.engine,
                                        akteur=m.login)
    except AbschlagFehler as exc:
        return antwort({"fehler": str(exc)}, status=500)
    if datei is None:
        return antwort({"fehler": "Es gibt keine neuen Überweisungen für eine SEPA-Datei."},
                       status=404)
    return _xml(datei)


async def sepa_erneut(request: Request, export_id: int) -> HTTPResponse:
    """``GET /api/abschlaege/sepa/<n>``: an earlier SEPA file, unchanged."""
    m = await _lesend(request, "SEPA-Dateien abrufen")
    if isinstance(m, HTTPResponse):
        return m
    datei = await asyncio.to_thread(sepa_datei, request.app.ctx.engine, export_id)
    if datei is None:
        return antwort({"fehler": f"Eine SEPA-Datei {exportnummer(export_id)} gibt es nicht."},
                       status=404)
    return _xml(datei)


def blueprint() -> Blueprint:
    """A fresh blueprint with the Abschlag routes (one per app)."""
    bp = Blueprint("abschlaege", url_prefix="/api/abschlaege")
    bp.add_route(antraege, "/antraege", methods=["GET"], name="antraege")
    bp.add_route(antrag_lesen, "/antraege/<nummer>", methods=["GET"], name="antrag")
    bp.add_route(antrag_genehmigen, "/antraege/<nummer>/genehmigen", methods=["POST"],
                 name="genehmigen")
    bp.add_route(antrag_ablehnen, "/antraege/<nummer>/ablehnen", methods=["POST"],
                 name="ablehnen")
    bp.add_route(sepa, "/sepa", methods=["GET"], name="sepa")
    bp.add_route(sepa_erneut, "/sepa/<export_id:int>", methods=["GET"], name="sepa_erneut")
    return bp
