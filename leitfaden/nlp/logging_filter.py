"""Mask IBANs and Kundennummern in every log record before any handler writes it.

:func:`install` wraps the log-record factory, so records of *all* loggers (Rasa, Sanic, SQL,
ours) are masked when they are created, and also attaches :class:`MaskingFilter` to the root
logger and its handlers. Masking works on the rendered message (``msg % args``) and on the
formatted exception text; a record is only touched if something had to be masked.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any

from leitfaden.nlp.normalise import mask_iban

__all__ = ["MaskingFilter", "install", "mask_text", "uninstall"]

_IBAN_RE = re.compile(
    r"\b[A-Z]{2}\d{2}(?:"
    r"[A-Z0-9]{11,30}"  # compact
    r"|(?:[ \-]?[A-Z0-9]{4}){2,7}(?:[ \-]?[A-Z0-9]{1,4})?"  # in blocks
    r")\b",
    re.IGNORECASE,
)
_KUNDENNUMMER_RE = re.compile(r"\b(\d{3})[ .\-]?([A-Z])[ .\-]?\d{4}(\d{2})\b", re.IGNORECASE)


def _mask_iban_match(match: re.Match[str]) -> str:
    """Replacement for an IBAN-shaped match: country code and last four characters."""
    return mask_iban(match.group(0))


def _mask_kundennummer_match(match: re.Match[str]) -> str:
    """Replacement for a Kundennummer-shaped match: ``123A****89``."""
    return f"{match.group(1)}{match.group(2).upper()}****{match.group(3)}"


def mask_text(text: str) -> str:
    """Return ``text`` with every IBAN and Kundennummer in it masked."""
    masked = _IBAN_RE.sub(_mask_iban_match, text)
    return _KUNDENNUMMER_RE.sub(_mask_kundennummer_match, masked)


def _mask_record(record: logging.LogRecord) -> None:
    """Mask a record in place: rendered message, exception text and stack info."""
    try:
        rendered = record.getMessage()
    except (TypeError, ValueError, KeyError):  # broken format: logging reports it itself
        return
    masked = mask_text(rendered)
    if masked != rendered:
        record.msg = masked
        record.args = ()
    if record.exc_info and not record.exc_text:
        # Only pre-render the traceback if it needs masking; otherwise formatters keep theirs.
        formatted = logging.Formatter().formatException(record.exc_info)
        if mask_text(formatted) != formatted:
            record.exc_text = mask_text(formatted)
    elif record.exc_text:
        record.exc_text = mask_text(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_text(record.stack_info)


class MaskingFilter(logging.Filter):
    """A filter that never drops a record but masks IBANs and Kundennummern in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask ``record`` in place and let it through."""
        if not getattr(record, "_leitfaden_masked", False):
            _mask_record(record)
            record._leitfaden_masked = True
        return True


_lock = threading.Lock()
_filter = MaskingFilter()
_previous_factory: Callable[..., logging.LogRecord] | None = None


def _masking_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Record factory that masks each record right after the wrapped factory made it."""
    factory = _previous_factory or logging.LogRecord
    record = factory(*args, **kwargs)
    _filter.filter(record)
    return record


def install() -> MaskingFilter:
    """Mask every log record from now on (idempotent); return the filter in use."""
    global _previous_factory
    with _lock:
        if logging.getLogRecordFactory() is not _masking_factory:
            _previous_factory = logging.getLogRecordFactory()
            logging.setLogRecordFactory(_masking_factory)
        root = logging.getLogger()
        if _filter not in root.filters:
            root.addFilter(_filter)
        for handler in root.handlers:
            if _filter not in handler.filters:
                handler.addFilter(_filter)
    return _filter


def uninstall() -> None:
    """Undo :func:`install` (for tests)."""
    global _previous_factory
    with _lock:
        if logging.getLogRecordFactory() is _masking_factory:
            logging.setLogRecordFactory(_previous_factory or logging.LogRecord)
        _previous_factory = None
        root = logging.getLogger()
        root.removeFilter(_filter)
        for handler in root.handlers:
            handler.removeFilter(_filter)
