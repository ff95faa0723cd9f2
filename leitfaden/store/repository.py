"""The store's interface (:class:`Repository`) and its SQL implementation.

Callers receive frozen records from :mod:`leitfaden.store.records`, never ORM objects.
Every write to personal data or money adds an entry to the audit trail.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from leitfaden import clock
from leitfaden.store.db import session_scope
from leitfaden.store.models import (
    Agentur,
    Anspruch,
    AuditEintrag,
    Dienststelle,
    DienststellePlz,
    Gespraechsvermerk,
    Kunde,
    Terminanfrage,
    Unterstuetzungsangebot,
    Vollmacht,
    Zahlung,
    utc_aware,
    utc_naiv,
)
from leitfaden.store.records import (
    ANGEBOTSARTEN,
    ZAHLUNG_ARTEN,
    AngebotRecord,
    AngebotsZeitRecord,
    AnspruchRecord,
    AuditRecord,
    DienststelleRecord,
    KundeRecord,
    TerminanfrageRecord,
    VermerkRecord,
    VollmachtRecord,
    ZahlungRecord,
    normalisiere_iban,
    normalisiere_kundennummer,
)


@runtime_checkable
class Repository(Protocol):
    """What the dialogue needs from a back end (the SQL store or a real BA adapter)."""

    def kunde(self, kundennummer: str) -> KundeRecord | None:
        """The customer, or ``None`` if the number is unknown."""

    def ansprueche(self, kundennummer: str) -> list[AnspruchRecord]:
        """All claims of the customer (empty list: no claim)."""

    def aktueller_anspruch(
        self, kundennummer: str, stichtag: dt.date
    ) -> AnspruchRecord | None:
        """The claim that matters on ``stichtag`` (``None``: no claim)."""

    def vollmachten(self, kundennummer: str, stichtag: dt.date) -> list[VollmachtRecord]:
        """Powers of attorney for the customer that are valid on ``stichtag``."""

    def zahlungen(
        self, kundennummer: str, von: dt.date, bis: dt.date, art: str | None = None
    ) -> list[ZahlungRecord]:
        """Payments with ``von <= datum <= bis``, optionally of one kind, oldest first."""

    def zahlung_erfassen(
        self,
        *,
        kundennummer: str,
        art: str,
        betrag_cent: int,
        datum: dt.date,
        referenz: str,
        akteur: str,
        status: str = "angewiesen",
        iban: str | None = None,
        zeitraum_von: dt.date | None = None,
        zeitraum_bis: dt.date | None = None,
        grund: str | None = None,
    ) -> ZahlungRecord:
        """Record a payment once per ``referenz`` (a repeated call returns the same record)."""

    def vermerk_speichern(
        self,
        *,
        conversation_id: str,
        text: str,
        created_by: str,
        kundennummer: str | None = None,
        guide: str | None = None,
        guide_step: str | None = None,
        anliegen: str | None = None,
    ) -> VermerkRecord:
        """Store a contact note."""

    def vermerke(
        self, conversation_id: str | None = None, kundennummer: str | None = None
    ) -> list[VermerkRecord]:
        """Contact notes, filtered by conversation and/or customer, oldest first."""

    def dienststelle_fuer_plz(self, plz: str) -> DienststelleRecord | None:
        """The Dienststelle responsible for a postcode."""

    def dienststellen(self) -> list[DienststelleRecord]:
        """All Dienststellen."""

    def angebote(
        self, dienststelle_id: str, stichtag: dt.date, art: str | None = None
    ) -> list[AngebotRecord]:
        """Support offers of a Dienststelle valid on ``stichtag``, optionally of one kind."""

    def angebot(self, angebot_id: str) -> AngebotRecord | None:
        """One support offer by id (whatever its validity), or ``None``."""

    def terminanfrage_speichern(
        self,
        *,
        angebot_id: str,
        conversation_id: str,
        name: str,
        datum: dt.date,
        von: dt.time,
        bis: dt.time,
        erstellt_von: str,
    ) -> TerminanfrageRecord:
        """Record an appointment request once per conversation, offer and day."""

    def terminanfragen(
        self, *, angebot_id: str | None = None, conversation_id: str | None = None
    ) -> list[TerminanfrageRecord]:
        """Appointment requests, oldest first."""

    def audit(
        self,
        *,
        objekt_typ: str | None = None,
        objekt_id: str | None = None,
        aktion: str | None = None,
        limit: int = 100,
    ) -> list[AuditRecord]:
        """Audit entries, newest first."""


class TerminKonflikt(ValueError):
    """This conversation already asked for an appointment in that offer on that day for
    another person (one request per conversation, offer and day)."""


class ZahlungKonflikt(ValueError):
    """A payment with this reference exists already, with different data."""


def audit_schreiben(
    session: Session,
    *,
    akteur: str,
    aktion: str,
    objekt_typ: str,
    objekt_id: str | None,
    details: dict[str, Any] | None = None,
) -> AuditEintrag:
    """Append an audit entry in the caller's transaction."""
    eintrag = AuditEintrag(
        zeitpunkt=utc_naiv(clock.now()),
        akteur=akteur,
        aktion=aktion,
        objekt_typ=objekt_typ,
        objekt_id=objekt_id,
        details=json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str),
    )
    session.add(eintrag)
    return eintrag


