"""Helpers for browser tests of the employee console (``/konsole``) and the work queue."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page

from leitfaden.servers import Servers
from leitfaden.settings import PROJECT_ROOT
from leitfaden.store.demo import DEMO_PASSWORT
from tests.browser.conftest import deutscher_tab

AXE = PROJECT_ROOT / "leitfaden" / "web" / "static" / "vendor" / "axe.min.js"
ANTWORT_MS = 90_000


def konsole_tab(browser: Browser, servers: Servers):
    """A desktop-sized tab on the web app (see ``deutscher_tab``), long waits for answers."""
    return deutscher_tab(browser, servers.web_url, timeout_ms=ANTWORT_MS)


def anmelden(page: Page, login: str, passwort: str = DEMO_PASSWORT, *,
             weiter: str | None = None) -> None:
    """Sign in through the form (and land on the role's start page or ``weiter``)."""
    page.goto("/anmelden" + (f"?weiter={weiter}" if weiter else ""))
    page.get_by_label("Anmeldename").fill(login)
    page.get_by_label("Passwort").fill(passwort)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_load_state("networkidle")


def bereit(page: Page) -> None:
    """Wait until the pane has its conversation and no request is running."""
    page.wait_for_function(
        "() => document.getElementById('status').textContent.length > 0"
        " && !document.getElementById('senden').disabled", timeout=ANTWORT_MS)


def sagen(page: Page, text: str) -> str:
    """Type what the caller says, send it with Enter; the assistant's new answers."""
    vorher = page.locator("#verlauf .assistent").count()
    page.locator("#nachricht").fill(text)
    page.locator("#nachricht").press("Enter")
    page.wait_for_function(
        f"() => document.querySelectorAll('#verlauf .assistent').length > {vorher}"
        " && !document.getElementById('senden').disabled", timeout=ANTWORT_MS)
    texte = page.locator("#verlauf .assistent .text").all_inner_texts()
    return "\n".join(texte[vorher:])


def schritt(page: Page) -> str:
    """The current step shown in the panel (e.g. ``3.301.6 Zustimmung``)."""
    return page.locator("#schritt-name").inner_text()


def axe_pruefen(page: Page) -> list[dict]:
    """axe-core on the current page: the violations of impact serious or critical."""
    assert AXE.exists(), f"{AXE} fehlt (make webchat)"
    page.add_script_tag(url="/static/vendor/axe.min.js")  # served locally, allowed by the CSP
    ergebnis = page.evaluate("async () => (await axe.run(document)).violations")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "ziele": [n["target"] for n in v["nodes"]][:5]}
            for v in ergebnis if v.get("impact") in ("serious", "critical")]


def screenshot(page: Page, ziel: Path) -> Path:
    """Save a screenshot of the page's viewport."""
    ziel.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ziel))
    return ziel
