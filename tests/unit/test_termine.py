"""Next appointment slot of a support offer (GLF 1.000.3), holidays skipped."""

from __future__ import annotations

import datetime as dt

import pytest

from leitfaden import termine
from leitfaden.store.records import AngebotRecord, AngebotsZeitRecord


def _angebot(*zeiten, termin=True, ab=dt.date(2026, 7, 20), bis=None, id_="a") -> AngebotRecord:
    return AngebotRecord(
        id=id_, dienststelle_id="d", art="digitalkurs", titel="Kurs", beschreibung="b",
        ort_raum="Raum 1",
        zeiten=tuple(AngebotsZeitRecord(t, dt.time(v), dt.time(b)) for t, v, b in zeiten),
        termin_erforderlich=termin, buchung=None, barrierefreiheit=None, sprachen=("Deutsch",),
        kontakt_telefon="0911 1", kontakt_email=None, gueltig_ab=ab, gueltig_bis=bis,
        geaendert_am=dt.datetime(2026, 7, 1),
    )


def test_naechster_termin_ab_morgen():
    # 2026-11-18 is a Wednesday; a Wednesday slot is next week, a Thursday slot tomorrow
    mittwochs = _angebot((2, 9, 12))
    assert termine.naechster_termin(mittwochs, dt.date(2026, 11, 18)) == termine.Terminvorschlag(
        "a", dt.date(2026, 11, 25), dt.time(9), dt.time(12))
    donnerstags = _angebot((3, 14, 17), (3, 9, 11))
    vorschlag = termine.naechster_termin(donnerstags, dt.date(2026, 11, 18))
    assert (vorschlag.datum, vorschlag.von) == (dt.date(2026, 11, 19), dt.time(9))
    assert vorschlag.text == "Donnerstag, 19.11.2026, 9:00-11:00 Uhr"


def test_feiertage_werden_uebersprungen():
    # Friday 2026-12-25 (1. Weihnachtstag) -> the next Friday, 2027-01-01, is a holiday too
    freitags = _angebot((4, 9, 12))
    assert termine.ist_feiertag(dt.date(2026, 12, 25))
    assert termine.ist_feiertag(dt.date(2027, 1, 1))
    assert termine.naechster_termin(freitags, dt.date(2026, 12, 21)).datum == dt.date(2027, 1, 8)


def test_angebot_mit_spaeterem_beginn_erst_ab_beginn():
    dienstags_ab_dezember = _angebot((1, 9, 12), ab=dt.date(2026, 12, 1))
    assert termine.naechster_termin(dienstags_ab_dezember, dt.date(2026, 11, 18)).datum == \
        dt.date(2026, 12, 1)


def test_angebot_endet_vor_seinem_naechsten_termin():
    dienstags_bis_20_11 = _angebot((1, 9, 12), bis=dt.date(2026, 11, 20))
    assert termine.naechster_termin(dienstags_bis_20_11, dt.date(2026, 11, 18)) is None


@pytest.mark.parametrize(("datum", "erwartet"), [
    (dt.date(2026, 11, 24), (dt.time(9), dt.time(12))),   # a Tuesday after today
    (dt.date(2026, 11, 25), None),                          # a Wednesday: no slot that day
    (dt.date(2026, 11, 17), None),                          # in the past
    (dt.date(2026, 11, 18), None),                          # today: not any more
    (dt.date(2026, 12, 29), None),                          # after the offer ended
])
def test_termin_am_einem_zugesagten_tag(datum, erwartet):
    dienstags = _angebot((1, 9, 12), bis=dt.date(2026, 12, 20))
    vorschlag = termine.termin_am(dienstags, datum, dt.date(2026, 11, 18))
    assert (None if vorschlag is None else (vorschlag.von, vorschlag.bis)) == erwartet


def test_termin_am_feiertag_nicht():
    freitags = _angebot((4, 9, 12))
    assert termine.termin_am(freitags, dt.date(2026, 12, 25), dt.date(2026, 12, 1)) is None


def test_ohne_zeiten_im_suchzeitraum_kein_termin():
    assert termine.naechster_termin(_angebot(), dt.date(2026, 11, 18)) is None


def test_erster_mit_termin():
    ohne = _angebot((3, 9, 12), termin=False, id_="ohne")
    mit = _angebot((0, 9, 12), id_="mit")
    angebot, vorschlag = termine.erster_mit_termin([ohne, mit], dt.date(2026, 11, 18))
    assert angebot.id == "mit" and vorschlag.datum == dt.date(2026, 11, 23)
    assert termine.erster_mit_termin([ohne], dt.date(2026, 11, 18)) is None
