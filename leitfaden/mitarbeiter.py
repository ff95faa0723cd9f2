"""Employees (Mitarbeiterinnen und Mitarbeiter) and their API tokens for the agent channel.

A token is created once (``secrets.token_urlsafe(32)``) and only its SHA-256 is stored; it is
valid while it is not revoked and its employee is active. The agent channel puts the employee
into the message metadata (``{"mitarbeiter": {...}}``); :func:`mitarbeiter_aus_metadaten`
reads it back in the actions. No Rasa imports here.

Command line: ``python -m leitfaden.mitarbeiter token LOGIN`` prints a new token (only the
token on stdout); ``tokens``, ``token-widerrufen NUMMER|-`` and ``token-pruefen`` (token from
stdin) manage them. A token is never taken from the command line. Accounts of the web app
(:mod:`leitfaden.anmeldung`): ``konto-anlegen LOGIN --name NAME --rolle ROLLE``,
``passwort LOGIN`` (the new password from stdin, never from the command line),
``konto-deaktivieren LOGIN`` (ends its sessions, revokes its tokens), ``konto-aktivieren``.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from leitfaden import clock
from leitfaden.store import tokens as tokens_store
from leitfaden.store.db import (
    auf_migrierter_datenbank,
    session_scope,
)
from leitfaden.store.demo import MITARBEITER as DEMO_MITARBEITER
from leitfaden.store.demo import demo_mitarbeiter_laden
from leitfaden.store.models import (
    MITARBEITER_ROLLEN,
    Mitarbeiter,
    MitarbeiterToken,
    utc_aware,
    utc_naiv,
)
from leitfaden.store.repository import audit_schreiben
from leitfaden.store.tokens import token_hash, token_nummer, widerruf_schluessel
from leitfaden.texte import zeitpunkt_text

#: Key of the employee in the message metadata of the agent channel.
METADATEN_SCHLUESSEL = "mitarbeiter"

#: Roles that may transfer a call or decide an Abschlag (SOC-L).
UEBERWEISENDE_ROLLEN = frozenset({"socl"})

#: Longest token accepted for a look-up (``token_urlsafe(32)`` gives 43 characters).
MAX_TOKEN_LAENGE = 512


@dataclass(frozen=True)
class MitarbeiterRecord:
    """An employee as the channel and the actions see it."""

    login: str
    name: str
    rolle: str
    aktiv: bool = True

    @property
    def darf_ueberweisen(self) -> bool:
        """Only SOC-L employees may transfer (and decide an Abschlag)."""
        return self.rolle in UEBERWEISENDE_ROLLEN

    def als_metadaten(self, sender_id: str | None = None) -> dict[str, Any]:
        """The value the agent channel puts under ``metadata["mitarbeiter"]``.

        With ``sender_id`` and a configured secret (:data:`GEHEIMNIS_ENV`) it carries a
        signature binding login and role to that conversation; the actions trust nothing
        else (a customer channel could otherwise send the same metadata).
        """
        daten: dict[str, Any] = {"login": self.login, "name": self.name, "rolle": self.rolle,
                                 "darf_ueberweisen": self.darf_ueberweisen}
        geheimnis = agent_geheimnis()
        if sender_id is not None and geheimnis is not None:
            daten["signatur"] = signatur(self.login, self.rolle, sender_id, geheimnis)
        return daten


@dataclass(frozen=True)
class NeuerToken:
    """A freshly created token: its number and value (shown once)."""

    id: int
    login: str
    token: str


@dataclass(frozen=True)
class TokenRecord:
    """A stored token without its value."""

    id: int
    login: str
    bezeichnung: str
    erstellt_am: Any
    widerrufen_am: Any

    @property
    def aktiv(self) -> bool:
        """Not revoked (the employee may still be inactive)."""
        return self.widerrufen_am is None


def _record(m: Mitarbeiter) -> MitarbeiterRecord:
    return MitarbeiterRecord(login=m.login, name=m.name, rolle=m.rolle, aktiv=bool(m.aktiv))


def _token_record(t: MitarbeiterToken) -> TokenRecord:
    return TokenRecord(id=t.id, login=t.login, bezeichnung=t.bezeichnung,
                       erstellt_am=utc_aware(t.erstellt_am),
                       widerrufen_am=utc_aware(t.widerrufen_am))


def mitarbeiter(engine: Engine, login: str) -> MitarbeiterRecord | None:
    """The employee with this login (active or not), else ``None``."""
    with session_scope(engine) as s:
        m = s.get(Mitarbeiter, login)
        return _record(m) if m is not None else None


def token_erzeugen_mit_id(
    engine: Engine, login: str, bezeichnung: str = "", *, akteur: str = "system"
) -> NeuerToken:
    """Create a token for an active employee: its number and value (shown once).

    Raises ``ValueError`` for an unknown or inactive employee or a too long label.
    """
    bezeichnung = " ".join((bezeichnung or "").split())
    if len(bezeichnung) > 200:
        raise ValueError("Die Bezeichnung ist zu lang (höchstens 200 Zeichen).")
    token = secrets.token_urlsafe(32)
    with session_scope(engine) as s:
        m = s.get(Mitarbeiter, login)
        if m is None:
            raise ValueError(f"Das Konto '{login}' gibt es nicht.")
        if not m.aktiv:
            raise ValueError(f"Das Konto '{login}' ist deaktiviert.")
        zeile = MitarbeiterToken(login=login, token_hash=token_hash(token),
                                 bezeichnung=bezeichnung, erstellt_am=utc_naiv(clock.now()))
        s.add(zeile)
        s.flush()
        audit_schreiben(s, akteur=akteur, aktion="mitarbeiter_token_erzeugt",
                        objekt_typ="MitarbeiterToken", objekt_id=str(zeile.id),
                        details={"login": login, "bezeichnung": bezeichnung})
        return NeuerToken(id=zeile.id, login=login, token=token)


def token_erzeugen(
    engine: Engine, login: str, bezeichnung: str = "", *, akteur: str = "system"
) -> str:
    """Create a token for the employee and return it (only its hash is kept)."""
    return token_erzeugen_mit_id(engine, login, bezeichnung, akteur=akteur).token


def mitarbeiter_fuer_token(engine: Engine, token: str | None) -> MitarbeiterRecord | None:
    """The active employee of a valid (not revoked) token, else ``None``."""
    if not token or not isinstance(token, str) or len(token) > MAX_TOKEN_LAENGE:
        return None
    with session_scope(engine) as s:
        m = s.scalars(
            select(Mitarbeiter).join(MitarbeiterToken).where(
                MitarbeiterToken.token_hash == token_hash(token.strip()),
                MitarbeiterToken.widerrufen_am.is_(None),
                Mitarbeiter.aktiv.is_(True),
            )
        ).first()
        return _record(m) if m is not None else None


def token_widerrufen(
    engine: Engine, token_or_id: str | int, *, akteur: str = "system"
) -> TokenRecord:
    """Revoke a token given by its number or the token itself (again: no change).

    Raises ``ValueError`` if there is no such token.
    """
    with session_scope(engine) as s:
        zeile = tokens_store.widerrufen(
            s, MitarbeiterToken, token_or_id, akteur=akteur, aktion="mitarbeiter_token_widerrufen",
            details=lambda z: {"login": z.login, "bezeichnung": z.bezeichnung})
        return _token_record(zeile)


def tokens(engine: Engine, login: str | None = None) -> list[TokenRecord]:
    """The tokens (without their value), newest first, optionally of one employee."""
    stmt = select(MitarbeiterToken).order_by(MitarbeiterToken.id.desc())
    if login is not None:
        stmt = stmt.where(MitarbeiterToken.login == login)
    with session_scope(engine) as s:
        return [_token_record(t) for t in s.scalars(stmt)]


#: Secret shared by the agent channel (Rasa server) and the action server; ``make run`` and
#: ``leitfaden.servers`` set a random one when none is configured.
GEHEIMNIS_ENV = "LEITFADEN_AGENT_GEHEIMNIS"


def agent_geheimnis() -> bytes | None:
    """The shared secret for signing employee metadata, ``None`` if not configured."""
    wert = os.environ.get(GEHEIMNIS_ENV, "").strip()
    return wert.encode() if wert else None


def signatur(login: str, rolle: str, sender_id: str, geheimnis: bytes) -> str:
    """HMAC-SHA256 over login, role and conversation."""
    nachricht = "\x1f".join((login, rolle, sender_id)).encode()
    return hmac.new(geheimnis, nachricht, hashlib.sha256).hexdigest()


def mitarbeiter_aus_metadaten(metadata: Mapping[str, Any] | None,
                              sender_id: str | None = None) -> MitarbeiterRecord | None:
    """The employee the agent channel put into a message's metadata, else ``None``.

    Only with a valid signature for ``sender_id`` (see :meth:`MitarbeiterRecord.als_metadaten`):
    without a configured secret nobody is trusted. ``darf_ueberweisen`` follows from the
    role, never from the metadata's flag.
    """
    if not isinstance(metadata, Mapping):
        return None
    daten = metadata.get(METADATEN_SCHLUESSEL)
    if not isinstance(daten, Mapping):
        return None
    login, name, rolle = daten.get("login"), daten.get("name"), daten.get("rolle")
    if not (isinstance(login, str) and login and isinstance(name, str)
            and rolle in MITARBEITER_ROLLEN):
        return None
    geheimnis = agent_geheimnis()
    gezeichnet = daten.get("signatur")
    if geheimnis is None or sender_id is None or not isinstance(gezeichnet, str):
        return None
    if not hmac.compare_digest(gezeichnet, signatur(login, rolle, sender_id, geheimnis)):
        return None
    return MitarbeiterRecord(login=login, name=name, rolle=rolle, aktiv=True)


# --- command line ---------------------------------------------------------------------------

OK, FEHLER = 0, 1
AKTEUR = "system:cli"


def _token(engine: Engine, args: argparse.Namespace) -> int:
    if args.login in {m[0] for m in DEMO_MITARBEITER} and mitarbeiter(engine, args.login) is None:
        demo_mitarbeiter_laden(engine)  # a demo login before ``make db``
    try:
        neu = token_erzeugen_mit_id(engine, args.login, args.bezeichnung, akteur=AKTEUR)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return FEHLER
    print(neu.token)
    print(f"Token Nr. {neu.id} für {neu.login} erzeugt. Er wird nur jetzt angezeigt; "
          "bewahren Sie ihn sicher auf.", file=sys.stderr)
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
    print(f"Token Nr. {record.id} von {record.login} ist widerrufen "
          f"(seit {zeitpunkt_text(record.widerrufen_am)}).")
    return OK


def _tokens(engine: Engine, args: argparse.Namespace) -> int:
    liste = tokens(engine, args.login)
    if not liste:
        print("Keine Tokens vorhanden.")
    for t in liste:
        status = "aktiv" if t.aktiv else f"widerrufen am {zeitpunkt_text(t.widerrufen_am)}"
        print(f"Nr. {t.id}  {t.login}  {t.bezeichnung or '-'}  erstellt am "
              f"{zeitpunkt_text(t.erstellt_am)}  {status}")
    return OK


def _token_pruefen(engine: Engine, args: argparse.Namespace) -> int:
    record = mitarbeiter_fuer_token(engine, sys.stdin.readline().strip())
    if record is None:
        print("Der Token ist ungültig oder widerrufen, oder das Konto ist deaktiviert.",
              file=sys.stderr)
        return FEHLER
    print(f"{record.login} ({record.name}, Rolle {record.rolle})")
    return OK


def _konto_anlegen(engine: Engine, args: argparse.Namespace) -> int:
    from leitfaden.anmeldung import konto_anlegen  # leitfaden.anmeldung imports this module

    try:
        record = konto_anlegen(engine, args.login, args.name, args.rolle, akteur=AKTEUR)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return FEHLER
    print(f"Konto {record.login} ({record.name}, Rolle {record.rolle}) angelegt. Ein Passwort "
          f"setzen Sie mit: python -m leitfaden.mitarbeiter passwort {record.login}")
    return OK


def _passwort_lesen() -> str | None:
    """The new password: asked twice on a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        erstes = getpass.getpass("Neues Passwort: ")
        if getpass.getpass("Passwort wiederholen: ") != erstes:
            print("Die beiden Eingaben stimmen nicht überein.", file=sys.stderr)
            return None
        return erstes
    zeile = sys.stdin.readline().rstrip("\r\n")
    if not zeile:
        print("Es wurde kein Passwort von der Standardeingabe gelesen.", file=sys.stderr)
        return None
    return zeile


