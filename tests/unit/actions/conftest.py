"""Fixtures for the Rasa custom actions: real trackers, a real dispatcher, the real store.

``tracker(...)`` builds a :class:`rasa_sdk.Tracker` as the Rasa server sends it to the action
server (slots, latest message, events with a ``user`` event naming the input channel, active
loop); ``ausfuehren(action, tracker)`` runs ``action.run`` with a :class:`CollectingDispatcher`
and the project's ``domain.yml`` and returns an :class:`Ergebnis`.

Tests that need data request ``store``: the demo data on SQLite and PostgreSQL (``repo`` from
``tests/conftest.py``) is installed with ``actions.services.use_repository``. Without it, any
use of the store fails loudly (no test writes to the developer's ``var/leitfaden.db``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from leitfaden.guides import library

PROJECT = Path(__file__).resolve().parents[3]
HEUTE = dt.date(2026, 11, 18)

#: Rasa input channel of the latest user message -> wording channel of the guide.
KANAELE = {"rest": "kunde", "agent": "agent", "twilio_voice": "telefon"}


def wortlaut(schritt: str, key: str, kanal: str = "kunde", **werte: Any) -> str:
    """The text the guide in force on the reference day has for ``key`` (placeholders filled)."""
    return library().render(schritt, key, HEUTE, kanal, werte).text


def wording_hash(schritt: str, key: str, kanal: str = "kunde") -> str:
    """Fingerprint of the wording the guide in force has for ``key`` on ``kanal``."""
    return library().wording(schritt, key, HEUTE, kanal)[1].hash


@dataclass
class Ergebnis:
    """What one action run produced: the dispatcher's messages and the returned events."""

    nachrichten: list[dict[str, Any]]
    events: list[dict[str, Any]]

    # -- messages -------------------------------------------------------------------------
    @property
    def texte(self) -> list[str]:
        return [m["text"] for m in self.nachrichten]

    @property
    def keys(self) -> list[str]:
        """``text_key`` of every message, in order."""
        return [m["leitfaden"]["text_key"] for m in self.nachrichten]

    @property
    def alles(self) -> str:
        """Everything sent (texts, button titles and payloads, evidence) as one string."""
        return repr(self.nachrichten)

    def nachricht(self, key: str) -> dict[str, Any]:
        """The single message with ``text_key`` ``key``."""
        treffer = [m for m in self.nachrichten if m["leitfaden"]["text_key"] == key]
        assert len(treffer) == 1, f"{key!r} nicht genau einmal in {self.keys}"
        return treffer[0]

    def text(self, key: str) -> str:
        return self.nachricht(key)["text"]

    def knoepfe(self, key: str) -> list[tuple[str, str]]:
        return [(b["title"], b["payload"]) for b in self.nachricht(key)["buttons"]]

    def pruefe_evidenz(self, kanal: str = "kunde") -> None:
        """Every message is guide wording and carries its evidence (guide, step, key, hash)."""
        for m in self.nachrichten:
            ev = m["leitfaden"]
            schritt, key = ev["guide_step"], ev["text_key"]
            guide = schritt.rsplit(".", 1)[0]
            assert ev["guide"] == guide and guide in ("3.000", "1.000", "3.301")
            assert ev["guide_version"] == library().in_force(guide, HEUTE).version
            assert ev["channel"] == kanal
            assert ev["valid_on"] == HEUTE.isoformat()
            assert ev["wording_hash"] == wording_hash(schritt, key, kanal), (schritt, key)

    # -- events ---------------------------------------------------------------------------
    @property
    def gesetzte_slots(self) -> list[str]:
        """Names of the slots set, in order (with repetitions)."""
        return [e["name"] for e in self.events if e["event"] == "slot"]

    @property
    def slots(self) -> dict[str, Any]:
        """Final value of every slot the events set (later events win, as in Rasa)."""
        return {e["name"]: e["value"] for e in self.events if e["event"] == "slot"}

    def setzt(self, slot: str) -> bool:
        return slot in self.slots

    def slot(self, slot: str) -> Any:
        assert slot in self.slots, f"Slot {slot!r} wird nicht gesetzt: {self.events}"
        return self.slots[slot]


