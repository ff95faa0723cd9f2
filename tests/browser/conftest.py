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

from leitfaden.servers import VENV_BIN, WebApp, running_web_app
from leitfaden.settings import PROJECT_ROOT
from leitfaden.store.demo import DEMO_PASSWORT

CHROMIUM = Path(os.environ.get("LEITFADEN_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = PROJECT_ROOT / "var" / "screenshots"

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
def _tab(browser: Browser, app: WebApp) -> Iterator[Page]:
    """A fresh German browser tab; fails the test on any console error (e.g. CSP)."""
    context = browser.new_context(locale="de-DE", base_url=app.url,
                                  viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    fehler: list[str] = []
    tab.on("console", lambda m: fehler.append(m.text) if m.type == "error" else None)
    yield tab
    context.close()
    assert not fehler, f"Fehler in der Browser-Konsole: {fehler}"


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
