"""Which routes of Rasa's HTTP API need the management token, and the token check."""

from __future__ import annotations

import pytest

from leitfaden_rasa.api_schutz import erlaubt, ist_schreibend


@pytest.mark.parametrize("methode,pfad", [
    ("POST", "/conversations/abc/tracker/events"),
    ("put", "/conversations/a/b/tracker/events"),
    ("POST", "/conversations/abc/trigger_intent"),
    ("POST", "/conversations/abc/execute"),
    ("POST", "/conversations/abc/messages"),
    ("POST", "/model/train"),
    ("POST", "/model/test/intents"),
    ("PUT", "/model"),
    ("DELETE", "/model/"),
])
def test_schreibend(methode, pfad):
    assert ist_schreibend(methode, pfad)


@pytest.mark.parametrize("methode,pfad", [
    ("GET", "/conversations/abc/tracker"),
    ("GET", "/conversations/abc/tracker/events"),
    ("POST", "/model/parse"),
    ("GET", "/status"),
    ("POST", "/webhooks/rest/webhook"),
    ("POST", "/webhooks/agent/webhook"),
    ("GET", "/socket.io/"),
])
def test_nicht_schreibend(methode, pfad):
    assert not ist_schreibend(methode, pfad)


def test_token_pruefung():
    assert erlaubt("Bearer geheim", None, "geheim")
    assert erlaubt(None, "geheim", "geheim")
    assert not erlaubt("Bearer falsch", None, "geheim")
    assert not erlaubt("Basic geheim", None, "geheim")
    assert not erlaubt(None, None, "geheim")
    assert not erlaubt("Bearer ", "", "geheim")
    assert not erlaubt("Bearer geheim", None, "")  # without a configured token: closed
