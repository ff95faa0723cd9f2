"""Read and validate a Webauftrag document (YAML; JSON is YAML too) without the database.

The checks against the store (known Agentur, ids, Dienststellen, stored values) live in
:mod:`leitfaden.webauftrag.eingang`; both report :class:`Fehler` with file and line, and a
Webauftrag with any error is rejected as a whole.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from leitfaden.guides.yamlsource import LocatedDict, YamlSourceError, load_located
from leitfaden.store.models import WEBAUFTRAG_AKTIONEN
from leitfaden.store.records import ANGEBOTSARTEN, WOCHENTAGE
from leitfaden.texte import DATUMSFORMATE, STEUERZEICHEN, DatumUngueltig, datum_lesen

#: A document larger than this is refused before it is parsed (also the HTTP body limit).
MAX_BYTES = 256 * 1024
#: At most this many entries (offers) per Webauftrag.
MAX_ANGEBOTE = 200
#: At most this many time slots per entry (before expanding the weekdays).
MAX_ZEITEN = 50
#: At most this many languages per offer.
MAX_SPRACHEN = 20
#: How close a misspelt name must be to a known one for a "Meinten Sie ...?" suggestion.
VORSCHLAG_AEHNLICHKEIT = 0.7

KOPF_FELDER = ("webauftrag", "agentur", "absender", "angebote")
EINTRAG_FELDER = (
    "aktion", "id", "dienststelle", "art", "titel", "beschreibung", "ort_raum", "zeiten",
    "termin_erforderlich", "buchung", "barrierefreiheit", "sprachen", "kontakt",
    "gueltig_ab", "gueltig_bis",
)
PFLICHT_NEU = (
    "dienststelle", "art", "titel", "beschreibung", "ort_raum", "zeiten",
    "termin_erforderlich", "kontakt", "gueltig_ab",
)
BEENDEN_FELDER = ("aktion", "id", "gueltig_bis")
KONTAKT_FELDER = ("telefon", "email")
ZEIT_FELDER = ("tage", "von", "bis")

#: Fields an entry can set, in the order of :data:`EINTRAG_FELDER` (``kontakt`` split up).
WERT_FELDER = (
    "dienststelle", "art", "titel", "beschreibung", "ort_raum", "zeiten",
    "termin_erforderlich", "buchung", "barrierefreiheit", "sprachen", "kontakt.telefon",
    "kontakt.email", "gueltig_ab", "gueltig_bis",
)
#: Fields that may be emptied (``null``) by ``aendern``.
LEERBAR = ("buchung", "barrierefreiheit", "kontakt.telefon", "kontakt.email", "gueltig_bis")

#: Maximum lengths, matching the store's columns (texts in TEXT columns get sensible limits).
LAENGEN = {
    "webauftrag": 50, "agentur": 40, "absender": 100, "dienststelle": 60, "titel": 200,
    "beschreibung": 4000, "ort_raum": 200, "buchung": 1000, "barrierefreiheit": 1000,
    "kontakt.telefon": 40, "kontakt.email": 200, "sprache": 60, "sprachen": 300,
}

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}[a-z0-9]$")
_NUMMER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,49}$")
_SCHLUESSEL = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_TELEFON = re.compile(r"^\+?[0-9][0-9 ()/-]{3,38}$")
_UHRZEIT = re.compile(r"(\d{1,2})[:.](\d{2})", re.ASCII)
_GANZE_ZAHL = re.compile(r"\d{1,4}", re.ASCII)

_TAGE_KURZ = ("mo", "di", "mi", "do", "fr", "sa", "so")
_TAGE: dict[str, int] = {k: i for i, k in enumerate(_TAGE_KURZ)}
_TAGE.update({name.lower(): i for i, name in enumerate(WOCHENTAGE)})
TAGE_ANZEIGE = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")


@dataclass(frozen=True)
class Fehler:
    """One problem of a Webauftrag: where (file, line, entry, field) and what (German)."""

    dokument: str
    zeile: int | None
    eintrag: str | None
    feld: str | None
    meldung: str

    def __str__(self) -> str:
        ort = f"{self.dokument}:{self.zeile}" if self.zeile else self.dokument
        wo = [teil for teil in (self.eintrag, f"Feld '{self.feld}'" if self.feld else None)
              if teil]
        return f"{ort}: {', '.join(wo)}: {self.meldung}" if wo else f"{ort}: {self.meldung}"

    def als_dict(self) -> dict[str, Any]:
        """JSON-friendly form (for the HTTP API)."""
        return {"dokument": self.dokument, "zeile": self.zeile, "eintrag": self.eintrag,
                "feld": self.feld, "meldung": self.meldung}


class WebauftragUngueltig(ValueError):
    """The Webauftrag was rejected as a whole; ``fehler`` lists every problem found."""

    def __init__(self, fehler: Iterable[Fehler], *, nummer: str | None = None,
                 agentur_id: str | None = None) -> None:
        self.fehler = sorted(fehler, key=_nach_zeile)
        self.nummer = nummer
        self.agentur_id = agentur_id
        anzahl = len(self.fehler)
        kopf = ("Der Webauftrag wurde abgelehnt: 1 Fehler." if anzahl == 1
                else f"Der Webauftrag wurde abgelehnt: {anzahl} Fehler.")
        super().__init__("\n".join([kopf, *(str(f) for f in self.fehler)]))


class FremdeAgentur(WebauftragUngueltig):
    """The document names another Agentur than the sender's access (token, ``--agentur``).

    Nothing else is checked then (nothing about the other Agentur is looked up or revealed):
    ``fehler`` holds only this one error.
    """


def fremde_agentur(agentur_id: str | None, erwartete_agentur: str | None) -> bool:
    """True if the document's (valid) Agentur is not the expected one."""
    return bool(agentur_id) and erwartete_agentur is not None \
        and agentur_id != erwartete_agentur


