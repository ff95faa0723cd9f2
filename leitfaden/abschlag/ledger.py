"""The Abschlag ledger: a transfer is recorded exactly once (GLF 3.301.7).

Guarantees, on SQLite and PostgreSQL alike:

* **Idempotency.** Every transfer carries a caller-chosen ``idempotenz_schluessel`` (unique in
  ``zahlung``). The same key again returns the stored result (``neu=False``) and writes
  nothing, also after a crash between the commit and the reply.
* **At most one Abschlag per customer and month.** A partial unique index on
  ``(kundennummer, monat)`` for Abschläge that are not cancelled; a second key for the same
  month raises :class:`AbschlagBereitsGezahlt`.
* **Checks in the writing transaction.** The employee's role (only SOC-L transfers), the
  customer's account on file (never another account) and the month are read in the same
  transaction that inserts the payment and its audit entry. On SQLite the transaction takes
  the write lock first (``BEGIN IMMEDIATE``); on PostgreSQL concurrent inserts wait on the
  unique indexes, and the loser re-reads the winner's row after the ``IntegrityError``.

Amounts are :class:`~decimal.Decimal` euros in, integer cents in the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leitfaden import clock
from leitfaden.abschlag.bankkalender import gutschrift_erwartet, monatsletzter
from leitfaden.abschlag.regeln import monatsname
from leitfaden.mitarbeiter import UEBERWEISENDE_ROLLEN
from leitfaden.nlp.normalise import format_euro, from_cents
from leitfaden.store.db import session_scope
from leitfaden.store.models import Kunde, Mitarbeiter, Zahlung, utc_aware, utc_naiv
from leitfaden.store.records import (
    HAERTEGRUENDE,
    normalisiere_iban,
    normalisiere_kundennummer,
)
from leitfaden.store.repository import audit_schreiben

_CENT = Decimal("0.01")

#: Longest idempotency key (column width).
MAX_SCHLUESSEL = 100


# --- errors --------------------------------------------------------------------------------


class AbschlagFehler(Exception):
    """Base of the ledger's refusals; the message is German and may be shown as it is."""


class UngueltigeAngabe(AbschlagFehler, ValueError):
    """An argument is malformed (amount, hardship reason, period, key)."""


class UngueltigerBetrag(UngueltigeAngabe):
    """The amount is a float, not positive, or has more than two decimal places."""


class KundeUnbekannt(AbschlagFehler):
    """There is no customer with this number."""


class KeineBerechtigung(AbschlagFehler):
    """The employee is unknown, inactive or not allowed to transfer (only SOC-L)."""


class KontoAbweichend(AbschlagFehler):
    """The IBAN is not the customer's account on file, or there is none."""


class AbschlagBereitsGezahlt(AbschlagFehler):
    """The customer already got an Abschlag for this month (under another key)."""

    def __init__(self, meldung: str, bestaetigungsnummer: str | None = None) -> None:
        super().__init__(meldung)
        self.bestaetigungsnummer = bestaetigungsnummer


class IdempotenzKonflikt(AbschlagFehler):
    """The idempotency key was used before for a different transfer."""


# --- records -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ueberweisung:
    """The result of a transfer; ``neu`` is False when it had been recorded before."""

    bestaetigungsnummer: str
    betrag: Decimal
    iban_maskiert: str
    gutschrift_von: dt.date
    gutschrift_bis: dt.date
    neu: bool
    kundennummer: str = ""
    monat: str = ""
    datum: dt.date | None = None
    angewiesen_von: str | None = None

    @property
    def betrag_text(self) -> str:
        """``889,10 €``."""
        return format_euro(self.betrag)

    @property
    def gutschrift_text(self) -> str:
        """``zwischen dem 19.11.2026 und dem 23.11.2026``."""
        if self.gutschrift_von == self.gutschrift_bis:
            return f"am {self.gutschrift_von:%d.%m.%Y}"
        return (f"zwischen dem {self.gutschrift_von:%d.%m.%Y} und dem "
                f"{self.gutschrift_bis:%d.%m.%Y}")

    def als_dict(self) -> dict[str, Any]:
        """JSON-ready (amount as ``"889.10"``, dates ISO)."""
        return {
            "bestaetigungsnummer": self.bestaetigungsnummer,
            "betrag": str(self.betrag),
            "betrag_text": self.betrag_text,
            "iban_maskiert": self.iban_maskiert,
            "gutschrift_von": self.gutschrift_von.isoformat(),
            "gutschrift_bis": self.gutschrift_bis.isoformat(),
            "neu": self.neu,
            "monat": self.monat,
            "datum": self.datum.isoformat() if self.datum else None,
            "angewiesen_von": self.angewiesen_von,
        }


