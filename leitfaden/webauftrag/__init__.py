"""Webauftrag intake: Agenturen report new, changed and ended support offers as YAML.

:mod:`~leitfaden.webauftrag.dokument` reads and checks a document,
:mod:`~leitfaden.webauftrag.eingang` checks it against the store and applies it (one
transaction, idempotent per Agentur and number), keeps the history and the API tokens.
Template for Agenturen: ``guidelines/webauftrag-beispiel.yml``.
"""

from leitfaden.webauftrag.dokument import (
    Fehler,
    FremdeAgentur,
    WebauftragDokument,
    WebauftragUngueltig,
    lesen,
)
from leitfaden.webauftrag.eingang import (
    Aenderung,
    Ergebnis,
    NeuerToken,
    TokenRecord,
    WebauftragKonflikt,
    WebauftragRecord,
    agentur_fuer_token,
    einreichen,
    pruefen,
    token_erzeugen,
    token_erzeugen_mit_id,
    token_widerrufen,
    tokens,
    verlauf,
)

__all__ = [
    "Aenderung",
    "Ergebnis",
    "Fehler",
    "FremdeAgentur",
    "NeuerToken",
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
    "token_erzeugen_mit_id",
    "token_widerrufen",
    "tokens",
    "verlauf",
]
