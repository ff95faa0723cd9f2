"""German display formats and the JSON form of offers (shared by pages and API)."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import partial
from typing import Any

from leitfaden.angebotsregister import art_label
from leitfaden.offers import uhrzeit, zeiten_text
from leitfaden.store.records import WOCHENTAGE, AngebotRecord, DienststelleRecord
from leitfaden.texte import zeitpunkt_iso, zeitpunkt_text

#: JSON with umlauts as they are (every JSON answer of the app).
dumps = partial(json.dumps, ensure_ascii=False)


def datum(wert: dt.date | None) -> str:
    """``2026-07-20`` -> ``20.07.2026`` (empty for ``None``)."""
    return wert.strftime("%d.%m.%Y") if wert else ""


def gueltigkeit(angebot: AngebotRecord) -> str:
    """``ab 20.07.2026`` or ``20.07.2026 – 31.10.2026``."""
    if angebot.gueltig_bis is None:
        return f"ab {datum(angebot.gueltig_ab)}"
    return f"{datum(angebot.gueltig_ab)} – {datum(angebot.gueltig_bis)}"


def ja_nein(wert: bool) -> str:
    """``Ja`` / ``Nein``."""
    return "Ja" if wert else "Nein"


def tel_link(nummer: str) -> str:
    """``0911 5290-4110`` -> ``tel:091152904110`` (``+`` kept)."""
    return "tel:" + re.sub(r"[^\d+]", "", nummer)


def anzahl_angebote(n: int) -> str:
    """``1 Angebot``, ``12 Angebote``."""
    return f"{n} Angebot" if n == 1 else f"{n} Angebote"


def angebot_json(angebot: AngebotRecord, dienststelle: DienststelleRecord) -> dict[str, Any]:
    """An offer with its Dienststelle as plain JSON (ISO dates)."""
    return {
        "id": angebot.id,
        "art": angebot.art,
        "art_bezeichnung": art_label(angebot.art),
        "titel": angebot.titel,
        "beschreibung": angebot.beschreibung,
        "ort_raum": angebot.ort_raum,
        "zeiten": [
            {"wochentag": z.wochentag, "tag": WOCHENTAGE[z.wochentag],
             "von": z.von.strftime("%H:%M"), "bis": z.bis.strftime("%H:%M")}
            for z in angebot.zeiten
        ],
        "zeiten_text": zeiten_text(angebot.zeiten),
        "termin_erforderlich": angebot.termin_erforderlich,
        "buchung": angebot.buchung,
        "barrierefreiheit": angebot.barrierefreiheit,
        "sprachen": list(angebot.sprachen),
        "kontakt_telefon": angebot.kontakt_telefon,
        "kontakt_email": angebot.kontakt_email,
        "gueltig_ab": angebot.gueltig_ab.isoformat(),
        "gueltig_bis": angebot.gueltig_bis.isoformat() if angebot.gueltig_bis else None,
        "geaendert_am": zeitpunkt_iso(angebot.geaendert_am),
        "zurueckgezogen_am": zeitpunkt_iso(angebot.zurueckgezogen_am) or None,
        "dienststelle": {
            "id": dienststelle.id,
            "name": dienststelle.name,
            "anschrift": dienststelle.anschrift,
            "telefon": dienststelle.telefon,
            "agentur_id": dienststelle.agentur_id,
            "agentur_name": dienststelle.agentur_name,
        },
    }


JINJA_FILTER = {
    "datum": datum,
    "zeitpunkt": zeitpunkt_text,
    "zeitpunkt_iso": zeitpunkt_iso,
    "gueltigkeit": gueltigkeit,
    "ja_nein": ja_nein,
    "tel_link": tel_link,
    "zeiten_text": zeiten_text,
    "uhrzeit": uhrzeit,
}
