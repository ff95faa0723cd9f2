"""Webauftrag over HTTP: token, status codes, error list, history, effect on the pages."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from sqlalchemy import func, select

from leitfaden.settings import PROJECT_ROOT
from leitfaden.store.db import session_scope
from leitfaden.store.models import Unterstuetzungsangebot, Webauftrag
from leitfaden.webauftrag.eingang import token_erzeugen

NEU_UND_ENDE = """\
webauftrag: WA-NBG-2026-0100
agentur: nuernberg
absender: Eingangszone Nürnberg Mitte (Frau Muster)
angebote:
  - aktion: neu
    id: nuernberg-mitte-digitalkurs-winter
    dienststelle: nuernberg-mitte
    art: digitalkurs
    titel: Digitalkurs „Sicher online“ im Winter
    beschreibung: In zwei Stunden lernen Sie die eServices kennen.
    ort_raum: Schulungsraum 1.12, 1. Obergeschoss
    zeiten:
      - {tage: [Di, Do], von: "10:00", bis: "12:00"}
    termin_erforderlich: true
    buchung: Anmeldung telefonisch unter 0911 5290-4130.
    sprachen: [Deutsch, Englisch]
    kontakt: {telefon: "0911 5290-4130", email: kurs.nuernberg@arbeitsagentur.example}
    gueltig_ab: 2026-11-18
  - aktion: beenden
    id: nuernberg-mitte-registrierung
    gueltig_bis: 2026-11-30
