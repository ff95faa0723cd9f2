"""Sign-in of employees (store-backed, SQLite and PostgreSQL): passwords, rate limit, sessions,
account administration, command line, migration 0007."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import sys

import pytest
from alembic import command
from argon2 import PasswordHasher
from sqlalchemy import func, inspect, select

from leitfaden import anmeldung, clock
from leitfaden.anmeldung import (
    FALSCH,
    AnmeldungFehlgeschlagen,
    AnmeldungGesperrt,
    PasswortUngueltig,
    abmelden,
    anmelden,
    anmeldeversuche,
    konten,
    konto_aktivieren,
    konto_anlegen,
    konto_deaktivieren,
    passwort_setzen,
    sitzung_agent_token_setzen,
    sitzung_beenden_fuer,
    sitzung_pruefen,
)
from leitfaden.mitarbeiter import (
    main,
    mitarbeiter_fuer_token,
    token_erzeugen,
    token_erzeugen_mit_id,
)
from leitfaden.store.db import alembic_config, make_engine, migrate, session_scope
from leitfaden.store.demo import DEMO_PASSWORT, reset_demo_data
from leitfaden.store.models import (
    Anmeldeversuch,
    AuditEintrag,
    Mitarbeiter,
    MitarbeiterToken,
    Sitzung,
)

PASSWORT = "Sonnenblume-2026!"
IP = "10.0.0.7"
START = dt.datetime(2026, 11, 18, 8, 0, tzinfo=dt.timezone.utc)

#: Cheap Argon2id parameters: the tests hash and verify many times.
SCHNELL = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class Uhr:
    """A clock the test moves (replaces :func:`leitfaden.clock.now`)."""

    def __init__(self, start: dt.datetime) -> None:
        self.jetzt = start

    def __call__(self) -> dt.datetime:
        return self.jetzt

    def weiter(self, **dauer: float) -> None:
        self.jetzt += dt.timedelta(**dauer)


@pytest.fixture(autouse=True)
def schneller_hasher(monkeypatch) -> PasswordHasher:
    monkeypatch.setattr(anmeldung, "HASHER", SCHNELL)
    return SCHNELL


@pytest.fixture
def uhr(monkeypatch) -> Uhr:
    u = Uhr(START)
    monkeypatch.setattr(clock, "now", u)
    return u


@pytest.fixture
def konto(engine) -> str:
    """A fresh account ``m.muster`` (role sc) with the password :data:`PASSWORT`."""
    konto_anlegen(engine, "m.muster", "Maria Muster", "sc", akteur="test")
    passwort_setzen(engine, "m.muster", PASSWORT, akteur="test")
    return "m.muster"


def _hash(engine, login: str) -> str | None:
    with session_scope(engine) as s:
        return s.get(Mitarbeiter, login).passwort_hash


def _versuche(engine) -> list[tuple[str, str, bool, str]]:
    with session_scope(engine) as s:
        return [(v.login, v.ip, bool(v.erfolg), v.grund)
                for v in s.scalars(select(Anmeldeversuch).order_by(Anmeldeversuch.id))]


#: Id of the last audit entry before the test (the trail is append-only and outlives tests).
_AUDIT_AB: dict[str, int] = {}


@pytest.fixture(autouse=True)
def _audit_beginn(engine) -> None:
    with session_scope(engine) as s:
        _AUDIT_AB["id"] = s.scalar(select(func.coalesce(func.max(AuditEintrag.id), 0)))


def _audit(engine, aktion: str) -> list[AuditEintrag]:
    """This test's audit entries of one action, oldest first."""
    with session_scope(engine) as s:
        return list(s.scalars(select(AuditEintrag)
                              .where(AuditEintrag.aktion == aktion,
                                     AuditEintrag.id > _AUDIT_AB["id"])
                              .order_by(AuditEintrag.id)))


def _fehlschlag(engine, login: str, passwort: str = "falsch-falsch-falsch", ip: str = IP):
    with pytest.raises(AnmeldungFehlgeschlagen) as info:
        anmelden(engine, login, passwort, ip)
    assert not isinstance(info.value, AnmeldungGesperrt)
    return info.value


# --- passwords ------------------------------------------------------------------------------


