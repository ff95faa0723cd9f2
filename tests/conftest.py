"""Shared fixtures for the store: every test using ``engine`` runs on SQLite and PostgreSQL.

Data is built through the store the app uses (``migrate`` + ``load_demo_data``).
PostgreSQL: ``LEITFADEN_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``);
a fresh uniquely named schema per database is created for the session and dropped afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError

from leitfaden.store.db import make_engine, migrate, session_scope
from leitfaden.store.demo import load_demo_data
from leitfaden.store.models import AuditEintrag, metadata
from leitfaden.store.repository import SqlRepository

PG_ENV = "LEITFADEN_TEST_POSTGRES_URL"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


class DatenbankFabrik:
    """Hands out fresh, empty databases on one back end and removes them at the end.

    SQLite: one file per database. PostgreSQL: one uniquely named schema per database (the
    URL selects it via ``search_path``), so only the right to create schemas is needed.
    """

    def __init__(self, backend: str, tmp_dir=None, pg_url: str | None = None) -> None:
        self.backend = backend
        self._tmp_dir = tmp_dir
        self._pg_url = pg_url
        self._praefix = f"leitfaden_test_{uuid.uuid4().hex[:10]}"
        self._erzeugt: list[str] = []

    def neue_url(self) -> str:
        """URL of a new empty database."""
        name = f"{self._praefix}_{len(self._erzeugt)}"
        self._erzeugt.append(name)
        if self.backend == "sqlite":
            return f"sqlite:///{self._tmp_dir / (name + '.db')}"
        with self._admin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        url = make_url(self._pg_url).update_query_dict({"options": f"-csearch_path={name}"})
        return url.render_as_string(hide_password=False)

    def aufraeumen(self) -> None:
        """Drop every schema created in this session (PostgreSQL)."""
        if self.backend != "postgresql":
            return
        with self._admin() as conn:
            for name in self._erzeugt:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))

    @contextmanager
    def _admin(self) -> Iterator[Connection]:
        admin = create_engine(self._pg_url, isolation_level="AUTOCOMMIT", future=True)
        try:
            with admin.connect() as conn:
                yield conn
        finally:
            admin.dispose()


def _postgres_url_oder_skip() -> str:
    url = os.environ.get(PG_ENV, "").strip() or PG_DEFAULT
    anzeige = make_url(url).render_as_string(hide_password=True)
    try:
        engine = create_engine(url, future=True, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except DBAPIError as exc:
        first_line = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        pytest.skip(f"PostgreSQL nicht erreichbar unter {anzeige} ({PG_ENV}): {first_line}")
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def testdatenbanken(request, tmp_path_factory) -> Iterator[DatenbankFabrik]:
    """Factory of fresh databases, once per back end."""
    if request.param == "postgresql":
        dbs = DatenbankFabrik("postgresql", pg_url=_postgres_url_oder_skip())
    else:
        dbs = DatenbankFabrik("sqlite", tmp_dir=tmp_path_factory.mktemp("store"))
    yield dbs
    dbs.aufraeumen()


@pytest.fixture(scope="session")
def datenbank_url(testdatenbanken: DatenbankFabrik) -> str:
    """A database migrated to head, shared by the session's tests on one back end."""
    url = testdatenbanken.neue_url()
    migrate(url)
    return url


@pytest.fixture
def leere_datenbank_url(testdatenbanken: DatenbankFabrik) -> str:
    """A fresh database without any tables."""
    return testdatenbanken.neue_url()


def _leeren(engine: Engine) -> None:
    """Remove all rows except the append-only audit trail."""
    with session_scope(engine) as s:
        for tabelle in reversed(metadata.sorted_tables):
            if tabelle.name != AuditEintrag.__tablename__:
                s.execute(tabelle.delete())


@pytest.fixture
def engine(datenbank_url: str) -> Iterator[Engine]:
    """Engine on the migrated database, holding exactly the demo data."""
    eng = make_engine(datenbank_url)
    _leeren(eng)
    load_demo_data(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def repo(engine: Engine) -> SqlRepository:
    """The SQL repository on the demo data."""
    return SqlRepository(engine)


@pytest.fixture
def stichtag(monkeypatch) -> dt.date:
    """Fix the project clock to the contract's reference day 2026-11-18."""
    monkeypatch.setenv("LEITFADEN_TODAY", "2026-11-18")
    return dt.date(2026, 11, 18)


@pytest.fixture(autouse=True)
def agent_geheimnis(monkeypatch) -> str:
    """The secret the agent channel signs employees with (as make run and the servers set)."""
    monkeypatch.setenv("LEITFADEN_AGENT_GEHEIMNIS", "test-geheimnis")
    return "test-geheimnis"
