"""GLF 3.000.4 legitimation against the contract's demo data (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from leitfaden.legitimation import MAX_VERSUCHE, Ergebnis, Rolle, pruefe

D = dt.date
K, V = Rolle.KUNDE, Rolle.BEVOLLMAECHTIGT

# From the contract's demo data table (contracts.md), written out here on purpose.
ANNA = ("123A456789", D(1985, 3, 14), "Anna Schmidt")
THOMAS = ("456D789012", D(1990, 1, 30), "Thomas Becker")
STEFAN = ("890H123456", D(1983, 6, 6), "Stefan Krüger")
KLAUS = ("678F901234", D(1962, 4, 9), "Klaus Neumann")
ERIKA = ("789G012345", D(1971, 9, 17), "Erika Braun")


def _pruefe(repo, stichtag, kunde, *, rolle=K, name=None, geburtsdatum=None, nummer=None,
            fehlversuche=0, tag=None):
    kundennummer, geboren, kundenname = kunde
    return pruefe(
        repo,
        rolle=rolle,
        kundennummer=kundennummer if nummer is None else nummer,
        geburtsdatum=geboren if geburtsdatum is None else geburtsdatum,
        name=kundenname if name is None else name,
        stichtag=stichtag if tag is None else tag,
        bisherige_fehlversuche=fehlversuche,
    )


def test_anna_schmidt_mit_richtigen_angaben(repo, stichtag):
    p = _pruefe(repo, stichtag, ANNA)
    assert p.ergebnis is Ergebnis.ERFOLGREICH
    assert p.versuch == 1 and p.legitimiert
    assert p.kunde is not None and p.kunde.kundennummer == "123A456789"
    assert p.kunde.name == "Anna Schmidt"
    assert p.vollmacht is None


def test_kundennummer_tolerant_geschrieben(repo, stichtag):
    assert _pruefe(repo, stichtag, ANNA, nummer=" 123a 456789 ").ergebnis is Ergebnis.ERFOLGREICH


def test_drei_mal_falsches_geburtsdatum_sperrt(repo, stichtag):
    falsch = D(1985, 3, 15)
    ergebnisse = [
        _pruefe(repo, stichtag, ANNA, geburtsdatum=falsch, fehlversuche=n) for n in range(3)
    ]
    assert [(p.ergebnis, p.versuch) for p in ergebnisse] == [
        (Ergebnis.WIEDERHOLEN, 1), (Ergebnis.WIEDERHOLEN, 2), (Ergebnis.GESPERRT, 3)]
    assert MAX_VERSUCHE == 3
    for p in ergebnisse:
        assert not p.legitimiert
        assert p.kunde is None and p.vollmacht is None  # nothing of the record leaks


def test_richtige_angaben_im_dritten_versuch(repo, stichtag):
    p = _pruefe(repo, stichtag, ANNA, fehlversuche=2)
    assert (p.ergebnis, p.versuch) == (Ergebnis.ERFOLGREICH, 3)


def test_nach_sperre_keine_weiteren_versuche(repo, stichtag):
    p = _pruefe(repo, stichtag, ANNA, fehlversuche=MAX_VERSUCHE)
    assert p.ergebnis is Ergebnis.GESPERRT
    assert not p.legitimiert and p.kunde is None


@pytest.mark.parametrize("fehlversuche", [0, 2])
def test_unbekannte_kundennummer_gibt_dieselbe_antwort_wie_falsche_daten(
        repo, stichtag, fehlversuche):
    unbekannt = _pruefe(repo, stichtag, ANNA, nummer="999Z999999", fehlversuche=fehlversuche)
    falsches_datum = _pruefe(repo, stichtag, ANNA, geburtsdatum=D(1999, 1, 1),
                             fehlversuche=fehlversuche)
    falscher_name = _pruefe(repo, stichtag, ANNA, name="Anna Schulz", fehlversuche=fehlversuche)
    assert unbekannt == falsches_datum == falscher_name
    erwartet = Ergebnis.WIEDERHOLEN if fehlversuche == 0 else Ergebnis.GESPERRT
    assert unbekannt.ergebnis is erwartet and unbekannt.kunde is None


def test_kundennummer_einer_anderen_person(repo, stichtag):
    # Anna's name and birth date with Petra Wagner's number
    p = _pruefe(repo, stichtag, ANNA, nummer="345C678901")
    assert p.ergebnis is Ergebnis.WIEDERHOLEN and p.kunde is None


@pytest.mark.parametrize("name", ["Anna Schulz", "Anna", "Schmidt", "Anna Schmidt Meier",
                                  "Erika Braun", ""])
def test_falscher_name(repo, stichtag, name):
    p = _pruefe(repo, stichtag, ANNA, name=name)
    assert p.ergebnis is Ergebnis.WIEDERHOLEN and not p.legitimiert


@pytest.mark.parametrize(
    ("kunde", "name"),
    [
        (ANNA, "schmidt, anna"),
        (ANNA, "ANNA SCHMIDT"),
        (ANNA, "Schmidt Anna"),
        (ANNA, "  anna   schmidt "),
        (STEFAN, "Stefan Krueger"),
        (STEFAN, "stefan krüger"),
        (STEFAN, "KRUEGER, STEFAN"),
    ],
)
def test_name_tolerant(repo, stichtag, kunde, name):
    p = _pruefe(repo, stichtag, kunde, name=name)
    assert p.ergebnis is Ergebnis.ERFOLGREICH
    assert p.kunde is not None and p.kunde.kundennummer == kunde[0]


def test_schutzkennzeichen_m(repo, stichtag):
    p = _pruefe(repo, stichtag, THOMAS)
    assert p.ergebnis is Ergebnis.SCHUTZKENNZEICHEN_M
    assert p.legitimiert
    assert p.kunde is not None and p.kunde.schutzkennzeichen_m


def test_schutzkennzeichen_m_mit_falschen_daten_verraet_nichts(repo, stichtag):
    p = _pruefe(repo, stichtag, THOMAS, geburtsdatum=D(1990, 1, 31))
    assert p == _pruefe(repo, stichtag, THOMAS, nummer="999Z999999")
    assert p.ergebnis is Ergebnis.WIEDERHOLEN


# --- representatives ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Sabine Neumann", "neumann, sabine"])
def test_sabine_neumann_vollumfaengliche_vollmacht(repo, stichtag, name):
    p = _pruefe(repo, stichtag, KLAUS, rolle=V, name=name)
    assert p.ergebnis is Ergebnis.ERFOLGREICH and p.legitimiert
    assert p.kunde is not None and p.kunde.kundennummer == "678F901234"
    assert p.vollmacht is not None
    assert p.vollmacht.umfang == "vollumfaenglich"
    assert (p.vollmacht.vertreter_vorname, p.vollmacht.vertreter_nachname) \
        == ("Sabine", "Neumann")


def test_martin_braun_teilweise_vollmacht(repo, stichtag):
    p = _pruefe(repo, stichtag, ERIKA, rolle=V, name="Martin Braun")
    assert p.ergebnis is Ergebnis.ERFOLGREICH and p.legitimiert
    assert p.kunde is not None and p.kunde.kundennummer == "789G012345"
    assert p.vollmacht is not None and p.vollmacht.umfang == "teilweise"


@pytest.mark.parametrize(
    ("kunde", "vertreter"),
    [
        (KLAUS, "Peter Müller"),
        (KLAUS, "Martin Braun"),     # has a Vollmacht, but for Erika Braun
        (ERIKA, "Sabine Neumann"),   # has a Vollmacht, but for Klaus Neumann
        (ANNA, "Sabine Neumann"),    # Anna has no representative at all
        (KLAUS, "Klaus Neumann"),    # the customer is not his own representative
    ],
)
def test_andere_person_als_bevollmaechtigte(repo, stichtag, kunde, vertreter):
    p = _pruefe(repo, stichtag, kunde, rolle=V, name=vertreter)
    assert p.ergebnis is Ergebnis.KEINE_VOLLMACHT
    assert not p.legitimiert
    assert p.kunde is None and p.vollmacht is None


def test_bevollmaechtigte_mit_falschem_geburtsdatum_der_vertretenen_person(repo, stichtag):
    # Sabine gives her own birth date instead of Klaus's
    p = _pruefe(repo, stichtag, KLAUS, rolle=V, name="Sabine Neumann",
                geburtsdatum=D(1988, 8, 8))
    assert p.ergebnis is Ergebnis.WIEDERHOLEN and p.kunde is None and p.vollmacht is None


@pytest.mark.parametrize(
    ("kunde", "vertreter", "ab"),
    [(KLAUS, "Sabine Neumann", D(2026, 3, 1)), (ERIKA, "Martin Braun", D(2026, 5, 15))],
)
def test_vollmacht_gilt_erst_ab_ihrem_datum(repo, stichtag, kunde, vertreter, ab):
    vorher = _pruefe(repo, stichtag, kunde, rolle=V, name=vertreter, tag=ab - dt.timedelta(1))
    assert vorher.ergebnis is Ergebnis.KEINE_VOLLMACHT and vorher.vollmacht is None
    ab_dann = _pruefe(repo, stichtag, kunde, rolle=V, name=vertreter, tag=ab)
    assert ab_dann.ergebnis is Ergebnis.ERFOLGREICH
    assert ab_dann.vollmacht is not None and ab_dann.vollmacht.gueltig_ab == ab


def test_vertretene_person_selbst_braucht_keine_vollmacht(repo, stichtag):
    p = _pruefe(repo, stichtag, ERIKA)
    assert p.ergebnis is Ergebnis.ERFOLGREICH and p.vollmacht is None
