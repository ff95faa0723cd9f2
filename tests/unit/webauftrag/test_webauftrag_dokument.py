"""Reading and checking a Webauftrag document (no database)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from leitfaden.store.records import ANGEBOTSARTEN
from leitfaden.webauftrag.dokument import (
    MAX_ANGEBOTE,
    MAX_BYTES,
    PFLICHT_NEU,
    Fehler,
    FremdeAgentur,
    WebauftragUngueltig,
    Zeit,
    lesen,
    lesen_mit_fehlern,
    uhrzeit_lesen,
)

T = dt.time
EINTRAG_1 = "Eintrag 1 (nuernberg-langwasser-gebaerdensprache)"


def fehler_von(text: str, **kwargs) -> list[Fehler]:
    """All errors of ``text`` (the document name is ``wa.yml``)."""
    _, fehler = lesen_mit_fehlern(text, "wa.yml", **kwargs)
    return fehler


def einziger(text: str, **kwargs) -> Fehler:
    fehler = fehler_von(text, **kwargs)
    assert len(fehler) == 1, [str(f) for f in fehler]
    return fehler[0]


# --- valid documents -------------------------------------------------------------------------


def test_gueltiges_dokument(gueltig):
    dok = lesen(gueltig, "wa.yml")
    assert (dok.nummer, dok.agentur_id, dok.absender) == (
        "WA-TEST-0001", "nuernberg", "Petra Muster, Eingangszone")
    neu, aendern, beenden = dok.eintraege
    assert (neu.nr, neu.aktion, neu.id) == (1, "neu", "nuernberg-langwasser-gebaerdensprache")
    assert neu.werte["zeiten"] == (Zeit(1, T(9), T(12)), Zeit(3, T(9), T(12)))
    assert neu.werte["termin_erforderlich"] is True
    assert neu.werte["sprachen"] == ("Deutsch", "Deutsche Gebärdensprache")
    assert neu.werte["kontakt.telefon"] == "0911 5290-4550"
    assert neu.werte["gueltig_ab"] == dt.date(2026, 11, 1)
    assert neu.werte["gueltig_bis"] is None and neu.werte["barrierefreiheit"] is None
    assert aendern.werte == {"titel": "Hilfe bei Registrierung, Anmeldung und BundID"}
    assert beenden.werte == {"gueltig_bis": dt.date(2026, 12, 31)}


def test_uhrzeiten_ohne_anfuehrungszeichen(variante):
    # YAML 1.1 reads 12:00 and 9:30 as sexagesimal integers (720, 570): we keep the text
    text = variante('        von: "09:00"\n        bis: 12:00',
                    "        von: 9:30\n        bis: 13:05")
    (z, _) = lesen(text).eintraege[0].werte["zeiten"]
    assert (z.von, z.bis) == (T(9, 30), T(13, 5))


def test_schreibweisen_von_tagen_daten_und_sprachen(variante):
    text = variante("tage: [Di, Do]", "tage: [MONTAG, mittwoch, Fr.]")
    text = variante("gueltig_ab: 2026-11-01", 'gueltig_ab: "01.11.2026"', text)
    text = variante("sprachen: [Deutsch, Deutsche Gebärdensprache]",
                    'sprachen: "Deutsch, Englisch"', text)
    werte = lesen(text).eintraege[0].werte
    assert [z.wochentag for z in werte["zeiten"]] == [0, 2, 4]
    assert werte["gueltig_ab"] == dt.date(2026, 11, 1)
    assert werte["sprachen"] == ("Deutsch", "Englisch")


def test_tagesspanne(variante):
    text = variante("tage: [Di, Do]", "tage: Mo-Fr")
    assert [z.wochentag for z in lesen(text).eintraege[0].werte["zeiten"]] == [0, 1, 2, 3, 4]


def test_sprachen_standard_deutsch(variante):
    text = variante("    sprachen: [Deutsch, Deutsche Gebärdensprache]\n", "")
    assert lesen(text).eintraege[0].werte["sprachen"] == ("Deutsch",)


def test_json_wird_angenommen_und_hat_denselben_inhalt(gueltig):
    roh = yaml.safe_load(gueltig.replace("bis: 12:00", 'bis: "12:00"'))
    als_json = json.dumps(roh, default=str, ensure_ascii=False, indent=2)
    assert lesen(als_json, "wa.json").inhalt_hash() == lesen(gueltig).inhalt_hash()


def test_hash_haengt_nur_am_inhalt(gueltig, variante):
    umformatiert = "# Kommentar\n" + variante('titel: "Beratung mit Gebärdensprachdolmetschung"',
                                              "titel:   Beratung mit   Gebärdensprachdolmetschung")
    assert lesen(umformatiert).inhalt_hash() == lesen(gueltig).inhalt_hash()
    anders = variante("Termin per E-Mail.", "Termin per Telefon.")
    assert lesen(anders).inhalt_hash() != lesen(gueltig).inhalt_hash()


def test_aktion_mit_umlaut(variante):
    text = variante("aktion: aendern", "aktion: ändern")
    assert lesen(text).eintraege[1].aktion == "aendern"


def test_aendern_kann_optionale_felder_leeren(variante):
    text = variante('titel: "Hilfe bei Registrierung, Anmeldung und BundID"',
                    "barrierefreiheit: null\n    kontakt: {email: null}")
    assert lesen(text).eintraege[1].werte == {"barrierefreiheit": None, "kontakt.email": None}


# --- error format ----------------------------------------------------------------------------


def test_fehler_text():
    f = Fehler("webauftrag.yml", 14, "Eintrag 2 (nuernberg-mitte-x)", "zeiten[0].bis",
               "Das Ende 09:00 liegt vor dem Beginn 12:00.")
    assert str(f) == ("webauftrag.yml:14: Eintrag 2 (nuernberg-mitte-x), Feld 'zeiten[0].bis': "
                      "Das Ende 09:00 liegt vor dem Beginn 12:00.")
    assert str(Fehler("wa.yml", None, None, None, "Das Dokument ist leer.")) == (
        "wa.yml: Das Dokument ist leer.")
    assert str(Fehler("wa.yml", 3, None, "agentur", "x")) == "wa.yml:3: Feld 'agentur': x"


def test_lesen_wirft_alle_fehler_zusammen(variante, zeile):
    text = variante("art: gebaerdensprache", "art: gebaerden")
    text = variante("aktion: beenden", "aktion: loeschen", text)
    text = variante("agentur: nuernberg", "agentur: Nürnberg!", text)
    with pytest.raises(WebauftragUngueltig) as info:
        lesen(text, "wa.yml")
    fehler = info.value.fehler
    assert [(f.zeile, f.feld) for f in fehler] == [
        (2, "agentur"), (zeile("art: gebaerden", text), "art"),
        (zeile("aktion: loeschen", text), "aktion")]
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith("Der Webauftrag wurde abgelehnt: 3 Fehler.\nwa.yml:2:")
    assert info.value.nummer == "WA-TEST-0001"


# --- rejections: the document as a whole ----------------------------------------------------


def test_yaml_syntaxfehler_mit_zeile(variante, zeile):
    text = variante('ort_raum: "Erdgeschoss, Raum 0.14"', 'ort_raum: "Erdgeschoss, Raum 0.14')
    f = einziger(text)
    assert f.zeile is not None and f.zeile >= zeile("ort_raum:")
    assert "kein gültiges YAML" in f.meldung


def test_doppelter_schluessel(variante, zeile):
    text = variante("    termin_erforderlich: true\n",
                    "    termin_erforderlich: true\n    termin_erforderlich: false\n")
    f = einziger(text)
    assert f.zeile == zeile("termin_erforderlich: false", text)
    assert "doppelt" in f.meldung


@pytest.mark.parametrize("text", ["- webauftrag: WA-1\n", "nur ein Text\n", "42\n"])
def test_oberste_ebene_keine_zuordnung(text):
    f = einziger(text)
    assert "muss eine Zuordnung" in f.meldung and f.zeile == 1


@pytest.mark.parametrize("text", ["", "# nur ein Kommentar\n", "---\n"])
def test_leeres_dokument(text):
    assert einziger(text).meldung == "Das Dokument ist leer."


@pytest.mark.parametrize("feld", ["webauftrag", "agentur", "absender"])
def test_kopffeld_fehlt(gueltig, feld):
    zeilen = [z for z in gueltig.splitlines(keepends=True) if not z.startswith(f"{feld}:")]
    f = einziger("".join(zeilen))
    assert f.feld == feld
    assert f.meldung == f"Das Pflichtfeld '{feld}' fehlt oder ist leer."


@pytest.mark.parametrize("feld", ["webauftrag", "agentur", "absender"])
def test_kopffeld_leer(gueltig, feld):
    text = "".join(f"{feld}: ''\n" if z.startswith(f"{feld}:") else z
                   for z in gueltig.splitlines(keepends=True))
    f = einziger(text)
    assert (f.feld, f.zeile) == (feld, ["webauftrag", "agentur", "absender"].index(feld) + 1)


def test_angebote_fehlt():
    f = einziger("webauftrag: WA-1\nagentur: nuernberg\nabsender: P\n")
    assert f.feld == "angebote" and "fehlt" in f.meldung


def test_angebote_leer():
    f = einziger("webauftrag: WA-1\nagentur: nuernberg\nabsender: P\nangebote: []\n")
    assert (f.feld, f.zeile) == ("angebote", 4)
    assert "leer" in f.meldung


def test_angebote_keine_liste():
    f = einziger("webauftrag: WA-1\nagentur: nuernberg\nabsender: P\nangebote: {a: 1}\n")
    assert f.feld == "angebote" and "Liste" in f.meldung


def test_ungueltige_nummer(variante):
    f = einziger(variante("webauftrag: WA-TEST-0001", "webauftrag: WA TEST #1"))
    assert (f.feld, f.zeile) == ("webauftrag", 1)
    assert "keine gültige Webauftragsnummer" in f.meldung


def test_fremde_agentur_fuer_den_zugang(gueltig):
    f = einziger(gueltig, erwartete_agentur="berlin")
    assert (f.feld, f.zeile) == ("agentur", 2)
    assert "für die Agentur 'nuernberg'" in f.meldung and "'berlin'" in f.meldung
    assert fehler_von(gueltig, erwartete_agentur="nuernberg") == []
    with pytest.raises(FremdeAgentur):
        lesen(gueltig, erwartete_agentur="berlin")


def test_fremde_agentur_nur_dieser_fehler(variante):
    """Another Agentur's document is rejected at once: no other error, no entries."""
    text = variante("art: gebaerdensprache", "art: gebaerden")
    text = variante("absender:", "absnder: x\nabsender:", text)
    dok, fehler = lesen_mit_fehlern(text, "wa.yml", erwartete_agentur="berlin")
    assert [f.feld for f in fehler] == ["agentur"]
    assert (dok.agentur_id, dok.eintraege) == ("nuernberg", ())