# --- ORM -> record -------------------------------------------------------------------------


def kunde_record(k: Kunde) -> KundeRecord:
    """Convert a customer row."""
    return KundeRecord(
        kundennummer=k.kundennummer, vorname=k.vorname, nachname=k.nachname,
        geburtsdatum=k.geburtsdatum, strasse=k.strasse, plz=k.plz, ort=k.ort, iban=k.iban,
        schutzkennzeichen_m=bool(k.schutzkennzeichen_m), demo=bool(k.demo),
    )


def anspruch_record(a: Anspruch) -> AnspruchRecord:
    """Convert a claim row."""
    return AnspruchRecord(
        id=a.id, kundennummer=a.kundennummer, status=a.status, beginn=a.beginn,
        tagessatz_cent=a.tagessatz_cent, entschieden_am=a.entschieden_am, ende=a.ende,
    )


def vollmacht_record(v: Vollmacht) -> VollmachtRecord:
    """Convert a power-of-attorney row."""
    return VollmachtRecord(
        id=v.id, kundennummer=v.kundennummer, vertreter_vorname=v.vertreter_vorname,
        vertreter_nachname=v.vertreter_nachname,
        vertreter_geburtsdatum=v.vertreter_geburtsdatum, umfang=v.umfang,
        gueltig_ab=v.gueltig_ab, gueltig_bis=v.gueltig_bis,
    )


def zahlung_record(z: Zahlung) -> ZahlungRecord:
    """Convert a payment row."""
    return ZahlungRecord(
        id=z.id, kundennummer=z.kundennummer, art=z.art, betrag_cent=z.betrag_cent,
        datum=z.datum, status=z.status, referenz=z.referenz, iban=z.iban,
        zeitraum_von=z.zeitraum_von, zeitraum_bis=z.zeitraum_bis, grund=z.grund,
        erstellt_am=utc_aware(z.erstellt_am), erstellt_von=z.erstellt_von,
    )


def vermerk_record(v: Gespraechsvermerk) -> VermerkRecord:
    """Convert a contact-note row."""
    return VermerkRecord(
        id=v.id, conversation_id=v.conversation_id, kundennummer=v.kundennummer,
        guide=v.guide, guide_step=v.guide_step, anliegen=v.anliegen, text=v.text,
        created_at=utc_aware(v.created_at), created_by=v.created_by, demo=bool(v.demo),
    )


def dienststelle_record(d: Dienststelle, agentur: Agentur) -> DienststelleRecord:
    """Convert a Dienststelle row (with its Agentur)."""
    return DienststelleRecord(
        id=d.id, agentur_id=d.agentur_id, agentur_name=agentur.name, name=d.name,
        strasse=d.strasse, plz=d.plz, ort=d.ort, telefon=d.telefon, lat=d.lat, lon=d.lon,
    )


