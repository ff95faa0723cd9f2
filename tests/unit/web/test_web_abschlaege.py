"""The SOC-L queue over HTTP: employee tokens, status codes, exactly once, SEPA file."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from leitfaden.abschlag.ledger import Ueberweisung, abschlag_ueberweisen
from leitfaden.abschlag.warteschlange import antrag
from leitfaden.mitarbeiter import token_erzeugen, token_widerrufen
from leitfaden.store.db import session_scope
from leitfaden.store.models import Mitarbeiter, Zahlung

ANTRAEGE = "/api/abschlaege/antraege"
ANNA = "123A456789"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


@pytest.fixture
def tokens(engine) -> dict[str, str]:
    """A token per demo employee (created through the employees' core API)."""
    return {rolle: token_erzeugen(engine, f"{rolle}-demo", "Test")
            for rolle in ("socl", "sc", "trainer", "admin")}


@pytest.fixture
def vorgang(annas_antrag) -> str:
    """Anna Schmidt's request from the customer chat (889,10 € on 2026-11-18)."""
    return annas_antrag("energie", "Sperrandrohung des Stromversorgers")


def ueberweisen(engine) -> Ueberweisung:
    """Anna Schmidt's Abschlag, transferred on the phone (agent channel)."""
    return abschlag_ueberweisen(
        engine, kundennummer=ANNA, betrag=Decimal("889.10"), iban="DE89370400440532013000",
        zeitraum_von=dt.date(2026, 11, 1), zeitraum_bis=dt.date(2026, 11, 17),
        haertegrund="miete", haertegrund_text=None, mitarbeiter_login="socl-demo",
        idempotenz_schluessel="telefon-1", grund_text="Abschlag am Telefon")


def _export_id(engine) -> int:
    with session_scope(engine) as s:
        return s.scalars(select(Zahlung.sepa_export_id).where(
            Zahlung.kundennummer == ANNA, Zahlung.art == "abschlag")).one()


def _anzahl_zahlungen(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(Zahlung)
                        .where(Zahlung.kundennummer == ANNA))


@pytest.mark.parametrize("kopf", [{}, {"Authorization": "Bearer falsch"},
                                  {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}])
def test_ohne_gueltigen_token_401(client, engine, vorgang, kopf):
    for methode, pfad in (("GET", ANTRAEGE), ("GET", f"{ANTRAEGE}/{vorgang}"),
                          ("POST", f"{ANTRAEGE}/{vorgang}/genehmigen"),
                          ("POST", f"{ANTRAEGE}/{vorgang}/ablehnen"),
                          ("GET", "/api/abschlaege/sepa")):
        antwort = client.request(methode, pfad, headers=kopf, body='{"grund": "x"}')
        assert antwort.status == 401, pfad
        assert "Token" in antwort.json()["fehler"]
        assert antwort.headers["www-authenticate"].startswith("Bearer")
    assert antrag(engine, vorgang).status == "offen"
    assert _anzahl_zahlungen(engine) == 0


def test_widerrufener_token_und_deaktiviertes_konto(client, engine, vorgang, tokens):
    token_widerrufen(engine, tokens["socl"])
    assert client.get(ANTRAEGE, headers=bearer(tokens["socl"])).status == 401
    neu = token_erzeugen(engine, "socl-demo")
    with session_scope(engine) as s:
        s.get(Mitarbeiter, "socl-demo").aktiv = False
    assert client.post(f"{ANTRAEGE}/{vorgang}/genehmigen", headers=bearer(neu)).status == 401
    assert _anzahl_zahlungen(engine) == 0


def test_warteschlange_lesen(client, vorgang, tokens):
    for rolle in ("socl", "admin"):
        antwort = client.get(ANTRAEGE, headers=bearer(tokens[rolle]))
        assert antwort.status == 200
        [eintrag] = antwort.json()
        assert eintrag["vorgangsnummer"] == vorgang and eintrag["betrag"] == "889.10"
        assert eintrag["status"] == "offen" and eintrag["berechnung"]["tage"] == 17
    for rolle in ("sc", "trainer"):
        antwort = client.get(ANTRAEGE, headers=bearer(tokens[rolle]))
        assert antwort.status == 403 and "SOC-L" in antwort.json()["fehler"]
    einzeln = client.get(f"{ANTRAEGE}/{vorgang}", headers=bearer(tokens["socl"]))
    assert einzeln.status == 200 and einzeln.json()["haertegrund"] == "energie"
    assert client.get(f"{ANTRAEGE}/VG-2026-999999", headers=bearer(tokens["socl"])).status \
        == 404


def test_genehmigen_einmal_dann_409(client, engine, vorgang, tokens):
    antwort = client.post(f"{ANTRAEGE}/{vorgang}/genehmigen", headers=bearer(tokens["socl"]))
    assert antwort.status == 200, antwort.text
    daten = antwort.json()
    ueberweisung = daten["ueberweisung"]
    assert ueberweisung["betrag"] == "889.10" and ueberweisung["betrag_text"] == "889,10 €"
    assert ueberweisung["bestaetigungsnummer"].startswith("AB-2026-")
    assert ueberweisung["iban_maskiert"] == "DE89 **** **** **** **30 00"
    assert ueberweisung["neu"] is True
    assert daten["antrag"]["status"] == "genehmigt"
    assert daten["antrag"]["entschieden_von"] == "socl-demo"
    assert client.get(ANTRAEGE, headers=bearer(tokens["socl"])).json() == []

    wieder = client.post(f"{ANTRAEGE}/{vorgang}/genehmigen", headers=bearer(tokens["socl"]))
    assert wieder.status == 409
    assert "bereits genehmigt" in wieder.json()["fehler"]
    assert wieder.json()["ueberweisung"]["bestaetigungsnummer"] == \
        ueberweisung["bestaetigungsnummer"]
    assert _anzahl_zahlungen(engine) == 1

    ablehnen = client.post(f"{ANTRAEGE}/{vorgang}/ablehnen", headers=bearer(tokens["socl"]),
                           body=json.dumps({"grund": "zu spät"}))
    assert ablehnen.status == 409 and "bereits" in ablehnen.json()["fehler"]


@pytest.mark.parametrize("rolle", ["sc", "trainer", "admin"])
def test_nur_soc_l_entscheidet(client, engine, vorgang, tokens, rolle):
    antwort = client.post(f"{ANTRAEGE}/{vorgang}/genehmigen", headers=bearer(tokens[rolle]))
    assert antwort.status == 403 and "SOC-L" in antwort.json()["fehler"]
    antwort = client.post(f"{ANTRAEGE}/{vorgang}/ablehnen", headers=bearer(tokens[rolle]),
                          body=json.dumps({"grund": "nein"}))
    assert antwort.status == 403
    assert antrag(engine, vorgang).status == "offen"
    assert _anzahl_zahlungen(engine) == 0


def test_unbekannter_vorgang_404(client, tokens, stichtag):
    for aktion in ("genehmigen", "ablehnen"):
        antwort = client.post(f"{ANTRAEGE}/VG-2026-999999/{aktion}",
                              headers=bearer(tokens["socl"]), body='{"grund": "x"}')
        assert antwort.status == 404 and "gibt es nicht" in antwort.json()["fehler"]


def test_ablehnen(client, engine, vorgang, tokens):
    kopf = bearer(tokens["socl"])
    for body in ("kein json", "[]", "{}", '{"grund": "  "}', '{"grund": 5}'):
        antwort = client.post(f"{ANTRAEGE}/{vorgang}/ablehnen", headers=kopf, body=body)
        assert antwort.status == 400, body
        assert "grund" in antwort.json()["fehler"]
    antwort = client.post(f"{ANTRAEGE}/{vorgang}/ablehnen", headers=kopf,
                          body=json.dumps({"grund": "Keine unbillige Härte"}))
    assert antwort.status == 200
    assert antwort.json()["antrag"]["status"] == "abgelehnt"
    assert antwort.json()["antrag"]["ablehnungsgrund"] == "Keine unbillige Härte"
    wieder = client.post(f"{ANTRAEGE}/{vorgang}/genehmigen", headers=kopf)
    assert wieder.status == 409 and wieder.json()["antrag"]["status"] == "abgelehnt"
    assert _anzahl_zahlungen(engine) == 0


def test_nicht_mehr_moeglich_409_mit_gruenden(client, engine, vorgang, tokens, monkeypatch):
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-11-27")
    antwort = client.post(f"{ANTRAEGE}/{vorgang}/genehmigen", headers=bearer(tokens["socl"]))
    assert antwort.status == 409
    daten = antwort.json()
    assert "nicht mehr genehmigt" in daten["fehler"]
    assert [g["code"] for g in daten["gruende"]] == ["zahltag_nah"]
    assert antrag(engine, vorgang).status == "offen"
    assert _anzahl_zahlungen(engine) == 0


def test_sepa_datei(client, engine, tokens, stichtag):
    u = ueberweisen(engine)
    assert client.get("/api/abschlaege/sepa", headers=bearer(tokens["sc"])).status == 403

    antwort = client.get("/api/abschlaege/sepa", headers=bearer(tokens["socl"]))
    assert antwort.status == 200
    assert antwort.headers["content-type"].startswith("application/xml")
    nummer = antwort.headers["x-sepa-export"]
    assert nummer in antwort.headers["content-disposition"]
    wurzel = ET.fromstring(antwort.body)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    assert [e.text for e in wurzel.iterfind(".//p:InstdAmt", ns)] == ["889.10"]
    assert [e.text for e in wurzel.iterfind(".//p:EndToEndId", ns)] == [u.bestaetigungsnummer]

    leer = client.get("/api/abschlaege/sepa", headers=bearer(tokens["admin"]))
    assert leer.status == 404 and "keine neuen" in leer.json()["fehler"]

    export_id = _export_id(engine)
    erneut = client.get(f"/api/abschlaege/sepa/{export_id}", headers=bearer(tokens["admin"]))
    assert erneut.status == 200 and erneut.body == antwort.body
    assert client.get("/api/abschlaege/sepa/999999",
                      headers=bearer(tokens["socl"])).status == 404


def test_betrag_ist_nie_float(client, vorgang, tokens):
    antwort = client.post(f"{ANTRAEGE}/{vorgang}/genehmigen", headers=bearer(tokens["socl"]))
    daten = json.loads(antwort.body, parse_float=lambda t: pytest.fail(f"float: {t}"))
    assert Decimal(daten["ueberweisung"]["betrag"]) == Decimal("889.10")