def test_unbekanntes_feld_oben(variante):
    f = einziger(variante("absender:", "absnder: x\nabsender:"))
    assert (f.feld, f.zeile) == ("absnder", 3)
    assert "Unbekanntes Feld 'absnder'" in f.meldung and "Meinten Sie 'absender'?" in f.meldung


def test_unbekanntes_feld_im_eintrag(variante, zeile):
    text = variante("    ort_raum:", "    ortraum: x\n    ort_raum:")
    f = einziger(text)
    assert (f.eintrag, f.feld, f.zeile) == (EINTRAG_1, "ortraum", zeile("ortraum", text))
    assert "Meinten Sie 'ort_raum'?" in f.meldung and "Erlaubt sind: aktion, id," in f.meldung


def test_unbekanntes_feld_im_kontakt(variante):
    f = einziger(variante('email: "nbg.gs@', 'mail: "nbg.gs@'))
    assert f.feld == "kontakt.mail" and "Meinten Sie 'email'?" in f.meldung


def test_eintrag_keine_zuordnung(variante):
    text = variante("  - aktion: beenden\n    id: nuernberg-mitte-vero\n"
                    "    gueltig_bis: 2026-12-31\n", "  - nuernberg-mitte-vero\n")
    f = einziger(text)
    assert (f.eintrag, f.zeile) == ("Eintrag 3", len(text.splitlines()))


