"""Response times and throughput of whole calls over the REST channel, under a call-centre load.

The servers come from :func:`leitfaden.servers.running_servers` (action server and
``python -m leitfaden_rasa run`` on free ports, a fresh SQLite store with demo data,
``LEITFADEN_TODAY=2026-11-18``), in two deployments:

* ``standard`` – what ``make run`` configures: SQLite tracker store, in-process lock store,
  one Sanic worker;
* ``produktion`` – PostgreSQL tracker store (a temporary database, dropped afterwards), Redis
  lock store, two Sanic workers; skipped with the reason if PostgreSQL or Redis is unreachable.

On each deployment every call script first runs once (it must end as expected, or nothing is
measured), then the load runs. Load model (see bench/README.md, "Lastmodell"): N concurrent
calls, each an agent on the phone who listens and types between turns, so every turn but a
call's first is preceded by a think time drawn from a seeded uniform distribution (default
2–5 s), and so is the next call of the same agent; the N agents start staggered over the first
think interval. A level lasts a bounded time (default 60 s, or ``max_calls`` calls); after
that no message is sent any more, and calls cut off that way are not counted. The saturation
run is the same without think time (every agent sends its next message as soon as the answer
is there): the most turns per second the deployment manages.

``python -m bench.latency [--levels 1,20] [--think 2,5] [--duration 60] [--keep] ...`` runs
only this part.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import shutil
import socket
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bench import calls
from leitfaden.servers import MODEL, Servers, running_servers

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
TODAY = "2026-11-18"
DEFAULT_LEVELS = (1, 10, 20, 50)
QUICK_LEVELS = (1, 20)
DEFAULT_THINK = (2.0, 5.0)
DEFAULT_DURATION = 60.0
QUICK_DURATION = 45.0
#: concurrent calls of the target ("p95 <= 150 ms at 20 concurrent calls") and of saturation
TARGET_LEVEL = 20
DEFAULT_SATURATION_SECONDS = 30.0
DEFAULT_SEED = 20261118
STARTUP_TIMEOUT = 300.0
#: PostgreSQL server of the production-like deployment (as the integration test uses it); the
#: tracker database is created beside the login database and dropped afterwards.
PG_URL = os.environ.get("LEITFADEN_BENCH_POSTGRES_URL") or os.environ.get(
    "LEITFADEN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_HOST, REDIS_PORT = "127.0.0.1", int(os.environ.get("LEITFADEN_BENCH_REDIS_PORT", "6379"))


def base_env(**extra: str) -> dict[str, str]:
    """Environment for the project's commands (as the Makefile sets it)."""
    env = dict(os.environ)
    env.update(PYTHONPATH=str(ROOT), RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3",
               SQLALCHEMY_SILENCE_UBER_WARNING="1", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


# -- deployments ------------------------------------------------------------------------------

class Unavailable(RuntimeError):
    """A deployment's backing services are not reachable: it is skipped, not failed."""


@dataclass(frozen=True)
class Deployment:
    name: str
    title: str
    tracker_store: str
    lock_store: str
    workers: int


STANDARD = Deployment("standard", "Standard wie `make run`", "SQLite", "im Prozess", 1)
PRODUCTION = Deployment("produktion", "Produktionsnah", "PostgreSQL", "Redis", 2)


@dataclass(frozen=True)
class Load:
    """One measurement: ``level`` concurrent calls for at most ``duration`` seconds."""

    level: int
    think: tuple[float, float]   # (0, 0): back to back
    duration: float
    max_calls: int | None = None

    @property
    def mode(self) -> str:
        return "paced" if self.think[1] > 0 else "saturation"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def _production_stores() -> Iterator[dict[str, Any]]:
    """A temporary tracker database in PostgreSQL and a Redis key prefix; drops the database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    host, port = url.host or "127.0.0.1", url.port or 5432
    if not _reachable(host, port):
        raise Unavailable(f"PostgreSQL auf {host}:{port} nicht erreichbar "
                          f"(LEITFADEN_BENCH_POSTGRES_URL)")
    if not _reachable(REDIS_HOST, REDIS_PORT):
        raise Unavailable(f"Redis auf {REDIS_HOST}:{REDIS_PORT} nicht erreichbar")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT",
                          connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # wrong user/database/password: skip with the reason
        admin.dispose()
        raise Unavailable(f"PostgreSQL {url.render_as_string(hide_password=True)}: "
                          f"{type(exc).__name__}: {str(exc).splitlines()[0]}") from exc
    db = f"leitfaden_bench_{uuid.uuid4().hex[:8]}"
    password = f"  password: {url.password}\n" if url.password else ""
    # Rasa creates the database through the login database (as in the integration test).
    tracker = (f"tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: {host}\n"
               f"  port: {port}\n  username: {url.username or 'postgres'}\n{password}"
               f"  db: {db}\n  login_db: {url.database or 'postgres'}\n")
    lock = (f"lock_store:\n  type: redis\n  url: {REDIS_HOST}\n  port: {REDIS_PORT}\n"
            f"  db: 1\n  key_prefix: {db}\n")
    try:
        yield {"tracker_store": tracker, "lock_store": lock, "database": db}
    finally:
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        finally:
            admin.dispose()


@contextlib.contextmanager
def deployment_servers(dep: Deployment, model: Path, keep: bool = False,
                       log: Callable[[str], None] = print) -> Iterator[tuple[Servers, float]]:
    """The deployment's running servers and their start-up time; everything removed after."""
    with contextlib.ExitStack() as stack:
        kwargs: dict[str, Any] = {"workers": dep.workers}
        if dep is PRODUCTION:
            stores = stack.enter_context(_production_stores())
            kwargs.update(tracker_store=stores["tracker_store"], lock_store=stores["lock_store"])
            log(f"  Tracker-Datenbank {stores['database']} (wird danach gelöscht)")
        t0 = time.monotonic()
        workdir: Path | None = None
        try:
            with running_servers(model=model, today=TODAY, timeout=STARTUP_TIMEOUT,
                                 extra_env={"PYTHONUNBUFFERED": "1"}, **kwargs) as servers:
                workdir = servers.workdir
                yield servers, time.monotonic() - t0
        finally:  # both servers are stopped by now; the database is dropped after this
            if workdir is not None:
                _cleanup(workdir, keep)


def _cleanup(workdir: Path, keep: bool) -> None:
    if keep:
        print(f"Logs und Datenbanken bleiben in {workdir}", file=sys.stderr)
    else:
        shutil.rmtree(workdir, ignore_errors=True)


# -- process accounting -----------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int | str) -> list[str] | None:
    """Fields of /proc/<pid>/stat from field 3 (state) on, or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode(errors="replace")
    except OSError:
        return None
    return raw[raw.rfind(")") + 2:].split()


#: processes of the production-like deployment's stores (by their command name)
STORE_COMMANDS = ("postgres", "redis-server")


def _busy_seconds() -> float:
    """CPU seconds all cores of the machine spent busy (not idle, not waiting for I/O)."""
    with open("/proc/stat") as f:
        values = [int(x) for x in f.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values
    return (user + nice + system + irq + softirq + steal) / _TICK


def cpu_snapshot(rasa_pgid: int, action_pgid: int) -> dict[str, float]:
    """CPU seconds so far: both servers' process groups, the stores, this process, the machine.

    ``stores``: every PostgreSQL and Redis process on the machine (only the production-like
    deployment uses them, but other work may as well).
    """
    ticks = {"rasa": 0, "actions": 0, "stores": 0}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                raw = f.read().decode(errors="replace")
        except OSError:
            continue
        comm = raw[raw.find("(") + 1:raw.rfind(")")]
        fields = raw[raw.rfind(")") + 2:].split()
        # fields[2] = pgrp (field 5), fields[11]/[12] = utime/stime (fields 14/15)
        used = int(fields[11]) + int(fields[12])
        pgrp = int(fields[2])
        if pgrp == rasa_pgid:
            ticks["rasa"] += used
        elif pgrp == action_pgid:
            ticks["actions"] += used
        elif comm.startswith(STORE_COMMANDS):
            ticks["stores"] += used
    out = {k: v / _TICK for k, v in ticks.items()}
    out["client"] = time.process_time()
    out["machine"] = _busy_seconds()
    return out


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return bool(fields) and fields[0] not in ("Z", "X")


# -- statistics -------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of ``values``; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict[str, float | None]:
    ms = [s * 1000 for s in seconds]
    return {
        "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99), "max_ms": max(ms) if ms else None,
        "mean_ms": sum(ms) / len(ms) if ms else None,
    }


# -- load -------------------------------------------------------------------------------------

async def run_load(servers: Servers, load: Load, scripts: list[calls.CallScript], *,
                   seed: int, tag: str, timeout: float = 30.0) -> dict[str, Any]:
    """``load.level`` agents, each running calls one after the other, until the time is up."""
    run_id = uuid.uuid4().hex[:6]
    lo, hi = load.think
    paced = hi > 0
    results: list[calls.CallResult] = []
    started = 0
    connector = aiohttp.TCPConnector(limit=load.level + 5)

    async def agent(slot: int, session: aiohttp.ClientSession, deadline: float) -> None:
        nonlocal started
        rng = random.Random(f"{seed}:{tag}:{load.level}:{slot}")

        def think() -> float:
            return rng.uniform(lo, hi)

        if paced:  # staggered start: one agent per 1/N of the first think interval
            await asyncio.sleep((slot + rng.random()) * hi / load.level)
        number = 0
        while time.monotonic() < deadline and (load.max_calls is None
                                               or started < load.max_calls):
            started += 1
            script = scripts[(slot + number) % len(scripts)]
            sender = f"bench-{run_id}-{tag}-{load.level}-{slot:03d}-{number:03d}-{script.name}"
            result = await calls.run_call(session, servers.rasa_url, script, sender,
                                          timeout=timeout, think=think if paced else 0.0,
                                          deadline=deadline)
            results.append(result)
            number += 1
            if result.abandoned:
                return
            if paced:  # the agent's next call
                await asyncio.sleep(max(0.0, min(think(), deadline - time.monotonic())))

    cpu_before = cpu_snapshot(servers.rasa_pid, servers.action_pid)
    start = time.perf_counter()
    deadline = time.monotonic() + load.duration
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(agent(i, session, deadline) for i in range(load.level)))
    wall = time.perf_counter() - start
    cpu = {k: v - cpu_before[k]
           for k, v in cpu_snapshot(servers.rasa_pid, servers.action_pid).items()}
    # Busy cores of everything else on the machine (other work, not this benchmark): if it is
    # far above 0, the figures of this load are disturbed.
    other = cpu["machine"] - cpu["rasa"] - cpu["actions"] - cpu["client"] - cpu["stores"]

    complete = [r for r in results if not r.abandoned]
    failed = [r for r in complete if not r.ok]
    turns = [t for r in complete for t in r.turns]
    ok_turns = [t for t in turns if t.ok]
    # Every answered turn cost the servers CPU, also those of calls cut off at the end.
    answered = sum(1 for r in results for t in r.turns if t.ok)

    def per_turn(key: str) -> float | None:
        return cpu[key] * 1000 / answered if answered else None

    return {
        "mode": load.mode,
        "level": load.level,
        "think_seconds": list(load.think),
        "duration_seconds": load.duration,
        "max_calls": load.max_calls,
        "wall_seconds": wall,
        "calls": len(complete),
        "calls_ok": len(complete) - len(failed),
        "calls_failed": len(failed),
        "calls_cut_off": len(results) - len(complete),
        "turns": len(turns),
        "turns_failed": len(turns) - len(ok_turns),
        "turns_answered": answered,
        "turns_per_second": answered / wall if wall else None,
        "calls_per_second": len(complete) / wall if wall else None,
        **summary_ms([t.seconds for t in ok_turns]),
        "call_p50_s": percentile([r.seconds for r in complete if r.ok], 50),
        "cpu_ms_per_turn_rasa": per_turn("rasa"),
        "cpu_ms_per_turn_actions": per_turn("actions"),
        "cpu_ms_per_turn_client": per_turn("client"),
        "cpu_ms_per_turn_stores": per_turn("stores"),
        "cores_busy_total": cpu["machine"] / wall if wall else None,
        "cores_busy_other": max(0.0, other) / wall if wall else None,
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "errors": [r.error for r in failed][:20],
        "per_script_p95_ms": {
            s.name: percentile([t.seconds * 1000 for t in ok_turns if t.script == s.name], 95)
            for s in scripts
        },
    }


async def nlu_parse_times(rasa_url: str, scripts: list[calls.CallScript],
                          rounds: int = 3) -> dict[str, Any]:
    """Time ``POST /model/parse`` (NLU only, no dialogue, no actions) for the scripts' texts."""
    texts: list[str] = []
    for script in scripts:
        for step in script.steps:
            if isinstance(step, calls.Turn) and step.message not in texts:
                texts.append(step.message)
    seconds: list[float] = []
    async with aiohttp.ClientSession() as session:
        for _ in range(rounds):
            for text in texts:
                start = time.perf_counter()
                async with session.post(f"{rasa_url}/model/parse", json={"text": text}) as r:
                    await r.read()
                    if r.status != 200:
                        raise RuntimeError(f"/model/parse: HTTP {r.status}")
                seconds.append(time.perf_counter() - start)
    return {"requests": len(seconds), **summary_ms(seconds)}


def _check_alive(servers: Servers) -> None:
    for name, pid, log in (("Rasa-Server", servers.rasa_pid, "rasa.log"),
                           ("Action-Server", servers.action_pid, "actions.log")):
        if not alive(pid):
            tail = (servers.workdir / log).read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{name} ist während der Messung beendet worden. Log:\n{tail}")


def measure(dep: Deployment, loads: list[Load], *, model: Path, seed: int, keep: bool = False,
            timeout: float = 30.0, nlu_parse: bool = False,
            log: Callable[[str], None] = print) -> dict[str, Any]:
    """Start the deployment, verify the scripts, run ``loads``; stop everything again."""
    scripts = list(calls.SCRIPTS)
    entry: dict[str, Any] = {"name": dep.name, "title": dep.title,
                             "tracker_store": dep.tracker_store, "lock_store": dep.lock_store,
                             "sanic_workers": dep.workers, "model": str(model), "loads": []}
    t0 = time.perf_counter()
    log(f"Bereitstellung {dep.name}: {dep.tracker_store}-Trackerstore, Lock-Store "
        f"{dep.lock_store}, {dep.workers} Sanic-Worker ...")
    try:
        with deployment_servers(dep, model, keep, log) as (servers, startup):
            entry["startup_seconds"] = startup
            log(f"  Server bereit nach {startup:.0f} s: Rasa {servers.rasa_url}, "
                f"Actions {servers.action_url}")
            checked = asyncio.run(calls.verify(servers.rasa_url, scripts, timeout=timeout))
            entry["verification"] = [{"script": r.script, "ok": r.ok, "turns": len(r.turns),
                                      "final_step": r.final_step, "error": r.error}
                                     for r in checked]
            failed = [r for r in checked if not r.ok]
            if failed:
                details = "\n".join(f"  - {r.error}" for r in failed)
                raise RuntimeError(f"Gesprächsskripte enden nicht wie erwartet:\n{details}\n"
                                   f"Logs: {servers.workdir}")
            log(f"  Alle {len(checked)} Gesprächsskripte enden in {calls.END_STEP}.")
            if nlu_parse:
                entry["nlu_parse"] = asyncio.run(nlu_parse_times(servers.rasa_url, scripts))
            for load in loads:
                what = (f"{load.level} Gespräche mit {load.think[0]:g}–{load.think[1]:g} s "
                        f"Denkpause" if load.mode == "paced"
                        else f"Sättigung: {load.level} Gespräche ohne Pause")
                log(f"  {what}, {load.duration:.0f} s ...")
                stats = asyncio.run(run_load(servers, load, scripts, seed=seed, tag=dep.name,
                                             timeout=timeout))
                _check_alive(servers)
                log(f"    {stats['calls_ok']} Gespräche ok, {stats['calls_failed']} Fehler, "
                    f"{stats['turns']} Züge: p50 {_fmt(stats['p50_ms'])} ms, p95 "
                    f"{_fmt(stats['p95_ms'])} ms, {stats['turns_per_second']:.1f} Züge/s, "
                    f"CPU/Zug Rasa {_fmt(stats['cpu_ms_per_turn_rasa'])} ms, fremde Last "
                    f"{stats['cores_busy_other']:.2f} Kerne")
                entry["loads"].append(stats)
    except Unavailable as exc:
        entry["skipped"] = str(exc)
        log(f"  übersprungen: {exc}")
    except Exception as exc:  # e.g. a server did not start: report it, go on with the next
        traceback.print_exc()
        entry["error"] = f"{type(exc).__name__}: {exc}"
    entry["seconds"] = time.perf_counter() - t0
    return entry


def plan(levels: tuple[int, ...] = DEFAULT_LEVELS, think: tuple[float, float] = DEFAULT_THINK,
         duration: float = DEFAULT_DURATION,
         saturation_seconds: float = DEFAULT_SATURATION_SECONDS, production: bool = True,
         max_calls: int | None = None) -> list[tuple[Deployment, list[Load]]]:
    """Which loads run on which deployment."""
    paced = [Load(n, think, duration, max_calls) for n in levels]
    saturation = ([Load(TARGET_LEVEL, (0.0, 0.0), saturation_seconds, max_calls)]
                  if saturation_seconds > 0 and think[1] > 0 else [])
    out = [(STANDARD, paced + saturation)]
    if production:
        out.append((PRODUCTION, [Load(TARGET_LEVEL, think, duration, max_calls)] + saturation))
    return out


def run(levels: tuple[int, ...] = DEFAULT_LEVELS, think: tuple[float, float] = DEFAULT_THINK,
        duration: float = DEFAULT_DURATION,
        saturation_seconds: float = DEFAULT_SATURATION_SECONDS, production: bool = True,
        max_calls: int | None = None, seed: int = DEFAULT_SEED, model: Path = MODEL,
        keep: bool = False, timeout: float = 30.0, log=print) -> dict[str, Any]:
    """Measure every deployment of :func:`plan`, one after the other."""
    t0 = time.perf_counter()
    result: dict[str, Any] = {
        "load_model": {"think_seconds": list(think), "duration_seconds": duration,
                       "max_calls": max_calls, "saturation_seconds": saturation_seconds,
                       "seed": seed, "scripts": [s.name for s in calls.SCRIPTS]},
        "model": str(model),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "deployments": [],
    }
    for i, (dep, loads) in enumerate(plan(levels, think, duration, saturation_seconds,
                                          production, max_calls)):
        result["deployments"].append(measure(dep, loads, model=model, seed=seed, keep=keep,
                                             timeout=timeout, nlu_parse=i == 0, log=log))
    result["seconds"] = time.perf_counter() - t0
    return result


def failed_calls(result: dict[str, Any]) -> int:
    return sum(load["calls_failed"] for dep in result.get("deployments") or []
               for load in dep.get("loads") or [])


def errors(result: dict[str, Any]) -> dict[str, str]:
    """Deployments that could not be measured (not the skipped ones), with the error."""
    return {dep["name"]: dep["error"] for dep in result.get("deployments") or []
            if dep.get("error")}


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def parse_levels(text: str) -> tuple[int, ...]:
    try:
        levels = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        levels = ()
    if not levels or any(n < 1 or n > 200 for n in levels):
        raise argparse.ArgumentTypeError("Stufen zwischen 1 und 200, z. B. 1,10,20,50")
    return levels


def parse_think(text: str) -> tuple[float, float]:
    """``MIN,MAX`` seconds (``0`` alone: back to back)."""
    try:
        parts = [float(x) for x in text.split(",")]
    except ValueError:
        parts = []
    if len(parts) == 1:
        parts *= 2
    if len(parts) != 2 or parts[0] < 0 or parts[1] < parts[0]:
        raise argparse.ArgumentTypeError("Denkpause als MIN,MAX in Sekunden, z. B. 2,5 (0: keine)")
    return parts[0], parts[1]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The load options (shared with ``python -m bench``)."""
    parser.add_argument("--levels", type=parse_levels, default=None,
                        help="concurrent calls per paced level (default 1,10,20,50)")
    parser.add_argument("--think", type=parse_think, default=DEFAULT_THINK, metavar="MIN,MAX",
                        help="think time before each turn, seconds (default 2,5; 0: none)")
    parser.add_argument("--duration", type=float, default=None,
                        help="seconds per level (default 60, with --quick 45)")
    parser.add_argument("--max-calls", type=int, default=None,
                        help="also stop a level after this many calls")
    parser.add_argument("--saturation-seconds", type=float, default=None,
                        help=f"back-to-back run at {TARGET_LEVEL} calls (default 30; 0: none)")
    parser.add_argument("--no-production", action="store_true",
                        help="skip the PostgreSQL + Redis + 2 worker deployment")
    parser.add_argument("--quick", action="store_true",
                        help="levels 1 and 20 only (45 s each), no saturation, "
                        "no production deployment")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--model", type=Path, default=None,
                        help="model archive (default models/leitfaden.tar.gz)")


def options(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments of :func:`run` from the parsed options."""
    quick = args.quick
    return {
        "levels": args.levels or (QUICK_LEVELS if quick else DEFAULT_LEVELS),
        "think": args.think,
        "duration": args.duration or (QUICK_DURATION if quick else DEFAULT_DURATION),
        "saturation_seconds": (0.0 if quick else DEFAULT_SATURATION_SECONDS)
        if args.saturation_seconds is None else args.saturation_seconds,
        "production": not (quick or args.no_production),
        "max_calls": args.max_calls,
        "seed": args.seed,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.latency", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.add_argument("--keep", action="store_true", help="keep logs and databases")
    args = parser.parse_args(argv)
    result = run(**options(args), model=args.model or MODEL, keep=args.keep)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 1 if failed_calls(result) or errors(result) else 0


if __name__ == "__main__":
    sys.exit(main())
