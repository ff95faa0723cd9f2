"""Browser sign-in of employees: passwords, sessions, rate limit, account administration.

* **Passwords** are hashed with Argon2id (``argon2-cffi``, OWASP's recommendation); a hash
  with outdated parameters is replaced at the next successful sign-in. Policy: at least
  :data:`MIN_LAENGE` characters, not only digits, not the login itself.
* **Sign-in** (:func:`anmelden`) answers an unknown login, a wrong password, an account
  without password and an inactive account alike (:data:`FALSCH`), after the same Argon2
  work. Every attempt is stored in ``anmeldeversuch`` and logged (login and outcome, never
  the password).
* **Rate limit**: :data:`MAX_FEHLVERSUCHE_LOGIN` failed attempts for one login (since its
  last success) or :data:`MAX_FEHLVERSUCHE_IP` from one address within :data:`SPERRFENSTER`
  refuse every further attempt, the right password too (:class:`AnmeldungGesperrt`).
* **Sessions**: the cookie value is shown once; only its SHA-256 is the row's id. A session
  ends on sign-out, after :data:`LEERLAUF_ENV` minutes without a request, after
  :data:`HOECHSTENS_ENV` hours in any case, and when its account is deactivated. Ending a
  session revokes the agent token the console created for it.

Time comes from :func:`leitfaden.clock.now`. No Sanic imports here (see
:mod:`leitfaden.web.sitzung`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import os
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from leitfaden import clock
from leitfaden.mitarbeiter import MitarbeiterRecord
from leitfaden.store.db import session_scope
from leitfaden.store.models import (
    MITARBEITER_ROLLEN,
    Anmeldeversuch,
    Mitarbeiter,
    MitarbeiterToken,
    Sitzung,
    utc_aware,
    utc_naiv,
)
from leitfaden.store.repository import audit_schreiben

log = logging.getLogger(__name__)

LEERLAUF_ENV = "LEITFADEN_SITZUNG_LEERLAUF_MINUTEN"
HOECHSTENS_ENV = "LEITFADEN_SITZUNG_HOECHSTENS_STUNDEN"
LEERLAUF_STANDARD_MINUTEN = 30
HOECHSTENS_STANDARD_STUNDEN = 10

#: ``zuletzt_am`` is written at most this often (not on every request).
BERUEHRUNG = dt.timedelta(minutes=1)

MIN_LAENGE = 12
MAX_LAENGE = 1024

SPERRFENSTER = dt.timedelta(minutes=15)
MAX_FEHLVERSUCHE_LOGIN = 5
MAX_FEHLVERSUCHE_IP = 20

#: The login of an attempt is stored as typed, cut to this length.
MAX_VERSUCH_LOGIN = 80
#: Longest cookie value looked up (``token_urlsafe(32)`` gives 43 characters).
MAX_COOKIE_LAENGE = 512

#: Logins of new accounts: lower-case letters, digits, ``.``, ``_``, ``-``.
LOGIN_MUSTER = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")

FALSCH = "Anmeldename oder Passwort ist falsch."

#: German labels of the outcomes stored in ``anmeldeversuch.grund``.
GRUENDE = {
    "erfolg": "angemeldet",
    "passwort_falsch": "Passwort falsch",
    "unbekannt": "Anmeldename unbekannt",
    "inaktiv": "Konto deaktiviert",
    "kein_passwort": "kein Passwort gesetzt",
    "gesperrt": "gesperrt (zu viele Fehlversuche)",
    "laufend": "wird geprüft",
}

#: Stored and logged instead of a sign-in name that is not shaped like one.
UNGUELTIGER_LOGIN = "(ungültig)"

#: The hasher of new passwords (Argon2id, library defaults: RFC 9106 low-memory profile).
HASHER = PasswordHasher()

_dummy_hashes: dict[tuple, str] = {}


class AnmeldungFehlgeschlagen(Exception):
    """Sign-in refused; ``str(exc)`` is the German message for the employee."""

    def __init__(self, meldung: str = FALSCH) -> None:
        super().__init__(meldung)
        self.meldung = meldung


class AnmeldungGesperrt(AnmeldungFehlgeschlagen):
    """Too many failed attempts: refused for ``minuten`` more minutes, whatever the password."""

    def __init__(self, minuten: int) -> None:
        self.minuten = minuten
        einheit = "Minute" if minuten == 1 else "Minuten"
        super().__init__("Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in "
                         f"{minuten} {einheit} erneut.")


class PasswortUngueltig(ValueError):
    """The new password does not meet the policy (German message)."""


@dataclass(frozen=True)
class SitzungRecord:
    """A valid session. ``id`` is the SHA-256 of the cookie value, never the value itself."""

    id: str
    mitarbeiter: MitarbeiterRecord
    csrf: str
    erstellt_am: dt.datetime
    zuletzt_am: dt.datetime
    ablauf: dt.datetime
    agent_token_id: int | None = None

    @property
    def login(self) -> str:
        """The employee's login."""
        return self.mitarbeiter.login

    @property
    def rolle(self) -> str:
        """The employee's role."""
        return self.mitarbeiter.rolle


