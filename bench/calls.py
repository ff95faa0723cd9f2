"""Whole-call scripts for GLF 3.000 and 3.301 over the REST channel, as the benchmark's load.

Every script is one complete conversation from greeting to goodbye. Each turn checks that the
answer contains a wording of the expected guide step, and each call checks at the end, on the
tracker, that the conversation ended in step ``3.000.7`` with the expected slots. A broken
dialogue therefore raises :class:`CallFailed` instead of being measured as if it worked.

The demo data (``python -m leitfaden.store demo``) and ``LEITFADEN_TODAY=2026-11-18`` are
assumed; see /work/shared/spec/contracts.md.

``python -m bench.calls --url http://127.0.0.1:PORT`` runs every script once against a running
Rasa server and prints the dialogue (for checking the scripts by hand).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

#: Step every script has to end in.
END_STEP = "3.000.7"

# Distinctive pieces of the guide's wording (guidelines/glf-3.000.yml) the answers must contain.
W_BEGRUESSUNG = "Was ist Ihr Anliegen?"
W_ABSCHLAG = "Abschlagszahlung"
W_ROLLE = "für sich selbst an oder für eine andere Person"
W_KUNDENNUMMER = "Kundennummer"
W_NAME = "vollständiger Name"
W_VERTRETER_NAME = "Ihr eigener vollständiger Name"
W_KUNDENNUMMER_VERTRETEN = "Kundennummer der Person, die Sie vertreten"
W_GEBURTSDATUM = "Geburtsdatum"
W_GEBURTSDATUM_VERTRETEN = "Geburtsdatum der Person, die Sie vertreten"
W_STIMMT = "Ihre Angaben stimmen überein"
W_FALSCH = "stimmen leider nicht mit unseren Unterlagen überein"
W_GESPERRT = "Identität nicht bestätigen"
W_VOLLMACHT_VOLL = "vollumfängliche Vollmacht hinterlegt"
W_VERO = "Online-Vertretung (VERO)"
W_STATUS = "Ihr Arbeitslosengeld ist bewilligt"
W_HAERTE_FRAGE = "Was ist gerade fällig"
W_BETRAG_ANNA = "889,10 €"
W_KONTO = "IBAN-Endung 3000"
W_VERRECHNET = "verrechnet"
W_KEINE_UEBERWEISUNG = "dann überweise ich nichts"
W_SCHUTZ = "keine persönlichen Auskünfte"
W_SCHUTZ_TEAM = "an das zuständige Team weitergegeben"
W_ONLINE = "online erledigen"
W_UNTERSTUETZUNG_FRAGE = "Brauchen Sie Unterstützung"
W_UNTERSTUETZUNG_VOR_ORT = "Unterstützungsangebote Ihrer Agentur"
W_STANDORT_FRAGE = "Postleitzahl oder Ihren Wohnort"
W_NUERNBERG = "Agentur für Arbeit Nürnberg"
W_WEITERES = "Kann ich sonst noch etwas für Sie tun?"
W_ABSCHIED = "Auf Wiedersehen"


class CallFailed(AssertionError):
    """A call did not get the expected answer (or ended in the wrong step)."""


class CallAbandoned(Exception):
    """The level's time is up before the call's next message: it is not continued."""


#: Think time before a message: fixed seconds, or a function drawing them (seeded, per caller).
Think = float | Callable[[], float]


@dataclass(frozen=True)
class Turn:
    """One user message and the wordings the bot's answer must contain (all of them)."""

    message: str
    expect: tuple[str, ...] = ()


@dataclass(frozen=True)
class Legitimation:
    """A run of turns answering the legitimation form's questions as they come.

    The caller answers whatever the bot asks (Kundennummer, name, date of birth) with the
    given values; ``geburtsdaten`` are used in order, one per question for the date, and the
    last one is repeated. The run ends as soon as the bot's answer is no longer a question of
    the form, and ``expect`` must then be in that answer. At most ``max_turns`` turns.
    """

    kundennummer: str
    name: str
    geburtsdaten: tuple[str, ...]
    expect: tuple[str, ...] = ()
    max_turns: int = 12


Step = Turn | Legitimation


@dataclass(frozen=True)
class CallScript:
    """A whole call: its turns and the tracker slots expected at the end."""

    name: str
    title: str
    steps: tuple[Step, ...]
    final_slots: dict[str, Any] = field(default_factory=dict)


