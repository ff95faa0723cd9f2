"""Digressions (bot question, wish for a human, thanks, off-topic, not understood).

Each answers with the guide's general wording and then repeats the question that is still
open (slot ``offene_frage``), so the caller returns to the step where they were. Inside a form
the form itself asks again, so nothing is repeated here.
"""

from __future__ import annotations

from abc import abstractmethod

from rasa_sdk import Tracker
from rasa_sdk.types import DomainDict

from actions.common import GuideAction, Sprecher
from leitfaden.nlp.laenge import ist_gekuerzt

#: Open question (slot ``offene_frage``) -> step and wording that asks it (GLF 3.000).
OFFENE_FRAGEN: dict[str, tuple[str, str]] = {
    "anliegen": ("3.000.2", "anliegen_frage"),
    "rolle": ("3.000.3", "frage_rolle"),
    "unterstuetzung": ("3.000.6", "frage_bedarf"),
    "weiteres": ("3.000.7", "frage_weiteres"),
    "abschlag_wunsch": ("3.301.2", "frage_abschlag"),
}

#: The same for GLF 1.000 (slot ``einsatz`` = ``agentur``). The appointment question is not
#: repeated word for word (it names a date); the caller answers yes or no to it.
OFFENE_FRAGEN_1000: dict[str, tuple[str, str]] = {
    "anliegen": ("1.000.1", "anliegen_frage"),
    "vollmacht": ("1.000.2", "frage_vollmacht"),
    "unterstuetzung": ("1.000.3", "frage_bedarf"),
    "weiteres": ("1.000.6", "frage_weiteres"),
}


class _Digression(GuideAction):
    """Say a general wording, then ask the open question again."""

    @property
    @abstractmethod
    def key(self) -> str:
        """Wording key (a class attribute in concrete actions)."""

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        metadata = (tracker.latest_message or {}).get("metadata")
        zu_lang = self.key == "nicht_verstanden" and ist_gekuerzt(metadata)
        sprecher.sage_allgemein("nachricht_zu_lang" if zu_lang else self.key)
        frage = tracker.get_slot("offene_frage")
        if tracker.active_loop_name:
            sprecher.frage = frage
            return [], None
        agentur = tracker.get_slot("einsatz") == "agentur"
        fragen = OFFENE_FRAGEN_1000 if agentur else OFFENE_FRAGEN
        if frage in fragen:
            sprecher.sage(*fragen[frage])
            sprecher.frage = frage
        elif frage is not None:
            sprecher.frage = frage  # still open; the caller answers it
        elif tracker.get_slot("guide_step") is None:
            sprecher.sage("3.000.2", "anliegen_frage")
            sprecher.frage = "anliegen"
        return [], None


class ActionAntwortBotFrage(_Digression):
    action_name = "action_antwort_bot_frage"
    key = "bot_frage"


class ActionAntwortMensch(_Digression):
    action_name = "action_antwort_mensch"
    key = "mensch_gewuenscht"


class ActionAntwortDanke(_Digression):
    action_name = "action_antwort_danke"
    key = "danke"


class ActionAntwortNichtZustaendig(_Digression):
    action_name = "action_antwort_nicht_zustaendig"
    key = "nicht_zustaendig"


class ActionAntwortNichtVerstanden(_Digression):
    action_name = "action_antwort_nicht_verstanden"
    key = "nicht_verstanden"
