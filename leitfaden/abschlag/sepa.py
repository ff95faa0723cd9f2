"""SEPA credit-transfer files (pain.001.001.03) of the Abschläge in the ledger.

:func:`sepa_exportieren` puts every transferred Abschlag that is not in a file yet into one
new file (built with ``sepaxml`` and validated against its XSD), marks the payments with the
export's id in the same transaction and stores the XML; a second export does not repeat
them. The debtor is the BA's account from ``LEITFADEN_SEPA_IBAN``/``_BIC``/``_NAME``; the
defaults are an invented demo account.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal

from sepaxml import SepaTransfer
from sqlalchemy import select
from sqlalchemy.engine import Engine

from leitfaden import clock
from leitfaden.abschlag.bankkalender import naechster_bankarbeitstag
from leitfaden.abschlag.ledger import AbschlagFehler, schreibtransaktion
from leitfaden.nlp.normalise import from_cents
from leitfaden.store.db import session_scope
from leitfaden.store.models import Kunde, SepaExport, Zahlung, utc_aware, utc_naiv
from leitfaden.store.repository import audit_schreiben

#: pain.001 version written (the one German banks accept everywhere).
SCHEMA = "pain.001.001.03"

#: Invented demo account of the debtor (valid check digits, bank code 12345678 is fictitious).
DEMO_IBAN = "DE17123456780000000001"
DEMO_BIC = "DEMODEF1XXX"
DEMO_NAME = "Bundesagentur fuer Arbeit DEMO (erfundenes Konto)"


class SepaFehler(AbschlagFehler):
    """The debtor's account is not configured correctly or the file does not validate."""


@dataclass(frozen=True)
class Auftraggeber:
    """The debtor of the transfers (the BA's account)."""

    name: str
    iban: str
    bic: str | None


@dataclass(frozen=True)
class SepaDatei:
    """One export: its id, the XML and what it contains."""

    export_id: int
    nachricht_id: str
    xml: bytes
    anzahl: int
    summe: Decimal
    ausfuehrung_am: dt.date
    erstellt_am: dt.datetime
    bestaetigungsnummern: tuple[str, ...] = ()

    @property
    def nummer(self) -> str:
        """``SEPA-000001``."""
        return exportnummer(self.export_id)


def exportnummer(export_id: int) -> str:
    """``SEPA-000001`` for export 1."""
    return f"SEPA-{export_id:06d}"


def auftraggeber() -> Auftraggeber:
    """The debtor from the environment (defaults: the invented demo account)."""
    iban = "".join(os.environ.get("LEITFADEN_SEPA_IBAN", "").split()).upper() or DEMO_IBAN
    bic = "".join(os.environ.get("LEITFADEN_SEPA_BIC", "").split()).upper() or DEMO_BIC
    name = " ".join(os.environ.get("LEITFADEN_SEPA_NAME", "").split()) or DEMO_NAME
    return Auftraggeber(name=name, iban=iban, bic=bic or None)


def iban_gueltig(iban: str) -> bool:
    """Format and check digits (ISO 13616, mod 97) of a compact IBAN."""
    if not (15 <= len(iban) <= 34 and iban[:2].isalpha() and iban[2:4].isdigit()
            and iban.isalnum() and iban.isascii()):
        return False
    ziffern = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(ziffern) % 97 == 1


def verwendungszweck(monat: str, nummer: str) -> str:
    """``Abschlag Arbeitslosengeld 2026-11 AB-2026-000123``."""
    return f"Abschlag Arbeitslosengeld {monat} {nummer}"


