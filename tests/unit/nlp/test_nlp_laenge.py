"""The limit for messages that are interpreted, and their shortened stored form."""

from __future__ import annotations

from leitfaden.nlp.laenge import GESPEICHERT_ZEICHEN, MARKE, MAX_ZEICHEN, gekuerzt, ist_gekuerzt


def test_kurze_nachricht_bleibt():
    assert gekuerzt("Ich brauche einen Abschlag") is None
    assert gekuerzt("x" * MAX_ZEICHEN) is None
    assert gekuerzt("") is None


def test_lange_nachricht_wird_gekuerzt():
    text = "Kundennummer 123A456789 " + "bla " * 3000
    kurz = gekuerzt(text)
    assert kurz is not None and kurz.endswith(" […]")
    assert len(kurz) <= GESPEICHERT_ZEICHEN + 4
    assert kurz.startswith("Kundennummer 123A456789")


def test_marke():
    assert ist_gekuerzt({MARKE: 10000})
    assert not ist_gekuerzt({}) and not ist_gekuerzt(None) and not ist_gekuerzt({MARKE: 0})