def test_zu_viele_eintraege():
    eintrag = "  - {aktion: beenden, id: nuernberg-mitte-vero}\n"
    text = "webauftrag: WA-1\nagentur: nuernberg\nabsender: P\nangebote:\n" + eintrag * (
        MAX_ANGEBOTE + 1)
    f = einziger(text)
    assert f.feld == "angebote" and f"Zu viele Einträge ({MAX_ANGEBOTE + 1}" in f.meldung


def test_dokument_zu_gross(gueltig):
    text = gueltig + "#" * MAX_BYTES
    f = einziger(text)
    assert f.zeile is None and "zu groß" in f.meldung and "256 KiB" in f.meldung


def test_anker_und_verweise_abgelehnt(gueltig):
    text = gueltig.replace("    zeiten:\n", "    zeiten: &z\n", 1)
    assert "Anker" in einziger(text).meldung


# --- rejections: aktion and id ---------------------------------------------------------------


def test_aktion_fehlt(variante, zeile):
    text = variante("  - aktion: aendern\n    id: nuernberg-mitte-registrierung",
                    "  - id: nuernberg-mitte-registrierung")
    f = einziger(text)
    assert (f.eintrag, f.feld) == ("Eintrag 2 (nuernberg-mitte-registrierung)", "aktion")
    assert f.zeile == zeile("- id: nuernberg-mitte-registrierung", text)
    assert "Die Aktion fehlt" in f.meldung