def angebot_record(a: Unterstuetzungsangebot) -> AngebotRecord:
    """Convert an offer row with its times."""
    zeiten = tuple(
        AngebotsZeitRecord(wochentag=z.wochentag, von=z.von, bis=z.bis)
        for z in sorted(a.zeiten, key=lambda z: (z.wochentag, z.von))
    )
    sprachen = tuple(s.strip() for s in (a.sprachen or "").split(",") if s.strip())
    return AngebotRecord(
        id=a.id, dienststelle_id=a.dienststelle_id, art=a.art, titel=a.titel,
        beschreibung=a.beschreibung, ort_raum=a.ort_raum, zeiten=zeiten,
        termin_erforderlich=bool(a.termin_erforderlich), buchung=a.buchung,
        barrierefreiheit=a.barrierefreiheit, sprachen=sprachen,
        kontakt_telefon=a.kontakt_telefon, kontakt_email=a.kontakt_email,
        gueltig_ab=a.gueltig_ab, gueltig_bis=a.gueltig_bis,
        geaendert_am=utc_aware(a.geaendert_am), zurueckgezogen_am=utc_aware(a.zurueckgezogen_am),
    )


def terminanfrage_record(t: Terminanfrage) -> TerminanfrageRecord:
    return TerminanfrageRecord(
        id=t.id, angebot_id=t.angebot_id, conversation_id=t.conversation_id, name=t.name,
        datum=t.datum, von=t.von, bis=t.bis, status=t.status,
        erstellt_am=utc_aware(t.erstellt_am), erstellt_von=t.erstellt_von,
    )


def audit_record(e: AuditEintrag) -> AuditRecord:
    """Convert an audit row."""
    return AuditRecord(
        id=e.id, zeitpunkt=utc_aware(e.zeitpunkt), akteur=e.akteur, aktion=e.aktion,
        objekt_typ=e.objekt_typ, objekt_id=e.objekt_id, details=json.loads(e.details or "{}"),
    )


def _anspruch_rang(a: AnspruchRecord, stichtag: dt.date) -> tuple:
    """Sort key: running approved claim first, then pending, future approved, rejected."""
    if a.status == "bewilligt":
        rang = 0 if a.beginn is None or a.beginn <= stichtag else 2
    elif a.status == "in_bearbeitung":
        rang = 1
    else:
        rang = 3
    datum = a.beginn or a.entschieden_am or dt.date.min
    return (rang, -datum.toordinal(), -a.id)


# --- SQL implementation --------------------------------------------------------------------


