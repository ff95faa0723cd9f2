"""The store the actions use: one repository per process, replaceable in tests."""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

from leitfaden import settings
from leitfaden.store.db import make_engine
from leitfaden.store.repository import Repository, SqlRepository

_lock = threading.Lock()
_repository: Repository | None = None


def repository() -> Repository:
    """The repository on ``settings.database_url()`` (created on first use)."""
    global _repository
    with _lock:
        if _repository is None:
            _repository = SqlRepository(make_engine(settings.database_url()))
        return _repository


def use_repository(repo: Repository | None) -> None:
    """Replace the process's repository (tests; a real back-end adapter)."""
    global _repository
    with _lock:
        _repository = repo


def engine() -> Engine:
    """The SQL store's engine, for the ledger and the work queue (one pool per process)."""
    return repository().engine  # type: ignore[attr-defined]
