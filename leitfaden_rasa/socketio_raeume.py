"""The web chat's socket.io rooms: Rasa 3.6 calls ``AsyncServer.enter_room`` without ``await``.

With ``session_persistence: true`` Rasa sends every bot message to the room named after the
chat session, which the client joins in ``session_request``. Since python-socketio 5.10
``enter_room`` is a coroutine, so Rasa's un-awaited call never joins and the customer gets no
answer at all (RasaHQ/rasa#13027, fix RasaHQ/rasa#13168 not released for 3.6). The subclass
below schedules the join at once and still returns something awaitable, so it is right for
both the old and the fixed call site.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import socketio


class RaumServer(socketio.AsyncServer):
    """``AsyncServer`` whose ``enter_room`` also works when the caller does not await it."""

    def enter_room(self, sid: str, room: str, namespace: str | None = None) -> Any:
        ergebnis = super().enter_room(sid, room, namespace)
        if inspect.isawaitable(ergebnis):
            return asyncio.ensure_future(ergebnis)
        return ergebnis


def install() -> None:
    """Let Rasa's socket.io channel build :class:`RaumServer` instances."""
    from rasa.core.channels import socketio as rasa_socketio

    rasa_socketio.AsyncServer = RaumServer
