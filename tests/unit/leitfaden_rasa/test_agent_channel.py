"""The agent channel's blueprint in a Sanic app beside Rasa's REST channel (in-process ASGI).

A recording stand-in for Rasa's agent shows what would reach the tracker: each
``UserMessage`` with its input channel and metadata (Rasa stores exactly these in the user
event). The real Rasa server is covered by tests/integration/test_agent_channel.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.core.channels.channel import UserMessage, register
from rasa.core.channels.rest import RestInput
from rasa.core.run import _create_single_channel
from sanic import Sanic

from leitfaden.mitarbeiter import (
    mitarbeiter_aus_metadaten,
    signatur,
    token_erzeugen,
    token_widerrufen,
)
from leitfaden.store.db import session_scope
from leitfaden.store.models import Mitarbeiter
from leitfaden_rasa.agent_channel import AgentInput, engines_schliessen

PROJECT = Path(__file__).resolve().parents[3]
AGENT = "/webhooks/agent/webhook"
REST = "/webhooks/rest/webhook"
SOCL = {"login": "socl-demo", "name": "Oliver Lindner", "rolle": "socl",
        "darf_ueberweisen": True}
SC = {"login": "sc-demo", "name": "Sophie Clausen", "rolle": "sc", "darf_ueberweisen": False}


def _gezeichnet(daten: dict, sender: str = "gespraech-1") -> dict:
    """The employee metadata as the channel sends it: signed for the conversation."""
    return {**daten, "signatur": signatur(daten["login"], daten["rolle"], sender,
                                          b"test-geheimnis")}


class AufzeichnenderAgent:
    """Stands in for ``rasa.core.agent.Agent``: records messages, answers deterministically."""

    def __init__(self) -> None:
        self.nachrichten: list[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.nachrichten.append(message)
        await message.output_channel.send_text_message(message.sender_id,
                                                       f"Antwort auf: {message.text}")
        await message.output_channel.send_text_message(message.sender_id, "Noch etwas?")


class Client:
    """A minimal ASGI client for one Sanic app (sanic-testing is not installed)."""

    def __init__(self, app: Sanic) -> None:
        Sanic.test_mode = True  # several apps in one process, as sanic-testing does
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self._lebenszyklus("startup"))

    async def _lebenszyklus(self, phase: str) -> None:
        if phase == "startup":
            self._rein: asyncio.Queue = asyncio.Queue()
            self._raus: asyncio.Queue = asyncio.Queue()
            self._task = self.loop.create_task(self.app(
                {"type": "lifespan", "asgi": {"version": "3.0"}}, self._rein.get, self._raus.put))
        await self._rein.put({"type": f"lifespan.{phase}"})
        nachricht = await asyncio.wait_for(self._raus.get(), 10)
        assert nachricht["type"] == f"lifespan.{phase}.complete", nachricht
        if phase == "shutdown":
            with contextlib.suppress(AttributeError):  # Sanic 21.12 quirk after shutdown
                await asyncio.wait_for(self._task, 10)

    def close(self) -> None:
        self.loop.run_until_complete(self._lebenszyklus("shutdown"))
        self.loop.close()

    async def _anfrage(self, method: str, path: str, headers: dict[str, str],
                       body: bytes) -> tuple[int, dict[str, str], bytes]:
        kopf = {"host": "testserver", "content-length": str(len(body)),
                **{k.lower(): v for k, v in headers.items()}}
        path, _, query = path.partition("?")
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": query.encode(), "root_path": "",
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in kopf.items()],
            "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
        }
        eingang = [{"type": "http.request", "body": body, "more_body": False}]
        gesendet: list[dict] = []

        async def receive() -> dict:
            if eingang:
                return eingang.pop(0)
            await asyncio.sleep(3600)  # pragma: no cover - the app never waits for more
            return {"type": "http.disconnect"}

        async def send(nachricht: dict) -> None:
            gesendet.append(nachricht)

        await self.app(scope, receive, send)
        start = next(n for n in gesendet if n["type"] == "http.response.start")
        inhalt = b"".join(n.get("body", b"") for n in gesendet
                          if n["type"] == "http.response.body")
        antwort_kopf = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
        return start["status"], antwort_kopf, inhalt

    def post(self, path: str, daten: Any = None, *, token: str | None = None,
             body: bytes | None = None, headers: dict[str, str] | None = None
             ) -> tuple[int, dict[str, str], Any]:
        kopf = {"content-type": "application/json", **(headers or {})}
        if token is not None:
            kopf["authorization"] = f"Bearer {token}"
        roh = body if body is not None else json.dumps(daten).encode()
        status, antwort_kopf, inhalt = self.loop.run_until_complete(
            self._anfrage("POST", path, kopf, roh))
        return status, antwort_kopf, json.loads(inhalt) if inhalt else None

    def get(self, path: str) -> tuple[int, Any]:
        status, _, inhalt = self.loop.run_until_complete(self._anfrage("GET", path, {}, b""))
        return status, json.loads(inhalt)


@pytest.fixture
def kanal(datenbank_url, engine):
    """A Sanic app with the REST and the agent channel on the demo store, and the recorder."""
    app = Sanic(f"agent_kanal_{uuid.uuid4().hex[:8]}")
    app.ctx.agent = AufzeichnenderAgent()
    register([RestInput(), AgentInput(database_url=datenbank_url)], app, "/webhooks/")
    client = Client(app)
    yield client, app.ctx.agent
    client.close()
    engines_schliessen()


def _nachricht(text: str = "Kundin möchte einen Abschlag", sender: str = "gespraech-1",
               **weiter: Any) -> dict[str, Any]:
    return {"sender": sender, "message": text, **weiter}


# --- 401: nothing happens -------------------------------------------------------------------


@pytest.mark.parametrize("kopf", [
    {}, {"authorization": "Bearer"}, {"authorization": "Bearer falsch"},
    {"authorization": "Basic c29jbC1kZW1vOnh4"}, {"authorization": "falsch"},
])
def test_ohne_gueltigen_token_401_und_nichts_passiert(kanal, kopf):
    client, agent = kanal
    status, antwort_kopf, antwort = client.post(AGENT, _nachricht(), headers=kopf)
    assert status == 401
    assert "Anmeldung erforderlich" in antwort["fehler"]
    assert antwort_kopf["www-authenticate"].startswith("Bearer")
    assert agent.nachrichten == []


def test_401_auch_bei_kaputtem_body_und_stream(kanal):
    client, agent = kanal
    assert client.post(AGENT, body=b"{kein json")[0] == 401
    assert client.post(f"{AGENT}?stream=true", _nachricht(), token="falsch")[0] == 401
    assert agent.nachrichten == []


def test_widerruf_wirkt_sofort(kanal, engine):
    client, agent = kanal
    token = token_erzeugen(engine, "sc-demo")
    assert client.post(AGENT, _nachricht(), token=token)[0] == 200
    token_widerrufen(engine, token)
    status, _, antwort = client.post(AGENT, _nachricht("zweite Nachricht"), token=token)
    assert status == 401 and "fehler" in antwort
    assert [m.text for m in agent.nachrichten] == ["Kundin möchte einen Abschlag"]


def test_deaktiviertes_konto_401(kanal, engine):
    client, agent = kanal
    token = token_erzeugen(engine, "trainer-demo")
    with session_scope(engine) as s:
        s.get(Mitarbeiter, "trainer-demo").aktiv = False
    assert client.post(AGENT, _nachricht(), token=token)[0] == 401
    assert agent.nachrichten == []


def test_datenbank_nicht_erreichbar_503(engine):
    app = Sanic(f"agent_kanal_{uuid.uuid4().hex[:8]}")
    app.ctx.agent = AufzeichnenderAgent()
    register([AgentInput(database_url="postgresql://niemand@127.0.0.1:1/keine")], app,
             "/webhooks/")
    client = Client(app)
    try:
        status, _, antwort = client.post(AGENT, _nachricht(), token="irgendeiner")
    finally:
        client.close()
        engines_schliessen()
    assert status == 503 and "nicht erreichbar" in antwort["fehler"]
    assert app.ctx.agent.nachrichten == []


# --- with a valid token ---------------------------------------------------------------------


def test_gleiche_antwort_wie_rest_und_mitarbeiter_in_metadaten(kanal, engine):
    client, agent = kanal
    token = token_erzeugen(engine, "socl-demo")
    status, _, ueber_agent = client.post(AGENT, _nachricht(), token=token)
    assert status == 200
    status, _, ueber_rest = client.post(REST, _nachricht())
    assert status == 200
    assert ueber_agent == ueber_rest == [
        {"recipient_id": "gespraech-1", "text": "Antwort auf: Kundin möchte einen Abschlag"},
        {"recipient_id": "gespraech-1", "text": "Noch etwas?"},
    ]
    agent_nachricht, rest_nachricht = agent.nachrichten
    assert (agent_nachricht.sender_id, agent_nachricht.text) == (
        "gespraech-1", "Kundin möchte einen Abschlag")
    assert agent_nachricht.input_channel == "agent"
    assert agent_nachricht.metadata == {"mitarbeiter": _gezeichnet(SOCL)}
    assert mitarbeiter_aus_metadaten(agent_nachricht.metadata, "gespraech-1").login == "socl-demo"
    assert mitarbeiter_aus_metadaten(agent_nachricht.metadata, "anderes-gespraech") is None
    assert rest_nachricht.input_channel == "rest"
    assert not (rest_nachricht.metadata or {}).get("mitarbeiter")


def test_metadaten_des_clients_bleiben_mitarbeiter_nicht(kanal, engine):
    client, agent = kanal
    token = token_erzeugen(engine, "sc-demo")
    gefaelscht = {"login": "chef", "name": "Chef", "rolle": "socl", "darf_ueberweisen": True}
    daten = _nachricht(metadata={"mitarbeiter": gefaelscht, "arbeitsplatz": "SC-17"},
                       input_channel="rest")
    assert client.post(AGENT, daten, token=token)[0] == 200
    (nachricht,) = agent.nachrichten
    assert nachricht.metadata == {"arbeitsplatz": "SC-17", "mitarbeiter": _gezeichnet(SC)}
    assert nachricht.input_channel == "agent"


@pytest.mark.parametrize("metadaten", ["kein objekt", ["liste"], None])
def test_metadaten_die_kein_objekt_sind(kanal, engine, metadaten):
    client, agent = kanal
    token = token_erzeugen(engine, "sc-demo")
    assert client.post(AGENT, _nachricht(metadata=metadaten), token=token)[0] == 200
    assert agent.nachrichten[0].metadata == {"mitarbeiter": _gezeichnet(SC)}


def test_bearer_gross_klein_und_leerzeichen(kanal, engine):
    client, agent = kanal
    token = token_erzeugen(engine, "admin-demo")
    status, _, _ = client.post(AGENT, _nachricht(),
                               headers={"authorization": f"bearer   {token} "})
    assert status == 200
    assert agent.nachrichten[0].metadata["mitarbeiter"]["login"] == "admin-demo"


def test_stream_wie_rest(kanal, engine):
    client, agent = kanal
    token = token_erzeugen(engine, "socl-demo")
    status, _, inhalt = client.loop.run_until_complete(client._anfrage(
        "POST", f"{AGENT}?stream=true",
        {"content-type": "application/json", "authorization": f"Bearer {token}"},
        json.dumps(_nachricht()).encode()))
    assert status == 200
    zeilen = [json.loads(z) for z in inhalt.decode().splitlines() if z]
    assert [z["text"] for z in zeilen] == ["Antwort auf: Kundin möchte einen Abschlag",
                                           "Noch etwas?"]
    assert agent.nachrichten[0].metadata == {"mitarbeiter": _gezeichnet(SOCL)}


def test_health_wie_rest_ohne_token(kanal):
    client, agent = kanal
    assert client.get("/webhooks/agent/") == (200, {"status": "ok"})
    assert agent.nachrichten == []


# --- registration ---------------------------------------------------------------------------


def test_in_credentials_eingetragen_und_von_rasa_ladbar():
    credentials = yaml.safe_load((PROJECT / "credentials.yml").read_text(encoding="utf-8"))
    schluessel = "leitfaden_rasa.agent_channel.AgentInput"
    assert schluessel in credentials and "rest" in credentials
    kanal = _create_single_channel(schluessel, credentials[schluessel])
    assert isinstance(kanal, AgentInput) and isinstance(kanal, RestInput)
    assert kanal.name() == kanal.url_prefix() == "agent"
