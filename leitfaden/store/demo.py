"""Clearly marked demo data (invented people and offices) and how to load and reset it.

The customer table is the contract in ``contracts.md`` ("Demo data that must exist"),
reference day 2026-11-18. Everything here is fictitious; e-mail addresses use ``.example``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import delete, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from leitfaden import clock
from leitfaden.store.db import session_scope
from leitfaden.store.models import (
    AbschlagAntrag,
    Agentur,
    AngebotsZeit,
    Anspruch,
    Dienststelle,
    DienststellePlz,
    Gespraechsvermerk,
    Kunde,
    Mitarbeiter,
    SepaExport,
    Terminanfrage,
    Unterstuetzungsangebot,
    Vollmacht,
    Zahlung,
    utc_naiv,
)
from leitfaden.store.repository import audit_schreiben

AKTEUR = "system:demo"
D = dt.date


# --- customers, claims, powers of attorney, payments ---------------------------------------


@dataclass(frozen=True)
class DemoKunde:
    """One row of the contract table."""

    kundennummer: str
    vorname: str
    nachname: str
    geburtsdatum: dt.date
    strasse: str
    plz: str
    ort: str
    iban: str | None
    anspruch_status: str
    beginn: dt.date | None
    tagessatz_cent: int | None
    entschieden_am: dt.date | None
    schutzkennzeichen_m: bool = False


KUNDEN: tuple[DemoKunde, ...] = (
    DemoKunde("123A456789", "Anna", "Schmidt", D(1985, 3, 14), "Karolinenstraße 14",
              "90402", "Nürnberg", "DE89370400440532013000",
              "bewilligt", D(2026, 9, 1), 5230, D(2026, 8, 27)),
    DemoKunde("234B567890", "Mehmet", "Yilmaz", D(1979, 11, 2), "Invalidenstraße 88",
              "10115", "Berlin", "DE46100500001234567890",
              "in_bearbeitung", None, None, None),
    DemoKunde("345C678901", "Petra", "Wagner", D(1968, 7, 21), "Spitalerstraße 22",
              "20095", "Hamburg", "DE11760501010987654321",
              "abgelehnt", None, None, D(2026, 10, 20)),
    DemoKunde("456D789012", "Thomas", "Becker", D(1990, 1, 30), "Breite Straße 31",
              "50667", "Köln", "DE94701500001122334455",
              "bewilligt", D(2026, 10, 1), 4800, D(2026, 9, 24), schutzkennzeichen_m=True),
    DemoKunde("567E890123", "Julia", "Hoffmann", D(1995, 5, 5), "Sendlinger Straße 45",
              "80331", "München", None,
              "bewilligt", D(2026, 11, 10), 4100, D(2026, 11, 12)),
    DemoKunde("678F901234", "Klaus", "Neumann", D(1962, 4, 9), "Brühl 52",
              "04109", "Leipzig", "DE36860555920555666777",
              "bewilligt", D(2026, 10, 1), 3875, D(2026, 9, 28)),
    DemoKunde("789G012345", "Erika", "Braun", D(1971, 9, 17), "Kaiserstraße 9",
              "90402", "Nürnberg", "DE54200505504433221100",
              "bewilligt", D(2026, 8, 1), 4510, D(2026, 7, 22)),
    DemoKunde("890H123456", "Stefan", "Krüger", D(1983, 6, 6), "Torstraße 140",
              "10115", "Berlin", "DE26500105175566778899",
              "bewilligt", D(2026, 8, 1), 6000, D(2026, 7, 29)),
    DemoKunde("901J234567", "Laura", "Fischer", D(2000, 10, 10), "Hohe Straße 101",
              "50667", "Köln", "DE11120300000098765432",
              "bewilligt", D(2026, 11, 16), 2000, D(2026, 11, 17)),
)

#: (kundennummer, vorname, nachname, geburtsdatum, umfang, gueltig_ab)
VOLLMACHTEN: tuple[tuple[str, str, str, dt.date, str, dt.date], ...] = (
    ("678F901234", "Sabine", "Neumann", D(1988, 8, 8), "vollumfaenglich", D(2026, 3, 1)),
    ("789G012345", "Martin", "Braun", D(1969, 2, 25), "teilweise", D(2026, 5, 15)),
)

#: (kundennummer, art, betrag_cent, datum, status, referenz)
ZAHLUNGEN: tuple[tuple[str, str, int, dt.date, str, str], ...] = (
    ("890H123456", "abschlag", 20000, D(2026, 11, 5), "ausgezahlt", "DEMO-ABS-20261105-0001"),
)


# --- employees (agent channel) --------------------------------------------------------------

#: (login, name, rolle): invented employees for the agent channel (contracts.md).
MITARBEITER: tuple[tuple[str, str, str], ...] = (
    ("sc-demo", "Sophie Clausen", "sc"),
    ("socl-demo", "Oliver Lindner", "socl"),
    ("trainer-demo", "Tanja Reuter", "trainer"),
    ("admin-demo", "Andreas Mohr", "admin"),
)

#: Password of the demo accounts in the web app (only its Argon2id hash is stored).
DEMO_PASSWORT = "Leitfaden-Demo-2026"


@functools.cache
def _demo_passwort_hash(login: str) -> str:
    """Hash of :data:`DEMO_PASSWORT` for one account (own salt; computed once per process)."""
    return PasswordHasher().hash(DEMO_PASSWORT)


# --- Agenturen, Dienststellen, postcodes ---------------------------------------------------

AGENTUREN: tuple[tuple[str, str], ...] = (
    ("nuernberg", "Agentur für Arbeit Nürnberg"),
    ("berlin", "Agentur für Arbeit Berlin Mitte"),
    ("hamburg", "Agentur für Arbeit Hamburg"),
    ("koeln", "Agentur für Arbeit Köln"),
    ("muenchen", "Agentur für Arbeit München"),
    ("leipzig", "Agentur für Arbeit Leipzig"),
)


@dataclass(frozen=True)
class DemoDienststelle:
    """An invented office with plausible address and coordinates."""

    id: str
    agentur_id: str
    name: str
    strasse: str
    plz: str
    ort: str
    telefon: str
    lat: float
    lon: float
    postleitzahlen: tuple[str, ...]


def _plz(text: str) -> tuple[str, ...]:
    return tuple(text.split())


DIENSTSTELLEN: tuple[DemoDienststelle, ...] = (
    DemoDienststelle(
        "nuernberg-mitte", "nuernberg", "Agentur für Arbeit Nürnberg, Dienststelle Mitte",
        "Königstorgraben 11", "90402", "Nürnberg", "0911 5290-4000", 49.4470, 11.0830,
        _plz("90402 90403 90408 90409 90411 90419 90425 90427 90429 90431 90439 90441 "
             "90443 90449 90451 90453 90455 90459 90461"),
    ),
    DemoDienststelle(
        "nuernberg-langwasser", "nuernberg",
        "Agentur für Arbeit Nürnberg, Dienststelle Langwasser",
        "Glogauer Straße 30", "90473", "Nürnberg", "0911 5290-4500", 49.4128, 11.1420,
        _plz("90469 90471 90473 90475 90478 90480 90482 90489 90491"),
    ),
    DemoDienststelle(
        "berlin-mitte", "berlin", "Agentur für Arbeit Berlin Mitte, Dienststelle Mitte",
        "Chausseestraße 88", "10115", "Berlin", "030 5555-1000", 52.5310, 13.3800,
        _plz("10115 10117 10119 10178 10179 10435 10551 10553 10555 10557 10559"),
    ),
    DemoDienststelle(
        "berlin-friedrichshain", "berlin",
        "Agentur für Arbeit Berlin Mitte, Dienststelle Friedrichshain",
        "Warschauer Straße 40", "10243", "Berlin", "030 5555-2000", 52.5070, 13.4500,
        _plz("10243 10245 10247 10249 10961 10963 10965 10967 10969 10997 10999"),
    ),
    DemoDienststelle(
        "hamburg-mitte", "hamburg", "Agentur für Arbeit Hamburg, Dienststelle Mitte",
        "Besenbinderhof 30", "20097", "Hamburg", "040 5555-3000", 53.5520, 10.0170,
        _plz("20095 20097 20099 20354 20355 20457 20459 22087 22089"),
    ),
    DemoDienststelle(
        "koeln-innenstadt", "koeln", "Agentur für Arbeit Köln, Dienststelle Innenstadt",
        "Hohenstaufenring 30", "50674", "Köln", "0221 5555-4000", 50.9310, 6.9390,
        _plz("50667 50668 50670 50672 50674 50676 50677 50678"),
    ),
    DemoDienststelle(
        "koeln-muelheim", "koeln", "Agentur für Arbeit Köln, Dienststelle Mülheim",
        "Frankfurter Straße 20", "51065", "Köln", "0221 5555-4500", 50.9620, 7.0060,
        _plz("51061 51063 51065 51067 51069"),
    ),
    DemoDienststelle(
        "muenchen-zentrum", "muenchen", "Agentur für Arbeit München, Dienststelle Zentrum",
        "Sonnenstraße 20", "80331", "München", "089 5555-5000", 48.1360, 11.5640,
        _plz("80331 80333 80335 80336 80337 80339 80469 80538 80539"),
    ),
    DemoDienststelle(
        "leipzig-zentrum", "leipzig", "Agentur für Arbeit Leipzig, Dienststelle Zentrum",
        "Rosa-Luxemburg-Straße 25", "04103", "Leipzig", "0341 5555-6000", 51.3420, 12.3800,
        _plz("04103 04105 04107 04109 04129 04155 04177"),
    ),
)


# --- support offers ------------------------------------------------------------------------

_TAGE = {"Mo": 0, "Di": 1, "Mi": 2, "Do": 3, "Fr": 4, "Sa": 5, "So": 6}


def _zeiten(*slots: str) -> tuple[tuple[int, dt.time, dt.time], ...]:
    """``"Mo Mi 09:00-12:00"`` -> one (weekday, from, to) per day."""
    out = []
    for slot in slots:
        *tage, spanne = slot.split()
        von, bis = (dt.time.fromisoformat(t) for t in spanne.split("-"))
        out.extend((_TAGE[t], von, bis) for t in tage)
    return tuple(out)


#: Offers start with the directive (valid from 2026-07-20), reported by Webauftrag before.
AB_WEISUNG = D(2026, 7, 20)
GEMELDET_AM = dt.datetime(2026, 7, 15, 8, 0)


@dataclass(frozen=True)
class DemoAngebot:
    """An invented support offer."""

    id: str
    dienststelle_id: str
    art: str
    titel: str
    beschreibung: str
    ort_raum: str
    zeiten: tuple[tuple[int, dt.time, dt.time], ...]
    termin_erforderlich: bool
    buchung: str | None
    barrierefreiheit: str | None
    sprachen: str
    kontakt_telefon: str | None
    kontakt_email: str | None
    gueltig_ab: dt.date = AB_WEISUNG
    gueltig_bis: dt.date | None = None
    geaendert_am: dt.datetime = GEMELDET_AM


_STUFENLOS = "Stufenloser Zugang, Aufzug vorhanden, barrierefreie Toilette im Erdgeschoss."

ANGEBOTE: tuple[DemoAngebot, ...] = (
    # Nürnberg
    DemoAngebot(
        "nuernberg-mitte-registrierung", "nuernberg-mitte", "online_registrierung",
        "Hilfe bei Registrierung und Anmeldung",
        "Wir helfen Ihnen, ein Benutzerkonto für die eServices anzulegen und sich mit "
        "BundID oder der Online-Ausweisfunktion anzumelden. Bitte bringen Sie Ihren "
        "Personalausweis und, falls vorhanden, Ihr Smartphone mit.",
        "Eingangszone, Erdgeschoss, Raum E.12",
        _zeiten("Mo Mi 09:00-12:00", "Do 14:00-17:00"),
        False, None, _STUFENLOS, "Deutsch, Englisch",
        "0911 5290-4110", "nuernberg.online-hilfe@arbeitsagentur.example",
    ),
    DemoAngebot(
        "nuernberg-mitte-gebaerdensprache", "nuernberg-mitte", "gebaerdensprache",
        "Beratung mit Gebärdensprachdolmetschung",
        "Für gehörlose und hörbehinderte Menschen organisieren wir zu Ihrem Termin eine "
        "Dolmetscherin oder einen Dolmetscher für Deutsche Gebärdensprache.",
        "1. Obergeschoss, Raum 1.08",
        _zeiten("Di 09:00-12:00"),
        True,
        "Bitte vereinbaren Sie den Termin mindestens eine Woche vorher per E-Mail oder "
        "per Fax an 0911 5290-4199.",
        _STUFENLOS + " Induktive Höranlage im Beratungsraum.",
        "Deutsch, Deutsche Gebärdensprache",
        None, "nuernberg.gebaerdensprache@arbeitsagentur.example",
    ),
    DemoAngebot(
        "nuernberg-mitte-vero", "nuernberg-mitte", "vertretung_vero",
        "Sprechstunde Online-Vertretung für Bevollmächtigte",
        "Bevollmächtigte mit vollumfänglicher Vollmacht erfahren, wie sie mit VERO online "
        "für die vertretene Person handeln können. Bitte bringen Sie die Vollmacht mit.",
        "Eingangszone, Erdgeschoss, Raum E.14",
        _zeiten("Do 09:00-12:00"),
        True,
        "Termine vereinbaren Sie telefonisch unter 0911 5290-4120.",
        _STUFENLOS, "Deutsch",
        "0911 5290-4120", "nuernberg.online-hilfe@arbeitsagentur.example",
    ),
    DemoAngebot(
        "nuernberg-langwasser-selbstinfo", "nuernberg-langwasser",
        "selbstinformation_begleitet",
        "Begleitete Selbstinformation",
        "An den Selbstinformations-PCs unterstützt Sie eine Mitarbeiterin oder ein "
        "Mitarbeiter bei der Suche nach Informationen und beim Ausfüllen von Formularen.",
        "Selbstinformationsbereich, Erdgeschoss",
        _zeiten("Mo Di Mi Do Fr 08:00-12:00"),
        False, None, _STUFENLOS + " Ein PC-Platz ist höhenverstellbar.", "Deutsch, Englisch",
        "0911 5290-4510", None,
    ),
    DemoAngebot(
        "nuernberg-langwasser-digitalkurs-2026", "nuernberg-langwasser", "digitalkurs",
        "Digitalkurs „Fit für die eServices“ (Frühjahr bis Herbst 2026)",
        "In einem zweistündigen Kurs lernen Sie die wichtigsten Online-Angebote der "
        "Bundesagentur für Arbeit kennen. Dieser Kurs ist beendet.",
        "Schulungsraum 0.20, Erdgeschoss",
        _zeiten("Mi 10:00-12:00"),
        True, "Anmeldung telefonisch unter 0911 5290-4520.", _STUFENLOS, "Deutsch",
        "0911 5290-4520", None,
        gueltig_ab=D(2026, 3, 2), gueltig_bis=D(2026, 10, 31),
    ),
    # Berlin
    DemoAngebot(
        "berlin-mitte-antragshilfe", "berlin-mitte", "antragshilfe_online",
        "Hilfe beim Ausfüllen von Online-Anträgen",
        "Wir gehen mit Ihnen Schritt für Schritt durch den Online-Antrag, zum Beispiel auf "
        "Arbeitslosengeld, und beantworten Ihre Fragen zu den Angaben.",
        "Erdgeschoss, Servicebereich, Raum 0.05",
        _zeiten("Mo Di Mi Do 08:00-12:00"),
        True,
        "Termine buchen Sie telefonisch unter 030 5555-1100 oder online über die "
        "Terminvereinbarung der Agentur.",
        _STUFENLOS, "Deutsch, Englisch",
        "030 5555-1100", "berlin-mitte.antragshilfe@arbeitsagentur.example",
    ),
    DemoAngebot(
        "berlin-mitte-sprachmittlung", "berlin-mitte", "sprachmittlung",
        "Beratung mit Sprachmittlung",
        "Wenn Sie nicht gut Deutsch sprechen, unterstützt Sie eine Sprachmittlerin oder "
        "ein Sprachmittler bei der Nutzung der Online-Angebote.",
        "1. Obergeschoss, Raum 1.15",
        _zeiten("Di Do 09:00-13:00"),
        True,
        "Bitte vereinbaren Sie einen Termin telefonisch unter 030 5555-1150 und nennen "
        "Sie dabei Ihre Sprache.",
        _STUFENLOS, "Deutsch, Türkisch, Arabisch, Russisch, Ukrainisch",
        "030 5555-1150", None,
    ),
    DemoAngebot(
        "berlin-mitte-gebaerdensprache", "berlin-mitte", "gebaerdensprache",
        "Sprechstunde in Deutscher Gebärdensprache",
        "Eine Gebärdensprachdolmetscherin begleitet die Beratung zu den Online-Angeboten.",
        "1. Obergeschoss, Raum 1.20",
        _zeiten("Mi 13:00-16:00"),
        True,
        "Termine vereinbaren Sie per E-Mail oder per SMS an 0160 5555-1199.",
        _STUFENLOS + " Induktive Höranlage vorhanden.",
        "Deutsch, Deutsche Gebärdensprache",
        None, "berlin-mitte.gebaerdensprache@arbeitsagentur.example",
    ),
    DemoAngebot(
        "berlin-friedrichshain-registrierung", "berlin-friedrichshain",
        "online_registrierung",
        "Offene Sprechstunde Registrierung und BundID",
        "Ohne Termin helfen wir Ihnen bei der Registrierung, beim Anmelden mit BundID "
        "und beim Einrichten der Online-Ausweisfunktion.",
        "Eingangszone, Erdgeschoss",
        _zeiten("Mo Di Fr 08:00-12:00"),
        False, None, _STUFENLOS, "Deutsch, Englisch, Polnisch",
        "030 5555-2100", None,
    ),
    DemoAngebot(
        "berlin-friedrichshain-digitalkurs", "berlin-friedrichshain", "digitalkurs",
        "Digitalkurs „Ihre Anliegen online erledigen“",
        "In kleinen Gruppen zeigen wir Ihnen, wie Sie Veränderungen mitteilen, Nachrichten "
        "lesen und Unterlagen hochladen.",
        "Schulungsraum 2.01, 2. Obergeschoss",
        _zeiten("Mi 10:00-12:00"),
        True,
        "Bitte melden Sie sich telefonisch unter 030 5555-2150 oder in der Eingangszone an.",
        _STUFENLOS, "Deutsch",
        "030 5555-2150", "berlin-friedrichshain.digitalkurs@arbeitsagentur.example",
    ),
    # Hamburg
    DemoAngebot(
        "hamburg-mitte-registrierung", "hamburg-mitte", "online_registrierung",
        "Hilfe bei Registrierung und Anmeldung",
        "Wir unterstützen Sie beim Anlegen Ihres Benutzerkontos und bei der ersten Anmeldung.",
        "Eingangszone, Erdgeschoss",
        _zeiten("Mo Di Mi Do Fr 08:00-12:00", "Do 14:00-18:00"),
        False, None, _STUFENLOS, "Deutsch, Englisch",
        "040 5555-3100", None,
    ),
    DemoAngebot(
        "hamburg-mitte-barrierefrei", "hamburg-mitte", "barrierefrei",
        "Barrierefreie Unterstützung",
        "Wir zeigen Ihnen die Online-Angebote mit Screenreader, Vergrößerung oder in "
        "Leichter Sprache und nehmen uns dafür Zeit.",
        "Erdgeschoss, Raum 0.11",
        _zeiten("Di Do 09:00-12:00"),
        True,
        "Bitte vereinbaren Sie einen Termin telefonisch unter 040 5555-3150.",
        _STUFENLOS + " Arbeitsplatz mit Screenreader und Braillezeile.",
        "Deutsch, Leichte Sprache",
        "040 5555-3150", "hamburg.barrierefrei@arbeitsagentur.example",
    ),
    DemoAngebot(
        "hamburg-mitte-videoberatung", "hamburg-mitte", "videoberatung",
        "Videoberatung zu den Online-Angeboten",
        "Sie sprechen per Video mit einer Beraterin oder einem Berater und teilen bei Bedarf "
        "Ihren Bildschirm. Sie brauchen nur ein Gerät mit Kamera und Internetzugang.",
        "Online per Video (Zugangslink per E-Mail)",
        _zeiten("Mo Di Mi Do Fr 08:00-16:00"),
        True,
        "Buchen Sie den Termin telefonisch unter 040 5555-3200; den Link erhalten Sie "
        "per E-Mail.",
        "Untertitel auf Wunsch; Teilnahme auch nur mit Ton möglich.",
        "Deutsch, Englisch",
        "040 5555-3200", "hamburg.videoberatung@arbeitsagentur.example",
    ),
    # Köln
    DemoAngebot(
        "koeln-innenstadt-antragshilfe", "koeln-innenstadt", "antragshilfe_online",
        "Offene Antragshilfe",
        "Ohne Termin helfen wir Ihnen beim Ausfüllen Ihrer Online-Anträge.",
        "Eingangszone, Erdgeschoss, Schalter 4",
        _zeiten("Mo Mi 08:00-12:00"),
        False, None, _STUFENLOS, "Deutsch, Englisch",
        "0221 5555-4100", None,
    ),
    DemoAngebot(
        "koeln-innenstadt-sprachmittlung", "koeln-innenstadt", "sprachmittlung",
        "Unterstützung mit Sprachmittlung",
        "Mit einer Sprachmittlerin oder einem Sprachmittler erklären wir Ihnen die "
        "Online-Angebote in Ihrer Sprache.",
        "1. Obergeschoss, Raum 1.02",
        _zeiten("Di 09:00-12:00", "Do 13:00-15:30"),
        True,
        "Termine vereinbaren Sie telefonisch unter 0221 5555-4150.",
        _STUFENLOS, "Deutsch, Türkisch, Polnisch, Italienisch",
        "0221 5555-4150", "koeln.sprachmittlung@arbeitsagentur.example",
    ),
    DemoAngebot(
        "koeln-muelheim-selbstinfo", "koeln-muelheim", "selbstinformation_begleitet",
        "Begleitete Selbstinformation",
        "An unseren Selbstinformations-PCs hilft Ihnen eine Mitarbeiterin oder ein "
        "Mitarbeiter.",
        "Selbstinformationsbereich, Erdgeschoss",
        _zeiten("Mo Di Mi Do Fr 08:00-12:30"),
        False, None, _STUFENLOS, "Deutsch",
        "0221 5555-4510", None,
    ),
    DemoAngebot(
        "koeln-muelheim-vero", "koeln-muelheim", "vertretung_vero",
        "Online-Vertretung (VERO) für Bevollmächtigte",
        "Wir zeigen Bevollmächtigten mit vollumfänglicher Vollmacht, wie sie online für die "
        "vertretene Person handeln.",
        "Erdgeschoss, Raum 0.07",
        _zeiten("Di 14:00-16:00"),
        True,
        "Bitte buchen Sie einen Termin telefonisch unter 0221 5555-4520.",
        _STUFENLOS, "Deutsch",
        "0221 5555-4520", None,
    ),
    # München
    DemoAngebot(
        "muenchen-zentrum-registrierung", "muenchen-zentrum", "online_registrierung",
        "Hilfe bei Registrierung und Anmeldung",
        "Wir helfen Ihnen beim Registrieren und Anmelden im Online-Portal.",
        "Eingangszone, Erdgeschoss",
        _zeiten("Mo Di Do 08:00-12:00"),
        False, None, _STUFENLOS, "Deutsch, Englisch, Kroatisch",
        "089 5555-5100", None,
    ),
    DemoAngebot(
        "muenchen-zentrum-antragshilfe", "muenchen-zentrum", "antragshilfe_online",
        "Antragshilfe am Freitag",
        "Ohne Termin unterstützen wir Sie beim Ausfüllen Ihrer Online-Anträge.",
        "Eingangszone, Erdgeschoss",
        _zeiten("Fr 08:00-12:00"),
        False, None, _STUFENLOS, "Deutsch",
        "089 5555-5100", None,
    ),
    DemoAngebot(
        "muenchen-zentrum-barrierefrei", "muenchen-zentrum", "barrierefrei",
        "Beratung in Leichter Sprache",
        "Wir erklären Ihnen die Online-Angebote in Leichter Sprache und helfen bei den "
        "ersten Schritten.",
        "Erdgeschoss, Raum 0.03",
        _zeiten("Mi 13:00-16:00"),
        True,
        "Bitte vereinbaren Sie einen Termin telefonisch unter 089 5555-5150.",
        _STUFENLOS, "Deutsch, Leichte Sprache",
        "089 5555-5150", None,
    ),
    DemoAngebot(
        "muenchen-zentrum-digitalkurs-2027", "muenchen-zentrum", "digitalkurs",
        "Digitalkurs „Online zur Agentur“ (ab Januar 2027)",
        "Neuer Kurs: An einem Vormittag lernen Sie die eServices und die BundID kennen.",
        "Schulungsraum 1.30, 1. Obergeschoss",
        _zeiten("Mi 09:00-11:30"),
        True,
        "Anmeldung per E-Mail oder telefonisch unter 089 5555-5200.",
        _STUFENLOS, "Deutsch",
        "089 5555-5200", "muenchen.digitalkurs@arbeitsagentur.example",
        gueltig_ab=D(2027, 1, 1), geaendert_am=dt.datetime(2026, 11, 2, 9, 30),
    ),
    # Leipzig
    DemoAngebot(
        "leipzig-zentrum-registrierung", "leipzig-zentrum", "online_registrierung",
        "Hilfe bei Registrierung und Anmeldung",
        "Ohne Termin richten wir mit Ihnen Ihr Benutzerkonto ein.",
        "Eingangszone, Erdgeschoss",
        _zeiten("Mo Di Mi Do 08:00-12:00"),
        False, None, _STUFENLOS, "Deutsch, Englisch, Ukrainisch",
        "0341 5555-6100", None,
    ),
    DemoAngebot(
        "leipzig-zentrum-videoberatung", "leipzig-zentrum", "videoberatung",
        "Videoberatung",
        "Beraten lassen, ohne vorbeizukommen: Sie erhalten einen Link für ein Videogespräch.",
        "Online per Video (Zugangslink per E-Mail)",
        _zeiten("Mo Di Mi Do Fr 09:00-15:00"),
        True,
        "Termine buchen Sie telefonisch unter 0341 5555-6150.",
        "Teilnahme auch nur mit Ton möglich.", "Deutsch",
        "0341 5555-6150", "leipzig.videoberatung@arbeitsagentur.example",
    ),
    DemoAngebot(
        "leipzig-zentrum-selbstinfo", "leipzig-zentrum", "selbstinformation_begleitet",
        "Begleitete Selbstinformation",
        "Eine Mitarbeiterin oder ein Mitarbeiter begleitet Sie an den Selbstinformations-PCs.",
        "Selbstinformationsbereich, Erdgeschoss",
        _zeiten("Di Do 13:00-16:00"),
        False, None, _STUFENLOS, "Deutsch",
        "0341 5555-6160", None,
    ),
)


# --- loading and resetting -----------------------------------------------------------------


def _kunde_werte(k: DemoKunde) -> dict:
    return {
        "vorname": k.vorname, "nachname": k.nachname, "geburtsdatum": k.geburtsdatum,
        "strasse": k.strasse, "plz": k.plz, "ort": k.ort, "iban": k.iban,
        "schutzkennzeichen_m": k.schutzkennzeichen_m, "demo": True,
    }


def _angebot_werte(a: DemoAngebot) -> dict:
    return {
        "dienststelle_id": a.dienststelle_id, "art": a.art, "titel": a.titel,
        "beschreibung": a.beschreibung, "ort_raum": a.ort_raum,
        "termin_erforderlich": a.termin_erforderlich, "buchung": a.buchung,
        "barrierefreiheit": a.barrierefreiheit, "sprachen": a.sprachen,
        "kontakt_telefon": a.kontakt_telefon, "kontakt_email": a.kontakt_email,
        "gueltig_ab": a.gueltig_ab, "gueltig_bis": a.gueltig_bis, "geaendert_am": a.geaendert_am,
        "zurueckgezogen_am": None, "demo": True,
    }


def _dienststelle_werte(d: DemoDienststelle) -> dict:
    return {
        "agentur_id": d.agentur_id, "name": d.name, "strasse": d.strasse, "plz": d.plz,
        "ort": d.ort, "telefon": d.telefon, "lat": d.lat, "lon": d.lon, "demo": True,
    }


def _kundendaten_ergaenzen(s: Session, zaehler: dict[str, int]) -> None:
    """Insert demo customers, claims, powers of attorney and payments that are missing."""
    nummern = [k.kundennummer for k in KUNDEN]
    kunden = set(s.scalars(select(Kunde.kundennummer).where(Kunde.kundennummer.in_(nummern))))
    ansprueche = set(s.execute(
        select(Anspruch.kundennummer, Anspruch.status, Anspruch.beginn)
        .where(Anspruch.kundennummer.in_(nummern))
    ).all())
    vollmachten = set(s.execute(
        select(Vollmacht.kundennummer, Vollmacht.vertreter_vorname,
               Vollmacht.vertreter_nachname, Vollmacht.vertreter_geburtsdatum,
               Vollmacht.gueltig_ab)
        .where(Vollmacht.kundennummer.in_(nummern))
    ).all())
    referenzen = set(s.scalars(
        select(Zahlung.referenz).where(Zahlung.referenz.in_([z[-1] for z in ZAHLUNGEN]))
    ))
    for k in KUNDEN:
        if k.kundennummer not in kunden:
            s.add(Kunde(kundennummer=k.kundennummer, **_kunde_werte(k)))
            zaehler["kunden"] += 1
    s.flush()
    for k in KUNDEN:
        if (k.kundennummer, k.anspruch_status, k.beginn) not in ansprueche:
            s.add(Anspruch(
                kundennummer=k.kundennummer, status=k.anspruch_status, beginn=k.beginn,
                tagessatz_cent=k.tagessatz_cent, entschieden_am=k.entschieden_am,
            ))
            zaehler["ansprueche"] += 1
    for nummer, vorname, nachname, geboren, umfang, ab in VOLLMACHTEN:
        if (nummer, vorname, nachname, geboren, ab) not in vollmachten:
            s.add(Vollmacht(
                kundennummer=nummer, vertreter_vorname=vorname, vertreter_nachname=nachname,
                vertreter_geburtsdatum=geboren, umfang=umfang, gueltig_ab=ab,
            ))
            zaehler["vollmachten"] += 1
    for nummer, art, betrag, datum, status, referenz in ZAHLUNGEN:
        if referenz not in referenzen:
            kunde = next(k for k in KUNDEN if k.kundennummer == nummer)
            s.add(Zahlung(
                kundennummer=nummer, art=art, betrag_cent=betrag, datum=datum, status=status,
                referenz=referenz, iban=kunde.iban, zeitraum_von=datum.replace(day=1),
                zeitraum_bis=datum - dt.timedelta(days=1),
                grund="Demodaten: Abschlag wegen Mietrückstand",
                erstellt_am=dt.datetime(2026, 11, 5, 9, 0), erstellt_von=AKTEUR,
                monat=f"{datum:%Y-%m}" if art == "abschlag" else None,
                haertegrund="miete" if art == "abschlag" else None,
            ))
            zaehler["zahlungen"] += 1
    s.flush()


def _angebote_schreiben(s: Session, zaehler: dict[str, int], *, ueberschreiben: bool) -> None:
    """Insert missing Agenturen, Dienststellen, postcodes and offers (or restore them)."""
    agenturen = {a.id: a for a in s.scalars(select(Agentur))}
    for agentur_id, name in AGENTUREN:
        a = agenturen.get(agentur_id)
        if a is None:
            s.add(Agentur(id=agentur_id, name=name, demo=True))
            zaehler["agenturen"] += 1
        elif ueberschreiben:
            a.name, a.demo = name, True
    s.flush()
    dienststellen = {d.id: d for d in s.scalars(select(Dienststelle))}
    for d in DIENSTSTELLEN:
        obj = dienststellen.get(d.id)
        if obj is None:
            s.add(Dienststelle(id=d.id, **_dienststelle_werte(d)))
            zaehler["dienststellen"] += 1
        elif ueberschreiben:
            for feld, wert in _dienststelle_werte(d).items():
                setattr(obj, feld, wert)
    s.flush()
    postleitzahlen = {p.plz: p for p in s.scalars(select(DienststellePlz))}
    for d in DIENSTSTELLEN:
        for plz in d.postleitzahlen:
            eintrag = postleitzahlen.get(plz)
            if eintrag is None:
                s.add(DienststellePlz(plz=plz, dienststelle_id=d.id))
                zaehler["postleitzahlen"] += 1
            elif ueberschreiben:
                eintrag.dienststelle_id = d.id
    s.flush()
    angebote = {a.id: a for a in s.scalars(
        select(Unterstuetzungsangebot).options(selectinload(Unterstuetzungsangebot.zeiten))
    )}
    for a in ANGEBOTE:
        obj = angebote.get(a.id)
        if obj is not None and not ueberschreiben:
            continue
        if obj is None:
            obj = Unterstuetzungsangebot(id=a.id)
            s.add(obj)
            zaehler["angebote"] += 1
        elif obj.zeiten:
            obj.zeiten.clear()  # flush the deletes first: the unit of work inserts before deleting
            s.flush()
        for feld, wert in _angebot_werte(a).items():
            setattr(obj, feld, wert)
        obj.zeiten.extend(AngebotsZeit(wochentag=t, von=v, bis=b) for t, v, b in a.zeiten)
    s.flush()


def _mitarbeiter_schreiben(s: Session, zaehler: dict[str, int], *, ueberschreiben: bool) -> None:
    """Insert missing demo employees (or restore name, role, active flag and the password
    :data:`DEMO_PASSWORT`); tokens stay. A demo account without a password always gets it."""
    jetzt = utc_naiv(clock.now())
    vorhanden = {m.login: m for m in s.scalars(
        select(Mitarbeiter).where(Mitarbeiter.login.in_([m[0] for m in MITARBEITER])))}
    for login, name, rolle in MITARBEITER:
        obj = vorhanden.get(login)
        if obj is None:
            s.add(Mitarbeiter(login=login, name=name, rolle=rolle, aktiv=True, demo=True,
                              passwort_hash=_demo_passwort_hash(login),
                              passwort_geaendert_am=jetzt))
            zaehler["mitarbeiter"] += 1
            continue
        if ueberschreiben:
            obj.name, obj.rolle, obj.aktiv, obj.demo = name, rolle, True, True
        if (ueberschreiben or obj.passwort_hash is None) and (
                obj.passwort_hash != _demo_passwort_hash(login)):
            obj.passwort_hash, obj.passwort_geaendert_am = _demo_passwort_hash(login), jetzt
            audit_schreiben(s, akteur=AKTEUR, aktion="mitarbeiter_passwort_gesetzt",
                            objekt_typ="Mitarbeiter", objekt_id=login,
                            details={"login": login, "demo": True})
    s.flush()


def _leerer_zaehler() -> dict[str, int]:
    return dict.fromkeys(
        ("kunden", "ansprueche", "vollmachten", "zahlungen", "agenturen", "dienststellen",
         "postleitzahlen", "angebote", "mitarbeiter"), 0,
    )


def load_demo_data(engine: Engine) -> dict[str, int]:
    """Insert whatever demo data is missing; existing rows stay untouched (idempotent).

    Returns how many rows of each kind were inserted (all zero on a second run).
    """
    zaehler = _leerer_zaehler()
    with session_scope(engine) as s:
        _angebote_schreiben(s, zaehler, ueberschreiben=False)
        _kundendaten_ergaenzen(s, zaehler)
        _mitarbeiter_schreiben(s, zaehler, ueberschreiben=False)
        if any(zaehler.values()):
            audit_schreiben(s, akteur=AKTEUR, aktion="demo_geladen", objekt_typ="Demodaten",
                            objekt_id=None, details=zaehler)
    return zaehler


def demo_mitarbeiter_laden(engine: Engine) -> int:
    """Insert only the missing demo employees (``make agent-token`` before ``make db``)."""
    zaehler = {"mitarbeiter": 0}
    with session_scope(engine) as s:
        _mitarbeiter_schreiben(s, zaehler, ueberschreiben=False)
        if zaehler["mitarbeiter"]:
            audit_schreiben(s, akteur=AKTEUR, aktion="demo_geladen", objekt_typ="Demodaten",
                            objekt_id=None, details=zaehler)
    return zaehler["mitarbeiter"]


def reset_demo_data(engine: Engine, *, angebote: bool = False) -> dict[str, int]:
    """Put demo customers, claims, powers of attorney, payments and notes back.

    Notes, payments and Abschlag requests of demo customers (and notes marked demo), SEPA
    files left without payments and appointment requests for demo offers are removed, demo
    customers and demo employees (not their tokens) restored to the contract table; rows of
    other customers stay untouched. With ``angebote=True`` the demo offices and offers are
    restored too (otherwise only missing ones are added). Returns the counts of removed and
    inserted rows.
    """
    definiert = [k.kundennummer for k in KUNDEN]
    with session_scope(engine) as s:
        demo_nummern = set(definiert) | set(
            s.scalars(select(Kunde.kundennummer).where(Kunde.demo.is_(True)))
        )
        ohne_sync = {"synchronize_session": False}
        entfernt = {
            "vermerke": s.execute(
                delete(Gespraechsvermerk)
                .where(or_(Gespraechsvermerk.demo.is_(True),
                           Gespraechsvermerk.kundennummer.in_(demo_nummern)))
                .execution_options(**ohne_sync)
            ).rowcount,
        }
        entfernt["terminanfragen"] = s.execute(
            delete(Terminanfrage)
            .where(Terminanfrage.angebot_id.in_(
                select(Unterstuetzungsangebot.id).where(Unterstuetzungsangebot.demo.is_(True))))
            .execution_options(**ohne_sync)
        ).rowcount
        # Abschlag requests of demo customers (the SOC-L queue) go before their payments.
        entfernt["abschlag_antraege"] = s.execute(
            delete(AbschlagAntrag).where(AbschlagAntrag.kundennummer.in_(demo_nummern))
            .execution_options(**ohne_sync)
        ).rowcount
        for name, modell in (("zahlungen", Zahlung), ("vollmachten", Vollmacht),
                             ("ansprueche", Anspruch)):
            entfernt[name] = s.execute(
                delete(modell).where(modell.kundennummer.in_(demo_nummern))
                .execution_options(**ohne_sync)
            ).rowcount
        # SEPA files that held only demo payments (those are gone now).
        entfernt["sepa_exporte"] = s.execute(
            delete(SepaExport).where(SepaExport.id.notin_(
                select(Zahlung.sepa_export_id).where(Zahlung.sepa_export_id.is_not(None))))
            .execution_options(**ohne_sync)
        ).rowcount
        entfernt["kunden"] = s.execute(
            delete(Kunde)
            .where(Kunde.demo.is_(True), Kunde.kundennummer.notin_(definiert))
            .execution_options(**ohne_sync)
        ).rowcount
        s.expire_all()
        zaehler = _leerer_zaehler()
        for k in KUNDEN:
            kunde = s.get(Kunde, k.kundennummer)
            if kunde is None:
                s.add(Kunde(kundennummer=k.kundennummer, **_kunde_werte(k)))
                zaehler["kunden"] += 1
            else:
                for feld, wert in _kunde_werte(k).items():
                    setattr(kunde, feld, wert)
        s.flush()
        _kundendaten_ergaenzen(s, zaehler)
        _angebote_schreiben(s, zaehler, ueberschreiben=angebote)
        _mitarbeiter_schreiben(s, zaehler, ueberschreiben=True)
        ergebnis = {f"entfernt_{k}": v for k, v in entfernt.items()}
        ergebnis.update({f"neu_{k}": v for k, v in zaehler.items()})
        audit_schreiben(s, akteur=AKTEUR, aktion="demo_zurueckgesetzt", objekt_typ="Demodaten",
                        objekt_id=None, details=ergebnis)
    return ergebnis