def ablehnung(
    dok: WebauftragDokument | None, fehler: Iterable[Fehler], *,
    erwartete_agentur: str | None = None,
) -> WebauftragUngueltig:
    """The exception rejecting ``dok`` (:class:`FremdeAgentur` for another Agentur's)."""
    art = FremdeAgentur if dok is not None and fremde_agentur(
        dok.agentur_id, erwartete_agentur) else WebauftragUngueltig
    return art(fehler, nummer=(dok.nummer or None) if dok else None,
               agentur_id=(dok.agentur_id or None) if dok else None)


@dataclass(frozen=True, order=True)
class Zeit:
    """One weekly slot: weekday 0 (Monday) to 6 (Sunday), from and to."""

    wochentag: int
    von: dt.time
    bis: dt.time

    def __str__(self) -> str:
        return f"{TAGE_ANZEIGE[self.wochentag]} {self.von:%H:%M}-{self.bis:%H:%M}"


@dataclass(frozen=True)
class AngebotEintrag:
    """One entry of ``angebote``: what to do with which offer and the fields it gives.

    ``werte`` holds only the fields written in the document (keys of :data:`WERT_FELDER`;
    ``None`` empties an optional field). For ``neu`` the defaults are filled in
    (``sprachen``: Deutsch; optional fields: ``None``). ``zeilen`` gives each field's line.
    """

    nr: int
    zeile: int
    aktion: str
    id: str
    werte: Mapping[str, Any]
    zeilen: Mapping[str, int] = field(default_factory=dict)

    @property
    def bezeichnung(self) -> str:
        """``Eintrag 2 (nuernberg-mitte-x)`` as used in error messages."""
        return f"Eintrag {self.nr} ({self.id})"

    def zeile_von(self, feld: str) -> int:
        """Line of ``feld`` (or of its parent ``kontakt``), else of the entry."""
        return self.zeilen.get(feld) or self.zeilen.get(feld.split(".")[0]) or self.zeile


@dataclass(frozen=True)
class WebauftragDokument:
    """A parsed Webauftrag. After :func:`lesen` every field is filled and valid."""

    dokument: str
    nummer: str
    agentur_id: str
    absender: str
    eintraege: tuple[AngebotEintrag, ...]
    zeilen: Mapping[str, int] = field(default_factory=dict)

    def kanonisch(self) -> dict[str, Any]:
        """The content independent of layout, comments and spelling variants."""
        return {
            "webauftrag": self.nummer,
            "agentur": self.agentur_id,
            "absender": self.absender,
            "angebote": [
                {"aktion": e.aktion, "id": e.id,
                 **{k: als_text(e.werte[k]) for k in WERT_FELDER if k in e.werte}}
                for e in self.eintraege
            ],
        }

    def inhalt_hash(self) -> str:
        """SHA-256 (hex) of :meth:`kanonisch`: equal for the same content."""
        roh = json.dumps(self.kanonisch(), ensure_ascii=False, sort_keys=True,
                         separators=(",", ":"))
        return hashlib.sha256(roh.encode("utf-8")).hexdigest()


def als_text(wert: Any) -> str | None:
    """A field value as a JSON-friendly string (history, hash); ``None`` stays ``None``."""
    if wert is None:
        return None
    if isinstance(wert, bool):
        return "ja" if wert else "nein"
    if isinstance(wert, dt.date):
        return wert.isoformat()
    if isinstance(wert, (tuple, list)):
        if all(isinstance(z, Zeit) for z in wert):
            return ", ".join(str(z) for z in sorted(wert))
        return ", ".join(str(w) for w in wert)
    return str(wert)


# --- reading -------------------------------------------------------------------------------


