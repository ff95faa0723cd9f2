"""Engine, migrations and sessions of the store.

SQLite serves development and tests, PostgreSQL (psycopg2) production.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from leitfaden import settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

#: Key of the PostgreSQL advisory lock that serialises concurrent ``migrate`` calls.
_MIGRATE_LOCK = 727_3001

SQLITE_BUSY_TIMEOUT_MS = 10_000


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` (as some platforms print it) as ``postgresql://``."""
    if url.startswith("postgres://"):
        return "postgresql://" + url[len("postgres://"):]
    return url


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """Create a 2.0-style engine for ``url`` (default: :func:`settings.database_url`).

    SQLite gets foreign keys, WAL and a busy timeout on every connection;
    PostgreSQL goes through psycopg2 with pre-ping.
    """
    url = normalise_url(url or settings.database_url())
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        connect_args = kwargs.pop("connect_args", {})
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
        connect_args.setdefault("check_same_thread", False)
        in_memory = parsed.database in (None, "", ":memory:")
        if not in_memory:
            # a pool of open connections, as SQLAlchemy 2.0 does for files: without it every
            # session opens the file and runs the pragmas again (1.4 default: NullPool)
            kwargs.setdefault("poolclass", QueuePool)
        engine = create_engine(url, future=True, connect_args=connect_args, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, future=True, **kwargs)


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Autogenerate filter: ignore SQLite's internal ``sqlite_sequence`` table."""
    return not (type_ == "table" and name == "sqlite_sequence")


def alembic_config(url: str | None = None) -> Config:
    """An alembic configuration pointing at the packaged migrations (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest revision of the packaged migrations."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` if never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(url_or_engine: str | Engine | None = None) -> str:
    """Upgrade the database to the newest revision (idempotent); return that revision."""
    if isinstance(url_or_engine, Engine):
        engine, own = url_or_engine, False
    else:
        engine, own = make_engine(url_or_engine), True
    try:
        config = alembic_config()
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATE_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
        return current_revision(engine) or ""
    finally:
        if own:
            engine.dispose()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error (objects stay readable)."""
    session = Session(bind=engine, future=True, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def auf_migrierter_datenbank(url: str | None, befehl: Callable[[Engine], int]) -> int:
    """Run a command-line command on the store at ``url`` (default: the configured one),
    migrated first; return its exit code. The engine is disposed afterwards."""
    engine = make_engine(normalise_url(url or settings.database_url()))
    try:
        migrate(engine)
        return befehl(engine)
    finally:
        engine.dispose()