def _datei(z_liste: list[Zahlung], namen: dict[str, str], ausfuehrung_am: dt.date,
           wer: Auftraggeber) -> tuple[bytes, str]:
    """Build and validate the pain.001 file; returns the XML and its message id."""
    if not iban_gueltig(wer.iban):
        raise SepaFehler(f"Die IBAN des Auftraggebers ({wer.iban}) ist ungültig. Prüfen Sie "
                         "LEITFADEN_SEPA_IBAN.")
    konfig = {"name": wer.name, "IBAN": wer.iban, "batch": True, "currency": "EUR"}
    if wer.bic:
        konfig["BIC"] = wer.bic
    try:
        datei = SepaTransfer(konfig, schema=SCHEMA, clean=True)
        for z in z_liste:
            datei.add_payment({
                "name": namen[z.kundennummer],
                "IBAN": z.iban,
                "amount": z.betrag_cent,
                "execution_date": ausfuehrung_am,
                "description": verwendungszweck(z.monat or f"{z.datum:%Y-%m}",
                                                z.bestaetigungsnummer),
                "endtoend_id": z.bestaetigungsnummer,
            })
        return datei.export(validate=True), datei.msg_id
    except Exception as exc:  # sepaxml raises bare Exception and its ValidationError
        raise SepaFehler(f"Die SEPA-Datei ließ sich nicht erzeugen: {exc}. Prüfen Sie "
                         "LEITFADEN_SEPA_IBAN, LEITFADEN_SEPA_BIC und LEITFADEN_SEPA_NAME.") \
            from exc


def sepa_exportieren(engine: Engine, *, akteur: str,
                     ausfuehrung_am: dt.date | None = None) -> SepaDatei | None:
    """Export every transferred Abschlag not exported yet; ``None`` if there is none.

    The payments (status ``angewiesen``, with a confirmation number) are locked, written to
    one validated pain.001 file (amounts in cents, end-to-end id = confirmation number) and
    marked with the new export's id in the same transaction; the XML is stored.
    Execution date: the given day or the next bank working day from today.
    """
    wer = auftraggeber()
    ausfuehrung = ausfuehrung_am or naechster_bankarbeitstag(clock.today())
    with schreibtransaktion(engine) as s:
        z_liste = list(s.scalars(
            select(Zahlung).where(
                Zahlung.art == "abschlag", Zahlung.status == "angewiesen",
                Zahlung.sepa_export_id.is_(None), Zahlung.bestaetigungsnummer.is_not(None),
                Zahlung.iban.is_not(None),
            ).order_by(Zahlung.id).with_for_update()
        ))
        if not z_liste:
            return None
        namen = {k.kundennummer: f"{k.vorname} {k.nachname}" for k in s.scalars(
            select(Kunde).where(Kunde.kundennummer.in_({z.kundennummer for z in z_liste})))}
        xml, nachricht_id = _datei(z_liste, namen, ausfuehrung, wer)
        summe_cent = sum(z.betrag_cent for z in z_liste)
        export = SepaExport(
            nachricht_id=nachricht_id[:35], erstellt_am=utc_naiv(clock.now()),
            erstellt_von=akteur[:100], ausfuehrung_am=ausfuehrung, anzahl=len(z_liste),
            summe_cent=summe_cent, xml=xml.decode("utf-8"),
        )
        s.add(export)
        s.flush()
        for z in z_liste:
            z.sepa_export_id = export.id
        s.flush()
        nummern = tuple(z.bestaetigungsnummer for z in z_liste)
        audit_schreiben(
            s, akteur=akteur, aktion="sepa_exportiert", objekt_typ="SepaExport",
            objekt_id=str(export.id),
            details={"nachricht_id": export.nachricht_id, "anzahl": len(z_liste),
                     "summe_cent": summe_cent, "ausfuehrung_am": ausfuehrung.isoformat(),
                     "bestaetigungsnummern": list(nummern)},
        )
        return SepaDatei(
            export_id=export.id, nachricht_id=export.nachricht_id, xml=xml,
            anzahl=len(z_liste), summe=from_cents(summe_cent), ausfuehrung_am=ausfuehrung,
            erstellt_am=utc_aware(export.erstellt_am), bestaetigungsnummern=nummern,
        )


def sepa_datei(engine: Engine, export_id: int) -> SepaDatei | None:
    """A stored export again (same XML), else ``None``."""
    with session_scope(engine) as s:
        export = s.get(SepaExport, export_id)
        if export is None:
            return None
        nummern = tuple(s.scalars(select(Zahlung.bestaetigungsnummer)
                                  .where(Zahlung.sepa_export_id == export_id)
                                  .order_by(Zahlung.id)))
        return SepaDatei(
            export_id=export.id, nachricht_id=export.nachricht_id,
            xml=export.xml.encode("utf-8"), anzahl=export.anzahl,
            summe=from_cents(export.summe_cent), ausfuehrung_am=export.ausfuehrung_am,
            erstellt_am=utc_aware(export.erstellt_am), bestaetigungsnummern=nummern,
        )
