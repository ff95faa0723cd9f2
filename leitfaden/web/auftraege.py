"""The Webauftrag history of an offer in the form the detail page shows it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from leitfaden.angebotsregister import art_label
from leitfaden.texte import zeitpunkt_text
from leitfaden.webauftrag.eingang import verlauf

#: German labels of the document's field names.
FELD_LABELS = {
    "dienststelle": "Dienststelle",
    "art": "Angebotsart",
    "titel": "Titel",
    "beschreibung": "Beschreibung",
    "ort_raum": "Ort und Raum",
    "zeiten": "Zeiten",
    "termin_erforderlich": "Termin erforderlich",
    "buchung": "Terminvereinbarung",
    "barrierefreiheit": "Barrierefreiheit",
    "sprachen": "Sprachen",
    "kontakt.telefon": "Telefon",
    "kontakt.email": "E-Mail",
    "gueltig_ab": "gültig ab",
    "gueltig_bis": "gültig bis",
    "zurueckgezogen_am": "zurückgezogen am",
}
AKTION_LABELS = {"neu": "Neu gemeldet", "aendern": "Geändert", "beenden": "Beendet"}
KANAL_LABELS = {"http": "HTTP-Schnittstelle", "cli": "Kommandozeile"}

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class FeldAenderung:
    """One changed field: German label, old and new value as shown."""

    name: str
    alt: str | None
    neu: str | None


@dataclass(frozen=True)
class VerlaufZeile:
    """What one Webauftrag did to the offer."""

    nummer: str
    absender: str
    kanal: str
    eingegangen_am: dt.datetime
    aktion: str
    felder: tuple[FeldAenderung, ...]


def _wert(feld: str, wert: str | None) -> str | None:
    if wert is None:
        return None
    if feld.startswith("gueltig_") and _ISO.match(wert):
        return dt.date.fromisoformat(wert).strftime("%d.%m.%Y")
    if feld == "zurueckgezogen_am":
        try:
            return zeitpunkt_text(dt.datetime.fromisoformat(wert))
        except ValueError:
            return wert
    if feld == "art":
        return art_label(wert)
    if feld == "termin_erforderlich":
        return {"ja": "Ja", "nein": "Nein"}.get(wert, wert)
    return wert


def verlauf_fuer_angebot(engine: Engine, angebot_id: str) -> list[VerlaufZeile]:
    """Webaufträge that touched the offer, newest first, with the changed fields."""
    zeilen = []
    for auftrag in verlauf(engine, angebot_id=angebot_id):
        for aenderung in auftrag.aenderungen:
            zeilen.append(VerlaufZeile(
                nummer=auftrag.nummer,
                absender=auftrag.absender,
                kanal=KANAL_LABELS.get(auftrag.kanal, auftrag.kanal),
                eingegangen_am=auftrag.eingegangen_am,
                aktion=AKTION_LABELS.get(aenderung.aktion, aenderung.aktion),
                felder=tuple(
                    FeldAenderung(FELD_LABELS.get(name, name), _wert(name, alt),
                                  _wert(name, neu))
                    for name, (alt, neu) in aenderung.felder.items()
                ),
            ))
    return zeilen