@dataclass(frozen=True)
class NeueSitzung:
    """A session just created: the cookie value (shown once) and the session."""

    cookie_wert: str
    sitzung: SitzungRecord


@dataclass(frozen=True)
class KontoRecord:
    """An account as the administration page lists it (never the hash)."""

    login: str
    name: str
    rolle: str
    aktiv: bool
    demo: bool
    passwort_gesetzt: bool
    passwort_geaendert_am: dt.datetime | None
    letzte_anmeldung: dt.datetime | None


@dataclass(frozen=True)
class AnmeldeversuchRecord:
    """One stored sign-in attempt."""

    id: int
    login: str
    ip: str
    zeitpunkt: dt.datetime
    erfolg: bool
    grund: str

    @property
    def grund_text(self) -> str:
        """German label of the outcome."""
        return GRUENDE.get(self.grund, self.grund)


# --- configuration and hashing --------------------------------------------------------------


def _umgebungszahl(name: str, standard: int) -> int:
    roh = os.environ.get(name, "").strip()
    if not roh:
        return standard
    if not (roh.isascii() and roh.isdigit()) or int(roh) < 1:
        raise ValueError(f"{name}={roh!r} ist keine positive ganze Zahl")
    return int(roh)


def leerlauf() -> dt.timedelta:
    """Idle timeout (``LEITFADEN_SITZUNG_LEERLAUF_MINUTEN``, default 30 minutes)."""
    return dt.timedelta(minutes=_umgebungszahl(LEERLAUF_ENV, LEERLAUF_STANDARD_MINUTEN))


def hoechstdauer() -> dt.timedelta:
    """Absolute session lifetime (``LEITFADEN_SITZUNG_HOECHSTENS_STUNDEN``, default 10 hours)."""
    return dt.timedelta(hours=_umgebungszahl(HOECHSTENS_ENV, HOECHSTENS_STANDARD_STUNDEN))


def passwort_regeln_pruefen(passwort: str, login: str | None = None) -> None:
    """Raise :class:`PasswortUngueltig` unless the password meets the policy."""
    if not isinstance(passwort, str) or len(passwort) < MIN_LAENGE:
        raise PasswortUngueltig(
            f"Das Passwort muss mindestens {MIN_LAENGE} Zeichen lang sein.")
    if len(passwort) > MAX_LAENGE:
        raise PasswortUngueltig(f"Das Passwort darf höchstens {MAX_LAENGE} Zeichen lang sein.")
    if passwort.isdigit():
        raise PasswortUngueltig("Das Passwort darf nicht nur aus Ziffern bestehen.")
    if login and passwort.strip().casefold() == login.strip().casefold():
        raise PasswortUngueltig("Das Passwort darf nicht der Anmeldename sein.")


