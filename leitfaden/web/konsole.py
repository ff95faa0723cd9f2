"""The employee's chat pane (``/konsole``): chat through the agent channel beside the guide panel.

The browser talks only to this web app (same origin, session cookie, CSRF header). The web
app forwards each message to Rasa's agent channel with the session's own agent token (created
at the first message, kept in this process's memory only, revoked at sign-out), then reads the
conversation's tracker and builds the guide panel with :mod:`leitfaden.konsole`.

Before a message is forwarded, notices of steps already passed that were not ticked become
deviations (:func:`leitfaden.konsole.schritte_pruefen`). A SOC-L employee's consent to the
transfer at step 3.301.6 (typed or clicked) is only forwarded after the confirmation dialog,
which sends the amount it showed (``bestaetigt_cent``); a changed amount is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from sanic import Blueprint
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse

from leitfaden import clock, konsole
from leitfaden.anmeldung import sitzung_agent_token_setzen
from leitfaden.mitarbeiter import MitarbeiterRecord, token_erzeugen_mit_id, token_widerrufen
from leitfaden.web.api import antwort
from leitfaden.web.rasa_client import RasaClient, RasaNichtErreichbar
from leitfaden.web.sitzung import agent_token_vergessen, rolle_noetig
from leitfaden.web.vorlagen import seite_fuer

log = logging.getLogger(__name__)

#: Roles that use the chat pane (trainers test the guides in it).
KONSOLE_ROLLEN = ("sc", "socl", "trainer")
#: Roles that may read any conversation's record (others: only their own).
PROTOKOLL_ROLLEN = ("trainer", "admin")
#: Longest message (as the Rasa server's own guard).
MAX_NACHRICHT = 2000
#: Largest JSON body accepted by the console API.
MAX_BODY = 16 * 1024
#: The step where the caller consents to the transfer.
SCHRITT_ZUSTIMMUNG = "3.301.6"
#: Intents that give consent.
ZUSTIMMUNG = frozenset({"affirm"})


class Eingabefehler(ValueError):
    """A request the console cannot take; the message is German."""

    def __init__(self, meldung: str, status: int = 400) -> None:
        super().__init__(meldung)
        self.meldung = meldung
        self.status = status


def _fehler(meldung: str, status: int = 400, **mehr: Any) -> HTTPResponse:
    return antwort({"fehler": meldung, **mehr}, status=status)


def _body(request: Request) -> dict[str, Any]:
    if len(request.body or b"") > MAX_BODY:
        raise Eingabefehler("Die Anfrage ist zu groß.", 413)
    try:
        daten = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Eingabefehler("Die Anfrage ist kein gültiges JSON.") from exc
    if not isinstance(daten, dict):
        raise Eingabefehler("Die Anfrage muss ein JSON-Objekt sein.")
    return daten


def agent_token_der_sitzung(request: Request) -> str:
    """The session's agent token; a new one (the old revoked) if this process has none."""
    sitzung = request.ctx.sitzung
    tokens = request.app.ctx.agent_tokens
    token = tokens.get(sitzung.id)
    if token is not None:
        return token
    engine = request.app.ctx.engine
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    akteur = f"web:{m.login}"
    if sitzung.agent_token_id is not None:
        with contextlib.suppress(ValueError):  # revoked already
            token_widerrufen(engine, int(sitzung.agent_token_id), akteur=akteur)
    neu = token_erzeugen_mit_id(engine, m.login, "Konsole (Browser-Sitzung)", akteur=akteur)
    sitzung_agent_token_setzen(engine, sitzung.id, neu.id)
    tokens[sitzung.id] = neu.token
    return neu.token


async def _weiterreichen(request: Request, sender: str, text: str) -> list[dict[str, Any]]:
    """Send on the agent channel; a token Rasa refuses (revoked) is replaced once."""
    rasa = request.app.ctx.rasa
    token = await asyncio.to_thread(agent_token_der_sitzung, request)
    try:
        return await rasa.nachricht(sender, text, token)
    except RasaNichtErreichbar as exc:
        if exc.status != 401:
            raise
    agent_token_vergessen(request, request.ctx.sitzung.id)
    token = await asyncio.to_thread(agent_token_der_sitzung, request)
    try:
        return await rasa.nachricht(sender, text, token)
    except RasaNichtErreichbar as exc:
        if exc.status == 401:  # not a sign-in problem of the browser: do not log it out
            raise RasaNichtErreichbar(
                "Der Assistent nimmt die Anmeldung der Konsole nicht an. Bitte wenden Sie "
                "sich an die Administration.", 502) from exc
        raise


