"""IPSC pages through the Sanic app: listing, filters, detail, errors, headers.

Every test here runs signed in as ``sc-demo`` (the pages need a session; the sign-in itself
is tested in ``test_web_anmeldung.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from itertools import pairwise

import pytest
from sqlalchemy import update

from leitfaden.store.db import session_scope
from leitfaden.store.models import Unterstuetzungsangebot

NUERNBERG = {"nuernberg-mitte-registrierung", "nuernberg-mitte-gebaerdensprache",
             "nuernberg-mitte-vero", "nuernberg-langwasser-selbstinfo"}


@pytest.fixture(autouse=True)
def _angemeldet(anmelden) -> None:
    anmelden("sc-demo")


class Seite(HTMLParser):
    """Collects what the tests look at: rows, labels, form fields, headings, status."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.zeilen: list[str] = []
        self.labels: set[str] = set()
        self.felder: list[dict[str, str]] = []
        self.ueberschriften: list[int] = []
        self.html_lang: str | None = None
        self._status = False
        self.status: str = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag == "tr" and "data-angebot" in a:
            self.zeilen.append(a["data-angebot"])
        if tag == "label":
            self.labels.add(a.get("for", ""))
        if tag in ("input", "select", "textarea"):
            self.felder.append(a)
        if re.fullmatch(r"h[1-6]", tag):
            self.ueberschriften.append(int(tag[1]))
        if a.get("role") == "status":
            self._status = True

    def handle_endtag(self, tag) -> None:
        if tag == "p":
            self._status = False

    def handle_data(self, data) -> None:
        if self._status:
            self.status += data.strip()


def test_start_leitet_zur_startseite_der_rolle(client, anmelden):
    antwort = client.get("/")
    assert antwort.status == 303
    assert antwort.headers["location"] == "/konsole"  # sc-demo
    anmelden("admin-demo")
    assert client.get("/").headers["location"] == "/verwaltung/konten"
    client.cookies.clear()
    assert client.get("/").headers["location"] == "/anmelden"


def test_liste_zeigt_heute_gueltige_angebote(client, repo, stichtag):
    antwort = client.get("/ipsc/angebote")
    assert antwort.status == 200
    assert antwort.headers["content-type"].startswith("text/html")
    seite = Seite(antwort.text)
    erwartet = {a.id for d in repo.dienststellen() for a in repo.angebote(d.id, stichtag)}
    assert set(seite.zeilen) == erwartet
    assert seite.status == f"{len(erwartet)} Angebote"
    assert "nuernberg-langwasser-digitalkurs-2026" not in seite.zeilen  # ended 31.10.2026
    assert "muenchen-zentrum-digitalkurs-2027" not in seite.zeilen  # starts 2027
    assert 'value="2026-11-18"' in antwort.text  # date field defaults to today


def test_liste_ist_zugaenglich(client):
    text = client.get("/ipsc/angebote").text
    seite = Seite(text)
    assert seite.html_lang == "de"
    assert "<main" in text and "<nav" in text and "<header" in text
    assert 'class="skip-link" href="#inhalt"' in text
    assert re.search(r"<title>[^<]*Unterstützungsangebote[^<]*</title>", text)
    sichtbare = [f for f in seite.felder if f.get("type") != "hidden"]
    assert {f["id"] for f in sichtbare} <= seite.labels, "jedes Feld braucht ein Label"
    assert {f["name"] for f in sichtbare} >= {"agentur", "dienststelle", "art", "plz",
                                               "gueltig_am"}
    assert seite.ueberschriften[0] == 1
    assert all(b - a <= 1 for a, b in pairwise(seite.ueberschriften))
    assert "<script" not in text and "style=" not in text
    assert ">Filtern</button>" in text and 'href="/ipsc/angebote">Filter zurücksetzen' in text
    assert "Gebärdensprachdolmetschen" in text  # German label of the kind


