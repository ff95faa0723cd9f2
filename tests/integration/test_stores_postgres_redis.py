"""The production set-up: tracker store in PostgreSQL, lock store in Redis, two Sanic workers.

Runs for real where PostgreSQL (127.0.0.1:5432, database ``test``) and Redis (127.0.0.1:6379)
are up, as on the developers' machines and CI; elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import os
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text

from leitfaden.servers import running_servers

pytestmark = pytest.mark.integration

PG_URL = os.environ.get("LEITFADEN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _erreichbar(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def pg_redis_servers():
    if not _erreichbar(5432):
        pytest.skip("PostgreSQL auf 127.0.0.1:5432 nicht erreichbar")
    if not _erreichbar(6379):
        pytest.skip("Redis auf 127.0.0.1:6379 nicht erreichbar")
    db = f"leitfaden_tracker_{uuid.uuid4().hex[:8]}"
    tracker = (f"tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: 127.0.0.1\n"
               f"  port: 5432\n  username: postgres\n  db: {db}\n  login_db: test\n")
    lock = (f"lock_store:\n  type: redis\n  url: 127.0.0.1\n  port: 6379\n  db: 1\n"
            f"  key_prefix: {db}\n")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with running_servers(tracker_store=tracker, lock_store=lock, workers=2) as servers:
            yield servers, db
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()


def _sage(servers, sender: str, message: str) -> list[dict]:
    response = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": message}, timeout=60)
    response.raise_for_status()
    return response.json()


def test_gespraeche_landen_im_postgres_tracker_store(pg_redis_servers):
    servers, db = pg_redis_servers
    senders = [f"pg-{i}-{uuid.uuid4().hex[:6]}" for i in range(6)]

    def anruf(sender: str) -> str:
        _sage(servers, sender, "Hallo")
        _sage(servers, sender, "Wie melde ich mich im Online-Portal an?")
        _sage(servers, sender, "Für mich selbst")
        return requests.get(f"{servers.rasa_url}/conversations/{sender}/tracker",
                            timeout=30).json()["slots"]["guide_step"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        schritte = list(pool.map(anruf, senders))
    assert schritte == ["3.000.6"] * len(senders)

    engine = create_engine(PG_URL.rsplit("/", 1)[0] + f"/{db}")
    with engine.connect() as conn:
        zeilen = conn.execute(text("SELECT DISTINCT sender_id FROM events"))
        gespeichert = {row[0] for row in zeilen}
    engine.dispose()
    assert set(senders) <= gespeichert


def test_gleichzeitige_nachrichten_einer_unterhaltung_werden_nacheinander_bearbeitet(
        pg_redis_servers):
    servers, _ = pg_redis_servers
    sender = f"lock-{uuid.uuid4().hex[:8]}"
    _sage(servers, sender, "Hallo")
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda m: _sage(servers, sender, m),
                      ["Bin ich mit einem Bot verbunden?"] * 4))
    events = requests.get(f"{servers.rasa_url}/conversations/{sender}/tracker",
                          timeout=30).json()["events"]
    users = [e for e in events if e["event"] == "user"]
    antworten = [e for e in events if e["event"] == "action"
                 and e["name"] == "action_antwort_bot_frage"]
    assert len(users) == 5
    assert len(antworten) == 4