def _passwort(engine: Engine, args: argparse.Namespace) -> int:
    from leitfaden.anmeldung import PasswortUngueltig, passwort_setzen

    if mitarbeiter(engine, args.login) is None:
        print(f"Das Konto '{args.login}' gibt es nicht.", file=sys.stderr)
        return FEHLER
    passwort = _passwort_lesen()
    if passwort is None:
        return FEHLER
    try:
        passwort_setzen(engine, args.login, passwort, akteur=AKTEUR)
    except (PasswortUngueltig, ValueError) as exc:
        print(exc, file=sys.stderr)
        return FEHLER
    print(f"Das Passwort von {args.login} ist gesetzt; offene Sitzungen des Kontos sind beendet.")
    return OK


def _konto_deaktivieren(engine: Engine, args: argparse.Namespace) -> int:
    from leitfaden.anmeldung import konto_deaktivieren

    try:
        ergebnis = konto_deaktivieren(engine, args.login, akteur=AKTEUR)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return FEHLER
    print(f"Konto {ergebnis.login} ist deaktiviert ({ergebnis.sitzungen} Sitzung(en) beendet, "
          f"{ergebnis.tokens} Token(s) widerrufen).")
    return OK


def _konto_aktivieren(engine: Engine, args: argparse.Namespace) -> int:
    from leitfaden.anmeldung import konto_aktivieren

    try:
        konto_aktivieren(engine, args.login, akteur=AKTEUR)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return FEHLER
    print(f"Konto {args.login} ist wieder aktiv (widerrufene Tokens bleiben widerrufen).")
    return OK


