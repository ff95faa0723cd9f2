"""SqlRepository on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from leitfaden.store.db import session_scope
from leitfaden.store.models import Anspruch, Kunde, Unterstuetzungsangebot, Vollmacht
from leitfaden.store.records import AngebotRecord, KundeRecord, ist_kundennummer
from leitfaden.store.repository import Repository, SqlRepository, ZahlungKonflikt

D = dt.date
STICHTAG = D(2026, 11, 18)


def _kunde_ohne_anspruch(engine, nummer: str = "222K333444") -> None:
    with session_scope(engine) as s:
        s.add(Kunde(kundennummer=nummer, vorname="Ohne", nachname="Anspruch",
                    geburtsdatum=D(1990, 2, 2), plz="10115", ort="Berlin"))


def test_erfuellt_das_protokoll(repo):
    assert isinstance(repo, Repository)


def test_kunde_liefert_record_und_toleriert_schreibweise(repo):
    kunde = repo.kunde(" 123a 456789 ")
    assert isinstance(kunde, KundeRecord)
    assert kunde.name == "Anna Schmidt"
    assert kunde.iban_letzte4 == "3000"
    with pytest.raises(dataclasses.FrozenInstanceError):
        kunde.iban = "x"
    assert repo.kunde("000A000000") is None
    assert ist_kundennummer("123a456789") and not ist_kundennummer("12A3456789")


def test_kein_anspruch_ist_darstellbar(engine, repo):
    _kunde_ohne_anspruch(engine)
    assert repo.kunde("222K333444") is not None
    assert repo.ansprueche("222K333444") == []
    assert repo.aktueller_anspruch("222K333444", STICHTAG) is None


def test_aktueller_anspruch_bevorzugt_laufenden(engine, repo):
    with session_scope(engine) as s:
        # an old, ended approved claim and a rejected one; plus a future approved claim
        s.add(Anspruch(kundennummer="123A456789", status="bewilligt", beginn=D(2024, 1, 1),
                       ende=D(2024, 12, 31), tagessatz_cent=4000))
        s.add(Anspruch(kundennummer="123A456789", status="abgelehnt",
                       entschieden_am=D(2026, 10, 1)))
        s.add(Anspruch(kundennummer="234B567890", status="bewilligt", beginn=D(2026, 12, 1),
                       tagessatz_cent=3000))
    assert len(repo.ansprueche("123A456789")) == 3
    anna = repo.aktueller_anspruch("123A456789", STICHTAG)
    assert (anna.status, anna.beginn, anna.tagessatz_cent) == ("bewilligt", D(2026, 9, 1), 5230)
    assert repo.aktueller_anspruch("123A456789", D(2024, 6, 1)).tagessatz_cent == 4000
    # pending beats approved-in-the-future
    assert repo.aktueller_anspruch("234B567890", STICHTAG).status == "in_bearbeitung"
    assert repo.aktueller_anspruch("345C678901", STICHTAG).status == "abgelehnt"


def test_vollmachten_nur_gueltige(engine, repo):
    with session_scope(engine) as s:
        s.add(Vollmacht(kundennummer="123A456789", vertreter_vorname="Peter",
                        vertreter_nachname="Schmidt", vertreter_geburtsdatum=D(1980, 1, 1),
                        umfang="vollumfaenglich", gueltig_ab=D(2026, 1, 1),
                        gueltig_bis=D(2026, 6, 30)))
        s.add(Vollmacht(kundennummer="123A456789", vertreter_vorname="Lisa",
                        vertreter_nachname="Schmidt", vertreter_geburtsdatum=D(1982, 2, 2),
                        umfang="teilweise", gueltig_ab=D(2026, 12, 1)))
        s.add(Vollmacht(kundennummer="123A456789", vertreter_vorname="Jan",
                        vertreter_nachname="Schmidt", vertreter_geburtsdatum=D(1984, 3, 3),
                        umfang="teilweise", gueltig_ab=D(2026, 11, 1),
                        gueltig_bis=STICHTAG))
    assert [v.vertreter_vorname for v in repo.vollmachten("123A456789", STICHTAG)] == ["Jan"]
    assert [v.vertreter_vorname for v in repo.vollmachten("123A456789", D(2026, 3, 1))] == [
        "Peter"]
    assert [v.vertreter_vorname for v in repo.vollmachten("123A456789", D(2026, 12, 1))] == [
        "Lisa"]
    (sabine,) = repo.vollmachten("678F901234", STICHTAG)
    assert sabine.vollumfaenglich and sabine.gilt_am(STICHTAG)
    (martin,) = repo.vollmachten("789G012345", STICHTAG)
    assert not martin.vollumfaenglich
    assert repo.vollmachten("678F901234", D(2026, 2, 1)) == []


def test_zahlungen_zeitraum_und_art(repo):
    assert len(repo.zahlungen("890H123456", D(2026, 11, 1), D(2026, 11, 30))) == 1
    assert len(repo.zahlungen("890H123456", D(2026, 11, 5), D(2026, 11, 5), art="abschlag")) == 1
    assert repo.zahlungen("890H123456", D(2026, 11, 1), D(2026, 11, 30), art="regulaer") == []
    assert repo.zahlungen("890H123456", D(2026, 10, 1), D(2026, 10, 31)) == []


def test_zahlung_erfassen_einmalig_mit_audit(stichtag, repo):
    daten = {
        "kundennummer": "123A456789", "art": "abschlag", "betrag_cent": 88910,
        "datum": stichtag, "referenz": "ABS-TEST-0001", "akteur": "socl-demo",
        "iban": "DE89 3704 0044 0532 0130 00", "zeitraum_von": D(2026, 11, 1),
        "zeitraum_bis": D(2026, 11, 17), "grund": "Miete",
    }
    erste = repo.zahlung_erfassen(**daten)
    assert (erste.betrag_cent, erste.status, erste.iban) == (
        88910, "angewiesen", "DE89370400440532013000")
    assert erste.erstellt_am.date() == stichtag and erste.erstellt_von == "socl-demo"
    assert repo.zahlung_erfassen(**daten) == erste  # same reference: no second payment
    assert len(repo.zahlungen("123A456789", D(2026, 11, 1), D(2026, 11, 30))) == 1
    with pytest.raises(ZahlungKonflikt):
        repo.zahlung_erfassen(**{**daten, "betrag_cent": 100})
    with pytest.raises(TypeError):
        repo.zahlung_erfassen(**{**daten, "referenz": "F", "betrag_cent": 889.10})
    (eintrag,) = repo.audit(objekt_typ="Zahlung", objekt_id=str(erste.id))
    assert eintrag.aktion == "zahlung_erfasst" and eintrag.akteur == "socl-demo"
    assert eintrag.details["betrag_cent"] == 88910
    assert eintrag.details["referenz"] == "ABS-TEST-0001"


def test_vermerk_speichern_mit_audit(stichtag, engine, repo):
    _kunde_ohne_anspruch(engine)
    vermerk = repo.vermerk_speichern(
        conversation_id="conv-1", kundennummer="123a456789", guide="3.301",
        guide_step="3.301.8", anliegen="abschlag", text="  Abschlag 889,10 € angewiesen. ",
        created_by="socl-demo",
    )
    assert vermerk.kundennummer == "123A456789" and vermerk.demo is True
    assert vermerk.text == "Abschlag 889,10 € angewiesen."
    assert vermerk.created_at.date() == stichtag and vermerk.created_at.tzinfo is not None
    fremd = repo.vermerk_speichern(conversation_id="conv-2", kundennummer="222K333444",
                                   text="Vermerk", created_by="sc-01")
    assert fremd.demo is False
    anonym = repo.vermerk_speichern(conversation_id="conv-1", text="Ohne Kunde",
                                    created_by="sc-demo", guide="3.000", guide_step="3.000.7")
    assert [v.id for v in repo.vermerke(conversation_id="conv-1")] == [vermerk.id, anonym.id]
    assert [v.id for v in repo.vermerke(kundennummer="123A456789")] == [vermerk.id]
    assert [v.id for v in repo.vermerke(conversation_id="conv-1",
                                        kundennummer="123A456789")] == [vermerk.id]
    assert len(repo.vermerke()) == 3

    (eintrag,) = repo.audit(objekt_typ="Gespraechsvermerk", objekt_id=str(vermerk.id))
    assert eintrag.aktion == "vermerk_gespeichert" and eintrag.akteur == "socl-demo"
    assert eintrag.details == {"conversation_id": "conv-1", "kundennummer": "123A456789",
                               "guide": "3.301", "guide_step": "3.301.8",
                               "anliegen": "abschlag"}
    assert eintrag.zeitpunkt.date() == stichtag
    with pytest.raises(ValueError):
        repo.vermerk_speichern(conversation_id="conv-3", text="  ", created_by="x")


def test_audit_neueste_zuerst(repo):
    a = repo.vermerk_speichern(conversation_id="c", text="eins", created_by="t")
    b = repo.vermerk_speichern(conversation_id="c", text="zwei", created_by="t")
    ids = [e.objekt_id for e in repo.audit(objekt_typ="Gespraechsvermerk", limit=2)]
    assert ids == [str(b.id), str(a.id)]


def test_dienststellen_und_plz(repo):
    alle = repo.dienststellen()
    assert len(alle) == 9 and {d.agentur_id for d in alle} == {
        "nuernberg", "berlin", "hamburg", "koeln", "muenchen", "leipzig"}
    mitte = repo.dienststelle_fuer_plz("90402")
    assert mitte.id == "nuernberg-mitte" and mitte.agentur_name == "Agentur für Arbeit Nürnberg"
    assert repo.dienststelle_fuer_plz("90491").id == "nuernberg-langwasser"
    assert repo.dienststelle_fuer_plz("04109").ort == "Leipzig"
    assert repo.dienststelle_fuer_plz("99999") is None
    assert repo.dienststelle_fuer_plz("abc") is None
    assert "90402" in repo.postleitzahlen("nuernberg-mitte")


def test_angebote_gueltigkeit_und_art(repo):
    ids = {a.id for a in repo.angebote("nuernberg-langwasser", STICHTAG)}
    assert "nuernberg-langwasser-digitalkurs-2026" not in ids
    assert {a.id for a in repo.angebote("nuernberg-langwasser", D(2026, 10, 31))} >= {
        "nuernberg-langwasser-digitalkurs-2026"}
    assert repo.angebote("muenchen-zentrum", STICHTAG, art="digitalkurs") == []
    assert repo.angebote("muenchen-zentrum", D(2026, 12, 31), art="digitalkurs") == []
    (kurs,) = repo.angebote("muenchen-zentrum", D(2027, 1, 1), art="digitalkurs")
    assert isinstance(kurs, AngebotRecord) and kurs.gilt_am(D(2027, 1, 2))
    assert [(z.wochentag, z.von, z.bis) for z in kurs.zeiten] == [
        (2, dt.time(9), dt.time(11, 30))]
    arten = [a.art for a in repo.angebote("nuernberg-mitte", STICHTAG)]
    assert sorted(arten) == ["gebaerdensprache", "online_registrierung", "vertretung_vero"]
    with pytest.raises(ValueError):
        repo.angebote("nuernberg-mitte", STICHTAG, art="kochkurs")


def test_angebot_ende_am_stichtag_ist_noch_gueltig(engine, repo):
    with session_scope(engine) as s:
        s.get(Unterstuetzungsangebot, "leipzig-zentrum-selbstinfo").gueltig_bis = STICHTAG
    assert "leipzig-zentrum-selbstinfo" in {
        a.id for a in repo.angebote("leipzig-zentrum", STICHTAG)}
    assert "leipzig-zentrum-selbstinfo" not in {
        a.id for a in repo.angebote("leipzig-zentrum", STICHTAG + dt.timedelta(days=1))}


def test_zurueckgezogenes_angebot_gilt_nie(engine, repo):
    kurs = "muenchen-zentrum-digitalkurs-2027"
    jetzt = dt.datetime(2026, 11, 18, 9, 15)
    with session_scope(engine) as s:
        s.get(Unterstuetzungsangebot, kurs).zurueckgezogen_am = jetzt
    for tag in (D(2027, 1, 1), D(2027, 6, 1)):
        assert kurs not in {a.id for a in repo.angebote("muenchen-zentrum", tag)}
        assert repo.angebote("muenchen-zentrum", tag, art="digitalkurs") == []
    record = repo.angebot(kurs)  # by id it is still there, marked
    assert record.zurueckgezogen_am == jetzt.replace(tzinfo=dt.timezone.utc)
    assert record.zurueckgezogen and not record.gilt_am(D(2027, 1, 1))
    assert dataclasses.replace(record, zurueckgezogen_am=None).gilt_am(D(2027, 1, 1))
    assert repo.angebot("hamburg-mitte-videoberatung").zurueckgezogen_am is None


def test_sql_repository_gibt_keine_orm_objekte(repo: SqlRepository):
    werte = [repo.kunde("123A456789"), *repo.ansprueche("123A456789"),
             *repo.vollmachten("678F901234", STICHTAG), *repo.dienststellen(),
             *repo.angebote("hamburg-mitte", STICHTAG)]
    assert all(dataclasses.is_dataclass(w) for w in werte)


# --- appointment requests (GLF 1.000.3) -------------------------------------------------------


def test_terminanfrage_einmal_je_gespraech_angebot_und_tag(repo):
    werte = {"angebot_id": "nuernberg-mitte-gebaerdensprache", "conversation_id": "g-1",
             "name": "Anna Schmidt", "datum": dt.date(2026, 11, 24), "von": dt.time(9),
             "bis": dt.time(12), "erstellt_von": "leitfaden:kunde"}
    erste = repo.terminanfrage_speichern(**werte)
    zweite = repo.terminanfrage_speichern(**werte)
    assert erste == zweite
    assert erste.nummer == f"T-{erste.id:06d}" and erste.status == "angefragt"
    anderer_tag = repo.terminanfrage_speichern(**{**werte, "datum": dt.date(2026, 12, 1)})
    assert anderer_tag.id != erste.id
    assert [a.datum for a in repo.terminanfragen(conversation_id="g-1")] == [
        dt.date(2026, 11, 24), dt.date(2026, 12, 1)]
    assert repo.terminanfragen(angebot_id="nuernberg-mitte-vero") == []
    audit = [e for e in repo.audit(objekt_typ="Terminanfrage")
             if e.objekt_id in (str(erste.id), str(anderer_tag.id))]
    assert len(audit) == 2  # the repeated call wrote nothing
    assert all("Anna" not in repr(e.details) for e in audit)


def test_terminanfrage_fuer_unbekanntes_angebot_oder_ohne_namen(repo):
    werte = {"angebot_id": "gibt-es-nicht", "conversation_id": "g-2", "name": "Anna Schmidt",
             "datum": dt.date(2026, 11, 24), "von": dt.time(9), "bis": dt.time(12),
             "erstellt_von": "t"}
    with pytest.raises(ValueError, match="Unbekanntes Unterstützungsangebot"):
        repo.terminanfrage_speichern(**werte)
    with pytest.raises(ValueError, match="Namen"):
        repo.terminanfrage_speichern(**{**werte, "angebot_id": "nuernberg-mitte-vero",
                                        "name": "  "})
    assert repo.terminanfragen() == []


def test_angebot_nach_id_auch_wenn_beendet(repo):
    beendet = repo.angebot("nuernberg-langwasser-digitalkurs-2026")
    assert beendet is not None and beendet.gueltig_bis == dt.date(2026, 10, 31)
    assert repo.angebot("gibt-es-nicht") is None
