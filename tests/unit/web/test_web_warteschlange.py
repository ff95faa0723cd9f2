"""The SOC-L work queue page (``/warteschlange``): roles, confirmation, exactly one transfer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leitfaden.abschlag import ledger
from leitfaden.abschlag.warteschlange import antrag, antrag_stellen

ANNA = "123A456789"


@pytest.fixture
def vorgang(annas_antrag) -> str:
    """Anna Schmidt's request from the customer chat (889,10 € on 2026-11-18)."""
    return annas_antrag("miete", "<b>Miete</b> fällig")


def _zahlungen(engine) -> list:
    return [z for z in ledger.zahlungen(engine, kundennummer=ANNA)
            if z.monat == "2026-11" and z.angewiesen_von is not None]


def test_socl_sieht_den_antrag_maskiert_und_escaped(client, anmelden, vorgang):
    anmelden("socl-demo")
    seite = client.get("/warteschlange")
    assert seite.status == 200
    assert vorgang in seite.text and "889,10 €" in seite.text
    assert "17 Tage × 52,30 € − 0,00 € = 889,10 €" in seite.text
    assert "DE89 **** **** **** **30 00" in seite.text
    assert ANNA not in seite.text and "DE89370400440532013000" not in seite.text
    assert "&lt;b&gt;Miete&lt;/b&gt;" in seite.text and "<b>Miete</b>" not in seite.text


@pytest.mark.parametrize("login,status", [("sc-demo", 403), ("trainer-demo", 403),
                                          ("admin-demo", 200)])
def test_wer_die_warteschlange_sieht(client, anmelden, vorgang, login, status):
    anmelden(login)
    assert client.get("/warteschlange").status == status


def test_admin_darf_nicht_entscheiden(client, anmelden, vorgang, engine):
    sitzung = anmelden("admin-demo")
    assert client.get(f"/warteschlange/{vorgang}/genehmigen").status == 403
    antwort = client.formular(f"/warteschlange/{vorgang}/genehmigen", {"csrf": sitzung.csrf})
    assert antwort.status == 403
    assert _zahlungen(engine) == []


KONTO = "DE89 **** **** **** **30 00"


def _genehmigen(client, vorgang: str, csrf: str, **felder: str):
    return client.formular(f"/warteschlange/{vorgang}/genehmigen",
                           {"csrf": csrf, "betrag_cent": "88910", "konto": KONTO, **felder})


def test_genehmigen_ueber_bestaetigung_genau_einmal(client, anmelden, vorgang, engine):
    sitzung = anmelden("socl-demo")
    bestaetigung = client.get(f"/warteschlange/{vorgang}/genehmigen")
    assert bestaetigung.status == 200
    assert "889,10 € jetzt überweisen" in bestaetigung.text
    assert KONTO in bestaetigung.text
    assert 'name="betrag_cent" value="88910"' in bestaetigung.text
    assert _zahlungen(engine) == []  # showing the confirmation transfers nothing

    ohne_csrf = client.formular(f"/warteschlange/{vorgang}/genehmigen",
                                {"betrag_cent": "88910", "konto": KONTO})
    assert ohne_csrf.status == 403 and _zahlungen(engine) == []

    antwort = _genehmigen(client, vorgang, sitzung.csrf)
    assert antwort.status == 303  # post/redirect/get: a reload does not post again
    assert antwort.headers["location"] == f"/warteschlange?erledigt={vorgang}"
    (zahlung,) = _zahlungen(engine)
    assert zahlung.betrag == Decimal("889.10") and zahlung.angewiesen_von == "socl-demo"
    seite = client.get(antwort.headers["location"])
    assert f"Antrag {vorgang} genehmigt" in seite.text
    assert zahlung.bestaetigungsnummer in seite.text and KONTO in seite.text

    nochmal = _genehmigen(client, vorgang, sitzung.csrf)
    assert nochmal.status == 409 and "nichts erneut überwiesen" in nochmal.text
    assert len(_zahlungen(engine)) == 1
    assert "bereits entschieden" in client.get(f"/warteschlange/{vorgang}/genehmigen").text


