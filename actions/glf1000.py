"""GLF 1.000 step actions: reception of the Agentur für Arbeit (Eingangszone) and its phone.

The guide starts with the intent ``einsatz_agentur`` (payload
``/einsatz_agentur{"dienststelle": "nuernberg-mitte"}`` or "Leitfaden 1.000, Eingangszone
Nürnberg"), which sets the slot ``einsatz`` that the GLF 1.000 rules are conditioned on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    FrageAction,
    GuideAction,
    SchrittFormValidation,
    Sprecher,
    antwort_text,
    letzter_intent,
    vermerk_und_abschied,
)
from actions.legitimation import genannter_name
from actions.services import repository
from actions.unterstuetzung import angebote_nennen
from leitfaden import offers, settings, termine
from leitfaden.clock import today
from leitfaden.gespraech import SCHRITT_1000_NACH_ANLIEGEN, anliegen_1000, vermerk_werte_1000
from leitfaden.nlp import normalise
from leitfaden.nlp.normalise import NormalisationError
from leitfaden.store.records import ANGEBOTSARTEN, AngebotRecord, DienststelleRecord
from leitfaden.store.repository import TerminKonflikt

#: Value of the slot ``einsatz`` while GLF 1.000 runs.
AGENTUR = "agentur"

#: Concerns whose step says something before moving on.
_ANLIEGEN_TEXT = {"termin", "bankverbindung", "online"}


def _dienststelle_aus(tracker: Tracker) -> DienststelleRecord | None:
    """The Dienststelle named in the latest message: its id, postcode or place."""
    alle = repository().dienststellen()
    kennung = next(tracker.get_latest_entity_values("dienststelle"), None)
    if kennung:
        treffer = next((d for d in alle if d.id == str(kennung).strip().lower()), None)
        if treffer is not None:
            return treffer
    plz = next(tracker.get_latest_entity_values("plz"), None)
    ort = next(tracker.get_latest_entity_values("ort"), None) or kennung
    if plz or ort:
        return offers.finde_dienststelle(repository(), plz=plz, ort=ort)
    return None


class ActionBegruessung(GuideAction):
    """1.000.1: start GLF 1.000 at a Dienststelle's reception and ask for the concern."""

    action_name = "action_glf1000_begruessung"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        dienststelle = _dienststelle_aus(tracker)
        if dienststelle is None and tracker.get_slot("dienststelle"):
            dienststelle = next((d for d in repository().dienststellen()
                                 if d.id == tracker.get_slot("dienststelle")), None)
        wo = f"in der {dienststelle.name}" if dienststelle else "in Ihrer Agentur für Arbeit"
        sprecher.sage("1.000.1", "begruessung", wo=wo)
        sprecher.frage = "anliegen"
        return [SlotSet("einsatz", AGENTUR),
                SlotSet("dienststelle", dienststelle.id if dienststelle else None)], None


class ActionAnliegen(GuideAction):
    """1.000.1: classify the concern and choose the step (online, support, Abschlag, report)."""

    action_name = "action_glf1000_anliegen"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        anliegen = anliegen_1000(letzter_intent(tracker))
        if anliegen is None:
            sprecher.sage("1.000.1", "anliegen_frage")
            sprecher.frage = "anliegen"
            return [], None
        if anliegen in _ANLIEGEN_TEXT:
            sprecher.sage("1.000.1", f"anliegen_{anliegen}")
        else:
            sprecher.schritt = "1.000.1"
        return [SlotSet("anliegen", anliegen)], SCHRITT_1000_NACH_ANLIEGEN[anliegen]


class ActionOnlineNutzung(GuideAction):
    """1.000.2: promote the online offers; representatives: VERO with full Vollmacht only."""

    action_name = "action_glf1000_online_nutzung"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        events: list[EventType] = []
        umfang = tracker.get_slot("vollmacht_umfang")
        vertreter = (tracker.get_slot("rolle") == "bevollmaechtigt"
                     or tracker.get_slot("anliegen") == "vero")
        if vertreter and umfang is None:
            antwort = letzter_intent(tracker)
            if tracker.get_slot("offene_frage") == "vollmacht" and antwort in ("affirm", "deny"):
                umfang = "vollumfaenglich" if antwort == "affirm" else "teilweise"
                events.append(SlotSet("vollmacht_umfang", umfang))
            else:
                sprecher.sage("1.000.2", "frage_vollmacht")
                sprecher.frage = "vollmacht"
                return events, None
        if vertreter:
            key = "online_vero" if umfang == "vollumfaenglich" else "online_teilweise"
        else:
            key = "online_kunde"
        sprecher.sage("1.000.2", key)
        return events, "1.000.3"