def test_sicherheitsheader_auf_jeder_antwort(client):
    for pfad in ("/ipsc/angebote", "/ipsc/angebote/gibt-es-nicht", "/static/ipsc.css",
                 "/healthz", "/api/angebote"):
        kopf = client.get(pfad).headers
        assert "default-src 'self'" in kopf["content-security-policy"], pfad
        assert "'unsafe-inline'" not in kopf["content-security-policy"]
        assert kopf["x-content-type-options"] == "nosniff"
        assert kopf["referrer-policy"] == "no-referrer"
        assert kopf["x-frame-options"] == "DENY"
    assert client.get("/ipsc/angebote").headers["cache-control"] == "no-store"


def test_filter_agentur_und_art(client):
    seite = Seite(client.get("/ipsc/angebote", params={
        "agentur": "nuernberg", "art": "gebaerdensprache"}).text)
    assert seite.zeilen == ["nuernberg-mitte-gebaerdensprache"]
    assert seite.status == "1 Angebot"
    alle = Seite(client.get("/ipsc/angebote", params={"agentur": "nuernberg"}).text)
    assert set(alle.zeilen) == NUERNBERG


def test_filter_dienststelle(client):
    seite = Seite(client.get("/ipsc/angebote", params={"dienststelle": "hamburg-mitte"}).text)
    assert set(seite.zeilen) == {"hamburg-mitte-registrierung", "hamburg-mitte-barrierefrei",
                                 "hamburg-mitte-videoberatung"}


def test_filter_plz_und_ort(client):
    plz = Seite(client.get("/ipsc/angebote", params={"plz": "90402"}).text)
    assert set(plz.zeilen) == {z for z in NUERNBERG if z.startswith("nuernberg-mitte")}
    ort = Seite(client.get("/ipsc/angebote", params={"plz": "Nuernberg"}).text)
    assert set(ort.zeilen) == NUERNBERG
    koeln = Seite(client.get("/ipsc/angebote", params={"plz": "koln"}).text)
    assert koeln.zeilen and all(z.startswith("koeln-") for z in koeln.zeilen)


def test_unbekannte_plz_ist_ein_hinweis_kein_fehler(client):
    antwort = client.get("/ipsc/angebote", params={"plz": "99999"})
    assert antwort.status == 200
    assert "Für „99999“ ist keine Dienststelle hinterlegt" in antwort.text
    assert Seite(antwort.text).status == "0 Angebote"
    ort = client.get("/ipsc/angebote", params={"plz": "Atlantis"})
    assert ort.status == 200 and "Für „Atlantis“ ist keine Dienststelle" in ort.text


def test_gueltig_am(client):
    vorher = Seite(client.get("/ipsc/angebote", params={"gueltig_am": "2026-03-01"}).text)
    assert vorher.zeilen == [] and vorher.status == "0 Angebote"
    # before the directive only the spring course ran
    assert Seite(client.get("/ipsc/angebote", params={"gueltig_am": "2026-07-19"}).text
                 ).zeilen == ["nuernberg-langwasser-digitalkurs-2026"]
    deutsch = Seite(client.get("/ipsc/angebote", params={"gueltig_am": "15.01.2027",
                                                         "agentur": "muenchen"}).text)
    assert "muenchen-zentrum-digitalkurs-2027" in deutsch.zeilen
    alle = client.get("/ipsc/angebote", params={"gueltig_am": "", "agentur": "nuernberg"})
    assert "nuernberg-langwasser-digitalkurs-2026" in Seite(alle.text).zeilen
    assert "aller Zeiträume" in alle.text


def test_ungueltige_eingaben_400_mit_feldname(client):
    datum = client.get("/ipsc/angebote", params={"gueltig_am": "31.02.2026"})
    assert datum.status == 400
    assert "gültig am" in datum.text and 'aria-invalid="true"' in datum.text
    assert Seite(datum.text).zeilen == []
    for parameter, feld in (("art", "Angebotsart"), ("agentur", "Agentur"),
                            ("dienststelle", "Dienststelle")):
        antwort = client.get("/ipsc/angebote", params={parameter: "quatsch"})
        assert antwort.status == 400, parameter
        assert f"{feld}</a>: Die {feld} „quatsch“ ist nicht bekannt." in antwort.text
    lang = client.get("/ipsc/angebote", params={"plz": "x" * 500})
    assert lang.status == 400 and "zu lang" in lang.text