def test_hash_ist_argon2id_und_gesalzen(engine, konto):
    erster = _hash(engine, konto)
    assert erster.startswith("$argon2id$") and PASSWORT not in erster
    passwort_setzen(engine, konto, PASSWORT, akteur="test")
    zweiter = _hash(engine, konto)
    assert zweiter != erster  # same password, new salt
    assert SCHNELL.verify(zweiter, PASSWORT)
    konto_anlegen(engine, "k.andere", "Karl Andere", "sc", akteur="test")
    passwort_setzen(engine, "k.andere", PASSWORT, akteur="test")
    assert _hash(engine, "k.andere") not in (erster, zweiter)


@pytest.mark.parametrize(("passwort", "meldung"), [
    ("kurz-123", "mindestens 12 Zeichen"),
    ("12345678901234", "nicht nur aus Ziffern"),
    ("M.Muster", "mindestens 12 Zeichen"),
    ("x" * 1025, "höchstens 1024 Zeichen"),
])
def test_passwortregeln(engine, konto, passwort, meldung):
    vorher = _hash(engine, konto)
    with pytest.raises(PasswortUngueltig, match=meldung):
        passwort_setzen(engine, konto, passwort, akteur="test")
    assert _hash(engine, konto) == vorher


def test_passwort_nicht_der_anmeldename(engine):
    konto_anlegen(engine, "sachbearbeitung", "Sach Bearbeitung", "sc", akteur="test")
    with pytest.raises(PasswortUngueltig, match="Anmeldename"):
        passwort_setzen(engine, "sachbearbeitung", "Sachbearbeitung", akteur="test")
    passwort_setzen(engine, "sachbearbeitung", "zwölf Zeichen", akteur="test")  # 13, fine


def test_passwort_setzen_unbekanntes_konto(engine):
    with pytest.raises(ValueError, match="gibt es nicht"):
        passwort_setzen(engine, "niemand", PASSWORT, akteur="test")


def test_passwort_setzen_audit_ohne_passwort_und_beendet_sitzungen(engine, konto):
    erste = anmelden(engine, konto, PASSWORT, IP)
    zweite = anmelden(engine, konto, PASSWORT, IP)
    passwort_setzen(engine, konto, "Neues-Passwort-2027", akteur="web:admin-demo",
                    ausser_sitzung=zweite.sitzung.id)
    assert sitzung_pruefen(engine, erste.cookie_wert) is None
    assert sitzung_pruefen(engine, zweite.cookie_wert) is not None  # kept on purpose
    eintrag = _audit(engine, "mitarbeiter_passwort_gesetzt")[-1]
    assert (eintrag.akteur, eintrag.objekt_id) == ("web:admin-demo", konto)
    assert json.loads(eintrag.details) == {"login": konto, "sitzungen_beendet": 1}
    assert "Neues-Passwort" not in eintrag.details and "argon2" not in eintrag.details
    _fehlschlag(engine, konto, PASSWORT)
    assert anmelden(engine, konto, "Neues-Passwort-2027", IP)


def test_hash_wird_bei_anmeldung_erneuert(engine, konto, monkeypatch):
    alt = _hash(engine, konto)
    assert "t=1," in alt
    staerker = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(anmeldung, "HASHER", staerker)
    anmelden(engine, konto, PASSWORT, IP)
    neu = _hash(engine, konto)
    assert neu != alt and "t=2," in neu and not staerker.check_needs_rehash(neu)
    anmelden(engine, konto, PASSWORT, IP)
    assert _hash(engine, konto) == neu  # current parameters: not hashed again


# --- sign-in --------------------------------------------------------------------------------


