"""All guide versions together: pick the one in force on a day and render its wording."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leitfaden.guides.loader import ENDE, GuideError, GuideIssue, load_guide_file
from leitfaden.guides.model import Knopf, Leitfaden, Schritt, Textvariante

log = logging.getLogger(__name__)

GUIDE_GLOB = "glf-*.yml"


class WordingError(KeyError):
    """A wording was asked for that the guide in force does not have (a programming error)."""

    def __str__(self) -> str:  # KeyError quotes its message; we want it plain
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Rendered:
    """A wording ready to send, with the evidence of where it came from."""

    text: str
    knoepfe: tuple[Knopf, ...]
    evidence: dict[str, str]


class GuideLibrary:
    """Every loaded guide version, validated together (overlaps, cross-guide branches)."""

    def __init__(self, guides: Iterable[Leitfaden]) -> None:
        self.guides = sorted(guides, key=lambda g: (g.nummer, g.gueltig_ab))
        issues: list[GuideIssue] = []
        by_nummer: dict[str, list[Leitfaden]] = {}
        for guide in self.guides:
            by_nummer.setdefault(guide.nummer, []).append(guide)
        for versions in by_nummer.values():
            for older, newer in zip(versions, versions[1:], strict=False):
                if older.gueltig_bis is None or older.gueltig_bis >= newer.gueltig_ab:
                    issues.append(GuideIssue(
                        newer.datei, 1, "gueltig_ab",
                        f"GLF {newer.nummer} Version {newer.version} überschneidet sich mit "
                        f"Version {older.version} ({older.datei}); gueltig_bis dort setzen"))
        known = {s.id for g in self.guides for s in g.schritte}
        for guide in self.guides:
            for schritt in guide.schritte:
                for v in schritt.verzweigungen:
                    if v.ziel != ENDE and v.ziel not in known:
                        issues.append(GuideIssue(
                            guide.datei, v.zeile, f"schritte[{schritt.id}].verzweigungen.ziel",
                            f"unbekannter Schritt '{v.ziel}'"))
        if issues:
            raise GuideError(issues)
        self._by_nummer = by_nummer

    @classmethod
    def load(cls, folder: Path) -> GuideLibrary:
        """Load every ``glf-*.yml`` under ``folder``; one :class:`GuideError` lists all issues."""
        guides, issues = [], []
        files = sorted(folder.rglob(GUIDE_GLOB))
        if not files:
            raise GuideError(
                [GuideIssue(str(folder), 0, "", "keine Leitfäden (glf-*.yml) gefunden")])
        for path in files:
            try:
                guides.append(load_guide_file(path, folder.parent))
            except GuideError as exc:
                issues.extend(exc.issues)
        if issues:
            raise GuideError(issues)
        return cls(guides)

    # -- look-ups -----------------------------------------------------------------------
    @property
    def nummern(self) -> tuple[str, ...]:
        """Numbers of all guides known."""
        return tuple(self._by_nummer)

    def versions(self, nummer: str) -> list[Leitfaden]:
        """All versions of guide ``nummer``, oldest first."""
        return list(self._by_nummer.get(nummer, []))

    def in_force(self, nummer: str, tag: dt.date) -> Leitfaden:
        """The version of guide ``nummer`` in force on ``tag``."""
        for guide in self._by_nummer.get(nummer, []):
            if guide.gilt_am(tag):
                return guide
        raise WordingError(f"Für den {tag:%d.%m.%Y} gilt keine Version von GLF {nummer}")

    def schritt(self, schritt_id: str, tag: dt.date) -> tuple[Leitfaden, Schritt]:
        """The guide version in force and its step ``schritt_id`` (e.g. ``3.000.4``)."""
        nummer = schritt_id.rsplit(".", 1)[0]
        guide = self.in_force(nummer, tag)
        try:
            return guide, guide.schritt(schritt_id)
        except KeyError as exc:
            raise WordingError(str(exc.args[0])) from exc

    # -- wording ------------------------------------------------------------------------
    def wording(self, schritt_id: str, key: str, tag: dt.date,
                kanal: str = "kunde") -> tuple[Leitfaden, Textvariante]:
        """The wording ``key`` of a step (or of its guide) in force on ``tag`` for ``kanal``."""
        guide, schritt = self.schritt(schritt_id, tag)
        varianten = schritt.texte.get(key) or guide.texte.get(key)
        if not varianten:
            raise WordingError(f"GLF {guide.nummer} Version {guide.version}, Schritt "
                               f"{schritt_id}: kein Text '{key}' ({guide.datei})")
        gueltig = [v for v in varianten if v.gilt_am(tag)]
        chosen = next((v for v in gueltig if v.kanal == kanal), None) or next(
            (v for v in gueltig if v.kanal is None), None)
        if chosen is None:
            raise WordingError(f"GLF {guide.nummer}, Schritt {schritt_id}: Text '{key}' hat am "
                               f"{tag:%d.%m.%Y} keine gültige Fassung für Kanal '{kanal}'")
        return guide, chosen

    def render(self, schritt_id: str, key: str, tag: dt.date, kanal: str = "kunde",
               values: Mapping[str, Any] | None = None) -> Rendered:
        """Fill the wording's placeholders and return it with its evidence."""
        guide, variante = self.wording(schritt_id, key, tag, kanal)
        values = dict(values or {})
        missing = variante.platzhalter - values.keys()
        if missing:
            raise WordingError(f"Text '{key}' in Schritt {schritt_id} braucht Werte für: "
                               f"{', '.join(sorted(missing))}")
        text = variante.text.format_map({k: _fmt(v) for k, v in values.items()})
        evidence = {
            "guide": guide.nummer,
            "guide_version": guide.version,
            "guide_step": schritt_id,
            "text_key": key,
            "wording_hash": variante.hash,
            "valid_on": tag.isoformat(),
            "channel": kanal,
        }
        return Rendered(text, variante.knoepfe, evidence)


def _fmt(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value)


class _Cache:
    """Process-wide library that reloads when a guide file changes (trainers edit live)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._folder: Path | None = None
        self._stamp: tuple = ()
        self._library: GuideLibrary | None = None

    @staticmethod
    def _stamp_of(folder: Path) -> tuple:
        return tuple((str(p), p.stat().st_mtime_ns) for p in sorted(folder.rglob(GUIDE_GLOB)))

    def get(self, folder: Path) -> GuideLibrary:
        with self._lock:
            stamp = self._stamp_of(folder)
            if self._library is None or folder != self._folder or stamp != self._stamp:
                try:
                    library = GuideLibrary.load(folder)
                except GuideError:
                    if self._library is None or folder != self._folder:
                        raise
                    log.exception("Geänderter Leitfaden ist fehlerhaft; die bisherige Fassung "
                                  "bleibt in Kraft")
                    self._stamp = stamp
                    return self._library
                self._library, self._folder, self._stamp = library, folder, stamp
            return self._library


_cache = _Cache()


def library(folder: Path | None = None) -> GuideLibrary:
    """The guides in ``folder`` (default: ``settings.guidelines_dir()``), reloaded on change."""
    from leitfaden import settings

    return _cache.get(folder or settings.guidelines_dir())