class _Sammler:
    """Collects the errors of one document."""

    def __init__(self, dokument: str) -> None:
        self.dokument = dokument
        self.fehler: list[Fehler] = []

    def melde(self, zeile: int | None, meldung: str, *, eintrag: str | None = None,
              feld: str | None = None) -> None:
        self.fehler.append(Fehler(self.dokument, zeile, eintrag, feld, meldung))


class _Ungueltig(Exception):
    """A single field value is wrong (internal)."""


def vorschlag(wort: str, moeglich: Iterable[str]) -> str:
    """`` Meinten Sie 'x'?`` for the closest of ``moeglich``, or an empty string."""
    treffer = difflib.get_close_matches(wort, list(moeglich), n=1,
                                        cutoff=VORSCHLAG_AEHNLICHKEIT)
    return f" Meinten Sie '{treffer[0]}'?" if treffer else ""


def _liste(werte: Iterable[str]) -> str:
    return ", ".join(werte)


def _zeile_von(obj: Any, schluessel: Any, ersatz: int | None) -> int | None:
    line_of = getattr(obj, "line_of", None)
    return line_of(schluessel) if line_of else ersatz


def _text(wert: Any, feld: str, *, einzeilig: bool = True) -> str:
    """A non-empty text of at most ``LAENGEN[feld]`` characters (blanks trimmed)."""
    if isinstance(wert, (bool, dict, list, dt.date)):
        raise _Ungueltig("Hier wird ein Text erwartet (setzen Sie ihn in Anführungszeichen).")
    if not isinstance(wert, str):
        wert = str(wert)
    wert = " ".join(wert.split()) if einzeilig else wert.strip()
    if not wert:
        raise _Ungueltig("Das Feld darf nicht leer sein.")
    if STEUERZEICHEN.search(wert):
        raise _Ungueltig("Der Text enthält unzulässige Steuerzeichen.")
    hoechstens = LAENGEN[feld]
    if len(wert) > hoechstens:
        raise _Ungueltig(
            f"Der Text ist zu lang ({len(wert)} Zeichen, höchstens {hoechstens}).")
    return wert


def _schluessel(wert: Any, feld: str) -> str:
    """An identifier such as an Agentur or Dienststelle id (lower case)."""
    text = _text(wert, feld)
    if not _SCHLUESSEL.match(text):
        raise _Ungueltig(
            f"'{text}' ist keine gültige Kennung (Kleinbuchstaben, Ziffern, Bindestriche).")
    return text


def _wahrheitswert(wert: Any) -> bool:
    if not isinstance(wert, bool):
        raise _Ungueltig(
            f"Hier wird true oder false erwartet (ohne Anführungszeichen), nicht '{wert}'.")
    return wert


def _datum(wert: Any) -> dt.date:
    """A date from YAML (``2026-12-01`` unquoted) or text (see :func:`datum_lesen`)."""
    if isinstance(wert, dt.datetime):
        raise _Ungueltig("Bitte nur ein Datum ohne Uhrzeit angeben.")
    if isinstance(wert, dt.date):
        datum = wert
    elif isinstance(wert, str):
        try:
            datum = datum_lesen(wert)
        except DatumUngueltig as exc:
            raise _Ungueltig(str(exc)) from None
    else:
        raise _Ungueltig(f"'{wert}' ist kein Datum. Schreiben Sie {DATUMSFORMATE}.")
    if not 2000 <= datum.year <= 2099:
        raise _Ungueltig(f"Das Datum {datum:%d.%m.%Y} liegt außerhalb von 2000 bis 2099.")
    return datum


def uhrzeit_lesen(wert: Any) -> dt.time:
    """A time ``HH:MM`` (or ``HH.MM``).

    :func:`load_located` hands every number over as the text written: unquoted ``12:00``
    arrives as ``"12:00"`` (not YAML 1.1's 720) and ``von: 9`` as ``"9"``. A bare number
    (``9``, ``930``) is refused with a hint rather than guessed.
    """
    text = wert.strip() if isinstance(wert, str) else None
    if text is not None and _GANZE_ZAHL.fullmatch(text):
        raise _Ungueltig(f"'{text}' ist keine Uhrzeit. Schreiben Sie Stunden und Minuten als "
                         "HH:MM, z. B. 09:00 für 9 Uhr.")
    m = _UHRZEIT.fullmatch(text) if text is not None else None
    if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise _Ungueltig(f"'{wert}' ist keine Uhrzeit. Schreiben Sie HH:MM (z. B. 09:00).")
    return dt.time(int(m.group(1)), int(m.group(2)))