def test_anmelden_oeffnet_sitzung(engine, konto, uhr):
    neu = anmelden(engine, " m.muster ", PASSWORT, IP)
    s = neu.sitzung
    assert s.id == hashlib.sha256(neu.cookie_wert.encode()).hexdigest() != neu.cookie_wert
    assert len(neu.cookie_wert) >= 40 and len(s.csrf) >= 40 and s.csrf != neu.cookie_wert
    assert (s.login, s.rolle, s.mitarbeiter.name) == ("m.muster", "sc", "Maria Muster")
    assert s.ablauf == START + dt.timedelta(hours=10)
    assert s.agent_token_id is None
    with session_scope(engine) as db:
        zeile = db.get(Sitzung, s.id)
        assert zeile is not None and zeile.login == "m.muster"
        werte = [str(getattr(zeile, c.key)) for c in inspect(Sitzung).columns]
    assert neu.cookie_wert not in " ".join(werte)  # only its hash is stored
    assert sitzung_pruefen(engine, neu.cookie_wert) == s
    assert _versuche(engine) == [("m.muster", IP, True, "erfolg")]


def test_demokonten_melden_sich_mit_dem_demopasswort_an(engine):
    for login in ("sc-demo", "socl-demo", "trainer-demo", "admin-demo"):
        assert anmelden(engine, login, DEMO_PASSWORT, IP).sitzung.login == login
    hashes = {_hash(engine, login) for login in ("sc-demo", "socl-demo")}
    assert len(hashes) == 2  # one salt per account


def test_reset_stellt_demopasswort_wieder_her(engine):
    passwort_setzen(engine, "sc-demo", "Ganz-anderes-Passwort", akteur="test")
    _fehlschlag(engine, "sc-demo", DEMO_PASSWORT)
    reset_demo_data(engine)
    assert anmelden(engine, "sc-demo", DEMO_PASSWORT, "10.9.9.9")


class ZaehlenderHasher(PasswordHasher):
    """Counts :meth:`verify` calls (each unknown login must cost one, like a real one)."""

    aufrufe = 0

    def verify(self, hash, password):
        type(self).aufrufe += 1
        return super().verify(hash, password)


@pytest.mark.parametrize("fall", ["passwort_falsch", "unbekannt", "inaktiv", "kein_passwort"])
def test_fehlschlaege_sehen_gleich_aus(engine, konto, monkeypatch, fall):
    zaehler = ZaehlenderHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(anmeldung, "HASHER", zaehler)
    ZaehlenderHasher.aufrufe = 0
    login, passwort = konto, PASSWORT
    if fall == "passwort_falsch":
        passwort = "Sonnenblume-2025!"
    elif fall == "unbekannt":
        login = "gibt.es.nicht"
    elif fall == "inaktiv":
        konto_deaktivieren(engine, konto, akteur="test")  # right password, inactive account
    else:
        konto_anlegen(engine, "ohne.passwort", "Otto Ohne", "sc", akteur="test")
        login = "ohne.passwort"
    fehler = _fehlschlag(engine, login, passwort)
    assert type(fehler) is AnmeldungFehlgeschlagen
    assert str(fehler) == FALSCH == "Anmeldename oder Passwort ist falsch."
    assert ZaehlenderHasher.aufrufe == 1  # the same Argon2 work in every case
    assert _versuche(engine)[-1] == (login, IP, False, fall)
    with session_scope(engine) as s:
        assert s.scalars(select(Sitzung)).first() is None


def test_nur_anmeldenamen_werden_gespeichert_kein_anderer_text(engine, caplog):
    """A password typed into the name field must not reach the store or the log."""
    _fehlschlag(engine, "x" * 500)
    _fehlschlag(engine, "Geheim Passwort 2026!")
    _fehlschlag(engine, "niemand-da")
    assert _versuche(engine) == [("(ungültig)", IP, False, "unbekannt"),
                                 ("(ungültig)", IP, False, "unbekannt"),
                                 ("niemand-da", IP, False, "unbekannt")]
    assert "Geheim Passwort" not in caplog.text
    _fehlschlag(engine, "")
    assert anmeldeversuche(engine)[0].grund_text == "Anmeldename unbekannt"


