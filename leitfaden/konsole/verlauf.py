"""Reading a conversation from Rasa's tracker JSON (plain dicts, no Rasa imports).

The tracker is what ``GET /conversations/<sender_id>/tracker`` returns: ``slots``
(``{name: value}``) and ``events`` (``[{"event": "slot", "name": ..., "value": ...}, ...]``).
Events undone by Rasa (``rewind``: the user message reverted, ``undo``: the last action
reverted) are left out; ``restart`` and ``session_started`` begin a new segment (Rasa resets
the slots there, see ``session_config`` in domain.yml).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Events after which Rasa starts the conversation state afresh.
NEUBEGINN = frozenset({"restart", "session_started"})

Ereignis = Mapping[str, Any]


def _zuruecknehmen(ereignisse: list[Ereignis], art: str) -> None:
    """Drop events from the end up to and including the last one of kind ``art``."""
    while ereignisse:
        if ereignisse.pop().get("event") == art:
            return


def segmente(tracker: Mapping[str, Any]) -> list[list[Ereignis]]:
    """The tracker's applied events, split at every restart or new session (oldest first).

    There is always at least one (possibly empty) segment; the last one is the present.
    """
    teile: list[list[Ereignis]] = [[]]
    for ereignis in tracker.get("events") or []:
        if not isinstance(ereignis, Mapping):
            continue
        art = ereignis.get("event")
        if art in NEUBEGINN:
            teile.append([])
        elif art == "undo":
            _zuruecknehmen(teile[-1], "action")
        elif art == "rewind":
            _zuruecknehmen(teile[-1], "user")
            _zuruecknehmen(teile[-1], "action")
        else:
            teile[-1].append(ereignis)
    return teile


def schritte_in(ereignisse: Sequence[Ereignis]) -> list[str]:
    """Steps visited (values of the ``guide_step`` slot events), repeats in a row dropped."""
    schritte: list[str] = []
    for e in ereignisse:
        if e.get("event") == "slot" and e.get("name") == "guide_step" and e.get("value"):
            wert = str(e["value"])
            if not schritte or schritte[-1] != wert:
                schritte.append(wert)
    return schritte


def letzter_wert(ereignisse: Sequence[Ereignis], slot: str) -> Any:
    """The last value other than ``None`` a slot event gave ``slot`` (``None`` if none)."""
    for e in reversed(ereignisse):
        if e.get("event") == "slot" and e.get("name") == slot and e.get("value") is not None:
            return e["value"]
    return None


def gesagte_texte(ereignisse: Sequence[Ereignis]) -> list[tuple[str, str]]:
    """``(step, text key)`` of every bot message that carries the guide's evidence."""
    gesagt = []
    for e in ereignisse:
        if e.get("event") != "bot":
            continue
        beleg = (e.get("metadata") or {}).get("leitfaden") or {}
        if beleg.get("guide_step") and beleg.get("text_key"):
            gesagt.append((str(beleg["guide_step"]), str(beleg["text_key"])))
    return gesagt


def aktionen(ereignisse: Sequence[Ereignis]) -> list[str]:
    """Names of the actions run."""
    return [str(e.get("name")) for e in ereignisse if e.get("event") == "action"]


@dataclass(frozen=True)
class Verlauf:
    """What the console needs from a tracker: the present segment and all visited steps."""

    slots: Mapping[str, Any]
    ereignisse: tuple[Ereignis, ...]
    schritte: tuple[str, ...]
    alle_segmente: tuple[tuple[str, ...], ...]

    @classmethod
    def aus_tracker(cls, tracker: Mapping[str, Any]) -> Verlauf:
        """Read the tracker JSON (missing keys are fine: an empty conversation)."""
        teile = segmente(tracker)
        return cls(
            slots=dict(tracker.get("slots") or {}),
            ereignisse=tuple(teile[-1]),
            schritte=tuple(schritte_in(teile[-1])),
            alle_segmente=tuple(tuple(schritte_in(t)) for t in teile),
        )

    def slot(self, name: str) -> Any:
        """The slot's current value."""
        return self.slots.get(name)

    @property
    def aktueller_schritt(self) -> str | None:
        """The step the assistant is in now (slot ``guide_step``, else the last visited)."""
        wert = self.slots.get("guide_step")
        if wert:
            return str(wert)
        return self.schritte[-1] if self.schritte else None

    @property
    def vorheriger_schritt(self) -> str | None:
        """The step visited before the current one, if any."""
        aktuell = self.aktueller_schritt
        frueher = list(self.schritte)
        if frueher and frueher[-1] == aktuell:
            frueher.pop()
        return frueher[-1] if frueher else None

    def seit_besuch(self, schritt: str) -> tuple[Ereignis, ...]:
        """The present segment's events from the start of the latest visit of ``schritt``
        (empty if it was not visited)."""
        start = None
        vorher = None
        for i, e in enumerate(self.ereignisse):
            if e.get("event") == "slot" and e.get("name") == "guide_step" and e.get("value"):
                wert = str(e["value"])
                if wert == schritt and vorher != schritt:
                    start = i
                vorher = wert
        return self.ereignisse[start:] if start is not None else ()

    @property
    def besucht(self) -> tuple[str, ...]:
        """Every step visited in any segment, each once, in the order first visited."""
        return tuple(dict.fromkeys(s for teil in self.alle_segmente for s in teil))