def _eigenes_gespraech(request: Request, sender_id: str,
                       rollen: tuple[str, ...] = ()) -> konsole.GespraechRecord:
    """The conversation, if it is the employee's own (or their role may read all)."""
    g = konsole.gespraech(request.app.ctx.engine, sender_id) if len(sender_id) <= 80 else None
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    if g is None or (g.login != m.login and m.rolle not in rollen):
        raise NotFound("Dieses Gespräch gibt es nicht, oder es gehört nicht zu Ihrem Konto.")
    return g


async def _panel(request: Request, g: konsole.GespraechRecord,
                 tracker: dict[str, Any] | None = None) -> dict[str, Any]:
    if tracker is None:
        tracker = await request.app.ctx.rasa.tracker(g.sender_id)
    engine = request.app.ctx.engine
    panel = await asyncio.to_thread(konsole.panel_erstellen, engine, g, tracker, clock.today())
    return panel.als_dict()


#: Conversations whose last state this process keeps (the tracker after the last turn).
MAX_GEMERKT = 500


def _merken(request: Request, g: konsole.GespraechRecord, tracker: dict[str, Any]) -> None:
    """Keep the tracker after this turn: the next turn starts from it (one read less)."""
    gemerkt = request.app.ctx.konsole_stand
    gemerkt.pop(g.sender_id, None)
    gemerkt[g.sender_id] = tracker
    while len(gemerkt) > MAX_GEMERKT:
        gemerkt.pop(next(iter(gemerkt)))


async def _stand(request: Request, g: konsole.GespraechRecord) -> dict[str, Any]:
    """The tracker before a message: the kept tracker of the last turn when this process
    has it (only the console writes to its conversations), else read from Rasa."""
    tracker = request.app.ctx.konsole_stand.get(g.sender_id)
    if tracker is None:
        tracker = await request.app.ctx.rasa.tracker(g.sender_id)
    return tracker


