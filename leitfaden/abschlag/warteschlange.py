"""The SOC-L work queue: Abschlag requests prepared in the customer chat (domain.md, 3a).

The chat may prepare an Abschlag but never transfer it: :func:`antrag_stellen` stores the
request with a Vorgangsnummer (``VG-2026-000042``, told to the customer). A SOC-L employee
decides it: :func:`genehmigen` checks the rules again on fresh data from the store and then
transfers through the ledger with a key derived from the request, so approving twice or
concurrently pays once; :func:`ablehnen` records the reason. Every decision is audited.

At most one open request per customer and month (partial unique index); the same
idempotency key returns the stored request.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leitfaden import clock
from leitfaden.abschlag.bankkalender import monatserster, monatsletzter
from leitfaden.abschlag.ledger import (
    MAX_SCHLUESSEL,
    AbschlagBereitsGezahlt,
    AbschlagFehler,
    KundeUnbekannt,
    Ueberweisung,
    UngueltigeAngabe,
    abschlag_im_monat,
    auftrag_pruefen,
    berechtigung_pruefen,
    bereits_gezahlt_fehler,
    betrag_in_cent,
    kundennummer_maskiert,
    monat_von,
    schreibtransaktion,
    ueberweisen_in,
    ueberweisung_aus,
    zahlung_nach_schluessel,
)
from leitfaden.abschlag.regeln import Entscheidung, Grund, monatsname, pruefe_abschlag
from leitfaden.abschlag.richtlinie import richtlinie_am
from leitfaden.nlp.normalise import format_euro, from_cents
from leitfaden.store.db import session_scope
from leitfaden.store.models import AbschlagAntrag, Kunde, Zahlung, utc_aware, utc_naiv
from leitfaden.store.records import HAERTEGRUENDE, normalisiere_kundennummer
from leitfaden.store.repository import SqlRepository, audit_schreiben

#: Prefix of the ledger key of an approved request: ``antrag:VG-2026-000042``.
SCHLUESSEL_PRAEFIX = "antrag:"


# --- errors --------------------------------------------------------------------------------


class AntragUnbekannt(AbschlagFehler):
    """There is no request with this Vorgangsnummer."""


class AntragBereitsEntschieden(AbschlagFehler):
    """The request was approved or rejected before."""

    def __init__(self, meldung: str, antrag: Antrag) -> None:
        super().__init__(meldung)
        self.antrag = antrag


class AntragBereitsOffen(AbschlagFehler):
    """Another request of the customer for this month is still open."""

    def __init__(self, meldung: str, antrag: Antrag) -> None:
        super().__init__(meldung)
        self.antrag = antrag


class AntragNichtMehrMoeglich(AbschlagFehler):
    """At decision time the rules no longer allow the Abschlag; ``gruende`` say why."""

    def __init__(self, meldung: str, gruende: tuple[Grund, ...]) -> None:
        super().__init__(meldung)
        self.gruende = gruende


# --- records -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Antrag:
    """An Abschlag request of the work queue."""

    vorgangsnummer: str
    status: str
    kundennummer: str
    monat: str
    betrag: Decimal
    haertegrund: str
    haertegrund_text: str | None
    conversation_id: str
    erstellt_am: dt.datetime
    berechnung: dict[str, Any] = field(default_factory=dict)
    entschieden_am: dt.datetime | None = None
    entschieden_von: str | None = None
    ablehnungsgrund: str | None = None
    bestaetigungsnummer: str | None = None
    neu: bool = False

    @property
    def betrag_text(self) -> str:
        """``889,10 €``."""
        return format_euro(self.betrag)

    def als_dict(self) -> dict[str, Any]:
        """JSON-ready (amount as ``"889.10"``, timestamps ISO in UTC)."""
        return {
            "vorgangsnummer": self.vorgangsnummer, "status": self.status,
            "kundennummer": self.kundennummer, "monat": self.monat,
            "betrag": str(self.betrag), "betrag_text": self.betrag_text,
            "haertegrund": self.haertegrund,
            "haertegrund_label": HAERTEGRUENDE.get(self.haertegrund, self.haertegrund),
            "haertegrund_text": self.haertegrund_text,
            "conversation_id": self.conversation_id,
            "erstellt_am": self.erstellt_am.isoformat(),
            "berechnung": self.berechnung,
            "entschieden_am": self.entschieden_am.isoformat() if self.entschieden_am else None,
            "entschieden_von": self.entschieden_von,
            "ablehnungsgrund": self.ablehnungsgrund,
            "bestaetigungsnummer": self.bestaetigungsnummer,
        }


def _record(a: AbschlagAntrag, s: Session, *, neu: bool = False) -> Antrag:
    nummer = None
    if a.zahlung_id is not None:
        z = s.get(Zahlung, a.zahlung_id)
        nummer = z.bestaetigungsnummer if z is not None else None
    return Antrag(
        vorgangsnummer=a.vorgangsnummer, status=a.status, kundennummer=a.kundennummer,
        monat=a.monat, betrag=from_cents(a.betrag_cent), haertegrund=a.haertegrund,
        haertegrund_text=a.haertegrund_text, conversation_id=a.conversation_id,
        erstellt_am=utc_aware(a.erstellt_am), berechnung=json.loads(a.berechnung or "{}"),
        entschieden_am=utc_aware(a.entschieden_am), entschieden_von=a.entschieden_von,
        ablehnungsgrund=a.ablehnungsgrund, bestaetigungsnummer=nummer, neu=neu,
    )


def vorgangsnummer(jahr: int, antrag_id: int) -> str:
    """``VG-2026-000042``: year of the request and its (never reused) id."""
    return f"VG-{jahr}-{antrag_id:06d}"


def _monat_text(monat: str) -> str:
    return monatsname(dt.date.fromisoformat(f"{monat}-01"))


def _nach_nummer(s: Session, nummer: str, *, sperren: bool = False) -> AbschlagAntrag | None:
    stmt = select(AbschlagAntrag).where(AbschlagAntrag.vorgangsnummer == nummer.strip().upper())
    if sperren:
        stmt = stmt.with_for_update()
    return s.scalars(stmt).first()


def _offen_im_monat(s: Session, kundennummer: str, monat: str) -> AbschlagAntrag | None:
    return s.scalars(select(AbschlagAntrag).where(
        AbschlagAntrag.kundennummer == kundennummer, AbschlagAntrag.monat == monat,
        AbschlagAntrag.status == "offen")).first()


def _schluessel_antrag(s: Session, schluessel: str) -> AbschlagAntrag | None:
    return s.scalars(select(AbschlagAntrag).where(
        AbschlagAntrag.idempotenz_schluessel == schluessel)).first()


def _bereits_offen(a: AbschlagAntrag, s: Session) -> AntragBereitsOffen:
    return AntragBereitsOffen(
        f"Für {_monat_text(a.monat)} liegt bereits ein offener Antrag vor "
        f"({a.vorgangsnummer}). Eine Mitarbeiterin oder ein Mitarbeiter des SOC-L "
        "entscheidet darüber; ein weiterer Antrag ist nicht nötig.", _record(a, s))


def _wiederholt(a: AbschlagAntrag, s: Session, kundennummer: str, cent: int) -> Antrag:
    if a.kundennummer != kundennummer or a.betrag_cent != cent:
        raise UngueltigeAngabe("Dieser Idempotenzschlüssel wurde bereits für einen anderen "
                               "Antrag verwendet.")
    return _record(a, s, neu=False)


# --- the chat's side -----------------------------------------------------------------------


def antrag_stellen(
    engine: Engine,
    *,
    kundennummer: str,
    betrag: Decimal,
    berechnung: dict[str, Any],
    haertegrund: str,
    haertegrund_text: str | None,
    conversation_id: str,
    idempotenz_schluessel: str,
) -> Antrag:
    """Queue an Abschlag request for a SOC-L decision; returns it with its Vorgangsnummer.

    ``berechnung`` is ``Entscheidung.als_dict()`` as shown to the customer; the amount may
    not exceed its ``betrag``. The same key returns the stored request (``neu=False``);
    another open request for the month raises :class:`AntragBereitsOffen`, an Abschlag
    already paid for the month :class:`AbschlagBereitsGezahlt`.
    """
    cent = betrag_in_cent(betrag)
    if haertegrund not in HAERTEGRUENDE:
        raise UngueltigeAngabe(
            f"Unbekannter Härtegrund {haertegrund!r}; möglich sind: {', '.join(HAERTEGRUENDE)}.")
    text = " ".join((haertegrund_text or "").split()) or None
    if not isinstance(berechnung, dict):
        raise UngueltigeAngabe("Die Berechnung fehlt.")
    if berechnung.get("moeglich") is False:
        raise UngueltigeAngabe("Laut Berechnung ist keine Abschlagszahlung möglich.")
    if berechnung.get("betrag") is not None:
        hoechstens = betrag_in_cent(Decimal(str(berechnung["betrag"])))
        if cent > hoechstens:
            raise UngueltigeAngabe(
                f"Der Betrag ({format_euro(from_cents(cent))}) ist höher als der berechnete "
                f"({format_euro(from_cents(hoechstens))}).")
    schluessel = (idempotenz_schluessel or "").strip()
    if not schluessel or len(schluessel) > MAX_SCHLUESSEL:
        raise UngueltigeAngabe(
            f"Der Idempotenzschlüssel fehlt oder ist länger als {MAX_SCHLUESSEL} Zeichen.")
    gespraech = (conversation_id or "").strip()
    if not gespraech or len(gespraech) > 100:
        raise UngueltigeAngabe("Die Gesprächskennung fehlt oder ist zu lang (höchstens 100).")
    nummer = normalisiere_kundennummer(kundennummer)
    heute = clock.today()
    monat = monat_von(heute)
    try:
        with schreibtransaktion(engine) as s:
            vorhanden = _schluessel_antrag(s, schluessel)
            if vorhanden is not None:
                return _wiederholt(vorhanden, s, nummer, cent)
            if s.get(Kunde, nummer) is None:
                raise KundeUnbekannt(f"Die Kundennummer {nummer} ist unbekannt.")
            gezahlt = abschlag_im_monat(s, nummer, monat)
            if gezahlt is not None:
                raise bereits_gezahlt_fehler(gezahlt, monat)
            offen = _offen_im_monat(s, nummer, monat)
            if offen is not None:
                if offen.idempotenz_schluessel == schluessel:  # committed concurrently
                    return _wiederholt(offen, s, nummer, cent)
                raise _bereits_offen(offen, s)
            a = AbschlagAntrag(
                vorgangsnummer=f"VG-NEU-{uuid.uuid4().hex[:12]}", kundennummer=nummer,
                monat=monat, betrag_cent=cent,
                berechnung=json.dumps(berechnung, ensure_ascii=False, sort_keys=True,
                                      default=str),
                haertegrund=haertegrund, haertegrund_text=text, conversation_id=gespraech,
                idempotenz_schluessel=schluessel, status="offen",
                erstellt_am=utc_naiv(clock.now()),
            )
            s.add(a)
            s.flush()
            a.vorgangsnummer = vorgangsnummer(heute.year, a.id)
            s.flush()
            audit_schreiben(
                s, akteur=f"chat:{gespraech}"[:100], aktion="abschlag_antrag_gestellt",
                objekt_typ="AbschlagAntrag", objekt_id=a.vorgangsnummer,
                details={"kundennummer": kundennummer_maskiert(nummer), "monat": monat,
                         "betrag_cent": cent, "haertegrund": haertegrund,
                         "conversation_id": gespraech},
            )
            return _record(a, s, neu=True)
    except IntegrityError:
        with session_scope(engine) as s:
            vorhanden = _schluessel_antrag(s, schluessel)
            if vorhanden is not None:
                return _wiederholt(vorhanden, s, nummer, cent)
            offen = _offen_im_monat(s, nummer, monat)
            if offen is not None:
                raise _bereits_offen(offen, s) from None
        raise


# --- reading -------------------------------------------------------------------------------


def offene_antraege(engine: Engine) -> list[Antrag]:
    """Open requests, oldest first (the SOC-L queue)."""
    return antraege(engine, status="offen")


def antraege(engine: Engine, *, status: str | None = None,
             kundennummer: str | None = None, limit: int = 500) -> list[Antrag]:
    """Requests, oldest first, optionally by status and customer."""
    stmt = select(AbschlagAntrag)
    if status is not None:
        stmt = stmt.where(AbschlagAntrag.status == status)
    if kundennummer is not None:
        stmt = stmt.where(AbschlagAntrag.kundennummer == normalisiere_kundennummer(kundennummer))
    stmt = stmt.order_by(AbschlagAntrag.erstellt_am, AbschlagAntrag.id).limit(limit)
    with session_scope(engine) as s:
        return [_record(a, s) for a in s.scalars(stmt)]


def zuletzt_entschieden(engine: Engine, limit: int = 20) -> list[Antrag]:
    """The latest decided requests, newest decision first."""
    stmt = (select(AbschlagAntrag).where(AbschlagAntrag.status != "offen")
            .order_by(AbschlagAntrag.entschieden_am.desc(), AbschlagAntrag.id.desc())
            .limit(limit))
    with session_scope(engine) as s:
        return [_record(a, s) for a in s.scalars(stmt)]


def antrag_zum_schluessel(engine: Engine, schluessel: str) -> Antrag | None:
    """The request stored under an idempotency key, else ``None`` (retries answer with it)."""
    with session_scope(engine) as s:
        a = _schluessel_antrag(s, schluessel)
        return _record(a, s) if a is not None else None


def antrag(engine: Engine, nummer: str) -> Antrag | None:
    """The request with this Vorgangsnummer, else ``None``."""
    with session_scope(engine) as s:
        a = _nach_nummer(s, nummer)
        return _record(a, s) if a is not None else None


# --- decisions -----------------------------------------------------------------------------


def _entschieden(a: Antrag) -> AntragBereitsEntschieden:
    wie = "genehmigt" if a.status == "genehmigt" else "abgelehnt"
    wann = f" am {a.entschieden_am.astimezone(clock.ZEITZONE):%d.%m.%Y}" \
        if a.entschieden_am else ""
    wer = f" von {a.entschieden_von}" if a.entschieden_von else ""
    return AntragBereitsEntschieden(
        f"Der Antrag {a.vorgangsnummer} wurde bereits{wann}{wer} {wie}.", a)


def abschlag_pruefen(engine: Engine, kundennummer: str,
                     stichtag: dt.date | None = None) -> Entscheidung:
    """The rules for the customer calling themselves, on fresh data from the store
    (customer, current claim, this month's Abschläge; policy in force on ``stichtag``)."""
    heute = stichtag or clock.today()
    nummer = normalisiere_kundennummer(kundennummer)
    repo = SqlRepository(engine)
    kunde = repo.kunde(nummer)
    if kunde is None:
        raise KundeUnbekannt(f"Die Kundennummer {nummer} ist unbekannt.")
    return pruefe_abschlag(
        kunde=kunde,
        anspruch=repo.aktueller_anspruch(nummer, heute),
        abschlaege_im_monat=repo.zahlungen(nummer, monatserster(heute), monatsletzter(heute),
                                           art="abschlag"),
        stichtag=heute,
        richtlinie=richtlinie_am(heute),
        anrufer="kunde",
    )


def _nicht_mehr_moeglich(engine: Engine, a: Antrag, login: str,
                         gruende: tuple[Grund, ...]) -> AntragNichtMehrMoeglich:
    """Audit the refused approval and build the error (the request stays open)."""
    with session_scope(engine) as s:
        audit_schreiben(
            s, akteur=login, aktion="abschlag_antrag_nicht_mehr_moeglich",
            objekt_typ="AbschlagAntrag", objekt_id=a.vorgangsnummer,
            details={"gruende": [g.code for g in gruende]},
        )
    texte = " ".join(g.text for g in gruende)
    return AntragNichtMehrMoeglich(
        f"Der Antrag {a.vorgangsnummer} kann nicht mehr genehmigt werden: {texte} "
        "Bitte lehnen Sie ihn mit diesem Grund ab.", gruende)


def genehmigen(engine: Engine, vorgangsnummer: str, mitarbeiter_login: str) -> Ueberweisung:
    """Approve the request and transfer the Abschlag (exactly once).

    The rules are checked again now, on the store's current data; the amount is the one
    requested, at most what the rules allow today. Approving an approved request again
    returns its transfer with ``neu=False``. Raises :class:`AntragUnbekannt`,
    :class:`KeineBerechtigung` (only SOC-L decides), :class:`AntragBereitsEntschieden`
    (rejected before), :class:`AntragNichtMehrMoeglich` (with the reasons) and the ledger's
    refusals.
    """
    login = (mitarbeiter_login or "").strip()
    with session_scope(engine) as s:
        berechtigung_pruefen(s, login)
        zeile = _nach_nummer(s, vorgangsnummer)
        if zeile is None:
            raise AntragUnbekannt(f"Einen Antrag {vorgangsnummer} gibt es nicht.")
        a = _record(zeile, s)
        if a.status == "genehmigt":
            z = s.get(Zahlung, zeile.zahlung_id)
            return ueberweisung_aus(z, neu=False)
    if a.status != "offen":
        raise _entschieden(a)

    heute = clock.today()
    if a.monat != monat_von(heute):
        grund = Grund(
            "monat_vorbei", f"Der Antrag betrifft {_monat_text(a.monat)}; dieser Monat ist "
            "vorbei, die reguläre Zahlung ist fällig.", "Es gilt die reguläre Zahlung.")
        raise _nicht_mehr_moeglich(engine, a, login, (grund,))
    entscheidung = abschlag_pruefen(engine, a.kundennummer, heute)
    if not entscheidung.moeglich:
        # Approved meanwhile by a colleague? Then its payment is why the rules say no.
        with session_scope(engine) as s:
            zeile = _nach_nummer(s, a.vorgangsnummer)
            assert zeile is not None
            if zeile.status == "genehmigt":
                return ueberweisung_aus(s.get(Zahlung, zeile.zahlung_id), neu=False)
            if zeile.status != "offen":
                raise _entschieden(_record(zeile, s))
        raise _nicht_mehr_moeglich(engine, a, login, entscheidung.gruende)
    cent = min(betrag_in_cent(a.betrag), entscheidung.betrag_cent)
    schluessel = SCHLUESSEL_PRAEFIX + a.vorgangsnummer
    repo_kunde = SqlRepository(engine).kunde(a.kundennummer)
    assert repo_kunde is not None and entscheidung.zeitraum_von and entscheidung.zeitraum_bis
    auftrag = auftrag_pruefen(
        kundennummer=a.kundennummer, betrag=from_cents(cent), iban=repo_kunde.iban or "",
        zeitraum_von=entscheidung.zeitraum_von, zeitraum_bis=entscheidung.zeitraum_bis,
        haertegrund=a.haertegrund, haertegrund_text=a.haertegrund_text,
        mitarbeiter_login=login, idempotenz_schluessel=schluessel,
        grund_text=f"Abschlagsantrag {a.vorgangsnummer} aus dem Kunden-Chat, genehmigt",
        heute=heute,
    )
    try:
        with schreibtransaktion(engine) as s:
            berechtigung_pruefen(s, login)
            zeile = _nach_nummer(s, a.vorgangsnummer, sperren=True)
            assert zeile is not None
            if zeile.status == "genehmigt":
                return ueberweisung_aus(s.get(Zahlung, zeile.zahlung_id), neu=False)
            if zeile.status != "offen":
                raise _entschieden(_record(zeile, s))
            zahlung, neu = ueberweisen_in(s, auftrag, heute,
                                        audit_details={"vorgangsnummer": a.vorgangsnummer})
            zeile.status = "genehmigt"
            zeile.entschieden_am = utc_naiv(clock.now())
            zeile.entschieden_von = login
            zeile.zahlung_id = zahlung.id
            s.flush()
            audit_schreiben(
                s, akteur=login, aktion="abschlag_antrag_genehmigt",
                objekt_typ="AbschlagAntrag", objekt_id=a.vorgangsnummer,
                details={"bestaetigungsnummer": zahlung.bestaetigungsnummer,
                         "betrag_cent": zahlung.betrag_cent,
                         "beantragt_cent": betrag_in_cent(a.betrag),
                         "berechnung": entscheidung.berechnung_text,
                         "richtlinie": entscheidung.richtlinie_version},
            )
            return ueberweisung_aus(zahlung, neu=neu)
    except AbschlagBereitsGezahlt as fehler:
        raise AntragNichtMehrMoeglich(
            f"Der Antrag {a.vorgangsnummer} kann nicht mehr genehmigt werden: {fehler}",
            (Grund("abschlag_im_monat", str(fehler), ""),)) from None
    except IntegrityError:
        with session_scope(engine) as s:
            z = zahlung_nach_schluessel(s, schluessel)
            if z is not None:
                return ueberweisung_aus(z, neu=False)
            frueher = abschlag_im_monat(s, a.kundennummer, a.monat)
            if frueher is not None:
                fehler = bereits_gezahlt_fehler(frueher, a.monat)
                raise AntragNichtMehrMoeglich(
                    f"Der Antrag {a.vorgangsnummer} kann nicht mehr genehmigt werden: {fehler}",
                    (Grund("abschlag_im_monat", str(fehler), ""),)) from None
        raise


def ablehnen(engine: Engine, vorgangsnummer: str, mitarbeiter_login: str, grund: str) -> Antrag:
    """Reject an open request with a reason (only SOC-L); audited.

    Raises :class:`AntragUnbekannt`, :class:`KeineBerechtigung`,
    :class:`AntragBereitsEntschieden` and :class:`UngueltigeAngabe` (no reason).
    """
    login = (mitarbeiter_login or "").strip()
    text = " ".join((grund or "").split())
    if not text:
        raise UngueltigeAngabe("Bitte geben Sie einen Grund für die Ablehnung an.")
    with schreibtransaktion(engine) as s:
        berechtigung_pruefen(s, login)
        zeile = _nach_nummer(s, vorgangsnummer, sperren=True)
        if zeile is None:
            raise AntragUnbekannt(f"Einen Antrag {vorgangsnummer} gibt es nicht.")
        if zeile.status != "offen":
            raise _entschieden(_record(zeile, s))
        zeile.status = "abgelehnt"
        zeile.ablehnungsgrund = text
        zeile.entschieden_am = utc_naiv(clock.now())
        zeile.entschieden_von = login
        s.flush()
        audit_schreiben(
            s, akteur=login, aktion="abschlag_antrag_abgelehnt",
            objekt_typ="AbschlagAntrag", objekt_id=zeile.vorgangsnummer,
            details={"grund": text, "kundennummer": kundennummer_maskiert(zeile.kundennummer),
                     "monat": zeile.monat},
        )
        return _record(zeile, s)


__all__ = [
    "AbschlagBereitsGezahlt",
    "Antrag",
    "AntragBereitsEntschieden",
    "AntragBereitsOffen",
    "AntragNichtMehrMoeglich",
    "AntragUnbekannt",
    "ablehnen",
    "abschlag_pruefen",
    "antraege",
    "antrag",
    "antrag_stellen",
    "genehmigen",
    "offene_antraege",
]
