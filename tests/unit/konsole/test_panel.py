"""The guide panel: guide and steps, wording, notices, checklist, Abschlag and offer cards."""

from __future__ import annotations

import json

from konsole_hilfen import (
    ANNA,
    ANNA_IBAN,
    HEUTE,
    TrackerBau,
    anna_bis_legitimation,
    anna_bis_zustimmung,
    anna_ueberwiesen,
    becker_legitimiert,
    ueberweisen,
)

from leitfaden import offers
from leitfaden.abschlag import ledger, warteschlange
from leitfaden.abschlag.pruefung import entscheidung_fuer
from leitfaden.guides import library
from leitfaden.konsole import (
    gespraech_beginnen,
    hinweis_bestaetigen,
    panel_erstellen,
    schritte_pruefen,
)
from leitfaden.store.repository import SqlRepository


def _panel(engine, gespraech, bau: TrackerBau) -> dict:
    daten = panel_erstellen(engine, gespraech, bau.json(), HEUTE).als_dict()
    json.dumps(daten)  # plain JSON, no Decimal, date or tuple surprises
    return daten


def _status(daten: dict) -> dict[str, str]:
    return {s["id"]: s["status"] for s in daten["schritte"]}


def _checkliste(daten: dict) -> dict[str, bool]:
    return {c["text"]: c["erledigt"] for c in daten["checkliste"]}


def test_vor_dem_ersten_zug_glf_3000(engine, gespraech, bau):
    daten = _panel(engine, gespraech, bau)
    assert set(daten) == {"gespraech", "leitfaden", "schritte", "aktuell", "offene_hinweise",
                          "checkliste", "kunde", "schutzkennzeichen_m", "abschlag", "angebote",
                          "abweichungen"}
    guide = library().in_force("3.000", HEUTE)
    assert daten["leitfaden"] == {"nummer": "3.000", "titel": guide.titel,
                                  "version": guide.version, "gueltig_ab": "20.07.2026",
                                  "weisung": guide.weisung}
    assert daten["aktuell"]["id"] == "3.000.1"
    assert _status(daten)["3.000.1"] == "aktuell"
    assert set(_status(daten).values()) == {"aktuell", "offen"}
    assert daten["aktuell"]["wortlaut"] == [
        "Sagen Sie: „Guten Tag, Service Center der Agentur für Arbeit, mein Name ist … Was kann "
        "ich für Sie tun?“"]
    assert daten["kunde"] is None and daten["abschlag"] is None and daten["angebote"] == []
    assert daten["gespraech"] == {"sender_id": gespraech.sender_id, "beendet": False}
    assert not any(_checkliste(daten).values())


