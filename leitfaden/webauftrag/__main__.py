"""Command line of the Webauftrag intake: ``python -m leitfaden.webauftrag BEFEHL ...``.

Exit codes: 0 done, 1 other error (unknown Agentur or token), 2 Webauftrag invalid (also:
another Agentur's, file unreadable, wrong arguments), 3 number already used for a different
content. A token is never taken from the command line (shell history, process list): it is
printed once by ``token`` and read from standard input by ``token-pruefen`` and
``token-widerrufen -``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import Engine

from leitfaden.store.db import auf_migrierter_datenbank
from leitfaden.store.tokens import token_nummer, widerruf_schluessel
from leitfaden.texte import zeitpunkt_text
from leitfaden.webauftrag.dokument import WebauftragUngueltig
from leitfaden.webauftrag.eingang import (
    STATUS_BEREITS_ANGEWENDET,
    STATUS_GEPRUEFT,
    Ergebnis,
    WebauftragKonflikt,
    agentur_fuer_token,
    einreichen,
    felder_text,
    pruefen,
    token_erzeugen_mit_id,
    token_widerrufen,
    tokens,
    verlauf,
)

OK, FEHLER, UNGUELTIG, KONFLIKT = 0, 1, 2, 3
AKTIONEN_TEXT = {"neu": "neu", "aendern": "geändert", "beenden": "beendet"}
AKTEUR = "system:cli"


class _DateiFehler(Exception):
    """The document could not be read."""


def _lesen(datei: str) -> tuple[str, str]:
    """Text and display name of ``datei`` (``-``: standard input)."""
    if datei == "-":
        return sys.stdin.read(), "<stdin>"
    pfad = Path(datei)
    try:
        return pfad.read_text(encoding="utf-8"), datei
    except FileNotFoundError:
        raise _DateiFehler(f"{datei}: Die Datei gibt es nicht.") from None
    except UnicodeDecodeError:
        raise _DateiFehler(f"{datei}: Die Datei ist nicht UTF-8-kodiert.") from None
    except OSError as exc:
        raise _DateiFehler(f"{datei}: Die Datei lässt sich nicht lesen ({exc.strerror}).") \
            from None


def _eingerueckt(zeile: str) -> str:
    return "    " + zeile.rstrip().replace("\n", "\n      ")


def _ergebnis_ausgeben(ergebnis: Ergebnis) -> None:
    kopf = {
        STATUS_GEPRUEFT: "ist gültig (geprüft, nichts gespeichert)",
        STATUS_BEREITS_ANGEWENDET: "wurde bereits angewendet; nichts geändert",
    }.get(ergebnis.status, "wurde angewendet")
    print(f"Webauftrag {ergebnis.nummer} der Agentur {ergebnis.agentur_id} "
          f"({ergebnis.absender}) {kopf}.")
    if ergebnis.eingegangen_am is not None:
        print(f"Eingegangen am {zeitpunkt_text(ergebnis.eingegangen_am)}.")
    vorhaben = "Geplante Änderungen" if ergebnis.status == STATUS_GEPRUEFT else "Änderungen"
    print(f"{vorhaben} ({len(ergebnis.aenderungen)}):")
    for a in ergebnis.aenderungen:
        print(f"  {a.angebot_id}: {AKTIONEN_TEXT.get(a.aktion, a.aktion)}")
        zeilen = felder_text(a.felder) or ["keine Feldänderung"]
        for zeile in zeilen:
            print(_eingerueckt(zeile))


def _einreichen_oder_pruefen(engine: Engine, args: argparse.Namespace) -> int:
    try:
        text, name = _lesen(args.datei)
    except _DateiFehler as exc:
        print(exc, file=sys.stderr)
        return UNGUELTIG
    try:
        if args.befehl == "einreichen":
            ergebnis = einreichen(engine, text, dokument=name, absender_kanal="cli",
                                  erwartete_agentur=args.agentur)
        else:
            ergebnis = pruefen(engine, text, dokument=name, erwartete_agentur=args.agentur)
    except WebauftragUngueltig as exc:
        for fehler in exc.fehler:
            print(fehler, file=sys.stderr)
        anzahl = len(exc.fehler)
        print(f"Der Webauftrag wurde abgelehnt ({anzahl} Fehler); es wurde nichts geändert.",
              file=sys.stderr)
        return UNGUELTIG
    except WebauftragKonflikt as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return KONFLIKT
    _ergebnis_ausgeben(ergebnis)
    return OK


def _verlauf(engine: Engine, args: argparse.Namespace) -> int:
    eintraege = verlauf(engine, agentur_id=args.agentur, angebot_id=args.angebot,
                        limit=args.limit)
    if not eintraege:
        print("Keine Webaufträge gespeichert.")
        return OK
    for w in eintraege:
        print(f"{zeitpunkt_text(w.eingegangen_am)}  {w.agentur_id}  {w.nummer}  "
              f"({w.absender}, über {w.kanal})")
        for a in w.aenderungen:
            print(f"  {a.angebot_id}: {AKTIONEN_TEXT.get(a.aktion, a.aktion)}")
            for zeile in felder_text(a.felder):
                print(_eingerueckt(zeile))
    return OK


def _token(engine: Engine, args: argparse.Namespace) -> int:
    try:
        neu = token_erzeugen_mit_id(engine, args.agentur, args.bezeichnung, akteur=AKTEUR)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return FEHLER
    print(neu.token)
    print(f"Token Nr. {neu.id} für die Agentur {neu.agentur_id} erzeugt. Er wird nur jetzt "
          "angezeigt; bewahren Sie ihn sicher auf.", file=sys.stderr)
    return OK


def _token_widerrufen(engine: Engine, args: argparse.Namespace) -> int:
    schluessel = widerruf_schluessel(args.id)
    if schluessel is None:
        print("Es wurde kein Token von der Standardeingabe gelesen.", file=sys.stderr)
        return FEHLER
    try:
        record = token_widerrufen(engine, schluessel, akteur=AKTEUR)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return FEHLER
    assert record.widerrufen_am is not None
    print(f"Token Nr. {record.id} der Agentur {record.agentur_id} ist widerrufen "
          f"(seit {zeitpunkt_text(record.widerrufen_am)}).")
    return OK


def _tokens(engine: Engine, args: argparse.Namespace) -> int:
    liste = tokens(engine, args.agentur)
    if not liste:
        print("Keine Tokens vorhanden.")
    for t in liste:
        status = "aktiv" if t.aktiv else f"widerrufen am {zeitpunkt_text(t.widerrufen_am)}"
        print(f"Nr. {t.id}  {t.agentur_id}  {t.bezeichnung or '-'}  erstellt am "
              f"{zeitpunkt_text(t.erstellt_am)}  {status}")
    return OK


def _token_pruefen(engine: Engine, args: argparse.Namespace) -> int:
    agentur = agentur_fuer_token(engine, sys.stdin.readline().strip())
    if agentur is None:
        print("Der Token ist ungültig oder widerrufen.", file=sys.stderr)
        return FEHLER
    print(agentur)
    return OK


def _anzahl(text: str) -> int:
    """``--limit``: a whole number from 1 (argparse reports anything else)."""
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' ist keine ganze Zahl ab 1")
    return int(text)


def parser() -> argparse.ArgumentParser:
    """The argument parser (German help)."""
    p = argparse.ArgumentParser(
        prog="python -m leitfaden.webauftrag",
        description="Webaufträge der Agenturen prüfen, einreichen und nachverfolgen.")
    p.add_argument("--url", help="Datenbank-URL (Standard: LEITFADEN_DATABASE_URL oder "
                                 "var/leitfaden.db)")
    befehle = p.add_subparsers(dest="befehl", required=True, metavar="BEFEHL")

    e = befehle.add_parser("einreichen", help="Webauftrag prüfen und anwenden")
    e.add_argument("datei", metavar="DATEI", help="YAML- oder JSON-Datei (- für stdin)")
    e.add_argument("--agentur", help="nur annehmen, wenn der Webauftrag für diese Agentur ist")

    pr = befehle.add_parser("pruefen", help="Webauftrag nur prüfen (nichts speichern)")
    pr.add_argument("datei", metavar="DATEI", help="YAML- oder JSON-Datei (- für stdin)")
    pr.add_argument("--agentur", help="nur gültig, wenn der Webauftrag für diese Agentur ist")

    v = befehle.add_parser("verlauf", help="gespeicherte Webaufträge, neueste zuerst")
    v.add_argument("--agentur", help="nur Webaufträge dieser Agentur")
    v.add_argument("--angebot", help="nur Änderungen an diesem Angebot (ID)")
    v.add_argument("--limit", type=_anzahl, default=100,
                   help="höchstens so viele (ab 1, Standard 100)")

    t = befehle.add_parser("token", help="neuen API-Token für eine Agentur erzeugen")
    t.add_argument("agentur", metavar="AGENTUR")
    t.add_argument("--bezeichnung", default="", help="wofür der Token ist (z. B. Fachverfahren)")

    w = befehle.add_parser("token-widerrufen", help="API-Token widerrufen")
    w.add_argument("id", metavar="NUMMER", type=token_nummer,
                   help="Nummer des Tokens (siehe 'tokens') oder - (Token von stdin lesen)")

    ts = befehle.add_parser("tokens", help="API-Tokens auflisten (ohne ihren Wert)")
    ts.add_argument("--agentur", help="nur Tokens dieser Agentur")

    befehle.add_parser("token-pruefen",
                       help="Token von stdin lesen und seine Agentur ausgeben")
    return p


BEFEHLE = {
    "einreichen": _einreichen_oder_pruefen,
    "pruefen": _einreichen_oder_pruefen,
    "verlauf": _verlauf,
    "token": _token,
    "token-widerrufen": _token_widerrufen,
    "tokens": _tokens,
    "token-pruefen": _token_pruefen,
}


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit code."""
    args = parser().parse_args(argv)
    return auf_migrierter_datenbank(args.url, lambda engine: BEFEHLE[args.befehl](engine, args))


if __name__ == "__main__":
    sys.exit(main())
