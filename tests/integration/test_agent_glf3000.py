"""GLF 3.000 over the agent channel of the running Rasa server (``/webhooks/agent/webhook``)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from leitfaden.mitarbeiter import token_erzeugen, token_widerrufen
from leitfaden.store.db import make_engine

pytestmark = pytest.mark.integration

SOCL = {"login": "socl-demo", "name": "Oliver Lindner", "rolle": "socl",
        "darf_ueberweisen": True}


@pytest.fixture(scope="module")
def store(servers):
    """The running servers' store, for creating and revoking tokens."""
    engine = make_engine(servers.database_url)
    yield engine
    engine.dispose()


class AgentGespraech:
    """One conversation over the agent channel with an employee's token."""

    def __init__(self, servers, token: str | None) -> None:
        self.servers = servers
        self.token = token
        self.sender = f"agent-{uuid.uuid4().hex[:12]}"

    def post(self, text: str, **weiter: Any) -> requests.Response:
        kopf = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return requests.post(f"{self.servers.rasa_url}/webhooks/agent/webhook",
                             json={"sender": self.sender, "message": text, **weiter},
                             headers=kopf, timeout=60)

    def text(self, text: str, **weiter: Any) -> str:
        response = self.post(text, **weiter)
        assert response.status_code == 200, response.text
        return "\n".join(m.get("text", "") for m in response.json())

    def tracker(self) -> dict[str, Any]:
        response = requests.get(
            f"{self.servers.rasa_url}/conversations/{self.sender}/tracker", timeout=30)
        response.raise_for_status()
        return response.json()

    def user_events(self) -> list[dict[str, Any]]:
        return [e for e in self.tracker()["events"] if e["event"] == "user"]


def test_glf3000_mit_agent_formulierung(servers, store):
    gespraech = AgentGespraech(servers, token_erzeugen(store, "socl-demo", "Integrationstest"))
    antwort = gespraech.text("Hallo", metadata={"mitarbeiter": {"login": "chef",
                                                                 "rolle": "socl"}})
    assert antwort.startswith("Sagen Sie:"), antwort
    slots = gespraech.tracker()["slots"]
    assert (slots["guide"], slots["guide_step"]) == ("3.000", "3.000.1")

    gespraech.text("Kundin möchte einen Abschlag")
    assert gespraech.tracker()["slots"]["guide_step"] == "3.000.3"
    assert "Kundennummer" in gespraech.text("Für mich selbst")
    gespraech.text("123A456789")
    gespraech.text("Anna Schmidt")
    antwort = gespraech.text("14.03.1985")
    assert "Legitimation erfolgreich: Anna Schmidt" in antwort, antwort

    events = gespraech.user_events()
    assert len(events) == 6
    for event in events:
        assert event["input_channel"] == "agent"
        eintrag = dict(event["metadata"]["mitarbeiter"])
        assert eintrag.pop("signatur")  # signed by the channel for this conversation
        assert eintrag == SOCL  # the client's value was ignored


def test_gleiche_form_wie_rest_aber_agent_formulierung(servers, store):
    agent = AgentGespraech(servers, token_erzeugen(store, "sc-demo"))
    ueber_agent = agent.post("Hallo")
    ueber_rest = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook",
                               json={"sender": f"rest-{uuid.uuid4().hex[:12]}",
                                     "message": "Hallo"}, timeout=60)
    assert ueber_agent.status_code == ueber_rest.status_code == 200
    agent_json, rest_json = ueber_agent.json(), ueber_rest.json()
    assert [sorted(m) for m in agent_json] == [sorted(m) for m in rest_json]
    assert agent_json[0]["recipient_id"] == agent.sender
    assert agent_json[0]["text"].startswith("Sagen Sie:")
    assert "Sagen Sie" not in rest_json[0]["text"]


@pytest.mark.parametrize("token", [None, "falsch"])
def test_ohne_gueltigen_token_401_und_kein_event(servers, token):
    gespraech = AgentGespraech(servers, token)
    response = gespraech.post("Hallo")
    assert response.status_code == 401
    assert "Anmeldung erforderlich" in response.json()["fehler"]
    assert gespraech.user_events() == []


def test_widerruf_wirkt_sofort_im_laufenden_server(servers, store):
    token = token_erzeugen(store, "trainer-demo")
    gespraech = AgentGespraech(servers, token)
    assert gespraech.post("Hallo").status_code == 200
    token_widerrufen(store, token)
    assert gespraech.post("Kundin möchte einen Abschlag").status_code == 401
    assert [e["text"] for e in gespraech.user_events()] == ["Hallo"]
