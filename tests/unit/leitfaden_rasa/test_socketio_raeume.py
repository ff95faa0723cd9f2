"""The socket.io room fix: a client joins its session's room even when nobody awaits."""

from __future__ import annotations

import asyncio

from leitfaden_rasa.socketio_raeume import RaumServer, install


def test_rasa_baut_den_raum_server(monkeypatch):
    from rasa.core.channels import socketio as rasa_socketio

    monkeypatch.setattr(rasa_socketio, "AsyncServer", rasa_socketio.AsyncServer)
    install()
    assert rasa_socketio.AsyncServer is RaumServer


def test_ohne_die_korrektur_tritt_niemand_bei():
    """The bug itself: python-socketio's own server ignores an un-awaited join."""
    import socketio

    async def ablauf() -> list[str]:
        sio = socketio.AsyncServer(async_mode="asgi")
        sid = await sio.manager.connect("eio-0", "/")
        beitritt = sio.enter_room(sid, "sitzung-41")  # Rasa 3.6: no await
        await asyncio.sleep(0)
        teilnehmer = [sid for sid, _ in sio.manager.get_participants("/", "sitzung-41")]
        beitritt.close()  # (never awaited, as in Rasa)
        return teilnehmer

    assert asyncio.run(ablauf()) == []


def test_beitritt_ohne_await_wirkt():
    async def ablauf() -> list[str]:
        sio = RaumServer(async_mode="asgi")
        sid = await sio.manager.connect("eio-1", "/")  # what a connecting client does
        sio.enter_room(sid, "sitzung-42")  # as Rasa 3.6 calls it: no await
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return [sid for sid, _ in sio.manager.get_participants("/", "sitzung-42")]

    assert len(asyncio.run(ablauf())) == 1


def test_beitritt_mit_await_wirkt_auch():
    async def ablauf() -> list[str]:
        sio = RaumServer(async_mode="asgi")
        sid = await sio.manager.connect("eio-2", "/")
        await sio.enter_room(sid, "sitzung-43")
        return [sid for sid, _ in sio.manager.get_participants("/", "sitzung-43")]

    assert len(asyncio.run(ablauf())) == 1