@dataclass(frozen=True)
class AbschlagZahlung:
    """A payment of the ledger with the Abschlag fields (for listings)."""

    id: int
    kundennummer: str
    art: str
    betrag: Decimal
    datum: dt.date
    status: str
    referenz: str
    monat: str | None
    bestaetigungsnummer: str | None
    iban: str | None
    zeitraum_von: dt.date | None
    zeitraum_bis: dt.date | None
    haertegrund: str | None
    angewiesen_von: str | None
    sepa_export_id: int | None
    erstellt_am: dt.datetime | None

    def als_dict(self) -> dict[str, Any]:
        """JSON-ready; the IBAN masked."""
        return {
            "id": self.id, "kundennummer": self.kundennummer, "art": self.art,
            "betrag": str(self.betrag), "datum": self.datum.isoformat(),
            "status": self.status, "referenz": self.referenz, "monat": self.monat,
            "bestaetigungsnummer": self.bestaetigungsnummer,
            "iban_maskiert": iban_maskiert(self.iban) if self.iban else None,
            "haertegrund": self.haertegrund, "angewiesen_von": self.angewiesen_von,
            "sepa_export_id": self.sepa_export_id,
        }


@dataclass(frozen=True)
class Auftrag:
    """A checked transfer order (what :func:`abschlag_ueberweisen` was asked to do)."""

    kundennummer: str
    betrag_cent: int
    iban: str
    zeitraum_von: dt.date
    zeitraum_bis: dt.date
    monat: str
    haertegrund: str
    haertegrund_text: str | None
    mitarbeiter_login: str
    idempotenz_schluessel: str
    grund_text: str


# --- helpers -------------------------------------------------------------------------------


def betrag_in_cent(betrag: Decimal) -> int:
    """``Decimal("889.10")`` -> ``88910``; floats, non-positive amounts and fractions of a
    cent are refused with :class:`UngueltigerBetrag`."""
    if isinstance(betrag, float):
        raise UngueltigerBetrag("Beträge werden als Decimal angegeben, nicht als float.")
    if not isinstance(betrag, Decimal):
        raise UngueltigerBetrag(f"Der Betrag muss ein Decimal sein, nicht {type(betrag).__name__}.")
    if not betrag.is_finite():
        raise UngueltigerBetrag("Der Betrag ist keine endliche Zahl.")
    if betrag <= 0:
        raise UngueltigerBetrag("Der Betrag muss größer als 0,00 € sein.")
    try:
        gerundet = betrag.quantize(_CENT)
    except InvalidOperation:
        raise UngueltigerBetrag("Der Betrag ist zu groß.") from None
    if gerundet != betrag:
        raise UngueltigerBetrag("Ein Betrag hat höchstens zwei Stellen nach dem Komma.")
    return int(gerundet * 100)


def iban_maskiert(iban: str | None) -> str:
    """Only country, check digits and the last four characters stay visible:
    ``DE89 **** **** **** **30 00``."""
    kompakt = normalisiere_iban(iban) or ""
    if len(kompakt) <= 8:
        return "*" * len(kompakt)
    zeichen = kompakt[:4] + "*" * (len(kompakt) - 8) + kompakt[-4:]
    return " ".join(zeichen[i:i + 4] for i in range(0, len(zeichen), 4))


def kundennummer_maskiert(kundennummer: str) -> str:
    """``123A456789`` -> ``123A****89`` (for the audit trail)."""
    nummer = normalisiere_kundennummer(kundennummer)
    if len(nummer) < 8:
        return "*" * len(nummer)
    return nummer[:4] + "*" * (len(nummer) - 6) + nummer[-2:]


