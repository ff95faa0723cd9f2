"""GLF 3.000 step actions: greeting, concern, role, online offers, closing."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.types import DomainDict

from actions.common import (
    FrageAction,
    GuideAction,
    Sprecher,
    letzter_intent,
    vermerk_und_abschied,
)
from actions.services import repository
from leitfaden.gespraech import (
    LEGITIMIERT,
    OHNE_PERSONENDATEN,
    anliegen_aus_intent,
    naechster_schritt_nach_legitimation,
    vermerk_werte,
)


class ActionBegruessung(GuideAction):
    """3.000.1: greet and ask for the concern."""

    action_name = "action_glf3000_begruessung"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        sprecher.sage("3.000.1", "begruessung")
        sprecher.frage = "anliegen"
        return [], None


class ActionAnliegen(GuideAction):
    """3.000.2: classify the concern and choose the way through the guide."""

    action_name = "action_glf3000_anliegen"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        intent = letzter_intent(tracker)
        anliegen = anliegen_aus_intent(intent)
        rolle = tracker.get_slot("rolle")
        legitimation = tracker.get_slot("legitimation")
        if anliegen is None:
            key = "anliegen_vertreter" if intent == "caller_is_representative" else "anliegen_frage"
            sprecher.sage("3.000.2", key)
            sprecher.frage = "anliegen"
            return [], None
        sprecher.sage("3.000.2", f"anliegen_{anliegen}")
        events: list[EventType] = [SlotSet("anliegen", anliegen)]
        if anliegen == "unterstuetzung":
            return events, "3.000.6"
        if anliegen == "bankverbindung":
            return events, "3.000.5"
        if legitimation in OHNE_PERSONENDATEN or rolle == "dritte":
            key = {"gesperrt": ("3.000.4", "gesperrt"),
                   "keine_vollmacht": ("3.000.4", "keine_vollmacht")}.get(
                       legitimation, ("3.000.3", "dritte"))
            sprecher.sage(*key)
            return events, "3.000.5"
        if legitimation in LEGITIMIERT:
            return events, naechster_schritt_nach_legitimation(anliegen, legitimation)
        if anliegen == "vero" or rolle == "bevollmaechtigt":
            return events, "3.000.4"
        if rolle == "kunde":
            return events, "3.000.5" if anliegen == "online" else "3.000.4"
        return events, "3.000.3"


class ActionRolle(GuideAction):
    """3.000.3: ask who is calling, or route once the role is known."""

    action_name = "action_glf3000_rolle"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        rolle = tracker.get_slot("rolle")
        anliegen = tracker.get_slot("anliegen")
        if rolle is None:
            sprecher.sage("3.000.3", "frage_rolle")
            sprecher.frage = "rolle"
            return [], None
        if rolle == "dritte":
            sprecher.sage("3.000.3", "dritte")
            return [], "3.000.5"
        if rolle == "kunde" and anliegen == "online":
            return [], "3.000.5"
        return [], "3.000.4"


class ActionWeiterleitung(GuideAction):
    """3.000.2: a personal concern the SC does not settle goes by Webauftrag to the back office.

    Records flagged Schutzkennzeichen M go to the protected-records team instead.
    """

    action_name = "action_glf3000_weiterleitung"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        geschuetzt = tracker.get_slot("legitimation") == "schutzkennzeichen_m"
        empfaenger = ("Team für geschützte Datensätze" if geschuetzt
                      else "Backoffice der zuständigen Agentur")
        vermerk = repository().vermerk_speichern(
            conversation_id=tracker.sender_id,
            kundennummer=tracker.get_slot("kundennummer"),
            guide="3.000",
            guide_step="3.000.2",
            anliegen=tracker.get_slot("anliegen"),
            text=f"Webauftrag an {empfaenger}: Anliegen {tracker.get_slot('anliegen')}",
            created_by=f"leitfaden:{sprecher.kanal}",
        )
        key = "weiterleitung_schutz" if geschuetzt else "weiterleitung"
        sprecher.sage("3.000.2", key, vermerk_nr=vermerk.id)
        return [], "3.000.5"


class ActionOnlineAngebote(GuideAction):
    """3.000.5: promote the online offers that fit the caller (VERO for full Vollmacht)."""

    action_name = "action_glf3000_online_angebote"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        legitimation = tracker.get_slot("legitimation")
        umfang = tracker.get_slot("vollmacht_umfang")
        rolle = tracker.get_slot("rolle")
        if legitimation in LEGITIMIERT and umfang == "vollumfaenglich":
            key = "online_vero"
        elif legitimation in LEGITIMIERT and umfang == "teilweise":
            key = "online_teilweise"
        elif rolle == "kunde" or (legitimation in LEGITIMIERT and rolle != "dritte"):
            key = "online_kunde"
        else:
            key = "online_allgemein"
        sprecher.sage("3.000.5", key)
        return [], "3.000.6"


class ActionUnterstuetzungFrage(FrageAction):
    """3.000.6: ask whether help is needed to use the online services."""

    action_name = "action_glf3000_unterstuetzung_frage"

    schritt, key, frage = "3.000.6", "frage_bedarf", "unterstuetzung"


class ActionAbschlussFrage(FrageAction):
    """3.000.7: ask for further concerns."""

    action_name = "action_glf3000_abschluss_frage"

    schritt, key, frage = "3.000.7", "frage_weiteres", "weiteres"


class ActionVerabschiedung(GuideAction):
    """3.000.7: say goodbye and store the contact note (Gesprächsvermerk)."""

    action_name = "action_glf3000_verabschiedung"

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        slots = {name: tracker.get_slot(name) for name in
                 ("anliegen", "rolle", "legitimation", "angebote_genannt")}
        vermerk_und_abschied(sprecher, tracker, "3.000.7", vermerk_werte(slots),
                             tracker.get_slot("kundennummer"))
        return [], None
