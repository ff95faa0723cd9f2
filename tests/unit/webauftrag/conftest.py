"""A valid Webauftrag for the demo data and helpers to derive broken variants from it.

Line numbers matter in these tests, so variants are made by replacing text: ``variante``
replaces exactly one occurrence, ``zeile`` finds the line of a marker.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

#: Valid against the demo data on 2026-11-18: one new, one changed and one ended offer.
GUELTIG = """\
webauftrag: WA-TEST-0001
agentur: nuernberg
absender: "Petra Muster, Eingangszone"
angebote:
  - aktion: neu
    id: nuernberg-langwasser-gebaerdensprache
    dienststelle: nuernberg-langwasser
    art: gebaerdensprache
    titel: "Beratung mit Gebärdensprachdolmetschung"
    beschreibung: "Wir organisieren zu Ihrem Termin eine Dolmetscherin."
    ort_raum: "Erdgeschoss, Raum 0.14"
    zeiten:
      - tage: [Di, Do]
        von: "09:00"
        bis: 12:00
    termin_erforderlich: true
    buchung: "Termin per E-Mail."
    sprachen: [Deutsch, Deutsche Gebärdensprache]
    kontakt: {telefon: "0911 5290-4550", email: "nbg.gs@arbeitsagentur.example"}
    gueltig_ab: 2026-11-01
  - aktion: aendern
    id: nuernberg-mitte-registrierung
    titel: "Hilfe bei Registrierung, Anmeldung und BundID"
  - aktion: beenden
    id: nuernberg-mitte-vero
    gueltig_bis: 2026-12-31
"""


def _variante(text: str, alt: str, neu: str) -> str:
    assert text.count(alt) == 1, f"{alt!r} kommt {text.count(alt)}-mal vor"
    return text.replace(alt, neu)


def _zeile(text: str, marker: str) -> int:
    treffer = [i for i, z in enumerate(text.splitlines(), start=1) if marker in z]
    assert len(treffer) == 1, f"{marker!r} in Zeilen {treffer}"
    return treffer[0]


@pytest.fixture
def gueltig() -> str:
    """The valid document's text."""
    return GUELTIG


@pytest.fixture
def variante() -> Callable[..., str]:
    """``variante(alt, neu, text=GUELTIG)``: the text with ``alt`` (once) replaced."""
    return lambda alt, neu, text=GUELTIG: _variante(text, alt, neu)


@pytest.fixture
def zeile() -> Callable[..., int]:
    """``zeile(marker, text=GUELTIG)``: the 1-based line containing ``marker`` (once)."""
    return lambda marker, text=GUELTIG: _zeile(text, marker)
