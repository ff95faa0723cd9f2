"""SQLAlchemy models of the Leitfaden store (schema is created by the alembic migrations).

Amounts are integer cents. Timestamps are stored as naive UTC. Enumerations are strings
guarded by CHECK constraints so that SQLite and PostgreSQL behave alike. Integer ids are
never reused (``sqlite_autoincrement``; sequences on PostgreSQL), so audit entries that
name an object id stay unambiguous after deletes and demo resets.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CHAR,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import declarative_base, relationship

from leitfaden.store.records import ANGEBOTSARTEN as ANGEBOTSART_LABELS
from leitfaden.store.records import (
    ANSPRUCH_STATUS,
    ANTRAG_STATUS,
    HAERTEGRUENDE,
    VOLLMACHT_UMFANG,
    ZAHLUNG_ARTEN,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
Base = declarative_base(metadata=metadata)


def _in(spalte: str, werte: tuple[str, ...]) -> str:
    """SQL text ``spalte IN ('a', 'b')`` for a CHECK constraint."""
    return f"{spalte} IN ({', '.join(repr(w) for w in werte)})"


ANGEBOTSARTEN = tuple(ANGEBOTSART_LABELS)

#: Hardship reasons of an Abschlag (``miete``, ``energie``, ...).
HAERTEGRUND_WERTE = tuple(HAERTEGRUENDE)

#: The Abschläge that count for "at most one per customer and month" (partial unique index).
ABSCHLAG_ZAEHLT = "art = 'abschlag' AND status <> 'storniert'"


class Kunde(Base):
    """A customer (Kundin/Kunde) with personal data and the account on file."""

    __tablename__ = "kunde"
    __table_args__ = (
        CheckConstraint("length(kundennummer) = 10", name="kundennummer_format"),
        CheckConstraint("length(plz) = 5", name="plz_format"),
        Index("ix_kunde_nachname_geburtsdatum", "nachname", "geburtsdatum"),
    )

    kundennummer = Column(String(10), primary_key=True)
    vorname = Column(String(100), nullable=False)
    nachname = Column(String(100), nullable=False)
    geburtsdatum = Column(Date, nullable=False)
    strasse = Column(String(200), nullable=True)
    plz = Column(String(5), nullable=False)
    ort = Column(String(100), nullable=False)
    iban = Column(String(34), nullable=True)
    schutzkennzeichen_m = Column(Boolean, nullable=False, default=False, server_default=false())
    demo = Column(Boolean, nullable=False, default=False, server_default=false(), index=True)

    ansprueche = relationship("Anspruch", back_populates="kunde", passive_deletes=True)
    vollmachten = relationship("Vollmacht", back_populates="kunde", passive_deletes=True)


class Anspruch(Base):
    """A claim to Arbeitslosengeld. A customer without any row has no claim."""

    __tablename__ = "anspruch"
    __table_args__ = (
        CheckConstraint(_in("status", ANSPRUCH_STATUS), name="status"),
        CheckConstraint(
            "tagessatz_cent IS NULL OR tagessatz_cent > 0", name="tagessatz_positiv"
        ),
        CheckConstraint(
            "ende IS NULL OR beginn IS NULL OR ende >= beginn", name="ende_nach_beginn"
        ),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    kundennummer = Column(
        String(10), ForeignKey("kunde.kundennummer", ondelete="CASCADE"),
        nullable=False, index=True,
    )
    status = Column(String(20), nullable=False)
    beginn = Column(Date, nullable=True)
    tagessatz_cent = Column(Integer, nullable=True)
    entschieden_am = Column(Date, nullable=True)
    ende = Column(Date, nullable=True)

    kunde = relationship("Kunde", back_populates="ansprueche")


class Vollmacht(Base):
    """A power of attorney a representative holds for a customer."""

    __tablename__ = "vollmacht"
    __table_args__ = (
        CheckConstraint(_in("umfang", VOLLMACHT_UMFANG), name="umfang"),
        CheckConstraint(
            "gueltig_bis IS NULL OR gueltig_bis >= gueltig_ab", name="gueltigkeit"
        ),
        UniqueConstraint(
            "kundennummer", "vertreter_nachname", "vertreter_vorname",
            "vertreter_geburtsdatum", "gueltig_ab", name="uq_vollmacht_vertreter",
        ),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    kundennummer = Column(
        String(10), ForeignKey("kunde.kundennummer", ondelete="CASCADE"),
        nullable=False, index=True,
    )
    vertreter_vorname = Column(String(100), nullable=False)
    vertreter_nachname = Column(String(100), nullable=False)
    vertreter_geburtsdatum = Column(Date, nullable=False)
    umfang = Column(String(20), nullable=False)
    gueltig_ab = Column(Date, nullable=False)
    gueltig_bis = Column(Date, nullable=True)

    kunde = relationship("Kunde", back_populates="vollmachten")


class Zahlung(Base):
    """A payment in the ledger (Abschlag or regular monthly payment), in integer cents."""

    __tablename__ = "zahlung"
    __table_args__ = (
        CheckConstraint(_in("art", ZAHLUNG_ARTEN), name="art"),
        CheckConstraint("betrag_cent > 0", name="betrag_positiv"),
        UniqueConstraint("referenz", name="uq_zahlung_referenz"),
        Index("ix_zahlung_kunde_datum", "kundennummer", "datum"),
        # Abschlag ledger (migration 0006): exactly once per key, at most one per month.
        CheckConstraint("monat IS NULL OR length(monat) = 7", name="monat_format"),
        CheckConstraint(f"haertegrund IS NULL OR {_in('haertegrund', HAERTEGRUND_WERTE)}",
                        name="haertegrund"),
        UniqueConstraint("idempotenz_schluessel", name="uq_zahlung_idempotenz_schluessel"),
        UniqueConstraint("bestaetigungsnummer", name="uq_zahlung_bestaetigungsnummer"),
        Index("ux_zahlung_abschlag_monat", "kundennummer", "monat", unique=True,
              sqlite_where=text(ABSCHLAG_ZAEHLT), postgresql_where=text(ABSCHLAG_ZAEHLT)),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    kundennummer = Column(
        String(10), ForeignKey("kunde.kundennummer", ondelete="RESTRICT"), nullable=False
    )
    art = Column(String(20), nullable=False)
    betrag_cent = Column(Integer, nullable=False)
    datum = Column(Date, nullable=False)
    status = Column(String(20), nullable=False)
    referenz = Column(String(40), nullable=False)
    iban = Column(String(34), nullable=True)
    zeitraum_von = Column(Date, nullable=True)
    zeitraum_bis = Column(Date, nullable=True)
    grund = Column(Text, nullable=True)
    erstellt_am = Column(DateTime, nullable=True)
    erstellt_von = Column(String(100), nullable=True)
    #: Month an Abschlag belongs to (``2026-11``); ``None`` for other payments.
    monat = Column(CHAR(7), nullable=True)
    idempotenz_schluessel = Column(String(100), nullable=True)
    #: Confirmation number told to the caller (``AB-2026-000123``).
    bestaetigungsnummer = Column(String(20), nullable=True)
    haertegrund = Column(String(20), nullable=True)
    haertegrund_text = Column(Text, nullable=True)
    #: Login of the SOC-L employee who triggered the transfer.
    angewiesen_von = Column(String(40), nullable=True)
    sepa_export_id = Column(
        Integer, ForeignKey("sepa_export.id", ondelete="RESTRICT"), nullable=True, index=True
    )


class Gespraechsvermerk(Base):
    """A contact note. ``kundennummer`` has no foreign key: notes outlive customer rows."""

    __tablename__ = "gespraechsvermerk"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(100), nullable=False, index=True)
    kundennummer = Column(String(10), nullable=True, index=True)
    guide = Column(String(20), nullable=True)
    guide_step = Column(String(20), nullable=True)
    anliegen = Column(String(100), nullable=True)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, index=True)
    created_by = Column(String(100), nullable=False)
    demo = Column(Boolean, nullable=False, default=False, server_default=false())


class Agentur(Base):
    """A local Agentur für Arbeit."""

    __tablename__ = "agentur"

    id = Column(String(40), primary_key=True)
    name = Column(String(200), nullable=False)
    demo = Column(Boolean, nullable=False, default=False, server_default=false())

    dienststellen = relationship("Dienststelle", back_populates="agentur")


class Dienststelle(Base):
    """An office of an Agentur, with coordinates for the "nearest office" look-up."""

    __tablename__ = "dienststelle"
    __table_args__ = (CheckConstraint("length(plz) = 5", name="plz_format"),)

    id = Column(String(60), primary_key=True)
    agentur_id = Column(
        String(40), ForeignKey("agentur.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    name = Column(String(200), nullable=False)
    strasse = Column(String(200), nullable=False)
    plz = Column(String(5), nullable=False)
    ort = Column(String(100), nullable=False)
    telefon = Column(String(40), nullable=True)
    lat = Column(Float, nullable=False)
    lon = Column(Float, nullable=False)
    demo = Column(Boolean, nullable=False, default=False, server_default=false())

    agentur = relationship("Agentur", back_populates="dienststellen")
    postleitzahlen = relationship("DienststellePlz", back_populates="dienststelle")
    angebote = relationship("Unterstuetzungsangebot", back_populates="dienststelle")


class DienststellePlz(Base):
    """A postcode served by a Dienststelle; each postcode belongs to exactly one."""

    __tablename__ = "dienststelle_plz"
    __table_args__ = (CheckConstraint("length(plz) = 5", name="plz_format"),)

    plz = Column(String(5), primary_key=True)
    dienststelle_id = Column(
        String(60), ForeignKey("dienststelle.id", ondelete="CASCADE"),
        nullable=False, index=True,
    )

    dienststelle = relationship("Dienststelle", back_populates="postleitzahlen")


class Unterstuetzungsangebot(Base):
    """A local support offer for people who need help with the online services."""

    __tablename__ = "unterstuetzungsangebot"
    __table_args__ = (
        CheckConstraint(_in("art", ANGEBOTSARTEN), name="art"),
        CheckConstraint(
            "gueltig_bis IS NULL OR gueltig_bis >= gueltig_ab", name="gueltigkeit"
        ),
        Index("ix_unterstuetzungsangebot_dienststelle_art", "dienststelle_id", "art"),
    )

    id = Column(String(80), primary_key=True)
    dienststelle_id = Column(
        String(60), ForeignKey("dienststelle.id", ondelete="RESTRICT"), nullable=False
    )
    art = Column(String(40), nullable=False)
    titel = Column(String(200), nullable=False)
    beschreibung = Column(Text, nullable=False)
    ort_raum = Column(String(200), nullable=False)
    termin_erforderlich = Column(Boolean, nullable=False, default=False, server_default=false())
    buchung = Column(Text, nullable=True)
    barrierefreiheit = Column(Text, nullable=True)
    sprachen = Column(String(300), nullable=False, default="Deutsch")
    kontakt_telefon = Column(String(40), nullable=True)
    kontakt_email = Column(String(200), nullable=True)
    gueltig_ab = Column(Date, nullable=False)
    gueltig_bis = Column(Date, nullable=True)
    geaendert_am = Column(DateTime, nullable=False)
    #: Set (UTC) when the offer was withdrawn before it began: it is then never valid.
    zurueckgezogen_am = Column(DateTime, nullable=True)
    demo = Column(Boolean, nullable=False, default=False, server_default=false())

    dienststelle = relationship("Dienststelle", back_populates="angebote")
    zeiten = relationship(
        "AngebotsZeit",
        back_populates="angebot",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(AngebotsZeit.wochentag, AngebotsZeit.von)",
    )


class AngebotsZeit(Base):
    """One weekly slot of an offer: weekday 0 (Monday) to 6 (Sunday), from/to time."""

    __tablename__ = "angebotszeit"
    __table_args__ = (
        CheckConstraint("wochentag BETWEEN 0 AND 6", name="wochentag"),
        CheckConstraint("von < bis", name="von_vor_bis"),
        UniqueConstraint("angebot_id", "wochentag", "von", name="uq_angebotszeit_slot"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    angebot_id = Column(
        String(80), ForeignKey("unterstuetzungsangebot.id", ondelete="CASCADE"),
        nullable=False, index=True,
    )
    wochentag = Column(Integer, nullable=False)
    von = Column(Time, nullable=False)
    bis = Column(Time, nullable=False)

    angebot = relationship("Unterstuetzungsangebot", back_populates="zeiten")


class AuditEintrag(Base):
    """Append-only audit trail (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_eintrag"
    __table_args__ = (
        Index("ix_audit_eintrag_objekt", "objekt_typ", "objekt_id"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    zeitpunkt = Column(DateTime, nullable=False, index=True)
    akteur = Column(String(100), nullable=False)
    aktion = Column(String(60), nullable=False)
    objekt_typ = Column(String(60), nullable=False)
    objekt_id = Column(String(100), nullable=True)
    details = Column(Text, nullable=False, default="{}")


#: Channels a Webauftrag can arrive through.
WEBAUFTRAG_KANAELE = ("cli", "http")

#: What a Webauftrag entry does to an offer.
WEBAUFTRAG_AKTIONEN = ("neu", "aendern", "beenden")


class Webauftrag(Base):
    """A Webauftrag of an Agentur as received (history; one row per applied number)."""

    __tablename__ = "webauftrag"
    __table_args__ = (
        CheckConstraint(_in("kanal", WEBAUFTRAG_KANAELE), name="kanal"),
        UniqueConstraint("agentur_id", "nummer", name="uq_webauftrag_agentur_nummer"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    agentur_id = Column(
        String(40), ForeignKey("agentur.id", ondelete="RESTRICT"), nullable=False
    )
    nummer = Column(String(50), nullable=False)
    absender = Column(String(100), nullable=False)
    kanal = Column(String(10), nullable=False)
    eingegangen_am = Column(DateTime, nullable=False, index=True)
    inhalt_hash = Column(String(64), nullable=False)
    dokument = Column(Text, nullable=False)

    aenderungen = relationship(
        "AngebotAenderung",
        back_populates="webauftrag",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AngebotAenderung.id",
    )


class AngebotAenderung(Base):
    """What one Webauftrag did to one offer (``felder``: JSON ``{feld: [alt, neu]}``).

    ``angebot_id`` has no foreign key: the history outlives offer rows.
    """

    __tablename__ = "angebot_aenderung"
    __table_args__ = (
        CheckConstraint(_in("aktion", WEBAUFTRAG_AKTIONEN), name="aktion"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    webauftrag_id = Column(
        Integer, ForeignKey("webauftrag.id", ondelete="CASCADE"), nullable=False, index=True
    )
    angebot_id = Column(String(80), nullable=False, index=True)
    aktion = Column(String(10), nullable=False)
    felder = Column(Text, nullable=False, default="{}")
    zeitpunkt = Column(DateTime, nullable=False)

    webauftrag = relationship("Webauftrag", back_populates="aenderungen")


class AgenturToken(Base):
    """An API token of an Agentur; only the SHA-256 of the token is stored."""

    __tablename__ = "agentur_token"
    __table_args__ = (
        UniqueConstraint("token_hash", name="uq_agentur_token_token_hash"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    agentur_id = Column(
        String(40), ForeignKey("agentur.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    token_hash = Column(String(64), nullable=False)
    bezeichnung = Column(String(200), nullable=False, default="")
    erstellt_am = Column(DateTime, nullable=False)
    widerrufen_am = Column(DateTime, nullable=True)


UTC = dt.timezone(dt.timedelta(0), "UTC")


def utc_naiv(zeitpunkt: dt.datetime) -> dt.datetime:
    """Convert a timestamp to naive UTC, the form stored in the database."""
    if zeitpunkt.tzinfo is None:
        return zeitpunkt
    return zeitpunkt.astimezone(UTC).replace(tzinfo=None)


def utc_aware(zeitpunkt: dt.datetime | None) -> dt.datetime | None:
    """Attach UTC to a naive timestamp read from the database."""
    if zeitpunkt is None or zeitpunkt.tzinfo is not None:
        return zeitpunkt
    return zeitpunkt.replace(tzinfo=UTC)


#: States of an appointment request.
TERMINANFRAGE_STATUS = ("angefragt", "bestaetigt", "abgesagt")


class Terminanfrage(Base):
    """A request for an appointment in a support offer's slot (GLF 1.000.3).

    Made once per conversation, offer and day; the offer's team confirms it.
    """

    __tablename__ = "terminanfrage"
    __table_args__ = (
        CheckConstraint(_in("status", TERMINANFRAGE_STATUS), name="status"),
        CheckConstraint("von < bis", name="von_vor_bis"),
        UniqueConstraint("conversation_id", "angebot_id", "datum",
                         name="uq_terminanfrage_gespraech_angebot_tag"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    angebot_id = Column(
        String(80), ForeignKey("unterstuetzungsangebot.id", ondelete="RESTRICT"),
        nullable=False, index=True,
    )
    conversation_id = Column(String(100), nullable=False)
    name = Column(String(100), nullable=False)
    datum = Column(Date, nullable=False)
    von = Column(Time, nullable=False)
    bis = Column(Time, nullable=False)
    status = Column(String(20), nullable=False, default="angefragt",
                    server_default="angefragt")
    erstellt_am = Column(DateTime, nullable=False)
    erstellt_von = Column(String(100), nullable=False)


#: Roles of an employee (Mitarbeiterin/Mitarbeiter) using the agent channel.
MITARBEITER_ROLLEN = ("sc", "socl", "trainer", "admin")


class Mitarbeiter(Base):
    """An employee who may use the agent channel."""

    __tablename__ = "mitarbeiter"
    __table_args__ = (CheckConstraint(_in("rolle", MITARBEITER_ROLLEN), name="rolle"),)

    login = Column(String(40), primary_key=True)
    name = Column(String(200), nullable=False)
    rolle = Column(String(20), nullable=False)
    aktiv = Column(Boolean, nullable=False, default=True, server_default=true())
    demo = Column(Boolean, nullable=False, default=False, server_default=false())
    #: Argon2id hash of the web-app password (migration 0007); ``None``: no browser sign-in.
    passwort_hash = Column(String(255), nullable=True)
    passwort_geaendert_am = Column(DateTime, nullable=True)


class MitarbeiterToken(Base):
    """An API token of an employee; only the SHA-256 of the token is stored."""

    __tablename__ = "mitarbeiter_token"
    __table_args__ = (
        UniqueConstraint("token_hash", name="uq_mitarbeiter_token_token_hash"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    login = Column(
        String(40), ForeignKey("mitarbeiter.login", ondelete="CASCADE"),
        nullable=False, index=True,
    )
    token_hash = Column(String(64), nullable=False)
    bezeichnung = Column(String(200), nullable=False, default="")
    erstellt_am = Column(DateTime, nullable=False)
    widerrufen_am = Column(DateTime, nullable=True)


class Sitzung(Base):
    """A browser session of an employee (migration 0007).

    ``id`` is the SHA-256 (hex) of the cookie value; the value itself is never stored.
    """

    __tablename__ = "sitzung"

    id = Column(String(64), primary_key=True)
    login = Column(
        String(40), ForeignKey("mitarbeiter.login", ondelete="CASCADE"),
        nullable=False, index=True,
    )
    #: Token every form and non-GET request of the session must carry.
    csrf = Column(String(64), nullable=False)
    erstellt_am = Column(DateTime, nullable=False)
    zuletzt_am = Column(DateTime, nullable=False)
    #: Absolute end, however active the session is.
    ablauf_am = Column(DateTime, nullable=False)
    beendet_am = Column(DateTime, nullable=True)
    #: The agent token the console created for this session (if any).
    agent_token_id = Column(
        Integer, ForeignKey("mitarbeiter_token.id", ondelete="SET NULL"),
        nullable=True, index=True,
    )


#: Outcomes of a sign-in attempt (``anmeldeversuch.grund``).
ANMELDEVERSUCH_GRUENDE = ("erfolg", "passwort_falsch", "unbekannt", "inaktiv",
                          "kein_passwort", "gesperrt", "laufend")


class Anmeldeversuch(Base):
    """One sign-in attempt (success or not); the basis of the rate limit. No password."""

    __tablename__ = "anmeldeversuch"
    __table_args__ = (
        CheckConstraint(_in("grund", ANMELDEVERSUCH_GRUENDE), name="grund"),
        Index("ix_anmeldeversuch_login_zeitpunkt", "login", "zeitpunkt"),
        Index("ix_anmeldeversuch_ip_zeitpunkt", "ip", "zeitpunkt"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    #: The login as typed (at most 80 characters), not necessarily an existing account.
    login = Column(String(80), nullable=False)
    ip = Column(String(64), nullable=False)
    zeitpunkt = Column(DateTime, nullable=False, index=True)
    erfolg = Column(Boolean, nullable=False)
    grund = Column(String(20), nullable=False)


class SepaExport(Base):
    """A SEPA credit-transfer file (pain.001) of Abschläge; each transfer is in at most one."""

    __tablename__ = "sepa_export"
    __table_args__ = (
        CheckConstraint("anzahl > 0", name="anzahl_positiv"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    nachricht_id = Column(String(35), nullable=False)
    erstellt_am = Column(DateTime, nullable=False)
    erstellt_von = Column(String(100), nullable=False)
    ausfuehrung_am = Column(Date, nullable=False)
    anzahl = Column(Integer, nullable=False)
    summe_cent = Column(Integer, nullable=False)
    xml = Column(Text, nullable=False)


class AbschlagAntrag(Base):
    """An Abschlag request prepared in the customer chat; a SOC-L employee decides it.

    At most one open request per customer and month (partial unique index).
    """

    __tablename__ = "abschlag_antrag"
    __table_args__ = (
        CheckConstraint(_in("status", ANTRAG_STATUS), name="status"),
        CheckConstraint(_in("haertegrund", HAERTEGRUND_WERTE), name="haertegrund"),
        CheckConstraint("betrag_cent > 0", name="betrag_positiv"),
        CheckConstraint("length(monat) = 7", name="monat_format"),
        UniqueConstraint("vorgangsnummer", name="uq_abschlag_antrag_vorgangsnummer"),
        UniqueConstraint("idempotenz_schluessel", name="uq_abschlag_antrag_idempotenz_schluessel"),
        Index("ux_abschlag_antrag_offen_monat", "kundennummer", "monat", unique=True,
              sqlite_where=text("status = 'offen'"), postgresql_where=text("status = 'offen'")),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    vorgangsnummer = Column(String(20), nullable=False)
    kundennummer = Column(
        String(10), ForeignKey("kunde.kundennummer", ondelete="RESTRICT"),
        nullable=False, index=True,
    )
    monat = Column(CHAR(7), nullable=False)
    betrag_cent = Column(Integer, nullable=False)
    #: The calculation shown to the customer (JSON of ``Entscheidung.als_dict()``).
    berechnung = Column(Text, nullable=False, default="{}")
    haertegrund = Column(String(20), nullable=False)
    haertegrund_text = Column(Text, nullable=True)
    conversation_id = Column(String(100), nullable=False)
    idempotenz_schluessel = Column(String(100), nullable=False)
    status = Column(String(20), nullable=False, default="offen", server_default="offen")
    erstellt_am = Column(DateTime, nullable=False, index=True)
    entschieden_am = Column(DateTime, nullable=True)
    entschieden_von = Column(String(40), nullable=True)
    ablehnungsgrund = Column(Text, nullable=True)
    zahlung_id = Column(
        Integer, ForeignKey("zahlung.id", ondelete="RESTRICT"), nullable=True, index=True
    )


# --- employee's console: conversation record (migration 0008) ------------------------------

#: Channels a console conversation runs on.
GESPRAECH_KANAELE = ("agent",)

#: Kinds of deviation from the guide the console records.
ABWEICHUNG_ARTEN = ("hinweis_nicht_gegeben", "schritt_uebersprungen", "vorzeitig_beendet")


class Gespraech(Base):
    """A conversation an employee runs in the console (one Rasa ``sender_id``)."""

    __tablename__ = "gespraech"
    __table_args__ = (
        CheckConstraint(_in("kanal", GESPRAECH_KANAELE), name="kanal"),
        UniqueConstraint("sender_id", name="uq_gespraech_sender_id"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    sender_id = Column(String(80), nullable=False)
    login = Column(
        String(40), ForeignKey("mitarbeiter.login", ondelete="RESTRICT"),
        nullable=False, index=True,
    )
    kanal = Column(String(20), nullable=False, default="agent", server_default="agent")
    begonnen_am = Column(DateTime, nullable=False, index=True)
    beendet_am = Column(DateTime, nullable=True)


class HinweisBestaetigung(Base):
    """The employee ticked a Pflichthinweis of a step as given (once per step and notice)."""

    __tablename__ = "hinweis_bestaetigung"
    __table_args__ = (
        UniqueConstraint("gespraech_id", "schritt_id", "hinweis",
                         name="uq_hinweis_bestaetigung_gespraech_schritt_hinweis"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    gespraech_id = Column(
        Integer, ForeignKey("gespraech.id", ondelete="CASCADE"), nullable=False
    )
    leitfaden = Column(String(10), nullable=False)
    version = Column(String(20), nullable=False)
    schritt_id = Column(String(20), nullable=False)
    #: Text key of the notice in the step (``frage_zustimmung``).
    hinweis = Column(String(60), nullable=False)
    login = Column(String(40), nullable=False)
    zeitpunkt = Column(DateTime, nullable=False)


class Abweichung(Base):
    """A deviation from the guide, recorded once (``hinweis`` is ``""`` when none applies)."""

    __tablename__ = "abweichung"
    __table_args__ = (
        CheckConstraint(_in("art", ABWEICHUNG_ARTEN), name="art"),
        UniqueConstraint("gespraech_id", "schritt_id", "art", "hinweis",
                         name="uq_abweichung_gespraech_schritt_art_hinweis"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    gespraech_id = Column(
        Integer, ForeignKey("gespraech.id", ondelete="CASCADE"), nullable=False
    )
    leitfaden = Column(String(10), nullable=False)
    version = Column(String(20), nullable=False)
    schritt_id = Column(String(20), nullable=False)
    art = Column(String(30), nullable=False)
    hinweis = Column(String(60), nullable=False, default="", server_default="")
    beschreibung = Column(Text, nullable=False)
    login = Column(String(40), nullable=False)
    zeitpunkt = Column(DateTime, nullable=False)