def passwort_hashen(passwort: str) -> str:
    """Argon2id hash of a password (own random salt each time)."""
    return HASHER.hash(passwort)


def _dummy_hash() -> str:
    """A hash of a random password with the current parameters (for unknown logins)."""
    schluessel = (HASHER.time_cost, HASHER.memory_cost, HASHER.parallelism, HASHER.hash_len)
    if schluessel not in _dummy_hashes:
        _dummy_hashes[schluessel] = HASHER.hash(secrets.token_urlsafe(24))
    return _dummy_hashes[schluessel]


def _verifizieren(gespeichert: str | None, passwort: object) -> bool:
    """Check the password against the hash; without a hash against a dummy (same work)."""
    text = passwort if isinstance(passwort, str) else ""
    try:
        HASHER.verify(gespeichert or _dummy_hash(), text)
    except VerificationError:
        return False
    except InvalidHashError:
        log.error("Ungültiger Passwort-Hash in der Datenbank (Konto kann sich nicht anmelden)")
        return False
    return gespeichert is not None


def sitzung_id(cookie_wert: str) -> str:
    """The session id of a cookie value: its SHA-256 (hex)."""
    return hashlib.sha256(cookie_wert.encode("utf-8")).hexdigest()


# --- records --------------------------------------------------------------------------------


def _mitarbeiter_record(m: Mitarbeiter) -> MitarbeiterRecord:
    return MitarbeiterRecord(login=m.login, name=m.name, rolle=m.rolle, aktiv=bool(m.aktiv))


def _sitzung_record(z: Sitzung, m: Mitarbeiter) -> SitzungRecord:
    return SitzungRecord(id=z.id, mitarbeiter=_mitarbeiter_record(m), csrf=z.csrf,
                         erstellt_am=utc_aware(z.erstellt_am), zuletzt_am=utc_aware(z.zuletzt_am),
                         ablauf=utc_aware(z.ablauf_am), agent_token_id=z.agent_token_id)


def _konto(s: Session, login: str) -> Mitarbeiter:
    m = s.get(Mitarbeiter, login) if isinstance(login, str) and login else None
    if m is None:
        raise ValueError(f"Das Konto '{login}' gibt es nicht.")
    return m


# --- passwords and accounts -----------------------------------------------------------------


def passwort_setzen(engine: Engine, login: str, passwort: str, *, akteur: str,
                    ausser_sitzung: str | None = None) -> None:
    """Give the account a new password (hash only) and end its other sessions.

    ``ausser_sitzung`` (a session id) stays open, e.g. an administrator's own. Raises
    :class:`PasswortUngueltig` (policy) or ``ValueError`` (unknown account). Audited without
    the password.
    """
    passwort_regeln_pruefen(passwort, login)
    neuer_hash = passwort_hashen(passwort)
    with session_scope(engine) as s:
        m = _konto(s, login)
        m.passwort_hash = neuer_hash
        m.passwort_geaendert_am = utc_naiv(clock.now())
        beendet = _sitzungen_beenden(s, login, akteur=akteur, ausser=ausser_sitzung)
        audit_schreiben(s, akteur=akteur, aktion="mitarbeiter_passwort_gesetzt",
                        objekt_typ="Mitarbeiter", objekt_id=login,
                        details={"login": login, "sitzungen_beendet": beendet})
    log.info("Passwort gesetzt für %r (durch %s)", login, akteur)