class ActionUnterstuetzungFrage(FrageAction):
    """1.000.3: ask whether help is needed to use the online offers."""

    action_name = "action_glf1000_unterstuetzung_frage"

    schritt, key, frage = "1.000.3", "frage_bedarf", "unterstuetzung"


class ActionUnterstuetzungAngebote(GuideAction):
    """1.000.3: this Dienststelle's offers valid today; offer an appointment where needed.

    Without a known Dienststelle (phone contact) the place is asked first (``weiter`` 1.000.3
    starts the ``unterstuetzung_form``).
    """

    action_name = "action_glf1000_unterstuetzung_angebote"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        dienststelle_id = tracker.get_slot("dienststelle")
        standort = str(tracker.get_slot("standort") or "").strip()
        if not dienststelle_id and not standort:
            return [], "1.000.3"
        art = tracker.get_slot("angebotsart")
        art = art if art in ANGEBOTSARTEN else None
        heute = today()
        if dienststelle_id:
            ergebnis = offers.angebote_fuer(repository(), heute, art=art,
                                            dienststelle_id=dienststelle_id)
        else:
            plz, ort = offers.plz_und_ort(standort)
            ergebnis = offers.angebote_fuer(repository(), heute, plz=plz, ort=ort, art=art)
        if ergebnis.dienststelle is None:
            sprecher.sage("1.000.3", "standort_unbekannt", eingabe=standort or dienststelle_id)
            return [SlotSet("standort", None), SlotSet("angebote_genannt", False)], "1.000.6"
        genannt = angebote_nennen(sprecher, "1.000.3", ergebnis)
        events: list[EventType] = [SlotSet("standort", None),
                                   SlotSet("angebote_genannt", bool(genannt))]
        termin = termine.erster_mit_termin(genannt, heute)
        if termin is None:
            return events, "1.000.6"
        angebot, vorschlag = termin
        sprecher.sage("1.000.3", "frage_termin", titel=angebot.titel, termin=vorschlag.text)
        sprecher.frage = "termin"
        return [*events, SlotSet("termin_angebot", angebot.id),
                SlotSet("termin_vorschlag", vorschlag.datum.isoformat())], None


class ActionAskTerminName(GuideAction):
    """1.000.3: ask for the name the appointment is made for."""

    action_name = "action_ask_termin_name"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        sprecher.sage("1.000.3", "frage_termin_name")
        return [], None


class ActionTerminAnfragen(GuideAction):
    """1.000.3: record the appointment request for the slot the caller agreed to (once).

    If that slot is gone meanwhile (the offer changed, the day passed), the next one is
    proposed instead and the caller asked again.
    """

    action_name = "action_glf1000_termin_anfragen"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        angebot_id = tracker.get_slot("termin_angebot")
        name = tracker.get_slot("termin_name")
        angebot = repository().angebot(angebot_id) if angebot_id else None
        zuruecksetzen: list[EventType] = [SlotSet("termin_angebot", None),
                                          SlotSet("termin_vorschlag", None),
                                          SlotSet("termin_name", None)]
        buchung = (angebot.buchung if angebot else None) or ""
        if angebot is None or not name:
            sprecher.sage("1.000.3", "termin_nicht_moeglich", buchung=buchung)
            return zuruecksetzen, "1.000.6"
        heute = today()
        vorschlag = _zugesagter_termin(tracker, angebot, heute)
        if vorschlag is None:
            neu = termine.naechster_termin(angebot, heute)
            if neu is None:
                sprecher.sage("1.000.3", "termin_nicht_moeglich", buchung=buchung)
                return zuruecksetzen, "1.000.6"
            sprecher.sage("1.000.3", "termin_nicht_mehr_frei", titel=angebot.titel,
                          termin=neu.text)
            sprecher.frage = "termin"
            return [SlotSet("termin_vorschlag", neu.datum.isoformat())], None
        try:
            anfrage = repository().terminanfrage_speichern(
                angebot_id=angebot.id, conversation_id=tracker.sender_id, name=str(name),
                datum=vorschlag.datum, von=vorschlag.von, bis=vorschlag.bis,
                erstellt_von=f"leitfaden:{sprecher.kanal}",
            )
        except TerminKonflikt:
            sprecher.sage("1.000.3", "termin_bereits_angefragt", titel=angebot.titel,
                          termin=vorschlag.text, buchung=buchung)
            return zuruecksetzen, "1.000.6"
        sprecher.sage("1.000.3", "termin_angefragt", name=anfrage.name, termin=vorschlag.text,
                      nummer=anfrage.nummer, titel=angebot.titel, buchung=buchung)
        return [*zuruecksetzen, SlotSet("termin_nummer", anfrage.nummer)], "1.000.6"


