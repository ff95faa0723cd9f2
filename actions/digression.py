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

#: Open question (slot ``offene_frage``) -> step and wording that asks it.
OFFENE_FRAGEN: dict[str, tuple[str, str]] = {
    "anliegen": ("3.000.2", "anliegen_frage"),
    "rolle": ("3.000.3", "frage_rolle"),
    "unterstuetzung": ("3.000.6", "frage_bedarf"),
    "weiteres": ("3.000.7", "frage_weiteres"),
}


class _Digression(GuideAction):
    """Say a general wording, then ask the open question again."""

    @property
    @abstractmethod
    def key(self) -> str:
        """Wording key (a class attribute in concrete actions)."""

    async def handle(self, sprecher: Sprecher, tracker: Tracker, domain: DomainDict):
        sprecher.sage_allgemein(self.key)
        frage = tracker.get_slot("offene_frage")
        if tracker.active_loop_name:
            sprecher.frage = frage
            return [], None
        if frage in OFFENE_FRAGEN:
            sprecher.sage(*OFFENE_FRAGEN[frage])
            sprecher.frage = frage
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