def _tage(wert: Any) -> list[int]:
    """Weekdays from ``[Mo, Mi]``, ``"Mo, Mi"``, ``Montag`` or a range ``Mo-Fr``."""
    if isinstance(wert, str):
        teile = [t for t in re.split(r"[,\s]+", wert.strip()) if t]
    elif isinstance(wert, list):
        teile = wert
    else:
        raise _Ungueltig("Geben Sie die Wochentage als Liste an, z. B. [Mo, Mi].")
    if not teile:
        raise _Ungueltig("Geben Sie mindestens einen Wochentag an.")
    tage: list[int] = []
    unbekannt: list[str] = []
    for teil in teile:
        if not isinstance(teil, str):
            unbekannt.append(str(teil))
            continue
        spanne = re.split(r"\s*[-–]\s*", teil.strip().lower().rstrip("."))
        nummern = [_TAGE.get(t.rstrip(".")) for t in spanne]
        if len(spanne) > 2 or None in nummern:
            unbekannt.append(teil)
        elif len(nummern) == 2 and nummern[0] <= nummern[1]:  # type: ignore[operator]
            tage.extend(range(nummern[0], nummern[1] + 1))  # type: ignore[arg-type, operator]
        elif len(nummern) == 1:
            tage.append(nummern[0])  # type: ignore[arg-type]
        else:
            unbekannt.append(teil)
    if unbekannt:
        namen = ", ".join(f"'{u}'" for u in unbekannt)
        raise _Ungueltig(
            f"Unbekannter Wochentag {namen}. Erlaubt sind Mo, Di, Mi, Do, Fr, Sa, So "
            "oder die ausgeschriebenen Namen (Montag ... Sonntag).")
    return sorted(set(tage))


