"""The SOC-L work queue page (``/warteschlange``): Abschlag requests from the customer chat.

SOC-L and administration see the queue; only SOC-L decides. Approving goes through a
confirmation page naming amount and masked account (``GET .../genehmigen``), then
``POST .../genehmigen`` transfers exactly once through :func:`warteschlange.genehmigen`
(a second approval, also concurrent, pays nothing). Rejecting needs a reason. No full
Kundennummer or IBAN on these pages; Schutzkennzeichen-M records show no data at all.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sanic import Blueprint
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from leitfaden.abschlag import warteschlange
from leitfaden.abschlag.ledger import (
    AbschlagFehler,
    Ueberweisung,
    iban_maskiert,
    kundennummer_maskiert,
)
from leitfaden.mitarbeiter import MitarbeiterRecord
from leitfaden.store.records import HAERTEGRUENDE
from leitfaden.store.repository import SqlRepository
from leitfaden.web.sitzung import rolle_noetig
from leitfaden.web.vorlagen import seite_fuer

#: Who may see the queue; deciding needs ``darf_ueberweisen`` (SOC-L).
LESENDE_ROLLEN = ("socl", "admin")
#: Longest reason of a rejection.
MAX_GRUND = 500


@dataclass(frozen=True)
class Eintrag:
    """A request as the queue page shows it (no full Kundennummer or IBAN)."""

    antrag: warteschlange.Antrag
    kunde: str
    konto: str
    haertegrund: str
    berechnung: str
    schutzkennzeichen_m: bool


def _eintrag(repo: SqlRepository, a: warteschlange.Antrag) -> Eintrag:
    kunde = repo.kunde(a.kundennummer)
    if kunde is not None and kunde.schutzkennzeichen_m:
        return Eintrag(a, "Schutzkennzeichen M", "–", "–", "–", True)
    berechnung = a.berechnung or {}
    text = str(berechnung.get("berechnung_text") or berechnung.get("berechnung") or "")
    grund = HAERTEGRUENDE.get(a.haertegrund, a.haertegrund)
    if a.haertegrund_text:
        grund = f"{grund}: {a.haertegrund_text}"
    return Eintrag(
        antrag=a,
        kunde=kundennummer_maskiert(a.kundennummer),
        konto=iban_maskiert(kunde.iban) if kunde is not None and kunde.iban else "kein Konto",
        haertegrund=grund,
        berechnung=text,
        schutzkennzeichen_m=False,
    )


def _liste(engine) -> tuple[list[Eintrag], list[Eintrag]]:
    repo = SqlRepository(engine)
    offen = [_eintrag(repo, a) for a in warteschlange.offene_antraege(engine)]
    alle = warteschlange.antraege(engine, limit=500)
    entschieden = [_eintrag(repo, a) for a in reversed(alle) if a.status != "offen"][:20]
    return offen, entschieden


def _einer(engine, nummer: str) -> Eintrag:
    a = warteschlange.antrag(engine, nummer) if len(nummer) <= 40 else None
    if a is None:
        raise NotFound(f"Einen Antrag {nummer} gibt es nicht.")
    return _eintrag(SqlRepository(engine), a)


@rolle_noetig(*LESENDE_ROLLEN)
async def liste(request: Request) -> HTTPResponse:
    """``GET /warteschlange``: open requests (oldest first) and the latest decisions."""
    offen, entschieden = await asyncio.to_thread(_liste, request.app.ctx.engine)
    return seite_fuer(request, "warteschlange.html", aktiv="warteschlange", offen=offen,
                      entschieden=entschieden, meldung=None, fehler=None)


def _darf_entscheiden(request: Request) -> HTTPResponse | None:
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    if m.darf_ueberweisen:
        return None
    return seite_fuer(request, "fehler.html", status=403, titel="Keine Berechtigung",
                      meldung="Über Abschlagsanträge entscheiden nur Mitarbeiterinnen und "
                              "Mitarbeiter des SOC-L.")


@rolle_noetig("socl")
async def bestaetigen(request: Request, nummer: str) -> HTTPResponse:
    """``GET /warteschlange/<nummer>/genehmigen``: the confirmation (amount, masked account)."""
    verboten = _darf_entscheiden(request)
    if verboten is not None:
        return verboten
    eintrag = await asyncio.to_thread(_einer, request.app.ctx.engine, nummer)
    return seite_fuer(request, "warteschlange_bestaetigen.html", aktiv="warteschlange",
                      eintrag=eintrag)


async def _neu_anzeigen(request: Request, *, meldung: str | None = None,
                        fehler: str | None = None, status: int = 200) -> HTTPResponse:
    offen, entschieden = await asyncio.to_thread(_liste, request.app.ctx.engine)
    return seite_fuer(request, "warteschlange.html", status=status, aktiv="warteschlange",
                      offen=offen, entschieden=entschieden, meldung=meldung, fehler=fehler)


@rolle_noetig("socl")
async def genehmigen(request: Request, nummer: str) -> HTTPResponse:
    """``POST /warteschlange/<nummer>/genehmigen``: approve and transfer (exactly once)."""
    verboten = _darf_entscheiden(request)
    if verboten is not None:
        return verboten
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    try:
        u: Ueberweisung = await asyncio.to_thread(
            warteschlange.genehmigen, request.app.ctx.engine, nummer, m.login)
    except AbschlagFehler as exc:
        status = 404 if isinstance(exc, warteschlange.AntragUnbekannt) else 409
        return await _neu_anzeigen(request, fehler=str(exc), status=status)
    if not u.neu:  # approved before (second tab, double click): the stored transfer
        return await _neu_anzeigen(request, status=409, fehler=(
            f"Der Antrag {nummer} wurde bereits genehmigt (Bestätigungsnummer "
            f"{u.bestaetigungsnummer}); es wurde nichts erneut überwiesen."))
    return await _neu_anzeigen(
        request, meldung=(f"Antrag {nummer} genehmigt: {u.betrag_text} auf das Konto "
                          f"{u.iban_maskiert} überwiesen. Bestätigungsnummer "
                          f"{u.bestaetigungsnummer}; Gutschrift voraussichtlich "
                          f"{u.gutschrift_text}."))


@rolle_noetig("socl")
async def ablehnen(request: Request, nummer: str) -> HTTPResponse:
    """``POST /warteschlange/<nummer>/ablehnen``: reject with a reason (form field ``grund``)."""
    verboten = _darf_entscheiden(request)
    if verboten is not None:
        return verboten
    grund = " ".join((request.form.get("grund") or "").split())
    if not grund:
        return await _neu_anzeigen(request, status=400, fehler=(
            f"Bitte geben Sie einen Grund für die Ablehnung von {nummer} an."))
    if len(grund) > MAX_GRUND:
        return await _neu_anzeigen(request, status=400, fehler=(
            f"Der Grund ist zu lang (höchstens {MAX_GRUND} Zeichen)."))
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    try:
        await asyncio.to_thread(warteschlange.ablehnen, request.app.ctx.engine, nummer,
                                m.login, grund)
    except AbschlagFehler as exc:
        status = 404 if isinstance(exc, warteschlange.AntragUnbekannt) else 409
        return await _neu_anzeigen(request, fehler=str(exc), status=status)
    return await _neu_anzeigen(request, meldung=f"Antrag {nummer} abgelehnt. Es wurde nichts "
                                                "überwiesen.")


def blueprint() -> Blueprint:
    """The queue page's routes."""
    bp = Blueprint("warteschlange")
    bp.add_route(liste, "/warteschlange", methods=["GET"])
    bp.add_route(bestaetigen, "/warteschlange/<nummer>/genehmigen", methods=["GET"])
    bp.add_route(genehmigen, "/warteschlange/<nummer>/genehmigen", methods=["POST"],
                 name="genehmigen_post")
    bp.add_route(ablehnen, "/warteschlange/<nummer>/ablehnen", methods=["POST"])
    return bp
