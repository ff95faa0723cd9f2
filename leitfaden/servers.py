"""Start the action server and the Rasa server as child processes (tests, benchmark).

``make run`` uses ``scripts/run.sh``; this module is for code that needs its own pair of
servers on free ports, with its own SQLite store and tracker store in a temporary folder.
With ``web=True`` the IPSC web app (``python -m leitfaden.web``) runs beside them on the
same store; :func:`running_web_app` starts the web app alone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from leitfaden.settings import PROJECT_ROOT

VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
MODEL = PROJECT_ROOT / "models" / "leitfaden.tar.gz"


class ServerStartError(RuntimeError):
    """A server did not come up; the message holds the end of its log."""


@dataclass(frozen=True)
class Servers:
    """Where the running pair can be reached, and its store."""

    rasa_url: str
    action_url: str
    database_url: str
    workdir: Path
    rasa_pid: int
    action_pid: int
    web_url: str | None = None
    web_pid: int | None = None


@dataclass(frozen=True)
class WebApp:
    """A running IPSC web app."""

    url: str
    database_url: str
    pid: int
    log: Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerStartError(f"{url}: Prozess beendet ({proc.returncode}):\n"
                                   + log.read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise ServerStartError(f"{url}: keine Antwort nach {timeout:.0f} s:\n"
                           + log.read_text(errors="replace")[-3000:])


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def _start_web(env: dict[str, str], workdir: Path,
               port: int | None = None) -> tuple[subprocess.Popen, str, Path]:
    port = port or free_port()
    log = workdir / "web.log"
    proc = subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "leitfaden.web", "--host", "127.0.0.1",
         "--port", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    return proc, f"http://127.0.0.1:{port}", log


@contextlib.contextmanager
def running_web_app(
    database_url: str,
    *,
    today: str | None = "2026-11-18",
    extra_env: dict[str, str] | None = None,
    timeout: float = 60,
    workdir: Path | None = None,
) -> Iterator[WebApp]:
    """Start ``python -m leitfaden.web`` on a free port against ``database_url``.

    The database must be migrated already. Waits for ``/healthz``; stops the app afterwards.
    """
    workdir = workdir or Path(tempfile.mkdtemp(prefix="leitfaden-web-"))
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "LEITFADEN_DATABASE_URL": database_url,
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONWARNINGS": "ignore",
        **(extra_env or {}),
    }
    if today:
        env["LEITFADEN_TODAY"] = today
    proc, url, log = _start_web(env, workdir)
    try:
        _wait(f"{url}/healthz", proc, log, timeout)
        yield WebApp(url, database_url, proc.pid, log)
    finally:
        _stop(proc)


@contextlib.contextmanager
def running_servers(
    *,
    today: str | None = "2026-11-18",
    model: Path = MODEL,
    extra_env: dict[str, str] | None = None,
    timeout: float = 180,
    tracker_store: str | None = None,
    lock_store: str | None = None,
    workers: int = 1,
    web: bool = False,
) -> Iterator[Servers]:
    """Migrate a fresh SQLite store with demo data, start both servers, stop them afterwards.

    ``tracker_store``/``lock_store`` are YAML blocks for endpoints.yml (default: SQLite tracker
    store in the temporary folder, in-process lock store); ``workers`` sets SANIC_WORKERS,
    which needs a lock store shared between processes (Redis). ``web=True`` also starts the
    IPSC web app on the same store (``Servers.web_url``).
    """
    workdir = Path(tempfile.mkdtemp(prefix="leitfaden-servers-"))
    database_url = f"sqlite:///{workdir / 'leitfaden.db'}"
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "LEITFADEN_DATABASE_URL": database_url,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONWARNINGS": "ignore",
        **(extra_env or {}),
    }
    if today:
        env["LEITFADEN_TODAY"] = today
    python = str(VENV_BIN / "python")
    for command in ("migrate", "demo"):
        subprocess.run([python, "-m", "leitfaden.store", command], env=env, check=True,
                       cwd=PROJECT_ROOT, capture_output=True)
    action_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    tracker_store = tracker_store or (
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {workdir / 'tracker.db'}\n")
    lock_store = lock_store or "lock_store:\n  type: in_memory\n"
    endpoints.write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{action_port}/webhook\n"
        + tracker_store + lock_store, encoding="utf-8")
    env["SANIC_WORKERS"] = str(workers)
    web_port = free_port() if web else None
    if web_port:
        env["LEITFADEN_WEB_URL"] = f"http://127.0.0.1:{web_port}"  # named by GLF 1.000.5
    procs: list[subprocess.Popen] = []
    try:
        action_log = workdir / "actions.log"
        procs.append(subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
             "--port", str(action_port)],
            cwd=PROJECT_ROOT, env=env, stdout=action_log.open("wb"),
            stderr=subprocess.STDOUT, start_new_session=True))
        rasa_log = workdir / "rasa.log"
        procs.append(subprocess.Popen(
            [str(VENV_BIN / "python"), "-m", "leitfaden_rasa", "run", "--model", str(model),
             "--endpoints",
             str(endpoints), "--credentials", str(PROJECT_ROOT / "credentials.yml"),
             "--enable-api", "--port", str(rasa_port), "--interface", "127.0.0.1"],
            cwd=PROJECT_ROOT, env=env, stdout=rasa_log.open("wb"),
            stderr=subprocess.STDOUT, start_new_session=True))
        web_url = web_pid = None
        if web:
            web_proc, web_url, web_log = _start_web({**env, "SANIC_WORKERS": "1"}, workdir,
                                                  web_port)
            procs.append(web_proc)
            web_pid = web_proc.pid
        _wait(f"http://127.0.0.1:{action_port}/health", procs[0], action_log, timeout)
        _wait(f"http://127.0.0.1:{rasa_port}/status", procs[1], rasa_log, timeout)
        if web:
            _wait(f"{web_url}/healthz", procs[2], web_log, timeout)
        yield Servers(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}",
                      database_url, workdir, procs[1].pid, procs[0].pid, web_url, web_pid)
    finally:
        for proc in reversed(procs):
            _stop(proc)
