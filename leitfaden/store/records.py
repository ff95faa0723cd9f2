"""Immutable records the rest of the app receives from the store (never ORM objects)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

#: Status values of an Alg claim (``Anspruch``). No row at all means "no claim".
ANSPRUCH_STATUS = ("bewilligt", "in_bearbeitung", "abgelehnt")

#: Scope of a power of attorney.
VOLLMACHT_UMFANG = ("vollumfaenglich", "teilweise")

#: Kinds of payment in the ledger.
ZAHLUNG_ARTEN = ("abschlag", "regulaer")

#: Usual payment states (free text in the database so the ledger can grow).
ZAHLUNG_STATUS = ("angewiesen", "ausgezahlt", "storniert")

#: The nine kinds of support offers (domain.md section 4) with a short German label.
ANGEBOTSARTEN: dict[str, str] = {
    "online_registrierung": "Hilfe bei der Registrierung und Anmeldung im Online-Portal",
    "antragshilfe_online": "Hilfe beim Ausfüllen von Online-Anträgen",
    "selbstinformation_begleitet": "Begleitete Nutzung der Selbstinformations-PCs",
    "digitalkurs": "Kurs zu den digitalen Angeboten",
    "sprachmittlung": "Sprachmittlung",
    "gebaerdensprache": "Gebärdensprachdolmetschen",
    "barrierefrei": "Barrierefreie Unterstützung",
    "videoberatung": "Videoberatung",
    "vertretung_vero": "Hilfe für Bevollmächtigte bei der Online-Vertretung (VERO)",
}

#: German weekday names, Monday = 0 (as ``datetime.date.weekday()``).
WOCHENTAGE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")

_KUNDENNUMMER = re.compile(r"^\d{3}[A-Z]\d{6}$")


def normalisiere_kundennummer(roh: str) -> str:
    """Return ``roh`` without blanks and in upper case (``"123 a 456789"`` -> ``123A456789``)."""
    return re.sub(r"\s+", "", roh or "").upper()


def ist_kundennummer(roh: str) -> bool:
    """True if ``roh`` (after normalising) has the form 3 digits, 1 letter, 6 digits."""
    return bool(_KUNDENNUMMER.match(normalisiere_kundennummer(roh)))


def normalisiere_iban(roh: str | None) -> str | None:
    """Return the IBAN in compact form (no blanks, upper case), ``None`` for empty input."""
    if roh is None:
        return None
    kompakt = re.sub(r"\s+", "", roh).upper()
    return kompakt or None


def _gilt(gueltig_ab: dt.date, gueltig_bis: dt.date | None, stichtag: dt.date) -> bool:
    return gueltig_ab <= stichtag and (gueltig_bis is None or stichtag <= gueltig_bis)


@dataclass(frozen=True)
class KundeRecord:
    """A customer of the Agentur."""

    kundennummer: str
    vorname: str
    nachname: str
    geburtsdatum: dt.date
    strasse: str | None
    plz: str
    ort: str
    iban: str | None
    schutzkennzeichen_m: bool
    demo: bool

    @property
    def name(self) -> str:
        """First name and surname."""
        return f"{self.vorname} {self.nachname}"

    @property
    def iban_letzte4(self) -> str | None:
        """The last four characters of the IBAN (the only part that may be read out)."""
        return self.iban[-4:] if self.iban else None


@dataclass(frozen=True)
class AnspruchRecord:
    """A claim to Arbeitslosengeld."""

    id: int
    kundennummer: str
    status: str
    beginn: dt.date | None
    tagessatz_cent: int | None
    entschieden_am: dt.date | None
    ende: dt.date | None = None


@dataclass(frozen=True)
class VollmachtRecord:
    """A power of attorney a representative holds for a customer."""

    id: int
    kundennummer: str
    vertreter_vorname: str
    vertreter_nachname: str
    vertreter_geburtsdatum: dt.date
    umfang: str
    gueltig_ab: dt.date
    gueltig_bis: dt.date | None

    @property
    def vollumfaenglich(self) -> bool:
        """True for a full power of attorney (the one that allows VERO and an Abschlag)."""
        return self.umfang == "vollumfaenglich"

    def gilt_am(self, stichtag: dt.date) -> bool:
        """True if the power of attorney is valid on ``stichtag``."""
        return _gilt(self.gueltig_ab, self.gueltig_bis, stichtag)


@dataclass(frozen=True)
class ZahlungRecord:
    """A payment in the ledger (amounts in integer cents)."""

    id: int
    kundennummer: str
    art: str
    betrag_cent: int
    datum: dt.date
    status: str
    referenz: str
    iban: str | None = None
    zeitraum_von: dt.date | None = None
    zeitraum_bis: dt.date | None = None
    grund: str | None = None
    erstellt_am: dt.datetime | None = None
    erstellt_von: str | None = None


@dataclass(frozen=True)
class DienststelleRecord:
    """An office (Dienststelle) of an Agentur für Arbeit."""

    id: str
    agentur_id: str
    agentur_name: str
    name: str
    strasse: str
    plz: str
    ort: str
    telefon: str | None
    lat: float
    lon: float

    @property
    def anschrift(self) -> str:
        """Street, postcode and place in one line."""
        return f"{self.strasse}, {self.plz} {self.ort}"


@dataclass(frozen=True)
class AngebotsZeitRecord:
    """One opening slot of a support offer: weekday (0 = Monday) and times."""

    wochentag: int
    von: dt.time
    bis: dt.time


@dataclass(frozen=True)
class AngebotRecord:
    """A local support offer (Unterstützungsangebot) of a Dienststelle."""

    id: str
    dienststelle_id: str
    art: str
    titel: str
    beschreibung: str
    ort_raum: str
    zeiten: tuple[AngebotsZeitRecord, ...]
    termin_erforderlich: bool
    buchung: str | None
    barrierefreiheit: str | None
    sprachen: tuple[str, ...]
    kontakt_telefon: str | None
    kontakt_email: str | None
    gueltig_ab: dt.date
    gueltig_bis: dt.date | None
    geaendert_am: dt.datetime
    zurueckgezogen_am: dt.datetime | None = None

    @property
    def zurueckgezogen(self) -> bool:
        """True if the offer was withdrawn (then it is never valid)."""
        return self.zurueckgezogen_am is not None

    def gilt_am(self, stichtag: dt.date) -> bool:
        """True if the offer is valid on ``stichtag`` (never once it was withdrawn)."""
        return not self.zurueckgezogen and _gilt(self.gueltig_ab, self.gueltig_bis, stichtag)


@dataclass(frozen=True)
class VermerkRecord:
    """A contact note (Gesprächsvermerk) written at the end of a conversation or step."""

    id: int
    conversation_id: str
    kundennummer: str | None
    guide: str | None
    guide_step: str | None
    anliegen: str | None
    text: str
    created_at: dt.datetime
    created_by: str
    demo: bool = False


@dataclass(frozen=True)
class AuditRecord:
    """One entry of the append-only audit trail."""

    id: int
    zeitpunkt: dt.datetime
    akteur: str
    aktion: str
    objekt_typ: str
    objekt_id: str | None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TerminanfrageRecord:
    """A request for an appointment in a support offer's slot (GLF 1.000.3)."""

    id: int
    angebot_id: str
    conversation_id: str
    name: str
    datum: dt.date
    von: dt.time
    bis: dt.time
    status: str
    erstellt_am: dt.datetime
    erstellt_von: str

    @property
    def nummer(self) -> str:
        """Reference number told to the caller: ``T-000042``."""
        return f"T-{self.id:06d}"


# --- Abschlag: ledger, SOC-L work queue, SEPA export ---------------------------------------

#: Hardship reasons (unbillige Härte, GLF 3.301.3) as in the ``haertegrund`` entity.
HAERTEGRUENDE: dict[str, str] = {
    "miete": "Miete fällig, Kündigung droht",
    "energie": "Energiesperre droht",
    "medikamente": "Medikamente",
    "lebensmittel": "Lebensmittel für den Haushalt",
    "sonstiges": "sonstige Notlage",
}

#: States of an Abschlag request in the SOC-L work queue.
ANTRAG_STATUS = ("offen", "genehmigt", "abgelehnt")