def test_anna_bis_zur_zustimmung(engine, gespraech, bau):
    anna_bis_legitimation(bau)
    daten = _panel(engine, gespraech, bau)
    assert daten["leitfaden"]["nummer"] == "3.000" and daten["aktuell"]["id"] == "3.000.4"
    assert daten["kunde"] is None  # the number is typed, but not checked yet
    assert "Anna" not in json.dumps(daten, ensure_ascii=False)
    assert _checkliste(daten) == {
        "Anliegen geklärt": True, "Rolle geklärt": True, "Legitimation erfolgreich": False,
        "Online-Angebote genannt": False, "Unterstützungsbedarf erfragt": False,
        "Gesprächsvermerk gespeichert": False}

    t = anna_bis_zustimmung(TrackerBau(gespraech.sender_id))
    daten = _panel(engine, gespraech, t)
    assert daten["leitfaden"]["nummer"] == "3.301"
    assert daten["leitfaden"]["version"] == library().in_force("3.301", HEUTE).version
    assert daten["leitfaden"]["gueltig_ab"] == "20.07.2026"
    status = _status(daten)
    assert [status[f"3.301.{n}"] for n in range(1, 10)] == [
        "erledigt"] * 5 + ["aktuell"] + ["offen"] * 3
    assert daten["kunde"] == {"name": "Anna Schmidt", "kundennummer_maskiert": "123A****89",
                              "vollmacht_umfang": None}
    assert daten["schutzkennzeichen_m"] is False

    karte = daten["abschlag"]
    assert karte["moeglich"] is True and karte["status"] == "berechnet"
    assert (karte["tage"], karte["betrag"], karte["betrag_cent"]) == (17, "889,10 €", 88910)
    assert (karte["tagessatz"], karte["tagessatz_cent"]) == ("52,30 €", 5230)
    assert (karte["bereits_gezahlt"], karte["bereits_gezahlt_cent"]) == ("0,00 €", 0)
    assert karte["berechnung"] == "17 Tage × 52,30 € − 0,00 € = 889,10 €"
    assert karte["zeitraum"] == "01.11.2026 bis 17.11.2026"
    assert karte["naechster_zahltag"] == "01.12.2026"
    assert karte["gruende"] == [] and karte["nummer"] is None
    assert karte["kann_ueberweisen"] is True and karte["darf_ueberweisen"] is True
    assert karte["iban_maskiert"] == ledger.iban_maskiert(ANNA_IBAN)
    assert karte["haertegrund"] == "Miete fällig, Kündigung droht"
    text = json.dumps(daten, ensure_ascii=False)
    assert ANNA_IBAN not in text and "0532 0130" not in text and "05320130" not in text

    aktuell = daten["aktuell"]
    assert (aktuell["id"], aktuell["name"]) == ("3.301.6", "Zustimmung")
    assert aktuell["pflichthinweise"] == [{
        "schritt": "3.301.6", "hinweis": "frage_zustimmung", "bestaetigt": False,
        "text": "Die Abschlagszahlung von 889,10 € wird mit Ihrer nächsten regulären Zahlung "
                "am 01.12.2026 verrechnet; diese fällt entsprechend niedriger aus. Sind Sie "
                "damit einverstanden?"}]
    assert aktuell["pflichthinweise"][0]["text"] in aktuell["wortlaut"]
    assert [h["hinweis"] for h in daten["offene_hinweise"]] == ["frage_zustimmung"]
    assert _checkliste(daten) == {
        "Legitimation erfolgreich": True, "Leistungsstatus geprüft": True,
        "Härtegrund festgehalten": True, "Betrag berechnet": True,
        "Bankverbindung bestätigt": True, "Zustimmung eingeholt": False,
        "Überweisung ausgelöst oder Antrag vorbereitet": False, "Vermerk gespeichert": False}


def test_sc_mitarbeiterin_darf_nicht_ueberweisen(engine):
    g = gespraech_beginnen(engine, "sc-demo")
    daten = _panel(engine, g, anna_bis_zustimmung(TrackerBau(g.sender_id)))
    assert daten["abschlag"]["kann_ueberweisen"] is True  # possible in this step ...
    assert daten["abschlag"]["darf_ueberweisen"] is False  # ... but not by an SC employee


def test_abgehakter_hinweis_ist_bestaetigt(engine, gespraech):
    hinweis_bestaetigen(engine, gespraech.id, "3.301.6", "frage_zustimmung", "socl-demo")
    daten = _panel(engine, gespraech, anna_bis_zustimmung(TrackerBau(gespraech.sender_id)))
    assert daten["aktuell"]["pflichthinweise"][0]["bestaetigt"] is True
    assert daten["offene_hinweise"] == []


def test_nach_der_ueberweisung_zurueck_in_3000(engine, gespraech):
    t = anna_bis_zustimmung(TrackerBau(gespraech.sender_id))
    assert _panel(engine, gespraech, t)["leitfaden"]["nummer"] == "3.301"
    hinweis_bestaetigen(engine, gespraech.id, "3.301.6", "frage_zustimmung", "socl-demo")
    schritte_pruefen(engine, gespraech.id, t.json(), "socl-demo", HEUTE)
    u = ueberweisen(engine, gespraech.sender_id)
    anna_ueberwiesen(t, u.bestaetigungsnummer)
    daten = _panel(engine, gespraech, t)

    assert daten["leitfaden"]["nummer"] == "3.000" and daten["aktuell"]["id"] == "3.000.7"
    assert _status(daten)["3.000.4"] == "erledigt" and _status(daten)["3.000.5"] == "offen"
    karte = daten["abschlag"]
    assert karte["nummer"] == u.bestaetigungsnummer and karte["nummer"].startswith("AB-2026-")
    assert karte["status"] == "ueberwiesen"
    assert u.bestaetigungsnummer in karte["status_text"]
    assert karte["gutschrift"] == u.gutschrift_text
    assert (karte["betrag"], karte["betrag_cent"], karte["tage"]) == ("889,10 €", 88910, 17)
    assert karte["berechnung"] == "17 Tage × 52,30 € − 0,00 € = 889,10 €"
    assert karte["kann_ueberweisen"] is False
    # the assistant passed 3.301.8 within the turn: its notice can still be ticked
    assert daten["offene_hinweise"] == [{
        "schritt": "3.301.8", "hinweis": "kein_besuch", "bestaetigt": False,
        "text": "Der Vermerk ist in der Akte gespeichert. Sagen Sie: „Ein Besuch in der "
                "Agentur ist dafür nicht nötig.“"}]
    assert _checkliste(daten)["Legitimation erfolgreich"] is True
    assert ANNA_IBAN not in json.dumps(daten)

    # a further concern: the card is gone once the conversation moves on
    t.nutzer("Ja, noch eine Frage", "affirm").schritt("3.000.2", "anliegen_frage")
    assert _panel(engine, gespraech, t)["abschlag"] is None