class SqlRepository:
    """:class:`Repository` on the project's own database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # customers, claims, powers of attorney

    def kunde(self, kundennummer: str) -> KundeRecord | None:
        """The customer, or ``None`` (number tolerant of blanks and lower case)."""
        with session_scope(self.engine) as s:
            k = s.get(Kunde, normalisiere_kundennummer(kundennummer))
            return kunde_record(k) if k else None

    def ansprueche(self, kundennummer: str) -> list[AnspruchRecord]:
        """All claims of the customer, oldest first (empty list: no claim)."""
        stmt = (
            select(Anspruch)
            .where(Anspruch.kundennummer == normalisiere_kundennummer(kundennummer))
            .order_by(Anspruch.id)
        )
        with session_scope(self.engine) as s:
            return [anspruch_record(a) for a in s.scalars(stmt)]

    def aktueller_anspruch(
        self, kundennummer: str, stichtag: dt.date
    ) -> AnspruchRecord | None:
        """The claim that matters on ``stichtag``; ended claims are ignored.

        Order: approved and started, pending, approved but starting later, rejected;
        within each the most recent.
        """
        kandidaten = [
            a for a in self.ansprueche(kundennummer) if a.ende is None or a.ende >= stichtag
        ]
        if not kandidaten:
            return None
        return min(kandidaten, key=lambda a: _anspruch_rang(a, stichtag))

    def vollmachten(self, kundennummer: str, stichtag: dt.date) -> list[VollmachtRecord]:
        """Powers of attorney valid on ``stichtag`` (full ones first)."""
        stmt = (
            select(Vollmacht)
            .where(
                Vollmacht.kundennummer == normalisiere_kundennummer(kundennummer),
                Vollmacht.gueltig_ab <= stichtag,
                (Vollmacht.gueltig_bis.is_(None)) | (Vollmacht.gueltig_bis >= stichtag),
            )
            .order_by(Vollmacht.umfang.desc(), Vollmacht.id)
        )
        with session_scope(self.engine) as s:
            return [vollmacht_record(v) for v in s.scalars(stmt)]

    # payments

    def zahlungen(
        self, kundennummer: str, von: dt.date, bis: dt.date, art: str | None = None
    ) -> list[ZahlungRecord]:
        """Payments with ``von <= datum <= bis`` (optionally one ``art``), oldest first."""
        stmt = select(Zahlung).where(
            Zahlung.kundennummer == normalisiere_kundennummer(kundennummer),
            Zahlung.datum >= von,
            Zahlung.datum <= bis,
        )
        if art is not None:
            stmt = stmt.where(Zahlung.art == art)
        with session_scope(self.engine) as s:
            return [zahlung_record(z) for z in s.scalars(stmt.order_by(Zahlung.datum, Zahlung.id))]

    def zahlung_erfassen(
        self,
        *,
        kundennummer: str,
        art: str,
        betrag_cent: int,
        datum: dt.date,
        referenz: str,
        akteur: str,
        status: str = "angewiesen",
        iban: str | None = None,
        zeitraum_von: dt.date | None = None,
        zeitraum_bis: dt.date | None = None,
        grund: str | None = None,
    ) -> ZahlungRecord:
        """Record a payment exactly once per ``referenz`` and audit it.

        Calling again with the same reference and data returns the stored record;
        different data under the same reference raises :class:`ZahlungKonflikt`.
        """
        if isinstance(betrag_cent, bool) or not isinstance(betrag_cent, int):
            raise TypeError("betrag_cent muss eine ganze Zahl (Cent) sein")
        if betrag_cent <= 0:
            raise ValueError("betrag_cent muss größer als 0 sein")
        if art not in ZAHLUNG_ARTEN:
            raise ValueError(f"art muss eine von {', '.join(ZAHLUNG_ARTEN)} sein, nicht {art!r}")
        daten = {
            "kundennummer": normalisiere_kundennummer(kundennummer), "art": art,
            "betrag_cent": betrag_cent, "datum": datum, "status": status, "referenz": referenz,
            "iban": normalisiere_iban(iban), "zeitraum_von": zeitraum_von,
            "zeitraum_bis": zeitraum_bis, "grund": grund,
        }
        vorhanden = self._zahlung_nach_referenz(referenz)
        if vorhanden is None:
            try:
                with session_scope(self.engine) as s:
                    z = Zahlung(**daten, erstellt_am=utc_naiv(clock.now()), erstellt_von=akteur)
                    s.add(z)
                    s.flush()
                    audit_schreiben(
                        s, akteur=akteur, aktion="zahlung_erfasst", objekt_typ="Zahlung",
                        objekt_id=str(z.id),
                        details={k: daten[k] for k in ("kundennummer", "art", "betrag_cent",
                                                       "datum", "status", "referenz")},
                    )
                    return zahlung_record(z)
            except IntegrityError:
                vorhanden = self._zahlung_nach_referenz(referenz)
                if vorhanden is None:
                    raise
        abweichend = [k for k in ("kundennummer", "art", "betrag_cent", "datum")
                      if getattr(vorhanden, k) != daten[k]]
        if abweichend:
            raise ZahlungKonflikt(
                f"Referenz {referenz} ist bereits vergeben (abweichend: {', '.join(abweichend)})"
            )
        return vorhanden

    def _zahlung_nach_referenz(self, referenz: str) -> ZahlungRecord | None:
        with session_scope(self.engine) as s:
            z = s.scalars(select(Zahlung).where(Zahlung.referenz == referenz)).first()
            return zahlung_record(z) if z else None

    # contact notes

    def vermerk_speichern(
        self,
        *,
        conversation_id: str,
        text: str,
        created_by: str,
        kundennummer: str | None = None,
        guide: str | None = None,
        guide_step: str | None = None,
        anliegen: str | None = None,
    ) -> VermerkRecord:
        """Store a contact note and audit it; notes on demo customers are marked demo."""
        if not text or not text.strip():
            raise ValueError("Ein Gesprächsvermerk braucht einen Text")
        nummer = normalisiere_kundennummer(kundennummer) if kundennummer else None
        with session_scope(self.engine) as s:
            kunde = s.get(Kunde, nummer) if nummer else None
            v = Gespraechsvermerk(
                conversation_id=conversation_id, kundennummer=nummer, guide=guide,
                guide_step=guide_step, anliegen=anliegen, text=text.strip(),
                created_at=utc_naiv(clock.now()), created_by=created_by,
                demo=bool(kunde.demo) if kunde else False,
            )
            s.add(v)
            s.flush()
            audit_schreiben(
                s, akteur=created_by, aktion="vermerk_gespeichert",
                objekt_typ="Gespraechsvermerk", objekt_id=str(v.id),
                details={"conversation_id": conversation_id, "kundennummer": nummer,
                         "guide": guide, "guide_step": guide_step, "anliegen": anliegen},
            )
            return vermerk_record(v)

    def vermerke(
        self, conversation_id: str | None = None, kundennummer: str | None = None
    ) -> list[VermerkRecord]:
        """Contact notes, filtered by conversation and/or customer, oldest first."""
        stmt = select(Gespraechsvermerk)
        if conversation_id is not None:
            stmt = stmt.where(Gespraechsvermerk.conversation_id == conversation_id)
        if kundennummer is not None:
            stmt = stmt.where(
                Gespraechsvermerk.kundennummer == normalisiere_kundennummer(kundennummer)
            )
        stmt = stmt.order_by(Gespraechsvermerk.created_at, Gespraechsvermerk.id)
        with session_scope(self.engine) as s:
            return [vermerk_record(v) for v in s.scalars(stmt)]

    # offices and support offers

    def dienststelle_fuer_plz(self, plz: str) -> DienststelleRecord | None:
        """The Dienststelle serving ``plz`` (blanks ignored), or ``None``."""
        plz = (plz or "").strip().replace(" ", "")
        stmt = (
            select(Dienststelle, Agentur)
            .join(DienststellePlz, DienststellePlz.dienststelle_id == Dienststelle.id)
            .join(Agentur, Agentur.id == Dienststelle.agentur_id)
            .where(DienststellePlz.plz == plz)
        )
        with session_scope(self.engine) as s:
            row = s.execute(stmt).first()
            return dienststelle_record(*row) if row else None

    def dienststellen(self) -> list[DienststelleRecord]:
        """All Dienststellen, ordered by id."""
        stmt = (
            select(Dienststelle, Agentur)
            .join(Agentur, Agentur.id == Dienststelle.agentur_id)
            .order_by(Dienststelle.id)
        )
        with session_scope(self.engine) as s:
            return [dienststelle_record(d, a) for d, a in s.execute(stmt)]

    def postleitzahlen(self, dienststelle_id: str) -> list[str]:
        """The postcodes a Dienststelle serves, sorted."""
        stmt = (
            select(DienststellePlz.plz)
            .where(DienststellePlz.dienststelle_id == dienststelle_id)
            .order_by(DienststellePlz.plz)
        )
        with session_scope(self.engine) as s:
            return list(s.scalars(stmt))

    def angebote(
        self, dienststelle_id: str, stichtag: dt.date, art: str | None = None
    ) -> list[AngebotRecord]:
        """Offers of the Dienststelle valid on ``stichtag`` (optionally one ``art``).

        A withdrawn offer (``zurueckgezogen_am`` set) is never valid.
        """
        if art is not None and art not in ANGEBOTSARTEN:
            raise ValueError(f"Unbekannte Angebotsart: {art!r}")
        stmt = (
            select(Unterstuetzungsangebot)
            .options(selectinload(Unterstuetzungsangebot.zeiten))
            .where(
                Unterstuetzungsangebot.dienststelle_id == dienststelle_id,
                Unterstuetzungsangebot.zurueckgezogen_am.is_(None),
                Unterstuetzungsangebot.gueltig_ab <= stichtag,
                (Unterstuetzungsangebot.gueltig_bis.is_(None))
                | (Unterstuetzungsangebot.gueltig_bis >= stichtag),
            )
            .order_by(Unterstuetzungsangebot.art, Unterstuetzungsangebot.id)
        )
        if art is not None:
            stmt = stmt.where(Unterstuetzungsangebot.art == art)
        with session_scope(self.engine) as s:
            return [angebot_record(a) for a in s.scalars(stmt)]

    def angebot(self, angebot_id: str) -> AngebotRecord | None:
        """One support offer by id (whatever its validity), or ``None``."""
        stmt = (select(Unterstuetzungsangebot)
                .options(selectinload(Unterstuetzungsangebot.zeiten))
                .where(Unterstuetzungsangebot.id == angebot_id))
        with session_scope(self.engine) as s:
            a = s.scalars(stmt).first()
            return angebot_record(a) if a else None

    # appointment requests (GLF 1.000.3)

    def terminanfrage_speichern(
        self,
        *,
        angebot_id: str,
        conversation_id: str,
        name: str,
        datum: dt.date,
        von: dt.time,
        bis: dt.time,
        erstellt_von: str,
    ) -> TerminanfrageRecord:
        """Record an appointment request once per conversation, offer and day.

        A repeated call (an action retried) returns the request already stored; the same slot
        for another name raises :class:`TerminKonflikt`. The audit entry names offer, day and
        conversation, not the person.
        """
        name = " ".join((name or "").split())
        if not name:
            raise ValueError("Eine Terminanfrage braucht einen Namen")
        if len(name) > 100 or len(conversation_id) > 100:
            raise ValueError("Name oder Gesprächskennung ist zu lang (höchstens 100 Zeichen)")
        vorhanden = self._terminanfrage(conversation_id, angebot_id, datum)
        if vorhanden is not None:
            if vorhanden.name != name:
                raise TerminKonflikt(
                    f"Für dieses Gespräch ist am {datum:%d.%m.%Y} bereits ein Termin für "
                    f"{vorhanden.name} angefragt")
            return vorhanden
        try:
            with session_scope(self.engine) as s:
                if s.get(Unterstuetzungsangebot, angebot_id) is None:
                    raise ValueError(f"Unbekanntes Unterstützungsangebot: {angebot_id!r}")
                t = Terminanfrage(
                    angebot_id=angebot_id, conversation_id=conversation_id,
                    name=name, datum=datum, von=von, bis=bis, status="angefragt",
                    erstellt_am=utc_naiv(clock.now()), erstellt_von=erstellt_von,
                )
                s.add(t)
                s.flush()
                audit_schreiben(
                    s, akteur=erstellt_von, aktion="termin_angefragt",
                    objekt_typ="Terminanfrage", objekt_id=str(t.id),
                    details={"angebot_id": angebot_id, "datum": datum.isoformat(),
                             "conversation_id": conversation_id},
                )
                return terminanfrage_record(t)
        except IntegrityError:
            vorhanden = self._terminanfrage(conversation_id, angebot_id, datum)
            if vorhanden is None or vorhanden.name != name:
                raise
            return vorhanden

    def _terminanfrage(self, conversation_id: str, angebot_id: str,
                       datum: dt.date) -> TerminanfrageRecord | None:
        stmt = select(Terminanfrage).where(
            Terminanfrage.conversation_id == conversation_id,
            Terminanfrage.angebot_id == angebot_id, Terminanfrage.datum == datum)
        with session_scope(self.engine) as s:
            t = s.scalars(stmt).first()
            return terminanfrage_record(t) if t else None

    def terminanfragen(
        self, *, angebot_id: str | None = None, conversation_id: str | None = None
    ) -> list[TerminanfrageRecord]:
        """Appointment requests, oldest first."""
        stmt = select(Terminanfrage)
        if angebot_id is not None:
            stmt = stmt.where(Terminanfrage.angebot_id == angebot_id)
        if conversation_id is not None:
            stmt = stmt.where(Terminanfrage.conversation_id == conversation_id)
        with session_scope(self.engine) as s:
            return [terminanfrage_record(t)
                    for t in s.scalars(stmt.order_by(Terminanfrage.id))]

    # audit trail

    def audit(
        self,
        *,
        objekt_typ: str | None = None,
        objekt_id: str | None = None,
        aktion: str | None = None,
        limit: int = 100,
    ) -> list[AuditRecord]:
        """Audit entries, newest first."""
        stmt = select(AuditEintrag)
        if objekt_typ is not None:
            stmt = stmt.where(AuditEintrag.objekt_typ == objekt_typ)
        if objekt_id is not None:
            stmt = stmt.where(AuditEintrag.objekt_id == objekt_id)
        if aktion is not None:
            stmt = stmt.where(AuditEintrag.aktion == aktion)
        stmt = stmt.order_by(AuditEintrag.id.desc()).limit(limit)
        with session_scope(self.engine) as s:
            return [audit_record(e) for e in s.scalars(stmt)]
