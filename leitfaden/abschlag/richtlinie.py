"""The Abschlag policy (``guidelines/abschlag-richtlinie.yml``): dated, versioned parameters.

Trainers edit the file by hand; every problem is reported with file, line and field (German).
The version in force on a day applies (:func:`richtlinie_am`); the file is re-read whenever it
changes (:func:`richtlinien`), like the guides in :mod:`leitfaden.guides.library`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from leitfaden import clock
from leitfaden.guides.loader import GuideIssue
from leitfaden.guides.yamlsource import LocatedDict, LocatedList, YamlSourceError, load_located_file

log = logging.getLogger(__name__)

DATEINAME = "abschlag-richtlinie.yml"

OBERSTE_FELDER = {"titel", "versionen"}
PFLICHTFELDER = (
    "version", "gueltig_ab", "weisung", "mindestbetrag", "bankarbeitstage_vor_zahltag",
    "hoechstens_je_monat", "tage_je_monat", "vier_augen_ab",
)
VERSIONSFELDER = {*PFLICHTFELDER, "gueltig_bis"}

#: Allowed range of the whole-number fields.
_GRENZEN = {
    "bankarbeitstage_vor_zahltag": (0, 20),
    "hoechstens_je_monat": (1, 31),
    "tage_je_monat": (1, 31),
}

_BETRAG_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
_GANZZAHL_RE = re.compile(r"^-?\d+$")


#: One problem in the policy file: file, line, field, message (the guides' issue type).
RichtlinienProblem = GuideIssue


class RichtlinienFehler(ValueError):
    """The policy file is broken or has no version for a day; ``probleme`` lists everything."""

    def __init__(self, probleme: list[RichtlinienProblem]) -> None:
        self.probleme = probleme
        super().__init__(
            "Abschlag-Richtlinie fehlerhaft:\n" + "\n".join(f"  {p}" for p in probleme))


@dataclass(frozen=True)
class Richtlinie:
    """One version of the Abschlag parameters."""

    version: str
    gueltig_ab: dt.date
    gueltig_bis: dt.date | None
    weisung: str
    mindestbetrag: Decimal
    bankarbeitstage_vor_zahltag: int
    hoechstens_je_monat: int
    tage_je_monat: int
    vier_augen_ab: Decimal | None
    datei: str = ""
    zeile: int = 0

    def gilt_am(self, tag: dt.date) -> bool:
        """True if this version is in force on ``tag``."""
        return self.gueltig_ab <= tag and (self.gueltig_bis is None or tag <= self.gueltig_bis)

    @property
    def mindestbetrag_cent(self) -> int:
        """The minimum amount in whole cents."""
        return int(self.mindestbetrag * 100)

    @property
    def vier_augen_ab_cent(self) -> int | None:
        """The four-eyes threshold in whole cents (``None``: no approval needed)."""
        return None if self.vier_augen_ab is None else int(self.vier_augen_ab * 100)


class Richtlinien:
    """All versions of the policy file, checked not to overlap."""

    def __init__(self, versionen: Iterable[Richtlinie], datei: str, zeile: int = 1) -> None:
        self.versionen = tuple(sorted(versionen, key=lambda r: r.gueltig_ab))
        self.datei = datei
        self.zeile = zeile

    def am(self, tag: dt.date) -> Richtlinie:
        """The version in force on ``tag``; :class:`RichtlinienFehler` if there is none."""
        for richtlinie in self.versionen:
            if richtlinie.gilt_am(tag):
                return richtlinie
        raise RichtlinienFehler([RichtlinienProblem(
            self.datei, self.zeile, "versionen",
            f"für den {tag:%d.%m.%Y} gilt keine Version der Abschlag-Richtlinie "
            "(gueltig_ab/gueltig_bis prüfen)")])

    def __repr__(self) -> str:
        teile = ", ".join(
            f"{r.version} ab {r.gueltig_ab:%d.%m.%Y}"
            + (f" bis {r.gueltig_bis:%d.%m.%Y}" if r.gueltig_bis else "")
            for r in self.versionen)
        return f"Richtlinien({self.datei}: {teile})"


# --- parsing -------------------------------------------------------------------------------


class _Pruefer:
    """Collects the problems of one file while it is read."""

    def __init__(self, datei: str) -> None:
        self.datei = datei
        self.probleme: list[RichtlinienProblem] = []

    def add(self, zeile: int, feld: str, meldung: str) -> None:
        self.probleme.append(RichtlinienProblem(self.datei, zeile, feld, meldung))

    def unbekannte(self, mapping: LocatedDict, erlaubt: set[str], feld: str) -> None:
        for key in mapping:
            if key not in erlaubt:
                self.add(mapping.line_of(key), _feld(feld, key),
                         f"unbekanntes Feld (erlaubt: {', '.join(sorted(erlaubt))})")

    def text(self, m: LocatedDict, key: str, feld: str) -> str:
        wert = m.get(key)
        if not isinstance(wert, str) or not wert.strip():
            self.add(m.line_of(key), _feld(feld, key), "muss ein nicht leerer Text sein")
            return ""
        return wert.strip()

    def datum(self, m: LocatedDict, key: str, feld: str) -> dt.date | None:
        wert = m.get(key)
        if isinstance(wert, dt.datetime):
            return wert.date()
        if isinstance(wert, dt.date):
            return wert
        if isinstance(wert, str):
            try:
                return dt.date.fromisoformat(wert.strip())
            except ValueError:
                pass
        self.add(m.line_of(key), _feld(feld, key),
                 f"'{wert}' ist kein Datum (Format JJJJ-MM-TT, z. B. 2026-07-20)")
        return None

    def betrag(self, m: LocatedDict, key: str, feld: str) -> Decimal | None:
        wert = m.get(key)
        roh = str(wert).strip() if isinstance(wert, (str, int)) and not isinstance(
            wert, bool) else None
        if roh is None or not _BETRAG_RE.match(roh):
            self.add(m.line_of(key), _feld(feld, key),
                     f"'{wert}' ist kein Betrag in Euro (Format \"50.00\")")
            return None
        betrag = Decimal(roh)
        if betrag < 0:
            self.add(m.line_of(key), _feld(feld, key), "Betrag darf nicht negativ sein")
            return None
        if betrag != betrag.quantize(Decimal("0.01")):
            self.add(m.line_of(key), _feld(feld, key),
                     "Betrag hat höchstens zwei Stellen nach dem Punkt")
            return None
        return betrag.quantize(Decimal("0.01"))

    def ganzzahl(self, m: LocatedDict, key: str, feld: str, mindestens: int,
                 hoechstens: int) -> int | None:
        wert = m.get(key)
        roh = str(wert).strip() if isinstance(wert, (str, int)) and not isinstance(
            wert, bool) else None
        if roh is None or not _GANZZAHL_RE.match(roh):
            self.add(m.line_of(key), _feld(feld, key), f"'{wert}' ist keine ganze Zahl")
            return None
        zahl = int(roh)
        if zahl < 0:
            self.add(m.line_of(key), _feld(feld, key), "darf nicht negativ sein")
            return None
        if not mindestens <= zahl <= hoechstens:
            self.add(m.line_of(key), _feld(feld, key),
                     f"muss zwischen {mindestens} und {hoechstens} liegen, nicht {zahl}")
            return None
        return zahl


def _feld(feld: str, key: str) -> str:
    return f"{feld}.{key}" if feld else key


def _version(raw: Any, zeile: int, index: int, p: _Pruefer) -> Richtlinie | None:
    feld = f"versionen[{index}]"
    if not isinstance(raw, LocatedDict):
        p.add(zeile, feld, "Version muss eine Zuordnung sein (version, gueltig_ab, ...)")
        return None
    vorher = len(p.probleme)
    p.unbekannte(raw, VERSIONSFELDER, feld)
    fehlend = [k for k in PFLICHTFELDER if k not in raw]
    for key in fehlend:
        p.add(raw.line, _feld(feld, key), "Pflichtfeld fehlt")
    werte: dict[str, Any] = {}
    for key in PFLICHTFELDER:
        if key in fehlend:
            continue
        if key in ("version", "weisung"):
            werte[key] = p.text(raw, key, feld)
        elif key == "gueltig_ab":
            werte[key] = p.datum(raw, key, feld)
        elif key == "mindestbetrag":
            werte[key] = p.betrag(raw, key, feld)
        elif key == "vier_augen_ab":
            werte[key] = None if raw[key] is None else p.betrag(raw, key, feld)
        else:
            werte[key] = p.ganzzahl(raw, key, feld, *_GRENZEN[key])
    bis = None
    if raw.get("gueltig_bis") is not None:
        bis = p.datum(raw, "gueltig_bis", feld)
        ab = werte.get("gueltig_ab")
        if bis and ab and bis < ab:
            p.add(raw.line_of("gueltig_bis"), f"{feld}.gueltig_bis",
                  f"liegt vor gueltig_ab ({ab:%d.%m.%Y})")
    if len(p.probleme) > vorher:
        return None
    return Richtlinie(gueltig_bis=bis, datei=p.datei, zeile=raw.line, **werte)


def parse_richtlinien(daten: Any, datei: str) -> Richtlinien:
    """Validate parsed YAML (from :func:`load_located`); raises :class:`RichtlinienFehler`."""
    p = _Pruefer(datei)
    if not isinstance(daten, LocatedDict):
        p.add(getattr(daten, "line", 1), "", "die Datei muss eine Zuordnung mit 'versionen' sein")
        raise RichtlinienFehler(p.probleme)
    p.unbekannte(daten, OBERSTE_FELDER, "")
    if "titel" in daten:
        p.text(daten, "titel", "")
    roh = daten.get("versionen")
    versionen: list[Richtlinie] = []
    zeilen: dict[str, int] = {}
    if "versionen" not in daten:
        p.add(daten.line, "versionen", "Pflichtfeld fehlt")
    elif not isinstance(roh, LocatedList) or not roh:
        p.add(daten.line_of("versionen"), "versionen", "braucht eine Liste mit mindestens "
              "einer Version")
    else:
        for i, eintrag in enumerate(roh):
            richtlinie = _version(eintrag, roh.line_of(i), i, p)
            if richtlinie is None:
                continue
            if richtlinie.version in zeilen:
                p.add(eintrag.line_of("version"), f"versionen[{i}].version",
                      f"Version '{richtlinie.version}' doppelt (zuerst in Zeile "
                      f"{zeilen[richtlinie.version]})")
                continue
            zeilen[richtlinie.version] = eintrag.line_of("version")
            versionen.append(richtlinie)
        geordnet = sorted(versionen, key=lambda r: r.gueltig_ab)
        for aelter, neuer in zip(geordnet, geordnet[1:], strict=False):
            if aelter.gueltig_bis is None or aelter.gueltig_bis >= neuer.gueltig_ab:
                index = next(i for i, e in enumerate(roh) if isinstance(e, LocatedDict)
                             and str(e.get("version", "")).strip() == neuer.version)
                p.add(roh[index].line_of("gueltig_ab"), f"versionen[{index}].gueltig_ab",
                      f"Version {neuer.version} (ab {neuer.gueltig_ab:%d.%m.%Y}) überschneidet "
                      f"sich mit Version {aelter.version} (Zeile {aelter.zeile}); dort "
                      "gueltig_bis auf den Vortag setzen")
    if p.probleme:
        raise RichtlinienFehler(p.probleme)
    return Richtlinien(versionen, datei, daten.line_of("versionen"))


def _anzeigename(pfad: Path) -> str:
    from leitfaden.settings import PROJECT_ROOT

    try:
        return str(pfad.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(pfad)


def richtlinie_pfad() -> Path:
    """Where the policy lives: ``abschlag-richtlinie.yml`` in the guides folder."""
    from leitfaden import settings

    return settings.guidelines_dir() / DATEINAME


def lade_richtlinien(pfad: Path | None = None) -> Richtlinien:
    """Read and validate the policy file (uncached); raises :class:`RichtlinienFehler`."""
    pfad = Path(pfad) if pfad is not None else richtlinie_pfad()
    datei = _anzeigename(pfad)
    if not pfad.is_file():
        raise RichtlinienFehler([RichtlinienProblem(datei, 0, "", "Datei nicht gefunden")])
    try:
        daten = load_located_file(pfad)
    except YamlSourceError as exc:
        raise RichtlinienFehler([RichtlinienProblem(datei, exc.line, "", exc.message)]) from exc
    return parse_richtlinien(daten, datei)


class _Cache:
    """Policies per file, re-read when the file changes (trainers edit live).

    A changed but broken file is logged and the last good version stays in force; a broken
    file that was never loaded raises.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._eintraege: dict[Path, tuple[tuple[int, int], Richtlinien]] = {}

    def get(self, pfad: Path) -> Richtlinien:
        schluessel = pfad.resolve()
        with self._lock:
            try:
                st = schluessel.stat()
                stempel = (st.st_mtime_ns, st.st_size)
            except OSError:
                stempel = (0, 0)
            alt = self._eintraege.get(schluessel)
            if alt is not None and alt[0] == stempel:
                return alt[1]
            try:
                neu = lade_richtlinien(pfad)
            except RichtlinienFehler:
                if alt is None:
                    raise
                log.exception("Geänderte Abschlag-Richtlinie ist fehlerhaft; die bisherige "
                              "Fassung bleibt in Kraft")
                self._eintraege[schluessel] = (stempel, alt[1])
                return alt[1]
            self._eintraege[schluessel] = (stempel, neu)
            return neu

    def leeren(self) -> None:
        with self._lock:
            self._eintraege.clear()


_cache = _Cache()


def richtlinien(pfad: Path | None = None) -> Richtlinien:
    """All versions from ``pfad`` (default :func:`richtlinie_pfad`), re-read on change."""
    return _cache.get(Path(pfad) if pfad is not None else richtlinie_pfad())


def richtlinie_am(tag: dt.date | None = None, pfad: Path | None = None) -> Richtlinie:
    """The policy version in force on ``tag`` (default: :func:`leitfaden.clock.today`)."""
    return richtlinien(pfad).am(tag or clock.today())


def cache_leeren() -> None:
    """Forget every loaded policy (tests)."""
    _cache.leeren()
