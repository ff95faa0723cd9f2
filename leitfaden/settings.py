"""Configuration from the environment, with the embedded defaults of ``make run``."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"


def database_url() -> str:
    """SQLAlchemy URL of the store: ``LEITFADEN_DATABASE_URL`` or the SQLite file in ``var/``."""
    url = os.environ.get("LEITFADEN_DATABASE_URL", "").strip()
    if url:
        return url
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'leitfaden.db'}"


def guidelines_dir() -> Path:
    """Folder holding the guides (``LEITFADEN_GUIDELINES`` overrides, for trainers' drafts)."""
    return Path(os.environ.get("LEITFADEN_GUIDELINES", PROJECT_ROOT / "guidelines"))


def spacy_model_dir() -> Path:
    """Where the project's German spaCy pipeline is saved and loaded from."""
    return Path(os.environ.get("LEITFADEN_SPACY_MODEL", PROJECT_ROOT / "var" / "spacy-de"))


def web_url() -> str:
    """Public address of the web app (IPSC, Webauftrag API): ``LEITFADEN_WEB_URL``."""
    return os.environ.get("LEITFADEN_WEB_URL", "").strip() or "http://127.0.0.1:8080"


def rasa_url() -> str:
    """Address of the Rasa server as the web app reaches it: ``LEITFADEN_RASA_URL``."""
    url = os.environ.get("LEITFADEN_RASA_URL", "").strip() or "http://127.0.0.1:5005"
    return url.rstrip("/")


def rasa_url_oeffentlich() -> str:
    """Address of the Rasa server as browsers reach it (socket.io of the customer chat):
    ``LEITFADEN_RASA_URL_OEFFENTLICH``, else :func:`rasa_url`."""
    return (os.environ.get("LEITFADEN_RASA_URL_OEFFENTLICH", "").strip() or rasa_url()).rstrip("/")