def monat_von(tag: dt.date) -> str:
    """``2026-11`` for any day of November 2026."""
    return f"{tag:%Y-%m}"


def bestaetigungsnummer(jahr: int, zahlung_id: int) -> str:
    """``AB-2026-000123``: year of the transfer and the (never reused) payment id."""
    return f"AB-{jahr}-{zahlung_id:06d}"


@contextmanager
def schreibtransaktion(engine: Engine) -> Iterator[Session]:
    """A session whose transaction may write; on SQLite it holds the write lock from the
    first statement on (``BEGIN IMMEDIATE``), so what it reads stays true until the commit."""
    with session_scope(engine) as s:
        if engine.dialect.name == "sqlite":
            s.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield s


def auftrag_pruefen(
    *, kundennummer: str, betrag: Decimal, iban: str, zeitraum_von: dt.date,
    zeitraum_bis: dt.date, haertegrund: str, haertegrund_text: str | None,
    mitarbeiter_login: str, idempotenz_schluessel: str, grund_text: str, heute: dt.date,
) -> Auftrag:
    """Check the arguments (no database) and return the normalised order."""
    cent = betrag_in_cent(betrag)
    if haertegrund not in HAERTEGRUENDE:
        raise UngueltigeAngabe(
            f"Unbekannter Härtegrund {haertegrund!r}; möglich sind: {', '.join(HAERTEGRUENDE)}.")
    text = " ".join((haertegrund_text or "").split()) or None
    if not isinstance(zeitraum_von, dt.date) or not isinstance(zeitraum_bis, dt.date):
        raise UngueltigeAngabe("Der Zeitraum braucht ein Anfangs- und ein Enddatum.")
    if zeitraum_von > zeitraum_bis:
        raise UngueltigeAngabe("Der Zeitraum beginnt nach seinem Ende.")
    if monat_von(zeitraum_von) != monat_von(zeitraum_bis):
        raise UngueltigeAngabe("Ein Abschlag deckt nur Tage eines Kalendermonats ab.")
    if zeitraum_bis >= heute:
        raise UngueltigeAngabe("Ein Abschlag deckt nur bereits zurückliegende Tage ab "
                               "(bis einschließlich gestern).")
    schluessel = (idempotenz_schluessel or "").strip()
    if not schluessel or len(schluessel) > MAX_SCHLUESSEL:
        raise UngueltigeAngabe(
            f"Der Idempotenzschlüssel fehlt oder ist länger als {MAX_SCHLUESSEL} Zeichen.")
    grund = " ".join((grund_text or "").split())
    if not grund:
        raise UngueltigeAngabe("Bitte geben Sie den Grund der Überweisung an.")
    login = (mitarbeiter_login or "").strip()
    if not login:
        raise KeineBerechtigung("Ohne angemeldete Mitarbeiterin oder angemeldeten Mitarbeiter "
                                "ist keine Überweisung möglich.")
    return Auftrag(
        kundennummer=normalisiere_kundennummer(kundennummer), betrag_cent=cent,
        iban=normalisiere_iban(iban) or "", zeitraum_von=zeitraum_von,
        zeitraum_bis=zeitraum_bis, monat=monat_von(zeitraum_von), haertegrund=haertegrund,
        haertegrund_text=text, mitarbeiter_login=login, idempotenz_schluessel=schluessel,
        grund_text=grund,
    )


def ueberweisung_aus(z: Zahlung, *, neu: bool) -> Ueberweisung:
    gutschrift = gutschrift_erwartet(z.datum)
    return Ueberweisung(
        bestaetigungsnummer=z.bestaetigungsnummer or z.referenz,
        betrag=from_cents(z.betrag_cent), iban_maskiert=iban_maskiert(z.iban),
        gutschrift_von=gutschrift.von, gutschrift_bis=gutschrift.bis, neu=neu,
        kundennummer=z.kundennummer, monat=z.monat or monat_von(z.datum), datum=z.datum,
        angewiesen_von=z.angewiesen_von,
    )