class _KeinStore:
    """Stands in for the store in tests that must not use it."""

    def __getattr__(self, name: str):
        raise AssertionError(f"Test ohne Store ruft repository().{name} auf")


@pytest.fixture(autouse=True)
def heute(monkeypatch, stichtag) -> dt.date:
    """Every action test runs on the contract's reference day with the project's guides."""
    monkeypatch.setenv("LEITFADEN_TODAY", HEUTE.isoformat())
    monkeypatch.delenv("LEITFADEN_GUIDELINES", raising=False)
    assert stichtag == HEUTE
    return HEUTE


@pytest.fixture(autouse=True)
def _kein_store() -> Iterator[None]:
    services.use_repository(_KeinStore())  # type: ignore[arg-type]
    yield
    services.use_repository(None)


@pytest.fixture
def store(_kein_store, repo):
    """The demo data (SQLite and PostgreSQL) as the actions' repository."""
    services.use_repository(repo)
    yield repo
    services.use_repository(None)


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """``domain.yml`` as the dict the action server receives."""
    return yaml.safe_load((PROJECT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def slot_defaults(domain) -> dict[str, Any]:
    return {name: spec.get("initial_value") for name, spec in domain["slots"].items()}


def _entities(entities: Mapping[str, Any] | list[dict[str, Any]] | None,
              text: str) -> list[dict[str, Any]]:
    if entities is None:
        return []
    if isinstance(entities, list):
        return entities
    out = []
    for name, value in entities.items():
        start = text.find(str(value))
        out.append({"entity": name, "value": value, "start": max(start, 0),
                    "end": max(start, 0) + len(str(value)), "extractor": "DIETClassifier"})
    return out


@pytest.fixture
def tracker(slot_defaults):
    """Factory for a real ``rasa_sdk.Tracker`` right after a user message.

    ``actions_seit_user`` names actions that ran after the user message (before
    ``latest_action_name``); ``slot_events`` are appended last (slot candidates to validate).
    """

    def bauen(*, slots: Mapping[str, Any] | None = None, intent: str | None = "inform",
              text: str = "", entities=None, kanal: str | None = "rest",
              active_loop: str | None = None, sender_id: str = "gespraech-test",
              latest_action_name: str = "action_listen",
              slot_events: Mapping[str, Any] | None = None,
              actions_seit_user: tuple[str, ...] = ()) -> Tracker:
        alle_slots = dict(slot_defaults)
        alle_slots.update(slots or {})
        message = {
            "intent": {"name": intent, "confidence": 0.97} if intent else {},
            "entities": _entities(entities, text),
            "text": text,
            "message_id": "m-1",
            "metadata": {},
        }
        events: list[dict[str, Any]] = [
            {"event": "action", "name": "action_session_start", "timestamp": 1.0},
            {"event": "session_started", "timestamp": 1.1},
            {"event": "action", "name": "action_listen", "timestamp": 1.2},
            {"event": "user", "text": text, "parse_data": message, "input_channel": kanal,
             "timestamp": 2.0},
        ]
        for name in actions_seit_user:
            events.append({"event": "action", "name": name, "timestamp": 2.05})
        if latest_action_name != "action_listen":
            events.append({"event": "action", "name": latest_action_name, "timestamp": 2.1})
        for name, value in (slot_events or {}).items():
            alle_slots[name] = value
            events.append({"event": "slot", "name": name, "value": value, "timestamp": 2.2})
        return Tracker(
            sender_id=sender_id,
            slots=alle_slots,
            latest_message=message,
            events=events,
            paused=False,
            followup_action=None,
            active_loop={"name": active_loop} if active_loop else {},
            latest_action_name=latest_action_name,
        )

    return bauen


@pytest.fixture
def ausfuehren(domain):
    """Run an action the way the action server does and collect what it produced."""

    def run(action: Action, tracker: Tracker) -> Ergebnis:
        dispatcher = CollectingDispatcher()
        events = asyncio.run(action.run(dispatcher, tracker, domain))
        return Ergebnis(dispatcher.messages, [dict(e) for e in events])

    return run


@pytest.fixture
def text_von():
    """``text_von(schritt, key, kanal="kunde", **werte)``: the guide's wording, rendered."""
    return wortlaut
