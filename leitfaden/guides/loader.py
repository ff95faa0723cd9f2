"""Read and validate guide files; every problem names file, line and field."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from string import Formatter
from typing import Any

from leitfaden.guides.model import CHANNELS, Knopf, Leitfaden, Schritt, Textvariante, Verzweigung
from leitfaden.guides.yamlsource import (
    LocatedDict,
    LocatedList,
    YamlSourceError,
    load_located_file,
)

NUMMER_RE = re.compile(r"^\d\.\d{3}$")
AKTION_RE = re.compile(r"^[a-z][a-z0-9_]*$")
TEXTKEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
ENDE = "ende"
"""Branch target meaning: the conversation ends here."""

GUIDE_KEYS = {"leitfaden", "titel", "version", "gueltig_ab", "gueltig_bis", "weisung", "texte",
              "schritte"}
STEP_KEYS = {"id", "name", "zweck", "aktionen", "texte", "pruefungen", "verzweigungen",
             "pflichthinweise"}
VARIANT_KEYS = {"text", "knoepfe", "kanal", "gueltig_ab", "gueltig_bis"}


@dataclass(frozen=True)
class GuideIssue:
    """One problem in a guide file."""

    datei: str
    zeile: int
    feld: str
    meldung: str

    def __str__(self) -> str:
        return f"{self.datei}:{self.zeile}: {self.feld}: {self.meldung}"


class GuideError(ValueError):
    """A guide (or several) is broken; ``issues`` lists every problem found."""

    def __init__(self, issues: list[GuideIssue]) -> None:
        self.issues = issues
        super().__init__("Leitfaden fehlerhaft:\n" + "\n".join(f"  {i}" for i in issues))


class _Collector:
    """Collects issues for one file while the parser walks it."""

    def __init__(self, datei: str) -> None:
        self.datei = datei
        self.issues: list[GuideIssue] = []

    def add(self, zeile: int, feld: str, meldung: str) -> None:
        self.issues.append(GuideIssue(self.datei, zeile, feld, meldung))

    # -- typed field readers -------------------------------------------------------------
    def text(self, mapping: LocatedDict, key: str, feld: str, pflicht: bool = True) -> str:
        if key not in mapping:
            if pflicht:
                self.add(mapping.line, f"{feld}.{key}" if feld else key, "Pflichtfeld fehlt")
            return ""
        value = mapping[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.add(mapping.line_of(key), _join(feld, key), "muss ein nicht leerer Text sein")
            return ""
        return value.strip()

    def datum(self, mapping: LocatedDict, key: str, feld: str, pflicht: bool) -> dt.date | None:
        if key not in mapping or mapping[key] is None:
            if pflicht:
                self.add(mapping.line, _join(feld, key), "Pflichtfeld fehlt")
            return None
        value = mapping[key]
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.add(mapping.line_of(key), _join(feld, key),
                 f"'{value}' ist kein Datum (Format JJJJ-MM-TT)")
        return None

    def liste(self, mapping: LocatedDict, key: str, feld: str, pflicht: bool) -> LocatedList:
        if key not in mapping or mapping[key] is None:
            if pflicht:
                self.add(mapping.line, _join(feld, key), "Pflichtfeld fehlt")
            return _empty_list(mapping.line)
        value = mapping[key]
        if not isinstance(value, LocatedList):
            self.add(mapping.line_of(key), _join(feld, key), "muss eine Liste sein")
            return _empty_list(mapping.line_of(key))
        return value

    def unbekannte(self, mapping: LocatedDict, erlaubt: set[str], feld: str) -> None:
        for key in mapping:
            if key not in erlaubt:
                self.add(mapping.line_of(key), _join(feld, key),
                         f"unbekanntes Feld (erlaubt: {', '.join(sorted(erlaubt))})")


def _join(feld: str, key: str) -> str:
    return f"{feld}.{key}" if feld else key


def _empty_list(line: int) -> LocatedList:
    result = LocatedList()
    result.line = line
    result.item_lines = []
    return result


def _parse_knoepfe(raw: Any, line: int, feld: str, c: _Collector) -> tuple[Knopf, ...]:
    if not isinstance(raw, LocatedList):
        c.add(line, feld, "muss eine Liste von Knöpfen (titel, payload) sein")
        return ()
    knoepfe = []
    for i, item in enumerate(raw):
        f = f"{feld}[{i}]"
        if not isinstance(item, LocatedDict):
            c.add(raw.line_of(i), f, "Knopf braucht 'titel' und 'payload'")
            continue
        c.unbekannte(item, {"titel", "payload"}, f)
        titel, payload = c.text(item, "titel", f), c.text(item, "payload", f)
        if payload and not payload.startswith("/"):
            c.add(item.line_of("payload"), f"{f}.payload", "muss mit '/' beginnen (z. B. /affirm)")
        if titel and payload:
            knoepfe.append(Knopf(titel, payload))
    return tuple(knoepfe)


def _check_placeholders(text: str, line: int, feld: str, c: _Collector) -> None:
    try:
        for _, name, spec, conv in Formatter().parse(text):
            if name is not None and not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
                c.add(line, feld, f"Platzhalter '{{{name}}}' ungültig (nur a-z, 0-9, _)")
            if spec or conv:
                c.add(line, feld, f"Platzhalter '{{{name}}}' darf kein Format haben")
    except ValueError as exc:
        c.add(line, feld, f"geschweifte Klammern passen nicht: {exc}")


def _parse_variante(raw: Any, line: int, feld: str, c: _Collector) -> Textvariante | None:
    if isinstance(raw, str):
        if not raw.strip():
            c.add(line, feld, "Text ist leer")
            return None
        _check_placeholders(raw, line, feld, c)
        return Textvariante(text=" ".join(raw.split()), zeile=line)
    if not isinstance(raw, LocatedDict):
        c.add(line, feld, "muss ein Text oder eine Variante (text, kanal, gueltig_ab, ...) sein")
        return None
    c.unbekannte(raw, VARIANT_KEYS, feld)
    text = c.text(raw, "text", feld)
    kanal = raw.get("kanal")
    if kanal is not None and kanal not in CHANNELS:
        c.add(raw.line_of("kanal"), f"{feld}.kanal",
              f"unbekannter Kanal '{kanal}' (erlaubt: {', '.join(CHANNELS)})")
        kanal = None
    ab = c.datum(raw, "gueltig_ab", feld, pflicht=False)
    bis = c.datum(raw, "gueltig_bis", feld, pflicht=False)
    if ab and bis and bis < ab:
        c.add(raw.line_of("gueltig_bis"), f"{feld}.gueltig_bis", "liegt vor gueltig_ab")
    knoepfe = ()
    if "knoepfe" in raw:
        knoepfe = _parse_knoepfe(raw["knoepfe"], raw.line_of("knoepfe"), f"{feld}.knoepfe", c)
    if not text:
        return None
    _check_placeholders(text, raw.line_of("text"), f"{feld}.text", c)
    return Textvariante(" ".join(text.split()), ab, bis, kanal, knoepfe, raw.line)


def _overlap(a: Textvariante, b: Textvariante) -> bool:
    lo = max(a.gueltig_ab or dt.date.min, b.gueltig_ab or dt.date.min)
    hi = min(a.gueltig_bis or dt.date.max, b.gueltig_bis or dt.date.max)
    return lo <= hi


def _parse_texte(raw: Any, line: int, feld: str, c: _Collector,
                 pflicht: bool) -> dict[str, tuple[Textvariante, ...]]:
    if raw is None:
        if pflicht:
            c.add(line, feld, "Pflichtfeld fehlt")
        return {}
    if not isinstance(raw, LocatedDict):
        c.add(line, feld, "muss eine Zuordnung Schlüssel -> Text sein")
        return {}
    texte: dict[str, tuple[Textvariante, ...]] = {}
    for key, value in raw.items():
        f, kline = f"{feld}.{key}", raw.line_of(key)
        if not TEXTKEY_RE.match(key):
            c.add(kline, f, "Textschlüssel nur aus a-z, 0-9 und _")
        items = value if isinstance(value, LocatedList) else [value]
        varianten = []
        for i, item in enumerate(items):
            iline = value.line_of(i) if isinstance(value, LocatedList) else kline
            vf = f"{f}[{i}]" if isinstance(value, LocatedList) else f
            variante = _parse_variante(item, iline, vf, c)
            if variante:
                varianten.append(variante)
        for i, a in enumerate(varianten):
            for b in varianten[i + 1:]:
                if a.kanal == b.kanal and _overlap(a, b):
                    c.add(b.zeile, f, f"zwei Varianten für Kanal '{a.kanal or 'alle'}' gelten "
                          f"gleichzeitig (Zeilen {a.zeile} und {b.zeile})")
        if not items:
            c.add(kline, f, "braucht mindestens einen Text")
        texte[key] = tuple(varianten)
    if pflicht and not raw:
        c.add(line, feld, "braucht mindestens einen Text")
    return texte


def _parse_schritt(raw: Any, line: int, index: int, nummer: str,
                   c: _Collector) -> Schritt | None:
    feld = f"schritte[{index}]"
    if not isinstance(raw, LocatedDict):
        c.add(line, feld, "Schritt muss eine Zuordnung sein (id, name, zweck, ...)")
        return None
    c.unbekannte(raw, STEP_KEYS, feld)
    sid = c.text(raw, "id", feld)
    if sid:
        feld = f"schritte[{sid}]"
        if not re.fullmatch(re.escape(nummer) + r"\.\d+", sid):
            c.add(raw.line_of("id"), f"{feld}.id", f"Schritt-Id muss '{nummer}.<n>' sein")
    name = c.text(raw, "name", feld)
    zweck = c.text(raw, "zweck", feld)
    aktionen = []
    for i, a in enumerate(c.liste(raw, "aktionen", feld, pflicht=True)):
        if not isinstance(a, str) or not AKTION_RE.match(a):
            c.add(raw["aktionen"].line_of(i), f"{feld}.aktionen[{i}]",
                  f"'{a}' ist kein Aktionsname (a-z, 0-9, _)")
        else:
            aktionen.append(a)
    if "aktionen" in raw and isinstance(raw["aktionen"], LocatedList) and not raw["aktionen"]:
        c.add(raw.line_of("aktionen"), f"{feld}.aktionen", "braucht mindestens eine Aktion")
    texte = _parse_texte(raw.get("texte"), raw.line_of("texte"), f"{feld}.texte", c, True)
    pruefungen = []
    for i, p in enumerate(c.liste(raw, "pruefungen", feld, pflicht=False)):
        if not isinstance(p, str) or not p.strip():
            c.add(raw["pruefungen"].line_of(i), f"{feld}.pruefungen[{i}]", "muss Text sein")
        else:
            pruefungen.append(p.strip())
    verzweigungen = []
    raw_v = c.liste(raw, "verzweigungen", feld, pflicht=False)
    for i, v in enumerate(raw_v):
        vf = f"{feld}.verzweigungen[{i}]"
        if not isinstance(v, LocatedDict):
            c.add(raw_v.line_of(i), vf, "Verzweigung braucht 'wenn' und 'ziel'")
            continue
        c.unbekannte(v, {"wenn", "ziel"}, vf)
        wenn, ziel = c.text(v, "wenn", vf), c.text(v, "ziel", vf)
        if wenn and ziel:
            verzweigungen.append(Verzweigung(wenn, ziel, v.line_of("ziel")))
    hinweise = []
    raw_h = c.liste(raw, "pflichthinweise", feld, pflicht=False)
    for i, h in enumerate(raw_h):
        if h not in texte:
            c.add(raw_h.line_of(i), f"{feld}.pflichthinweise[{i}]",
                  f"'{h}' ist kein Text dieses Schritts")
        else:
            hinweise.append(h)
    if not (sid and name and zweck):
        return None
    return Schritt(sid, name, zweck, tuple(aktionen), texte, tuple(pruefungen),
                   tuple(verzweigungen), tuple(hinweise), raw.line)


def parse_guide(data: Any, datei: str) -> tuple[Leitfaden | None, list[GuideIssue]]:
    """Turn a located YAML document into a :class:`Leitfaden`, collecting every issue."""
    c = _Collector(datei)
    if not isinstance(data, LocatedDict):
        c.add(1, "", "Leitfaden muss eine Zuordnung sein (leitfaden, titel, version, ...)")
        return None, c.issues
    c.unbekannte(data, GUIDE_KEYS, "")
    nummer = c.text(data, "leitfaden", "")
    if nummer and not NUMMER_RE.match(nummer):
        c.add(data.line_of("leitfaden"), "leitfaden",
              f"'{nummer}' ist keine GLF-Nummer (z. B. 3.000)")
    titel = c.text(data, "titel", "")
    version = c.text(data, "version", "")
    weisung = c.text(data, "weisung", "")
    ab = c.datum(data, "gueltig_ab", "", pflicht=True)
    bis = c.datum(data, "gueltig_bis", "", pflicht=False)
    if ab and bis and bis < ab:
        c.add(data.line_of("gueltig_bis"), "gueltig_bis", "liegt vor gueltig_ab")
    texte = _parse_texte(data.get("texte"), data.line_of("texte"), "texte", c, pflicht=False)
    schritte: list[Schritt] = []
    raw_schritte = c.liste(data, "schritte", "", pflicht=True)
    if "schritte" in data and not raw_schritte:
        c.add(data.line_of("schritte"), "schritte", "braucht mindestens einen Schritt")
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_schritte):
        schritt = _parse_schritt(raw, raw_schritte.line_of(i), i, nummer or "?", c)
        if schritt is None:
            continue
        if schritt.id in seen:
            c.add(schritt.zeile, f"schritte[{schritt.id}].id",
                  f"Schritt-Id doppelt (zuerst in Zeile {seen[schritt.id]})")
            continue
        seen[schritt.id] = schritt.zeile
        for key in schritt.texte:
            if key in texte:
                c.add(schritt.zeile, f"schritte[{schritt.id}].texte.{key}",
                      "Textschlüssel gibt es schon auf Leitfaden-Ebene")
        schritte.append(schritt)
    for schritt in schritte:
        for v in schritt.verzweigungen:
            if v.ziel != ENDE and v.ziel.startswith(nummer + ".") and v.ziel not in seen:
                c.add(v.zeile, f"schritte[{schritt.id}].verzweigungen.ziel",
                      f"unbekannter Schritt '{v.ziel}'")
    if c.issues or not (nummer and titel and version and weisung and ab):
        return None, c.issues
    return Leitfaden(nummer, titel, version, ab, bis, weisung, tuple(schritte), texte, datei), []


def load_guide_file(path: Path, root: Path | None = None) -> Leitfaden:
    """Load and validate one guide file; raises :class:`GuideError` listing every problem."""
    datei = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    try:
        data = load_located_file(path)
    except YamlSourceError as exc:
        raise GuideError([GuideIssue(datei, exc.line, "", exc.message)]) from exc
    guide, issues = parse_guide(data, datei)
    if issues or guide is None:
        raise GuideError(issues)
    return guide