def abschlag_zahlung_record(z: Zahlung) -> AbschlagZahlung:
    """Convert a payment row."""
    return AbschlagZahlung(
        id=z.id, kundennummer=z.kundennummer, art=z.art, betrag=from_cents(z.betrag_cent),
        datum=z.datum, status=z.status, referenz=z.referenz, monat=z.monat,
        bestaetigungsnummer=z.bestaetigungsnummer, iban=z.iban, zeitraum_von=z.zeitraum_von,
        zeitraum_bis=z.zeitraum_bis, haertegrund=z.haertegrund,
        angewiesen_von=z.angewiesen_von, sepa_export_id=z.sepa_export_id,
        erstellt_am=utc_aware(z.erstellt_am),
    )


def zahlung_nach_schluessel(s: Session, schluessel: str) -> Zahlung | None:
    return s.scalars(select(Zahlung).where(Zahlung.idempotenz_schluessel == schluessel)).first()


def abschlag_im_monat(s: Session, kundennummer: str, monat: str) -> Zahlung | None:
    """A not cancelled Abschlag of the customer for ``monat`` (older rows without ``monat``
    count by their date)."""
    erster = dt.date.fromisoformat(f"{monat}-01")
    return s.scalars(
        select(Zahlung).where(
            Zahlung.kundennummer == kundennummer,
            Zahlung.art == "abschlag",
            Zahlung.status != "storniert",
            or_(Zahlung.monat == monat,
                and_(Zahlung.monat.is_(None), Zahlung.datum >= erster,
                     Zahlung.datum <= monatsletzter(erster))),
        ).order_by(Zahlung.id)
    ).first()


def _gespeichert(z: Zahlung, auftrag: Auftrag) -> Ueberweisung:
    """The stored transfer for a repeated key, if it is the same transfer."""
    abweichend = [
        name for name, gespeichert, neu in (
            ("Kundennummer", z.kundennummer, auftrag.kundennummer),
            ("Betrag", z.betrag_cent, auftrag.betrag_cent),
            ("Monat", z.monat, auftrag.monat),
        ) if gespeichert != neu
    ]
    if abweichend:
        raise IdempotenzKonflikt(
            "Dieser Idempotenzschlüssel wurde bereits für eine andere Überweisung verwendet "
            f"(abweichend: {', '.join(abweichend)}). Es wurde nichts überwiesen.")
    return ueberweisung_aus(z, neu=False)


def bereits_gezahlt_fehler(z: Zahlung, monat: str) -> AbschlagBereitsGezahlt:
    erster = dt.date.fromisoformat(f"{monat}-01")
    nummer = z.bestaetigungsnummer or z.referenz
    return AbschlagBereitsGezahlt(
        f"Für {monatsname(erster)} wurde bereits eine Abschlagszahlung angewiesen "
        f"({format_euro(from_cents(z.betrag_cent))} am {z.datum:%d.%m.%Y}, {nummer}). "
        "Je Kalendermonat ist höchstens eine Abschlagszahlung möglich.",
        bestaetigungsnummer=nummer,
    )


def berechtigung_pruefen(s: Session, login: str) -> Mitarbeiter:
    """The employee row if they may transfer (active, SOC-L); else :class:`KeineBerechtigung`.

    Read in the caller's transaction (PostgreSQL: the row is share-locked until the commit).
    """
    m = s.scalars(
        select(Mitarbeiter).where(Mitarbeiter.login == login).with_for_update(read=True)
    ).first()
    if m is None or not m.aktiv:
        raise KeineBerechtigung(f"Das Konto „{login}“ gibt es nicht oder es ist deaktiviert.")
    if m.rolle not in UEBERWEISENDE_ROLLEN:
        raise KeineBerechtigung(
            f"Das Konto „{login}“ (Rolle {m.rolle}) darf keine Abschläge überweisen. "
            "Das dürfen nur Mitarbeiterinnen und Mitarbeiter des SOC-L.")
    return m


