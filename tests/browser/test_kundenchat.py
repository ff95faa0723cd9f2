"""The customers' web chat ``/chat`` in headless Chromium against the real servers.

Action server, Rasa (socket.io channel) and the web app run on a fresh demo store; the page's
widget talks socket.io with Rasa directly. Every tab runs at phone size (375×667) and fails
the test on console errors (CSP violations included).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal

import pytest
import requests
from kundenchat_hilfen import (
    ANNA,
    BOT,
    VORGANGSNUMMER,
    antwort_abwarten,
    bot_texte,
    chat_tab,
    eingabe,
    kundenchat_abschlag_stellen,
    oeffnen,
    sagen,
)

from leitfaden.abschlag.warteschlange import offene_antraege
from leitfaden.settings import PROJECT_ROOT
from leitfaden.store.db import make_engine

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_zustand")]

VENDOR = PROJECT_ROOT / "leitfaden" / "web" / "static" / "vendor"
AXE = VENDOR / "axe.min.js"
XSS = '<img src=x onerror="window.__xss=1">Hallo'
MARKDOWN = "![Bild](/static/favicon.svg) [Link](javascript:alert(1)) **fett**"


@pytest.fixture
def chat(browser, servers) -> Iterator:
    """A phone-sized tab with its own session (so its own conversation)."""
    with chat_tab(browser, servers) as tab:
        yield tab


def _fokus(page) -> str:
    """Class and role of the focused element, e.g. ``"textarea.rw-new-message"``."""
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e.tagName.toLowerCase() + '.' + [...e.classList].join('.'); })()")


def _tab_bis(page, ziel: str, taste: str = "Tab", versuche: int = 25) -> None:
    """Press ``taste`` until the focused element matches the CSS selector ``ziel``."""
    for _ in range(versuche):
        page.keyboard.press(taste)
        if page.evaluate("(ziel) => document.activeElement.matches(ziel)", ziel):
            return
    raise AssertionError(f"{ziel} ist mit {taste} nicht erreichbar (Fokus: {_fokus(page)})")


def test_abschlag_im_kundenchat(chat, servers, screenshots):
    engine = make_engine(servers.database_url)
    try:
        vorher = offene_antraege(engine)
        nummer = kundenchat_abschlag_stellen(chat, servers)
        chat.screenshot(path=str(screenshots / "kundenchat-abschlag.png"))
        assert VORGANGSNUMMER.fullmatch(nummer)
        assert chat.get_by_role("button", name="Ja, einverstanden").count() == 0  # chosen

        offen = offene_antraege(engine)
        assert len(offen) == len(vorher) + 1
        (antrag,) = [a for a in offen if a.kundennummer == ANNA["kundennummer"]]
        assert antrag.vorgangsnummer == nummer
        assert antrag.betrag == Decimal("889.10") and antrag.betrag_text == "889,10 €"
        assert antrag.haertegrund == "miete"

        # the conversation lives in this tab's sessionStorage, under Rasa's session id
        sitzung = json.loads(chat.evaluate("sessionStorage.getItem('chat_session')"))
        assert sitzung["session_id"] == antrag.conversation_id
        assert chat.evaluate("localStorage.getItem('chat_session')") is None
        # a reload keeps the conversation (session persistence) and sends no /greet again
        anzahl = len(bot_texte(chat))
        chat.reload()
        chat.wait_for_function("([bot, n]) => document.querySelectorAll(bot).length >= n",
                               arg=[BOT, anzahl])
        chat.wait_for_timeout(1500)
        assert len(bot_texte(chat)) == anzahl
        assert nummer in "\n".join(bot_texte(chat))
    finally:
        engine.dispose()


def test_barrierefreiheit_axe(chat, screenshots):
    oeffnen(chat)
    sagen(chat, "Ich brauche einen Abschlag", "für sich selbst", knopf="Für mich selbst")
    chat.screenshot(path=str(screenshots / "kundenchat-knoepfe.png"))
    chat.add_script_tag(url="/static/vendor/axe.min.js")
    ergebnis = chat.evaluate("axe.run(document, {resultTypes: ['violations']})")
    verstoesse = [
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(k["target"][0] if isinstance(k["target"][0], str) else str(k["target"])
                    for k in v["nodes"])
        for v in ergebnis["violations"]
    ]
    schwer = [v for v, roh in zip(verstoesse, ergebnis["violations"], strict=True)
              if roh["impact"] in ("serious", "critical")]
    assert not schwer, "axe-core meldet schwere Verstöße:\n" + "\n".join(schwer)
    print("axe-core, leichtere Hinweise:", verstoesse or "keine")


def test_html_und_markdown_werden_als_text_gezeigt(chat):
    oeffnen(chat)
    sagen(chat, XSS, "")
    assert XSS in chat.locator("#rw-messages .rw-client").all_inner_texts()
    # the bot repeats an unknown place literally (GLF 1.000: help with the online services at
    # the agency; the reception starts it with the intent /einsatz_agentur)
    sagen(chat, "/einsatz_agentur", "willkommen")
    sagen(chat, "Ich komme mit dem Online-Portal nicht klar, können Sie mir helfen?",
          "Postleitzahl oder Ihren Wohnort")
    for eingabe_text in (f"Ich wohne in {XSS}", f"Ich wohne in {MARKDOWN}"):
        echo = sagen(chat, eingabe_text, "finde ich keine Dienststelle")
        assert f"Zu „{eingabe_text}“ finde ich keine Dienststelle" in echo, echo
    assert chat.locator("#rw-messages img").count() == 0
    assert chat.locator("#rw-messages a").count() == 0
    assert chat.locator("#rw-messages strong, #rw-messages em").count() == 0
    assert chat.evaluate("typeof window.__xss") == "undefined"


@pytest.mark.parametrize("taste", ["Enter", " "], ids=["Enter", "Leertaste"])
def test_nur_mit_tastatur(chat, taste):
    oeffnen(chat)
    chat.evaluate("document.activeElement && document.activeElement.blur()")
    _tab_bis(chat, "textarea.rw-new-message")
    assert eingabe(chat).evaluate("e => e === document.activeElement")
    vorher = chat.locator(BOT).count()
    chat.keyboard.type("Ich brauche einen Abschlag")
    chat.keyboard.press("Enter")
    antwort_abwarten(chat, vorher, "für sich selbst", knopf="Für mich selbst")
    assert eingabe(chat).input_value() == ""

    # the quick replies are above the input: backwards with Shift+Tab
    _tab_bis(chat, "div.rw-reply[role=button]", "Shift+Tab")
    for _ in range(5):
        if chat.evaluate("document.activeElement.textContent") == "Für mich selbst":
            break
        chat.keyboard.press("Shift+Tab")
    assert chat.evaluate("document.activeElement.textContent") == "Für mich selbst"
    vorher = chat.locator(BOT).count()
    chat.keyboard.press(taste)
    antwort_abwarten(chat, vorher, "Kundennummer")
    assert "Für mich selbst" in chat.locator("#rw-messages .rw-client").all_inner_texts()
    # the focus went back to the input: the customer types on
    assert _fokus(chat) == "textarea.rw-new-message"
    vorher = chat.locator(BOT).count()
    chat.keyboard.type(ANNA["kundennummer"])
    chat.keyboard.press("Enter")
    antwort_abwarten(chat, vorher, "vollständiger Name")


def test_sicherheitsheader_und_keine_csp_verstoesse(chat, servers):
    verstoesse: list[str] = []
    fehler: list[str] = []
    chat.on("console", lambda m: fehler.append(m.text) if m.type == "error" else None)
    chat.expose_function("cspVerstoss", lambda text: verstoesse.append(text))
    chat.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => window.cspVerstoss(e.violatedDirective + ' ' + e.blockedURI));")
    antwort = chat.goto("/chat")
    kopf = antwort.headers
    assert antwort.status == 200
    csp = {d.split()[0]: d.split()[1:] for d in kopf["content-security-policy"].split(";")
           if d.strip()}
    rasa = servers.rasa_url
    assert csp["connect-src"] == ["'self'", rasa, rasa.replace("http://", "ws://", 1)]
    assert csp["script-src"] == ["'self'"] and csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert kopf["x-content-type-options"] == "nosniff"
    assert kopf["x-frame-options"] == "DENY" and kopf["referrer-policy"] == "no-referrer"

    antwort_abwarten(chat, 0, "Was ist Ihr Anliegen", timeout_ms=30_000)  # the greeting
    sagen(chat, "Ich brauche einen Abschlag", "für sich selbst", knopf="Für mich selbst")
    chat.wait_for_timeout(500)
    assert not verstoesse, f"CSP-Verstöße: {verstoesse}"
    assert not fehler, f"Fehler in der Browser-Konsole: {fehler}"
    # everything the page loads comes from the web app itself
    geladen = chat.evaluate("performance.getEntriesByType('resource').map(r => r.name)")
    fremd = [u for u in geladen if not (u.startswith(servers.web_url) or u.startswith(rasa)
                                        or u.startswith(rasa.replace("http", "ws", 1)))]
    assert not fremd, fremd

    widget = requests.get(f"{servers.web_url}/static/vendor/rasa-webchat.js", timeout=10)
    assert widget.status_code == 200 and "javascript" in widget.headers["content-type"]
    assert widget.headers["x-content-type-options"] == "nosniff"
    assert "fonts.googleapis.com" not in widget.text
