"""Tests for leitfaden.nlp.normalise: every normaliser, formatter and rejection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from leitfaden.nlp import normalise as n
from leitfaden.nlp.normalise import NormalisationError

TODAY = dt.date(2026, 11, 18)


def _error(func, *args) -> NormalisationError:
    """Call ``func`` and return the NormalisationError it must raise."""
    with pytest.raises(NormalisationError) as info:
        func(*args)
    return info.value


# --------------------------------------------------------------------------- error type


def test_normalisation_error_is_value_error_with_field_and_message() -> None:
    err = NormalisationError("plz", "Die Postleitzahl fehlt.")
    assert isinstance(err, ValueError)
    assert err.field == "plz"
    assert err.message == "Die Postleitzahl fehlt."
    assert str(err) == "Die Postleitzahl fehlt."


# --------------------------------------------------------------------------- Kundennummer


@pytest.mark.parametrize(
    "text",
    [
        "123A456789",
        "123a456789",
        "123 A 456789",
        "123-A-456789",
        "123.a.456789",
        " 123 a 456 789 ",
        "KdNr. 123A456789",
        "Kundennummer: 123 A 456789",
    ],
)
def test_kundennummer_accepts_common_spellings(text: str) -> None:
    assert n.kundennummer(text) == "123A456789"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "12A456789", "123AB456789", "1234456789", "123A45678", "A123456789", "123Ä456789"],
)
def test_kundennummer_rejects_wrong_shapes(text: str) -> None:
    err = _error(n.kundennummer, text)
    assert err.field == "kundennummer"
    assert "Kundennummer" in err.message


def test_kundennummer_error_explains_the_format() -> None:
    assert "3 Ziffern, 1 Buchstaben und 6 Ziffern" in _error(n.kundennummer, "12345").message


def test_mask_kundennummer() -> None:
    assert n.mask_kundennummer("123a456789") == "123A****89"
    assert n.mask_kundennummer("890 H 123456") == "890H****56"
    assert _error(n.mask_kundennummer, "kaputt").field == "kundennummer"


# --------------------------------------------------------------------------- IBAN


@pytest.mark.parametrize(
    "text",
    [
        "DE89 3704 0044 0532 0130 00",
        "DE89370400440532013000",
        "de89 3704 0044 0532 0130 00",
        "DE89-3704-0044-0532-0130-00",
        "IBAN: DE89 3704 0044 0532 0130 00",
    ],
)
def test_iban_compacts_and_validates(text: str) -> None:
    assert n.iban(text) == "DE89370400440532013000"


def test_iban_accepts_foreign_ibans() -> None:
    assert n.iban("GB82 WEST 1234 5698 7654 32") == "GB82WEST12345698765432"
    assert n.iban("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"


def test_iban_rejects_wrong_checksum() -> None:
    err = _error(n.iban, "DE88 3704 0044 0532 0130 00")
    assert err.field == "iban"
    assert "Prüfziffer" in err.message


def test_iban_rejects_wrong_length() -> None:
    err = _error(n.iban, "DE89 3704 0044 0532 0130 0")
    assert "Länge" in err.message
    assert "hat 22 Zeichen, diese hat 21" in err.message


def test_iban_rejects_unknown_country() -> None:
    assert "XX" in _error(n.iban, "XX89 3704 0044 0532 0130 00").message


@pytest.mark.parametrize("text", ["", "keine Ahnung", "1234 5678 9012", "DEAB 3704 0044"])
def test_iban_rejects_garbage(text: str) -> None:
    assert _error(n.iban, text).field == "iban"


def test_iban_helpers() -> None:
    assert n.format_iban("de89370400440532013000") == "DE89 3704 0044 0532 0130 00"
    assert n.mask_iban("DE89 3704 0044 0532 0130 00") == "DE** **** **** **** **30 00"
    assert n.mask_iban("GB82WEST12345698765432") == "GB** **** **** **** **54 32"
    assert n.iban_last4("DE89 3704 0044 0532 0130 00") == "3000"
    assert _error(n.mask_iban, "DE89").field == "iban"
    assert _error(n.iban_last4, "").field == "iban"


# --------------------------------------------------------------------------- Geburtsdatum


@pytest.mark.parametrize(
    "text",
    [
        "14.03.1985",
        "14.3.85",
        "14.3.1985",
        "14. März 1985",
        "14. Maerz 1985",
        "14 März 85",
        "14. Mrz. 1985",
        "14. Mär 1985",
        "14.März 1985",
        "1985-03-14",
        "14/03/1985",
        "14-03-1985",
        "14 03 1985",
        "geb. 14.03.1985",
        "geboren am 14.3.85.",
        "am 14.03.1985",
    ],
)
def test_geburtsdatum_forms(text: str) -> None:
    assert n.geburtsdatum(text, TODAY) == dt.date(1985, 3, 14)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2. Jan. 1990", dt.date(1990, 1, 2)),
        ("2. Jänner 1990", dt.date(1990, 1, 2)),
        ("28. Feb. 1990", dt.date(1990, 2, 28)),
        ("5. Apr 1990", dt.date(1990, 4, 5)),
        ("5. Mai 1995", dt.date(1995, 5, 5)),
        ("6. Juni 1983", dt.date(1983, 6, 6)),
        ("6. Jul. 1983", dt.date(1983, 7, 6)),
        ("17. Sept. 1971", dt.date(1971, 9, 17)),
        ("10. Okt 2000", dt.date(2000, 10, 10)),
        ("2. Nov. 1979", dt.date(1979, 11, 2)),
        ("24. DEZEMBER 1960", dt.date(1960, 12, 24)),
    ],
)
def test_geburtsdatum_month_names_and_abbreviations(text: str, expected: dt.date) -> None:
    assert n.geburtsdatum(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.1.05", dt.date(2005, 1, 1)),  # this century, in the past
        ("18.11.26", dt.date(2026, 11, 18)),  # born today
        ("19.11.26", dt.date(1926, 11, 19)),  # tomorrow in 2026 -> 1926 (still under 100)
        ("14.3.30", dt.date(1930, 3, 14)),
        ("29.2.00", dt.date(2000, 2, 29)),
        ("9.4.62", dt.date(1962, 4, 9)),
    ],
)
def test_geburtsdatum_two_digit_years(text: str, expected: dt.date) -> None:
    assert n.geburtsdatum(text, TODAY) == expected


def test_geburtsdatum_two_digit_year_depends_on_today() -> None:
    assert n.geburtsdatum("1.1.30", dt.date(2031, 1, 1)) == dt.date(2030, 1, 1)
    assert n.geburtsdatum("1.1.30", dt.date(2029, 12, 31)) == dt.date(1930, 1, 1)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("31.02.1985", "31.02.1985 gibt es nicht"),
        ("29.02.1985", "29.02.1985 gibt es nicht"),
        ("31.4.85", "31.04.1985 gibt es nicht"),
        ("14.13.1985", "Monat 13"),
        ("14.0.1985", "Monat 0"),
        ("1985-13-01", "Monat 13"),
        ("14.03.2027", "in der Zukunft"),
        ("19.11.2026", "in der Zukunft"),
        ("14.03.1850", "mehr als 120 Jahre"),
        ("14. Foober 1985", "Monat „Foober“"),
        ("gestern", "nicht verstanden"),
        ("14.03.985", "nicht verstanden"),
        ("", "Bitte nennen Sie Ihr Geburtsdatum"),
    ],
)
def test_geburtsdatum_rejections(text: str, fragment: str) -> None:
    err = _error(n.geburtsdatum, text, TODAY)
    assert err.field == "geburtsdatum"
    assert fragment in err.message


def test_format_datum() -> None:
    assert n.format_datum(dt.date(2026, 12, 1)) == "01.12.2026"
    assert n.format_datum(dt.date(1985, 3, 14)) == "14.03.1985"


# --------------------------------------------------------------------------- Betrag


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("889,10 €", "889.10"),
        ("889,10€", "889.10"),
        ("889,10 EUR", "889.10"),
        ("200 Euro", "200.00"),
        ("1.234,56 €", "1234.56"),
        ("50 Euro", "50.00"),
        ("€ 50", "50.00"),
        ("50,-", "50.00"),
        ("50,- €", "50.00"),
        ("12,5", "12.50"),
        ("1.234", "1234.00"),
        ("1.000.000,00 €", "1000000.00"),
        ("12.50 EUR", "12.50"),
        ("0", "0.00"),
    ],
)
def test_betrag_parses_german_amounts(text: str, expected: str) -> None:
    value = n.betrag(text)
    assert isinstance(value, Decimal)
    assert value == Decimal(expected)
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("-50 €", "negativ"),
        ("−50", "negativ"),
        ("1,234", "zwei Stellen"),
        ("889,105 €", "zwei Stellen"),
        ("zwanzig", "kein gültiger Betrag"),
        ("12a", "kein gültiger Betrag"),
        ("1.23.4", "kein gültiger Betrag"),
        ("€", "Bitte nennen Sie einen Betrag"),
        ("", "Bitte nennen Sie einen Betrag"),
    ],
)
def test_betrag_rejections(text: str, fragment: str) -> None:
    err = _error(n.betrag, text)
    assert err.field == "betrag"
    assert fragment in err.message


def test_format_euro() -> None:
    assert n.format_euro(Decimal("889.1")) == "889,10 €"
    assert n.format_euro(Decimal("1234.56")) == "1.234,56 €"
    assert n.format_euro(Decimal("1234567.5")) == "1.234.567,50 €"
    assert n.format_euro(Decimal(0)) == "0,00 €"
    assert n.format_euro(50) == "50,00 €"
    with pytest.raises(TypeError):
        n.format_euro(1.5)  # type: ignore[arg-type]


def test_cents_round_trip() -> None:
    assert n.cents(Decimal("889.10")) == 88910
    assert n.cents(Decimal("0.01")) == 1
    assert n.from_cents(88910) == Decimal("889.10")
    assert str(n.from_cents(5000)) == "50.00"
    assert n.from_cents(n.cents(Decimal("1234.56"))) == Decimal("1234.56")
    assert _error(n.cents, Decimal("1.005")).field == "betrag"
    with pytest.raises(TypeError):
        n.from_cents(1.5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- PLZ


@pytest.mark.parametrize("text", ["90402", " 90402 ", "PLZ 90402", "Postleitzahl: 90402"])
def test_plz_accepts_five_digits(text: str) -> None:
    assert n.plz(text) == "90402"


def test_plz_keeps_leading_zero() -> None:
    assert n.plz("04109") == "04109"


@pytest.mark.parametrize("text", ["", "9040", "904021", "9040a", "90 402", "Nürnberg"])
def test_plz_rejections(text: str) -> None:
    err = _error(n.plz, text)
    assert err.field == "plz"
    assert "5 Ziffern" in err.message


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Anna Schmidt", "Anna Schmidt"),
        ("Ich heiße Anna Schmidt.", "Anna Schmidt"),
        ("ich heisse anna schmidt", "Anna Schmidt"),
        ("Mein Name ist Frau Anna   Schmidt!", "Anna Schmidt"),
        ("Guten Tag, mein Name ist Mehmet Yilmaz", "Mehmet Yilmaz"),
        ("Ich bin Herr Becker", "Becker"),
        ("Name: Stefan Krüger", "Stefan Krüger"),
        ("Hr. Klaus Neumann", "Klaus Neumann"),
        ("Schmidt, Anna", "Anna Schmidt"),
        ("ANNA-LENA MÜLLER", "Anna-Lena Müller"),
        ("ursula von der leyen", "Ursula von der Leyen"),
        ("Frauke Herrmann", "Frauke Herrmann"),
        ("O'Brien", "O'Brien"),
    ],
)
def test_name_cleaning(text: str, expected: str) -> None:
    assert n.name(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Bitte nennen Sie"),
        ("Ich heiße", "Bitte nennen Sie"),
        ("...", "Bitte nennen Sie"),
        ("Anna Schmidt 2", "Ziffern"),
        ("123A456789", "Ziffern"),
        ("A" * 101, "zu lang"),
        ("anna@schmidt.de", "nur aus Buchstaben"),
    ],
)
def test_name_rejections(text: str, fragment: str) -> None:
    err = _error(n.name, text)
    assert err.field == "name"
    assert fragment in err.message


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Anna Schmidt", "anna schmidt"),
        ("Schmidt, Anna", "Anna Schmidt"),
        ("Stefan Krüger", "Stefan Krueger"),
        ("Stefan Krüger", "Stefan Kruger"),
        ("Erika Strauß", "Erika Strauss"),
        ("Anna-Lena Schmidt", "Anna Lena  Schmidt"),
        ("José Müller", "Jose Mueller"),
        ("Frau Anna Schmidt", "Anna Schmidt"),
    ],
)
def test_names_match(a: str, b: str) -> None:
    assert n.names_match(a, b)
    assert n.names_match(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Anna Schmidt", "Anna Schmid"),
        ("Anna Schmidt", "Anna"),
        ("Martin Braun", "Erika Braun"),
        ("", ""),
        ("Anna Schmidt", ""),
    ],
)
def test_names_do_not_match(a: str, b: str) -> None:
    assert not n.names_match(a, b)
