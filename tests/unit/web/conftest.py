"""An in-process ASGI client for the IPSC app (no sockets; sanic-testing is not installed).

The client keeps cookies like a browser (``client.cookies``). ``anmelden(login)`` signs it in
through the store (:func:`leitfaden.anmeldung.anmelden` with the demo password) and sets the
session cookie; ``angemeldet`` is the client signed in as ``sc-demo``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import pytest
from sanic import Sanic
from sqlalchemy.engine import Engine

from leitfaden import anmeldung
from leitfaden.anmeldung import SitzungRecord
from leitfaden.store.demo import DEMO_PASSWORT
from leitfaden.web import create_app
from leitfaden.web.sitzung import COOKIE


@dataclass
class Antwort:
    """A response as the tests see it."""

    status: int
    headers: dict[str, str]
    body: bytes
    #: Every ``Set-Cookie`` header (``headers`` keeps only the last one).
    set_cookies: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


class AsgiClient:
    """Drives the Sanic app through the ASGI protocol on one event loop."""

    def __init__(self, app) -> None:
        # As sanic-testing does: lets several apps start in one process (Sanic "touch-up"
        # rewrites class methods on the first start and needs the originals again).
        Sanic.test_mode = True
        self.app = app
        #: Cookies sent with every request, updated from ``Set-Cookie`` like a browser.
        self.cookies: dict[str, str] = {}
        self.loop = asyncio.new_event_loop()
        self._rein: asyncio.Queue | None = None
        self._lifespan: asyncio.Task | None = None
        self.loop.run_until_complete(self._start())

    async def _start(self) -> None:
        self._rein, raus = asyncio.Queue(), asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}}
        self._lifespan = self.loop.create_task(self.app(scope, self._rein.get, raus.put))
        self._raus = raus
        await self._rein.put({"type": "lifespan.startup"})
        nachricht = await asyncio.wait_for(raus.get(), 10)
        assert nachricht["type"] == "lifespan.startup.complete", nachricht

    async def _stop(self) -> None:
        await self._rein.put({"type": "lifespan.shutdown"})
        nachricht = await asyncio.wait_for(self._raus.get(), 10)
        assert nachricht["type"] == "lifespan.shutdown.complete", nachricht
        # Sanic 21.12 treats the finished lifespan scope as a request afterwards and fails
        # with AttributeError; the shutdown itself is complete at this point.
        with contextlib.suppress(AttributeError):
            await asyncio.wait_for(self._lifespan, 10)

    def close(self) -> None:
        self.loop.run_until_complete(self._stop())
        self.loop.close()

    async def _anfrage(self, method: str, path: str, query: str, headers: dict[str, str],
                       body: bytes) -> Antwort:
        kopf = {"host": "testserver", **{k.lower(): v for k, v in headers.items()}}
        if self.cookies and "cookie" not in kopf:
            kopf["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            kopf.setdefault("content-length", str(len(body)))
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": path,
            "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in kopf.items()],
            "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
        }
        eingang = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict:
            if eingang:
                return eingang.pop(0)
            await asyncio.sleep(3600)  # pragma: no cover - the app never waits for more
            return {"type": "http.disconnect"}

        gesendet: list[dict] = []

        async def send(nachricht: dict) -> None:
            gesendet.append(nachricht)

        await self.app(scope, receive, send)
        start = next(n for n in gesendet if n["type"] == "http.response.start")
        inhalt = b"".join(n.get("body", b"") for n in gesendet if n["type"] == "http.response.body")
        roh = [(k.decode("latin-1").lower(), v.decode("latin-1"))
               for k, v in start.get("headers", [])]  # may be an iterator: read it once
        antwort_kopf = dict(roh)
        set_cookies = [v for k, v in roh if k == "set-cookie"]
        for zeile in set_cookies:
            for name, morsel in SimpleCookie(zeile).items():
                if morsel["max-age"] in ("0", 0) or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Antwort(start["status"], antwort_kopf, inhalt, set_cookies)

    def request(self, method: str, path: str, *, params: dict[str, str] | None = None,
                headers: dict[str, str] | None = None, body: bytes | str = b"") -> Antwort:
        if "?" in path:
            path, query = path.split("?", 1)
        else:
            query = ""
        if params:
            query = "&".join(q for q in (query, urlencode(params)) if q)
        if isinstance(body, str):
            body = body.encode("utf-8")
        return self.loop.run_until_complete(
            self._anfrage(method, path, query, headers or {}, body))

    def get(self, path: str, **kwargs) -> Antwort:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> Antwort:
        return self.request("POST", path, **kwargs)

    def formular(self, path: str, felder: dict[str, str], **kwargs) -> Antwort:
        """POST an HTML form (``application/x-www-form-urlencoded``)."""
        headers = {"content-type": "application/x-www-form-urlencoded",
                   **kwargs.pop("headers", {})}
        return self.post(path, headers=headers, body=urlencode(felder), **kwargs)


@pytest.fixture
def client(engine: Engine, stichtag) -> Iterator[AsgiClient]:
    """The IPSC app on the demo store (clock fixed to 2026-11-18)."""
    c = AsgiClient(create_app(engine=engine))
    yield c
    c.close()


@pytest.fixture
def anmelden(client: AsgiClient, engine: Engine) -> Callable[..., SitzungRecord]:
    """Sign ``client`` in through the store as ``login`` (demo password); returns the session
    (``.csrf`` for forms). Signing in again replaces the cookie."""

    def _anmelden(login: str = "sc-demo", passwort: str = DEMO_PASSWORT) -> SitzungRecord:
        neu = anmeldung.anmelden(engine, login, passwort, "127.0.0.1")
        client.cookies[COOKIE] = neu.cookie_wert
        return neu.sitzung

    return _anmelden


@pytest.fixture
def angemeldet(client: AsgiClient, anmelden) -> AsgiClient:
    """``client``, signed in as ``sc-demo`` (Service Center)."""
    anmelden("sc-demo")
    return client


@pytest.fixture
def annas_antrag(engine: Engine, stichtag) -> Callable[..., str]:
    """Anna Schmidt's Abschlag request from the customer chat (889,10 € on 2026-11-18), with
    the given hardship; returns its Vorgangsnummer."""
    from leitfaden.abschlag.warteschlange import abschlag_pruefen, antrag_stellen

    def anlegen(haertegrund: str, haertegrund_text: str) -> str:
        entscheidung = abschlag_pruefen(engine, "123A456789")
        return antrag_stellen(
            engine, kundennummer="123A456789", betrag=entscheidung.betrag,
            berechnung=entscheidung.als_dict(), haertegrund=haertegrund,
            haertegrund_text=haertegrund_text, conversation_id="web-1",
            idempotenz_schluessel="web-1",
        ).vorgangsnummer

    return anlegen