def ueberweisen_in(s: Session, auftrag: Auftrag, heute: dt.date,
                 audit_details: dict[str, Any] | None = None) -> tuple[Zahlung, bool]:
    """Record the transfer in the caller's (write-locked) transaction.

    Returns the payment row and whether it is new. Raises the ledger's refusals.
    """
    berechtigung_pruefen(s, auftrag.mitarbeiter_login)
    vorhanden = zahlung_nach_schluessel(s, auftrag.idempotenz_schluessel)
    if vorhanden is not None:
        _gespeichert(vorhanden, auftrag)
        return vorhanden, False
    kunde = s.get(Kunde, auftrag.kundennummer)
    if kunde is None:
        raise KundeUnbekannt(f"Die Kundennummer {auftrag.kundennummer} ist unbekannt.")
    hinterlegt = normalisiere_iban(kunde.iban)
    if not hinterlegt:
        raise KontoAbweichend(
            "Es ist keine Bankverbindung hinterlegt. Eine Abschlagszahlung geht nur auf das "
            "eigene, hinterlegte Konto; es wurde nichts überwiesen.")
    if hinterlegt != auftrag.iban:
        raise KontoAbweichend(
            "Die angegebene IBAN ist nicht das hinterlegte Konto der Kundin oder des Kunden. "
            "Eine Abschlagszahlung geht nur auf das hinterlegte Konto "
            f"(endet auf {hinterlegt[-4:]}); es wurde nichts überwiesen.")
    frueher = abschlag_im_monat(s, auftrag.kundennummer, auftrag.monat)
    if frueher is not None:
        if frueher.idempotenz_schluessel == auftrag.idempotenz_schluessel:
            # committed by a concurrent call with the same key after our first look
            _gespeichert(frueher, auftrag)
            return frueher, False
        raise bereits_gezahlt_fehler(frueher, auftrag.monat)

    jetzt = utc_naiv(clock.now())
    z = Zahlung(
        kundennummer=auftrag.kundennummer, art="abschlag", betrag_cent=auftrag.betrag_cent,
        datum=heute, status="angewiesen", referenz=f"AB-NEU-{uuid.uuid4().hex}"[:40],
        iban=hinterlegt, zeitraum_von=auftrag.zeitraum_von, zeitraum_bis=auftrag.zeitraum_bis,
        grund=auftrag.grund_text, erstellt_am=jetzt, erstellt_von=auftrag.mitarbeiter_login,
        monat=auftrag.monat, idempotenz_schluessel=auftrag.idempotenz_schluessel,
        haertegrund=auftrag.haertegrund, haertegrund_text=auftrag.haertegrund_text,
        angewiesen_von=auftrag.mitarbeiter_login,
    )
    s.add(z)
    s.flush()
    z.bestaetigungsnummer = z.referenz = bestaetigungsnummer(heute.year, z.id)
    s.flush()
    audit_schreiben(
        s, akteur=auftrag.mitarbeiter_login, aktion="abschlag_ueberwiesen",
        objekt_typ="Zahlung", objekt_id=str(z.id),
        details={
            "bestaetigungsnummer": z.bestaetigungsnummer,
            "kundennummer": kundennummer_maskiert(auftrag.kundennummer),
            "iban": iban_maskiert(hinterlegt),
            "betrag_cent": auftrag.betrag_cent,
            "monat": auftrag.monat,
            "zeitraum_von": auftrag.zeitraum_von.isoformat(),
            "zeitraum_bis": auftrag.zeitraum_bis.isoformat(),
            "haertegrund": auftrag.haertegrund,
            "grund": auftrag.grund_text,
            "idempotenz_schluessel": auftrag.idempotenz_schluessel,
            **(audit_details or {}),
        },
    )
    return z, True


def _nach_konflikt(engine: Engine, auftrag: Auftrag) -> Ueberweisung:
    """After an ``IntegrityError``: the concurrent winner's row decides the answer."""
    with session_scope(engine) as s:
        vorhanden = zahlung_nach_schluessel(s, auftrag.idempotenz_schluessel)
        if vorhanden is not None:
            return _gespeichert(vorhanden, auftrag)
        frueher = abschlag_im_monat(s, auftrag.kundennummer, auftrag.monat)
        if frueher is not None:
            raise bereits_gezahlt_fehler(frueher, auftrag.monat)
    raise RuntimeError("Die Überweisung scheiterte an einer Eindeutigkeitsregel, ohne dass "
                       "eine vorhandene Zahlung gefunden wurde.")


# --- public API ----------------------------------------------------------------------------


