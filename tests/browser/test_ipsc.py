"""IPSC in a real browser: sign in and out, filter the listing, open an offer by keyboard,
Webauftrag over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from sqlalchemy import create_engine

from leitfaden.texte import zeitpunkt_text
from leitfaden.webauftrag.eingang import token_erzeugen
from tests.browser.conftest import anmelden

pytestmark = pytest.mark.browser

NUERNBERG_MITTE = {"nuernberg-mitte-registrierung", "nuernberg-mitte-gebaerdensprache",
                   "nuernberg-mitte-vero"}
NUERNBERG = NUERNBERG_MITTE | {"nuernberg-langwasser-selbstinfo"}


def zeilen(page) -> list[str]:
    return page.locator("#angebote tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.angebot)")


def filtern(page) -> None:
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_load_state()


def test_anmelden_und_abmelden(page, web_app, screenshots):
    page.goto("/ipsc/angebote")
    assert page.url.startswith(f"{web_app.url}/anmelden?weiter=")
    assert page.title() == "Anmelden – IPSC"
    page.get_by_label("Anmeldename").fill("trainer-demo")
    page.get_by_label("Passwort").fill("falsches-Passwort")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text() == "Anmeldename oder Passwort ist falsch."
    assert page.get_by_label("Anmeldename").input_value() == "trainer-demo"
    assert page.get_by_label("Passwort").input_value() == ""
    page.screenshot(path=str(screenshots / "anmelden-fehler.png"), full_page=True)
    page.get_by_label("Passwort").fill("Leitfaden-Demo-2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{web_app.url}/ipsc/angebote"  # back where the employee wanted to go
    kopf = page.locator("#konto").inner_text()
    assert "Tanja Reuter" in kopf and "Training" in kopf
    navigation = page.get_by_role("navigation", name="Hauptnavigation")
    assert navigation.get_by_role("link").all_inner_texts() == [
        "Gesprächsleitfaden", "Unterstützungsangebote"]
    with page.expect_navigation():
        page.get_by_role("button", name="Abmelden").click()
    assert page.get_by_role("status").inner_text() == "Sie haben sich abgemeldet."
    page.goto("/ipsc/angebote")
    assert "/anmelden" in page.url


def test_kontenverwaltung(page, web_app, screenshots):
    anmelden(page, web_app.url, "admin-demo", weiter="/verwaltung/konten")
    assert page.get_by_role("heading", level=1).inner_text() == "Konten"
    for login in ("sc-demo", "socl-demo", "trainer-demo", "admin-demo"):
        assert page.locator(f"tr[data-konto='{login}']").count() == 1
    page.screenshot(path=str(screenshots / "konten.png"), full_page=True)


def test_liste_filtern(page, web_app, screenshots):
    anmelden(page, web_app.url, "sc-demo")
    assert page.title() == "Unterstützungsangebote – IPSC"
    gesamt = len(zeilen(page))
    assert gesamt >= 20
    assert page.get_by_role("status").inner_text() == f"{gesamt} Angebote"
    assert page.get_by_label("gültig am").input_value() == "2026-11-18"
    page.screenshot(path=str(screenshots / "ipsc-angebote.png"), full_page=True)

    page.get_by_label("Agentur", exact=True).select_option(label="Agentur für Arbeit Nürnberg")
    filtern(page)
    assert set(zeilen(page)) == NUERNBERG
    page.get_by_label("Angebotsart").select_option(label="Gebärdensprachdolmetschen")
    filtern(page)
    assert zeilen(page) == ["nuernberg-mitte-gebaerdensprache"]
    assert page.get_by_role("status").inner_text() == "1 Angebot"
    zeile = page.locator("#angebote tbody tr").first
    for text in ("Beratung mit Gebärdensprachdolmetschung", "Gebärdensprachdolmetschen",
                 "Dienststelle Mitte", "dienstags 9:00-12:00 Uhr", "Ja", "ab 20.07.2026",
                 "15.07.2026, 10:00 Uhr"):
        assert text in zeile.inner_text(), text

    page.get_by_role("link", name="Filter zurücksetzen").click()
    page.get_by_label("Postleitzahl oder Ort").fill("90402")
    filtern(page)
    assert set(zeilen(page)) == NUERNBERG_MITTE
    page.get_by_label("Postleitzahl oder Ort").fill("Nuernberg")
    filtern(page)
    assert set(zeilen(page)) == NUERNBERG
    page.get_by_label("Postleitzahl oder Ort").fill("99999")
    filtern(page)
    assert zeilen(page) == []
    assert "keine Dienststelle hinterlegt" in page.locator("#hinweis").inner_text()

    page.get_by_role("link", name="Filter zurücksetzen").click()
    page.get_by_label("gültig am").fill("2026-03-01")
    filtern(page)
    assert zeilen(page) == []
    assert page.get_by_role("status").inner_text() == "0 Angebote"
    assert "gültig am=" not in page.url and "gueltig_am=2026-03-01" in page.url


def test_detail_per_tastatur(page, web_app):
    anmelden(page, web_app.url, "sc-demo")
    page.goto("/ipsc/angebote?agentur=nuernberg")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
    ziel = "Sprechstunde Online-Vertretung für Bevollmächtigte"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == ziel:
            break
    else:
        pytest.fail(f"Link „{ziel}“ per Tab nicht erreichbar")
    umriss = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert umriss != "none", "sichtbarer Fokus fehlt"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/ipsc/angebote/nuernberg-mitte-vero")
    assert page.get_by_role("heading", level=1).inner_text() == ziel
    erwartet = {
        "#feld-art": "Hilfe für Bevollmächtigte bei der Online-Vertretung (VERO)",
        "#feld-ort": "Eingangszone, Erdgeschoss, Raum E.14",
        "#feld-zeiten": "donnerstags 9:00-12:00 Uhr",
        "#feld-termin": "Ja",
        "#feld-buchung": "Termine vereinbaren Sie telefonisch unter 0911 5290-4120.",
        "#feld-sprachen": "Deutsch",
        "#feld-gueltig": "ab 20.07.2026, unbefristet",
        "#feld-geaendert": "15.07.2026, 10:00 Uhr",
    }
    for selektor, text in erwartet.items():
        assert page.locator(selektor).inner_text().strip() == text, selektor
    assert "Königstorgraben 11, 90402 Nürnberg" in page.locator("#feld-dienststelle").inner_text()
    assert page.locator("#feld-kontakt a[href='tel:091152904120']").count() == 1
    assert page.locator(
        "#feld-kontakt a[href='mailto:nuernberg.online-hilfe@arbeitsagentur.example']"
    ).count() == 1
    assert "90461" in page.locator("#postleitzahlen").inner_text()
    assert page.get_by_text("Aktuell gültig").is_visible()


WEBAUFTRAG = """\
webauftrag: WA-NBG-2026-0200
agentur: nuernberg
absender: Eingangszone Nürnberg Mitte (Herr Beispiel)
angebote:
  - aktion: neu
    id: nuernberg-mitte-antragshilfe
    dienststelle: nuernberg-mitte
    art: antragshilfe_online
    titel: Offene Antragshilfe am Freitag
    beschreibung: Ohne Termin helfen wir Ihnen beim Ausfüllen Ihrer Online-Anträge.
    ort_raum: Eingangszone, Erdgeschoss, Raum E.16
    zeiten:
      - {tage: [Fr], von: "08:00", bis: "12:00"}
    termin_erforderlich: false
    sprachen: [Deutsch, Türkisch]
    kontakt: {telefon: "0911 5290-4140"}
    gueltig_ab: 2026-11-18
  - aktion: beenden
    id: nuernberg-mitte-registrierung
    gueltig_bis: 2026-11-30
