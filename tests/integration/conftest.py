"""Real servers for the whole test session: action server, Rasa server (REST) and web app."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine

from leitfaden.servers import MODEL, Servers, running_servers
from leitfaden.store.repository import SqlRepository

#: The management token of the Rasa HTTP API's writing routes in these tests.
VERWALTUNG = "integrationstest-verwaltung"


@pytest.fixture(scope="session")
def servers() -> Servers:
    if not MODEL.exists():
        pytest.fail(f"Kein trainiertes Modell unter {MODEL}: erst `make train`.")
    with running_servers(today="2026-11-18", web=True,
                         extra_env={"LEITFADEN_RASA_VERWALTUNG_TOKEN": VERWALTUNG}) as running:
        yield running


@pytest.fixture(scope="session")
def server_repo(servers: Servers) -> SqlRepository:
    """The store the running action server writes to."""
    return SqlRepository(create_engine(servers.database_url))


class Gespraech:
    """One conversation over the REST channel."""

    def __init__(self, servers: Servers, sender: str | None = None) -> None:
        self.servers = servers
        self.sender = sender or f"test-{uuid.uuid4().hex[:12]}"
        self.antworten: list[list[dict[str, Any]]] = []

    def sage(self, text: str) -> list[dict[str, Any]]:
        response = requests.post(f"{self.servers.rasa_url}/webhooks/rest/webhook",
                                 json={"sender": self.sender, "message": text}, timeout=60)
        response.raise_for_status()
        antwort = response.json()
        self.antworten.append(antwort)
        return antwort

    def text(self, text: str) -> str:
        """Send ``text`` and return all bot texts of the answer joined by newlines."""
        return "\n".join(m.get("text", "") for m in self.sage(text))

    def tracker(self) -> dict[str, Any]:
        response = requests.get(
            f"{self.servers.rasa_url}/conversations/{self.sender}/tracker", timeout=30)
        response.raise_for_status()
        return response.json()

    def slot(self, name: str) -> Any:
        return self.tracker()["slots"].get(name)

    @property
    def alle_texte(self) -> str:
        return "\n".join(m.get("text", "") for antwort in self.antworten for m in antwort)


@pytest.fixture
def gespraech(servers: Servers) -> Gespraech:
    return Gespraech(servers)