SCRIPTS: tuple[CallScript, ...] = (
    CallScript(
        name="anna_abschlag",
        title="Anna Schmidt: Abschlag (GLF 3.301) bis zur Zustimmung, die sie nicht gibt",
        # Declining at the end keeps the call repeatable: no request is queued, so every
        # repetition under load walks the same path (status, hardship, amount, account).
        steps=(
            Turn("Hallo", (W_BEGRUESSUNG,)),
            Turn("Ich brauche einen Abschlag", (W_ABSCHLAG, W_ROLLE)),
            Turn("für mich selbst", (W_KUNDENNUMMER,)),
            Turn("123A456789", (W_NAME,)),
            Turn("Anna Schmidt", (W_GEBURTSDATUM,)),
            Turn("14.03.1985", (W_STIMMT, W_STATUS, W_HAERTE_FRAGE)),
            Turn("Meine Miete ist fällig und der Vermieter droht mit Kündigung",
                 (W_BETRAG_ANNA, W_KONTO)),
            Turn("ja, das Konto stimmt", (W_VERRECHNET,)),
            Turn("nein, dann doch lieber nicht", (W_KEINE_UEBERWEISUNG, W_WEITERES)),
            Turn("nein danke", (W_ABSCHIED,)),
        ),
        final_slots={"legitimation": "erfolgreich", "anliegen": "abschlag", "rolle": "kunde",
                     "abschlag_ergebnis": "keine_zustimmung"},
    ),
    CallScript(
        name="sabine_vero",
        title="Sabine Neumann: Online-Vertretung mit vollumfänglicher Vollmacht für Klaus",
        steps=(
            Turn("Guten Tag", (W_BEGRUESSUNG,)),
            Turn("Kann ich online für meinen Vater handeln? Ich habe eine Vollmacht.",
                 (W_VERTRETER_NAME,)),
            Turn("Sabine Neumann", (W_KUNDENNUMMER_VERTRETEN,)),
            Turn("678F901234", (W_GEBURTSDATUM_VERTRETEN,)),
            Turn("09.04.1962", (W_VOLLMACHT_VOLL, W_VERO, W_UNTERSTUETZUNG_FRAGE)),
            Turn("nein", (W_WEITERES,)),
            Turn("nein danke", (W_ABSCHIED,)),
        ),
        final_slots={"legitimation": "erfolgreich", "anliegen": "vero",
                     "rolle": "bevollmaechtigt", "vollmacht_umfang": "vollumfaenglich"},
    ),
    CallScript(
        name="thomas_schutz_m",
        title="Thomas Becker: Abschlag, Schutzkennzeichen M, Webauftrag an geschütztes Team",
        steps=(
            Turn("Hallo", (W_BEGRUESSUNG,)),
            Turn("Ich möchte einen Abschlag", (W_ABSCHLAG, W_ROLLE)),
            Turn("für mich selbst", (W_KUNDENNUMMER,)),
            Turn("456D789012", (W_NAME,)),
            # The bare "Thomas Becker" is not used: the model tags only "Becker" as the name
            # and the check fails (see bench/README.md, "Known findings").
            Turn("Ich heiße Thomas Becker", (W_GEBURTSDATUM,)),
            Turn("30.01.1990", (W_SCHUTZ, W_SCHUTZ_TEAM, W_UNTERSTUETZUNG_FRAGE)),
            Turn("nein", (W_WEITERES,)),
            Turn("nein danke", (W_ABSCHIED,)),
        ),
        final_slots={"legitimation": "schutzkennzeichen_m", "anliegen": "abschlag"},
    ),
    CallScript(
        name="angebote_nuernberg",
        title="Unterstützung vor Ort: Angebote für den Ort \"Nuernberg\"",
        steps=(
            Turn("Hallo", (W_BEGRUESSUNG,)),
            Turn("Ich brauche Hilfe vor Ort bei den Online-Angeboten",
                 (W_UNTERSTUETZUNG_VOR_ORT, W_STANDORT_FRAGE)),
            Turn("Nuernberg", (W_NUERNBERG, W_WEITERES)),
            Turn("nein danke", (W_ABSCHIED,)),
        ),
        final_slots={"anliegen": "unterstuetzung", "angebote_genannt": True,
                     "legitimation": None},
    ),
    CallScript(
        name="geburtsdatum_3x_falsch",
        title="Anna Schmidt nennt dreimal ein falsches Geburtsdatum: gesperrt, schriftlicher Weg",
        steps=(
            Turn("Hallo", (W_BEGRUESSUNG,)),
            Turn("Ich brauche einen Abschlag", (W_ABSCHLAG, W_ROLLE)),
            Turn("für mich selbst", (W_KUNDENNUMMER,)),
            Legitimation("123A456789", "Anna Schmidt",
                         ("15.03.1985", "16.03.1985", "17.03.1985"),
                         expect=(W_GESPERRT, W_ONLINE, W_UNTERSTUETZUNG_FRAGE)),
            Turn("nein", (W_WEITERES,)),
            Turn("nein danke", (W_ABSCHIED,)),
        ),
        final_slots={"legitimation": "gesperrt", "legitimation_versuche": 3.0},
    ),
)


