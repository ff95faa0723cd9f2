"""The Abschlag decision shared by the GLF 3.301 actions and the console."""

from __future__ import annotations

from decimal import Decimal

import pytest
from konsole_hilfen import ANNA, HEUTE, ueberweisen

from leitfaden.abschlag.pruefung import entscheidung_fuer
from leitfaden.store.repository import SqlRepository


def test_anna_am_stichtag(engine):
    e = entscheidung_fuer(SqlRepository(engine), ANNA, None, HEUTE)
    assert e.moeglich and e.betrag == Decimal("889.10") and e.tage == 17
    assert e.berechnung_text == "17 Tage × 52,30 € − 0,00 € = 889,10 €"


def test_teilweise_vollmacht_reicht_nicht(engine):
    e = entscheidung_fuer(SqlRepository(engine), ANNA, "teilweise", HEUTE)
    assert not e.moeglich and e.codes == ("vollmacht_teilweise",)


def test_die_eigene_ueberweisung_bleibt_auf_wunsch_aussen_vor(engine):
    u = ueberweisen(engine)
    repo = SqlRepository(engine)
    danach = entscheidung_fuer(repo, ANNA, None, HEUTE)
    assert not danach.moeglich and "abschlag_im_monat" in danach.codes
    wie_vorher = entscheidung_fuer(repo, ANNA, None, HEUTE,
                                   ohne_referenz=u.bestaetigungsnummer)
    assert wie_vorher.moeglich and wie_vorher.betrag == Decimal("889.10")


def test_unbekannte_kundennummer(engine):
    with pytest.raises(LookupError):
        entscheidung_fuer(SqlRepository(engine), "999Z999999", None, HEUTE)