def konto_anlegen(engine: Engine, login: str, name: str, rolle: str, *,
                  akteur: str) -> MitarbeiterRecord:
    """Create an active account without password; raises ``ValueError`` (German message)."""
    login = (login or "").strip()
    name = " ".join((name or "").split())
    if not LOGIN_MUSTER.fullmatch(login):
        raise ValueError("Der Anmeldename muss 2 bis 40 Zeichen lang sein und darf nur "
                         "Kleinbuchstaben, Ziffern, Punkt, Unterstrich und Bindestrich "
                         "enthalten (am Anfang ein Buchstabe oder eine Ziffer).")
    if not name or len(name) > 200:
        raise ValueError("Bitte geben Sie den Namen an (höchstens 200 Zeichen).")
    if rolle not in MITARBEITER_ROLLEN:
        raise ValueError(f"Die Rolle muss eine von {', '.join(MITARBEITER_ROLLEN)} sein.")
    with session_scope(engine) as s:
        if s.get(Mitarbeiter, login) is not None:
            raise ValueError(f"Das Konto '{login}' gibt es schon.")
        s.add(Mitarbeiter(login=login, name=name, rolle=rolle, aktiv=True, demo=False))
        s.flush()
        audit_schreiben(s, akteur=akteur, aktion="mitarbeiter_angelegt",
                        objekt_typ="Mitarbeiter", objekt_id=login,
                        details={"login": login, "name": name, "rolle": rolle})
    log.info("Konto %r (Rolle %s) angelegt durch %s", login, rolle, akteur)
    return MitarbeiterRecord(login=login, name=name, rolle=rolle, aktiv=True)


@dataclass(frozen=True)
class Deaktivierung:
    """What deactivating an account ended."""

    login: str
    sitzungen: int
    tokens: int


def konto_deaktivieren(engine: Engine, login: str, *, akteur: str) -> Deaktivierung:
    """Deactivate the account, end its sessions and revoke its tokens (audited).

    Raises ``ValueError`` for an unknown account. Again on an inactive account: ends what
    is still open.
    """
    jetzt = utc_naiv(clock.now())
    with session_scope(engine) as s:
        m = _konto(s, login)
        m.aktiv = False
        sitzungen = _sitzungen_beenden(s, login, akteur=akteur)
        tokens = s.execute(
            update(MitarbeiterToken)
            .where(MitarbeiterToken.login == login, MitarbeiterToken.widerrufen_am.is_(None))
            .values(widerrufen_am=jetzt).execution_options(synchronize_session=False)
        ).rowcount
        audit_schreiben(s, akteur=akteur, aktion="mitarbeiter_deaktiviert",
                        objekt_typ="Mitarbeiter", objekt_id=login,
                        details={"login": login, "sitzungen_beendet": sitzungen,
                                 "tokens_widerrufen": tokens})
    log.info("Konto %r deaktiviert durch %s (%d Sitzungen beendet, %d Tokens widerrufen)",
             login, akteur, sitzungen, tokens)
    return Deaktivierung(login=login, sitzungen=sitzungen, tokens=tokens)


def konto_aktivieren(engine: Engine, login: str, *, akteur: str) -> None:
    """Activate the account again (its revoked tokens stay revoked); audited."""
    with session_scope(engine) as s:
        _konto(s, login).aktiv = True
        audit_schreiben(s, akteur=akteur, aktion="mitarbeiter_aktiviert",
                        objekt_typ="Mitarbeiter", objekt_id=login, details={"login": login})
    log.info("Konto %r aktiviert durch %s", login, akteur)


def konten(engine: Engine) -> list[KontoRecord]:
    """Every account, by login, with its last successful sign-in."""
    letzte = (select(Anmeldeversuch.login, func.max(Anmeldeversuch.zeitpunkt).label("zuletzt"))
              .where(Anmeldeversuch.erfolg.is_(True)).group_by(Anmeldeversuch.login).subquery())
    with session_scope(engine) as s:
        zeilen = s.execute(
            select(Mitarbeiter, letzte.c.zuletzt)
            .outerjoin(letzte, letzte.c.login == Mitarbeiter.login)
            .order_by(Mitarbeiter.login)
        ).all()
        return [KontoRecord(login=m.login, name=m.name, rolle=m.rolle, aktiv=bool(m.aktiv),
                            demo=bool(m.demo), passwort_gesetzt=m.passwort_hash is not None,
                            passwort_geaendert_am=utc_aware(m.passwort_geaendert_am),
                            letzte_anmeldung=utc_aware(zuletzt))
                for m, zuletzt in zeilen]


