"""The listing's filter: query parameters -> validated search (shared by page and API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from leitfaden import angebotsregister, clock
from leitfaden.angebotsregister import FilterUngueltig, OrtUnbekannt, Treffer
from leitfaden.texte import DatumUngueltig, datum_lesen

#: Query parameter -> German field label (used in error messages).
FELDER = {
    "agentur": "Agentur",
    "dienststelle": "Dienststelle",
    "art": "Angebotsart",
    "plz": "Postleitzahl oder Ort",
    "gueltig_am": "gültig am",
    "text": "Stichwort",
}

MAX_LAENGE = 200


@dataclass(frozen=True)
class FilterFehler:
    """A filter value that cannot be used: query parameter, field label, German message."""

    parameter: str
    feld: str
    meldung: str


@dataclass(frozen=True)
class Suchfilter:
    """The filter as the form shows it (raw strings) and as the search uses it."""

    agentur: str = ""
    dienststelle: str = ""
    art: str = ""
    plz: str = ""
    gueltig_am_text: str = ""
    text: str = ""
    gueltig_am: dt.date | None = None


@dataclass(frozen=True)
class Suchergebnis:
    """Outcome of a search: the hits, or why there are none."""

    filter: Suchfilter
    treffer: tuple[Treffer, ...] = ()
    fehler: tuple[FilterFehler, ...] = ()
    hinweis: str | None = None


def filter_lesen(args: Mapping[str, str | None]) -> tuple[Suchfilter, list[FilterFehler]]:
    """Read the query parameters.

    ``gueltig_am`` absent -> today (``clock.today()``); present but empty -> any validity.
    """
    werte = {name: (args.get(name) or "").strip() for name in FELDER}
    fehler = [
        FilterFehler(name, FELDER[name], f"Die Eingabe im Feld „{FELDER[name]}“ ist zu lang "
                                         f"(höchstens {MAX_LAENGE} Zeichen).")
        for name, wert in werte.items() if len(wert) > MAX_LAENGE
    ]
    for name in [f.parameter for f in fehler]:
        werte[name] = ""
    stichtag: dt.date | None = None
    if "gueltig_am" not in args or args.get("gueltig_am") is None:
        stichtag = clock.today()
        werte["gueltig_am"] = stichtag.isoformat()
    elif werte["gueltig_am"]:
        try:
            stichtag = datum_lesen(werte["gueltig_am"])
        except DatumUngueltig:
            fehler.append(FilterFehler(
                "gueltig_am", FELDER["gueltig_am"],
                f"„{werte['gueltig_am']}“ ist kein gültiges Datum im Feld „gültig am“. "
                "Bitte geben Sie das Datum als TT.MM.JJJJ an.",
            ))
    suchfilter = Suchfilter(
        agentur=werte["agentur"], dienststelle=werte["dienststelle"], art=werte["art"],
        plz=werte["plz"], gueltig_am_text=werte["gueltig_am"], text=werte["text"],
        gueltig_am=stichtag,
    )
    return suchfilter, fehler


_PARAMETER = {label: name for name, label in FELDER.items()}


def suchen(engine: Engine, args: Mapping[str, str | None]) -> Suchergebnis:
    """Validate the filter and search; never raises for bad input."""
    suchfilter, fehler = filter_lesen(args)
    if fehler:
        return Suchergebnis(suchfilter, fehler=tuple(fehler))
    try:
        treffer = angebotsregister.angebote_suchen(
            engine, agentur_id=suchfilter.agentur or None,
            dienststelle_id=suchfilter.dienststelle or None, art=suchfilter.art or None,
            plz=suchfilter.plz or None, gueltig_am=suchfilter.gueltig_am,
            text=suchfilter.text or None,
        )
    except FilterUngueltig as exc:
        parameter = _PARAMETER.get(exc.feld, exc.feld)
        return Suchergebnis(suchfilter, fehler=(FilterFehler(parameter, exc.feld, exc.meldung),))
    except OrtUnbekannt as exc:
        return Suchergebnis(suchfilter, hinweis=str(exc))
    return Suchergebnis(suchfilter, treffer=tuple(treffer))

