"""Look-up of local support offers (Unterstützungsangebote) and how to read them out.

Used by GLF 3.000.6 and 1.000.3: postcode or place -> responsible Dienststelle -> its offers
valid on the day, optionally of one kind; none found -> the nearest Dienststelle that has one.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from leitfaden.nlp.normalise import spell_out_umlauts, strip_accents
from leitfaden.store.records import (
    ANGEBOTSARTEN,
    AngebotRecord,
    AngebotsZeitRecord,
    DienststelleRecord,
)
from leitfaden.store.repository import Repository

#: Minimum similarity (difflib ratio) for a place name with typos.
ORT_SCHWELLE = 0.75

_WOCHENTAGE_ADVERB = (
    "montags", "dienstags", "mittwochs", "donnerstags", "freitags", "samstags", "sonntags",
)


@dataclass(frozen=True)
class LookupResult:
    """Outcome of :func:`angebote_fuer`.

    ``dienststelle`` is the responsible office (``None`` if postcode/place are unknown) and
    ``angebote`` its matching offers. When it has none, ``alternative`` is the nearest office
    that does, with ``alternative_angebote`` and ``entfernung_km``.
    ``weitere_dienststellen`` lists other offices in the same place (a postcode would decide).
    """

    stichtag: dt.date
    art: str | None
    dienststelle: DienststelleRecord | None
    angebote: tuple[AngebotRecord, ...] = ()
    alternative: DienststelleRecord | None = None
    alternative_angebote: tuple[AngebotRecord, ...] = ()
    entfernung_km: float | None = None
    ermittelt_ueber: str | None = None
    weitere_dienststellen: tuple[DienststelleRecord, ...] = field(default=())

    @property
    def gefunden(self) -> bool:
        """True if the responsible Dienststelle has matching offers."""
        return bool(self.angebote)


# --- place names ---------------------------------------------------------------------------


def ort_schluessel(ort: str) -> set[str]:
    """Comparable spellings of a place: umlauts as ``ae`` and as plain vowels.

    ``"Köln"`` -> ``{"koeln", "koln"}``; ``"Nürnberg"`` -> ``{"nuernberg", "nurnberg"}``.
    """
    text = unicodedata.normalize("NFC", ort or "").casefold()
    text = re.sub(r"[\d_]+", " ", text)
    text = re.sub(r"[^\w]+", " ", text).strip()
    text = re.sub(r"\s+", " ", text)
    if not text:
        return set()
    return {strip_accents(spell_out_umlauts(text)), strip_accents(text.replace("ß", "ss"))}


def _ort_aehnlichkeit(eingabe: str, ort: str) -> float:
    """Best difflib ratio between any spelling of ``eingabe`` (or one of its words) and ``ort``.

    Single words count so that ``"Köln-Mülheim"`` or ``"in Nürnberg"`` still find the place.
    """
    varianten = ort_schluessel(eingabe)
    varianten |= {wort for v in list(varianten) for wort in v.split() if len(wort) >= 3}
    return max(
        (difflib.SequenceMatcher(None, a, b).ratio()
         for a in varianten for b in ort_schluessel(ort)),
        default=0.0,
    )


def dienststellen_im_ort(
    dienststellen: Iterable[DienststelleRecord], ort: str
) -> list[DienststelleRecord]:
    """The Dienststellen in the place best matching ``ort`` (typos and missing umlauts ok).

    Several offices in one place come lowest postcode first (usually the city centre).
    """
    dienststellen = list(dienststellen)
    if not ort_schluessel(ort):
        return []
    bewertet = [(_ort_aehnlichkeit(ort, d.ort), d) for d in dienststellen]
    beste = max((wert for wert, _ in bewertet), default=0.0)
    if beste < ORT_SCHWELLE:
        return []
    return sorted((d for wert, d in bewertet if wert == beste), key=lambda d: (d.plz, d.id))


def _normalisiere_plz(plz: str | None) -> str | None:
    if plz is None:
        return None
    ziffern = re.sub(r"\s+", "", str(plz))
    return ziffern if re.fullmatch(r"\d{5}", ziffern) else None


def _zustaendig(
    repo: Repository, plz: str | None, ort: str | None
) -> tuple[list[DienststelleRecord], str | None]:
    """Candidates for the responsible Dienststelle and how they were found."""
    if plz is None and ort and _normalisiere_plz(ort):
        plz, ort = ort, None
    nummer = _normalisiere_plz(plz)
    if nummer:
        treffer = repo.dienststelle_fuer_plz(nummer)
        if treffer is not None:
            return [treffer], "plz"
    if ort:
        im_ort = dienststellen_im_ort(repo.dienststellen(), ort)
        if im_ort:
            return im_ort, "ort"
    return [], None


_PLZ = re.compile(r"(?<!\d)\d{5}(?!\d)")


def plz_und_ort(standort: str) -> tuple[str | None, str | None]:
    """Split a caller's answer: a postcode in it wins ("90473 Nürnberg"), else it is a place."""
    gefunden = _PLZ.search(standort or "")
    if gefunden:
        return gefunden.group(0), None
    return None, (standort or "").strip() or None