def anmeldeversuche(engine: Engine, limit: int = 50) -> list[AnmeldeversuchRecord]:
    """The latest sign-in attempts, newest first."""
    with session_scope(engine) as s:
        zeilen = s.scalars(select(Anmeldeversuch)
                           .order_by(Anmeldeversuch.zeitpunkt.desc(), Anmeldeversuch.id.desc())
                           .limit(limit))
        return [AnmeldeversuchRecord(id=v.id, login=v.login, ip=v.ip,
                                     zeitpunkt=utc_aware(v.zeitpunkt), erfolg=bool(v.erfolg),
                                     grund=v.grund) for v in zeilen]


# --- rate limit -----------------------------------------------------------------------------


def _minuten_bis_frei(zeitpunkte: list[dt.datetime], grenze: int,
                      jetzt: dt.datetime) -> int | None:
    """Minutes until fewer than ``grenze`` failures are in the window; ``None``: not locked."""
    if len(zeitpunkte) < grenze:
        return None
    zeitpunkte = sorted(zeitpunkte)
    frei_ab = zeitpunkte[len(zeitpunkte) - grenze] + SPERRFENSTER
    return max(1, math.ceil((frei_ab - jetzt).total_seconds() / 60))


def _sperre(s: Session, login: str, ip: str, jetzt: dt.datetime, *,
            ausser: int | None = None) -> int | None:
    """Minutes the attempt is still refused for (login or address locked), else ``None``.

    Undecided attempts of others count as failures; ``ausser`` is the attempt itself.
    """
    seit = jetzt - SPERRFENSTER
    fehlversuch = (Anmeldeversuch.erfolg.is_(False), Anmeldeversuch.grund != "gesperrt",
                   Anmeldeversuch.zeitpunkt > seit, Anmeldeversuch.id != (ausser or -1))
    letzter_erfolg = s.scalar(select(func.max(Anmeldeversuch.id)).where(
        Anmeldeversuch.login == login, Anmeldeversuch.erfolg.is_(True)))
    fuer_login = select(Anmeldeversuch.zeitpunkt).where(Anmeldeversuch.login == login,
                                                        *fehlversuch)
    if letzter_erfolg is not None:  # a success resets the count of its login
        fuer_login = fuer_login.where(Anmeldeversuch.id > letzter_erfolg)
    fuer_ip = select(Anmeldeversuch.zeitpunkt).where(Anmeldeversuch.ip == ip, *fehlversuch)
    minuten = [m for m in (
        _minuten_bis_frei(list(s.scalars(fuer_login)), MAX_FEHLVERSUCHE_LOGIN, jetzt),
        _minuten_bis_frei(list(s.scalars(fuer_ip)), MAX_FEHLVERSUCHE_IP, jetzt),
    ) if m is not None]
    return max(minuten) if minuten else None


def _versuch(s: Session, login: str, ip: str, jetzt: dt.datetime, grund: str, *,
             versuch_id: int | None = None) -> None:
    """Record (or decide the pending) attempt and log it, without any password."""
    zeile = s.get(Anmeldeversuch, versuch_id) if versuch_id is not None else None
    if zeile is None:
        s.add(Anmeldeversuch(login=login, ip=ip, zeitpunkt=jetzt, erfolg=grund == "erfolg",
                             grund=grund))
    else:
        zeile.erfolg, zeile.grund = grund == "erfolg", grund
    if grund == "erfolg":
        log.info("Anmeldung erfolgreich: login=%r ip=%s", login, ip)
    else:
        log.warning("Anmeldung abgelehnt: login=%r ip=%s grund=%s", login, ip, grund)


# --- sign-in and sessions -------------------------------------------------------------------