def _nachrichten(antworten: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The assistant's messages as the pane shows them: text and quick-reply buttons."""
    ergebnis = []
    for m in antworten:
        text = m.get("text")
        knoepfe = [{"titel": str(k.get("title", "")), "payload": str(k.get("payload", ""))}
                   for k in m.get("buttons") or [] if isinstance(k, dict)]
        if isinstance(text, str) or knoepfe:
            ergebnis.append({"text": text if isinstance(text, str) else "", "knoepfe": knoepfe})
    return ergebnis


# --- pages -----------------------------------------------------------------------------------

@rolle_noetig(*KONSOLE_ROLLEN)
async def seite(request: Request) -> HTTPResponse:
    """``GET /konsole``: the chat pane and the guide panel."""
    return seite_fuer(request, "konsole.html", aktiv="konsole", max_nachricht=MAX_NACHRICHT)


@rolle_noetig(*KONSOLE_ROLLEN, *PROTOKOLL_ROLLEN)
async def protokoll_seite(request: Request, sender_id: str) -> HTTPResponse:
    """``GET /konsole/gespraeche/<id>``: the conversation's record (ticks and deviations)."""
    g = _eigenes_gespraech(request, sender_id, PROTOKOLL_ROLLEN)
    prot = await asyncio.to_thread(konsole.protokoll, request.app.ctx.engine, g.id)
    return seite_fuer(request, "protokoll.html", aktiv="konsole", gespraech=g, protokoll=prot)


# --- JSON API --------------------------------------------------------------------------------

@rolle_noetig(*KONSOLE_ROLLEN)
async def gespraech_beginnen(request: Request) -> HTTPResponse:
    """``POST /konsole/api/gespraeche``: a new call; its id and the empty panel."""
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    g = await asyncio.to_thread(konsole.gespraech_beginnen, request.app.ctx.engine, m.login)
    panel = await _panel(request, g, tracker={})
    return antwort({"gespraech": g.sender_id, "panel": panel}, status=201)


async def _zustimmung_ohne_bestaetigung(request: Request, text: str,
                                        panel_vorher: dict[str, Any]) -> bool:
    """Whether this message consents to a transfer that the dialog has not confirmed."""
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    abschlag = panel_vorher.get("abschlag") or {}
    if not (m.darf_ueberweisen and abschlag.get("kann_ueberweisen")):
        return False
    if text.strip() == "/affirm":
        return True
    intent, _ = await request.app.ctx.rasa.intent(text)
    return intent in ZUSTIMMUNG


@rolle_noetig(*KONSOLE_ROLLEN)
async def nachricht(request: Request, sender_id: str) -> HTTPResponse:
    """``POST /konsole/api/gespraeche/<id>/nachrichten``: ``{"text", "bestaetigt_cent"?}``."""
    try:
        daten = _body(request)
        text = daten.get("text")
        if not isinstance(text, str) or not text.strip():
            raise Eingabefehler("Bitte geben Sie ein, was die anrufende Person sagt.")
        if len(text) > MAX_NACHRICHT:
            raise Eingabefehler(f"Die Nachricht ist zu lang (höchstens {MAX_NACHRICHT:,} "
                                "Zeichen). Bitte fassen Sie sie kürzer.".replace(",", "."))
        bestaetigt = daten.get("bestaetigt_cent")
        if bestaetigt is not None and (not isinstance(bestaetigt, int)
                                       or isinstance(bestaetigt, bool)):
            raise Eingabefehler("bestaetigt_cent muss eine ganze Zahl (Cent) sein.")
    except Eingabefehler as exc:
        return _fehler(exc.meldung, exc.status)
    g = _eigenes_gespraech(request, sender_id)
    if g.beendet_am is not None:
        return _fehler("Dieses Gespräch ist beendet. Beginnen Sie ein neues Gespräch.", 409)
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    engine = request.app.ctx.engine
    heute = clock.today()
    try:
        tracker = await _stand(request, g)
        schritt = (tracker.get("slots") or {}).get("guide_step")
        # the panel before the message matters only for a transfer (SOC-L at the consent)
        pruefen = bestaetigt is not None or (m.darf_ueberweisen and schritt == SCHRITT_ZUSTIMMUNG)
        panel_vorher = await _panel(request, g, tracker) if pruefen else {}
        abschlag = panel_vorher.get("abschlag") or {}
        if bestaetigt is not None:
            if not (m.darf_ueberweisen and abschlag.get("kann_ueberweisen")):
                return _fehler("Eine Überweisung ist in diesem Schritt nicht möglich.", 409,
                               panel=panel_vorher)
            if bestaetigt != abschlag.get("betrag_cent"):
                return _fehler("Der Betrag hat sich seit der Anzeige geändert. Bitte prüfen "
                               "Sie ihn erneut.", 409, panel=panel_vorher)
        elif await _zustimmung_ohne_bestaetigung(request, text, panel_vorher):
            return antwort({"bestaetigung_noetig": True, "text": text, "panel": panel_vorher})
        antworten = await _weiterreichen(request, g.sender_id, text)
        # the conversation moved on: notices of the steps before that are not ticked now
        # become deviations (not when the message never reached the assistant)
        await asyncio.to_thread(konsole.schritte_pruefen, engine, g.id, tracker, m.login, heute)
        tracker_nachher = await request.app.ctx.rasa.tracker(g.sender_id)
        panel = await _panel(request, g, tracker_nachher)
        _merken(request, g, tracker_nachher)
    except RasaNichtErreichbar as exc:
        return _fehler(exc.meldung, exc.status)
    except ValueError:  # the session or account ended meanwhile: no token
        return _fehler("Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.", 401)
    if bestaetigt is not None:
        log.info("Konsole: Überweisung bestätigt von %s", m.login)
    return antwort({"nachrichten": _nachrichten(antworten), "panel": panel})


def verlauf_aus_tracker(tracker: dict[str, Any]) -> list[dict[str, str]]:
    """The chat so far (what the employee typed, what the assistant answered), for a reload."""
    verlauf: list[dict[str, str]] = []
    for e in tracker.get("events") or []:
        if not isinstance(e, dict) or not isinstance(e.get("text"), str) or not e["text"]:
            continue
        if e.get("event") == "user":
            verlauf.append({"wer": "nutzer", "text": e["text"]})
        elif e.get("event") == "bot":
            verlauf.append({"wer": "assistent", "text": e["text"]})
        elif e.get("event") in ("restart", "session_started"):
            verlauf.clear()
    return verlauf


@rolle_noetig(*KONSOLE_ROLLEN)
async def gespraech_lesen(request: Request, sender_id: str) -> HTTPResponse:
    """``GET /konsole/api/gespraeche/<id>``: panel and chat so far (the page was reloaded)."""
    g = _eigenes_gespraech(request, sender_id)
    try:
        tracker = await request.app.ctx.rasa.tracker(g.sender_id)
        panel = await _panel(request, g, tracker)
    except RasaNichtErreichbar as exc:
        return _fehler(exc.meldung, exc.status)
    return antwort({"gespraech": g.sender_id, "beendet": g.beendet_am is not None,
                    "verlauf": verlauf_aus_tracker(tracker), "panel": panel})


@rolle_noetig(*KONSOLE_ROLLEN)
async def hinweis(request: Request, sender_id: str) -> HTTPResponse:
    """``POST /konsole/api/gespraeche/<id>/hinweise``: ``{"schritt", "hinweis"}`` given."""
    try:
        daten = _body(request)
    except Eingabefehler as exc:
        return _fehler(exc.meldung, exc.status)
    schritt, schluessel = daten.get("schritt"), daten.get("hinweis")
    if not (isinstance(schritt, str) and isinstance(schluessel, str)):
        return _fehler("Bitte geben Sie Schritt und Hinweis an (schritt, hinweis).")
    g = _eigenes_gespraech(request, sender_id)
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    try:
        await asyncio.to_thread(konsole.hinweis_bestaetigen, request.app.ctx.engine, g.id,
                                schritt[:20], schluessel[:60], m.login, clock.today())
        panel = await _panel(request, g)
    except ValueError as exc:
        return _fehler(str(exc))
    except RasaNichtErreichbar as exc:
        return _fehler(exc.meldung, exc.status)
    return antwort({"panel": panel})


@rolle_noetig(*KONSOLE_ROLLEN)
async def beenden(request: Request, sender_id: str) -> HTTPResponse:
    """``POST /konsole/api/gespraeche/<id>/beenden``: end the call; its record."""
    g = _eigenes_gespraech(request, sender_id)
    m: MitarbeiterRecord = request.ctx.mitarbeiter
    try:
        tracker = await request.app.ctx.rasa.tracker(g.sender_id)
    except RasaNichtErreichbar as exc:
        return _fehler(exc.meldung, exc.status)
    await asyncio.to_thread(konsole.gespraech_beenden, request.app.ctx.engine, g.id, tracker,
                            m.login, clock.today())
    prot = await asyncio.to_thread(konsole.protokoll, request.app.ctx.engine, g.id)
    return antwort({"protokoll": f"/konsole/gespraeche/{g.sender_id}",
                    "abweichungen": [a.als_dict() for a in prot.abweichungen]})


def einrichten(app: Any, rasa: RasaClient | None = None) -> None:
    """The console's state in the app: the Rasa client, the sessions' agent tokens (memory
    only) and the tracker after each conversation's last turn."""
    app.ctx.rasa = rasa or RasaClient()
    app.ctx.agent_tokens = {}
    app.ctx.konsole_stand = {}


def blueprint() -> Blueprint:
    """The console's routes (the app calls :func:`einrichten` too)."""
    bp = Blueprint("konsole")
    bp.add_route(seite, "/konsole", methods=["GET"])
    bp.add_route(protokoll_seite, "/konsole/gespraeche/<sender_id>", methods=["GET"])
    bp.add_route(gespraech_beginnen, "/konsole/api/gespraeche", methods=["POST"])
    bp.add_route(gespraech_lesen, "/konsole/api/gespraeche/<sender_id>", methods=["GET"])
    bp.add_route(nachricht, "/konsole/api/gespraeche/<sender_id>/nachrichten",
                 methods=["POST"])
    bp.add_route(hinweis, "/konsole/api/gespraeche/<sender_id>/hinweise", methods=["POST"])
    bp.add_route(beenden, "/konsole/api/gespraeche/<sender_id>/beenden", methods=["POST"])

    @bp.after_server_stop
    async def _schliessen(app, _loop) -> None:
        await app.ctx.rasa.schliessen()

    return bp
