"""Tests for leitfaden.nlp.logging_filter: IBANs and Kundennummern never reach a log."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from leitfaden.nlp import logging_filter
from leitfaden.nlp.logging_filter import MaskingFilter, mask_text

IBAN = "DE89 3704 0044 0532 0130 00"
IBAN_MASKED = "DE** **** **** **** **30 00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"IBAN {IBAN} gespeichert", f"IBAN {IBAN_MASKED} gespeichert"),
        ("iban=DE89370400440532013000;", f"iban={IBAN_MASKED};"),
        ("de89 3704 0044 0532 0130 00", IBAN_MASKED),
        ("GB82 WEST 1234 5698 7654 32", "GB** **** **** **** **54 32"),
        ("Kunde 123A456789 angemeldet", "Kunde 123A****89 angemeldet"),
        ("kdnr 123 a 456789", "kdnr 123A****89"),
        ("{'text': '123-A-456789'}", "{'text': '123A****89'}"),
        (
            f"123A456789 ändert Konto auf {IBAN}",
            f"123A****89 ändert Konto auf {IBAN_MASKED}",
        ),
    ],
)
def test_mask_text(text: str, expected: str) -> None:
    assert mask_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "PLZ 90402, Betrag 889,10 €, geb. 14.03.1985",
        "Tel. 0911 123456",
        "request 550e8400-e29b-41d4-a716-446655440000",
        "2026-11-18 12:00:00 INFO rasa.core",
        "Abschlag für 17 Tage",
    ],
)
def test_mask_text_leaves_other_text_alone(text: str) -> None:
    assert mask_text(text) == text


def _record(msg: str, *args: object) -> logging.LogRecord:
    """A plain record as a logger would make it."""
    return logging.LogRecord("test", logging.INFO, __file__, 1, msg, args, None)


def test_filter_masks_args_and_keeps_the_record() -> None:
    record = _record("Kunde %s, IBAN %s", "123A456789", IBAN)
    assert MaskingFilter().filter(record) is True
    assert record.getMessage() == f"Kunde 123A****89, IBAN {IBAN_MASKED}"
    assert "123A456789" not in str(record.args)


def test_filter_masks_mapping_args() -> None:
    record = _record("Kunde %(k)s", {"k": "123a456789"})
    MaskingFilter().filter(record)
    assert record.getMessage() == "Kunde 123A****89"


def test_filter_leaves_harmless_records_untouched() -> None:
    record = _record("Abschlag %s für %d Tage", "889,10 €", 17)
    MaskingFilter().filter(record)
    assert record.msg == "Abschlag %s für %d Tage"
    assert record.args == ("889,10 €", 17)


def test_filter_tolerates_broken_format_strings() -> None:
    record = _record("zu viele %s %s", "eins")
    assert MaskingFilter().filter(record) is True
    assert record.msg == "zu viele %s %s"


@pytest.fixture
def installed() -> Iterator[None]:
    """Install the masking for one test and take it away again."""
    logging_filter.install()
    yield
    logging_filter.uninstall()


def _capture(logger: logging.Logger) -> io.StringIO:
    """Give ``logger`` its own handler (as Sanic's loggers have) and return its stream."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return stream


@pytest.mark.usefixtures("installed")
@pytest.mark.parametrize("name", ["sanic.access", "rasa.core.processor", "leitfaden.test"])
def test_install_masks_every_logger(name: str) -> None:
    logger = logging.getLogger(name)
    stream = _capture(logger)
    try:
        logger.debug("Received user message '%s' with IBAN %s", "123 A 456789", IBAN)
    finally:
        logger.handlers.clear()
        logger.propagate = True
    out = stream.getvalue()
    assert "123A****89" in out and IBAN_MASKED in out
    assert "456789" not in out and "0532" not in out


@pytest.mark.usefixtures("installed")
def test_install_masks_exception_text() -> None:
    logger = logging.getLogger("leitfaden.test.exc")
    stream = _capture(logger)
    try:
        try:
            raise ValueError(f"IBAN {IBAN} ungültig")
        except ValueError:
            logger.exception("Fehler bei %s", "123A456789")
    finally:
        logger.handlers.clear()
        logger.propagate = True
    out = stream.getvalue()
    assert "Traceback" in out
    assert IBAN_MASKED in out and "123A****89" in out
    assert IBAN not in out and "123A456789" not in out


def test_install_adds_filter_to_root_handlers_and_is_idempotent() -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler(io.StringIO())
    root.addHandler(handler)
    try:
        first = logging_filter.install()
        second = logging_filter.install()
        assert first is second
        assert handler.filters.count(first) == 1
        assert root.filters.count(first) == 1
        factory = logging.getLogRecordFactory()
        logging_filter.install()
        assert logging.getLogRecordFactory() is factory  # not wrapped twice
    finally:
        logging_filter.uninstall()
        root.removeHandler(handler)
    assert handler.filters == []
    record = logging.getLogRecordFactory()(
        "x", logging.INFO, __file__, 1, "%s", ("123A456789",), None
    )
    assert record.getMessage() == "123A456789"  # uninstalled: no masking any more
