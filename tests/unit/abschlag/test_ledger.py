"""The Abschlag ledger on SQLite and PostgreSQL: exactly once, checks, audit, demo reset."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from ledger_hilfen import (
    ANNA,
    ANNA_IBAN,
    JULIA,
    KLAUS_IBAN,
    STEFAN,
    abschlaege,
    antrag_fuer,
    audit_anzahl,
    klaus_ueberweisen,
    mitarbeiter_anlegen,
    ueberweisen,
)
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from leitfaden.abschlag.ledger import (
    AbschlagBereitsGezahlt,
    IdempotenzKonflikt,
    KeineBerechtigung,
    KontoAbweichend,
    KundeUnbekannt,
    UngueltigeAngabe,
    UngueltigerBetrag,
    betrag_in_cent,
    iban_maskiert,
    kundennummer_maskiert,
    ueberweisung,
    zahlungen,
)
from leitfaden.abschlag.sepa import sepa_exportieren
from leitfaden.store.db import session_scope
from leitfaden.store.demo import reset_demo_data
from leitfaden.store.models import AbschlagAntrag, AuditEintrag, SepaExport, Zahlung

D = dt.date


def test_ueberweisung_wird_erfasst(engine, stichtag):
    u = ueberweisen(engine)
    assert u.neu is True
    assert re.fullmatch(r"AB-2026-\d{6}", u.bestaetigungsnummer)
    assert u.betrag == Decimal("889.10") and u.betrag_text == "889,10 €"
    assert u.iban_maskiert == "DE89 **** **** **** **30 00"
    # ordered on Wed 18.11.2026: 1 to 3 bank working days -> Thu 19.11. to Mon 23.11.
    assert (u.gutschrift_von, u.gutschrift_bis) == (D(2026, 11, 19), D(2026, 11, 23))
    [z] = abschlaege(engine, ANNA)
    assert (z.betrag_cent, z.datum, z.status, z.monat) == (88910, stichtag, "angewiesen",
                                                           "2026-11")
    assert z.bestaetigungsnummer == z.referenz == u.bestaetigungsnummer
    assert (z.iban, z.haertegrund, z.angewiesen_von) == (ANNA_IBAN, "miete", "socl-demo")
    assert (z.zeitraum_von, z.zeitraum_bis) == (D(2026, 11, 1), D(2026, 11, 17))
    assert z.idempotenz_schluessel == "anruf-1" and z.sepa_export_id is None
    assert z.haertegrund_text == "Miete fällig, Kündigung angedroht"


def test_gleicher_schluessel_liefert_das_gespeicherte_ergebnis(engine, stichtag):
    vorher = audit_anzahl(engine, "abschlag_ueberwiesen")  # the audit trail is never emptied
    erste = ueberweisen(engine)
    zweite = ueberweisen(engine)
    assert zweite.neu is False
    assert zweite.bestaetigungsnummer == erste.bestaetigungsnummer
    assert (zweite.betrag, zweite.gutschrift_von) == (erste.betrag, erste.gutschrift_von)
    assert len(abschlaege(engine, ANNA)) == 1
    assert audit_anzahl(engine, "abschlag_ueberwiesen") == vorher + 1
    assert ueberweisung(engine, erste.bestaetigungsnummer) == zweite


def test_gleicher_schluessel_fuer_andere_ueberweisung_ist_ein_konflikt(engine, stichtag):
    ueberweisen(engine)
    with pytest.raises(IdempotenzKonflikt, match="bereits für eine andere Überweisung"):
        ueberweisen(engine, betrag=Decimal("500.00"))
    with pytest.raises(IdempotenzKonflikt):
        klaus_ueberweisen(engine, idempotenz_schluessel="anruf-1")
    assert len(abschlaege(engine)) == 2  # Anna's and the demo payment of Stefan Krüger


def test_zweiter_abschlag_im_monat_wird_abgelehnt(engine, stichtag):
    erste = ueberweisen(engine)
    with pytest.raises(AbschlagBereitsGezahlt) as fehler:
        ueberweisen(engine, idempotenz_schluessel="anruf-2", betrag=Decimal("100.00"))
    assert "November 2026" in str(fehler.value) and "höchstens eine" in str(fehler.value)
    assert fehler.value.bestaetigungsnummer == erste.bestaetigungsnummer
    assert len(abschlaege(engine, ANNA)) == 1


def test_demo_abschlag_von_stefan_kruger_zaehlt(engine, stichtag):
    with pytest.raises(AbschlagBereitsGezahlt, match="200,00 € am 05.11.2026"):
        ueberweisen(engine, kundennummer=STEFAN, iban="DE26500105175566778899",
                    betrag=Decimal("100.00"))


def test_stornierter_abschlag_zaehlt_nicht(engine, stichtag):
    ueberweisen(engine)
    with session_scope(engine) as s:
        s.scalars(select(Zahlung).where(Zahlung.kundennummer == ANNA)).one().status = \
            "storniert"
    neu = ueberweisen(engine, idempotenz_schluessel="anruf-2")
    assert neu.neu is True
    assert [z.status for z in abschlaege(engine, ANNA)] == ["storniert", "angewiesen"]


def test_datenbank_erzwingt_hoechstens_einen_abschlag_je_monat(engine):
    def zeile(referenz: str, **werte) -> Zahlung:
        daten = {"kundennummer": ANNA, "art": "abschlag", "betrag_cent": 100,
                 "datum": D(2026, 11, 18), "status": "angewiesen", "monat": "2026-11"}
        daten.update(werte)
        return Zahlung(referenz=referenz, **daten)

    with session_scope(engine) as s:
        s.add(zeile("R-1"))
        s.add(zeile("R-2", status="storniert"))
        s.add(zeile("R-3", art="regulaer", monat=None))
        s.add(zeile("R-4", art="regulaer", monat=None))
        s.add(zeile("R-5", monat="2026-10"))
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.add(zeile("R-6"))
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.add(zeile("R-7", idempotenz_schluessel="x"))
        s.add(zeile("R-8", idempotenz_schluessel="x", monat="2026-09"))


@pytest.mark.parametrize("betrag", [889.10, 889, "889.10", Decimal("0"), Decimal("-5.00"),
                                    Decimal("889.101"), Decimal("NaN"), Decimal("Infinity")])
def test_ungueltige_betraege_werden_abgelehnt(engine, stichtag, betrag):
    with pytest.raises(UngueltigerBetrag):
        ueberweisen(engine, betrag=betrag)
    assert abschlaege(engine, ANNA) == []


def test_betrag_in_cent():
    assert betrag_in_cent(Decimal("889.10")) == 88910
    assert betrag_in_cent(Decimal("889.1")) == 88910
    assert betrag_in_cent(Decimal("889.100")) == 88910
    assert betrag_in_cent(Decimal("0.01")) == 1
    with pytest.raises(UngueltigerBetrag, match="float"):
        betrag_in_cent(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize("login", ["sc-demo", "trainer-demo", "admin-demo", "niemand", ""])
def test_nur_soc_l_darf_ueberweisen(engine, stichtag, login):
    vorher = audit_anzahl(engine, "abschlag_ueberwiesen")
    with pytest.raises(KeineBerechtigung):
        ueberweisen(engine, mitarbeiter_login=login)
    assert abschlaege(engine, ANNA) == []
    assert audit_anzahl(engine, "abschlag_ueberwiesen") == vorher


def test_deaktiviertes_soc_l_konto_darf_nicht_ueberweisen(engine, stichtag):
    mitarbeiter_anlegen(engine, "socl-alt", "socl", aktiv=False)
    with pytest.raises(KeineBerechtigung, match="deaktiviert"):
        ueberweisen(engine, mitarbeiter_login="socl-alt")
    mitarbeiter_anlegen(engine, "socl-neu", "socl")
    assert ueberweisen(engine, mitarbeiter_login="socl-neu").neu is True


def test_nur_auf_das_hinterlegte_konto(engine, stichtag):
    with pytest.raises(KontoAbweichend, match="nicht das hinterlegte Konto"):
        ueberweisen(engine, iban=KLAUS_IBAN)
    with pytest.raises(KontoAbweichend, match="keine Bankverbindung"):
        ueberweisen(engine, kundennummer=JULIA, iban=ANNA_IBAN, betrag=Decimal("328.00"),
                    zeitraum_von=D(2026, 11, 10))
    assert abschlaege(engine, ANNA) == [] and abschlaege(engine, JULIA) == []
    # blanks and lower case are tolerated, it is the same account
    assert ueberweisen(engine, iban="de89 3704 0044 0532 0130 00").neu is True


def test_unbekannter_kunde(engine, stichtag):
    with pytest.raises(KundeUnbekannt):
        ueberweisen(engine, kundennummer="999Z999999")


@pytest.mark.parametrize("abweichend, meldung", [
    ({"zeitraum_bis": D(2026, 11, 18)}, "zurückliegende"),
    ({"zeitraum_von": D(2026, 10, 31)}, "Kalendermonats"),
    ({"zeitraum_von": D(2026, 11, 17), "zeitraum_bis": D(2026, 11, 16)}, "beginnt nach"),
    ({"haertegrund": "urlaub"}, "Härtegrund"),
    ({"idempotenz_schluessel": ""}, "Idempotenzschlüssel"),
    ({"idempotenz_schluessel": "x" * 101}, "Idempotenzschlüssel"),
    ({"grund_text": ""}, "Grund"),
])
def test_ungueltige_angaben(engine, stichtag, abweichend, meldung):
    with pytest.raises(UngueltigeAngabe, match=meldung):
        ueberweisen(engine, **abweichend)
    assert abschlaege(engine, ANNA) == []


def test_audit_nennt_wer_was_wann_warum_maskiert(engine, stichtag):
    u = ueberweisen(engine)
    [z] = abschlaege(engine, ANNA)
    with session_scope(engine) as s:
        [eintrag] = s.scalars(select(AuditEintrag).where(
            AuditEintrag.aktion == "abschlag_ueberwiesen",
            AuditEintrag.objekt_id == str(z.id))).all()
    details = json.loads(eintrag.details)
    assert eintrag.akteur == "socl-demo" and eintrag.objekt_typ == "Zahlung"
    assert eintrag.zeitpunkt.date() == stichtag
    assert details["bestaetigungsnummer"] == u.bestaetigungsnummer
    assert details["betrag_cent"] == 88910 and details["haertegrund"] == "miete"
    assert details["grund"].startswith("Abschlag am Telefon")
    assert details["kundennummer"] == "123A****89"
    assert details["iban"] == "DE89 **** **** **** **30 00"
    assert ANNA not in eintrag.details and ANNA_IBAN not in eintrag.details


def test_masken():
    assert kundennummer_maskiert("123a 456789") == "123A****89"
    assert iban_maskiert("DE89 3704 0044 0532 0130 00") == "DE89 **** **** **** **30 00"
    assert iban_maskiert(None) == ""


def test_zahlungen_auflisten(engine, stichtag):
    u = ueberweisen(engine)
    klaus_ueberweisen(engine)
    alle = zahlungen(engine)
    assert {z.bestaetigungsnummer for z in alle} >= {u.bestaetigungsnummer}
    [anna] = zahlungen(engine, kundennummer="123a456789")
    assert anna.betrag == Decimal("889.10") and anna.monat == "2026-11"
    assert anna.als_dict()["iban_maskiert"] == "DE89 **** **** **** **30 00"
    [stefan] = zahlungen(engine, kundennummer=STEFAN)
    assert stefan.referenz == "DEMO-ABS-20261105-0001"


def test_bestaetigungsnummern_sind_eindeutig(engine, stichtag):
    a = ueberweisen(engine)
    b = klaus_ueberweisen(engine)
    assert a.bestaetigungsnummer != b.bestaetigungsnummer


def _anzahl(engine, modell) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(modell))


def test_demo_reset_entfernt_abschlaege_antraege_und_sepa_dateien(engine, stichtag):
    ueberweisen(engine)
    antrag_fuer(engine, "678F901234", schluessel="chat-klaus")
    assert sepa_exportieren(engine, akteur="test") is not None
    assert _anzahl(engine, AbschlagAntrag) == 1 and _anzahl(engine, SepaExport) == 1

    ergebnis = reset_demo_data(engine)

    assert ergebnis["entfernt_abschlag_antraege"] == 1
    assert ergebnis["entfernt_sepa_exporte"] == 1
    assert _anzahl(engine, AbschlagAntrag) == 0 and _anzahl(engine, SepaExport) == 0
    assert [z.referenz for z in abschlaege(engine)] == ["DEMO-ABS-20261105-0001"]
    # and Anna can get her Abschlag again (the same key is free again, too)
    assert ueberweisen(engine).neu is True


def test_haertegrund_wird_gespeichert(engine, stichtag):
    ueberweisen(engine, haertegrund="sonstiges", haertegrund_text="  ")
    [z] = abschlaege(engine, ANNA)
    assert (z.haertegrund, z.haertegrund_text) == ("sonstiges", None)


def test_ueberweisung_zum_schluessel_fuer_wiederholungen(engine, stichtag):
    """A retried request finds the transfer its key made, before any rule is checked again."""
    from leitfaden.abschlag.ledger import abschlag_ueberweisen, ueberweisung_zum_schluessel

    assert ueberweisung_zum_schluessel(engine, "g-1:123A456789:2026-11") is None
    u = abschlag_ueberweisen(
        engine, kundennummer="123A456789", betrag=Decimal("889.10"),
        iban="DE89370400440532013000", zeitraum_von=dt.date(2026, 11, 1),
        zeitraum_bis=dt.date(2026, 11, 17), haertegrund="miete", haertegrund_text="Miete",
        mitarbeiter_login="socl-demo", idempotenz_schluessel="g-1:123A456789:2026-11",
        grund_text="17 Tage")
    wieder = ueberweisung_zum_schluessel(engine, "g-1:123A456789:2026-11")
    assert wieder is not None and not wieder.neu
    assert (wieder.bestaetigungsnummer, wieder.betrag) == (u.bestaetigungsnummer, u.betrag)