class _EintragLeser:
    """Reads one entry of ``angebote`` and reports its errors."""

    def __init__(self, sammler: _Sammler, roh: LocatedDict, nr: int, zeile: int) -> None:
        self.s = sammler
        self.roh = roh
        self.nr = nr
        self.zeile = zeile
        self.bezeichnung = f"Eintrag {nr}"
        self.werte: dict[str, Any] = {}
        self.zeilen: dict[str, int] = {k: roh.line_of(k) for k in roh}
        self.fehlerfelder: set[str] = set()

    def melde(self, zeile: int | None, meldung: str, feld: str | None = None) -> None:
        self.fehlerfelder.add((feld or "").split(".")[0].split("[")[0])
        self.s.melde(zeile, meldung, eintrag=self.bezeichnung, feld=feld)

    def feld(self, name: str, leser, *, leerbar: bool = False) -> None:
        """Read ``name`` with ``leser`` into ``werte`` (``null``: empty, if allowed)."""
        if name not in self.roh:
            return
        wert = self.roh[name]
        zeile = self.roh.line_of(name)
        if wert is None or (isinstance(wert, str) and not wert.strip()):
            if leerbar:
                self.werte[name] = None
            else:
                self.melde(zeile, "Das Feld darf nicht leer sein.", name)
            return
        try:
            self.werte[name] = leser(wert)
        except _Ungueltig as exc:
            self.melde(zeile, str(exc), name)

    def lesen(self, gesehen: dict[str, tuple[int, int]]) -> AngebotEintrag | None:
        roh = self.roh
        angebot_id = self._id(gesehen)
        aktion = self._aktion()
        erlaubt = BEENDEN_FELDER if aktion == "beenden" else EINTRAG_FELDER
        for schluessel in roh:
            if schluessel not in EINTRAG_FELDER:
                self.melde(
                    roh.line_of(schluessel),
                    f"Unbekanntes Feld '{schluessel}'.{vorschlag(schluessel, EINTRAG_FELDER)}"
                    f" Erlaubt sind: {_liste(EINTRAG_FELDER)}.", schluessel)
            elif schluessel not in erlaubt:
                self.melde(
                    roh.line_of(schluessel),
                    "Bei 'beenden' ist außer 'aktion' und 'id' nur 'gueltig_bis' erlaubt. "
                    "Um das Angebot zu ändern, verwenden Sie 'aendern'.", schluessel)
        if aktion == "neu":
            for pflicht in PFLICHT_NEU:
                if pflicht not in roh:
                    self.melde(self.zeile, f"Das Pflichtfeld '{pflicht}' fehlt (für ein neues "
                               "Angebot erforderlich).", pflicht)
        elif aktion == "aendern" and not set(roh) - {"aktion", "id"}:
            self.melde(self.zeile, "Der Eintrag ändert nichts: Geben Sie mindestens ein Feld "
                       "an, das sich ändern soll.")
        self._felder(aktion)
        if aktion == "neu":
            self.werte.setdefault("sprachen", ("Deutsch",))
            for optional in LEERBAR:
                self.werte.setdefault(optional, None)
            # cross-field checks of changes need the stored values: see eingang
            for feld, meldung in endzustand_fehler(self.werte):
                if feld not in self.fehlerfelder:
                    self.melde(zeile_fuer(feld, self.zeilen, self.zeile), meldung, feld)
        if aktion is None or angebot_id is None:
            return None
        return AngebotEintrag(nr=self.nr, zeile=self.zeile, aktion=aktion, id=angebot_id,
                              werte=dict(self.werte), zeilen=dict(self.zeilen))

    def _id(self, gesehen: dict[str, tuple[int, int]]) -> str | None:
        roh = self.roh
        wert = roh.get("id")
        if wert is None or (isinstance(wert, str) and not wert.strip()):
            self.melde(roh.line_of("id") if "id" in roh else self.zeile,
                       "Die ID des Angebots fehlt.", "id")
            return None
        text = str(wert).strip() if not isinstance(wert, (dict, list)) else ""
        if text:
            self.bezeichnung = f"Eintrag {self.nr} ({text[:80]})"
        if not _ID.match(text):
            self.melde(roh.line_of("id"),
                       f"Die ID '{text[:80]}' ist ungültig: Erlaubt sind 3 bis 80 "
                       "Kleinbuchstaben (a-z), Ziffern und Bindestriche, am Anfang und am Ende "
                       "ein Buchstabe oder eine Ziffer (z. B. nuernberg-mitte-digitalkurs).",
                       "id")
            return None
        if text in gesehen:
            nr, zeile = gesehen[text]
            self.melde(roh.line_of("id"),
                       f"Die ID '{text}' kommt in diesem Webauftrag mehrfach vor (zuerst in "
                       f"Eintrag {nr}, Zeile {zeile}). Fassen Sie die Angaben in einem "
                       "Eintrag zusammen.", "id")
            return None
        gesehen[text] = (self.nr, roh.line_of("id"))
        return text

    def _aktion(self) -> str | None:
        roh = self.roh
        wert = roh.get("aktion")
        if wert is None or (isinstance(wert, str) and not wert.strip()):
            self.melde(roh.line_of("aktion") if "aktion" in roh else self.zeile,
                       "Die Aktion fehlt: Geben Sie 'aktion: neu', 'aktion: aendern' oder "
                       "'aktion: beenden' an.", "aktion")
            return None
        text = str(wert).strip().lower().replace("ä", "ae")
        if text not in WEBAUFTRAG_AKTIONEN:
            self.melde(roh.line_of("aktion"),
                       f"Unbekannte Aktion '{wert}'. Erlaubt sind: "
                       f"{_liste(WEBAUFTRAG_AKTIONEN)}.",
                       "aktion")
            return None
        return text

    def _felder(self, aktion: str | None) -> None:
        self.feld("dienststelle", lambda w: _schluessel(w, "dienststelle"))
        self.feld("art", _art)
        self.feld("titel", lambda w: _text(w, "titel"))
        self.feld("beschreibung", lambda w: _text(w, "beschreibung", einzeilig=False))
        self.feld("ort_raum", lambda w: _text(w, "ort_raum"))
        self._zeiten()
        self.feld("termin_erforderlich", _wahrheitswert)
        self.feld("buchung", lambda w: _text(w, "buchung", einzeilig=False), leerbar=True)
        self.feld("barrierefreiheit", lambda w: _text(w, "barrierefreiheit", einzeilig=False),
                  leerbar=True)
        self.feld("sprachen", _sprachen)
        self._kontakt(neu=aktion == "neu")
        self.feld("gueltig_ab", _datum)
        self.feld("gueltig_bis", _datum, leerbar=True)

    def _kontakt(self, *, neu: bool) -> None:
        roh = self.roh
        if "kontakt" not in roh:
            return
        kontakt = roh["kontakt"]
        zeile = roh.line_of("kontakt")
        if kontakt is None:
            if neu:
                self.melde(zeile, _KEIN_KONTAKT, "kontakt")
            return
        if not isinstance(kontakt, dict):
            self.melde(zeile, "Geben Sie den Kontakt als Zuordnung an, z. B. "
                       "{telefon: \"0911 5290-4120\", email: \"name@arbeitsagentur.de\"}.",
                       "kontakt")
            return
        for schluessel in kontakt:
            if schluessel not in KONTAKT_FELDER:
                self.melde(kontakt.line_of(schluessel),
                           f"Unbekanntes Feld '{schluessel}'."
                           f"{vorschlag(schluessel, KONTAKT_FELDER)} Erlaubt sind: "
                           f"{_liste(KONTAKT_FELDER)}.", f"kontakt.{schluessel}")
        for name, leser in (("telefon", _telefon), ("email", _email)):
            if name not in kontakt:
                continue
            feld = f"kontakt.{name}"
            self.zeilen[feld] = kontakt.line_of(name)
            wert = kontakt[name]
            if wert is None or (isinstance(wert, str) and not wert.strip()):
                self.werte[feld] = None
                continue
            try:
                self.werte[feld] = leser(wert)
            except _Ungueltig as exc:
                self.melde(kontakt.line_of(name), str(exc), feld)

    def _zeiten(self) -> None:
        roh = self.roh
        if "zeiten" not in roh:
            return
        liste = roh["zeiten"]
        zeile = roh.line_of("zeiten")
        if not isinstance(liste, list) or not liste:
            self.melde(zeile, "Geben Sie mindestens eine Zeit an, z. B. "
                       "- {tage: [Mo, Mi], von: \"09:00\", bis: \"12:00\"}.", "zeiten")
            return
        if len(liste) > MAX_ZEITEN:
            self.melde(zeile, f"Zu viele Zeiten ({len(liste)}, höchstens {MAX_ZEITEN}).",
                       "zeiten")
            return
        zeiten: list[tuple[Zeit, int]] = []
        fehlerfrei = True  # overlaps are only checked when every slot could be read
        for i, slot in enumerate(liste):
            pfad = f"zeiten[{i}]"
            slot_zeile = _zeile_von(liste, i, zeile)
            if not isinstance(slot, dict):
                self.melde(slot_zeile, "Eine Zeit braucht 'tage', 'von' und 'bis', z. B. "
                           "{tage: [Mo], von: \"09:00\", bis: \"12:00\"}.", pfad)
                fehlerfrei = False
                continue
            gelesen: dict[str, Any] = {}
            for schluessel in slot:
                if schluessel not in ZEIT_FELDER:
                    self.melde(slot.line_of(schluessel),
                               f"Unbekanntes Feld '{schluessel}'."
                               f"{vorschlag(schluessel, ZEIT_FELDER)} Erlaubt sind: "
                               f"{_liste(ZEIT_FELDER)}.", f"{pfad}.{schluessel}")
                    fehlerfrei = False
            for name, leser in (("tage", _tage), ("von", uhrzeit_lesen),
                                ("bis", uhrzeit_lesen)):
                if slot.get(name) is None:
                    self.melde(slot.line_of(name) if name in slot else slot_zeile,
                               f"Die Angabe '{name}' fehlt.", f"{pfad}.{name}")
                    fehlerfrei = False
                    continue
                try:
                    gelesen[name] = leser(slot[name])
                except _Ungueltig as exc:
                    self.melde(slot.line_of(name), str(exc), f"{pfad}.{name}")
                    fehlerfrei = False
            von, bis = gelesen.get("von"), gelesen.get("bis")
            if von is not None and bis is not None:
                if bis <= von:
                    wie = "gleich dem" if bis == von else "vor dem"
                    self.melde(slot.line_of("bis"),
                               f"Das Ende {bis:%H:%M} liegt {wie} Beginn {von:%H:%M}.",
                               f"{pfad}.bis")
                    fehlerfrei = False
                elif "tage" in gelesen:
                    zeiten.extend((Zeit(t, von, bis), slot_zeile) for t in gelesen["tage"])
        if not fehlerfrei:
            return
        zeiten.sort()
        for (a, _), (b, b_zeile) in zip(zeiten, zeiten[1:], strict=False):
            if a.wochentag == b.wochentag and b.von < a.bis:
                self.melde(b_zeile, f"Die Zeiten am {WOCHENTAGE[a.wochentag]} überschneiden "
                           f"sich ({a.von:%H:%M}-{a.bis:%H:%M} und "
                           f"{b.von:%H:%M}-{b.bis:%H:%M}).", "zeiten")
                return
        self.werte["zeiten"] = tuple(z for z, _ in zeiten)


