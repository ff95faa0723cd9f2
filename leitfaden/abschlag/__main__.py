"""Command line of the SOC-L work queue: ``python -m leitfaden.abschlag BEFEHL ...``.

Befehle: ``warteschlange`` (offene Anträge), ``genehmigen VORGANG --login L``,
``ablehnen VORGANG --login L --grund TEXT``, ``sepa --ausgabe DATEI`` (SEPA-Datei der noch
nicht exportierten Überweisungen; ``--export N`` schreibt eine frühere Datei erneut) und
``zahlungen [--kunde K]``. The store is migrated first.

Exit codes: 0 done, 1 refused (no permission, rules no longer allow it, wrong input,
SEPA file not possible), 2 wrong arguments, 3 already decided, 4 unknown Vorgang or export.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from sqlalchemy.engine import Engine

from leitfaden.abschlag.ledger import AbschlagFehler, Ueberweisung, iban_maskiert, zahlungen
from leitfaden.abschlag.sepa import SepaDatei, exportnummer, sepa_datei, sepa_exportieren
from leitfaden.abschlag.warteschlange import (
    AntragBereitsEntschieden,
    AntragNichtMehrMoeglich,
    AntragUnbekannt,
    ablehnen,
    genehmigen,
    offene_antraege,
)
from leitfaden.mitarbeiter import mitarbeiter
from leitfaden.nlp.normalise import format_euro
from leitfaden.store.db import auf_migrierter_datenbank
from leitfaden.store.records import HAERTEGRUENDE
from leitfaden.texte import zeitpunkt_text

OK, ABGELEHNT, ARGUMENTE, ENTSCHIEDEN, UNBEKANNT = 0, 1, 2, 3, 4
AKTEUR = "system:cli"
#: Roles that may export SEPA files.
SEPA_ROLLEN = frozenset({"socl", "admin"})


def _fehler(text: str) -> None:
    print(text, file=sys.stderr)


def _ueberweisung_text(u: Ueberweisung) -> str:
    return (f"{u.betrag_text} auf das Konto {u.iban_maskiert}, Bestätigungsnummer "
            f"{u.bestaetigungsnummer}. Gutschrift voraussichtlich {u.gutschrift_text}.")


def _warteschlange(engine: Engine, args: argparse.Namespace) -> int:
    liste = offene_antraege(engine)
    if not liste:
        print("Keine offenen Abschlagsanträge.")
        return OK
    print(f"Offene Abschlagsanträge ({len(liste)}):")
    for a in liste:
        grund = HAERTEGRUENDE.get(a.haertegrund, a.haertegrund)
        zusatz = f": {a.haertegrund_text}" if a.haertegrund_text else ""
        print(f"  {a.vorgangsnummer}  {zeitpunkt_text(a.erstellt_am)}  {a.kundennummer}  "
              f"{a.betrag_text}  Monat {a.monat}  Härte: {grund}{zusatz}")
    return OK


def _genehmigen(engine: Engine, args: argparse.Namespace) -> int:
    try:
        ergebnis = genehmigen(engine, args.vorgang, args.login)
    except AntragUnbekannt as exc:
        _fehler(str(exc))
        return UNBEKANNT
    except AntragBereitsEntschieden as exc:
        _fehler(str(exc))
        return ENTSCHIEDEN
    except AntragNichtMehrMoeglich as exc:
        _fehler(str(exc))
        for g in exc.gruende:
            if g.alternative:
                _fehler(f"  Stattdessen: {g.alternative}")
        return ABGELEHNT
    except AbschlagFehler as exc:
        _fehler(str(exc))
        return ABGELEHNT
    vorgang = args.vorgang.strip().upper()
    if not ergebnis.neu:
        _fehler(f"Der Antrag {vorgang} wurde bereits genehmigt; es wurde nichts erneut "
                f"überwiesen. {_ueberweisung_text(ergebnis)}")
        return ENTSCHIEDEN
    print(f"Antrag {vorgang} genehmigt. Überwiesen: {_ueberweisung_text(ergebnis)}")
    return OK


def _ablehnen(engine: Engine, args: argparse.Namespace) -> int:
    try:
        a = ablehnen(engine, args.vorgang, args.login, args.grund)
    except AntragUnbekannt as exc:
        _fehler(str(exc))
        return UNBEKANNT
    except AntragBereitsEntschieden as exc:
        _fehler(str(exc))
        return ENTSCHIEDEN
    except AbschlagFehler as exc:
        _fehler(str(exc))
        return ABGELEHNT
    print(f"Antrag {a.vorgangsnummer} abgelehnt. Grund: {a.ablehnungsgrund}")
    return OK


def _schreiben(ziel: str, daten: bytes) -> None:
    """Write ``daten`` to ``ziel`` (``-``: standard output) via a temporary file."""
    if ziel == "-":
        sys.stdout.buffer.write(daten)
        sys.stdout.flush()
        return
    pfad = Path(ziel)
    fd, tmp = tempfile.mkstemp(prefix=".sepa-", suffix=".xml", dir=pfad.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(daten)
        os.replace(tmp, pfad)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sepa(engine: Engine, args: argparse.Namespace) -> int:
    akteur = AKTEUR
    if args.login:
        m = mitarbeiter(engine, args.login)
        if m is None or not m.aktiv or m.rolle not in SEPA_ROLLEN:
            _fehler(f"Das Konto „{args.login}“ darf keine SEPA-Dateien erzeugen "
                    "(nur SOC-L und Administration).")
            return ABGELEHNT
        akteur = m.login
    if args.ausgabe != "-":
        verzeichnis = Path(args.ausgabe).parent
        if not verzeichnis.is_dir() or not os.access(verzeichnis, os.W_OK):
            _fehler(f"{args.ausgabe}: In das Verzeichnis kann nicht geschrieben werden.")
            return ABGELEHNT
    datei: SepaDatei | None
    try:
        if args.export is not None:
            datei = sepa_datei(engine, args.export)
            if datei is None:
                _fehler(f"Eine SEPA-Datei {exportnummer(args.export)} gibt es nicht.")
                return UNBEKANNT
        else:
            datei = sepa_exportieren(engine, akteur=akteur)
    except AbschlagFehler as exc:
        _fehler(str(exc))
        return ABGELEHNT
    if datei is None:
        print("Keine neuen Überweisungen: Es wurde keine SEPA-Datei erzeugt.")
        return OK
    try:
        _schreiben(args.ausgabe, datei.xml)
    except OSError as exc:
        _fehler(f"{args.ausgabe}: Die Datei ließ sich nicht schreiben ({exc.strerror}). Die "
                f"Überweisungen sind als {datei.nummer} exportiert; schreiben Sie die Datei "
                f"erneut mit: sepa --export {datei.export_id} --ausgabe DATEI")
        return ABGELEHNT
    ziel = "die Standardausgabe" if args.ausgabe == "-" else args.ausgabe
    print(f"SEPA-Datei {datei.nummer}: {datei.anzahl} Überweisung(en) über "
          f"{format_euro(datei.summe)}, Ausführung am {datei.ausfuehrung_am:%d.%m.%Y}, "
          f"geschrieben nach {ziel}.", file=sys.stderr if args.ausgabe == "-" else sys.stdout)
    return OK


def _zahlungen(engine: Engine, args: argparse.Namespace) -> int:
    liste = zahlungen(engine, kundennummer=args.kunde)
    if not liste:
        print("Keine Zahlungen gefunden.")
        return OK
    for z in liste:
        teile = [z.bestaetigungsnummer or z.referenz, f"{z.datum:%d.%m.%Y}", z.art,
                 format_euro(z.betrag), z.status, z.kundennummer]
        if z.monat:
            teile.append(f"Monat {z.monat}")
        if z.iban:
            teile.append(iban_maskiert(z.iban))
        if z.angewiesen_von:
            teile.append(f"von {z.angewiesen_von}")
        if z.sepa_export_id is not None:
            teile.append(exportnummer(z.sepa_export_id))
        print("  ".join(teile))
    return OK


def _vorgang(text: str) -> str:
    return text.strip().upper()


def parser() -> argparse.ArgumentParser:
    """The argument parser (German help)."""
    p = argparse.ArgumentParser(
        prog="python -m leitfaden.abschlag",
        description="Abschlagszahlungen: Warteschlange des SOC-L, Entscheidungen, SEPA-Datei.")
    p.add_argument("--url", help="Datenbank-URL (Standard: LEITFADEN_DATABASE_URL oder "
                                 "var/leitfaden.db)")
    befehle = p.add_subparsers(dest="befehl", required=True, metavar="BEFEHL")

    befehle.add_parser("warteschlange", help="offene Abschlagsanträge auflisten")

    g = befehle.add_parser("genehmigen", help="Antrag genehmigen und den Abschlag überweisen")
    g.add_argument("vorgang", metavar="VORGANG", type=_vorgang, help="z. B. VG-2026-000042")
    g.add_argument("--login", required=True, help="Ihr Konto (nur SOC-L)")

    a = befehle.add_parser("ablehnen", help="Antrag mit Begründung ablehnen")
    a.add_argument("vorgang", metavar="VORGANG", type=_vorgang)
    a.add_argument("--login", required=True, help="Ihr Konto (nur SOC-L)")
    a.add_argument("--grund", required=True, help="Begründung der Ablehnung")

    s = befehle.add_parser("sepa", help="SEPA-Datei (pain.001) der neuen Überweisungen")
    s.add_argument("--ausgabe", required=True, metavar="DATEI",
                   help="Zieldatei (- für die Standardausgabe)")
    s.add_argument("--login", help="Ihr Konto (SOC-L oder Administration) für das Protokoll")
    s.add_argument("--export", type=int, metavar="N",
                   help="eine frühere SEPA-Datei (Nummer N) erneut schreiben")

    z = befehle.add_parser("zahlungen", help="Zahlungen auflisten, neueste zuerst")
    z.add_argument("--kunde", metavar="KUNDENNUMMER", help="nur Zahlungen dieser Kundennummer")
    return p


BEFEHLE = {
    "warteschlange": _warteschlange,
    "genehmigen": _genehmigen,
    "ablehnen": _ablehnen,
    "sepa": _sepa,
    "zahlungen": _zahlungen,
}


def main(argv: list[str] | None = None) -> int:
    """Run one command (after migrating the store); return the exit code."""
    args = parser().parse_args(argv)
    return auf_migrierter_datenbank(args.url, lambda engine: BEFEHLE[args.befehl](engine, args))


if __name__ == "__main__":
    sys.exit(main())
