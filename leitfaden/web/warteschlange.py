"""The SOC-L work queue page (``/warteschlange``): Abschlag requests from the customer chat.

SOC-L and administration see the queue; only SOC-L decides. Approving goes through a
confirmation page naming amount and masked account (``GET .../genehmigen``), then
``POST .../genehmigen`` transfers exactly once through :func:`warteschlange.genehmigen`
(a second approval, also concurrent, pays nothing). Rejecting needs a reason. No full
Kundennummer or IBAN on these pages; Schutzkennzeichen-M records show no data at all, and
the caller's own words on the hardship only SOC-L sees. After a decision the browser is
redirected (post/redirect/get), so reloading does not send it again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import quote

from sanic import Blueprint
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse, redirect

from leitfaden import clock
from leitfaden.abschlag import ledger, warteschlange
from leitfaden.abschlag.ledger import (
    AbschlagFehler,
    Ueberweisung,
    betrag_in_cent,
    iban_maskiert,
    kundennummer_maskiert,
)
from leitfaden.mitarbeiter import MitarbeiterRecord
from leitfaden.nlp.normalise import format_euro, from_cents
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
    betrag: str
    haertegrund: str
    berechnung: str
    ergebnis: str
    schutzkennzeichen_m: bool


@dataclass(frozen=True)
class Vorschau:
    """What approving would pay now: amount (at most what the rules allow today) and account.

    The confirmation page sends both back; a difference at approval time means something
    changed in between, and nothing is paid without a new confirmation.
    """

    cent: int | None
    betrag: str
    konto: str
    gruende: tuple[str, ...]


def _eintrag(repo: SqlRepository, a: warteschlange.Antrag, *, haerte_text: bool) -> Eintrag:
    kunde = repo.kunde(a.kundennummer)
    if kunde is not None and kunde.schutzkennzeichen_m:
        return Eintrag(a, "Schutzkennzeichen M", "–", "–", "–", "–", "–", True)
    berechnung = a.berechnung or {}
    text = str(berechnung.get("berechnung_text") or berechnung.get("berechnung") or "")
    grund = HAERTEGRUENDE.get(a.haertegrund, a.haertegrund)
    if a.haertegrund_text and haerte_text:  # the caller's own words: SOC-L only
        grund = f"{grund}: {a.haertegrund_text}"
    return Eintrag(
        antrag=a,
        kunde=kundennummer_maskiert(a.kundennummer),
        konto=iban_maskiert(kunde.iban) if kunde is not None and kunde.iban else "kein Konto",
        betrag=a.betrag_text,
        haertegrund=grund,
        berechnung=text,
        ergebnis=a.bestaetigungsnummer or a.ablehnungsgrund or "–",
        schutzkennzeichen_m=False,
    )


def _liste(engine, haerte_text: bool) -> tuple[list[Eintrag], list[Eintrag]]:
    repo = SqlRepository(engine)
    offen = [_eintrag(repo, a, haerte_text=haerte_text)
             for a in warteschlange.offene_antraege(engine)]
    entschieden = [_eintrag(repo, a, haerte_text=haerte_text)
                   for a in warteschlange.zuletzt_entschieden(engine, limit=20)]
    return offen, entschieden


def _antrag(engine, nummer: str) -> warteschlange.Antrag:
    a = warteschlange.antrag(engine, nummer) if len(nummer) <= 40 else None
    if a is None:
        raise NotFound(f"Einen Antrag {nummer} gibt es nicht.")
    return a


def _vorschau(engine, a: warteschlange.Antrag) -> Vorschau:
    entscheidung = warteschlange.abschlag_pruefen(engine, a.kundennummer, clock.today())
    kunde = SqlRepository(engine).kunde(a.kundennummer)
    konto = iban_maskiert(kunde.iban) if kunde is not None and kunde.iban else "kein Konto"
    if not entscheidung.moeglich:
        return Vorschau(None, "–", konto, tuple(g.text for g in entscheidung.gruende))
    cent = min(betrag_in_cent(a.betrag), entscheidung.betrag_cent)
    return Vorschau(cent, format_euro(from_cents(cent)), konto, ())


def _haerte_text(request: Request) -> bool:
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    return m.darf_ueberweisen


def _erledigt_meldung(engine, nummer: str) -> str | None:
    """The message after a decision (the page after the redirect)."""
    a = warteschlange.antrag(engine, nummer) if 0 < len(nummer) <= 40 else None
    if a is None or a.status == "offen":
        return None
    if a.status == "abgelehnt":
        return f"Antrag {nummer} abgelehnt. Es wurde nichts überwiesen."
    u = ledger.ueberweisung(engine, a.bestaetigungsnummer) if a.bestaetigungsnummer else None
    if u is None:
        return f"Antrag {nummer} genehmigt."
    return (f"Antrag {nummer} genehmigt: {u.betrag_text} auf das Konto {u.iban_maskiert} "
            f"überwiesen. Bestätigungsnummer {u.bestaetigungsnummer}; Gutschrift "
            f"voraussichtlich {u.gutschrift_text}.")


@rolle_noetig(*LESENDE_ROLLEN)
async def liste(request: Request) -> HTTPResponse:
    """``GET /warteschlange``: open requests (oldest first) and the latest decisions."""
    engine = request.app.ctx.engine
    offen, entschieden = await asyncio.to_thread(_liste, engine, _haerte_text(request))
    meldung = await asyncio.to_thread(_erledigt_meldung, engine,
                                      request.args.get("erledigt") or "")
    return seite_fuer(request, "warteschlange.html", aktiv="warteschlange", offen=offen,
                      entschieden=entschieden, meldung=meldung, fehler=None)


def _darf_entscheiden(request: Request) -> HTTPResponse | None:
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    if m.darf_ueberweisen:
        return None
    return seite_fuer(request, "fehler.html", status=403, titel="Keine Berechtigung",
                      meldung="Über Abschlagsanträge entscheiden nur Mitarbeiterinnen und "
                              "Mitarbeiter des SOC-L.")


def _bestaetigung_laden(engine, nummer: str) -> tuple[Eintrag, Vorschau]:
    a = _antrag(engine, nummer)
    return _eintrag(SqlRepository(engine), a, haerte_text=True), _vorschau(engine, a)


@rolle_noetig("socl")
async def bestaetigen(request: Request, nummer: str) -> HTTPResponse:
    """``GET /warteschlange/<nummer>/genehmigen``: what would be paid now, to which account."""
    verboten = _darf_entscheiden(request)
    if verboten is not None:
        return verboten
    eintrag, vorschau = await asyncio.to_thread(_bestaetigung_laden, request.app.ctx.engine,
                                                nummer)
    return seite_fuer(request, "warteschlange_bestaetigen.html", aktiv="warteschlange",
                      eintrag=eintrag, vorschau=vorschau)


async def _neu_anzeigen(request: Request, *, fehler: str, status: int) -> HTTPResponse:
    offen, entschieden = await asyncio.to_thread(_liste, request.app.ctx.engine,
                                                 _haerte_text(request))
    return seite_fuer(request, "warteschlange.html", status=status, aktiv="warteschlange",
                      offen=offen, entschieden=entschieden, meldung=None, fehler=fehler)


def _erledigt(nummer: str) -> HTTPResponse:
    """Post/redirect/get: reloading the page does not send the decision again."""
    return redirect(f"/warteschlange?erledigt={quote(nummer, safe='')}", status=303)


@rolle_noetig("socl")
async def genehmigen(request: Request, nummer: str) -> HTTPResponse:
    """``POST /warteschlange/<nummer>/genehmigen``: approve and transfer (exactly once).

    Only with the amount (``betrag_cent``) and masked account (``konto``) the confirmation
    showed; if either differs now, nothing is paid (409) and the page shows the new values.
    """
    verboten = _darf_entscheiden(request)
    if verboten is not None:
        return verboten
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    engine = request.app.ctx.engine
    gezeigt_cent = (request.form.get("betrag_cent") or "").strip()
    gezeigt_konto = (request.form.get("konto") or "").strip()
    try:
        a = await asyncio.to_thread(_antrag, engine, nummer)
        if a.status == "offen":
            vorschau = await asyncio.to_thread(_vorschau, engine, a)
            if vorschau.cent is not None and (gezeigt_cent != str(vorschau.cent)
                                              or gezeigt_konto != vorschau.konto):
                return await _neu_anzeigen(request, status=409, fehler=(
                    f"Betrag oder Konto von Antrag {nummer} haben sich seit der Bestätigung "
                    f"geändert (jetzt {vorschau.betrag} auf {vorschau.konto}). Es wurde nichts "
                    "überwiesen; bitte prüfen Sie den Antrag erneut."))
        u: Ueberweisung = await asyncio.to_thread(warteschlange.genehmigen, engine, nummer,
                                                  m.login)
    except AbschlagFehler as exc:
        status = 404 if isinstance(exc, warteschlange.AntragUnbekannt) else 409
        return await _neu_anzeigen(request, fehler=str(exc), status=status)
    if not u.neu:  # approved before (second tab, double click): the stored transfer
        return await _neu_anzeigen(request, status=409, fehler=(
            f"Der Antrag {nummer} wurde bereits genehmigt (Bestätigungsnummer "
            f"{u.bestaetigungsnummer}); es wurde nichts erneut überwiesen."))
    return _erledigt(nummer)


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
    return _erledigt(nummer)


def blueprint() -> Blueprint:
    """The queue page's routes."""
    bp = Blueprint("warteschlange")
    bp.add_route(liste, "/warteschlange", methods=["GET"])
    bp.add_route(bestaetigen, "/warteschlange/<nummer>/genehmigen", methods=["GET"])
    bp.add_route(genehmigen, "/warteschlange/<nummer>/genehmigen", methods=["POST"],
                 name="genehmigen_post")
    bp.add_route(ablehnen, "/warteschlange/<nummer>/ablehnen", methods=["POST"])
    return bp