_KEIN_KONTAKT = "Geben Sie mindestens eine Kontaktmöglichkeit an (telefon oder email)."


def _ende_vor_beginn(bis: dt.date, ab: dt.date) -> str:
    return f"Das Ende der Gültigkeit ({bis:%d.%m.%Y}) liegt vor ihrem Beginn ({ab:%d.%m.%Y})."


def zeile_fuer(feld: str, zeilen: Mapping[str, int], ersatz: int) -> int:
    """The line to name for a cross-field error of ``feld``."""
    kandidaten = {
        "buchung": ("buchung", "termin_erforderlich"),
        "kontakt": ("kontakt", "kontakt.telefon", "kontakt.email"),
        "gueltig_bis": ("gueltig_bis", "gueltig_ab"),
    }.get(feld, (feld,))
    return next((zeilen[k] for k in kandidaten if k in zeilen), ersatz)


def endzustand_fehler(werte: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Cross-field problems of an offer's complete field values as ``(feld, meldung)``."""
    fehler = []
    if werte.get("termin_erforderlich") and not werte.get("buchung"):
        fehler.append(("buchung", "Wenn ein Termin erforderlich ist, beschreiben Sie unter "
                       "'buchung', wie man ihn bucht (Telefon, E-Mail oder Online)."))
    if not werte.get("kontakt.telefon") and not werte.get("kontakt.email"):
        fehler.append(("kontakt", _KEIN_KONTAKT))
    ab, bis = werte.get("gueltig_ab"), werte.get("gueltig_bis")
    if ab is not None and bis is not None and bis < ab:
        fehler.append(("gueltig_bis", _ende_vor_beginn(bis, ab)))
    return fehler


def _art(wert: Any) -> str:
    text = str(wert).strip() if isinstance(wert, str) else None
    if text not in ANGEBOTSARTEN:
        raise _Ungueltig(
            f"Unbekannte Angebotsart '{wert}'.{vorschlag(str(wert), ANGEBOTSARTEN)} Erlaubt "
            f"sind: {_liste(ANGEBOTSARTEN)}.")
    return text


def _sprachen(wert: Any) -> tuple[str, ...]:
    if isinstance(wert, str):
        teile: list[Any] = wert.split(",")
    elif isinstance(wert, list):
        teile = [t for w in wert for t in (w.split(",") if isinstance(w, str) else [w])]
    else:
        raise _Ungueltig("Geben Sie die Sprachen als Liste an, z. B. [Deutsch, Englisch].")
    sprachen: list[str] = []
    for teil in teile:
        if not isinstance(teil, str):
            raise _Ungueltig(f"'{teil}' ist keine Sprache.")
        sprache = " ".join(teil.split())
        if not sprache:
            continue
        if len(sprache) > LAENGEN["sprache"] or STEUERZEICHEN.search(sprache):
            raise _Ungueltig(f"'{sprache[:60]}...' ist keine gültige Sprachangabe.")
        if sprache.casefold() not in (s.casefold() for s in sprachen):
            sprachen.append(sprache)
    if not sprachen:
        raise _Ungueltig("Geben Sie mindestens eine Sprache an (z. B. Deutsch).")
    if len(sprachen) > MAX_SPRACHEN:
        raise _Ungueltig(f"Zu viele Sprachen ({len(sprachen)}, höchstens {MAX_SPRACHEN}).")
    if len(", ".join(sprachen)) > LAENGEN["sprachen"]:
        raise _Ungueltig(f"Die Sprachangaben sind zusammen zu lang (höchstens "
                         f"{LAENGEN['sprachen']} Zeichen).")
    return tuple(sprachen)


def _telefon(wert: Any) -> str:
    text = _text(wert, "kontakt.telefon")
    if not _TELEFON.match(text):
        raise _Ungueltig(f"'{text}' ist keine Telefonnummer (Ziffern, Leerzeichen, + - / ( )).")
    return text


def _email(wert: Any) -> str:
    text = _text(wert, "kontakt.email")
    if not _EMAIL.match(text):
        raise _Ungueltig(f"'{text}' ist keine gültige E-Mail-Adresse.")
    return text


def _hat_verweise(text: str) -> bool:
    """True if the YAML uses anchors/aliases (refused: they can blow up on expansion)."""
    try:
        return any(isinstance(e, (yaml.AliasEvent)) or getattr(e, "anchor", None)
                   for e in yaml.parse(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return False  # the parser below reports the syntax error with its line


def lesen_mit_fehlern(
    text: str, dokument: str = "webauftrag.yml", *, erwartete_agentur: str | None = None
) -> tuple[WebauftragDokument | None, list[Fehler]]:
    """Parse and check ``text``; return what could be read and every error found.

    The document is ``None`` when nothing could be read (size, syntax, not a mapping).
    Otherwise it holds the header (empty strings where invalid) and the entries whose
    ``aktion`` and ``id`` are valid, so the store checks can run on them as well. A document
    of another Agentur than ``erwartete_agentur`` yields only that error and no entries.
    """
    s = _Sammler(dokument)
    groesse = len(text.encode("utf-8", errors="replace"))
    if groesse > MAX_BYTES:
        s.melde(None, f"Das Dokument ist zu groß ({groesse // 1024} KiB, höchstens "
                f"{MAX_BYTES // 1024} KiB). Teilen Sie es auf mehrere Webaufträge auf.")
        return None, s.fehler
    if _hat_verweise(text):
        s.melde(None, "Anker und Verweise (& und *) sind in einem Webauftrag nicht erlaubt.")
        return None, s.fehler
    try:
        roh = load_located(text, dokument)
    except YamlSourceError as exc:
        s.melde(exc.line, exc.message)
        return None, s.fehler
    except RecursionError:
        s.melde(None, "Das Dokument ist zu tief verschachtelt.")
        return None, s.fehler
    if roh is None:
        s.melde(None, "Das Dokument ist leer.")
        return None, s.fehler
    if not isinstance(roh, dict):
        s.melde(getattr(roh, "line", 1), "Ein Webauftrag muss eine Zuordnung mit den Feldern "
                f"{_liste(KOPF_FELDER)} sein.")
        return None, s.fehler

    for schluessel in roh:
        if schluessel not in KOPF_FELDER:
            s.melde(roh.line_of(schluessel),
                    f"Unbekanntes Feld '{schluessel}'.{vorschlag(schluessel, KOPF_FELDER)} "
                    f"Erlaubt sind: {_liste(KOPF_FELDER)}.", feld=schluessel)

    def kopf(name: str, leser) -> str:
        wert = roh.get(name)
        if wert is None or (isinstance(wert, str) and not wert.strip()):
            s.melde(roh.line_of(name), f"Das Pflichtfeld '{name}' fehlt oder ist leer.",
                    feld=name)
            return ""
        try:
            return leser(wert)
        except _Ungueltig as exc:
            s.melde(roh.line_of(name), str(exc), feld=name)
            return ""

    nummer = kopf("webauftrag", _nummer)
    agentur_id = kopf("agentur", lambda w: _schluessel(w, "agentur"))
    absender = kopf("absender", lambda w: _text(w, "absender"))
    if fremde_agentur(agentur_id, erwartete_agentur):
        # Rejected at once: no other error, and no store check against the other Agentur.
        fremd = Fehler(dokument, roh.line_of("agentur"), None, "agentur",
                       f"Dieser Webauftrag ist für die Agentur '{agentur_id}', Ihr Zugang gilt "
                       f"aber für die Agentur '{erwartete_agentur}'. Sie können nur Angebote "
                       "Ihrer eigenen Agentur melden.")
        return WebauftragDokument(dokument=dokument, nummer=nummer, agentur_id=agentur_id,
                                  absender=absender, eintraege=()), [fremd]

    eintraege: list[AngebotEintrag] = []
    angebote = roh.get("angebote")
    zeile = roh.line_of("angebote")
    if "angebote" not in roh or angebote is None:
        s.melde(zeile, "Das Pflichtfeld 'angebote' fehlt oder ist leer.", feld="angebote")
    elif not isinstance(angebote, list):
        s.melde(zeile, "'angebote' muss eine Liste von Einträgen sein (jeder beginnt mit "
                "'- aktion: ...').", feld="angebote")
    elif not angebote:
        s.melde(zeile, "Die Liste 'angebote' ist leer: Geben Sie mindestens einen Eintrag an.",
                feld="angebote")
    elif len(angebote) > MAX_ANGEBOTE:
        s.melde(zeile, f"Zu viele Einträge ({len(angebote)}, höchstens {MAX_ANGEBOTE}). "
                "Teilen Sie den Webauftrag auf.", feld="angebote")
    else:
        gesehen: dict[str, tuple[int, int]] = {}
        for i, roh_eintrag in enumerate(angebote):
            eintrag_zeile = angebote.line_of(i)
            if not isinstance(roh_eintrag, dict):
                s.melde(eintrag_zeile, "Ein Eintrag muss eine Zuordnung mit 'aktion', 'id' "
                        "und den Angaben zum Angebot sein.", eintrag=f"Eintrag {i + 1}")
                continue
            gelesen = _EintragLeser(s, roh_eintrag, i + 1, eintrag_zeile).lesen(gesehen)
            if gelesen is not None:
                eintraege.append(gelesen)
    zeilen = {k: roh.line_of(k) for k in roh}
    return WebauftragDokument(dokument=dokument, nummer=nummer, agentur_id=agentur_id,
                              absender=absender, eintraege=tuple(eintraege),
                              zeilen=zeilen), sorted(s.fehler, key=_nach_zeile)


def _nach_zeile(f: Fehler) -> int:
    return f.zeile or 0


def _nummer(wert: Any) -> str:
    text = _text(wert, "webauftrag")
    if not _NUMMER.match(text):
        raise _Ungueltig(
            f"'{text}' ist keine gültige Webauftragsnummer: höchstens 50 Zeichen aus "
            "Buchstaben, Ziffern und . _ / - (z. B. WA-NBG-2026-0042).")
    return text


def lesen(
    text: str, dokument: str = "webauftrag.yml", *, erwartete_agentur: str | None = None
) -> WebauftragDokument:
    """Parse and check ``text`` (without the store); raise :class:`WebauftragUngueltig`."""
    gelesen, fehler = lesen_mit_fehlern(text, dokument, erwartete_agentur=erwartete_agentur)
    if fehler or gelesen is None:
        raise ablehnung(gelesen, fehler, erwartete_agentur=erwartete_agentur)
    return gelesen