def test_laufender_versuch_zaehlt_schon_als_fehlversuch(engine, konto, monkeypatch):
    """Parallel attempts: each is recorded before its password check, so the sixth is
    refused even while the first five are still being checked."""
    import threading

    start = threading.Barrier(6)
    ergebnisse: list[str] = []
    original = anmeldung._verifizieren

    def langsam(gespeichert, passwort):
        start.wait(timeout=10)  # all six are past the lock check before any is decided
        return original(gespeichert, passwort)

    monkeypatch.setattr(anmeldung, "_verifizieren", langsam)

    def versuch() -> None:
        try:
            anmeldung.anmelden(engine, "sc-demo", "falsches-passwort-1", IP)
            ergebnisse.append("angemeldet")
        except anmeldung.AnmeldungGesperrt:
            ergebnisse.append("gesperrt")
            start.abort()
        except anmeldung.AnmeldungFehlgeschlagen:
            ergebnisse.append("falsch")
        except threading.BrokenBarrierError:
            ergebnisse.append("abgebrochen")

    faeden = [threading.Thread(target=versuch) for _ in range(6)]
    for f in faeden:
        f.start()
    for f in faeden:
        f.join(timeout=30)
    assert "angemeldet" not in ergebnisse
    assert ergebnisse.count("gesperrt") >= 1


# --- rate limit -----------------------------------------------------------------------------


def test_sperre_pro_anmeldename(engine, konto, uhr):
    for _ in range(5):
        _fehlschlag(engine, konto)
        uhr.weiter(minutes=1)
    with pytest.raises(AnmeldungGesperrt) as gesperrt:
        anmelden(engine, konto, PASSWORT, IP)  # the right password is refused too
    assert gesperrt.value.minuten == 10  # the first failure (minute 0) leaves at minute 15
    assert str(gesperrt.value) == ("Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie "
                                   "es in 10 Minuten erneut.")
    assert _versuche(engine)[-1] == (konto, IP, False, "gesperrt")
    # from another address too (the login is locked), but other logins are not
    with pytest.raises(AnmeldungGesperrt):
        anmelden(engine, konto, PASSWORT, "10.1.1.1")
    assert anmelden(engine, "sc-demo", DEMO_PASSWORT, IP)
    # refused attempts do not extend the lock
    uhr.weiter(minutes=9)
    with pytest.raises(AnmeldungGesperrt) as noch:
        anmelden(engine, konto, PASSWORT, IP)
    assert noch.value.minuten == 1
    assert str(noch.value).endswith("in 1 Minute erneut.")
    uhr.weiter(minutes=1)
    assert anmelden(engine, konto, PASSWORT, IP).sitzung.login == konto


def test_erfolg_setzt_zaehler_des_anmeldenamens_zurueck(engine, konto, uhr):
    for _ in range(4):
        _fehlschlag(engine, konto)
    anmelden(engine, konto, PASSWORT, IP)
    for _ in range(4):
        _fehlschlag(engine, konto)  # 8 in the window, 4 since the success: not locked
    _fehlschlag(engine, konto)
    with pytest.raises(AnmeldungGesperrt):
        anmelden(engine, konto, PASSWORT, IP)


def test_sperre_pro_adresse(engine, konto, uhr):
    for nummer in range(20):
        _fehlschlag(engine, f"raten-{nummer}")  # never 5 for one login
    with pytest.raises(AnmeldungGesperrt) as gesperrt:
        anmelden(engine, konto, PASSWORT, IP)
    assert gesperrt.value.minuten == 15
    assert anmelden(engine, konto, PASSWORT, "10.0.0.8")  # another address
    uhr.weiter(minutes=15, seconds=1)
    assert anmelden(engine, konto, PASSWORT, IP)


def test_versuche_werden_gespeichert_und_protokolliert(engine, konto, caplog):
    caplog.set_level(logging.DEBUG)
    _fehlschlag(engine, konto, "Geheim-Falsch-123")
    neu = anmelden(engine, konto, PASSWORT, IP)
    sitzung_pruefen(engine, neu.cookie_wert)
    abmelden(engine, neu.cookie_wert)
    passwort_setzen(engine, konto, "Noch-geheimer-456", akteur="test")
    assert [(v.login, v.erfolg, v.grund) for v in anmeldeversuche(engine)] == [
        (konto, True, "erfolg"), (konto, False, "passwort_falsch")]
    text = caplog.text
    assert "m.muster" in text and "passwort_falsch" in text and "erfolgreich" in text
    for geheim in ("Geheim-Falsch-123", PASSWORT, "Noch-geheimer-456", neu.cookie_wert,
                   neu.sitzung.csrf):
        assert geheim not in text


# --- sessions -------------------------------------------------------------------------------


