"""API tokens of Agenturen and employees: how they are hashed, found and revoked.

Tokens are long random strings (``secrets.token_urlsafe(32)``), so a fast hash is right;
only the hash is stored. Both token tables have ``id``, ``token_hash`` and ``widerrufen_am``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leitfaden import clock
from leitfaden.store.models import utc_naiv
from leitfaden.store.repository import audit_schreiben


def token_hash(token: str) -> str:
    """SHA-256 (hex) of a token, the only form stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value, else ``None``."""
    schema, _, token = (authorization or "").partition(" ")
    if schema.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_nummer(text: str) -> int | str:
    """Command lines' ``token-widerrufen`` argument: a token's number, or ``-`` (the token
    itself from stdin); argparse reports anything else in German."""
    if text == "-":
        return text
    if text.isascii() and text.isdigit() and len(text) < 19:
        return int(text)
    raise argparse.ArgumentTypeError(
        "Geben Sie die Nummer des Tokens an (siehe 'tokens') oder '-', um den Token von der "
        "Standardeingabe zu lesen. Der Token selbst gehört nicht in die Befehlszeile.")


def widerruf_schluessel(argument: int | str) -> int | str | None:
    """The number given, or the token read from stdin for ``-`` (``None``: nothing read)."""
    if argument != "-":
        return argument
    return sys.stdin.readline().strip() or None


def ist_nummer(token_or_id: str | int) -> bool:
    """True for a token's number (an id), False for a token value."""
    return isinstance(token_or_id, int) or (token_or_id.isdigit() and len(token_or_id) < 19)


def widerrufen(s: Session, modell: Any, token_or_id: str | int, *, akteur: str, aktion: str,
               details: Callable[[Any], dict[str, Any]]) -> Any:
    """Revoke the row of ``modell`` given by number or token value (again: no change).

    Writes the audit entry with ``details(row)`` (never the token). Raises ``ValueError`` if
    there is no such token. Returns the row.
    """
    if ist_nummer(token_or_id):
        zeile = s.get(modell, int(token_or_id))
    else:
        zeile = s.scalars(select(modell).where(
            modell.token_hash == token_hash(str(token_or_id).strip()))).first()
    if zeile is None:
        raise ValueError("Diesen Token gibt es nicht.")
    if zeile.widerrufen_am is None:
        zeile.widerrufen_am = utc_naiv(clock.now())
        s.flush()
        audit_schreiben(s, akteur=akteur, aktion=aktion, objekt_typ=modell.__name__,
                        objekt_id=str(zeile.id), details=details(zeile))
    return zeile
