"""Webauftrag intake: Agenturen report new, changed and ended support offers as YAML.

:mod:`~leitfaden.webauftrag.dokument` reads and checks a document,
:mod:`~leitfaden.webauftrag.eingang` checks it against the store and applies it (one
transaction, idempotent per Agentur and number), keeps the history and the API tokens.
Template for Agenturen: ``guidelines/webauftrag-beispiel.yml``.
"""

from leitfaden.webauftrag.dokument import (
    Fehler,
    WebauftragDokument,
    WebauftragUngueltig,
    lesen,
)
from leitfaden.webauftrag.eingang import (
    Aenderung,
    Ergebnis,
    TokenRecord,
    WebauftragKonflikt,
    WebauftragRecord,
    agentur_fuer_token,
    einreichen,
    pruefen,
    token_erzeugen,
    token_widerrufen,
    tokens,
    verlauf,
)

__all__ = [
    "Aenderung",
    "Ergebnis",
    "Fehler",
    "TokenRecord",
    "WebauftragDokument",
    "WebauftragKonflikt",
    "WebauftragRecord",
    "WebauftragUngueltig",
    "agentur_fuer_token",
    "einreichen",
    "lesen",
    "pruefen",
    "token_erzeugen",
    "token_widerrufen",
    "tokens",
    "verlauf",
]
