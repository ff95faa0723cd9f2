"""Look-up of support offers and the German sentences (store-backed on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from leitfaden import offers
from leitfaden.offers import (
    angebot_als_satz,
    angebote_fuer,
    entfernung_km,
    finde_dienststelle,
    ort_schluessel,
    wochentage_text,
    zeiten_text,
)
from leitfaden.store.records import AngebotRecord, AngebotsZeitRecord

D = dt.date
HEUTE = D(2026, 11, 18)
T = dt.time


# --- responsible Dienststelle --------------------------------------------------------------


@pytest.mark.parametrize(("plz", "erwartet"), [
    ("90402", "nuernberg-mitte"), ("90491", "nuernberg-langwasser"), ("10115", "berlin-mitte"),
    ("10243", "berlin-friedrichshain"), ("20095", "hamburg-mitte"),
    ("50667", "koeln-innenstadt"), ("51065", "koeln-muelheim"), ("80331", "muenchen-zentrum"),
    ("04109", "leipzig-zentrum"), (" 904 02 ", "nuernberg-mitte"),
])
def test_dienststelle_nach_plz(repo, plz, erwartet):
    assert finde_dienststelle(repo, plz=plz).id == erwartet


@pytest.mark.parametrize(("ort", "erwartet"), [
    ("Nürnberg", "nuernberg-mitte"), ("Nuernberg", "nuernberg-mitte"),
    ("Nürnbrg", "nuernberg-mitte"), ("nurnberg", "nuernberg-mitte"),
    ("in Nürnberg", "nuernberg-mitte"), ("muenchen", "muenchen-zentrum"),
    ("Munchen", "muenchen-zentrum"), ("Muenchn", "muenchen-zentrum"),
    ("koeln", "koeln-innenstadt"), ("Koln", "koeln-innenstadt"), ("KÖLN", "koeln-innenstadt"),
    ("Köln-Mülheim", "koeln-innenstadt"), ("Lepzig", "leipzig-zentrum"),
    ("hamburch", "hamburg-mitte"), ("Berlin", "berlin-mitte"),
])
def test_dienststelle_nach_ort_tolerant(repo, ort, erwartet):
    assert finde_dienststelle(repo, ort=ort).id == erwartet


@pytest.mark.parametrize("ort", ["Frankfurt", "Münster", "Halle", "", "   ", "123"])
def test_unbekannter_ort(repo, ort):
    assert finde_dienststelle(repo, ort=ort) is None


def test_plz_vor_ort_und_rueckfall_auf_ort(repo):
    assert finde_dienststelle(repo, plz="90491", ort="Köln").id == "nuernberg-langwasser"
    assert finde_dienststelle(repo, plz="99999", ort="Koeln").id == "koeln-innenstadt"
    assert finde_dienststelle(repo, ort="04109").id == "leipzig-zentrum"
    assert finde_dienststelle(repo) is None


def test_ort_schluessel():
    assert ort_schluessel("Köln") == {"koeln", "koln"}
    assert ort_schluessel("Straße") == {"strasse"}


# --- offers --------------------------------------------------------------------------------


def test_angebote_nach_plz(repo):
    ergebnis = angebote_fuer(repo, HEUTE, plz="90402")
    assert ergebnis.gefunden and ergebnis.ermittelt_ueber == "plz"
    assert ergebnis.dienststelle.id == "nuernberg-mitte"
    assert sorted(a.art for a in ergebnis.angebote) == [
        "gebaerdensprache", "online_registrierung", "vertretung_vero"]
    assert ergebnis.alternative is None


def test_angebote_nach_ort_und_art(repo):
    ergebnis = angebote_fuer(repo, HEUTE, ort="Hamburgg", art="videoberatung")
    assert ergebnis.ermittelt_ueber == "ort"
    assert [a.id for a in ergebnis.angebote] == ["hamburg-mitte-videoberatung"]
    assert all(a.art == "videoberatung" for a in ergebnis.angebote)


def test_mehrere_dienststellen_im_ort_die_mit_angebot_gewinnt(repo):
    ergebnis = angebote_fuer(repo, HEUTE, ort="berlin", art="digitalkurs")
    assert ergebnis.dienststelle.id == "berlin-friedrichshain"
    assert [d.id for d in ergebnis.weitere_dienststellen] == ["berlin-mitte"]
    assert angebote_fuer(repo, HEUTE, ort="berlin").dienststelle.id == "berlin-mitte"


def test_beendetes_angebot_ausgeschlossen(repo):
    ids = {a.id for a in angebote_fuer(repo, HEUTE, plz="90473").angebote}
    assert "nuernberg-langwasser-selbstinfo" in ids
    assert "nuernberg-langwasser-digitalkurs-2026" not in ids
    frueher = angebote_fuer(repo, D(2026, 10, 31), plz="90473", art="digitalkurs")
    assert [a.id for a in frueher.angebote] == ["nuernberg-langwasser-digitalkurs-2026"]


def test_kuenftiges_angebot_erst_ab_beginn(repo):
    heute = angebote_fuer(repo, HEUTE, plz="80331", art="digitalkurs")
    assert not heute.gefunden
    assert heute.alternative.id != "muenchen-zentrum"
    spaeter = angebote_fuer(repo, D(2027, 1, 2), plz="80331", art="digitalkurs")
    assert [a.id for a in spaeter.angebote] == ["muenchen-zentrum-digitalkurs-2027"]
    assert "muenchen-zentrum-digitalkurs-2027" not in {
        a.id for a in angebote_fuer(repo, HEUTE, plz="80331").angebote}


def test_naechste_alternative_wenn_art_fehlt(repo):
    ergebnis = angebote_fuer(repo, HEUTE, ort="Leipzig", art="gebaerdensprache")
    assert not ergebnis.gefunden and ergebnis.angebote == ()
    assert ergebnis.dienststelle.id == "leipzig-zentrum"
    assert ergebnis.alternative.id == "berlin-mitte"
    assert [a.art for a in ergebnis.alternative_angebote] == ["gebaerdensprache"]
    assert 140 < ergebnis.entfernung_km < 160

    hamburg = angebote_fuer(repo, HEUTE, plz="20095", art="vertretung_vero")
    assert hamburg.alternative.id == "koeln-muelheim"


def test_naechste_alternative_beachtet_gueltigkeit(repo):
    # Nürnberg has no valid Digitalkurs: Langwasser's ended, München's starts in 2027
    heute = angebote_fuer(repo, HEUTE, plz="90402", art="digitalkurs")
    assert heute.alternative.id == "berlin-friedrichshain"
    januar = angebote_fuer(repo, D(2027, 1, 2), plz="90402", art="digitalkurs")
    assert januar.alternative.id == "muenchen-zentrum"
    assert 140 < januar.entfernung_km < 160


def test_nichts_gefunden(repo):
    ergebnis = angebote_fuer(repo, HEUTE, plz="99999")
    assert ergebnis.dienststelle is None and not ergebnis.gefunden
    assert ergebnis.alternative is None
    with pytest.raises(ValueError):
        angebote_fuer(repo, HEUTE, plz="90402", art="kochkurs")


def test_entfernung(repo):
    nach_id = {d.id: d for d in repo.dienststellen()}
    assert entfernung_km(nach_id["nuernberg-mitte"], nach_id["nuernberg-mitte"]) == 0
    assert 140 < entfernung_km(nach_id["nuernberg-mitte"], nach_id["muenchen-zentrum"]) < 160


# --- German sentences (pure) ---------------------------------------------------------------


def _angebot(**abweichend) -> AngebotRecord:
    werte = {
        "id": "x", "dienststelle_id": "d", "art": "online_registrierung",
        "titel": "Hilfe bei Registrierung und Anmeldung", "beschreibung": "…",
        "ort_raum": "Eingangszone, Raum E.12",
        "zeiten": (
            AngebotsZeitRecord(0, T(9), T(12)), AngebotsZeitRecord(2, T(9), T(12)),
            AngebotsZeitRecord(3, T(14), T(17, 30)),
        ),
        "termin_erforderlich": False, "buchung": None, "barrierefreiheit": "Stufenloser Zugang",
        "sprachen": ("Deutsch", "Englisch"), "kontakt_telefon": "0911 123-4",
        "kontakt_email": "hilfe@arbeitsagentur.example", "gueltig_ab": D(2026, 7, 20),
        "gueltig_bis": None, "geaendert_am": dt.datetime(2026, 7, 15, 8, 0),
    }
    werte.update(abweichend)
    return AngebotRecord(**werte)


@pytest.mark.parametrize(("tage", "text"), [
    ([0], "montags"), ([0, 2], "montags und mittwochs"), ([0, 1], "montags und dienstags"),
    ([0, 1, 2, 3, 4], "montags bis freitags"), ([0, 1, 2, 4], "montags bis mittwochs und freitags"),
    ([1, 3, 5], "dienstags, donnerstags und samstags"),
])
def test_wochentage(tage, text):
    assert wochentage_text(tage) == text


def test_zeiten_gruppiert():
    assert zeiten_text(_angebot().zeiten) == (
        "montags und mittwochs 9:00-12:00 Uhr, donnerstags 14:00-17:30 Uhr")
    zeiten = [AngebotsZeitRecord(t, T(8), T(12)) for t in range(5)]
    zeiten.append(AngebotsZeitRecord(3, T(14), T(18)))
    assert zeiten_text(zeiten) == "montags bis freitags 8:00-12:00 Uhr, donnerstags 14:00-18:00 Uhr"


def test_satz_ohne_termin():
    assert angebot_als_satz(_angebot()) == (
        "Hilfe bei Registrierung und Anmeldung. Ort: Eingangszone, Raum E.12. "
        "Zeiten: montags und mittwochs 9:00-12:00 Uhr, donnerstags 14:00-17:30 Uhr. "
        "Sie benötigen keinen Termin. Barrierefreiheit: Stufenloser Zugang. "
        "Sprachen: Deutsch und Englisch. "
        "Kontakt: Telefon 0911 123-4 und E-Mail hilfe@arbeitsagentur.example."
    )


def test_satz_mit_termin_und_buchung():
    satz = angebot_als_satz(_angebot(
        termin_erforderlich=True, buchung="Termine vereinbaren Sie unter 0911 123-5",
        sprachen=("Deutsch",), kontakt_email=None, barrierefreiheit=None,
    ))
    assert "Sie benötigen einen Termin. Termine vereinbaren Sie unter 0911 123-5." in satz
    assert "Sprachen" not in satz and "Barrierefreiheit" not in satz
    assert satz.endswith("Kontakt: Telefon 0911 123-4.")
    ohne_buchung = angebot_als_satz(_angebot(termin_erforderlich=True, buchung=None))
    assert "Bitte vereinbaren Sie vorher einen Termin." in ohne_buchung


def test_satz_aus_dem_store_mit_anschrift(repo):
    (angebot,) = angebote_fuer(repo, HEUTE, plz="90402", art="online_registrierung").angebote
    satz = angebot_als_satz(angebot, repo.dienststelle_fuer_plz("90402"))
    assert satz.startswith(
        "Hilfe bei Registrierung und Anmeldung. Ort: Agentur für Arbeit Nürnberg, "
        "Dienststelle Mitte, Königstorgraben 11, 90402 Nürnberg, Eingangszone, Erdgeschoss, "
        "Raum E.12. Zeiten: montags und mittwochs 9:00-12:00 Uhr, donnerstags 14:00-17:00 Uhr. "
        "Sie benötigen keinen Termin."
    )
    (gebaerden,) = angebote_fuer(repo, HEUTE, plz="90402", art="gebaerdensprache").angebote
    assert "Sie benötigen einen Termin. Bitte vereinbaren Sie den Termin" in angebot_als_satz(
        gebaerden)


def test_angebote_einer_bestimmten_dienststelle(repo):
    """GLF 1.000: the office the caller is at, not the one serving a postcode."""
    ergebnis = offers.angebote_fuer(repo, dt.date(2026, 11, 18),
                                    dienststelle_id="nuernberg-langwasser")
    assert ergebnis.dienststelle.id == "nuernberg-langwasser"
    assert ergebnis.ermittelt_ueber == "dienststelle"
    assert [a.id for a in ergebnis.angebote] == ["nuernberg-langwasser-selbstinfo"]
    unbekannt = offers.angebote_fuer(repo, dt.date(2026, 11, 18), dienststelle_id="x")
    assert unbekannt.dienststelle is None and not unbekannt.gefunden


@pytest.mark.parametrize(("eingabe", "erwartet"), [
    ("90473 Nürnberg", ("90473", None)),
    ("Ich wohne in 90402", ("90402", None)),
    ("  Köln ", (None, "Köln")),
    ("", (None, None)),
    ("123456", (None, "123456")),
])
def test_plz_und_ort(eingabe, erwartet):
    assert offers.plz_und_ort(eingabe) == erwartet
