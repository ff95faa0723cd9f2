"""Over-long messages (e.g. 10,000 pasted characters) are not interpreted, only answered.

Installed by the launcher (``python -m leitfaden_rasa``) for every channel. A message longer
than ``leitfaden.nlp.laenge.MAX_ZEICHEN`` is shortened *before* Rasa stores it (the tracker
keeps its first ``GESPEICHERT_ZEICHEN`` characters, not pages of possibly personal text),
marked in its metadata, and parsed as ``nlu_fallback`` without entities: no slot changes, no
intent guessed from a fragment. The fallback action then asks for a short summary (wording
``nachricht_zu_lang`` of the guide in force) and repeats the open question.
"""

from __future__ import annotations

from typing import Any

from leitfaden.nlp.laenge import MARKE, gekuerzt, ist_gekuerzt

_original: dict[str, Any] = {}


def kuerzen(message: Any) -> bool:
    """Shorten an over-long ``UserMessage`` in place and mark it; True if it was too long."""
    kurz = gekuerzt(message.text or "")
    if kurz is None:
        return False
    message.metadata = {**(message.metadata or {}), MARKE: len(message.text)}
    message.text = kurz
    return True


def parse_ohne_nlu(text: str) -> dict[str, Any]:
    """Parse result for a shortened message: ``nlu_fallback``, no entities."""
    intent = {"name": "nlu_fallback", "confidence": 1.0}
    return {"text": text, "intent": intent, "entities": [], "intent_ranking": [intent]}


def install() -> None:
    """Wrap ``MessageProcessor.handle_message`` and ``parse_message`` (idempotent)."""
    from rasa.core.processor import MessageProcessor

    if _original:
        return
    _original["handle"] = MessageProcessor.handle_message
    _original["parse"] = MessageProcessor.parse_message

    async def handle_message(self: Any, message: Any) -> Any:
        kuerzen(message)
        return await _original["handle"](self, message)

    async def parse_message(self: Any, message: Any, tracker: Any = None,
                            only_output_properties: bool = True) -> dict[str, Any]:
        if ist_gekuerzt(message.metadata):
            return parse_ohne_nlu(message.text)
        return await _original["parse"](self, message, tracker, only_output_properties)

    MessageProcessor.handle_message = handle_message  # type: ignore[method-assign]
    MessageProcessor.parse_message = parse_message  # type: ignore[method-assign]


def uninstall() -> None:
    """Restore Rasa's methods (tests)."""
    from rasa.core.processor import MessageProcessor

    if _original:
        MessageProcessor.handle_message = _original.pop("handle")  # type: ignore[method-assign]
        MessageProcessor.parse_message = _original.pop("parse")  # type: ignore[method-assign]