def scripts_by_name(names: list[str] | None = None) -> list[CallScript]:
    """The scripts named (all if ``names`` is empty)."""
    if not names:
        return list(SCRIPTS)
    known = {s.name: s for s in SCRIPTS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"Unbekannte Skripte: {', '.join(unknown)} (bekannt: {', '.join(known)})")
    return [known[n] for n in names]


# -- running a call ------------------------------------------------------------------------

@dataclass
class TurnResult:
    """One measured turn: seconds from sending the message to the complete answer."""

    script: str
    sender: str
    index: int
    message: str
    seconds: float
    ok: bool
    texts: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class CallResult:
    """One call: its turns, and whether it ended as expected."""

    script: str
    sender: str
    turns: list[TurnResult] = field(default_factory=list)
    ok: bool = False
    error: str | None = None
    seconds: float = 0.0
    final_step: str | None = None
    #: stopped before its end because the measurement window closed (neither ok nor failed)
    abandoned: bool = False


class Conversation:
    """Talks to the REST channel as one sender and records every turn.

    ``think``: pause before every message but the first (not measured). ``deadline``
    (``time.monotonic()``): no message is sent after it; the call raises :class:`CallAbandoned`
    instead (a message already sent is still awaited and recorded).
    """

    def __init__(self, session: aiohttp.ClientSession, base_url: str, sender: str,
                 script: str, timeout: float, echo: Callable[[str], None] | None = None,
                 think: Think = 0.0, deadline: float | None = None):
        self.think = think
        self.deadline = deadline
        self.session = session
        self.base_url = base_url.rstrip("/")
        self.sender = sender
        self.script = script
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.turns: list[TurnResult] = []
        self.echo = echo

    async def say(self, message: str, expect: tuple[str, ...] = ()) -> list[str]:
        """Send one message; return the bot's texts. Raises CallFailed on any problem."""
        index = len(self.turns)
        if index:
            pause = self.think() if callable(self.think) else self.think
            if pause > 0:
                if self.deadline is not None:
                    pause = min(pause, max(0.0, self.deadline - time.monotonic()))
                await asyncio.sleep(pause)
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise CallAbandoned(f"Zug {index + 1}: Messzeit vorbei")
        start = time.perf_counter()
        try:
            async with self.session.post(
                f"{self.base_url}/webhooks/rest/webhook",
                json={"sender": self.sender, "message": message},
                timeout=self.timeout,
            ) as response:
                body = await response.json(content_type=None) if response.status == 200 else None
                status = response.status
                if status != 200:
                    raw = await response.text()
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            seconds = time.perf_counter() - start
            error = f"{type(exc).__name__}: {exc}"
            self.turns.append(TurnResult(self.script, self.sender, index, message, seconds,
                                         False, error=error))
            raise CallFailed(f"Zug {index + 1} {message!r}: {error}") from exc
        seconds = time.perf_counter() - start
        if status != 200:
            error = f"HTTP {status}: {raw[:200]}"
            self.turns.append(TurnResult(self.script, self.sender, index, message, seconds,
                                         False, error=error))
            raise CallFailed(f"Zug {index + 1} {message!r}: {error}")
        texts = [m.get("text") or "" for m in (body or [])]
        if self.echo:
            self.echo(f"  > {message}   [{seconds * 1000:.0f} ms]")
            for text in texts:
                self.echo(f"    < {text}")
        joined = "\n".join(texts)
        missing = [w for w in expect if w not in joined]
        if not texts or missing:
            error = (f"Antwort ohne erwarteten Text {missing!r}: {joined[:300]!r}"
                     if texts else "leere Antwort")
            self.turns.append(TurnResult(self.script, self.sender, index, message, seconds,
                                         False, texts, error))
            raise CallFailed(f"Zug {index + 1} {message!r}: {error}")
        self.turns.append(TurnResult(self.script, self.sender, index, message, seconds,
                                     True, texts))
        return texts

    async def tracker(self) -> dict[str, Any]:
        """The conversation's tracker (not measured as a turn)."""
        async with self.session.get(
            f"{self.base_url}/conversations/{self.sender}/tracker",
            params={"include_events": "NONE"}, timeout=self.timeout,
        ) as response:
            if response.status != 200:
                raise CallFailed(f"Tracker: HTTP {response.status}")
            return await response.json(content_type=None)