def test_antrag_in_der_warteschlange(engine):
    g = gespraech_beginnen(engine, "sc-demo")
    t = anna_bis_zustimmung(TrackerBau(g.sender_id))
    e = entscheidung_fuer(SqlRepository(engine), ANNA, None, HEUTE)
    antrag = warteschlange.antrag_stellen(
        engine, kundennummer=ANNA, betrag=e.betrag, berechnung=e.als_dict(),
        haertegrund="miete", haertegrund_text="Miete", conversation_id=g.sender_id,
        idempotenz_schluessel=f"{g.sender_id}:{ANNA}:2026-11")
    t.nutzer("Kundin ist einverstanden", "affirm")
    t.schritt("3.301.7", "keine_berechtigung", abschlag_ergebnis="antrag",
              abschlag_nummer=antrag.vorgangsnummer)
    karte = _panel(engine, g, t)["abschlag"]
    assert karte["nummer"] == antrag.vorgangsnummer and karte["nummer"].startswith("VG-2026-")
    assert karte["status"] == "antrag_offen" and antrag.vorgangsnummer in karte["status_text"]
    assert (karte["betrag"], karte["betrag_cent"], karte["moeglich"]) == ("889,10 €", 88910, True)
    assert karte["kann_ueberweisen"] is False and karte["gutschrift"] is None


def test_panel_folgt_dem_leitfadenwechsel(engine, gespraech):
    t = anna_bis_legitimation(TrackerBau(gespraech.sender_id))
    reihe = [_panel(engine, gespraech, t)["leitfaden"]["nummer"]]
    t = anna_bis_zustimmung(TrackerBau(gespraech.sender_id))
    reihe.append(_panel(engine, gespraech, t)["leitfaden"]["nummer"])
    anna_ueberwiesen(t, ueberweisen(engine, gespraech.sender_id).bestaetigungsnummer)
    reihe.append(_panel(engine, gespraech, t)["leitfaden"]["nummer"])
    assert reihe == ["3.000", "3.301", "3.000"]


def test_abweichung_erscheint_im_panel(engine, gespraech):
    t = anna_bis_zustimmung(TrackerBau(gespraech.sender_id))
    schritte_pruefen(engine, gespraech.id, t.json(), "socl-demo", HEUTE)
    daten = _panel(engine, gespraech, t)
    assert [(a["schritt"], a["art"], a["leitfaden"], a["version"])
            for a in daten["abweichungen"]] == [
        ("3.301.6", "hinweis_nicht_gegeben", "3.301", "2026.07")]
    assert "nicht als gegeben markiert" in daten["abweichungen"][0]["beschreibung"]
    assert daten["offene_hinweise"] == []  # recorded: no longer open


def test_schutzkennzeichen_m_zeigt_keine_personendaten(engine, gespraech):
    t = becker_legitimiert(TrackerBau(gespraech.sender_id))
    daten = _panel(engine, gespraech, t)
    assert daten["schutzkennzeichen_m"] is True
    assert daten["kunde"] is None and daten["abschlag"] is None
    assert daten["aktuell"]["id"] == "3.000.5"
    text = json.dumps(daten, ensure_ascii=False)
    for verboten in ("Becker", "Thomas", "456D", "DE94", "48,00", "4800", "Köln", "50667"):
        assert verboten not in text, verboten
    # even a tracker that (wrongly) reaches the Abschlag steps shows nothing personal
    t.schritt("3.301.6", "frage_zustimmung", abschlag_betrag="720.00")
    daten = _panel(engine, gespraech, t)
    text = json.dumps(daten, ensure_ascii=False)
    assert daten["abschlag"] is None and daten["kunde"] is None
    for verboten in ("Becker", "456D", "DE94", "48,00", "Köln"):
        assert verboten not in text, verboten