"""


def test_webauftrag_ueber_http_sofort_sichtbar(eigene_page, eigene_web_app):
    engine = create_engine(eigene_web_app.database_url, future=True)
    token = token_erzeugen(engine, "nuernberg", "Browsertest")
    engine.dispose()
    page = eigene_page
    anmelden(page, eigene_web_app.url, "socl-demo")
    page.goto("/ipsc/angebote?agentur=nuernberg")
    assert "nuernberg-mitte-antragshilfe" not in zeilen(page)

    antwort = requests.post(f"{eigene_web_app.url}/api/webauftraege", data=WEBAUFTRAG.encode(),
                            headers={"Authorization": f"Bearer {token}",
                                     "Content-Type": "application/yaml"}, timeout=30)
    assert antwort.status_code == 201, antwort.text
    eingegangen = zeitpunkt_text(dt.datetime.fromisoformat(antwort.json()["eingegangen_am"]))
    assert eingegangen.startswith("18.11.2026, ")

    page.reload()
    assert {"nuernberg-mitte-antragshilfe", "nuernberg-mitte-registrierung"} <= set(zeilen(page))
    neu = page.locator("tr[data-angebot='nuernberg-mitte-antragshilfe']")
    assert "Offene Antragshilfe am Freitag" in neu.inner_text()
    assert eingegangen in neu.inner_text()
    beendet = page.locator("tr[data-angebot='nuernberg-mitte-registrierung']")
    assert "20.07.2026 – 30.11.2026" in beendet.inner_text()

    page.get_by_label("gültig am").fill("2026-12-01")
    filtern(page)
    assert "nuernberg-mitte-registrierung" not in zeilen(page)
    assert "nuernberg-mitte-antragshilfe" in zeilen(page)

    page.goto("/ipsc/angebote/nuernberg-mitte-registrierung")
    verlauf = page.locator("#verlauf tbody tr")
    assert verlauf.count() == 1
    text = verlauf.first.inner_text()
    for erwartet in ("WA-NBG-2026-0200", "Eingangszone Nürnberg Mitte (Herr Beispiel)",
                     "HTTP-Schnittstelle", eingegangen, "Beendet", "gültig bis", "30.11.2026"):
        assert erwartet in text, erwartet
    assert page.locator("#feld-gueltig").inner_text() == "vom 20.07.2026 bis 30.11.2026"
