"""Sign-in, sessions, roles, CSRF and the account administration through the Sanic app."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from leitfaden.anmeldung import FALSCH, sitzung_pruefen
from leitfaden.store.db import session_scope
from leitfaden.store.demo import DEMO_PASSWORT
from leitfaden.store.models import AuditEintrag, Mitarbeiter
from leitfaden.web.sitzung import COOKIE, MELDUNG_CSRF, weiter_pruefen


class Html(HTMLParser):
    """What the tests look at: fields, labels, nav links, alert and status texts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.felder: dict[str, dict[str, str]] = {}
        self.labels: dict[str, str] = {}
        self.nav: list[str] = []
        self.alarm = ""
        self.status = ""
        self._label: str | None = None
        self._in_nav = False
        self._sammeln: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("input", "select") and "name" in a:
            self.felder.setdefault(a.get("id") or a["name"], a)
        if tag == "label":
            self._label = a.get("for", "")
        if tag == "nav":
            self._in_nav = True
        if tag == "a" and self._in_nav:
            self.nav.append(a["href"])
        if a.get("role") == "alert":
            self._sammeln = "alarm"
        if a.get("role") == "status":
            self._sammeln = "status"

    def handle_endtag(self, tag) -> None:
        if tag == "nav":
            self._in_nav = False
        if tag == "label":
            self._label = None
        if tag == "p":
            self._sammeln = None

    def handle_data(self, data) -> None:
        if self._label is not None:
            self.labels[self._label] = self.labels.get(self._label, "") + data.strip()
        if self._sammeln == "alarm":
            self.alarm += data.strip()
        if self._sammeln == "status":
            self.status += data.strip()


def _ziel(antwort) -> tuple[str, dict[str, list[str]]]:
    teile = urlsplit(antwort.headers["location"])
    return teile.path, parse_qs(teile.query)


def _anmelden_per_formular(client, login: str, passwort: str = DEMO_PASSWORT, *,
                           headers: dict[str, str] | None = None, **mehr: str):
    return client.formular("/anmelden", {"anmeldename": login, "passwort": passwort, **mehr},
                           headers=headers or {})


def _audit(engine, aktion: str, objekt_id: str) -> list[AuditEintrag]:
    with session_scope(engine) as s:
        return list(s.scalars(select(AuditEintrag).where(
            AuditEintrag.aktion == aktion, AuditEintrag.objekt_id == objekt_id)))


# --- sign-in page ---------------------------------------------------------------------------


def test_anmeldeseite_ist_ein_zugaengliches_formular(client):
    antwort = client.get("/anmelden")
    assert antwort.status == 200
    html = Html(antwort.text)
    assert html.labels == {"anmeldename": "Anmeldename", "passwort": "Passwort"}
    assert html.felder["anmeldename"]["autocomplete"] == "username"
    assert html.felder["passwort"]["autocomplete"] == "current-password"
    assert html.felder["passwort"]["type"] == "password"
    assert html.alarm == "" and html.nav == []  # nobody signed in: no navigation
    assert "<script" not in antwort.text and "style=" not in antwort.text  # CSP
    assert 'action="/anmelden"' in antwort.text and 'method="post"' in antwort.text


