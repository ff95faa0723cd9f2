"""Start the action server and the Rasa server as child processes (tests, benchmark).

``make run`` uses ``scripts/run.sh``; this module is for code that needs its own pair of
servers on free ports, with its own SQLite store and tracker store in a temporary folder.
With ``web=True`` the IPSC web app (``python -m leitfaden.web``) runs beside them on the
same store; :func:`running_web_app` starts the web app alone.

While :func:`running_servers` runs, either server can be stopped and started again on the same
port, against the same store and tracker store (``Servers.action_server_anhalten``,
``Servers.action_server_neu_starten``, ``Servers.rasa_server_neu_starten``): a conversation
then goes on from the tracker store.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
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

    def action_server_anhalten(self) -> None:
        """Stop the action server (the Rasa server keeps running); see
        :meth:`action_server_neu_starten` to bring it back."""
        _prozesse(self).anhalten("action")

    def action_server_neu_starten(self, timeout: float = 180) -> Servers:
        """Stop the action server if it runs and start it again on the same port.

        The Rasa server keeps running. Returns the pair with the new ``action_pid``; the URLs
        stay the same, so an old ``Servers`` value remains usable for requests.
        """
        pid = _prozesse(self).neu_starten("action", timeout)
        return replace(self, action_pid=pid)

    def rasa_server_neu_starten(self, timeout: float = 180) -> Servers:
        """Stop the Rasa server and start it again on the same port, with the same model,
        endpoints and tracker store (the action server keeps running). Returns the pair with
        the new ``rasa_pid``."""
        pid = _prozesse(self).neu_starten("rasa", timeout)
        return replace(self, rasa_pid=pid)


@dataclass
class _Prozesse:
    """What is needed to stop and start the servers of one :func:`running_servers` again."""

    env: dict[str, str]
    befehle: dict[str, list[str]] = field(default_factory=dict)  # name -> command line
    pruef_urls: dict[str, str] = field(default_factory=dict)  # name -> health URL
    logs: dict[str, Path] = field(default_factory=dict)
    envs: dict[str, dict[str, str]] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def starten(self, name: str, command: list[str], pruef_url: str, log: Path,
                env: dict[str, str] | None = None) -> subprocess.Popen:
        self.befehle[name], self.pruef_urls[name], self.logs[name] = command, pruef_url, log
        self.envs[name] = env or self.env
        proc = _popen(command, self.envs[name], log)
        self.procs[name] = proc
        return proc

    def warten(self, name: str, timeout: float) -> None:
        _wait(self.pruef_urls[name], self.procs[name], self.logs[name], timeout)

    def anhalten(self, name: str) -> None:
        _stop(self.procs[name])

    def neu_starten(self, name: str, timeout: float) -> int:
        _stop(self.procs[name])
        with self.logs[name].open("ab") as log:
            log.write(b"\n--- neu gestartet ---\n")
        self.procs[name] = _popen(self.befehle[name], self.envs[name], self.logs[name],
                                  append=True)
        self.warten(name, timeout)
        return self.procs[name].pid

    def alle_anhalten(self) -> None:
        for proc in reversed(list(self.procs.values())):
            _stop(proc)


# the servers of each running_servers() block, by its work folder
_LAUFEND: dict[Path, _Prozesse] = {}


def _prozesse(servers: Servers) -> _Prozesse:
    try:
        return _LAUFEND[servers.workdir]
    except KeyError:
        raise RuntimeError(
            f"Die Server unter {servers.workdir} laufen nicht (mehr) in running_servers()."
        ) from None


def _popen(command: list[str], env: dict[str, str], log: Path, *,
           append: bool = False) -> subprocess.Popen:
    with log.open("ab" if append else "wb") as out:
        return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)


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


def _web_command(port: int) -> list[str]:
    return [str(VENV_BIN / "python"), "-m", "leitfaden.web", "--host", "127.0.0.1",
            "--port", str(port)]


def _start_web(env: dict[str, str], workdir: Path,
               port: int | None = None) -> tuple[subprocess.Popen, str, Path]:
    port = port or free_port()
    log = workdir / "web.log"
    proc = _popen(_web_command(port), env, log)
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
    # the agent channel signs the employee's identity, the action server checks it
    env.setdefault("LEITFADEN_AGENT_GEHEIMNIS", secrets.token_hex(32))
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
    prozesse = _Prozesse(env)
    _LAUFEND[workdir] = prozesse
    try:
        prozesse.starten(
            "action",
            [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
             "--port", str(action_port)],
            f"http://127.0.0.1:{action_port}/health", workdir / "actions.log")
        prozesse.starten(
            "rasa",
            [str(VENV_BIN / "python"), "-m", "leitfaden_rasa", "run", "--model", str(model),
             "--endpoints",
             str(endpoints), "--credentials", str(PROJECT_ROOT / "credentials.yml"),
             "--enable-api", "--port", str(rasa_port), "--interface", "127.0.0.1",
             # the customer chat's socket.io polls Rasa from the web app's origin
             *(["--cors", f"http://127.0.0.1:{web_port}"] if web_port else [])],
            f"http://127.0.0.1:{rasa_port}/status", workdir / "rasa.log")
        web_url = web_pid = None
        if web:
            web_url = f"http://127.0.0.1:{web_port}"
            web_pid = prozesse.starten(
                "web", _web_command(web_port), f"{web_url}/healthz", workdir / "web.log",
                {**env, "SANIC_WORKERS": "1",
                 "LEITFADEN_RASA_URL": f"http://127.0.0.1:{rasa_port}"}).pid
        for name in prozesse.procs:
            prozesse.warten(name, timeout)
        yield Servers(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}",
                      database_url, workdir, prozesse.procs["rasa"].pid,
                      prozesse.procs["action"].pid, web_url, web_pid)
    finally:
        _LAUFEND.pop(workdir, None)
        prozesse.alle_anhalten()
