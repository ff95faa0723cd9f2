"""The SOC-L work queue on SQLite and PostgreSQL: prepare, list, approve, reject."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from ledger_hilfen import (
    ANNA,
    KLAUS,
    STEFAN,
    abschlaege,
    antrag_fuer,
    audit_anzahl,
    ueberweisen,
)
from sqlalchemy import select

from leitfaden.abschlag.ledger import (
    AbschlagBereitsGezahlt,
    KeineBerechtigung,
    KundeUnbekannt,
    UngueltigeAngabe,
)
from leitfaden.abschlag.warteschlange import (
    AntragBereitsEntschieden,
    AntragBereitsOffen,
    AntragNichtMehrMoeglich,
    AntragUnbekannt,
    ablehnen,
    abschlag_pruefen,
    antraege,
    antrag,
    antrag_stellen,
    genehmigen,
    offene_antraege,
)
from leitfaden.store.db import session_scope
from leitfaden.store.models import AuditEintrag


def test_antrag_stellen_und_auflisten(engine, stichtag):
    a = antrag_fuer(engine)
    assert re.fullmatch(r"VG-2026-\d{6}", a.vorgangsnummer)
    assert (a.status, a.kundennummer, a.monat, a.neu) == ("offen", ANNA, "2026-11", True)
    assert a.betrag == Decimal("889.10") and a.betrag_text == "889,10 €"
    assert a.berechnung["tage"] == 17 and a.berechnung["betrag"] == "889.10"
    assert a.bestaetigungsnummer is None

    [offen] = offene_antraege(engine)
    assert offen.vorgangsnummer == a.vorgangsnummer and offen.neu is False
    assert antrag(engine, a.vorgangsnummer.lower()) == offen
    assert antrag(engine, "VG-2026-999999") is None
    daten = offen.als_dict()
    assert json.loads(json.dumps(daten)) == daten  # JSON-ready, no Decimal or float
    assert daten["betrag"] == "889.10" and daten["haertegrund_label"].startswith("Miete")


def test_antrag_ist_idempotent_und_einmal_je_monat(engine, stichtag):
    a = antrag_fuer(engine)
    wieder = antrag_fuer(engine)
    assert (wieder.vorgangsnummer, wieder.neu) == (a.vorgangsnummer, False)
    with pytest.raises(AntragBereitsOffen, match=a.vorgangsnummer) as fehler:
        antrag_fuer(engine, schluessel="chat-2")
    assert fehler.value.antrag.vorgangsnummer == a.vorgangsnummer
    with pytest.raises(UngueltigeAngabe, match="anderen Antrag"):
        antrag_fuer(engine, betrag=Decimal("100.00"))
    assert len(antraege(engine)) == 1


def test_antrag_stellen_prueft_die_angaben(engine, stichtag):
    berechnung = abschlag_pruefen(engine, ANNA).als_dict()

    def stellen(**abweichend):
        werte = {"kundennummer": ANNA, "betrag": Decimal("889.10"), "berechnung": berechnung,
                 "haertegrund": "lebensmittel", "haertegrund_text": None,
                 "conversation_id": "c-1", "idempotenz_schluessel": "k-1"}
        werte.update(abweichend)
        return antrag_stellen(engine, **werte)

    with pytest.raises(UngueltigeAngabe, match="höher als der berechnete"):
        stellen(betrag=Decimal("889.11"))
    with pytest.raises(UngueltigeAngabe, match="keine Abschlagszahlung möglich"):
        stellen(berechnung={**berechnung, "moeglich": False})
    with pytest.raises(UngueltigeAngabe, match="Härtegrund"):
        stellen(haertegrund="wunsch")
    with pytest.raises(KundeUnbekannt):
        stellen(kundennummer="999Z999999")
    with pytest.raises(AbschlagBereitsGezahlt):
        stellen(kundennummer=STEFAN, betrag=Decimal("100.00"))
    assert antraege(engine) == []
    assert stellen(betrag=Decimal("500.00")).betrag == Decimal("500.00")


def test_genehmigen_zahlt_einmal_mit_bestaetigungsnummer(engine, stichtag):
    a = antrag_fuer(engine)
    u = genehmigen(engine, a.vorgangsnummer, "socl-demo")
    assert u.neu is True and u.betrag == Decimal("889.10")
    assert re.fullmatch(r"AB-2026-\d{6}", u.bestaetigungsnummer)
    [z] = abschlaege(engine, ANNA)
    assert z.idempotenz_schluessel == f"antrag:{a.vorgangsnummer}"
    assert (z.angewiesen_von, z.haertegrund) == ("socl-demo", "miete")

    entschieden = antrag(engine, a.vorgangsnummer)
    assert entschieden.status == "genehmigt" and entschieden.entschieden_von == "socl-demo"
    assert entschieden.bestaetigungsnummer == u.bestaetigungsnummer
    assert offene_antraege(engine) == []

    wieder = genehmigen(engine, a.vorgangsnummer, "socl-demo")
    assert wieder.neu is False and wieder.bestaetigungsnummer == u.bestaetigungsnummer
    assert len(abschlaege(engine, ANNA)) == 1
    with pytest.raises(AntragBereitsEntschieden, match="bereits .*genehmigt"):
        ablehnen(engine, a.vorgangsnummer, "socl-demo", "doch nicht")

    with session_scope(engine) as s:
        aktionen = set(s.scalars(select(AuditEintrag.aktion).where(
            AuditEintrag.objekt_typ == "AbschlagAntrag",
            AuditEintrag.objekt_id == a.vorgangsnummer)))
    assert aktionen == {"abschlag_antrag_gestellt", "abschlag_antrag_genehmigt"}


def test_genehmigter_betrag_hoechstens_der_beantragte(engine, stichtag, monkeypatch):
    a = antrag_fuer(engine, betrag=Decimal("500.00"))
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-11-20")  # 19 days possible now: 993,70 €
    assert genehmigen(engine, a.vorgangsnummer, "socl-demo").betrag == Decimal("500.00")


def test_ablehnen(engine, stichtag):
    a = antrag_fuer(engine)
    with pytest.raises(UngueltigeAngabe, match="Grund"):
        ablehnen(engine, a.vorgangsnummer, "socl-demo", "  ")
    abgelehnt = ablehnen(engine, a.vorgangsnummer, "socl-demo",
                         "Keine unbillige Härte erkennbar")
    assert abgelehnt.status == "abgelehnt"
    assert abgelehnt.ablehnungsgrund == "Keine unbillige Härte erkennbar"
    assert offene_antraege(engine) == []
    with pytest.raises(AntragBereitsEntschieden, match="abgelehnt"):
        genehmigen(engine, a.vorgangsnummer, "socl-demo")
    with pytest.raises(AntragBereitsEntschieden):
        ablehnen(engine, a.vorgangsnummer, "socl-demo", "nochmal")
    assert abschlaege(engine, ANNA) == []
    # after a rejection the customer may ask again this month
    assert antrag_fuer(engine, schluessel="chat-2").status == "offen"


@pytest.mark.parametrize("login", ["sc-demo", "admin-demo", "trainer-demo", "unbekannt"])
def test_nur_soc_l_entscheidet(engine, stichtag, login):
    a = antrag_fuer(engine)
    with pytest.raises(KeineBerechtigung):
        genehmigen(engine, a.vorgangsnummer, login)
    with pytest.raises(KeineBerechtigung):
        ablehnen(engine, a.vorgangsnummer, login, "kein Grund")
    assert antrag(engine, a.vorgangsnummer).status == "offen"
    assert abschlaege(engine, ANNA) == []


def test_unbekannter_vorgang(engine, stichtag):
    with pytest.raises(AntragUnbekannt):
        genehmigen(engine, "VG-2026-999999", "socl-demo")
    with pytest.raises(AntragUnbekannt):
        ablehnen(engine, "VG-2026-999999", "socl-demo", "Grund")


def test_zahltag_zu_nah_bei_der_entscheidung(engine, stichtag, monkeypatch):
    a = antrag_fuer(engine)
    vorher = audit_anzahl(engine, "abschlag_antrag_nicht_mehr_moeglich")
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-11-27")
    with pytest.raises(AntragNichtMehrMoeglich) as fehler:
        genehmigen(engine, a.vorgangsnummer, "socl-demo")
    assert [g.code for g in fehler.value.gruende] == ["zahltag_nah"]
    assert "01.12.2026" in str(fehler.value)
    assert antrag(engine, a.vorgangsnummer).status == "offen"
    assert abschlaege(engine, ANNA) == []
    assert audit_anzahl(engine, "abschlag_antrag_nicht_mehr_moeglich") == vorher + 1
    # the employee then rejects it with that reason
    assert ablehnen(engine, a.vorgangsnummer, "socl-demo", "Zahltag zu nah").status == \
        "abgelehnt"


def test_inzwischen_am_telefon_gezahlt(engine, stichtag):
    a = antrag_fuer(engine)
    ueberweisen(engine)
    with pytest.raises(AntragNichtMehrMoeglich) as fehler:
        genehmigen(engine, a.vorgangsnummer, "socl-demo")
    assert "abschlag_im_monat" in [g.code for g in fehler.value.gruende]
    assert len(abschlaege(engine, ANNA)) == 1


def test_monat_vorbei(engine, stichtag, monkeypatch):
    a = antrag_fuer(engine, KLAUS, schluessel="chat-klaus")
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-12-10")
    with pytest.raises(AntragNichtMehrMoeglich, match="November 2026") as fehler:
        genehmigen(engine, a.vorgangsnummer, "socl-demo")
    assert [g.code for g in fehler.value.gruende] == ["monat_vorbei"]