def test_unbekannte_aktion(variante, zeile):
    text = variante("aktion: beenden", "aktion: loeschen")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("aktion", zeile("aktion: loeschen", text))
    assert f.meldung == "Unbekannte Aktion 'loeschen'. Erlaubt sind: neu, aendern, beenden."


def test_id_fehlt(variante, zeile):
    text = variante("    id: nuernberg-mitte-vero\n", "")
    f = einziger(text)
    assert (f.eintrag, f.feld, f.zeile) == ("Eintrag 3", "id", zeile("aktion: beenden", text))
    assert f.meldung == "Die ID des Angebots fehlt."


@pytest.mark.parametrize("falsch", ["Nuernberg-Mitte-Vero", "nuernberg_mitte", "ab", "-abc",
                                    "abc-", "nürnberg-mitte", "a" * 81])
def test_id_format(variante, zeile, falsch):
    text = variante("id: nuernberg-mitte-vero", f"id: {falsch}")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("id", zeile(f"id: {falsch}", text))
    assert f.eintrag == f"Eintrag 3 ({falsch[:80]})"
    assert "ist ungültig" in f.meldung and "3 bis 80" in f.meldung


def test_id_doppelt(variante, zeile):
    zuerst = zeile("id: nuernberg-mitte-registrierung")
    text = variante("id: nuernberg-mitte-vero", "id: nuernberg-mitte-registrierung")
    f = einziger(text)
    assert (f.eintrag, f.feld) == ("Eintrag 3 (nuernberg-mitte-registrierung)", "id")
    assert f.zeile == len(text.splitlines()) - 1
    assert "mehrfach vor (zuerst in Eintrag 2, Zeile " f"{zuerst})" in f.meldung


# --- rejections: fields ----------------------------------------------------------------------


