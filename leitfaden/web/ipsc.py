"""IPSC pages: the support-offer listing with its filter, and one offer with its history.

Every signed-in employee may read them (all four roles).
"""

from __future__ import annotations

import asyncio
import datetime as dt

from sanic import Blueprint
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from leitfaden import angebotsregister, clock
from leitfaden.store.models import MITARBEITER_ROLLEN
from leitfaden.store.records import AngebotRecord
from leitfaden.texte import zeitpunkt_text
from leitfaden.web import auftraege
from leitfaden.web.filter import FELDER, suchen
from leitfaden.web.sitzung import rolle_noetig
from leitfaden.web.vorlagen import seite_fuer


def abfrage(request: Request) -> dict[str, str]:
    """Query parameters, first value each, blank values kept (``gueltig_am=`` means "any")."""
    args = request.get_args(keep_blank_values=True)
    return {name: args.get(name) for name in args}


def zustand(angebot: AngebotRecord, heute: dt.date) -> tuple[str, str]:
    """CSS class and German text of the offer's validity today."""
    if angebot.zurueckgezogen:
        return "zurueckgezogen", (f"Zurückgezogen am {zeitpunkt_text(angebot.zurueckgezogen_am)}"
                                  " – das Angebot gilt nicht")
    if angebot.gilt_am(heute):
        return "gueltig", "Aktuell gültig"
    if angebot.gueltig_ab > heute:
        return "zukuenftig", f"Noch nicht gültig – gilt ab {angebot.gueltig_ab:%d.%m.%Y}"
    return "beendet", f"Beendet am {angebot.gueltig_bis:%d.%m.%Y}"


@rolle_noetig(*MITARBEITER_ROLLEN)
async def liste(request: Request) -> HTTPResponse:
    """``GET /ipsc/angebote``: filter form and the matching offers."""
    engine = request.app.ctx.engine
    ergebnis = await asyncio.to_thread(suchen, engine, abfrage(request))
    agenturen = await asyncio.to_thread(angebotsregister.agenturen, engine)
    dienststellen = await asyncio.to_thread(angebotsregister.dienststellen, engine)
    f = ergebnis.filter
    return seite_fuer(
        request,
        "angebote.html",
        status=400 if ergebnis.fehler else 200,
        aktiv="angebote",
        ergebnis=ergebnis,
        f=f,
        fehler_felder={fe.parameter: fe for fe in ergebnis.fehler},
        felder=FELDER,
        agenturen=agenturen,
        dienststellen=dienststellen,
        datum_wert=f.gueltig_am.isoformat() if f.gueltig_am else "",
    )


@rolle_noetig(*MITARBEITER_ROLLEN)
async def detail(request: Request, angebot_id: str) -> HTTPResponse:
    """``GET /ipsc/angebote/<id>``: every field of one offer and its change history."""
    engine = request.app.ctx.engine
    gefunden = await asyncio.to_thread(angebotsregister.angebot, engine, angebot_id)
    if gefunden is None:
        raise NotFound("Dieses Angebot gibt es nicht (mehr).")
    angebot, dienststelle, postleitzahlen = gefunden
    verlauf = await asyncio.to_thread(auftraege.verlauf_fuer_angebot, engine, angebot.id)
    zustand_klasse, zustand_text = zustand(angebot, clock.today())
    return seite_fuer(
        request,
        "angebot.html",
        aktiv="angebote",
        a=angebot,
        d=dienststelle,
        postleitzahlen=postleitzahlen,
        verlauf=verlauf,
        zustand_klasse=zustand_klasse,
        zustand_text=zustand_text,
    )


def blueprint() -> Blueprint:
    """A fresh blueprint with the IPSC pages (one per app)."""
    bp = Blueprint("ipsc", url_prefix="/ipsc")
    bp.add_route(liste, "/angebote", methods=["GET"], name="liste")
    bp.add_route(detail, "/angebote/<angebot_id>", methods=["GET"], name="detail")
    return bp