def anmelden(engine: Engine, login: str, passwort: str, ip: str) -> NeueSitzung:
    """Check login and password and open a session.

    Raises :class:`AnmeldungGesperrt` while the login or the address is locked (before the
    password is looked at) and :class:`AnmeldungFehlgeschlagen` (:data:`FALSCH`) for an
    unknown login, a wrong password, an account without password or an inactive account.
    """
    login = (login if isinstance(login, str) else "").strip()
    # what is stored and logged: a login-shaped name, never other text (a password typed
    # into the wrong field must not end up in the log or on the admin page)
    versuch_login = login if LOGIN_MUSTER.fullmatch(login) else UNGUELTIGER_LOGIN
    ip = (ip or "unbekannt")[:64]
    jetzt = utc_naiv(clock.now())
    # The attempt is stored (committed) before the limit is checked, and counts as a failure
    # until it is decided: of parallel attempts, the last to be stored sees all the others,
    # so together they cannot get past the limit.
    with session_scope(engine) as s:
        laufend = Anmeldeversuch(login=versuch_login, ip=ip, zeitpunkt=jetzt, erfolg=False,
                                 grund="laufend")
        s.add(laufend)
        s.flush()
        versuch_id = laufend.id
    with session_scope(engine) as s:
        minuten = _sperre(s, versuch_login, ip, jetzt, ausser=versuch_id)
        if minuten is not None:
            _versuch(s, versuch_login, ip, jetzt, "gesperrt", versuch_id=versuch_id)
            gespeichert, aktiv, vorhanden = None, False, False
        else:
            m = s.get(Mitarbeiter, login) if 0 < len(login) <= 40 else None
            vorhanden = m is not None
            gespeichert = m.passwort_hash if m is not None else None
            aktiv = bool(m.aktiv) if m is not None else False
    if minuten is not None:
        raise AnmeldungGesperrt(minuten)

    richtig = _verifizieren(gespeichert, passwort)
    if not vorhanden:
        grund = "unbekannt"
    elif gespeichert is None:
        grund = "kein_passwort"
    elif not richtig:
        grund = "passwort_falsch"
    elif not aktiv:
        grund = "inaktiv"
    else:
        grund = "erfolg"
    neuer_hash = None
    if grund == "erfolg" and HASHER.check_needs_rehash(gespeichert):
        neuer_hash = passwort_hashen(passwort)

    with session_scope(engine) as s:
        neu = None
        if grund == "erfolg":
            m = s.get(Mitarbeiter, login)
            if m is None or m.passwort_hash != gespeichert:
                grund = "passwort_falsch"  # changed in between (new password or deleted)
            elif not m.aktiv:
                grund = "inaktiv"  # deactivated in between
        _versuch(s, versuch_login, ip, jetzt, grund, versuch_id=versuch_id)
        if grund == "erfolg":
            if neuer_hash is not None:
                m.passwort_hash = neuer_hash
                log.info("Passwort-Hash von %r mit aktuellen Parametern erneuert", login)
            cookie_wert = secrets.token_urlsafe(32)
            zeile = Sitzung(id=sitzung_id(cookie_wert), login=login,
                            csrf=secrets.token_urlsafe(32), erstellt_am=jetzt, zuletzt_am=jetzt,
                            ablauf_am=jetzt + hoechstdauer())
            s.add(zeile)
            s.flush()
            neu = NeueSitzung(cookie_wert=cookie_wert, sitzung=_sitzung_record(zeile, m))
    if neu is None:
        raise AnmeldungFehlgeschlagen()
    return neu


def _gueltig(z: Sitzung, m: Mitarbeiter, jetzt: dt.datetime) -> bool:
    return (z.beendet_am is None and bool(m.aktiv) and jetzt < z.ablauf_am
            and jetzt < z.zuletzt_am + leerlauf())


def _beenden(s: Session, z: Sitzung, jetzt: dt.datetime, *, akteur: str) -> None:
    """End one session and revoke the agent token the console created for it."""
    if z.beendet_am is None:
        z.beendet_am = jetzt
    if z.agent_token_id is not None:
        token = s.get(MitarbeiterToken, z.agent_token_id)
        if token is not None and token.widerrufen_am is None:
            token.widerrufen_am = jetzt
            audit_schreiben(s, akteur=akteur, aktion="mitarbeiter_token_widerrufen",
                            objekt_typ="MitarbeiterToken", objekt_id=str(token.id),
                            details={"login": token.login, "bezeichnung": token.bezeichnung,
                                     "grund": "sitzung_beendet"})


