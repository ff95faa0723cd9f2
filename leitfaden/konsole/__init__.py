"""The employee's console ("Konsole"): guide panel, Pflichthinweise, deviations, cards.

Rasa-free core of the chat pane: reads Rasa's tracker JSON as plain dicts and the store.
:mod:`leitfaden.konsole.protokoll` keeps the conversation's record (ticks, deviations),
:mod:`leitfaden.konsole.panel` builds the panel shown beside the chat.
"""

from leitfaden.konsole.panel import Panel, panel_erstellen
from leitfaden.konsole.protokoll import (
    AbweichungRecord,
    BestaetigungRecord,
    GespraechBeendet,
    GespraechRecord,
    GespraechUnbekannt,
    Protokoll,
    gespraech,
    gespraech_beenden,
    gespraech_beginnen,
    gespraech_nach_id,
    hinweis_bestaetigen,
    protokoll,
    schritte_pruefen,
)

__all__ = [
    "AbweichungRecord", "BestaetigungRecord", "GespraechBeendet", "GespraechRecord",
    "GespraechUnbekannt", "Panel", "Protokoll", "gespraech", "gespraech_beenden",
    "gespraech_beginnen", "gespraech_nach_id", "hinweis_bestaetigen", "panel_erstellen",
    "protokoll", "schritte_pruefen",
]