def test_leerlauf_beendet_sitzung(engine, konto, uhr):
    neu = anmelden(engine, konto, PASSWORT, IP)
    for _ in range(3):  # active every 29 minutes: stays valid beyond 30 minutes
        uhr.weiter(minutes=29)
        assert sitzung_pruefen(engine, neu.cookie_wert) is not None
    uhr.weiter(minutes=30, seconds=1)
    assert sitzung_pruefen(engine, neu.cookie_wert) is None
    with session_scope(engine) as s:
        assert s.get(Sitzung, neu.sitzung.id).beendet_am is not None
    uhr.jetzt = START + dt.timedelta(minutes=90)  # no way back
    assert sitzung_pruefen(engine, neu.cookie_wert) is None


def test_leerlauf_aus_der_umgebung(engine, konto, uhr, monkeypatch):
    monkeypatch.setenv("LEITFADEN_SITZUNG_LEERLAUF_MINUTEN", "5")
    neu = anmelden(engine, konto, PASSWORT, IP)
    uhr.weiter(minutes=5, seconds=1)
    assert sitzung_pruefen(engine, neu.cookie_wert) is None


def test_absolutes_ende(engine, konto, uhr, monkeypatch):
    monkeypatch.setenv("LEITFADEN_SITZUNG_HOECHSTENS_STUNDEN", "1")
    neu = anmelden(engine, konto, PASSWORT, IP)
    assert neu.sitzung.ablauf == START + dt.timedelta(hours=1)
    for _ in range(2):
        uhr.weiter(minutes=25)
        assert sitzung_pruefen(engine, neu.cookie_wert) is not None
    uhr.weiter(minutes=10, seconds=1)  # 60 minutes after sign-in, 10 after the last request
    assert sitzung_pruefen(engine, neu.cookie_wert) is None


def test_standarddauer_zehn_stunden(engine, konto, uhr):
    neu = anmelden(engine, konto, PASSWORT, IP)
    for _ in range(33):  # a request every 18 minutes: 9:54 h
        uhr.weiter(minutes=18)
        assert sitzung_pruefen(engine, neu.cookie_wert) is not None
    uhr.weiter(minutes=6)
    assert sitzung_pruefen(engine, neu.cookie_wert) is None


def test_letzte_aktivitaet_hoechstens_einmal_pro_minute(engine, konto, uhr):
    neu = anmelden(engine, konto, PASSWORT, IP)
    uhr.weiter(seconds=30)
    assert sitzung_pruefen(engine, neu.cookie_wert).zuletzt_am == START
    uhr.weiter(seconds=45)
    assert sitzung_pruefen(engine, neu.cookie_wert).zuletzt_am == START + dt.timedelta(
        seconds=75)


@pytest.mark.parametrize("wert", [None, "", "quatsch", "x" * 5000, 42])
def test_ungueltiger_cookie(engine, wert):
    assert sitzung_pruefen(engine, wert) is None
    assert abmelden(engine, wert) is False


def test_abmelden(engine, konto):
    neu = anmelden(engine, konto, PASSWORT, IP)
    andere = anmelden(engine, konto, PASSWORT, IP)
    assert abmelden(engine, neu.cookie_wert) is True
    assert sitzung_pruefen(engine, neu.cookie_wert) is None
    assert abmelden(engine, neu.cookie_wert) is False
    assert sitzung_pruefen(engine, andere.cookie_wert) is not None  # the other stays


def test_sitzungen_eines_kontos_beenden(engine, konto):
    neu = [anmelden(engine, konto, PASSWORT, IP) for _ in range(2)]
    fremd = anmelden(engine, "sc-demo", DEMO_PASSWORT, IP)
    assert sitzung_beenden_fuer(engine, konto, akteur="test") == 2
    assert all(sitzung_pruefen(engine, n.cookie_wert) is None for n in neu)
    assert sitzung_pruefen(engine, fremd.cookie_wert) is not None
    assert sitzung_beenden_fuer(engine, konto) == 0