def test_eingaben_werden_escaped(client):
    antwort = client.get("/ipsc/angebote", params={"plz": "<script>alert(1)</script>"})
    assert antwort.status == 200
    assert "<script>alert(1)" not in antwort.text
    assert "&lt;script&gt;alert(1)" in antwort.text


def test_detail_zeigt_alle_felder(client):
    antwort = client.get("/ipsc/angebote/nuernberg-mitte-gebaerdensprache")
    assert antwort.status == 200
    text = antwort.text
    for erwartet in (
        "<h1>Beratung mit Gebärdensprachdolmetschung</h1>", "Gebärdensprachdolmetschen",
        "Deutsche Gebärdensprache", "1. Obergeschoss, Raum 1.08", "dienstags 9:00-12:00 Uhr",
        "mindestens eine Woche vorher", "Induktive Höranlage",
        'href="mailto:nuernberg.gebaerdensprache@arbeitsagentur.example"',
        'href="tel:091152904000"', "Königstorgraben 11, 90402 Nürnberg",
        "ab 20.07.2026, unbefristet", "15.07.2026, 10:00 Uhr", "<li>90461</li>",
        "Aktuell gültig", "Änderungsverlauf",
    ):
        assert erwartet in text, erwartet
    assert re.search(r"<title>Beratung mit Gebärdensprachdolmetschung – IPSC</title>", text)


def test_detail_beendetes_angebot(client):
    text = client.get("/ipsc/angebote/nuernberg-langwasser-digitalkurs-2026").text
    assert "Beendet am 31.10.2026" in text
    assert "vom 02.03.2026 bis 31.10.2026" in text


def test_detail_unbekannt_404_deutsch(client):
    antwort = client.get("/ipsc/angebote/gibt-es-nicht")
    assert antwort.status == 404
    assert '<html lang="de">' in antwort.text and "Seite nicht gefunden" in antwort.text
    assert client.get("/irgendwas").status == 404


def test_aenderung_ist_sofort_sichtbar(client, engine):
    assert "Neuer Titel" not in client.get("/ipsc/angebote").text
    with session_scope(engine) as s:
        s.execute(update(Unterstuetzungsangebot)
                  .where(Unterstuetzungsangebot.id == "berlin-mitte-sprachmittlung")
                  .values(titel="Neuer Titel", geaendert_am=dt.datetime(2026, 11, 18, 9, 5)))
    text = client.get("/ipsc/angebote").text
    assert "Neuer Titel" in text and "18.11.2026, 10:05 Uhr" in text
    with session_scope(engine) as s:
        s.execute(update(Unterstuetzungsangebot)
                  .where(Unterstuetzungsangebot.id == "berlin-mitte-sprachmittlung")
                  .values(gueltig_bis=dt.date(2026, 11, 17)))
    assert "berlin-mitte-sprachmittlung" not in Seite(client.get("/ipsc/angebote").text).zeilen


def test_css_und_healthz(client):
    css = client.get("/static/ipsc.css")
    assert css.status == 200 and css.headers["content-type"].startswith("text/css")
    assert ":focus" in css.text
    assert client.get("/healthz").json() == {"status": "ok"}


def test_post_auf_seite_405(client):
    antwort = client.post("/ipsc/angebote")
    assert antwort.status == 405 and "nicht erlaubt" in antwort.text


def test_steuerzeichen_nie_500(client):
    assert client.get("/ipsc/angebote/nuernberg%00mitte").status == 404
    for parameter in ("agentur", "dienststelle", "art"):
        assert client.get(f"/ipsc/angebote?{parameter}=a%00b").status == 400
    assert client.get("/ipsc/angebote?plz=%00").status == 200
    assert client.get("/ipsc/angebote?text=%00").status == 200
