"""Shared glue for guide actions: wording from the guide, evidence, guide/step slots."""

from __future__ import annotations

import logging
from abc import ABCMeta, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.services import repository
from leitfaden.clock import today
from leitfaden.guides import WordingError, library

log = logging.getLogger(__name__)

#: Rasa input channel name -> wording channel of the guide.
KANAL_NACH_EINGANG = {"agent": "agent", "twilio_voice": "telefon"}

#: Guide step the conversation starts in.
START_SCHRITT = "3.000.1"


def kanal(tracker: Tracker) -> str:
    """Wording channel (``kunde``, ``agent``, ``telefon``) of the tracker's latest message."""
    return KANAL_NACH_EINGANG.get(tracker.get_latest_input_channel() or "", "kunde")


#: Intents that are never an answer to a form question (digressions are handled by rules).
KEINE_ANTWORT = frozenset({
    "bot_challenge", "human_handoff", "out_of_scope", "thank", "goodbye", "greet", "nlu_fallback",
})


def antwort_text(tracker: Tracker, slot: str) -> str | None:
    """The latest message's text if it answers the form question for ``slot`` open now."""
    message = tracker.latest_message or {}
    if tracker.get_slot("requested_slot") != slot:
        return None
    if (message.get("intent") or {}).get("name") in KEINE_ANTWORT:
        return None
    text = (message.get("text") or "").strip()
    return text if text and not text.startswith("/") else None


def letzter_intent(tracker: Tracker) -> str | None:
    """Intent of the latest user message."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def guide_of(schritt_id: str) -> str:
    """``3.000.4`` -> ``3.000``."""
    return schritt_id.rsplit(".", 1)[0]


class Sprecher:
    """Says guide wording for one action run and remembers the step the bot ended in."""

    def __init__(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        self.dispatcher = dispatcher
        self.tracker = tracker
        self.kanal = kanal(tracker)
        self.schritt: str = tracker.get_slot("guide_step") or START_SCHRITT
        self.frage: str | None = None
        self._library = library()  # one look at the guide files per action run
        self._tag = today()

    def sage(self, schritt_id: str, key: str, **values: Any) -> None:
        """Send wording ``key`` of step ``schritt_id`` (version in force today)."""
        rendered = self._library.render(schritt_id, key, self._tag, self.kanal, values)
        buttons = [{"title": k.titel, "payload": k.payload} for k in rendered.knoepfe]
        self.dispatcher.utter_message(text=rendered.text, buttons=buttons,
                                      leitfaden=rendered.evidence)
        self.schritt = schritt_id

    def rendere(self, schritt_id: str, key: str, **values: Any) -> str:
        """Wording ``key`` of a step filled in, without sending it (notes for the file)."""
        return self._library.render(schritt_id, key, self._tag, values=values).text

    def sage_allgemein(self, key: str, **values: Any) -> None:
        """Send a guide-level wording (digressions) without leaving the current step."""
        self.sage(self.schritt, key, **values)

    def step_events(self) -> list[EventType]:
        """The contract slots ``guide`` and ``guide_step`` for where the bot is now."""
        return [SlotSet("guide", guide_of(self.schritt)), SlotSet("guide_step", self.schritt)]


class GuideAction(Action, metaclass=ABCMeta):
    """One action of a guide step. Subclasses implement :meth:`handle`.

    ``handle`` says what the step needs and returns ``(events, weiter)``: ``weiter`` is the
    step the rules continue with right away, or ``None`` to wait for the caller. While waiting,
    ``sprecher.frage`` names the open question (slot ``offene_frage``), so that the caller's
    answer is routed by it even after a digression ("Bin ich mit einem Bot verbunden?").
    """

    @property
    @abstractmethod
    def action_name(self) -> str:
        """The action's name in domain.yml (a class attribute in concrete actions)."""

    def name(self) -> str:
        return self.action_name

    @abstractmethod
    async def handle(self, sprecher: Sprecher, tracker: Tracker,
                     domain: DomainDict) -> tuple[list[EventType], str | None]:
        """Do the step's work; return events and the step to continue with (or None)."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        sprecher = Sprecher(dispatcher, tracker)
        try:
            events, weiter = await self.handle(sprecher, tracker, domain)
        except WordingError:
            log.exception("Leitfaden-Text fehlt in %s", self.name())
            dispatcher.utter_message(
                text="Für diesen Schritt liegt kein gültiger Leitfaden-Text vor. "
                     "Bitte wenden Sie sich an die Leitung.")
            return [SlotSet("weiter", None)]
        frage = sprecher.frage if weiter is None else None
        return [*events, *sprecher.step_events(), SlotSet("weiter", weiter),
                SlotSet("offene_frage", frage)]


class SchrittFormValidation(FormValidationAction, metaclass=ABCMeta):
    """Validation action of a form that belongs to one guide step (sets guide/guide_step)."""

    @property
    @abstractmethod
    def schritt_id(self) -> str:
        """The step the form's questions belong to (a class attribute in concrete forms)."""

    def schritt(self, tracker: Tracker) -> str:
        """The step for this conversation (forms shared by two guides override this)."""
        return self.schritt_id

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> list[EventType]:
        """Validate what was set since the caller's message, except slots reset to None.

        An action that resets the form's slots (a failed legitimation attempt, a withdrawn
        appointment) lets the form start again in the same turn; rasa-sdk would validate
        those None values like answers and report them as bad input.
        """
        alle = tracker.slots_to_validate
        tracker.slots_to_validate = lambda: {  # type: ignore[method-assign]
            name: wert for name, wert in alle().items() if wert is not None}
        try:
            return await super().get_validation_events(dispatcher, tracker, domain)
        finally:
            del tracker.slots_to_validate

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        if not any(e.get("event") == "slot" and e.get("name") != "requested_slot"
                   for e in events):
            # Nothing answered the question (a digression, "nein"): return no slot at all,
            # so that Rasa's form rejects and the unhappy-path rules take over. The step
            # slots are set by whichever action runs next.
            return events
        schritt = self.schritt(tracker)
        return [*events, SlotSet("guide", guide_of(schritt)), SlotSet("guide_step", schritt)]


class FrageAction(GuideAction, metaclass=ABCMeta):
    """Asks one guide question and waits; the answer is routed by the open question."""

    #: Step, wording key and open question (slot ``offene_frage``) of the concrete action.
    schritt: str
    key: str
    frage: str

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        sprecher.sage(self.schritt, self.key)
        sprecher.frage = self.frage
        return [], None


def vermerk_und_abschied(sprecher: Sprecher, tracker: Tracker, schritt: str,
                         werte: dict[str, str], kundennummer: str | None) -> None:
    """Closing step: store the contact note (the step's ``vermerk`` wording), say goodbye.

    The note names the guide the conversation was in (e.g. 3.301 before returning to 3.000.7).
    """
    text = sprecher.rendere(schritt, "vermerk", **werte)
    repository().vermerk_speichern(
        conversation_id=tracker.sender_id,
        kundennummer=kundennummer,
        guide=tracker.get_slot("guide") or guide_of(schritt),
        guide_step=schritt,
        anliegen=tracker.get_slot("anliegen"),
        text=text,
        created_by=f"leitfaden:{sprecher.kanal}",
    )
    sprecher.sage(schritt, "verabschiedung")
