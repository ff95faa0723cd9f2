"""The launcher's guard against over-long messages (wrapping Rasa's MessageProcessor)."""

from __future__ import annotations

import asyncio

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor

from leitfaden.nlp.laenge import MARKE, MAX_ZEICHEN
from leitfaden_rasa import nachrichtenlaenge


@pytest.fixture
def installiert():
    nachrichtenlaenge.install()
    yield
    nachrichtenlaenge.uninstall()


def test_kuerzen_markiert_und_kuerzt():
    message = UserMessage("a" * 10_000, sender_id="s", metadata={"x": 1})
    assert nachrichtenlaenge.kuerzen(message)
    assert len(message.text) < 250
    assert message.metadata == {"x": 1, MARKE: 10_000}


def test_kurze_nachricht_unveraendert():
    message = UserMessage("Hallo", sender_id="s")
    assert not nachrichtenlaenge.kuerzen(message)
    assert message.text == "Hallo" and not (message.metadata or {}).get(MARKE)


def test_gekuerzte_nachricht_wird_nicht_interpretiert(installiert):
    class OhneNlu:
        """A processor that fails if the NLU were asked."""

        def __getattr__(self, name):
            raise AssertionError(f"NLU benutzt: {name}")

    message = UserMessage("x" * (MAX_ZEICHEN + 1), sender_id="s")
    nachrichtenlaenge.kuerzen(message)
    parse = asyncio.run(MessageProcessor.parse_message(OhneNlu(), message))
    assert parse["intent"] == {"name": "nlu_fallback", "confidence": 1.0}
    assert parse["entities"] == []


def test_install_ist_idempotent_und_umkehrbar():
    original = MessageProcessor.handle_message
    nachrichtenlaenge.install()
    nachrichtenlaenge.install()
    assert MessageProcessor.handle_message is not original
    nachrichtenlaenge.uninstall()
    assert MessageProcessor.handle_message is original
