"""Headless Chromium (Playwright) against a real IPSC web app process on a demo store.

Skips with a reason when Playwright or ``/usr/bin/chromium`` is missing
(``scripts/test.sh`` installs chromium when it runs as root). Every page needs a sign-in:
:func:`anmelden` fills the sign-in form (demo accounts, :data:`DEMO_PASSWORT`).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from leitfaden.servers import MODEL, VENV_BIN, Servers, WebApp, running_servers, running_web_app
from leitfaden.settings import PROJECT_ROOT
from leitfaden.store.db import make_engine
from leitfaden.store.demo import DEMO_PASSWORT, reset_demo_data

CHROMIUM = Path(os.environ.get("LEITFADEN_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"
VENDOR = PROJECT_ROOT / "leitfaden" / "web" / "static" / "vendor"

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None


def anmelden(page: Page, base_url: str, login: str, passwort: str = DEMO_PASSWORT, *,
             weiter: str = "/ipsc/angebote") -> None:
    """Sign in through the form (label, keyboard-free clicks as a user would) and land on
    ``weiter`` (default: the offer listing, which every role may open)."""
    page.goto(f"{base_url}/anmelden?weiter={quote(weiter, safe='/')}")
    page.get_by_label("Anmeldename").fill(login)
    page.get_by_label("Passwort").fill(passwort)
    with page.expect_navigation():
        page.get_by_role("button", name="Anmelden").click()
    assert page.url == f"{base_url}{weiter}", f"Anmeldung als {login} fehlgeschlagen: {page.url}"


def _browser_oder_skip() -> None:
    if sync_playwright is None:
        pytest.skip("Playwright ist nicht installiert (pip install -r requirements.txt)")
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"Chromium fehlt unter {CHROMIUM} (apt-get install -y chromium)")


@contextmanager
def _web_app(ordner: Path) -> Iterator[WebApp]:
    """``python -m leitfaden.web`` on a free port, fresh SQLite store with demo data."""
    _browser_oder_skip()
    url = f"sqlite:///{ordner / 'leitfaden.db'}"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "LEITFADEN_DATABASE_URL": url,
           "LEITFADEN_TODAY": "2026-11-18"}
    subprocess.run([str(VENV_BIN / "python"), "-m", "leitfaden.store", "demo"], env=env,
                   cwd=PROJECT_ROOT, check=True, capture_output=True)
    with running_web_app(url, today="2026-11-18", workdir=ordner) as app:
        yield app


@pytest.fixture(scope="module")
def web_app(tmp_path_factory) -> Iterator[WebApp]:
    """The web app the read-only tests share (demo data, clock at 2026-11-18)."""
    with _web_app(tmp_path_factory.mktemp("ipsc")) as app:
        yield app


@pytest.fixture
def eigene_web_app(tmp_path) -> Iterator[WebApp]:
    """A web app with its own store, for a test that changes data."""
    with _web_app(tmp_path) as app:
        yield app


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright.

    Module scope on purpose: while Playwright's sync API is active, an asyncio loop runs in
    this thread, and every later test calling ``asyncio.run`` (the action tests) would fail.
    """
    _browser_oder_skip()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                              args=["--lang=de-DE"])
        yield b
        b.close()


@contextmanager
def deutscher_tab(browser: Browser, base_url: str, *,
                  viewport: dict[str, int] | None = None,
                  timeout_ms: float | None = None) -> Iterator[Page]:
    """A fresh German tab (own cookies and storage) that fails the test on console errors
    (CSP violations, failed requests) and script errors. A test that expects a refusal
    (a 403 page) clears ``tab.konsolen_fehler`` afterwards."""
    context = browser.new_context(locale="de-DE", base_url=base_url,
                                  viewport=viewport or {"width": 1400, "height": 1000})
    tab = context.new_page()
    if timeout_ms is not None:
        tab.set_default_timeout(timeout_ms)
    fehler: list[str] = []
    tab.konsolen_fehler = fehler
    tab.on("console", lambda m: fehler.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: fehler.append(f"Skriptfehler: {e}"))
    try:
        yield tab
    finally:
        context.close()
    assert not fehler, f"Fehler in der Browser-Konsole: {fehler}"


def _tab(browser: Browser, app: WebApp):
    return deutscher_tab(browser, app.url)


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    """Action server, Rasa (with socket.io for the web chat) and the web app on a fresh demo
    store (clock 2026-11-18), shared by the console and web-chat tests."""
    _browser_oder_skip()
    if not MODEL.exists():
        pytest.fail(f"Kein trainiertes Modell unter {MODEL}: erst `make train`.")
    for datei in (VENDOR / "rasa-webchat.js", VENDOR / "axe.min.js"):
        if not datei.exists():
            pytest.fail(f"{datei} fehlt: erst `make webchat`.")
    with running_servers(web=True, today="2026-11-18") as laufend:
        yield laufend


@pytest.fixture
def demo_zustand(servers: Servers) -> None:
    """The contract's demo state (as ``make demo-reset``) before a test on ``servers``."""
    engine = make_engine(servers.database_url)
    reset_demo_data(engine)
    engine.dispose()


@pytest.fixture
def page(browser: Browser, web_app: WebApp) -> Iterator[Page]:
    """A tab on the shared web app."""
    with _tab(browser, web_app) as tab:
        yield tab


@pytest.fixture
def eigene_page(browser: Browser, eigene_web_app: WebApp) -> Iterator[Page]:
    """A tab on the web app with its own store."""
    with _tab(browser, eigene_web_app) as tab:
        yield tab


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