def test_agent_token_der_sitzung(engine, konto):
    neu = anmelden(engine, konto, PASSWORT, IP)
    token = token_erzeugen_mit_id(engine, konto, "Konsole")
    sitzung_agent_token_setzen(engine, neu.sitzung.id, token.id)
    assert sitzung_pruefen(engine, neu.cookie_wert).agent_token_id == token.id
    fremd = token_erzeugen_mit_id(engine, "sc-demo", "fremd")
    with pytest.raises(ValueError, match="gehört nicht"):
        sitzung_agent_token_setzen(engine, neu.sitzung.id, fremd.id)
    with pytest.raises(ValueError, match="gibt es nicht"):
        sitzung_agent_token_setzen(engine, neu.cookie_wert, token.id)  # the value is no id
    abmelden(engine, neu.cookie_wert)
    assert mitarbeiter_fuer_token(engine, token.token) is None  # revoked with the session
    assert mitarbeiter_fuer_token(engine, fremd.token) is not None
    with pytest.raises(ValueError):
        sitzung_agent_token_setzen(engine, neu.sitzung.id, None)  # ended


# --- accounts -------------------------------------------------------------------------------


def test_konto_anlegen(engine):
    record = konto_anlegen(engine, "p.neu", "  Paula   Neu ", "trainer", akteur="web:admin-demo")
    assert (record.login, record.name, record.rolle, record.aktiv) == (
        "p.neu", "Paula Neu", "trainer", True)
    (eintrag,) = _audit(engine, "mitarbeiter_angelegt")
    assert eintrag.akteur == "web:admin-demo"
    assert json.loads(eintrag.details) == {"login": "p.neu", "name": "Paula Neu",
                                           "rolle": "trainer"}
    neu = {k.login: k for k in konten(engine)}["p.neu"]
    assert not neu.passwort_gesetzt and neu.letzte_anmeldung is None and not neu.demo
    _fehlschlag(engine, "p.neu", "")  # no password yet: no sign-in
    with pytest.raises(ValueError, match="gibt es schon"):
        konto_anlegen(engine, "p.neu", "Paula Neu", "sc", akteur="test")


@pytest.mark.parametrize(("login", "name", "rolle", "meldung"), [
    ("P.Gross", "Name", "sc", "Kleinbuchstaben"),
    ("a", "Name", "sc", "2 bis 40 Zeichen"),
    ("mit leerzeichen", "Name", "sc", "Kleinbuchstaben"),
    ("gut", "  ", "sc", "Namen"),
    ("gut", "Name", "chef", "Rolle"),
])
def test_konto_anlegen_prueft(engine, login, name, rolle, meldung):
    with pytest.raises(ValueError, match=meldung):
        konto_anlegen(engine, login, name, rolle, akteur="test")


def test_konto_deaktivieren_und_aktivieren(engine, konto):
    sitzung = anmelden(engine, konto, PASSWORT, IP)
    token = token_erzeugen(engine, konto, "Arbeitsplatz")
    ergebnis = konto_deaktivieren(engine, konto, akteur="web:admin-demo")
    assert (ergebnis.sitzungen, ergebnis.tokens) == (1, 1)
    assert sitzung_pruefen(engine, sitzung.cookie_wert) is None
    assert mitarbeiter_fuer_token(engine, token) is None
    _fehlschlag(engine, konto, PASSWORT)
    (eintrag,) = _audit(engine, "mitarbeiter_deaktiviert")
    assert json.loads(eintrag.details) == {"login": konto, "sitzungen_beendet": 1,
                                           "tokens_widerrufen": 1}
    konto_aktivieren(engine, konto, akteur="web:admin-demo")
    assert _audit(engine, "mitarbeiter_aktiviert")[0].objekt_id == konto
    assert anmelden(engine, konto, PASSWORT, IP)
    assert mitarbeiter_fuer_token(engine, token) is None  # revoked tokens stay revoked
    with pytest.raises(ValueError, match="gibt es nicht"):
        konto_deaktivieren(engine, "niemand", akteur="test")