def parser() -> argparse.ArgumentParser:
    """The argument parser (German help)."""
    p = argparse.ArgumentParser(
        prog="python -m leitfaden.mitarbeiter",
        description="Konten der Mitarbeiterinnen und Mitarbeiter: Anmeldung an der "
                    "Webanwendung und API-Tokens für den Agent-Kanal.")
    p.add_argument("--url", help="Datenbank-URL (Standard: LEITFADEN_DATABASE_URL oder "
                                 "var/leitfaden.db)")
    befehle = p.add_subparsers(dest="befehl", required=True, metavar="BEFEHL")

    t = befehle.add_parser("token", help="neuen API-Token erzeugen (nur er steht auf stdout)")
    t.add_argument("login", metavar="LOGIN")
    t.add_argument("--bezeichnung", default="", help="wofür der Token ist (z. B. Arbeitsplatz)")

    w = befehle.add_parser("token-widerrufen", help="API-Token widerrufen")
    w.add_argument("id", metavar="NUMMER", type=token_nummer,
                   help="Nummer des Tokens (siehe 'tokens') oder - (Token von stdin lesen)")

    ts = befehle.add_parser("tokens", help="API-Tokens auflisten (ohne ihren Wert)")
    ts.add_argument("--login", help="nur Tokens dieses Kontos")

    befehle.add_parser("token-pruefen", help="Token von stdin lesen und sein Konto ausgeben")

    k = befehle.add_parser("konto-anlegen", help="Konto anlegen (ohne Passwort)")
    k.add_argument("login", metavar="LOGIN")
    k.add_argument("--name", required=True, help="Vor- und Nachname")
    k.add_argument("--rolle", required=True, choices=MITARBEITER_ROLLEN)

    pw = befehle.add_parser("passwort", help="neues Passwort setzen (von stdin bzw. verdeckt "
                                             "abgefragt, nie als Argument)")
    pw.add_argument("login", metavar="LOGIN")

    d = befehle.add_parser("konto-deaktivieren",
                           help="Konto deaktivieren, Sitzungen beenden, Tokens widerrufen")
    d.add_argument("login", metavar="LOGIN")

    a = befehle.add_parser("konto-aktivieren", help="deaktiviertes Konto wieder aktivieren")
    a.add_argument("login", metavar="LOGIN")
    return p


BEFEHLE = {
    "token": _token,
    "token-widerrufen": _token_widerrufen,
    "tokens": _tokens,
    "token-pruefen": _token_pruefen,
    "konto-anlegen": _konto_anlegen,
    "passwort": _passwort,
    "konto-deaktivieren": _konto_deaktivieren,
    "konto-aktivieren": _konto_aktivieren,
}


def main(argv: list[str] | None = None) -> int:
    """Run one command (after migrating the store); return the exit code."""
    args = parser().parse_args(argv)
    return auf_migrierter_datenbank(args.url, lambda engine: BEFEHLE[args.befehl](engine, args))


if __name__ == "__main__":
    sys.exit(main())
