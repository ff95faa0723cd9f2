"""Helpers for browser tests of the customers' web chat (``/chat``), for reuse in other tests.

* :func:`chat_tab`: a German browser tab (phone size by default) that fails on console errors;
* :func:`sagen`, :func:`klicken`, :func:`antwort_abwarten`: one step of the conversation;
* :func:`kundenchat_abschlag_stellen`: Anna Schmidt asks for an Abschlag in the web chat
  (GLF 3.000 legitimation, GLF 3.301 hardship, account, consent) and gets a Vorgangsnummer.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from leitfaden.servers import Servers
from tests.browser.conftest import deutscher_tab

#: the customer of the contract table that gets an Abschlag (GLF 3.301)
ANNA = {"kundennummer": "123A456789", "name": "Anna Schmidt", "geboren": "14.03.1985",
        "betrag": "889,10 €"}
HAERTE = "Meine Miete ist fällig und der Vermieter droht mit der Kündigung"
#: leitfaden.abschlag.warteschlange.vorgangsnummer: ``VG-2026-000042``
VORGANGSNUMMER = re.compile(r"\bVG-\d{4}-\d{6}\b")

HANDY = {"width": 375, "height": 667}
#: the bot's messages in the chat (the typing indication is outside the message groups)
BOT = "#rw-messages .rw-group-message .rw-response"
TIPPT = "#rw-messages .rw-typing-indication"
ANTWORT_MS = 90_000


def chat_tab(browser: Browser, servers: Servers, *,
             viewport: dict[str, int] | None = None):
    """A fresh German tab on the web app, phone size unless told (see ``deutscher_tab``);
    its own sessionStorage, so a new conversation."""
    return deutscher_tab(browser, servers.web_url, viewport=viewport or HANDY)


def bot_texte(page: Page) -> list[str]:
    """The texts of all bot messages shown so far."""
    return page.locator(BOT).all_inner_texts()


def eingabe(page: Page):
    """The chat's text input (labelled by kundenchat.js)."""
    return page.get_by_role("textbox", name="Ihre Nachricht")


def antwort_abwarten(page: Page, vorher: int, erwartet: str, *, knopf: str | None = None,
                     timeout_ms: int = ANTWORT_MS) -> str:
    """Wait until there are bot messages after the first ``vorher``, they contain
    ``erwartet`` (``""``: anything) and the quick reply ``knopf`` is shown, the widget has shown
    all it received, and nothing more comes for a moment. Returns the new bot texts, one per
    line."""
    try:
        page.wait_for_function(
            """([bot, tippt, vorher, erwartet, knopf]) => {
                const alle = [...document.querySelectorAll(bot)];
                if (alle.length <= vorher) {
                    return false;
                }
                const neu = alle.slice(vorher).map(e => e.innerText).join("\\n");
                const knoepfe = [...document.querySelectorAll("#rw-messages .rw-reply")]
                    .map(e => e.innerText.trim());
                return neu.includes(erwartet) && !document.querySelector(tippt)
                    && (!knopf || knoepfe.includes(knopf));
            }""",
            arg=[BOT, TIPPT, vorher, erwartet, knopf], timeout=timeout_ms)
    except PlaywrightTimeout:
        neu = bot_texte(page)[vorher:]
        hinweis = ""
        if not bot_texte(page):
            hinweis = (" Der Assistent hat über socket.io gar nicht geantwortet (auch nicht auf "
                       "/greet). Läuft Rasa über python -m leitfaden_rasa (Korrektur "
                       "leitfaden_rasa.socketio_raeume für RasaHQ/rasa#13027) und mit --cors?")
        raise AssertionError(f"Keine Antwort mit {erwartet!r}"
                             f"{f' und Knopf {knopf!r}' if knopf else ''} nach "
                             f"{timeout_ms // 1000} s; neue Bot-Nachrichten: {neu}.{hinweis}"
                             ) from None
    # The widget shows queued messages one after the other; wait until nothing new comes.
    anzahl = -1
    while anzahl != page.locator(BOT).count() or page.locator(TIPPT).count():
        anzahl = page.locator(BOT).count()
        page.wait_for_timeout(600)
    return "\n".join(bot_texte(page)[vorher:])


def oeffnen(page: Page) -> str:
    """Open ``/chat`` and wait for the greeting (the widget sends ``/greet``)."""
    page.goto("/chat")
    return antwort_abwarten(page, 0, "Was ist Ihr Anliegen", timeout_ms=30_000)


def sagen(page: Page, text: str, erwartet: str, *, knopf: str | None = None) -> str:
    """Type ``text`` into the chat, send it with Enter and wait for the answer."""
    vorher = page.locator(BOT).count()
    feld = eingabe(page)
    feld.fill(text)
    feld.press("Enter")
    return antwort_abwarten(page, vorher, erwartet, knopf=knopf)


def klicken(page: Page, titel: str, erwartet: str, *, knopf: str | None = None) -> str:
    """Click the quick reply ``titel`` and wait for the answer."""
    vorher = page.locator(BOT).count()
    page.get_by_role("button", name=titel, exact=True).click()
    return antwort_abwarten(page, vorher, erwartet, knopf=knopf)


def kundenchat_abschlag_stellen(page: Page, servers: Servers) -> str:
    """Anna Schmidt asks for an Abschlag in the web chat, as in the customer-channel REST
    conversation of GLF 3.301 (tests/integration/test_glf3301.py), clicking the quick replies
    the bot offers. Returns the Vorgangsnummer of the request now waiting in the SOC-L queue.

    ``page`` is a tab on ``servers.web_url`` (see :func:`chat_tab`) with no conversation yet.
    """
    assert page.url == "about:blank" or page.url.startswith(servers.web_url), page.url
    oeffnen(page)
    sagen(page, "Ich brauche dringend Geld, kann ich einen Abschlag bekommen?",
          "für sich selbst", knopf="Für mich selbst")
    klicken(page, "Für mich selbst", "Kundennummer")
    sagen(page, ANNA["kundennummer"], "vollständiger Name")
    sagen(page, ANNA["name"], "Geburtsdatum")
    nach_legitimation = sagen(page, ANNA["geboren"], "Was ist gerade fällig")
    assert "nicht möglich" not in nach_legitimation, nach_legitimation
    nach_haerte = sagen(page, HAERTE, ANNA["betrag"], knopf="Ja, das Konto stimmt")
    assert "IBAN" in nach_haerte, nach_haerte
    zustimmung = klicken(page, "Ja, das Konto stimmt", "verrechnet", knopf="Ja, einverstanden")
    assert ANNA["betrag"] in zustimmung, zustimmung
    ergebnis = klicken(page, "Ja, einverstanden", "Vorgangsnummer")
    assert ANNA["betrag"] in ergebnis, ergebnis
    treffer = VORGANGSNUMMER.search(ergebnis)
    assert treffer, f"Keine Vorgangsnummer in der Antwort: {ergebnis}"
    return treffer.group(0)