def _sitzungen_beenden(s: Session, login: str, *, akteur: str,
                       ausser: str | None = None) -> int:
    """End the open sessions of ``login`` (except the session ``ausser``); their number."""
    jetzt = utc_naiv(clock.now())
    offen = s.scalars(select(Sitzung).where(Sitzung.login == login, Sitzung.beendet_am.is_(None)))
    anzahl = 0
    for z in list(offen):
        if z.id != ausser:
            _beenden(s, z, jetzt, akteur=akteur)
            anzahl += 1
    return anzahl


def _zeile(s: Session, cookie_wert: object) -> tuple[Sitzung, Mitarbeiter] | None:
    if not isinstance(cookie_wert, str) or not cookie_wert or len(cookie_wert) > MAX_COOKIE_LAENGE:
        return None
    gefunden = s.execute(select(Sitzung, Mitarbeiter).join(Mitarbeiter)
                         .where(Sitzung.id == sitzung_id(cookie_wert))).first()
    return (gefunden[0], gefunden[1]) if gefunden is not None else None


def sitzung_pruefen(engine: Engine, cookie_wert: str | None) -> SitzungRecord | None:
    """The valid session of a cookie value, else ``None``.

    Valid: not ended, active account, idle timeout and absolute expiry not passed. Marks the
    last activity (at most once a minute); ends a session found expired.
    """
    jetzt = utc_naiv(clock.now())
    with session_scope(engine) as s:
        gefunden = _zeile(s, cookie_wert)
        if gefunden is None:
            return None
        z, m = gefunden
        if not _gueltig(z, m, jetzt):
            if z.beendet_am is None:
                _beenden(s, z, jetzt, akteur=f"system:sitzung:{z.login}")
            return None
        if jetzt - z.zuletzt_am >= BERUEHRUNG:
            z.zuletzt_am = jetzt
        return _sitzung_record(z, m)


def abmelden(engine: Engine, cookie_wert: str | None) -> bool:
    """End the session of the cookie value; ``False`` if there was no open one."""
    jetzt = utc_naiv(clock.now())
    with session_scope(engine) as s:
        gefunden = _zeile(s, cookie_wert)
        if gefunden is None or gefunden[0].beendet_am is not None:
            return False
        z, _ = gefunden
        _beenden(s, z, jetzt, akteur=z.login)
        login = z.login
    log.info("Abmeldung: login=%r", login)
    return True


def sitzung_beenden_fuer(engine: Engine, login: str, *, akteur: str = "system") -> int:
    """End every open session of the account (e.g. when it is deactivated); their number."""
    with session_scope(engine) as s:
        anzahl = _sitzungen_beenden(s, login, akteur=akteur)
    if anzahl:
        log.info("%d Sitzung(en) von %r beendet durch %s", anzahl, login, akteur)
    return anzahl


def sitzung_agent_token_setzen(engine: Engine, sitzung_id: str, token_id: int | None) -> None:
    """Remember the agent token the console created for the session.

    ``sitzung_id`` is :attr:`SitzungRecord.id` (the hash, not the cookie value); ending the
    session revokes that token. Raises ``ValueError`` if the session is unknown or ended or
    the token belongs to another account.
    """
    with session_scope(engine) as s:
        z = s.get(Sitzung, sitzung_id)
        if z is None or z.beendet_am is not None:
            raise ValueError("Diese Sitzung gibt es nicht (mehr).")
        if token_id is not None:
            token = s.get(MitarbeiterToken, token_id)
            if token is None or token.login != z.login:
                raise ValueError("Der Token gehört nicht zum Konto dieser Sitzung.")
        z.agent_token_id = token_id