def abschlag_ueberweisen(
    engine: Engine,
    *,
    kundennummer: str,
    betrag: Decimal,
    iban: str,
    zeitraum_von: dt.date,
    zeitraum_bis: dt.date,
    haertegrund: str,
    haertegrund_text: str | None,
    mitarbeiter_login: str,
    idempotenz_schluessel: str,
    grund_text: str,
) -> Ueberweisung:
    """Transfer an Abschlag to the customer's account on file, exactly once.

    The same ``idempotenz_schluessel`` returns the stored transfer (``neu=False``) without
    writing. Raises :class:`UngueltigeAngabe`/:class:`UngueltigerBetrag`,
    :class:`KeineBerechtigung` (not an active SOC-L employee), :class:`KundeUnbekannt`,
    :class:`KontoAbweichend` (not the account on file), :class:`AbschlagBereitsGezahlt`
    (another key, same customer and month) and :class:`IdempotenzKonflikt` (the key was used
    for another transfer). Every new transfer writes an audit entry (customer number and
    IBAN masked).
    """
    heute = clock.today()
    auftrag = auftrag_pruefen(
        kundennummer=kundennummer, betrag=betrag, iban=iban, zeitraum_von=zeitraum_von,
        zeitraum_bis=zeitraum_bis, haertegrund=haertegrund, haertegrund_text=haertegrund_text,
        mitarbeiter_login=mitarbeiter_login, idempotenz_schluessel=idempotenz_schluessel,
        grund_text=grund_text, heute=heute,
    )
    try:
        with schreibtransaktion(engine) as s:
            zahlung, neu = ueberweisen_in(s, auftrag, heute)
            ergebnis = ueberweisung_aus(zahlung, neu=neu)
    except IntegrityError:
        return _nach_konflikt(engine, auftrag)
    return ergebnis


def zahlungen(engine: Engine, *, kundennummer: str | None = None,
              art: str | None = None, limit: int = 500) -> list[AbschlagZahlung]:
    """Payments of the ledger, newest first, optionally of one customer or kind."""
    stmt = select(Zahlung)
    if kundennummer:
        stmt = stmt.where(Zahlung.kundennummer == normalisiere_kundennummer(kundennummer))
    if art:
        stmt = stmt.where(Zahlung.art == art)
    stmt = stmt.order_by(Zahlung.datum.desc(), Zahlung.id.desc()).limit(limit)
    with session_scope(engine) as s:
        return [abschlag_zahlung_record(z) for z in s.scalars(stmt)]


def ueberweisung_zum_schluessel(engine: Engine, schluessel: str) -> Ueberweisung | None:
    """The transfer recorded under an idempotency key (``neu=False``), else ``None``.

    Lets a retried request answer with the stored result before any rule is checked again
    (the first transfer itself would now count as "already an Abschlag this month").
    """
    with session_scope(engine) as s:
        z = zahlung_nach_schluessel(s, schluessel)
        return ueberweisung_aus(z, neu=False) if z is not None else None


def ueberweisung(engine: Engine, nummer: str) -> Ueberweisung | None:
    """A recorded Abschlag by its confirmation number (``neu=False``), else ``None``."""
    with session_scope(engine) as s:
        z = s.scalars(select(Zahlung).where(Zahlung.bestaetigungsnummer == nummer)).first()
        return ueberweisung_aus(z, neu=False) if z is not None else None


__all__ = [
    "ueberweisung_zum_schluessel",
    "AbschlagBereitsGezahlt",
    "AbschlagFehler",
    "AbschlagZahlung",
    "Auftrag",
    "IdempotenzKonflikt",
    "KeineBerechtigung",
    "KontoAbweichend",
    "KundeUnbekannt",
    "Ueberweisung",
    "UngueltigeAngabe",
    "UngueltigerBetrag",
    "abschlag_ueberweisen",
    "abschlag_im_monat",
    "auftrag_pruefen",
    "berechtigung_pruefen",
    "bereits_gezahlt_fehler",
    "betrag_in_cent",
    "iban_maskiert",
    "kundennummer_maskiert",
    "monat_von",
    "schreibtransaktion",
    "ueberweisen_in",
    "ueberweisung",
    "ueberweisung_aus",
    "zahlung_nach_schluessel",
    "zahlungen",
]
