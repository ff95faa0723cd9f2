"""The employee console in headless Chromium against the real servers (Rasa, actions, web).

Sign-in and role refusal, a whole Anna Schmidt call ending in exactly one 889,10 € payment
(transfer only after the confirmation dialog), a Schutzkennzeichen-M call showing nothing
personal, offer cards for 90402, the record of deviations, keyboard-only use and axe-core.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from leitfaden.abschlag import ledger
from leitfaden.servers import Servers
from leitfaden.settings import PROJECT_ROOT
from leitfaden.store.db import make_engine
from tests.browser.konsole_hilfen import (
    anmelden,
    axe_pruefen,
    bereit,
    konsole_tab,
    sagen,
    schritt,
    screenshot,
)
from tests.browser.kundenchat_hilfen import chat_tab, kundenchat_abschlag_stellen

HAERTE = "Miete ist fällig, Vermieter droht mit Kündigung"
BESTAETIGUNG = re.compile(r"\b[A-Z]{2,4}-2026-\d{6}\b")


pytestmark = pytest.mark.usefixtures("demo_zustand")


@pytest.fixture
def tab(browser: Browser, servers: Servers) -> Iterator[Page]:
    with konsole_tab(browser, servers) as t:
        yield t


def _abschlaege(servers: Servers, kundennummer: str) -> list:
    engine = make_engine(servers.database_url)
    try:
        return [z for z in ledger.zahlungen(engine, kundennummer=kundennummer)
                if z.monat == "2026-11" and z.angewiesen_von is not None]
    finally:
        engine.dispose()


def _legitimieren(tab: Page, kundennummer: str, name: str, geboren: str) -> str:
    sagen(tab, "Hallo")
    sagen(tab, "Kundin möchte einen Abschlag")
    sagen(tab, "Für mich selbst")
    sagen(tab, f"KdNr {kundennummer}")
    sagen(tab, name)
    return sagen(tab, geboren)


# --- sign-in and roles ---------------------------------------------------------------------

def test_anmeldung_und_rollen(tab: Page) -> None:
    tab.goto("/konsole")
    expect(tab).to_have_url(re.compile(r"/anmelden\?weiter=/konsole$"))
    anmelden(tab, "sc-demo", "falsches-passwort-123")
    expect(tab.get_by_role("alert")).to_contain_text("Anmeldename oder Passwort ist falsch")

    anmelden(tab, "sc-demo", weiter="/konsole")
    expect(tab).to_have_url(re.compile(r"/konsole$"))
    expect(tab.get_by_role("heading", name="Gespräch")).to_be_visible()
    assert "leitfaden_sitzung" not in tab.url and "csrf" not in tab.url

    for seite in ("/warteschlange", "/verwaltung/konten"):
        antwort = tab.goto(seite)
        assert antwort is not None and antwort.status == 403, seite
        expect(tab.get_by_role("heading", name="Keine Berechtigung")).to_be_visible()
    # the API refuses a request without the session's CSRF token
    status = tab.evaluate("""async () => (await fetch('/konsole/api/gespraeche',
        {method: 'POST', body: '{}'})).status""")
    assert status == 403
    tab.konsolen_fehler.clear()  # the three refusals above are the expected console errors


def test_admin_hat_keine_konsole_und_sc_keinen_ueberweisen_knopf(tab: Page) -> None:
    anmelden(tab, "admin-demo")
    antwort = tab.goto("/konsole")
    assert antwort is not None and antwort.status == 403
    tab.konsolen_fehler.clear()  # the refusal is the expected console error


# --- the Anna Schmidt call -----------------------------------------------------------------

def test_anna_schmidt_ganzer_anruf_genau_eine_zahlung(tab: Page, servers: Servers,
                                                       screenshots) -> None:
    anmelden(tab, "socl-demo", weiter="/konsole")
    bereit(tab)
    expect(tab.locator("#leitfaden-name")).to_contain_text("GLF 3.000")

    antwort = _legitimieren(tab, "123A456789", "Anna Schmidt", "14.03.1985")
    assert "Legitimation erfolgreich" in antwort, antwort
    # the panel follows the guide: 3.000 -> 3.301
    expect(tab.locator("#leitfaden-name")).to_contain_text("GLF 3.301")
    expect(tab.locator("#kunde")).to_contain_text("Anna Schmidt")
    expect(tab.locator("#schritte [aria-current='step']")).to_contain_text("3.301.3")

    antwort = sagen(tab, HAERTE)
    assert "889,10 €" in antwort, antwort
    karte = tab.locator("#abschlag-block")
    expect(karte).to_contain_text("17 Tage × 52,30 € − 0,00 € = 889,10 €")
    expect(karte).to_contain_text("DE89 **** **** **** **30 00")
    assert "DE89370400440532013000" not in tab.content().replace(" ", "")

    antwort = sagen(tab, "Konto stimmt")
    assert "verrechnet" in antwort, antwort
    assert schritt(tab).startswith("3.301.6")
    expect(tab.locator("#ueberweisen")).to_be_visible()
    expect(tab.locator("#ueberweisen")).to_contain_text("889,10 €")
    tab.set_viewport_size({"width": 1400, "height": 1250})
    screenshot(tab, screenshots / "konsole.png")  # the README's picture (docs/konsole.png)

    # typed consent opens the confirmation dialog instead of transferring; cancel it
    tab.locator("#nachricht").fill("Kundin ist einverstanden")
    tab.locator("#nachricht").press("Enter")
    dialog = tab.locator("#ueberweisung-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("889,10 €")
    expect(dialog).to_contain_text("DE89 **** **** **** **30 00")
    tab.locator("#dialog-abbrechen").click()
    expect(dialog).to_be_hidden()
    expect(tab.locator("#status")).to_contain_text("nichts überwiesen")
    assert _abschlaege(servers, "123A456789") == []

    # tick the notice (offset against the next payment), then transfer through the dialog
    tab.locator("#hinweise input[type=checkbox]").first.check()
    expect(tab.locator("#status")).to_contain_text("als gegeben vermerkt")
    tab.locator("#ueberweisen").click()
    expect(dialog).to_be_visible()
    vorher = tab.locator("#verlauf .assistent").count()
    tab.locator("#dialog-ueberweisen").click()
    tab.wait_for_function(
        f"() => document.querySelectorAll('#verlauf .assistent').length > {vorher}")
    antwort = "\n".join(tab.locator("#verlauf .assistent .text").all_inner_texts()[vorher:])
    assert "Überweisung ausgelöst" in antwort and "889,10 €" in antwort, antwort

    (zahlung,) = _abschlaege(servers, "123A456789")
    assert zahlung.betrag == Decimal("889.10")
    assert zahlung.angewiesen_von == "socl-demo"
    assert zahlung.bestaetigungsnummer in antwort
    expect(karte).to_contain_text(zahlung.bestaetigungsnummer)
    expect(tab.locator("#ueberweisen")).to_be_hidden()

    # 3.301.8 "no visit needed" was passed in the same turn: its notice is still to tick
    offen = tab.locator("#hinweise input[type=checkbox]:not(:checked)")
    expect(offen).to_have_count(1)
    offen.check()
    expect(tab.locator("#hinweise input[type=checkbox]:not(:checked)")).to_have_count(0)
    expect(tab.locator("#leitfaden-name")).to_contain_text("GLF 3.000")

    sagen(tab, "Nein, danke")
    assert schritt(tab).startswith("3.000.7")
    tab.get_by_role("button", name="Gespräch beenden").click()
    expect(tab.locator("#protokoll-hinweis")).to_contain_text("Keine Abweichungen")
    tab.get_by_role("link", name="Gesprächsprotokoll öffnen").click()
    expect(tab.get_by_role("heading", name="Gesprächsprotokoll")).to_be_visible()
    expect(tab.locator("main")).to_contain_text("Abweichungen vom Leitfaden (0)")
    expect(tab.locator("main")).to_contain_text("Gegebene Pflichthinweise (2)")
    # exactly one payment, also after everything else
    assert len(_abschlaege(servers, "123A456789")) == 1


def test_nicht_abgehakter_hinweis_wird_abweichung_mit_version(tab: Page) -> None:
    anmelden(tab, "sc-demo", weiter="/konsole")
    bereit(tab)
    _legitimieren(tab, "123A456789", "Anna Schmidt", "14.03.1985")
    sagen(tab, HAERTE)
    sagen(tab, "Konto stimmt")
    expect(tab.locator("#ueberweisen")).to_be_hidden()  # SC: no transfer button
    # the consent goes on without the notice ticked: a deviation with the guide version
    sagen(tab, "Ja, einverstanden")
    abweichungen = tab.locator("#abweichungen")
    expect(abweichungen).to_contain_text("3.301.6")
    tab.get_by_role("button", name="Gespräch beenden").click()
    tab.get_by_role("link", name="Gesprächsprotokoll öffnen").click()
    tabelle = tab.locator("#abweichungen-tabelle")
    expect(tabelle).to_contain_text("Pflichthinweis nicht gegeben")
    expect(tabelle).to_contain_text("GLF 3.301 (Version 2026.07)")


# --- Schutzkennzeichen M -------------------------------------------------------------------

def test_schutzkennzeichen_m_zeigt_nichts_persoenliches(tab: Page) -> None:
    anmelden(tab, "sc-demo", weiter="/konsole")
    bereit(tab)
    antwort = _legitimieren(tab, "456D789012", "Thomas Becker", "30.01.1990")
    assert "Schutzkennzeichen M" in antwort, antwort
    expect(tab.locator("#schutzkennzeichen")).to_be_visible()
    expect(tab.locator("#kunde")).to_be_hidden()
    expect(tab.locator("#abschlag-block")).to_be_hidden()
    angezeigt = (tab.locator("aside.panel").inner_text() + "\n"
                 + "\n".join(tab.locator("#verlauf .assistent").all_inner_texts()))
    for persoenlich in ("Becker", "Thomas", "456D789012", "DE94", "3344", "48,00", "Köln",
                        "50667", "30.01.1990"):
        assert persoenlich not in angezeigt, persoenlich


# --- support offers ------------------------------------------------------------------------

def test_angebotskarten_fuer_90402(tab: Page) -> None:
    anmelden(tab, "sc-demo", weiter="/konsole")
    bereit(tab)
    sagen(tab, "Hallo")
    sagen(tab, "Kunde braucht Hilfe bei der Online-Registrierung")
    antwort = sagen(tab, "90402")
    assert "Nürnberg" in antwort, antwort
    karten = tab.locator("#angebote .angebot")
    assert karten.count() >= 1
    expect(tab.locator("#angebote")).to_contain_text("Nürnberg")
    erste = karten.first
    for feld in ("Art", "Dienststelle", "Zeiten", "Termin"):
        expect(erste.locator("dt", has_text=feld).first).to_be_visible()


# --- keyboard and accessibility ------------------------------------------------------------

def test_nur_mit_tastatur(tab: Page) -> None:
    tab.goto("/anmelden?weiter=/konsole")
    for _ in range(10):  # the field has autofocus; otherwise Tab past the skip link
        if tab.evaluate("document.activeElement && document.activeElement.id") == "anmeldename":
            break
        tab.keyboard.press("Tab")
    fokus = tab.evaluate("document.activeElement.getAttribute('autocomplete')")
    assert fokus == "username"
    tab.keyboard.type("sc-demo")
    tab.keyboard.press("Tab")
    tab.keyboard.type("Leitfaden-Demo-2026")
    tab.keyboard.press("Enter")
    expect(tab).to_have_url(re.compile(r"/konsole$"))
    bereit(tab)
    tab.locator("#nachricht").focus()  # the skip link leads to main; the field is first input
    tab.keyboard.type("Hallo")
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => document.querySelectorAll('#verlauf .assistent').length > 0"
                          " && !document.getElementById('senden').disabled")
    tab.keyboard.type("Kundin möchte einen Abschlag")
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => document.querySelectorAll('#verlauf .assistent').length > 1"
                          " && !document.getElementById('senden').disabled")
    # quick replies are reachable with Shift+Tab from the field and work with Enter
    knoepfe = tab.locator("#schnellantworten button")
    if knoepfe.count():
        for _ in range(knoepfe.count() + 2):
            tab.keyboard.press("Shift+Tab")
            if tab.evaluate("document.activeElement.classList.contains('schnellantwort')"):
                break
        assert tab.evaluate("document.activeElement.classList.contains('schnellantwort')")
        vorher = tab.locator("#verlauf .assistent").count()
        tab.keyboard.press("Enter")
        tab.wait_for_function(
            f"() => document.querySelectorAll('#verlauf .assistent').length > {vorher}")
    # sign out by keyboard: the button in the header
    tab.get_by_role("button", name="Abmelden").focus()
    tab.keyboard.press("Enter")
    expect(tab).to_have_url(re.compile(r"/anmelden"))


@pytest.mark.parametrize("login,seite", [("sc-demo", "/konsole"),
                                         ("socl-demo", "/warteschlange"),
                                         ("admin-demo", "/verwaltung/konten")])
def test_axe_keine_schweren_verstoesse(tab: Page, login: str, seite: str) -> None:
    anmelden(tab, login, weiter=seite)
    if seite == "/konsole":
        bereit(tab)
        sagen(tab, "Hallo")
    assert axe_pruefen(tab) == []


def test_axe_anmeldeseite(tab: Page) -> None:
    tab.goto("/anmelden")
    assert axe_pruefen(tab) == []


def test_nachricht_mit_html_wird_als_text_gezeigt(tab: Page) -> None:
    anmelden(tab, "sc-demo", weiter="/konsole")
    bereit(tab)
    sagen(tab, '<img src=x onerror="window.__xss=1">Hallo')
    assert tab.locator("#verlauf img").count() == 0
    assert tab.evaluate("window.__xss") is None
    expect(tab.locator("#verlauf .nutzer").first).to_contain_text('<img src=x')


def test_readme_zeigt_den_screenshot() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/konsole.png" in readme
    assert (PROJECT_ROOT / "docs" / "konsole.png").stat().st_size > 10_000


# --- the SOC-L work queue ------------------------------------------------------------------

def test_kundenchat_antrag_wird_in_der_warteschlange_genehmigt(browser: Browser,
                                                               servers: Servers,
                                                               tab: Page) -> None:
    with chat_tab(browser, servers) as kunde:
        nummer = kundenchat_abschlag_stellen(kunde, servers)
    assert _abschlaege(servers, "123A456789") == []  # the chat only prepares it

    anmelden(tab, "socl-demo", weiter="/warteschlange")
    zeile = tab.locator("tr", has_text=nummer)
    expect(zeile).to_contain_text("889,10 €")
    expect(zeile).to_contain_text("17 Tage × 52,30 € − 0,00 € = 889,10 €")
    expect(zeile).not_to_contain_text("123A456789")  # masked
    assert axe_pruefen(tab) == []
    zeile.get_by_role("link", name=re.compile("Genehmigen")).click()
    expect(tab.get_by_role("heading", name="Überweisung bestätigen")).to_be_visible()
    expect(tab.locator("main")).to_contain_text("DE89 **** **** **** **30 00")
    tab.get_by_role("button", name="889,10 € jetzt überweisen").click()
    meldung = tab.get_by_role("status")
    expect(meldung).to_contain_text(f"Antrag {nummer} genehmigt")
    (zahlung,) = _abschlaege(servers, "123A456789")
    assert zahlung.betrag == Decimal("889.10")
    assert zahlung.angewiesen_von == "socl-demo"
    expect(meldung).to_contain_text(zahlung.bestaetigungsnummer)

    # approving again (a second tab, a double click) pays nothing twice
    tab.goto(f"/warteschlange/{nummer}/genehmigen")
    expect(tab.get_by_role("alert")).to_contain_text("bereits entschieden")
    assert len(_abschlaege(servers, "123A456789")) == 1


def test_sc_sieht_keine_warteschlange_admin_entscheidet_nicht(tab: Page) -> None:
    anmelden(tab, "admin-demo", weiter="/warteschlange")
    expect(tab.get_by_role("heading", name=re.compile("Warteschlange"))).to_be_visible()
    antwort = tab.goto("/warteschlange/VG-2026-000001/genehmigen")
    assert antwort is not None and antwort.status == 403
    tab.konsolen_fehler.clear()  # the refusal is the expected console error


def test_neu_laden_setzt_das_laufende_gespraech_fort(tab: Page) -> None:
    anmelden(tab, "sc-demo", weiter="/konsole")
    bereit(tab)
    sagen(tab, "Hallo")
    sagen(tab, "Kundin möchte einen Abschlag")
    vorher = schritt(tab)
    tab.reload()
    expect(tab.locator("#status")).to_contain_text("fortgesetzt")
    assert schritt(tab) == vorher
    expect(tab.locator("#verlauf .nutzer")).to_have_count(2)
    # "Neues Gespräch" ends the running call first (after asking) and starts an empty one
    tab.once("dialog", lambda d: d.accept())
    tab.get_by_role("button", name="Neues Gespräch").click()
    expect(tab.locator("#status")).to_contain_text("Bereit")
    expect(tab.locator("#verlauf .nachricht")).to_have_count(0)