def finde_dienststelle(
    repo: Repository, plz: str | None = None, ort: str | None = None
) -> DienststelleRecord | None:
    """The Dienststelle responsible for a postcode, else for a place (tolerant spelling)."""
    kandidaten, _ = _zustaendig(repo, plz, ort)
    return kandidaten[0] if kandidaten else None


# --- distance and look-up ------------------------------------------------------------------


def entfernung_km(a: DienststelleRecord, b: DienststelleRecord) -> float:
    """Great-circle distance between two Dienststellen (haversine, Earth radius 6371 km)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def angebote_fuer(
    repo: Repository,
    stichtag: dt.date,
    plz: str | None = None,
    ort: str | None = None,
    art: str | None = None,
    dienststelle_id: str | None = None,
) -> LookupResult:
    """Offers of the responsible Dienststelle valid on ``stichtag`` (optionally one kind).

    The Dienststelle is ``dienststelle_id`` if given (GLF 1.000: the office the caller is at),
    else the one serving ``plz`` or ``ort``. If it has none, the nearest other Dienststelle with
    such offers is given as alternative. If several Dienststellen share the place, the first
    one with matching offers is chosen.
    """
    if art is not None and art not in ANGEBOTSARTEN:
        raise ValueError(f"Unbekannte Angebotsart: {art!r}")
    if dienststelle_id is not None:
        kandidaten = [d for d in repo.dienststellen() if d.id == dienststelle_id]
        weg = "dienststelle" if kandidaten else None
    else:
        kandidaten, weg = _zustaendig(repo, plz, ort)
    if not kandidaten:
        return LookupResult(stichtag=stichtag, art=art, dienststelle=None)
    gewaehlt, angebote = kandidaten[0], []
    for kandidat in kandidaten:
        angebote = repo.angebote(kandidat.id, stichtag, art)
        if angebote:
            gewaehlt = kandidat
            break
    weitere = tuple(d for d in kandidaten if d.id != gewaehlt.id)
    if angebote:
        return LookupResult(
            stichtag=stichtag, art=art, dienststelle=gewaehlt, angebote=tuple(angebote),
            ermittelt_ueber=weg, weitere_dienststellen=weitere,
        )
    ausgeschlossen = {d.id for d in kandidaten}
    andere = sorted(
        (d for d in repo.dienststellen() if d.id not in ausgeschlossen),
        key=lambda d: entfernung_km(gewaehlt, d),
    )
    for d in andere:
        gefunden = repo.angebote(d.id, stichtag, art)
        if gefunden:
            return LookupResult(
                stichtag=stichtag, art=art, dienststelle=gewaehlt, alternative=d,
                alternative_angebote=tuple(gefunden),
                entfernung_km=round(entfernung_km(gewaehlt, d), 1),
                ermittelt_ueber=weg, weitere_dienststellen=weitere,
            )
    return LookupResult(
        stichtag=stichtag, art=art, dienststelle=gewaehlt, ermittelt_ueber=weg,
        weitere_dienststellen=weitere,
    )


# --- reading an offer out ------------------------------------------------------------------


def uhrzeit(t: dt.time) -> str:
    """``09:00`` -> ``9:00``."""
    return f"{t.hour}:{t.minute:02d}"


def _aufzaehlung(teile: list[str]) -> str:
    if len(teile) <= 1:
        return "".join(teile)
    return f"{', '.join(teile[:-1])} und {teile[-1]}"


def wochentage_text(tage: Iterable[int]) -> str:
    """``[0, 2]`` -> ``montags und mittwochs``; runs of three or more: ``montags bis freitags``."""
    tage = sorted(set(tage))
    laeufe: list[list[int]] = []
    for tag in tage:
        if laeufe and tag == laeufe[-1][-1] + 1:
            laeufe[-1].append(tag)
        else:
            laeufe.append([tag])
    teile: list[str] = []
    for lauf in laeufe:
        if len(lauf) >= 3:
            teile.append(f"{_WOCHENTAGE_ADVERB[lauf[0]]} bis {_WOCHENTAGE_ADVERB[lauf[-1]]}")
        else:
            teile.extend(_WOCHENTAGE_ADVERB[t] for t in lauf)
    return _aufzaehlung(teile)


def zeiten_text(zeiten: Iterable[AngebotsZeitRecord]) -> str:
    """Weekly times in German, days with the same hours grouped.

    ``montags und mittwochs 9:00-12:00 Uhr, donnerstags 14:00-17:00 Uhr``; groups are
    ordered by their first weekday, then by time.
    """
    gruppen: dict[tuple[dt.time, dt.time], set[int]] = {}
    for z in zeiten:
        gruppen.setdefault((z.von, z.bis), set()).add(z.wochentag)
    geordnet = sorted(gruppen.items(), key=lambda g: (min(g[1]), g[0]))
    return ", ".join(
        f"{wochentage_text(tage)} {uhrzeit(von)}-{uhrzeit(bis)} Uhr"
        for (von, bis), tage in geordnet
    )


def _satz(text: str | None) -> str | None:
    """Strip and end with a full stop."""
    if not text or not text.strip():
        return None
    text = text.strip()
    return text if text[-1] in ".!?" else text + "."


def angebot_als_satz(
    angebot: AngebotRecord, dienststelle: DienststelleRecord | None = None
) -> str:
    """Read an offer out in short German sentences (formal "Sie").

    Title, place/room (with the office's address if ``dienststelle`` is given), weekdays
    and times, appointment and how to book, accessibility, languages, contact.
    """
    ort = angebot.ort_raum
    if dienststelle is not None:
        ort = f"{dienststelle.name}, {dienststelle.anschrift}, {ort}"
    saetze = [_satz(angebot.titel) or "", f"Ort: {ort}."]
    if angebot.zeiten:
        saetze.append(f"Zeiten: {zeiten_text(angebot.zeiten)}.")
    if angebot.termin_erforderlich:
        saetze.append("Sie benötigen einen Termin.")
        buchung = _satz(angebot.buchung)
        saetze.append(buchung or "Bitte vereinbaren Sie vorher einen Termin.")
    else:
        saetze.append("Sie benötigen keinen Termin.")
    barrierefreiheit = _satz(angebot.barrierefreiheit)
    if barrierefreiheit:
        saetze.append(f"Barrierefreiheit: {barrierefreiheit}")
    andere_sprachen = [s for s in angebot.sprachen if s != "Deutsch"]
    if andere_sprachen:
        saetze.append(f"Sprachen: {_aufzaehlung(list(angebot.sprachen))}.")
    kontakt = []
    if angebot.kontakt_telefon:
        kontakt.append(f"Telefon {angebot.kontakt_telefon}")
    if angebot.kontakt_email:
        kontakt.append(f"E-Mail {angebot.kontakt_email}")
    if kontakt:
        saetze.append(f"Kontakt: {_aufzaehlung(kontakt)}.")
    return " ".join(saetze)
