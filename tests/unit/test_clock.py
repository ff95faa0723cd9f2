"""The project clock: LEITFADEN_TODAY fixes "today"; garbage is refused loudly."""

from __future__ import annotations

import datetime as dt

import pytest

from leitfaden.clock import ENV_VAR, ZEITZONE, ClockError, now, today


def test_env_var_heisst_wie_im_vertrag():
    assert ENV_VAR == "LEITFADEN_TODAY"


@pytest.mark.parametrize("wert", ["2026-11-18", " 2026-11-18 ", "2026-11-18\n"])
def test_today_aus_der_umgebung(monkeypatch, wert):
    monkeypatch.setenv("LEITFADEN_TODAY", wert)
    assert today() == dt.date(2026, 11, 18)


def test_stichtag_fixture_stellt_die_uhr(stichtag):
    assert today() == stichtag == dt.date(2026, 11, 18)


def test_schalttag(monkeypatch):
    monkeypatch.setenv("LEITFADEN_TODAY", "2028-02-29")
    assert today() == dt.date(2028, 2, 29)


@pytest.mark.parametrize("wert", [None, "", "   "])
def test_ohne_wert_gilt_das_echte_datum(monkeypatch, wert):
    if wert is None:
        monkeypatch.delenv("LEITFADEN_TODAY", raising=False)
    else:
        monkeypatch.setenv("LEITFADEN_TODAY", wert)
    vorher = dt.datetime.now(ZEITZONE).date()
    ergebnis = today()
    assert ergebnis in (vorher, dt.datetime.now(ZEITZONE).date())


@pytest.mark.parametrize(
    "wert", ["18.11.2026", "morgen", "2026-02-30", "2026-13-01", "20261118x", "2026/11/18"])
def test_unsinn_ist_ein_clockerror(monkeypatch, wert):
    monkeypatch.setenv("LEITFADEN_TODAY", wert)
    with pytest.raises(ClockError) as info:
        today()
    assert isinstance(info.value, ValueError)
    assert "LEITFADEN_TODAY" in str(info.value) and wert in str(info.value)


def test_now_traegt_den_festgelegten_tag_und_eine_zeitzone(monkeypatch):
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-11-27")
    stamp = now()
    assert stamp.tzinfo is not None and stamp.utcoffset() is not None
    assert stamp.astimezone(ZEITZONE).date() == dt.date(2026, 11, 27)


class _Uhr(dt.datetime):
    """A datetime whose now() is 00:30 in Berlin on 2026-11-27 (23:30 UTC the day before)."""

    @classmethod
    def now(cls, tz=None):
        echt = dt.datetime(2026, 11, 26, 23, 30, tzinfo=dt.timezone.utc)
        return echt.astimezone(tz) if tz else echt.replace(tzinfo=None)


def test_heute_wechselt_um_mitternacht_in_berlin(monkeypatch):
    """Half past midnight in Berlin is already the next day, even on a UTC server."""
    monkeypatch.delenv("LEITFADEN_TODAY", raising=False)
    monkeypatch.setattr("leitfaden.clock.dt.datetime", _Uhr)
    assert today() == dt.date(2026, 11, 27)
    assert now() == dt.datetime(2026, 11, 26, 23, 30, tzinfo=dt.timezone.utc)


def test_festgelegter_tag_behaelt_die_berliner_uhrzeit(monkeypatch):
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-11-18")
    monkeypatch.setattr("leitfaden.clock.dt.datetime", _Uhr)
    stamp = now()
    assert stamp.astimezone(ZEITZONE) == dt.datetime(2026, 11, 18, 0, 30, tzinfo=ZEITZONE)


def test_now_ohne_festlegung_ist_jetzt(monkeypatch):
    monkeypatch.delenv("LEITFADEN_TODAY", raising=False)
    vorher = dt.datetime.now(dt.timezone.utc)
    stamp = now()
    assert vorher <= stamp <= dt.datetime.now(dt.timezone.utc)


def test_now_mit_unsinn_wirft(monkeypatch):
    monkeypatch.setenv("LEITFADEN_TODAY", "gestern")
    with pytest.raises(ClockError):
        now()
