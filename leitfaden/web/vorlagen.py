"""Jinja2 templates (autoescape on) and the HTML response helper."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
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
umgebung.filters.update(JINJA_FILTER)
umgebung.filters["art_label"] = art_label
umgebung.globals.update(ANGEBOTSARTEN=ANGEBOTSARTEN, anzahl_angebote=anzahl_angebote)


def seite(vorlage: str, *, status: int = 200, **kontext: Any) -> HTTPResponse:
    """Render a page template as an HTML response (``heute`` is always available)."""
    kontext.setdefault("heute", clock.today())
    kontext.setdefault("aktiv", "")
    return html(umgebung.get_template(vorlage).render(**kontext), status=status)