def _zugesagter_termin(tracker: Tracker, angebot: AngebotRecord,
                       heute: dt.date) -> termine.Terminvorschlag | None:
    """The slot proposed to the caller (slot ``termin_vorschlag``) if it still works."""
    try:
        datum = dt.date.fromisoformat(str(tracker.get_slot("termin_vorschlag") or ""))
    except ValueError:
        return None
    return termine.termin_am(angebot, datum, heute)


class ActionAbschlag(GuideAction):
    """1.000.4: the Service Center settles an Abschlag on the phone; no appointment needed."""

    action_name = "action_glf1000_abschlag"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        key = "zahlung" if tracker.get_slot("anliegen") == "zahlung" else "abschlag"
        sprecher.sage("1.000.4", key)
        return [], "1.000.6"


class ActionWebauftragHinweis(GuideAction):
    """1.000.5: how an Agentur reports its support offers (Webauftrag); in any guide."""

    action_name = "action_glf1000_webauftrag_hinweis"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        sprecher.sage("1.000.5", "webauftrag", adresse=webauftrag_adresse())
        agentur = tracker.get_slot("einsatz") == AGENTUR
        events: list[EventType] = []
        if agentur or tracker.get_slot("anliegen") is None:
            events.append(SlotSet("anliegen", "angebotsmeldung"))  # keeps an SC call's concern
        return events, "1.000.6" if agentur else "3.000.7"


def webauftrag_adresse() -> str:
    """Where Webaufträge go: the web app's API address (``LEITFADEN_WEB_URL``)."""
    return settings.web_url().rstrip("/") + "/api/webauftraege"


class ActionAbschlussFrage(FrageAction):
    """1.000.6: ask for further concerns."""

    action_name = "action_glf1000_abschluss_frage"

    schritt, key, frage = "1.000.6", "frage_weiteres", "weiteres"


class ActionVerabschiedung(GuideAction):
    """1.000.6: say goodbye and store the contact note (Gesprächsvermerk)."""

    action_name = "action_glf1000_verabschiedung"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        slots = {name: tracker.get_slot(name) for name in
                 ("anliegen", "rolle", "vollmacht_umfang", "angebote_genannt", "termin_nummer")}
        vermerk_und_abschied(sprecher, tracker, "1.000.6", vermerk_werte_1000(slots), None)
        return [], None


class ValidateTerminForm(SchrittFormValidation):
    """1.000.3: the name an appointment request is made for (first and last name)."""

    schritt_id = "1.000.3"

    def name(self) -> str:
        return "validate_termin_form"

    async def extract_termin_name(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: DomainDict) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "termin_name":
            return {}
        if letzter_intent(tracker) in ("affirm", "deny"):
            return {}  # "Nein danke" is no name; a deny leaves the form (rules)
        value = genannter_name(tracker, "termin_name") or antwort_text(tracker, "termin_name")
        return {"termin_name": value} if value else {}

    def validate_termin_name(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        try:
            name = normalise.name(str(value))
        except NormalisationError:
            name = ""
        if len(name.split()) < 2:
            Sprecher(dispatcher, tracker).sage("1.000.3", "termin_name_ungueltig")
            return {"termin_name": None}
        return {"termin_name": name}
