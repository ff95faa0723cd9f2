"""GLF 3.000.4 Legitimation: the form that collects the data, its questions, and the check."""

from __future__ import annotations

import datetime as dt
import re
from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import GuideAction, SchrittFormValidation, Sprecher, antwort_text
from actions.services import repository
from leitfaden import legitimation
from leitfaden.clock import today
from leitfaden.gespraech import PERSOENLICHE_ANLIEGEN, naechster_schritt_nach_legitimation
from leitfaden.nlp import normalise
from leitfaden.nlp.normalise import NormalisationError

#: Slots of one attempt; cleared before the next attempt.
VERSUCH_SLOTS = ("kundennummer", "kunde_name", "vertreter_name", "geburtsdatum")

PRUEFEN = "action_glf3000_legitimation_pruefen"

_KUNDENNUMMER_IM_TEXT = re.compile(r"\d{3}[\s.-]*[A-Za-z][\s.-]*\d{6}")


def _ist_vertreter(tracker: Tracker) -> bool:
    return tracker.get_slot("rolle") == "bevollmaechtigt"


def _nachricht_verbraucht(tracker: Tracker) -> bool:
    """True if the latest message was already checked (the form restarts after a failed try)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") == PRUEFEN:
            return True
    return False


def _entity(tracker: Tracker, name: str) -> str | None:
    if _nachricht_verbraucht(tracker):
        return None
    if name == "name":
        # DIET may cut a name into pieces ("Thomas" "Becker"): join them in text order.
        teile = sorted((e for e in (tracker.latest_message or {}).get("entities", [])
                        if e.get("entity") == "name"), key=lambda e: e.get("start", 0))
        return " ".join(str(e["value"]) for e in teile) or None
    return next(tracker.get_latest_entity_values(name), None)


def genannter_name(tracker: Tracker, slot: str) -> str | None:
    """The name the caller gave: the whole short answer to the name question, else the entity.

    A name entity of two or more words wins ("Kundin Anna Schmidt"). Otherwise a short answer
    ("Thomas Becker", "ich heiße Anna Schmidt") is taken whole, since the entity model
    sometimes finds only part of a name; failing that, whatever the entity model found.
    """
    entity = _entity(tracker, "name")
    if entity and len(entity.split()) >= 2:
        return entity
    antwort = _antwort(tracker, slot)
    if antwort is not None and not _nachricht_verbraucht(tracker):
        try:
            name = normalise.name(antwort)
            if len(name.split()) <= 4:
                return name
        except NormalisationError:
            pass
    return entity or antwort


def _antwort(tracker: Tracker, slot: str) -> str | None:
    """The answer to the open question, unless that message was already checked once."""
    return None if _nachricht_verbraucht(tracker) else antwort_text(tracker, slot)


class ValidateLegitimationForm(SchrittFormValidation):
    """Extracts and checks the form's answers one by one (format only; identity afterwards)."""

    schritt_id = "3.000.4"

    def name(self) -> str:
        return "validate_legitimation_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if _ist_vertreter(tracker):
            return ["vertreter_name", "kundennummer", "geburtsdatum"]
        return ["kundennummer", "kunde_name", "geburtsdatum"]

    # -- extraction: entities first, else the answer to the open question -------------------
    async def extract_kundennummer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        value = _entity(tracker, "kundennummer")
        if value is None:
            text = _antwort(tracker, "kundennummer")
            if text is not None:
                found = _KUNDENNUMMER_IM_TEXT.search(text)
                value = found.group(0) if found else text
        return {"kundennummer": value} if value else {}

    async def extract_geburtsdatum(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        value = _entity(tracker, "geburtsdatum") or _antwort(tracker, "geburtsdatum")
        return {"geburtsdatum": value} if value else {}

    async def extract_kunde_name(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        if _ist_vertreter(tracker):
            return {}
        value = genannter_name(tracker, "kunde_name")
        return {"kunde_name": value} if value else {}

    async def extract_vertreter_name(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> dict[str, Any]:
        if not _ist_vertreter(tracker):
            return {}
        value = genannter_name(tracker, "vertreter_name")
        return {"vertreter_name": value} if value else {}

    # -- validation: normalise or explain in German --------------------------------------
    def _melde(self, dispatcher: CollectingDispatcher, tracker: Tracker,
               fehler: NormalisationError) -> None:
        sprecher = Sprecher(dispatcher, tracker)
        sprecher.sage("3.000.4", "ungueltig", meldung=fehler.message)

    def validate_kundennummer(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        try:
            return {"kundennummer": normalise.kundennummer(str(value))}
        except NormalisationError as fehler:
            self._melde(dispatcher, tracker, fehler)
            return {"kundennummer": None}

    def validate_geburtsdatum(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        try:
            return {"geburtsdatum": normalise.geburtsdatum(str(value), today()).isoformat()}
        except NormalisationError as fehler:
            self._melde(dispatcher, tracker, fehler)
            return {"geburtsdatum": None}

    def _validate_name(self, slot: str, value: Any, dispatcher: CollectingDispatcher,
                       tracker: Tracker) -> dict[str, Any]:
        try:
            return {slot: normalise.name(str(value))}
        except NormalisationError as fehler:
            self._melde(dispatcher, tracker, fehler)
            return {slot: None}

    def validate_kunde_name(self, value: Any, dispatcher: CollectingDispatcher,
                            tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._validate_name("kunde_name", value, dispatcher, tracker)

    def validate_vertreter_name(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        return self._validate_name("vertreter_name", value, dispatcher, tracker)


class _Frage(GuideAction):
    """Asks one question of the legitimation form (wording differs for representatives)."""

    @property
    @abstractmethod
    def key(self) -> str:
        """Wording key (a class attribute in concrete actions)."""

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        vertreter_key = f"{self.key}_vertreter"
        key = self.key
        if _ist_vertreter(tracker) and self.key in ("frage_kundennummer", "frage_geburtsdatum"):
            key = vertreter_key
        sprecher.sage("3.000.4", key)
        return [], None


class ActionAskKundennummer(_Frage):
    action_name = "action_ask_kundennummer"
    key = "frage_kundennummer"


class ActionAskKundeName(_Frage):
    action_name = "action_ask_kunde_name"
    key = "frage_kunde_name"


class ActionAskVertreterName(_Frage):
    action_name = "action_ask_vertreter_name"
    key = "frage_vertreter_name"


class ActionAskGeburtsdatum(_Frage):
    action_name = "action_ask_geburtsdatum"
    key = "frage_geburtsdatum"


class ActionLegitimationPruefen(GuideAction):
    """3.000.4: check the collected data against the store; at most 3 attempts."""

    action_name = PRUEFEN

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        rolle = legitimation.Rolle(tracker.get_slot("rolle") or "kunde")
        vertreter = rolle is legitimation.Rolle.BEVOLLMAECHTIGT
        fehlversuche = int(tracker.get_slot("legitimation_versuche") or 0)
        ergebnis = legitimation.pruefe(
            repository(),
            rolle=rolle,
            kundennummer=tracker.get_slot("kundennummer") or "",
            geburtsdatum=_datum(tracker.get_slot("geburtsdatum")),
            name=tracker.get_slot("vertreter_name" if vertreter else "kunde_name") or "",
            stichtag=today(),
            bisherige_fehlversuche=fehlversuche,
        )
        E = legitimation.Ergebnis
        events: list[EventType] = [SlotSet("legitimation", ergebnis.ergebnis.value)]
        persoenlich = tracker.get_slot("anliegen") in PERSOENLICHE_ANLIEGEN
        if ergebnis.ergebnis in (E.WIEDERHOLEN, E.GESPERRT, E.KEINE_VOLLMACHT):
            events += [SlotSet(slot, None) for slot in VERSUCH_SLOTS]
            if ergebnis.ergebnis is E.WIEDERHOLEN:
                events.append(SlotSet("legitimation_versuche", float(ergebnis.versuch)))
                sprecher.sage("3.000.4", "fehlgeschlagen", versuch=ergebnis.versuch + 1,
                              max_versuche=legitimation.MAX_VERSUCHE)
                return events, "3.000.4"
            if ergebnis.ergebnis is E.GESPERRT:
                events.append(SlotSet("legitimation_versuche", float(ergebnis.versuch)))
                sprecher.sage("3.000.4", "gesperrt")
            else:
                events.append(SlotSet("rolle", "dritte"))
                sprecher.sage("3.000.4", "keine_vollmacht")
            return events, "3.000.5"
        kunde = ergebnis.kunde
        assert kunde is not None
        if ergebnis.ergebnis is E.SCHUTZKENNZEICHEN_M:
            sprecher.sage("3.000.4", "schutzkennzeichen_m")
            return events, "3.000.2" if persoenlich else "3.000.5"
        maskiert = normalise.mask_kundennummer(kunde.kundennummer)
        if ergebnis.vollmacht is not None:
            umfang = ergebnis.vollmacht.umfang
            events.append(SlotSet("vollmacht_umfang", umfang))
            sprecher.sage("3.000.4", "erfolgreich_vertreter",
                          umfang="vollumfängliche" if umfang == "vollumfaenglich" else "teilweise",
                          umfang_dativ=("vollumfänglicher" if umfang == "vollumfaenglich"
                                        else "teilweiser"),
                          vertreter=tracker.get_slot("vertreter_name"),
                          kundennummer_maskiert=maskiert)
        else:
            sprecher.sage("3.000.4", "erfolgreich", name=kunde.name,
                          kundennummer_maskiert=maskiert)
        return events, naechster_schritt_nach_legitimation(tracker.get_slot("anliegen"),
                                                           ergebnis.ergebnis.value)


def _datum(value: Any) -> dt.date:
    """The ISO date the form stored; ``date.min`` (never a birth date) if there is none."""
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return dt.date.min
