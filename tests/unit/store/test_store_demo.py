"""Demo data against the contract table (values written here, not read from demo.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from leitfaden.store.__main__ import main as cli
from leitfaden.store.db import session_scope
from leitfaden.store.demo import load_demo_data, reset_demo_data
from leitfaden.store.models import (
    Agentur,
    AngebotsZeit,
    Dienststelle,
    DienststellePlz,
    Gespraechsvermerk,
    Kunde,
    Mitarbeiter,
    Unterstuetzungsangebot,
    Vollmacht,
    Zahlung,
    metadata,
)
from leitfaden.store.repository import SqlRepository

D = dt.date
STICHTAG = D(2026, 11, 18)

# contracts.md, "Demo data that must exist":
# (Kundennummer, Vorname, Nachname, geboren, PLZ, Ort, Status, Beginn, Tagessatz, IBAN, SKZ M)
VERTRAG = [
    ("123A456789", "Anna", "Schmidt", D(1985, 3, 14), "90402", "Nürnberg",
     "bewilligt", D(2026, 9, 1), 5230, "DE89370400440532013000", False),
    ("234B567890", "Mehmet", "Yilmaz", D(1979, 11, 2), "10115", "Berlin",
     "in_bearbeitung", None, None, "DE46100500001234567890", False),
    ("345C678901", "Petra", "Wagner", D(1968, 7, 21), "20095", "Hamburg",
     "abgelehnt", None, None, "DE11760501010987654321", False),
    ("456D789012", "Thomas", "Becker", D(1990, 1, 30), "50667", "Köln",
     "bewilligt", D(2026, 10, 1), 4800, "DE94701500001122334455", True),
    ("567E890123", "Julia", "Hoffmann", D(1995, 5, 5), "80331", "München",
     "bewilligt", D(2026, 11, 10), 4100, None, False),
    ("678F901234", "Klaus", "Neumann", D(1962, 4, 9), "04109", "Leipzig",
     "bewilligt", D(2026, 10, 1), 3875, "DE36860555920555666777", False),
    ("789G012345", "Erika", "Braun", D(1971, 9, 17), "90402", "Nürnberg",
     "bewilligt", D(2026, 8, 1), 4510, "DE54200505504433221100", False),
    ("890H123456", "Stefan", "Krüger", D(1983, 6, 6), "10115", "Berlin",
     "bewilligt", D(2026, 8, 1), 6000, "DE26500105175566778899", False),
    ("901J234567", "Laura", "Fischer", D(2000, 10, 10), "50667", "Köln",
     "bewilligt", D(2026, 11, 16), 2000, "DE11120300000098765432", False),
]

ARTEN = {
    "online_registrierung", "antragshilfe_online", "selbstinformation_begleitet", "digitalkurs",
    "sprachmittlung", "gebaerdensprache", "barrierefrei", "videoberatung", "vertretung_vero",
}


def _anzahlen(engine) -> dict[str, int]:
    with session_scope(engine) as s:
        return {
            t.name: s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables if t.name != "audit_eintrag"
        }


@pytest.mark.parametrize("zeile", VERTRAG, ids=[z[0] for z in VERTRAG])
def test_kunde_wie_im_vertrag(repo, zeile):
    (nummer, vorname, nachname, geboren, plz, ort, status, beginn, tagessatz, iban,
     skz) = zeile
    kunde = repo.kunde(nummer)
    assert kunde is not None
    assert (kunde.vorname, kunde.nachname, kunde.geburtsdatum) == (vorname, nachname, geboren)
    assert (kunde.plz, kunde.ort) == (plz, ort)
    assert kunde.iban == iban
    assert kunde.schutzkennzeichen_m is skz
    assert kunde.demo is True
    ansprueche = repo.ansprueche(nummer)
    assert len(ansprueche) == 1
    anspruch = repo.aktueller_anspruch(nummer, STICHTAG)
    assert (anspruch.status, anspruch.beginn, anspruch.tagessatz_cent) == (
        status, beginn, tagessatz)
    assert repo.dienststelle_fuer_plz(plz) is not None, "PLZ der Kundin muss bedient sein"


def test_vollmachten_wie_im_vertrag(repo):
    sabine = repo.vollmachten("678F901234", STICHTAG)
    assert [(v.vertreter_vorname, v.vertreter_nachname, v.vertreter_geburtsdatum, v.umfang)
            for v in sabine] == [("Sabine", "Neumann", D(1988, 8, 8), "vollumfaenglich")]
    martin = repo.vollmachten("789G012345", STICHTAG)
    assert [(v.vertreter_vorname, v.vertreter_nachname, v.vertreter_geburtsdatum, v.umfang)
            for v in martin] == [("Martin", "Braun", D(1969, 2, 25), "teilweise")]
    for nummer, *_ in VERTRAG:
        if nummer not in ("678F901234", "789G012345"):
            assert repo.vollmachten(nummer, STICHTAG) == []


def test_zahlungen_wie_im_vertrag(repo):
    alle = {nummer: repo.zahlungen(nummer, D(2026, 1, 1), D(2026, 12, 31))
            for nummer, *_ in VERTRAG}
    assert {n: len(z) for n, z in alle.items() if z} == {"890H123456": 1}
    (zahlung,) = alle["890H123456"]
    assert (zahlung.art, zahlung.betrag_cent, zahlung.datum) == ("abschlag", 20000, D(2026, 11, 5))
    assert isinstance(zahlung.betrag_cent, int)


def test_genau_neun_demokunden(engine):
    with session_scope(engine) as s:
        nummern = set(s.scalars(select(Kunde.kundennummer).where(Kunde.demo.is_(True))))
    assert nummern == {z[0] for z in VERTRAG}


def test_agenturen_dienststellen_und_angebote(engine, repo):
    with session_scope(engine) as s:
        agenturen = {a.id: a for a in s.scalars(select(Agentur))}
        assert set(agenturen) == {"nuernberg", "berlin", "hamburg", "koeln", "muenchen",
                                  "leipzig"}
        for agentur in agenturen.values():
            dienststellen = s.scalars(
                select(Dienststelle).where(Dienststelle.agentur_id == agentur.id)).all()
            assert 1 <= len(dienststellen) <= 2
            angebote = s.scalars(
                select(Unterstuetzungsangebot).join(Dienststelle)
                .where(Dienststelle.agentur_id == agentur.id)).all()
            assert 3 <= len(angebote) <= 5, agentur.id
        alle = s.scalars(select(Unterstuetzungsangebot)).all()
        assert {a.art for a in alle} == ARTEN
        assert any(a.termin_erforderlich and a.buchung for a in alle)
        assert any(not a.termin_erforderlich for a in alle)
        assert any(a.gueltig_bis is not None and a.gueltig_bis < STICHTAG for a in alle)
        assert any(a.gueltig_ab == D(2027, 1, 1) for a in alle)
        assert all(a.zeiten and a.sprachen and (a.kontakt_telefon or a.kontakt_email)
                   for a in alle)
        assert s.scalar(select(func.count()).select_from(DienststellePlz)) >= 6 * 5
    for plz in ("90402", "90491", "10115", "20095", "50667", "80331", "04109"):
        assert repo.dienststelle_fuer_plz(plz) is not None, plz


def test_laden_ist_idempotent(engine):
    vorher = _anzahlen(engine)
    assert vorher["kunde"] == 9 and vorher["unterstuetzungsangebot"] >= 18
    assert not any(load_demo_data(engine).values())
    assert not any(load_demo_data(engine).values())
    assert _anzahlen(engine) == vorher


def _fremde_daten(engine) -> None:
    with session_scope(engine) as s:
        s.add(Kunde(kundennummer="111X222333", vorname="Echte", nachname="Person",
                    geburtsdatum=D(1980, 1, 1), plz="90402", ort="Nürnberg", demo=False))
        s.add(Gespraechsvermerk(conversation_id="fremd-1", kundennummer="111X222333",
                                text="Nicht-Demo-Vermerk", created_at=dt.datetime(2026, 11, 1),
                                created_by="sc-01"))


def test_reset_stellt_demozustand_wieder_her(engine):
    repo = SqlRepository(engine)
    _fremde_daten(engine)
    vorher = _anzahlen(engine)
    repo.vermerk_speichern(conversation_id="demo-1", kundennummer="123A456789",
                           text="Abschlag besprochen", created_by="socl-demo")
    repo.vermerk_speichern(conversation_id="ohne-kunde", text="Allgemeine Frage",
                           created_by="sc-demo")  # no customer: not demo data, stays
    repo.zahlung_erfassen(kundennummer="123A456789", art="abschlag", betrag_cent=88910,
                          datum=STICHTAG, referenz="T-RESET-1", akteur="socl-demo")
    with session_scope(engine) as s:
        anna = s.get(Kunde, "123A456789")
        anna.iban, anna.nachname = "DE00999999999999999999", "Geändert"
        s.execute(Zahlung.__table__.delete().where(Zahlung.kundennummer == "890H123456"))
        s.execute(Vollmacht.__table__.delete().where(Vollmacht.kundennummer == "678F901234"))
        s.delete(s.get(Kunde, "678F901234"))  # claims and powers of attorney cascade

    repo.terminanfrage_speichern(angebot_id="nuernberg-mitte-vero", conversation_id="demo-1",
                                 name="Sabine Neumann", datum=D(2026, 11, 19),
                                 von=dt.time(9), bis=dt.time(12), erstellt_von="sc-demo")

    ergebnis = reset_demo_data(engine)

    assert ergebnis["entfernt_vermerke"] == 1
    assert ergebnis["entfernt_terminanfragen"] == 1
    assert repo.terminanfragen() == []
    anna = repo.kunde("123A456789")
    assert (anna.nachname, anna.iban) == ("Schmidt", "DE89370400440532013000")
    klaus = repo.kunde("678F901234")
    assert klaus is not None and klaus.name == "Klaus Neumann"
    assert repo.aktueller_anspruch("678F901234", STICHTAG).tagessatz_cent == 3875
    assert [v.vertreter_vorname for v in repo.vollmachten("678F901234", STICHTAG)] == ["Sabine"]
    assert [z.betrag_cent for z in repo.zahlungen("890H123456", D(2026, 11, 1),
                                                  D(2026, 11, 30))] == [20000]
    assert repo.zahlungen("123A456789", D(2026, 11, 1), D(2026, 11, 30)) == []
    assert repo.vermerke(conversation_id="demo-1") == []
    # the other rows stay
    assert repo.kunde("111X222333").nachname == "Person"
    assert [v.text for v in repo.vermerke(kundennummer="111X222333")] == ["Nicht-Demo-Vermerk"]
    assert [v.text for v in repo.vermerke(conversation_id="ohne-kunde")] == ["Allgemeine Frage"]
    assert _anzahlen(engine) == {**vorher, "gespraechsvermerk": vorher["gespraechsvermerk"] + 1}
    assert repo.audit(aktion="demo_zurueckgesetzt", limit=1)


def test_reset_mit_angeboten_stellt_angebot_wieder_her(engine, repo):
    with session_scope(engine) as s:
        angebot = s.get(Unterstuetzungsangebot, "nuernberg-mitte-registrierung")
        angebot.titel = "Geändert"
        angebot.zeiten.clear()
    reset_demo_data(engine)
    assert repo.angebote("nuernberg-mitte", STICHTAG, "online_registrierung")[0].titel == (
        "Geändert")
    reset_demo_data(engine, angebote=True)
    (angebot,) = repo.angebote("nuernberg-mitte", STICHTAG, "online_registrierung")
    assert angebot.titel == "Hilfe bei Registrierung und Anmeldung"
    assert [(z.wochentag, z.von, z.bis) for z in angebot.zeiten] == [
        (0, dt.time(9), dt.time(12)), (2, dt.time(9), dt.time(12)),
        (3, dt.time(14), dt.time(17)),
    ]
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(AngebotsZeit)
                        .where(AngebotsZeit.angebot_id == "nuernberg-mitte-registrierung")) == 3


def test_reset_mit_angeboten_hebt_rueckzug_auf(engine, repo):
    with session_scope(engine) as s:
        s.get(Unterstuetzungsangebot, "nuernberg-mitte-vero").zurueckgezogen_am = (
            dt.datetime(2026, 11, 18, 9, 0))
    reset_demo_data(engine)
    assert repo.angebot("nuernberg-mitte-vero").zurueckgezogen
    reset_demo_data(engine, angebote=True)
    assert not repo.angebot("nuernberg-mitte-vero").zurueckgezogen
    assert "nuernberg-mitte-vero" in {a.id for a in repo.angebote("nuernberg-mitte", STICHTAG)}


def test_cli(datenbank_url, engine, capsys):
    assert cli(["migrate", "--url", datenbank_url]) == 0
    assert "Schema auf Stand" in capsys.readouterr().out
    assert cli(["demo", "--url", datenbank_url]) == 0
    assert "nichts zu tun" in capsys.readouterr().out
    assert cli(["reset", "--url", datenbank_url]) == 0
    assert "Demodaten zurückgesetzt" in capsys.readouterr().out


# contracts.md, agent channel: demo logins and roles
MITARBEITER_VERTRAG = {"sc-demo": "sc", "socl-demo": "socl", "trainer-demo": "trainer",
                       "admin-demo": "admin"}


def test_demo_mitarbeiter_wie_im_vertrag(engine):
    with session_scope(engine) as s:
        alle = {m.login: m for m in s.scalars(select(Mitarbeiter))}
        assert {login: m.rolle for login, m in alle.items()} == MITARBEITER_VERTRAG
        assert all(m.aktiv and m.demo and m.name for m in alle.values())


def test_reset_stellt_demo_mitarbeiter_wieder_her(engine):
    with session_scope(engine) as s:
        s.delete(s.get(Mitarbeiter, "sc-demo"))
        socl = s.get(Mitarbeiter, "socl-demo")
        socl.rolle, socl.aktiv = "sc", False
    assert load_demo_data(engine)["mitarbeiter"] == 1  # only the missing one
    with session_scope(engine) as s:
        assert s.get(Mitarbeiter, "socl-demo").rolle == "sc"
        s.delete(s.get(Mitarbeiter, "sc-demo"))
    ergebnis = reset_demo_data(engine)
    assert ergebnis["neu_mitarbeiter"] == 1
    with session_scope(engine) as s:
        alle = {m.login: (m.rolle, m.aktiv) for m in s.scalars(select(Mitarbeiter))}
    assert alle == {login: (rolle, True) for login, rolle in MITARBEITER_VERTRAG.items()}


def test_demo_abschlag_zaehlt_fuer_seinen_monat(engine):
    """Stefan Krüger's demo Abschlag (05.11.2026) blocks a second one in November."""
    from leitfaden.abschlag import ledger

    (zahlung,) = [z for z in ledger.zahlungen(engine, kundennummer="890H123456")
                  if z.art == "abschlag"]
    assert zahlung.monat == "2026-11" and zahlung.haertegrund == "miete"
