"""Bank working days in Germany and the regular payment date."""

from __future__ import annotations

import pytest
from hilfen import D

from leitfaden.abschlag.bankkalender import (
    Zeitraum,
    bankarbeitstage_zwischen,
    folgemonat,
    gutschrift_erwartet,
    ist_bankarbeitstag,
    monatserster,
    monatsletzter,
    naechster_bankarbeitstag,
    plus_bankarbeitstage,
    regulaerer_zahltag,
)


@pytest.mark.parametrize(("tag", "erwartet"), [
    (D(2026, 11, 18), True),  # Buß- und Bettag: only a holiday in Saxony
    (D(2026, 11, 21), False),  # Saturday
    (D(2026, 11, 22), False),  # Sunday
    (D(2026, 12, 24), False),  # Thursday, banks closed
    (D(2026, 12, 25), False),
    (D(2026, 12, 31), False),  # Thursday, banks closed
    (D(2027, 1, 1), False),
    (D(2026, 4, 3), False),  # Good Friday
    (D(2026, 4, 6), False),  # Easter Monday
    (D(2026, 5, 1), False),
    (D(2026, 5, 14), False),  # Ascension Day
    (D(2026, 5, 25), False),  # Whit Monday
    (D(2026, 6, 4), True),  # Corpus Christi: regional only
    (D(2027, 10, 4), True),
    (D(2028, 10, 3), False),  # German Unity Day on a Tuesday
    (D(2025, 10, 31), True),  # Reformation Day: regional only
])
def test_ist_bankarbeitstag(tag, erwartet):
    assert ist_bankarbeitstag(tag) is erwartet


def test_naechster_bankarbeitstag_schliesst_den_tag_selbst_ein():
    assert naechster_bankarbeitstag(D(2026, 11, 18)) == D(2026, 11, 18)
    assert naechster_bankarbeitstag(D(2026, 11, 21)) == D(2026, 11, 23)
    assert naechster_bankarbeitstag(D(2026, 12, 24)) == D(2026, 12, 28)
    assert naechster_bankarbeitstag(D(2026, 12, 31)) == D(2027, 1, 4)


def test_plus_bankarbeitstage():
    assert plus_bankarbeitstage(D(2026, 11, 18), 1) == D(2026, 11, 19)
    assert plus_bankarbeitstage(D(2026, 11, 20), 1) == D(2026, 11, 23)
    assert plus_bankarbeitstage(D(2026, 12, 23), 2) == D(2026, 12, 29)
    assert plus_bankarbeitstage(D(2026, 11, 21), 0) == D(2026, 11, 23)
    with pytest.raises(ValueError):
        plus_bankarbeitstage(D(2026, 11, 18), -1)


@pytest.mark.parametrize(("von", "bis", "anzahl"), [
    (D(2026, 11, 27), D(2026, 12, 1), 2),  # Mon 30.11., Tue 01.12.
    (D(2026, 11, 26), D(2026, 12, 1), 3),
    (D(2026, 11, 18), D(2026, 12, 1), 9),
    (D(2026, 12, 23), D(2027, 1, 4), 4),  # 28., 29., 30.12., 04.01.
    (D(2026, 11, 18), D(2026, 11, 18), 0),
    (D(2026, 12, 1), D(2026, 11, 18), 0),
    (D(2026, 11, 20), D(2026, 11, 22), 0),  # Saturday and Sunday only
])
def test_bankarbeitstage_zwischen(von, bis, anzahl):
    assert bankarbeitstage_zwischen(von, bis) == anzahl


@pytest.mark.parametrize(("monat_tag", "zahltag"), [
    (D(2026, 11, 18), D(2026, 12, 1)),
    (D(2026, 11, 1), D(2026, 12, 1)),
    (D(2026, 11, 30), D(2026, 12, 1)),
    (D(2026, 10, 15), D(2026, 11, 2)),  # 01.11.2026 is a Sunday
    (D(2026, 12, 5), D(2027, 1, 4)),  # 01.01. holiday, then the weekend
    (D(2027, 3, 10), D(2027, 4, 1)),
    (D(2027, 4, 10), D(2027, 5, 3)),  # 01.05.2027: holiday on a Saturday
    (D(2027, 9, 10), D(2027, 10, 1)),
    (D(2028, 2, 29), D(2028, 3, 1)),
])
def test_regulaerer_zahltag(monat_tag, zahltag):
    assert regulaerer_zahltag(monat_tag) == zahltag
    assert ist_bankarbeitstag(zahltag)


def test_gutschrift_erwartet():
    assert gutschrift_erwartet(D(2026, 11, 18)) == Zeitraum(D(2026, 11, 19), D(2026, 11, 23))
    zeitraum = gutschrift_erwartet(D(2026, 12, 23))
    assert zeitraum == (D(2026, 12, 28), D(2026, 12, 30))
    assert zeitraum.text == "zwischen dem 28.12.2026 und dem 30.12.2026"
    assert gutschrift_erwartet(D(2026, 11, 21)).von == D(2026, 11, 23)  # ordered on Saturday
    assert Zeitraum(D(2026, 12, 1), D(2026, 12, 1)).text == "am 01.12.2026"


def test_monatsgrenzen():
    assert monatserster(D(2026, 11, 18)) == D(2026, 11, 1)
    assert folgemonat(D(2026, 12, 31)) == D(2027, 1, 1)
    assert folgemonat(D(2026, 1, 31)) == D(2026, 2, 1)
    assert monatsletzter(D(2028, 2, 3)) == D(2028, 2, 29)
    assert monatsletzter(D(2027, 2, 3)) == D(2027, 2, 28)
    assert monatsletzter(D(2026, 12, 3)) == D(2026, 12, 31)
