"""Console turns: what an employee waits for in the chat pane, at several concurrency levels.

``python -m bench.konsole [--stufen 1,5,10,20] [--anrufe 3]`` starts action server, Rasa and
the web app on a fresh demo store, signs in one SC employee per concurrent call (through the
store, as the browser would end up), and has each run whole GLF 3.000 calls through
``/konsole/api`` (greeting, support need, postcode with offer cards, farewell). One turn is
one ``POST .../nachrichten``: the web app reads the tracker, forwards the message to the agent
channel, reads the tracker again and builds the guide panel. Prints p50/p95/p99 and turns/s;
``--pause`` waits before each turn as an employee would (0: back to back, saturation).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from typing import Any

import aiohttp

from bench.latency import summary_ms
from leitfaden import anmeldung
from leitfaden.servers import running_servers
from leitfaden.store.db import make_engine
from leitfaden.web.sitzung import COOKIE

#: One call as the employee types it (GLF 3.000: support offers for a postcode).
ANRUF = ("Hallo", "Kunde braucht Hilfe bei der Online-Registrierung", "90402", "Nein, danke")


async def _anruf(http: aiohttp.ClientSession, web: str, kopf: dict[str, str],
                 zeiten: list[float], pause: tuple[float, float], zufall: random.Random) -> None:
    async with http.post(f"{web}/konsole/api/gespraeche", headers=kopf, data="{}") as r:
        assert r.status == 201, await r.text()
        sender = (await r.json())["gespraech"]
    for text in ANRUF:
        if pause[1]:
            await asyncio.sleep(zufall.uniform(*pause))  # the employee listens and types
        start = time.perf_counter()
        async with http.post(f"{web}/konsole/api/gespraeche/{sender}/nachrichten",
                             headers=kopf, data=json.dumps({"text": text})) as r:
            daten = await r.json()
            assert r.status == 200, daten
        zeiten.append(time.perf_counter() - start)
    async with http.post(f"{web}/konsole/api/gespraeche/{sender}/beenden", headers=kopf,
                         data="{}") as r:
        assert r.status == 200


async def _stufe(web: str, sitzungen: list[tuple[str, str]], anrufe: int,
                 pause: tuple[float, float] = (0.0, 0.0)) -> dict[str, Any]:
    zeiten: list[float] = []

    async def beschaeftigte(nummer: int, cookie: str, csrf: str) -> None:
        zufall = random.Random(nummer)  # seeded: the same pauses in every run
        kopf = {"Cookie": f"{COOKIE}={cookie}", "X-CSRF-Token": csrf,
                "Content-Type": "application/json"}
        async with aiohttp.ClientSession() as http:
            for _ in range(anrufe):
                await _anruf(http, web, kopf, zeiten, pause, zufall)

    start = time.perf_counter()
    await asyncio.gather(*(beschaeftigte(i, c, t) for i, (c, t) in enumerate(sitzungen)))
    dauer = time.perf_counter() - start
    return {"gleichzeitig": len(sitzungen), "pause_s": pause, "zuege": len(zeiten),
            "zuege_pro_s": round(len(zeiten) / dauer, 1), **summary_ms(zeiten)}


def main(argv: list[str] | None = None) -> int:
    """Run the console benchmark and print one line per concurrency level."""
    p = argparse.ArgumentParser(prog="python -m bench.konsole")
    p.add_argument("--stufen", default="1,5,10,20")
    p.add_argument("--anrufe", type=int, default=3, help="Anrufe je Beschäftigte und Stufe")
    p.add_argument("--pause", default="0,0",
                   help="VON,BIS: gleichverteilte Sekunden vor jedem Zug (Zuhören und Tippen); "
                        "0,0 = Sättigung")
    args = p.parse_args(argv)
    stufen = [int(s) for s in args.stufen.split(",")]
    von, bis = (float(x) for x in args.pause.split(","))
    with running_servers(today="2026-11-18", web=True) as servers:
        engine = make_engine(servers.database_url)
        sitzungen = []
        for _ in range(max(stufen)):
            neu = anmeldung.anmelden(engine, "sc-demo", _demo_passwort(), "127.0.0.1")
            sitzungen.append((neu.cookie_wert, neu.sitzung.csrf))
        engine.dispose()
        asyncio.run(_stufe(servers.web_url, sitzungen[:1], 1))  # warm-up
        for n in stufen:
            ergebnis = asyncio.run(_stufe(servers.web_url, sitzungen[:n], args.anrufe,
                                          (von, bis)))
            print(json.dumps(ergebnis, ensure_ascii=False))
    return 0


def _demo_passwort() -> str:
    from leitfaden.store.demo import DEMO_PASSWORT

    return DEMO_PASSWORT


if __name__ == "__main__":
    raise SystemExit(main())
