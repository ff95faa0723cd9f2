"""GLF 3.000.6 Unterstützungsbedarf: where the caller lives, and the offers there.

The form asking for postcode or place also serves GLF 1.000.3 (phone contact of an Agentur,
when the Dienststelle is not known); its wording then comes from step 1.000.3.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import GuideAction, SchrittFormValidation, Sprecher, antwort_text
from actions.services import repository
from leitfaden import offers
from leitfaden.clock import today
from leitfaden.store.records import ANGEBOTSARTEN, AngebotRecord

plz_und_ort = offers.plz_und_ort


def schritt_standort(tracker: Tracker) -> str:
    """The step asking for the place: 1.000.3 at an Agentur (GLF 1.000), else 3.000.6."""
    return "1.000.3" if tracker.get_slot("einsatz") == "agentur" else "3.000.6"


def _standort_aus(tracker: Tracker) -> str | None:
    """Postcode or place from the latest message's entities, else from the answer's text."""
    for entity in ("plz", "ort"):
        value = next(tracker.get_latest_entity_values(entity), None)
        if value:
            return str(value)
    return antwort_text(tracker, "standort")


class ValidateUnterstuetzungForm(SchrittFormValidation):
    """Finds the responsible Dienststelle for the postcode or place the caller gives."""

    schritt_id = "3.000.6"

    def name(self) -> str:
        return "validate_unterstuetzung_form"

    def schritt(self, tracker: Tracker) -> str:
        return schritt_standort(tracker)

    async def extract_standort(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        value = _standort_aus(tracker)
        return {"standort": value} if value else {}

    def validate_standort(self, value: Any, dispatcher: CollectingDispatcher,
                          tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        eingabe = str(value).strip()[:80]
        plz, ort = plz_und_ort(eingabe)
        dienststelle = offers.finde_dienststelle(repository(), plz=plz, ort=ort)
        if dienststelle is None:
            Sprecher(dispatcher, tracker).sage(schritt_standort(tracker), "standort_unbekannt",
                                               eingabe=eingabe)
            return {"standort": None}
        return {"standort": eingabe}


class ActionAskStandort(GuideAction):
    """Asks for postcode or place."""

    action_name = "action_ask_standort"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        sprecher.sage(schritt_standort(tracker), "frage_standort")
        return [], None


def angebote_nennen(sprecher: Sprecher, schritt: str,
                    ergebnis: offers.LookupResult) -> tuple[AngebotRecord, ...]:
    """Read out the offers found, or say none and name the nearest alternative (3.000.6,
    1.000.3: same wording keys). Returns the offers actually named."""
    d = ergebnis.dienststelle
    assert d is not None
    if ergebnis.angebote:
        key = "angebote" if len(ergebnis.angebote) > 1 else "angebote_eins"
        sprecher.sage(schritt, key, dienststelle=d.name, adresse=d.anschrift,
                      anzahl=len(ergebnis.angebote))
        for angebot in ergebnis.angebote:
            sprecher.sage(schritt, "angebot", satz=offers.angebot_als_satz(angebot))
        return ergebnis.angebote
    sprecher.sage(schritt, "keine_angebote", dienststelle=d.name)
    alt = ergebnis.alternative
    if alt is None or not ergebnis.alternative_angebote:
        sprecher.sage(schritt, "keine_alternative")
        return ()
    sprecher.sage(schritt, "alternative", dienststelle=alt.name, adresse=alt.anschrift)
    for angebot in ergebnis.alternative_angebote:
        sprecher.sage(schritt, "angebot", satz=offers.angebot_als_satz(angebot))
    return ergebnis.alternative_angebote


class ActionUnterstuetzungAngebote(GuideAction):
    """3.000.6: tell the offers of the responsible Dienststelle valid today (or the nearest)."""

    action_name = "action_glf3000_unterstuetzung_angebote"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        standort = str(tracker.get_slot("standort") or "")
        plz, ort = plz_und_ort(standort)
        art = tracker.get_slot("angebotsart")
        if art not in ANGEBOTSARTEN:
            art = None  # a kind the synonym list does not know: show every offer
        ergebnis = offers.angebote_fuer(repository(), today(), plz=plz, ort=ort, art=art)
        if ergebnis.dienststelle is None:
            sprecher.sage("3.000.6", "standort_unbekannt", eingabe=standort)
            return [SlotSet("standort", None), SlotSet("angebote_genannt", False)], "3.000.7"
        genannt = angebote_nennen(sprecher, "3.000.6", ergebnis)
        return [SlotSet("standort", None), SlotSet("angebote_genannt", bool(genannt))], "3.000.7"
