"""The agent channel: the employee's chat pane, ``POST /webhooks/agent/webhook``.

Same body and answer as Rasa's REST channel, but every request to it needs
``Authorization: Bearer <token>`` of an active employee (``make agent-token USER=<login>``).
Without a valid token it answers 401 before reading the body: no tracker event, no NLU.
With one, the employee goes to the actions in the message metadata
(``{"mitarbeiter": {"login", "name", "rolle", "darf_ueberweisen"}}``); a client cannot set
that key itself, nor the input channel (always ``agent``). Tokens are looked up per request,
so a revocation takes effect at once.

Registered in ``credentials.yml`` as ``leitfaden_rasa.agent_channel.AgentInput:``.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from leitfaden import settings
from leitfaden.mitarbeiter import (
    METADATEN_SCHLUESSEL,
    MitarbeiterRecord,
    mitarbeiter_fuer_token,
)
from leitfaden.store.db import make_engine, normalise_url
from leitfaden.store.tokens import bearer_token

logger = logging.getLogger(__name__)

NICHT_ANGEMELDET = ("Anmeldung erforderlich: Bitte senden Sie Ihren persönlichen Token im "
                    "Header 'Authorization: Bearer <Token>' (erzeugen mit "
                    "'make agent-token USER=<Login>'). Ein widerrufener Token oder ein "
                    "deaktiviertes Konto gilt nicht.")
NICHT_ERREICHBAR = ("Die Anmeldung ist gerade nicht möglich, weil die Datenbank nicht "
                    "erreichbar ist. Bitte versuchen Sie es gleich noch einmal.")


_ENGINES: dict[str, Engine] = {}


def _engine(url: str) -> Engine:
    """One engine per process and database URL."""
    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES.setdefault(url, make_engine(url))
    return engine


def engines_schliessen() -> None:
    """Dispose the cached engines (tests, shutdown)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


def _fehler(text: str, status: int) -> HTTPResponse:
    antwort = response.json({"fehler": text}, status=status,
                            dumps=functools.partial(json.dumps, ensure_ascii=False))
    if status == 401:
        antwort.headers["WWW-Authenticate"] = 'Bearer realm="agent"'
    return antwort


class AgentInput(RestInput):
    """Rasa's REST channel for employees, behind a bearer token."""

    def __init__(self, database_url: str | None = None) -> None:
        self._database_url = database_url

    @classmethod
    def name(cls) -> str:
        """Input channel name; the actions map it to the agent wording."""
        return "agent"

    @property
    def engine(self) -> Engine:
        """The store's engine (``leitfaden.settings.database_url()`` unless given)."""
        return _engine(normalise_url(self._database_url or settings.database_url()))

    async def mitarbeiter(self, request: Request) -> MitarbeiterRecord | None:
        """The employee of the request's bearer token (looked up now), else ``None``."""
        token = bearer_token(request.headers.get("authorization"))
        if token is None:
            return None
        return await asyncio.to_thread(mitarbeiter_fuer_token, self.engine, token)

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()

    def get_metadata(self, request: Request) -> dict[str, Any]:
        """The client's metadata with the authenticated employee under ``mitarbeiter``."""
        body = request.json
        eigene = body.get("metadata") if isinstance(body, dict) else None
        metadaten = dict(eigene) if isinstance(eigene, dict) else {}
        metadaten.pop(METADATEN_SCHLUESSEL, None)
        mitarbeiter: MitarbeiterRecord | None = getattr(request.ctx, "mitarbeiter", None)
        if mitarbeiter is not None:
            sender = body.get("sender") if isinstance(body, dict) else None
            metadaten[METADATEN_SCHLUESSEL] = mitarbeiter.als_metadaten(
                sender_id=str(sender) if sender is not None else None)
        return metadaten

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """The REST channel's routes; the webhook only with a valid token."""
        bp = super().blueprint(on_new_message)

        @bp.middleware("request")
        async def anmelden(request: Request) -> HTTPResponse | None:
            if request.method == "GET":  # health check, as in the REST channel
                return None
            try:
                mitarbeiter = await self.mitarbeiter(request)
            except SQLAlchemyError:
                logger.exception("Agent-Kanal: Token-Prüfung fehlgeschlagen")
                return _fehler(NICHT_ERREICHBAR, 503)
            if mitarbeiter is None:
                logger.info("Agent-Kanal: Anfrage ohne gültigen Token abgewiesen")
                return _fehler(NICHT_ANGEMELDET, 401)
            request.ctx.mitarbeiter = mitarbeiter
            return None

        return bp