async def _legitimation(conv: Conversation, step: Legitimation, last: list[str]) -> list[str]:
    """Answer the legitimation form's questions until the form is left."""
    dates = list(step.geburtsdaten)
    date_index = 0
    for _ in range(step.max_turns):
        question = last[-1] if last else ""
        if W_GEBURTSDATUM in question:
            answer = dates[min(date_index, len(dates) - 1)]
            date_index += 1
        elif W_NAME in question:
            answer = step.name
        elif W_KUNDENNUMMER in question:
            answer = step.kundennummer
        else:
            joined = "\n".join(last)
            missing = [w for w in step.expect if w not in joined]
            if missing:
                raise CallFailed(f"Legitimation endet ohne {missing!r}: {joined[:300]!r}")
            return last
        last = await conv.say(answer)
    raise CallFailed(f"Legitimation nach {step.max_turns} Zügen nicht beendet")


async def run_call(session: aiohttp.ClientSession, base_url: str, script: CallScript,
                   sender: str | None = None, timeout: float = 30.0,
                   echo: Callable[[str], None] | None = None,
                   think: Think = 0.0, deadline: float | None = None) -> CallResult:
    """Run one whole call; never raises for dialogue problems (see ``CallResult.error``).

    ``think``: seconds the caller pauses before each message after the first (not measured),
    or a function drawing them. ``deadline``: see :class:`Conversation`; a call cut off by it
    ends with ``abandoned`` set (not ``ok``, no ``error``).
    """
    sender = sender or f"bench-{script.name}-{uuid.uuid4().hex[:12]}"
    conv = Conversation(session, base_url, sender, script.name, timeout, echo, think, deadline)
    result = CallResult(script.name, sender)
    start = time.perf_counter()
    try:
        last: list[str] = []
        for step in script.steps:
            if isinstance(step, Turn):
                last = await conv.say(step.message, step.expect)
            else:
                last = await _legitimation(conv, step, last)
        tracker = await conv.tracker()
        slots = tracker.get("slots") or {}
        result.final_step = slots.get("guide_step")
        if result.final_step != END_STEP:
            raise CallFailed(f"endet in Schritt {result.final_step!r} statt {END_STEP}")
        wrong = {k: slots.get(k) for k, v in script.final_slots.items() if slots.get(k) != v}
        if wrong:
            raise CallFailed(f"Slots am Ende {wrong!r}, erwartet "
                             f"{ {k: script.final_slots[k] for k in wrong}!r}")
        result.ok = True
    except CallAbandoned:
        result.abandoned = True
    except CallFailed as exc:
        result.error = f"{script.name} ({sender}): {exc}"
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        result.error = f"{script.name} ({sender}): Tracker: {type(exc).__name__}: {exc}"
    result.seconds = time.perf_counter() - start
    result.turns = conv.turns
    return result


async def verify(base_url: str, scripts: list[CallScript] | None = None, echo: bool = False,
                 timeout: float = 30.0) -> list[CallResult]:
    """Run every script once, one after the other."""
    out = print if echo else None
    results = []
    async with aiohttp.ClientSession() as session:
        for script in scripts or SCRIPTS:
            if out:
                out(f"\n## {script.name}: {script.title}")
            result = await run_call(session, base_url, script, timeout=timeout, echo=out)
            if out:
                out(f"  => {'OK' if result.ok else 'FEHLER: ' + str(result.error)}"
                    f" (Schritt {result.final_step}, {len(result.turns)} Züge)")
            results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.calls", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="Rasa server, e.g. http://127.0.0.1:18005")
    parser.add_argument("--script", action="append", help="only this script (repeatable)")
    args = parser.parse_args(argv)
    results = asyncio.run(verify(args.url, scripts_by_name(args.script), echo=True))
    failed = [r for r in results if not r.ok]
    print(f"\n{len(results) - len(failed)}/{len(results)} Gespräche wie erwartet.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
