"""The web app's client of the Rasa server: agent channel, tracker and NLU parse (aiohttp).

The console never lets the browser talk to Rasa: the web app forwards the employee's message
with the session's own agent token, so no token reaches the browser. aiohttp is Rasa's own
HTTP client library (already pinned with it). Errors become :class:`RasaNichtErreichbar` with
a German message; no message text or personal data is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import aiohttp

from leitfaden import settings

log = logging.getLogger(__name__)

#: Longest wait for one answer of the Rasa server (a turn with actions and database).
ZEITLIMIT_S = 30


class RasaNichtErreichbar(RuntimeError):
    """The Rasa server did not answer, or answered with an error."""

    def __init__(self, meldung: str, status: int = 502) -> None:
        super().__init__(meldung)
        self.meldung = meldung
        self.status = status


NICHT_ERREICHBAR = ("Der Assistent ist gerade nicht erreichbar. Ihre Nachricht wurde nicht "
                    "verarbeitet; bitte versuchen Sie es gleich noch einmal.")


class RasaClient:
    """One HTTP session to the Rasa server at ``basis_url`` (default ``settings.rasa_url()``)."""

    def __init__(self, basis_url: str | None = None) -> None:
        self.basis_url = (basis_url or settings.rasa_url()).rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    def _sitzung(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=ZEITLIMIT_S))
        return self._session

    async def schliessen(self) -> None:
        """Close the HTTP session (server stop)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def _json(self, methode: str, pfad: str, *, json: Any = None,
                    headers: Mapping[str, str] | None = None) -> Any:
        url = f"{self.basis_url}{pfad}"
        try:
            async with self._sitzung().request(methode, url, json=json,
                                               headers=dict(headers or {})) as antwort:
                if antwort.status == 401:
                    raise RasaNichtErreichbar(
                        "Der Assistent hat Ihre Anmeldung nicht angenommen. Bitte melden Sie "
                        "sich neu an.", status=401)
                if antwort.status >= 400:
                    log.warning("Rasa antwortet %s auf %s %s", antwort.status, methode,
                                pfad.split("/conversations/")[0] or pfad)
                    raise RasaNichtErreichbar(NICHT_ERREICHBAR)
                return await antwort.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("Rasa nicht erreichbar (%s %s): %s", methode, self.basis_url,
                        type(exc).__name__)
            raise RasaNichtErreichbar(NICHT_ERREICHBAR) from exc

    async def nachricht(self, sender: str, text: str, token: str,
                        metadata: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """Send the employee's message on the agent channel; the assistant's messages."""
        antwort = await self._json(
            "POST", "/webhooks/agent/webhook",
            json={"sender": sender, "message": text, "metadata": dict(metadata or {})},
            headers={"Authorization": f"Bearer {token}"})
        return [m for m in antwort if isinstance(m, dict)] if isinstance(antwort, list) else []

    async def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation's tracker (slots and events) from Rasa's HTTP API."""
        antwort = await self._json("GET", f"/conversations/{quote(sender, safe='')}/tracker")
        return antwort if isinstance(antwort, dict) else {}

    async def intent(self, text: str) -> tuple[str | None, float]:
        """The NLU's intent of ``text`` and its confidence (``/model/parse``)."""
        antwort = await self._json("POST", "/model/parse", json={"text": text})
        intent = antwort.get("intent") if isinstance(antwort, dict) else None
        if not isinstance(intent, dict):
            return None, 0.0
        return intent.get("name"), float(intent.get("confidence") or 0.0)
