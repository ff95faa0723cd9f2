"""Jinja2 templates (autoescape on) and the HTML response helpers.

Every page gets ``heute``, ``aktiv`` (key of the current navigation entry), ``mitarbeiter``
(the signed-in :class:`~leitfaden.mitarbeiter.MitarbeiterRecord` or ``None``) and ``csrf``
(the session's CSRF token or ``""``); :func:`seite_fuer` takes the last two from the request.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sanic.request import Request
from sanic.response import HTTPResponse, html

from leitfaden import clock
from leitfaden.angebotsregister import art_label
from leitfaden.store.records import ANGEBOTSARTEN
from leitfaden.web.formate import JINJA_FILTER, anzahl_angebote

VORLAGEN_DIR = Path(__file__).resolve().parent / "templates"

umgebung = Environment(
    loader=FileSystemLoader(VORLAGEN_DIR),
    autoescape=select_autoescape(["html"], default_for_string=True, default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
#: German names of the employee roles.
ROLLEN_NAMEN = {
    "sc": "Service Center",
    "socl": "SOC-L",
    "trainer": "Training",
    "admin": "Administration",
}

#: Main navigation: (``aktiv`` key, label, address, roles that see the entry).
NAVIGATION: tuple[tuple[str, str, str, frozenset[str]], ...] = (
    ("konsole", "Gesprächsleitfaden", "/konsole", frozenset({"sc", "socl", "trainer"})),
    ("warteschlange", "Warteschlange", "/warteschlange", frozenset({"socl", "admin"})),
    ("angebote", "Unterstützungsangebote", "/ipsc/angebote", frozenset(ROLLEN_NAMEN)),
    ("konten", "Konten", "/verwaltung/konten", frozenset({"admin"})),
)


def rolle_name(rolle: str) -> str:
    """German name of a role (the code itself if unknown)."""
    return ROLLEN_NAMEN.get(rolle, rolle)


def navigation_fuer(rolle: str | None) -> list[tuple[str, str, str]]:
    """The navigation entries (key, label, address) a role may use; none without sign-in."""
    return [(k, label, ziel) for k, label, ziel, rollen in NAVIGATION if rolle in rollen]


umgebung.filters.update(JINJA_FILTER)
umgebung.filters["art_label"] = art_label
umgebung.filters["rolle_name"] = rolle_name
umgebung.globals.update(ANGEBOTSARTEN=ANGEBOTSARTEN, anzahl_angebote=anzahl_angebote,
                        navigation_fuer=navigation_fuer)


def seite(vorlage: str, *, status: int = 200, **kontext: Any) -> HTTPResponse:
    """Render a page template as an HTML response.

    ``heute`` is always available; ``aktiv``, ``mitarbeiter`` and ``csrf`` default to
    "nothing" (a page without sign-in, e.g. the customers' chat).
    """
    kontext.setdefault("heute", clock.today())
    kontext.setdefault("aktiv", "")
    kontext.setdefault("mitarbeiter", None)
    kontext.setdefault("csrf", "")
    return html(umgebung.get_template(vorlage).render(**kontext), status=status)


def seite_fuer(request: Request, vorlage: str, *, status: int = 200,
               **kontext: Any) -> HTTPResponse:
    """:func:`seite` for the signed-in employee: adds ``mitarbeiter`` and ``csrf``.

    Both come from ``request.ctx`` (set by :func:`leitfaden.web.sitzung.sitzung_laden`);
    without a session they are ``None`` and ``""``.
    """
    sitzung = getattr(request.ctx, "sitzung", None)
    kontext.setdefault("mitarbeiter", getattr(request.ctx, "mitarbeiter", None))
    kontext.setdefault("csrf", sitzung.csrf if sitzung is not None else "")
    return seite(vorlage, status=status, **kontext)