def _unterstuetzung_bis_standort(t: TrackerBau) -> TrackerBau:
    t.nutzer("/greet", "greet").schritt("3.000.1", "begruessung")
    t.nutzer("Kundin braucht Hilfe bei den Online-Angeboten", "need_support")
    t.schritt("3.000.2", "anliegen_unterstuetzung", anliegen="unterstuetzung")
    t.schritt("3.000.6", "frage_bedarf", aktion="action_glf3000_unterstuetzung_frage")
    t.nutzer("Ja", "affirm").schritt("3.000.6", "frage_standort", aktion="action_ask_standort")
    t.nutzer("90402").aktion("validate_unterstuetzung_form")
    return t.setze(standort="90402", guide="3.000", guide_step="3.000.6")


def test_angebotskarten_fuer_nuernberg(engine, gespraech):
    t = _unterstuetzung_bis_standort(TrackerBau(gespraech.sender_id))
    daten = _panel(engine, gespraech, t)
    erwartet = offers.angebote_fuer(SqlRepository(engine), HEUTE, plz="90402")
    assert erwartet.dienststelle is not None and erwartet.angebote
    assert [k["id"] for k in daten["angebote"]] == [a.id for a in erwartet.angebote]
    karte = daten["angebote"][0]
    angebot = erwartet.angebote[0]
    assert karte["dienststelle"] == "Agentur für Arbeit Nürnberg, Dienststelle Mitte"
    assert karte["adresse"] == erwartet.dienststelle.anschrift
    assert karte["titel"] == angebot.titel and karte["raum"] == angebot.ort_raum
    assert karte["zeiten"] == offers.zeiten_text(angebot.zeiten)
    assert karte["termin_erforderlich"] is angebot.termin_erforderlich
    assert karte["termin"].startswith("Termin nötig" if angebot.termin_erforderlich
                                      else "Kein Termin")
    assert karte["alternative"] is False
    assert all(k["dienststelle"].startswith("Agentur für Arbeit Nürnberg")
               for k in daten["angebote"])
    assert any("Dienststelle Mitte" in w for w in daten["aktuell"]["wortlaut"])

    # the assistant names them and goes on to 3.000.7 in the same turn: cards stay
    t.schritt("3.000.6", "angebote", "angebot", "angebot",
              aktion="action_glf3000_unterstuetzung_angebote", standort=None,
              angebote_genannt=True)
    t.schritt("3.000.7", "frage_weiteres", aktion="action_glf3000_abschluss_frage")
    daten = _panel(engine, gespraech, t)
    assert daten["aktuell"]["id"] == "3.000.7"
    assert [k["id"] for k in daten["angebote"]] == [a.id for a in erwartet.angebote]
    assert _checkliste(daten)["Unterstützungsbedarf erfragt"] is True


def test_keine_angebotskarten_ausserhalb_der_schritte(engine, gespraech):
    t = TrackerBau(gespraech.sender_id)
    t.nutzer("/greet", "greet").schritt("3.000.1", "begruessung")
    t.nutzer("Kundin will online etwas", "ask_online_services")
    t.schritt("3.000.2", "anliegen_online", anliegen="online", standort="90402")
    assert _panel(engine, gespraech, t)["angebote"] == []
    # in 3.000.6 without a place yet: nothing found, no cards
    t.setze(standort=None).schritt("3.000.6", "frage_bedarf")
    assert _panel(engine, gespraech, t)["angebote"] == []


def test_glf_1000_angebote_der_dienststelle(engine, gespraech):
    t = TrackerBau(gespraech.sender_id)
    t.nutzer('/einsatz_agentur{"dienststelle": "nuernberg-mitte"}')
    t.schritt("1.000.1", "begruessung", dienststelle="nuernberg-mitte")
    t.nutzer("Kunde braucht Hilfe am PC", "need_support").schritt(
        "1.000.3", "frage_bedarf", anliegen="unterstuetzung")
    daten = _panel(engine, gespraech, t)
    assert daten["leitfaden"]["nummer"] == "1.000"
    erwartet = offers.angebote_fuer(SqlRepository(engine), HEUTE,
                                    dienststelle_id="nuernberg-mitte")
    assert [k["id"] for k in daten["angebote"]] == [a.id for a in erwartet.angebote]
    assert "Unterstützung vor Ort" in [s["name"] for s in daten["schritte"]]
    assert _checkliste(daten)["Anliegen geklärt"] is True