@pytest.mark.parametrize("feld", PFLICHT_NEU)
def test_pflichtfeld_fehlt_bei_neu(gueltig, zeile, feld):
    zeilen = gueltig.splitlines(keepends=True)
    start = next(i for i, z in enumerate(zeilen, start=1) if z.startswith(f"    {feld}:"))
    ende = start + 1
    while zeilen[ende - 1].startswith("      "):  # nested lines (zeiten)
        ende += 1
    text = "".join(zeilen[:start - 1] + zeilen[ende - 1:])
    fehler = fehler_von(text)
    assert [(f.feld, f.eintrag) for f in fehler] == [(feld, EINTRAG_1)], [str(f) for f in fehler]
    assert fehler[0].zeile == zeile("  - aktion: neu")
    assert f"Das Pflichtfeld '{feld}' fehlt" in fehler[0].meldung


def test_unbekannte_art(variante, zeile):
    text = variante("art: gebaerdensprache", "art: gebaerden")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("art", zeile("art: gebaerden", text))
    assert "Unbekannte Angebotsart 'gebaerden'" in f.meldung
    assert "Meinten Sie 'gebaerdensprache'?" in f.meldung
    assert all(art in f.meldung for art in ANGEBOTSARTEN)


@pytest.mark.parametrize("wert", ['"ja"', "1", "[true]"])
def test_termin_erforderlich_kein_wahrheitswert(variante, zeile, wert):
    text = variante("termin_erforderlich: true", f"termin_erforderlich: {wert}")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("termin_erforderlich", zeile("termin_erforderlich", text))
    assert "true oder false" in f.meldung


@pytest.mark.parametrize("wert", ['"9 Uhr"', '"25:00"', '"12:60"', "morgens", "9"])
def test_uhrzeit_format(variante, zeile, wert):
    text = variante('von: "09:00"', f"von: {wert}")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("zeiten[0].von", zeile("von:", text))
    assert "keine Uhrzeit" in f.meldung and "HH:MM" in f.meldung


@pytest.mark.parametrize("wert", ["9", "930", "17"])
def test_uhrzeit_als_zahl_wird_abgelehnt(variante, zeile, wert):
    """``von: 9`` arrives as the text "9" (never as a number): refused with a hint."""
    text = variante('von: "09:00"', f"von: {wert}")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("zeiten[0].von", zeile("von:", text))
    assert f.meldung == (f"'{wert}' ist keine Uhrzeit. Schreiben Sie Stunden und Minuten als "
                         "HH:MM, z. B. 09:00 für 9 Uhr.")
    roh = yaml.safe_load(variante("bis: 12:00", 'bis: "12:00"'))
    roh["angebote"][0]["zeiten"][0]["von"] = int(wert)  # a JSON number
    als_json = json.dumps(roh, default=str)
    assert [f.feld for f in fehler_von(als_json)] == ["zeiten[0].von"]


def test_uhrzeit_lesen_nimmt_keine_zahlen():
    with pytest.raises(Exception, match="keine Uhrzeit"):
        uhrzeit_lesen(9)  # was 00:09 (a "sexagesimal" integer)
    assert uhrzeit_lesen(" 9:30 ") == T(9, 30)


def test_ende_vor_beginn(variante, zeile):
    text = variante('von: "09:00"\n        bis: 12:00', 'von: "12:00"\n        bis: 09:00')
    f = einziger(text)
    assert str(f) == (f"wa.yml:{zeile('bis: 09:00', text)}: {EINTRAG_1}, Feld 'zeiten[0].bis': "
                      "Das Ende 09:00 liegt vor dem Beginn 12:00.")


def test_ende_gleich_beginn(variante):
    f = einziger(variante("bis: 12:00", 'bis: "09:00"'))
    assert f.meldung == "Das Ende 09:00 liegt gleich dem Beginn 09:00."


def test_zeiten_ueberschneiden_sich(variante, zeile):
    text = variante("        bis: 12:00\n",
                    "        bis: 12:00\n      - {tage: [Do], von: '11:00', bis: '13:00'}\n")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("zeiten", zeile("tage: [Do]", text))
    assert "Donnerstag überschneiden sich (09:00-12:00 und 11:00-13:00)" in f.meldung


