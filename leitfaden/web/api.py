"""JSON/HTTP API: the offer listing and the Webauftrag intake of the Agenturen.

The offers (``/api/angebote``) need a signed-in session or ``Authorization: Bearer <Token>``
of an active employee; the Webaufträge the token of an Agentur.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_antwort

from leitfaden import angebotsregister
from leitfaden.store.models import MITARBEITER_ROLLEN
from leitfaden.store.tokens import bearer_token
from leitfaden.web.filter import suchen
from leitfaden.web.formate import angebot_json, dumps
from leitfaden.web.ipsc import abfrage
from leitfaden.web.sitzung import rolle_noetig
from leitfaden.webauftrag.dokument import MAX_BYTES, Fehler, FremdeAgentur, WebauftragUngueltig
from leitfaden.webauftrag.eingang import (
    STATUS_ANGEWENDET,
    WebauftragKonflikt,
    agentur_fuer_token,
    einreichen,
    pruefen,
    verlauf,
)

#: Name of the document in error messages of HTTP submissions.
DOKUMENT = "HTTP-Anfrage"
#: ``limit`` of ``GET /api/webauftraege``: 1 to 1000, ASCII digits only.
MAX_LIMIT = 1000
_LIMIT = re.compile(r"[0-9]{1,4}")


def antwort(daten: Any, status: int = 200) -> HTTPResponse:
    """JSON with umlauts as they are."""
    return json_antwort(daten, status=status, dumps=dumps)


@rolle_noetig(*MITARBEITER_ROLLEN, token_erlaubt=True)
async def angebote(request: Request) -> HTTPResponse:
    """``GET /api/angebote``: the listing's filters; a JSON list of offers."""
    ergebnis = await asyncio.to_thread(suchen, request.app.ctx.engine, abfrage(request))
    if ergebnis.fehler:
        return antwort({"fehler": [
            {"parameter": f.parameter, "feld": f.feld, "meldung": f.meldung}
            for f in ergebnis.fehler
        ]}, status=400)
    if ergebnis.hinweis:
        return antwort({"fehler": ergebnis.hinweis}, status=404)
    return antwort([angebot_json(a, d) for a, d in ergebnis.treffer])


@rolle_noetig(*MITARBEITER_ROLLEN, token_erlaubt=True)
async def angebot(request: Request, angebot_id: str) -> HTTPResponse:
    """``GET /api/angebote/<id>``: one offer with the postcodes its Dienststelle serves."""
    gefunden = await asyncio.to_thread(
        angebotsregister.angebot, request.app.ctx.engine, angebot_id)
    if gefunden is None:
        return antwort({"fehler": f"Das Angebot „{angebot_id}“ gibt es nicht."}, status=404)
    a, d, postleitzahlen = gefunden
    return antwort({**angebot_json(a, d), "postleitzahlen": postleitzahlen})


# --- Webaufträge ---------------------------------------------------------------------------


def _nicht_angemeldet() -> HTTPResponse:
    response = antwort({"fehler": "Anmeldung erforderlich: Bitte senden Sie den Token Ihrer "
                                  "Agentur im Header 'Authorization: Bearer <Token>'."},
                       status=401)
    response.headers["WWW-Authenticate"] = 'Bearer realm="webauftrag"'
    return response


async def _agentur(request: Request) -> str | None:
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        return None
    return await asyncio.to_thread(agentur_fuer_token, request.app.ctx.engine, token)


def _fehlerliste(fehler: list[Fehler]) -> list[dict[str, Any]]:
    return [f.als_dict() for f in fehler]


def _text(request: Request) -> str | HTTPResponse:
    """The request body as text, or the error response (413, 422)."""
    body = request.body or b""
    if len(body) > MAX_BYTES:
        return antwort({"fehler": f"Der Webauftrag ist zu groß ({len(body) // 1024} KiB, "
                                  f"höchstens {MAX_BYTES // 1024} KiB). Teilen Sie ihn "
                                  "auf mehrere Webaufträge auf."}, status=413)
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        fehler = Fehler(DOKUMENT, None, None, None,
                        f"Der Webauftrag ist nicht UTF-8-kodiert (Byte {exc.start}).")
        return antwort({"fehler": _fehlerliste([fehler])}, status=422)


async def _verarbeiten(request: Request, funktion) -> HTTPResponse:
    agentur_id = await _agentur(request)
    if agentur_id is None:
        return _nicht_angemeldet()
    text = _text(request)
    if isinstance(text, HTTPResponse):
        return text
    try:
        ergebnis = await asyncio.to_thread(
            funktion, request.app.ctx.engine, text, agentur_id)
    except FremdeAgentur as exc:  # only this error: nothing about the other Agentur
        return antwort({"fehler": exc.fehler[0].meldung}, status=403)
    except WebauftragUngueltig as exc:
        return antwort({"fehler": _fehlerliste(exc.fehler)}, status=422)
    except WebauftragKonflikt as exc:
        return antwort({"fehler": str(exc)}, status=409)
    status = 201 if ergebnis.status == STATUS_ANGEWENDET else 200
    return antwort(ergebnis.als_dict(), status=status)


def _einreichen(engine, text: str, agentur_id: str):
    return einreichen(engine, text, dokument=DOKUMENT, absender_kanal="http",
                      erwartete_agentur=agentur_id)


def _pruefen(engine, text: str, agentur_id: str):
    return pruefen(engine, text, dokument=DOKUMENT, erwartete_agentur=agentur_id)


async def webauftrag_einreichen(request: Request) -> HTTPResponse:
    """``POST /api/webauftraege``: apply a Webauftrag (YAML or JSON) of the token's Agentur.

    201 applied, 200 the same document again (``bereits_angewendet``), 401 no/invalid token,
    403 another Agentur's document, 409 number reused for other content, 413 too large,
    422 invalid (every error with document, line, entry, field, message).
    """
    return await _verarbeiten(request, _einreichen)


async def webauftrag_pruefen(request: Request) -> HTTPResponse:
    """``POST /api/webauftraege/pruefen``: check only (nothing is written); 200 ``geprueft``."""
    return await _verarbeiten(request, _pruefen)


async def webauftraege(request: Request) -> HTTPResponse:
    """``GET /api/webauftraege``: the token's Agentur's Webaufträge, newest first."""
    agentur_id = await _agentur(request)
    if agentur_id is None:
        return _nicht_angemeldet()
    roh = request.args.get("limit", "100")
    if not _LIMIT.fullmatch(roh) or not 1 <= int(roh) <= MAX_LIMIT:
        return antwort({"fehler": f"Der Parameter 'limit' muss eine ganze Zahl von 1 bis "
                                  f"{MAX_LIMIT} sein (Ziffern 0-9)."}, status=400)
    eintraege = await asyncio.to_thread(
        verlauf, request.app.ctx.engine, agentur_id=agentur_id, limit=int(roh))
    return antwort([e.als_dict() for e in eintraege])


def blueprint() -> Blueprint:
    """A fresh blueprint with the API routes (one per app)."""
    bp = Blueprint("api", url_prefix="/api")
    bp.add_route(angebote, "/angebote", methods=["GET"], name="angebote")
    bp.add_route(angebot, "/angebote/<angebot_id>", methods=["GET"], name="angebot")
    bp.add_route(webauftrag_einreichen, "/webauftraege", methods=["POST"],
                 name="webauftrag_einreichen")
    bp.add_route(webauftraege, "/webauftraege", methods=["GET"], name="webauftraege")
    bp.add_route(webauftrag_pruefen, "/webauftraege/pruefen", methods=["POST"],
                 name="webauftrag_pruefen")
    return bp