"""


@pytest.fixture
def token(engine) -> str:
    return token_erzeugen(engine, "nuernberg", "Test")


@pytest.fixture(autouse=True)
def _angemeldet(anmelden) -> None:
    """The IPSC pages need a session (the Webauftrag API only the Agentur's token)."""
    anmelden("sc-demo")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"}


def _anzahl_auftraege(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(Webauftrag))


def verlauf_html(seite: str) -> str:
    """The history section of a detail page (not the footer, which shows today's date)."""
    treffer = re.search(r'<section aria-labelledby="verlauf-titel">.*?</section>', seite,
                        re.DOTALL)
    assert treffer, "kein Änderungsverlauf"
    return treffer.group(0)


@pytest.mark.parametrize("kopf", [{}, {"Authorization": "Bearer falsch"},
                                  {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}])
def test_ohne_gueltigen_token_401_und_nichts_passiert(client, engine, kopf):
    antwort = client.post("/api/webauftraege", headers=kopf, body=NEU_UND_ENDE)
    assert antwort.status == 401
    assert "Token" in antwort.json()["fehler"]
    assert antwort.headers["www-authenticate"].startswith("Bearer")
    assert _anzahl_auftraege(engine) == 0
    with session_scope(engine) as s:
        assert s.get(Unterstuetzungsangebot, "nuernberg-mitte-digitalkurs-winter") is None
    assert client.get("/api/webauftraege", headers=kopf).status == 401


def test_anwenden_201_wiederholen_200_konflikt_409(client, engine, token):
    antwort = client.post("/api/webauftraege", headers=bearer(token), body=NEU_UND_ENDE)
    assert antwort.status == 201, antwort.text
    ergebnis = antwort.json()
    assert ergebnis["status"] == "angewendet"
    assert ergebnis["webauftrag"] == "WA-NBG-2026-0100" and ergebnis["agentur"] == "nuernberg"
    assert {(a["angebot_id"], a["aktion"]) for a in ergebnis["aenderungen"]} == {
        ("nuernberg-mitte-digitalkurs-winter", "neu"), ("nuernberg-mitte-registrierung",
                                                         "beenden")}
    nochmal = client.post("/api/webauftraege", headers=bearer(token), body=NEU_UND_ENDE)
    assert nochmal.status == 200 and nochmal.json()["status"] == "bereits_angewendet"
    anders = NEU_UND_ENDE.replace("2026-11-30", "2026-12-15")
    konflikt = client.post("/api/webauftraege", headers=bearer(token), body=anders)
    assert konflikt.status == 409 and "WA-NBG-2026-0100" in konflikt.json()["fehler"]
    assert _anzahl_auftraege(engine) == 1


def test_json_dokument(client, token):
    dokument = yaml.safe_load(NEU_UND_ENDE)
    dokument["angebote"][0]["gueltig_ab"] = "2026-11-18"
    dokument["angebote"][1]["gueltig_bis"] = "2026-11-30"
    antwort = client.post("/api/webauftraege", body=json.dumps(dokument),
                          headers={**bearer(token), "Content-Type": "application/json"})
    assert antwort.status == 201, antwort.text


def test_ungueltig_422_mit_allen_fehlern(client, engine, token):
    kaputt = (NEU_UND_ENDE.replace("dienststelle: nuernberg-mitte", "dienststelle: nirgendwo")
              .replace('bis: "12:00"', 'bis: "09:00"'))
    antwort = client.post("/api/webauftraege", headers=bearer(token), body=kaputt)
    assert antwort.status == 422
    fehler = antwort.json()["fehler"]
    assert {"dokument", "zeile", "eintrag", "feld", "meldung"} == set(fehler[0])
    felder = {f["feld"] for f in fehler}
    assert "dienststelle" in felder and any(f.startswith("zeiten") for f in felder)
    assert all(f["dokument"] == "HTTP-Anfrage" for f in fehler)
    assert all(isinstance(f["zeile"], int) for f in fehler)
    assert _anzahl_auftraege(engine) == 0
    syntax = client.post("/api/webauftraege", headers=bearer(token), body="webauftrag: [")
    assert syntax.status == 422
    leer = client.post("/api/webauftraege", headers=bearer(token), body="")
    assert leer.status == 422
    latin1 = client.post("/api/webauftraege", headers=bearer(token),
                         body=NEU_UND_ENDE.encode("latin-1", errors="replace").replace(
                             b"?", b"\xfc"))
    assert latin1.status == 422 and "UTF-8" in latin1.json()["fehler"][0]["meldung"]


def test_fremde_agentur_403(client, engine):
    berlin = token_erzeugen(engine, "berlin")
    antwort = client.post("/api/webauftraege", headers=bearer(berlin), body=NEU_UND_ENDE)
    assert antwort.status == 403
    assert "nuernberg" in antwort.json()["fehler"] and "berlin" in antwort.json()["fehler"]
    assert _anzahl_auftraege(engine) == 0


@pytest.mark.parametrize("pfad", ["/api/webauftraege", "/api/webauftraege/pruefen"])
def test_fremde_agentur_mit_weiteren_fehlern_nur_403(client, engine, pfad):
    """No store check against the named Agentur: its Dienststellen and ids stay hidden."""
    berlin = token_erzeugen(engine, "berlin")
    kaputt = (NEU_UND_ENDE.replace("art: digitalkurs", "art: tanzkurs")
              .replace("dienststelle: nuernberg-mitte", "dienststelle: nuernberg-mite")
              .replace("id: nuernberg-mitte-registrierung", "id: nuernberg-mitte-registrierng"))
    antwort = client.post(pfad, headers=bearer(berlin), body=kaputt)
    assert antwort.status == 403
    assert antwort.json() == {"fehler": (
        "Dieser Webauftrag ist für die Agentur 'nuernberg', Ihr Zugang gilt aber für die "
        "Agentur 'berlin'. Sie können nur Angebote Ihrer eigenen Agentur melden.")}
    assert "langwasser" not in antwort.text and "Meinten" not in antwort.text
    assert _anzahl_auftraege(engine) == 0


def test_zu_gross_413(client, engine, token):
    riesig = NEU_UND_ENDE + "#" + "x" * (256 * 1024)
    antwort = client.post("/api/webauftraege", headers=bearer(token), body=riesig)
    assert antwort.status == 413 and "zu groß" in antwort.json()["fehler"]
    assert _anzahl_auftraege(engine) == 0


def test_pruefen_schreibt_nichts(client, engine, token):
    antwort = client.post("/api/webauftraege/pruefen", headers=bearer(token), body=NEU_UND_ENDE)
    assert antwort.status == 200 and antwort.json()["status"] == "geprueft"
    assert _anzahl_auftraege(engine) == 0


def test_verlauf_der_eigenen_agentur(client, engine, token):
    assert client.get("/api/webauftraege", headers=bearer(token)).json() == []
    client.post("/api/webauftraege", headers=bearer(token), body=NEU_UND_ENDE)
    zweiter = NEU_UND_ENDE.replace("WA-NBG-2026-0100", "WA-NBG-2026-0101").replace(
        "2026-11-30", "2026-11-25").replace("aktion: neu", "aktion: aendern").replace(
        "Digitalkurs „Sicher online“ im Winter", "Digitalkurs „Sicher online“")
    assert client.post("/api/webauftraege", headers=bearer(token), body=zweiter).status == 201
    verlauf = client.get("/api/webauftraege", headers=bearer(token)).json()
    assert [v["webauftrag"] for v in verlauf] == ["WA-NBG-2026-0101", "WA-NBG-2026-0100"]
    assert verlauf[0]["kanal"] == "http"
    berlin = token_erzeugen(engine, "berlin")
    assert client.get("/api/webauftraege", headers=bearer(berlin)).json() == []
    assert client.get("/api/webauftraege?limit=0", headers=bearer(token)).status == 400
    assert len(client.get("/api/webauftraege?limit=1", headers=bearer(token)).json()) == 1


@pytest.mark.parametrize("limit", ["²", "١", "0", "-1", "1001", "1e3", "abc", " 5",
                                   "9" * 5000])
def test_verlauf_limit_ungueltig_400(client, token, limit):
    antwort = client.get("/api/webauftraege", params={"limit": limit}, headers=bearer(token))
    assert antwort.status == 400, antwort.text
    assert antwort.json() == {"fehler": "Der Parameter 'limit' muss eine ganze Zahl von 1 bis "
                                        "1000 sein (Ziffern 0-9)."}


def test_aenderung_sofort_in_liste_und_detail(client, token):
    assert client.post("/api/webauftraege", headers=bearer(token),
                       body=NEU_UND_ENDE).status == 201
    liste = client.get("/ipsc/angebote", params={"agentur": "nuernberg"}).text
    assert "Digitalkurs „Sicher online“ im Winter" in liste
    assert "nuernberg-mitte-registrierung" in liste  # still valid today (ends 30.11.)
    spaeter = client.get("/ipsc/angebote", params={"agentur": "nuernberg",
                                                   "gueltig_am": "2026-12-01"}).text
    assert 'data-angebot="nuernberg-mitte-registrierung"' not in spaeter
    assert 'data-angebot="nuernberg-mitte-digitalkurs-winter"' in spaeter
    detail = client.get("/ipsc/angebote/nuernberg-mitte-registrierung").text
    assert "WA-NBG-2026-0100" in detail and "Eingangszone Nürnberg Mitte (Frau Muster)" in detail
    assert "Beendet" in detail and "30.11.2026" in detail
    assert "vom 20.07.2026 bis 30.11.2026" in detail
    neu = client.get("/ipsc/angebote/nuernberg-mitte-digitalkurs-winter").text
    assert "Neu gemeldet" in neu and "HTTP-Schnittstelle" in neu
    assert "Angebotsart</span>: <ins>Kurs zu den digitalen Angeboten</ins>" in neu
    assert re.search(r">18\.11\.2026, \d\d:\d\d Uhr</time>", verlauf_html(neu))


def test_beispieldokument_per_http(client, engine):
    beispiel = PROJECT_ROOT / "guidelines" / "webauftrag-beispiel.yml"
    if not beispiel.exists():
        pytest.skip(f"{beispiel} fehlt")
    text = beispiel.read_text(encoding="utf-8")
    agentur = yaml.safe_load(text)["agentur"]
    token = token_erzeugen(engine, agentur)
    antwort = client.post("/api/webauftraege", headers=bearer(token), body=text)
    assert antwort.status == 201, antwort.text
    for aenderung in antwort.json()["aenderungen"]:
        assert client.get(f"/ipsc/angebote/{aenderung['angebot_id']}").status == 200


SKRIPT = "<script>alert(1)</script>"
SKRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_gespeicherte_texte_werden_escaped(client, token):
    """Text from a Webauftrag is shown as text everywhere, never as markup."""
    boese = (NEU_UND_ENDE
             .replace("absender: Eingangszone Nürnberg Mitte (Frau Muster)",
                      f'absender: "{SKRIPT}"')
             .replace("titel: Digitalkurs „Sicher online“ im Winter", f'titel: "{SKRIPT}"')
             .replace("beschreibung: In zwei Stunden lernen Sie die eServices kennen.",
                      f'beschreibung: "Kurs {SKRIPT}"'))
    antwort = client.post("/api/webauftraege", headers=bearer(token), body=boese)
    assert antwort.status == 201, antwort.text
    liste = client.get("/ipsc/angebote", params={"text": "alert"}).text
    detail = client.get("/ipsc/angebote/nuernberg-mitte-digitalkurs-winter").text
    verlauf = verlauf_html(detail)
    beendet = verlauf_html(client.get("/ipsc/angebote/nuernberg-mitte-registrierung").text)
    for name, seite in (("Liste", liste), ("Detail", detail), ("Verlauf", verlauf),
                        ("Verlauf beendet", beendet)):
        assert "<script" not in seite, name
        assert SKRIPT_ESCAPED in seite, name
    assert f"<th scope=\"row\">WA-NBG-2026-0100</th>\n              <td>{SKRIPT_ESCAPED}" in verlauf
    assert f"<ins>{SKRIPT_ESCAPED}</ins>" in verlauf  # titel in the changed fields
    assert f"<ins>Kurs {SKRIPT_ESCAPED}</ins>" in verlauf  # beschreibung
    assert f'<dd id="feld-beschreibung">Kurs {SKRIPT_ESCAPED}</dd>' in detail
    assert f"<title>{SKRIPT_ESCAPED} – IPSC</title>" in detail
    assert SKRIPT_ESCAPED in beendet  # the absender in the ended offer's history


def _sicherheitsheader(antwort, json_erwartet: bool) -> None:
    kopf = antwort.headers
    assert "default-src 'self'" in kopf["content-security-policy"]
    assert kopf["x-content-type-options"] == "nosniff"
    assert kopf["referrer-policy"] == "no-referrer"
    assert kopf["x-frame-options"] == "DENY"
    assert kopf["cache-control"] == "no-store"
    art = "application/json" if json_erwartet else "text/html"
    assert kopf["content-type"].startswith(art), kopf["content-type"]


def test_header_bei_405(client, token):
    seite = client.post("/ipsc/angebote")
    assert seite.status == 405 and "nicht erlaubt" in seite.text
    _sicherheitsheader(seite, json_erwartet=False)
    api = client.get("/api/webauftraege/pruefen", headers=bearer(token))
    assert api.status == 405
    assert api.json() == {"fehler": "Die Methode GET ist für diese Adresse nicht erlaubt."}
    _sicherheitsheader(api, json_erwartet=True)


def test_header_bei_413(client, engine, token):
    riesig = NEU_UND_ENDE + "#" + "x" * (256 * 1024)
    antwort = client.post("/api/webauftraege", headers=bearer(token), body=riesig)
    assert antwort.status == 413 and "256 KiB" in antwort.json()["fehler"]
    _sicherheitsheader(antwort, json_erwartet=True)
    assert _anzahl_auftraege(engine) == 0


def test_header_bei_api_404(client):
    for pfad in ("/api/gibt-es-nicht", "/api/angebote/gibt-es-nicht"):
        antwort = client.get(pfad)
        assert antwort.status == 404 and "fehler" in antwort.json(), pfad
        _sicherheitsheader(antwort, json_erwartet=True)


# --- withdrawn offers --------------------------------------------------------------------------

KURS_2027 = "muenchen-zentrum-digitalkurs-2027"  # demo offer valid from 2027-01-01
RUECKZUG = f"""\
webauftrag: WA-M-2026-0001
agentur: muenchen
absender: Servicezentrum München
angebote:
  - aktion: beenden
    id: {KURS_2027}
"""


def test_zurueckgezogenes_angebot(client, engine):
    muenchen = token_erzeugen(engine, "muenchen")
    antwort = client.post("/api/webauftraege", headers=bearer(muenchen), body=RUECKZUG)
    assert antwort.status == 201, antwort.text
    (aenderung,) = antwort.json()["aenderungen"]
    assert list(aenderung["felder"]) == ["zurueckgezogen_am"]

    for gueltig_am in ("2026-11-18", "2027-01-01", "2027-06-30", ""):
        params = {"agentur": "muenchen", "gueltig_am": gueltig_am}
        assert f'data-angebot="{KURS_2027}"' not in client.get(
            "/ipsc/angebote", params=params).text, gueltig_am
        assert KURS_2027 not in {a["id"] for a in client.get(
            "/api/angebote", params=params).json()}, gueltig_am

    detail = client.get(f"/ipsc/angebote/{KURS_2027}")
    assert detail.status == 200
    zustand = re.search(r'<p class="zustand zustand-zurueckgezogen" id="zustand">(.*?)</p>',
                        detail.text)
    assert zustand and re.fullmatch(r"Zurückgezogen am 18\.11\.2026, \d\d:\d\d Uhr – das "
                                    r"Angebot gilt nicht", zustand.group(1)), detail.text
    verlauf = verlauf_html(detail.text)
    assert "WA-M-2026-0001" in verlauf and "Beendet" in verlauf
    assert re.search(r'zurückgezogen am</span>: <ins>18\.11\.2026, \d\d:\d\d Uhr</ins>',
                     verlauf), verlauf
    api = client.get(f"/api/angebote/{KURS_2027}").json()
    assert api["zurueckgezogen_am"].startswith("2026-11-18T")
    assert api["gueltig_ab"] == "2027-01-01" and api["gueltig_bis"] is None