@pytest.mark.parametrize("tage", ["[Mo, Xy]", "[Mon]", "Feiertag", "[Fr-Mo]"])
def test_unbekannter_wochentag(variante, zeile, tage):
    text = variante("tage: [Di, Do]", f"tage: {tage}")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("zeiten[0].tage", zeile("tage:", text))
    assert "Unbekannter Wochentag" in f.meldung and "Mo, Di, Mi, Do, Fr, Sa, So" in f.meldung


def test_zeit_ohne_bis(variante, zeile):
    text = variante("        bis: 12:00\n", "")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("zeiten[0].bis", zeile("- tage: [Di, Do]", text))
    assert f.meldung == "Die Angabe 'bis' fehlt."


@pytest.mark.parametrize("leer", ["[]", "null", '""'])
def test_zeiten_leer(variante, zeile, leer):
    text = variante("    zeiten:\n      - tage: [Di, Do]\n        von: \"09:00\"\n"
                    "        bis: 12:00\n", f"    zeiten: {leer}\n")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("zeiten", zeile("zeiten:", text))


@pytest.mark.parametrize("datum", ['"2026/11/01"', '"1. November 2026"', '"11-01-2026"', "heute"])
def test_datum_format(variante, zeile, datum):
    text = variante("gueltig_ab: 2026-11-01", f"gueltig_ab: {datum}")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("gueltig_ab", zeile("gueltig_ab:", text))
    assert "ist kein Datum" in f.meldung and "TT.MM.JJJJ" in f.meldung


@pytest.mark.parametrize("datum", ['"2026-12-1"', '"1.12.2026"', '"01.12.2026"', "2026-12-01"])
def test_datumsformate(variante, datum):
    dok = lesen(variante("gueltig_ab: 2026-11-01", f"gueltig_ab: {datum}"))
    assert dok.eintraege[0].werte["gueltig_ab"] == dt.date(2026, 12, 1)


@pytest.mark.parametrize("datum", ['"31.02.2026"', "2026-02-30", "2026-13-01", '"29.02.2027"'])
def test_unmoegliches_datum(variante, datum):
    f = einziger(variante("gueltig_ab: 2026-11-01", f"gueltig_ab: {datum}"))
    assert f.feld == "gueltig_ab" and "gibt es nicht" in f.meldung


def test_datum_mit_uhrzeit(variante):
    f = einziger(variante("gueltig_ab: 2026-11-01", "gueltig_ab: 2026-11-01 10:00:00"))
    assert f.feld == "gueltig_ab" and "ohne Uhrzeit" in f.meldung


def test_gueltig_bis_vor_gueltig_ab(variante, zeile):
    text = variante("gueltig_ab: 2026-11-01", "gueltig_ab: 2026-11-01\n    gueltig_bis: 2026-10-31")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("gueltig_bis", zeile("gueltig_bis: 2026-10-31", text))
    assert f.meldung == ("Das Ende der Gültigkeit (31.10.2026) liegt vor ihrem Beginn "
                         "(01.11.2026).")


def test_buchung_fehlt_bei_termin(variante, zeile):
    text = variante('    buchung: "Termin per E-Mail."\n', "")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("buchung", zeile("termin_erforderlich", text))
    assert "Wenn ein Termin erforderlich ist" in f.meldung
    ohne_termin = variante("termin_erforderlich: true", "termin_erforderlich: false", text)
    assert fehler_von(ohne_termin) == []


@pytest.mark.parametrize("kontakt", ["{}", "{telefon: null, email: ''}", "null"])
def test_kein_kontakt(variante, zeile, kontakt):
    text = variante('kontakt: {telefon: "0911 5290-4550", email: "nbg.gs@arbeitsagentur.example"}',
                    f"kontakt: {kontakt}")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("kontakt", zeile("kontakt:", text))
    assert f.meldung == "Geben Sie mindestens eine Kontaktmöglichkeit an (telefon oder email)."


@pytest.mark.parametrize("email", ["nbg.gs", "nbg@", "@arbeitsagentur.example", "a b@c.de",
                                   "x@localhost"])