def test_anmelden_setzt_sicheres_cookie(client, engine):
    antwort = _anmelden_per_formular(client, "sc-demo")
    assert antwort.status == 303
    assert antwort.headers["location"] == "/konsole"
    (kopf,) = [c for c in antwort.set_cookies if c.startswith(f"{COOKIE}=")]
    attribute = {teil.strip().lower() for teil in kopf.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/"} <= attribute
    assert "secure" not in attribute
    wert = kopf.split(";")[0].split("=", 1)[1]
    assert sitzung_pruefen(engine, wert).login == "sc-demo"
    assert client.get("/ipsc/angebote").status == 200  # the client sends it back


def test_cookie_secure_aus_der_umgebung(client, monkeypatch):
    monkeypatch.setenv("LEITFADEN_COOKIE_SECURE", "1")
    antwort = _anmelden_per_formular(client, "sc-demo")
    (kopf,) = [c for c in antwort.set_cookies if c.startswith(f"{COOKIE}=")]
    assert "secure" in {teil.strip().lower() for teil in kopf.split(";")[1:]}


@pytest.mark.parametrize(("login", "ziel"), [
    ("sc-demo", "/konsole"), ("socl-demo", "/konsole"), ("trainer-demo", "/konsole"),
    ("admin-demo", "/verwaltung/konten"),
])
def test_weiterleitung_nach_rolle(client, login, ziel):
    antwort = _anmelden_per_formular(client, login)
    assert (antwort.status, antwort.headers["location"]) == (303, ziel)
    assert client.get("/").headers["location"] == ziel


def test_weiter_zu_lokaler_seite(client):
    antwort = _anmelden_per_formular(client, "sc-demo", weiter="/ipsc/angebote?agentur=koeln")
    assert antwort.headers["location"] == "/ipsc/angebote?agentur=koeln"


@pytest.mark.parametrize("weiter", [
    "//evil.example", "//evil.example/ipsc/angebote", "/\\evil.example", "https://evil.example/",
    "javascript:alert(1)", "ipsc/angebote", "/ipsc/angebote\r\nSet-Cookie: x=1", "/anmelden",
    "",
])
def test_offene_weiterleitung_abgelehnt(client, weiter):
    assert weiter_pruefen(weiter) is None
    formular = client.get("/anmelden", params={"weiter": weiter})
    assert Html(formular.text).felder["weiter"]["value"] == ""
    antwort = _anmelden_per_formular(client, "sc-demo", weiter=weiter)
    assert antwort.status == 303 and antwort.headers["location"] == "/konsole"


def test_anmeldeseite_traegt_weiter_im_formular(client):
    formular = Html(client.get("/anmelden", params={"weiter": "/ipsc/angebote/x"}).text)
    assert formular.felder["weiter"]["value"] == "/ipsc/angebote/x"


def test_angemeldet_auf_der_anmeldeseite(client, anmelden):
    anmelden("admin-demo")
    antwort = client.get("/anmelden")
    assert (antwort.status, antwort.headers["location"]) == (303, "/verwaltung/konten")


def test_falsches_passwort_und_sperre(client, engine):
    for _ in range(5):
        antwort = _anmelden_per_formular(client, "sc-demo", "Falsches-Passwort-1")
        assert antwort.status == 200  # the form again, with the message
        html = Html(antwort.text)
        assert html.alarm == FALSCH
        assert html.felder["anmeldename"]["value"] == "sc-demo"  # kept, the password not
        assert "Falsches-Passwort-1" not in antwort.text
        assert not antwort.set_cookies
    gesperrt = _anmelden_per_formular(client, "sc-demo")  # the right password
    assert gesperrt.status == 429 and gesperrt.headers["retry-after"] == "60"
    assert re.fullmatch(r"Zu viele fehlgeschlagene Anmeldungen\. Bitte versuchen Sie es in "
                        r"1[0-5] Minuten erneut\.", Html(gesperrt.text).alarm)
    assert not gesperrt.set_cookies and COOKIE not in client.cookies


def test_unbekannter_anmeldename_gleiche_meldung(client):
    antwort = _anmelden_per_formular(client, "<b>niemand</b>", "Irgendein-Passwort")
    assert antwort.status == 200 and Html(antwort.text).alarm == FALSCH
    assert "<b>niemand</b>" not in antwort.text and "&lt;b&gt;niemand" in antwort.text


def test_fremde_herkunft_abgelehnt(client):
    fremd = _anmelden_per_formular(client, "sc-demo",
                                   headers={"Origin": "https://evil.example"})
    assert fremd.status == 403 and not fremd.set_cookies
    quer = _anmelden_per_formular(client, "sc-demo", headers={"Sec-Fetch-Site": "cross-site"})
    assert quer.status == 403
    # same origin, and "null" (what browsers send under Referrer-Policy: no-referrer)
    for origin in ("http://testserver", "null"):
        client.cookies.clear()
        assert _anmelden_per_formular(client, "sc-demo",
                                      headers={"Origin": origin}).status == 303


# --- protected pages ------------------------------------------------------------------------


@pytest.mark.parametrize("pfad", ["/ipsc/angebote", "/ipsc/angebote/nuernberg-mitte-vero",
                                  "/verwaltung/konten"])
def test_ohne_sitzung_zur_anmeldung(client, pfad):
    antwort = client.get(pfad)
    assert antwort.status == 303
    assert _ziel(antwort) == ("/anmelden", {"weiter": [pfad]})


def test_weiter_behaelt_die_abfrage(client):
    antwort = client.get("/ipsc/angebote", params={"agentur": "nuernberg", "art": "vero"})
    pfad, abfrage = _ziel(antwort)
    assert pfad == "/anmelden"
    assert abfrage["weiter"] == ["/ipsc/angebote?agentur=nuernberg&art=vero"]


def test_json_ohne_sitzung_401(client):
    antwort = client.get("/api/angebote")
    assert antwort.status == 401
    assert antwort.headers["content-type"].startswith("application/json")
    assert set(antwort.json()) == {"fehler"}


def test_post_ohne_sitzung_zur_anmeldung(client, engine):
    antwort = client.formular("/verwaltung/konten", {"login": "x.y", "name": "X",
                                                     "rolle": "admin"})
    assert antwort.status == 303 and antwort.headers["location"] == "/anmelden"
    with session_scope(engine) as s:
        assert s.get(Mitarbeiter, "x.y") is None


def test_falsche_rolle_403(client, anmelden, engine):
    sitzung = anmelden("sc-demo")
    antwort = client.get("/verwaltung/konten")
    assert antwort.status == 403
    assert "<h1>Keine Berechtigung</h1>" in antwort.text
    assert "„Service Center“" in antwort.text and "„Administration“" in antwort.text
    post = client.formular("/verwaltung/konten", {"csrf": sitzung.csrf, "login": "x.y",
                                                  "name": "X", "rolle": "admin"})
    assert post.status == 403
    with session_scope(engine) as s:
        assert s.get(Mitarbeiter, "x.y") is None


def test_ungueltiges_cookie_wird_geloescht(client):
    client.cookies[COOKIE] = "abgelaufen-oder-erfunden"
    antwort = client.get("/ipsc/angebote")
    assert antwort.status == 303 and _ziel(antwort)[0] == "/anmelden"
    assert any(c.startswith(f"{COOKIE}=") and "max-age=0" in c.lower()
               for c in antwort.set_cookies)
    assert COOKIE not in client.cookies


def test_kopf_zeigt_konto_und_erlaubte_navigation(client, anmelden):
    sitzung = anmelden("sc-demo")
    text = client.get("/ipsc/angebote").text
    html = Html(text)
    assert html.nav == ["/konsole", "/ipsc/angebote"]
    assert "Sophie Clausen" in text and "(Service Center)" in text
    assert 'action="/abmelden"' in text
    assert f'name="csrf" value="{sitzung.csrf}"' in text
    anmelden("admin-demo")
    html = Html(client.get("/ipsc/angebote").text)
    assert html.nav == ["/warteschlange", "/ipsc/angebote", "/verwaltung/konten"]
    anmelden("socl-demo")
    assert Html(client.get("/ipsc/angebote").text).nav == [
        "/konsole", "/warteschlange", "/ipsc/angebote"]


# --- CSRF and sign-out ----------------------------------------------------------------------


def test_csrf_fehlt_oder_falsch_403(client, anmelden, engine):
    sitzung = anmelden("admin-demo")
    felder = {"login": "c.srf", "name": "C Srf", "rolle": "sc"}
    for csrf in (None, "", "falsch", sitzung.csrf[:-1]):
        daten = felder if csrf is None else {**felder, "csrf": csrf}
        antwort = client.formular("/verwaltung/konten", daten)
        assert antwort.status == 403
        assert MELDUNG_CSRF in antwort.text
    with session_scope(engine) as s:
        assert s.get(Mitarbeiter, "c.srf") is None
    # the header works as well as the form field
    mit_kopf = client.formular("/verwaltung/konten", felder,
                               headers={"X-CSRF-Token": sitzung.csrf})
    assert mit_kopf.status == 303


def test_abmelden(client, anmelden, engine):
    sitzung = anmelden("sc-demo")
    wert = client.cookies[COOKIE]
    assert client.formular("/abmelden", {}).status == 403  # without CSRF token: nothing
    assert sitzung_pruefen(engine, wert) is not None
    antwort = client.formular("/abmelden", {"csrf": sitzung.csrf})
    assert antwort.status == 303 and antwort.headers["location"] == "/anmelden?abgemeldet=1"
    assert any("max-age=0" in c.lower() for c in antwort.set_cookies)
    assert COOKIE not in client.cookies
    assert sitzung_pruefen(engine, wert) is None  # ended in the store, not only the cookie
    assert Html(client.get("/anmelden?abgemeldet=1").text).status == "Sie haben sich abgemeldet."
    client.cookies[COOKIE] = wert  # replaying the old cookie does not help
    assert client.get("/ipsc/angebote").status == 303


# --- account administration -----------------------------------------------------------------


def test_kontenseite(client, anmelden):
    anmelden("admin-demo")
    antwort = client.get("/verwaltung/konten")
    assert antwort.status == 200
    text = antwort.text
    for login in ("sc-demo", "socl-demo", "trainer-demo", "admin-demo"):
        assert f'data-konto="{login}"' in text
    assert "Ihr Konto" in text  # no deactivate button for oneself
    assert text.count('action="/verwaltung/konten/deaktivieren"') == 3
    versuch = re.search(r'<table id="versuche">.*?<tr data-erfolg="ja">(.*?)</tr>', text,
                        re.S).group(1)  # the fixture's own sign-in
    assert "admin-demo" in versuch and "erfolgreich" in versuch
    assert "<script" not in text and "style=" not in text


def test_admin_legt_konto_an_und_setzt_passwort(client, anmelden, engine):
    sitzung = anmelden("admin-demo")
    csrf = {"csrf": sitzung.csrf}
    angelegt = client.formular("/verwaltung/konten", {**csrf, "login": "n.neu",
                                                      "name": "Nora Neu", "rolle": "socl"})
    assert angelegt.status == 303
    assert _ziel(angelegt) == ("/verwaltung/konten",
                               {"erledigt": ["angelegt"], "login": ["n.neu"]})
    seite = client.get(angelegt.headers["location"])
    assert Html(seite.text).status == "Das Konto „n.neu“ ist angelegt. Setzen Sie jetzt ein " \
                                      "Passwort."
    assert 'data-konto="n.neu"' in seite.text

    doppelt = client.formular("/verwaltung/konten", {**csrf, "login": "n.neu", "name": "X",
                                                     "rolle": "sc"})
    assert doppelt.status == 400 and "gibt es schon" in Html(doppelt.text).alarm

    ungleich = client.formular("/verwaltung/konten/passwort", {
        **csrf, "login": "n.neu", "passwort": "Erstes-Passwort-1",
        "passwort_wiederholung": "Zweites-Passwort-2"})
    assert ungleich.status == 400 and "stimmen nicht überein" in Html(ungleich.text).alarm
    ohne = client.formular("/verwaltung/konten/passwort", {
        **csrf, "login": "", "passwort": "Erstes-Passwort-1",
        "passwort_wiederholung": "Erstes-Passwort-1"})
    assert ohne.status == 400 and "wählen Sie das Konto" in Html(ohne.text).alarm
    kurz = client.formular("/verwaltung/konten/passwort", {
        **csrf, "login": "n.neu", "passwort": "kurz", "passwort_wiederholung": "kurz"})
    assert kurz.status == 400 and "mindestens 12 Zeichen" in Html(kurz.text).alarm
    gesetzt = client.formular("/verwaltung/konten/passwort", {
        **csrf, "login": "n.neu", "passwort": "Nora-Neu-Passwort",
        "passwort_wiederholung": "Nora-Neu-Passwort"})
    assert gesetzt.status == 303
    assert "Nora-Neu-Passwort" not in client.get(gesetzt.headers["location"]).text

    (eintrag,) = _audit(engine, "mitarbeiter_angelegt", "n.neu")
    assert eintrag.akteur == "web:admin-demo"
    (pw,) = _audit(engine, "mitarbeiter_passwort_gesetzt", "n.neu")
    assert pw.akteur == "web:admin-demo" and "Nora-Neu" not in pw.details

    client.cookies.clear()
    antwort = _anmelden_per_formular(client, "n.neu", "Nora-Neu-Passwort")
    assert antwort.status == 303 and antwort.headers["location"] == "/konsole"


def test_admin_deaktiviert_und_aktiviert(client, anmelden, engine):
    client_sc = anmelden("sc-demo")  # the session that will end
    sc_wert = client.cookies[COOKIE]
    assert client_sc.login == "sc-demo"
    admin = anmelden("admin-demo")
    antwort = client.formular("/verwaltung/konten/deaktivieren",
                              {"csrf": admin.csrf, "login": "sc-demo"})
    assert antwort.status == 303
    assert sitzung_pruefen(engine, sc_wert) is None
    details = json.loads(_audit(engine, "mitarbeiter_deaktiviert", "sc-demo")[-1].details)
    assert details["sitzungen_beendet"] == 1
    text = client.get("/verwaltung/konten").text
    assert 'action="/verwaltung/konten/aktivieren"' in text
    selbst = client.formular("/verwaltung/konten/deaktivieren",
                             {"csrf": admin.csrf, "login": "admin-demo"})
    assert selbst.status == 400 and "eigenes Konto" in Html(selbst.text).alarm
    unbekannt = client.formular("/verwaltung/konten/aktivieren",
                                {"csrf": admin.csrf, "login": "niemand"})
    assert unbekannt.status == 400
    assert client.formular("/verwaltung/konten/aktivieren",
                           {"csrf": admin.csrf, "login": "sc-demo"}).status == 303
    client.cookies.clear()
    assert _anmelden_per_formular(client, "sc-demo").status == 303


def test_anmeldeversuche_auf_der_kontenseite(client, anmelden):
    _anmelden_per_formular(client, "tippfehler", "Irgendein-Passwort")
    anmelden("admin-demo")
    text = client.get("/verwaltung/konten").text
    zeile = re.search(r'<tr data-erfolg="nein">(.*?)</tr>', text, re.S).group(1)
    assert "tippfehler" in zeile and "127.0.0.1" in zeile and "Anmeldename unbekannt" in zeile


def test_bestaetigung_nur_fuer_echte_konten(client, anmelden):
    anmelden("admin-demo")
    seite = client.get("/verwaltung/konten", params={"erledigt": "deaktiviert",
                                                     "login": "Chef hat gekündigt"})
    assert Html(seite.text).status == ""