@pytest.mark.parametrize("felder", [{"betrag_cent": "99999"}, {"betrag_cent": ""},
                                    {"konto": "DE11 **** **** **** **99 99"}, {"konto": ""}])
def test_nur_der_bestaetigte_betrag_auf_das_bestaetigte_konto(client, anmelden, vorgang,
                                                               engine, felder):
    sitzung = anmelden("socl-demo")
    antwort = _genehmigen(client, vorgang, sitzung.csrf, **felder)
    assert antwort.status == 409
    assert "haben sich seit der Bestätigung geändert" in antwort.text
    assert "jetzt 889,10 € auf DE89 **** **** **** **30 00" in antwort.text
    assert _zahlungen(engine) == [] and antrag(engine, vorgang).status == "offen"


def test_ablehnen_braucht_einen_grund(client, anmelden, vorgang, engine):
    sitzung = anmelden("socl-demo")
    pfad = f"/warteschlange/{vorgang}/ablehnen"
    leer = client.formular(pfad, {"csrf": sitzung.csrf, "grund": "   "})
    assert leer.status == 400 and "Grund" in leer.text
    zu_lang = client.formular(pfad, {"csrf": sitzung.csrf, "grund": "x" * 501})
    assert zu_lang.status == 400 and "zu lang" in zu_lang.text
    assert antrag(engine, vorgang).status == "offen"

    antwort = client.formular(pfad, {"csrf": sitzung.csrf, "grund": "keine Härte erkennbar"})
    assert antwort.status == 303
    assert f"Antrag {vorgang} abgelehnt" in client.get(antwort.headers["location"]).text
    a = antrag(engine, vorgang)
    assert (a.status, a.ablehnungsgrund, a.entschieden_von) == (
        "abgelehnt", "keine Härte erkennbar", "socl-demo")
    assert _zahlungen(engine) == []
    # a rejected request cannot be approved afterwards
    spaeter = _genehmigen(client, vorgang, sitzung.csrf)
    assert spaeter.status == 409 and _zahlungen(engine) == []


def test_haertetext_nur_fuer_die_socl(client, anmelden, vorgang):
    anmelden("admin-demo")
    seite = client.get("/warteschlange").text
    assert vorgang in seite and "Miete fällig, Kündigung droht" in seite
    assert "Miete</b> fällig" not in seite and "&lt;b&gt;" not in seite
    anmelden("socl-demo")
    assert "&lt;b&gt;Miete&lt;/b&gt; fällig" in client.get("/warteschlange").text


def test_schutzkennzeichen_m_zeigt_keine_daten(client, anmelden, engine, stichtag):
    a = antrag_stellen(engine, kundennummer="456D789012", betrag=Decimal("100.00"),
                       berechnung={"moeglich": True, "betrag": "100.00",
                                   "berechnung_text": "2 Tage × 48,00 €"},
                       haertegrund="miete", haertegrund_text="Thomas braucht Geld",
                       conversation_id="web-skm", idempotenz_schluessel="web-skm")
    anmelden("socl-demo")
    seite = client.get("/warteschlange").text
    assert a.vorgangsnummer in seite and "Schutzkennzeichen M" in seite
    for persoenlich in ("100,00", "48,00", "Thomas", "456D", "DE94", "3344"):
        assert persoenlich not in seite, persoenlich


def test_unbekannter_vorgang(client, anmelden):
    sitzung = anmelden("socl-demo")
    assert client.get("/warteschlange/VG-2026-999999/genehmigen").status == 404
    antwort = client.formular("/warteschlange/VG-2026-999999/genehmigen",
                              {"csrf": sitzung.csrf})
    assert antwort.status == 404