def test_kontenliste_mit_letzter_anmeldung(engine, konto, uhr):
    anmelden(engine, konto, PASSWORT, IP)
    uhr.weiter(hours=1)
    anmelden(engine, konto, PASSWORT, IP)
    _fehlschlag(engine, konto)
    liste = {k.login: k for k in konten(engine)}
    assert set(liste) >= {"sc-demo", "socl-demo", "trainer-demo", "admin-demo", konto}
    assert liste[konto].letzte_anmeldung == START + dt.timedelta(hours=1)
    assert liste[konto].passwort_gesetzt and liste["admin-demo"].demo
    assert liste["sc-demo"].letzte_anmeldung is None


# --- command line ---------------------------------------------------------------------------


@pytest.fixture
def db_url(datenbank_url, engine, monkeypatch) -> str:
    monkeypatch.setenv("LEITFADEN_DATABASE_URL", datenbank_url)
    return datenbank_url


def test_cli_konto_passwort_deaktivieren(db_url, engine, capsys, monkeypatch):
    assert main(["konto-anlegen", "c.li", "--name", "Clara Li", "--rolle", "socl"]) == 0
    assert "Konto c.li (Clara Li, Rolle socl) angelegt" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO("Kommandozeile-2026\n"))
    assert main(["passwort", "c.li"]) == 0
    aus = capsys.readouterr()
    assert "Kommandozeile-2026" not in aus.out + aus.err
    neu = anmelden(engine, "c.li", "Kommandozeile-2026", IP)
    monkeypatch.setattr(sys, "stdin", io.StringIO("kurz\n"))
    assert main(["passwort", "c.li"]) == 1
    assert "mindestens 12 Zeichen" in capsys.readouterr().err
    assert main(["konto-deaktivieren", "c.li"]) == 0
    assert "1 Sitzung(en) beendet" in capsys.readouterr().out
    assert sitzung_pruefen(engine, neu.cookie_wert) is None
    assert main(["konto-aktivieren", "c.li"]) == 0
    aktionen = [e.aktion for e in _audit_von(engine, "c.li")]
    assert aktionen == ["mitarbeiter_angelegt", "mitarbeiter_passwort_gesetzt",
                        "mitarbeiter_deaktiviert", "mitarbeiter_aktiviert"]
    assert all(e.akteur == "system:cli" for e in _audit_von(engine, "c.li"))


def _audit_von(engine, login: str) -> list[AuditEintrag]:
    with session_scope(engine) as s:
        return list(s.scalars(select(AuditEintrag).where(AuditEintrag.objekt_typ == "Mitarbeiter",
                                                         AuditEintrag.objekt_id == login,
                                                         AuditEintrag.id > _AUDIT_AB["id"])
                              .order_by(AuditEintrag.id)))


def test_cli_fehler(db_url, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["passwort", "niemand"]) == 1
    assert "'niemand' gibt es nicht" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["passwort", "sc-demo"]) == 1
    assert "kein Passwort" in capsys.readouterr().err
    assert main(["konto-anlegen", "sc-demo", "--name", "X", "--rolle", "sc"]) == 1
    assert "gibt es schon" in capsys.readouterr().err
    assert main(["konto-deaktivieren", "niemand"]) == 1
    with pytest.raises(SystemExit):
        main(["passwort", "sc-demo", "Passwort-auf-der-Zeile"])  # never from the command line


# --- migration 0007 -------------------------------------------------------------------------


def test_migration_0007_zurueck_behaelt_tokens(leere_datenbank_url):
    migrate(leere_datenbank_url)
    engine = make_engine(leere_datenbank_url)
    try:
        with session_scope(engine) as s:
            s.add(Mitarbeiter(login="t.oken", name="T", rolle="sc"))
        token = token_erzeugen(engine, "t.oken")
        with engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "0006")
        tabellen = set(inspect(engine).get_table_names())
        assert not {"sitzung", "anmeldeversuch"} & tabellen
        spalten = {c["name"] for c in inspect(engine).get_columns("mitarbeiter")}
        assert "passwort_hash" not in spalten
        with engine.connect() as conn:  # no table rebuild: the cascade did not fire
            assert conn.exec_driver_sql("SELECT count(*) FROM mitarbeiter_token").scalar() == 1
        migrate(engine)
        assert mitarbeiter_fuer_token(engine, token).login == "t.oken"
        with session_scope(engine) as s:
            assert s.scalars(select(MitarbeiterToken)).one().login == "t.oken"
    finally:
        engine.dispose()