def test_email_ungueltig(variante, email):
    f = einziger(variante('"nbg.gs@arbeitsagentur.example"', f'"{email}"'))
    assert f.feld == "kontakt.email" and "keine gültige E-Mail-Adresse" in f.meldung


def test_telefon_ungueltig(variante):
    f = einziger(variante('"0911 5290-4550"', '"bitte anrufen"'))
    assert f.feld == "kontakt.telefon" and "keine Telefonnummer" in f.meldung


@pytest.mark.parametrize(("feld", "alt", "grenze"), [
    ("titel", 'titel: "Beratung mit Gebärdensprachdolmetschung"', 200),
    ("ort_raum", 'ort_raum: "Erdgeschoss, Raum 0.14"', 200),
    ("beschreibung", 'beschreibung: "Wir organisieren zu Ihrem Termin eine Dolmetscherin."',
     4000),
    ("buchung", 'buchung: "Termin per E-Mail."', 1000),
])
def test_text_zu_lang(variante, feld, alt, grenze):
    assert fehler_von(variante(alt, f"{feld}: {'x' * grenze}")) == []
    f = einziger(variante(alt, f"{feld}: {'x' * (grenze + 1)}"))
    assert f.feld == feld
    assert f.meldung == f"Der Text ist zu lang ({grenze + 1} Zeichen, höchstens {grenze})."


def test_absender_zu_lang(variante):
    f = einziger(variante('absender: "Petra Muster, Eingangszone"', f"absender: {'x' * 101}"))
    assert (f.feld, f.zeile) == ("absender", 3) and "höchstens 100" in f.meldung


def test_steuerzeichen(variante):
    f = einziger(variante('titel: "Beratung', 'titel: "Bera\\0tung'))
    assert f.feld == "titel" and "Steuerzeichen" in f.meldung


def test_falscher_typ_fuer_text(variante):
    f = einziger(variante('titel: "Beratung mit Gebärdensprachdolmetschung"', "titel: [a, b]"))
    assert f.feld == "titel" and "Text erwartet" in f.meldung


def test_sprachen_leer(variante):
    f = einziger(variante("sprachen: [Deutsch, Deutsche Gebärdensprache]", "sprachen: [',']"))
    assert f.feld == "sprachen" and "mindestens eine Sprache" in f.meldung


def test_beenden_nur_mit_gueltig_bis(variante, zeile):
    text = variante("    gueltig_bis: 2026-12-31\n", "    gueltig_bis: 2026-12-31\n    titel: x\n")
    f = einziger(text)
    assert (f.feld, f.zeile) == ("titel", zeile("titel: x", text))
    assert "Bei 'beenden'" in f.meldung and "'aendern'" in f.meldung


def test_aendern_ohne_aenderung(variante, zeile):
    text = variante('    titel: "Hilfe bei Registrierung, Anmeldung und BundID"\n', "")
    f = einziger(text)
    assert (f.eintrag, f.zeile) == ("Eintrag 2 (nuernberg-mitte-registrierung)",
                                    zeile("aktion: aendern", text))
    assert "ändert nichts" in f.meldung


def test_pflichtfeld_darf_nicht_geleert_werden(variante):
    f = einziger(variante('titel: "Hilfe bei Registrierung, Anmeldung und BundID"', "titel: null"))
    assert (f.feld, f.meldung) == ("titel", "Das Feld darf nicht leer sein.")


def test_fehler_in_mehreren_eintraegen_werden_alle_gemeldet(variante):
    text = variante("art: gebaerdensprache", "art: x")
    text = variante('von: "09:00"', 'von: "9 Uhr"', text)
    text = variante("gueltig_bis: 2026-12-31", "gueltig_bis: 2026-12-32", text)
    text = variante("id: nuernberg-mitte-registrierung", "id: X", text)
    felder = [f.feld for f in fehler_von(text)]
    assert felder == ["art", "zeiten[0].von", "id", "gueltig_bis"]
