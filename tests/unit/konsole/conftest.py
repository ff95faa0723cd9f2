"""Console tests run on the reference day 2026-11-18 with the project's guides, on the demo
data of the store the app uses (``engine`` from tests/conftest.py: SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from konsole_hilfen import HEUTE, TrackerBau
from sqlalchemy.engine import Engine

from leitfaden.konsole import GespraechRecord, gespraech_beginnen


@pytest.fixture(autouse=True)
def heute(monkeypatch, stichtag) -> dt.date:
    """The project clock on the reference day; the guides of the project."""
    monkeypatch.delenv("LEITFADEN_GUIDELINES", raising=False)
    assert stichtag == HEUTE
    return HEUTE


@pytest.fixture
def gespraech(engine: Engine) -> GespraechRecord:
    """A console conversation of the SOC-L demo employee."""
    return gespraech_beginnen(engine, "socl-demo")


@pytest.fixture
def bau(gespraech: GespraechRecord) -> TrackerBau:
    """An empty tracker for that conversation."""
    return TrackerBau(gespraech.sender_id)
