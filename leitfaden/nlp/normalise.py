"""Normalise what callers and employees type or say into clean values.

Every function is pure. Bad input raises :class:`NormalisationError`, whose ``message`` is a
German sentence that can be shown to the caller as it is.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from stdnum import iban as _stdnum_iban
from stdnum import numdb
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

__all__ = [
    "NormalisationError",
    "betrag",
    "cents",
    "format_datum",
    "format_euro",
    "format_iban",
    "from_cents",
    "geburtsdatum",
    "iban",
    "iban_last4",
    "kundennummer",
    "mask_iban",
    "mask_kundennummer",
    "name",
    "names_match",
    "plz",
]


class NormalisationError(ValueError):
    """A value could not be normalised; ``message`` is German and fit to show a caller."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return self.message


# --------------------------------------------------------------------------- Kundennummer

_KUNDENNUMMER_RE = re.compile(r"^\d{3}[A-Z]\d{6}$")
_KUNDENNUMMER_LABEL_RE = re.compile(
    r"^\s*(?:kunden-?\s?nummer|kunden-?nr|kd\.?\s?-?\s?nr|nr)\.?\s*:?\s*", re.IGNORECASE
)


def kundennummer(text: str) -> str:
    """Return the Kundennummer as ``123A456789`` (upper case, no spaces, dashes or dots)."""
    raw = _KUNDENNUMMER_LABEL_RE.sub("", text or "")
    compact = re.sub(r"[\s.\-]", "", raw).upper()
    if not compact:
        raise NormalisationError("kundennummer", "Bitte nennen Sie Ihre Kundennummer.")
    if not _KUNDENNUMMER_RE.match(compact):
        raise NormalisationError(
            "kundennummer",
            "Die Kundennummer besteht aus 3 Ziffern, 1 Buchstaben und 6 Ziffern, "
            "zum Beispiel 123A456789.",
        )
    return compact


def mask_kundennummer(k: str) -> str:
    """Mask a Kundennummer for display and logs: ``123A456789`` -> ``123A****89``."""
    value = kundennummer(k)
    return value[:4] + "****" + value[-2:]


# --------------------------------------------------------------------------- IBAN


_IBAN_DB = numdb.get("iban")


def _compact_iban(text: str) -> str:
    """Upper-case IBAN without spaces, dashes, dots or a leading ``IBAN`` label."""
    raw = re.sub(r"^\s*iban\s*:?\s*", "", text or "", flags=re.IGNORECASE)
    return _stdnum_iban.compact(raw)


def _iban_expected_length(compact: str) -> int | None:
    """Length of an IBAN for the country in ``compact`` (``None`` if the country is unknown)."""
    info = _IBAN_DB.info(compact)
    structure = info[0][1].get("bban") if info and info[0][1] else None
    if structure is None:
        return None
    return 4 + sum(int(count) for count, _ in re.findall(r"(\d+)!?([nac])", structure))


def iban(text: str) -> str:
    """Return the compact upper-case IBAN after checking country, length and checksum."""
    compact = _compact_iban(text)
    if not compact:
        raise NormalisationError("iban", "Bitte nennen Sie Ihre IBAN.")
    if not re.match(r"^[A-Z]{2}\d{2}[A-Z0-9]+$", compact):
        raise NormalisationError(
            "iban",
            "Eine IBAN beginnt mit dem Länderkennzeichen und zwei Ziffern, "
            "zum Beispiel DE89 3704 0044 0532 0130 00.",
        )
    expected = _iban_expected_length(compact)
    if expected is None:
        raise NormalisationError("iban", f"Das Länderkennzeichen {compact[:2]} kenne ich nicht.")
    if len(compact) != expected:
        raise NormalisationError(
            "iban",
            f"Die IBAN hat nicht die richtige Länge: Eine IBAN aus {compact[:2]} hat "
            f"{expected} Zeichen, diese hat {len(compact)}.",
        )
    try:
        return _stdnum_iban.validate(compact)
    except InvalidChecksum:
        raise NormalisationError(
            "iban",
            "Die Prüfziffer der IBAN stimmt nicht. Bitte prüfen Sie die IBAN noch einmal.",
        ) from None
    except InvalidComponent:
        raise NormalisationError(
            "iban", f"Das Länderkennzeichen {compact[:2]} kenne ich nicht."
        ) from None
    except (InvalidFormat, InvalidLength, ValidationError):
        raise NormalisationError(
            "iban", "Die IBAN hat nicht das richtige Format. Bitte prüfen Sie die Eingabe."
        ) from None


def format_iban(value: str) -> str:
    """Write an IBAN in blocks of four: ``DE89 3704 0044 0532 0130 00``."""
    compact = _compact_iban(value)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def mask_iban(value: str) -> str:
    """Hide all but the country code and the last 4 characters: ``DE** **** ... **30 00``."""
    compact = _compact_iban(value)
    if len(compact) < 8:
        raise NormalisationError("iban", "Das ist keine vollständige IBAN.")
    masked = compact[:2] + "*" * (len(compact) - 6) + compact[-4:]
    return format_iban(masked)


def iban_last4(value: str) -> str:
    """Return the last four characters of an IBAN (for "account ending in ...")."""
    compact = _compact_iban(value)
    if len(compact) < 8:
        raise NormalisationError("iban", "Das ist keine vollständige IBAN.")
    return compact[-4:]


# --------------------------------------------------------------------------- dates

_MONTHS: dict[str, int] = {
    "januar": 1, "jan": 1, "jänner": 1, "jaenner": 1, "jän": 1, "jaen": 1,
    "februar": 2, "feb": 2, "febr": 2, "feber": 2,
    "märz": 3, "maerz": 3, "marz": 3, "mär": 3, "maer": 3, "mrz": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mai": 5,
    "juni": 6, "jun": 6,
    "juli": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "dez": 12,
}  # fmt: skip

MONTH_NAMES: frozenset[str] = frozenset(_MONTHS)
"""Every German month name and abbreviation the normaliser understands (lower case)."""

_DATE_LABEL_RE = re.compile(
    r"^\s*(?:(?:(?:geboren|geburtsdatum|geburtstag)\b|geb\b\.?)\s*:?\s*)?"
    r"(?:(?:am|der|den|vom)\s+)?",
    re.IGNORECASE,
)
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC_RE = re.compile(r"^(\d{1,2})(?:\s*[./-]\s*|\s+)(\d{1,2})(?:\s*[./-]\s*|\s+)(\d{2}|\d{4})$")
_NAMED_RE = re.compile(r"^(\d{1,2})\s*\.?\s*([^\W\d_]+)\s*\.?\s*(\d{2}|\d{4})$")
_MAX_AGE_YEARS = 120


def _date_or_error(year: int, month: int, day: int) -> dt.date:
    """Build a date or raise a German message naming the impossible date."""
    if not 1 <= month <= 12:
        raise NormalisationError("geburtsdatum", f"Einen Monat {month} gibt es nicht.")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise NormalisationError(
            "geburtsdatum", f"Den {day:02d}.{month:02d}.{year:04d} gibt es nicht."
        ) from None


def _resolve_two_digit_year(yy: int, month: int, day: int, today: dt.date) -> dt.date:
    """Pick the century that puts the date in the last 100 years (not in the future)."""
    century = today.year // 100 * 100
    candidate = _date_or_error(century + yy, month, day) if century + yy <= today.year else None
    if candidate is not None and candidate <= today:
        return candidate
    return _date_or_error(century - 100 + yy, month, day)


def geburtsdatum(text: str, today: dt.date) -> dt.date:
    """Parse a German date of birth (``14.3.85``, ``14. März 1985``, ISO, ...)."""
    raw = (text or "").strip()
    cleaned = _DATE_LABEL_RE.sub("", raw).strip().rstrip(".").strip()
    if not cleaned:
        raise NormalisationError("geburtsdatum", "Bitte nennen Sie Ihr Geburtsdatum.")
    year_text: str
    if match := _ISO_RE.match(cleaned):
        year_text, month, day = match.group(1), int(match.group(2)), int(match.group(3))
    elif match := _NUMERIC_RE.match(cleaned):
        day, month, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
    elif match := _NAMED_RE.match(cleaned):
        month_name = match.group(2).casefold()
        if month_name not in _MONTHS:
            raise NormalisationError(
                "geburtsdatum", f"Den Monat „{match.group(2)}“ kenne ich nicht."
            )
        day, month, year_text = int(match.group(1)), _MONTHS[month_name], match.group(3)
    else:
        raise NormalisationError(
            "geburtsdatum",
            f"Das Geburtsdatum „{raw}“ habe ich nicht verstanden. "
            "Bitte nennen Sie es so: Tag.Monat.Jahr, zum Beispiel 14.03.1985.",
        )
    if len(year_text) == 2:
        born = _resolve_two_digit_year(int(year_text), month, day, today)
    else:
        born = _date_or_error(int(year_text), month, day)
    if born > today:
        raise NormalisationError(
            "geburtsdatum", f"Das Geburtsdatum {format_datum(born)} liegt in der Zukunft."
        )
    if today.year - born.year > _MAX_AGE_YEARS:
        raise NormalisationError(
            "geburtsdatum",
            f"Das Geburtsdatum {format_datum(born)} liegt mehr als "
            f"{_MAX_AGE_YEARS} Jahre zurück. Bitte prüfen Sie das Jahr.",
        )
    return born


def format_datum(value: dt.date) -> str:
    """Write a date the German way: ``01.12.2026``."""
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


# --------------------------------------------------------------------------- money

_CENT = Decimal("0.01")
_CURRENCY_RE = re.compile(r"€|\beuros?\b|\beur\b", re.IGNORECASE)
_AMOUNT_GERMAN_RE = re.compile(r"^(\d{1,3}(?:[.\s\u00a0\u202f]\d{3})+|\d+)(?:,(\d+|-{1,2}))?$")
_AMOUNT_DOT_DECIMAL_RE = re.compile(r"^(\d+)\.(\d{1,2})$")


def betrag(text: str) -> Decimal:
    """Parse a German amount (``1.234,56 €``, ``200 Euro``, ``50,-``) into a 2-place Decimal."""
    raw = (text or "").strip()
    cleaned = _CURRENCY_RE.sub("", raw).strip()
    if not cleaned:
        raise NormalisationError("betrag", "Bitte nennen Sie einen Betrag in Euro.")
    if cleaned[0] in "-−–":
        raise NormalisationError("betrag", "Der Betrag darf nicht negativ sein.")
    cleaned = cleaned.lstrip("+").strip()
    if match := _AMOUNT_GERMAN_RE.match(cleaned):
        integer = re.sub(r"\D", "", match.group(1))
        fraction = match.group(2) or ""
    elif match := _AMOUNT_DOT_DECIMAL_RE.match(cleaned):
        integer, fraction = match.group(1), match.group(2)
    else:
        raise NormalisationError(
            "betrag",
            f"„{raw}“ ist kein gültiger Betrag. Bitte nennen Sie ihn zum Beispiel so: 889,10 €.",
        )
    if fraction.startswith("-"):
        fraction = ""
    if len(fraction) > 2:
        raise NormalisationError(
            "betrag", "Ein Betrag in Euro hat höchstens zwei Stellen nach dem Komma."
        )
    try:
        value = Decimal(f"{integer}.{fraction or '0'}")
    except InvalidOperation:  # pragma: no cover - the regexes only let digits through
        raise NormalisationError("betrag", f"„{raw}“ ist kein gültiger Betrag.") from None
    return value.quantize(_CENT)


def format_euro(value: Decimal | int) -> str:
    """Write an amount the German way: ``889,10 €``, ``1.234,56 €``."""
    if isinstance(value, float):
        raise TypeError("Geldbeträge bitte als Decimal, nicht als float")
    amount = Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)
    text = f"{abs(amount):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{'-' if amount < 0 else ''}{text} €"


def cents(value: Decimal) -> int:
    """Return the amount in whole cents; more than two decimal places are an error."""
    if isinstance(value, float):
        raise TypeError("Geldbeträge bitte als Decimal, nicht als float")
    amount = Decimal(value)
    if amount != amount.quantize(_CENT):
        raise NormalisationError(
            "betrag", "Ein Betrag in Euro hat höchstens zwei Stellen nach dem Komma."
        )
    return int(amount * 100)


def from_cents(value: int) -> Decimal:
    """Turn whole cents into a Decimal with exactly two places: ``88910`` -> ``889.10``."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("Cent-Beträge müssen ganze Zahlen sein")
    return (Decimal(value) / 100).quantize(_CENT)


# --------------------------------------------------------------------------- PLZ


def plz(text: str) -> str:
    """Return a German postcode: exactly five digits."""
    cleaned = re.sub(r"^\s*(?:plz|postleitzahl)\s*:?\s*", "", text or "", flags=re.IGNORECASE)
    cleaned = cleaned.strip().rstrip(".").strip()
    if not re.fullmatch(r"\d{5}", cleaned):
        raise NormalisationError(
            "plz", "Die Postleitzahl besteht aus genau 5 Ziffern, zum Beispiel 90402."
        )
    return cleaned


# --------------------------------------------------------------------------- names

_NAME_PREFIX_RE = re.compile(
    r"^(?:"
    r"(?:hallo|hi|moin|servus|grüß\s+gott|guten\s+(?:tag|morgen|abend)|ja|also|äh|ähm)"
    r"\b[\s,.!]*"
    r"|(?:ich\s+hei(?:ß|ss)e|mein\s+name\s+(?:ist|lautet|wäre|waere)|mein\s+name"
    r"|der\s+name\s+(?:ist|lautet)|ich\s+bin|hier\s+(?:ist|spricht)|name|vorname"
    r"|nachname|frau|herr)\b\s*:?\s*"
    r"|(?:fr|hr|dr|prof)\.\s*"
    r")",
    re.IGNORECASE,
)
_NAME_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "del", "di", "da", "du", "zu", "zum", "zur", "vom", "ten"}
)
_NAME_MAX = 100


def _strip_name_prefixes(text: str) -> str:
    """Remove greetings, "ich heiße", titles and trailing punctuation; collapse spaces."""
    value = re.sub(r"\s+", " ", text or "").strip().strip("\"'„“”‚‘’»«")
    while True:
        stripped = _NAME_PREFIX_RE.sub("", value, count=1).strip()
        if stripped == value:
            break
        value = stripped
    return value.rstrip(".,;:!? ").strip()


def _title_case(value: str) -> str:
    """Capitalise an all-lower or all-upper name, keeping particles like "von" small."""
    words = []
    for index, word in enumerate(value.lower().split(" ")):
        if index > 0 and word in _NAME_PARTICLES:
            words.append(word)
        else:
            words.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
    return " ".join(words)


def name(text: str) -> str:
    """Clean a spoken or typed name: ``"Ich heiße Anna Schmidt."`` -> ``"Anna Schmidt"``."""
    value = _strip_name_prefixes(text)
    if not value or not any(ch.isalpha() for ch in value):
        raise NormalisationError("name", "Bitte nennen Sie Ihren Vor- und Nachnamen.")
    if any(ch.isdigit() for ch in value):
        raise NormalisationError("name", "Ein Name enthält keine Ziffern.")
    if len(value) > _NAME_MAX:
        raise NormalisationError("name", f"Der Name ist zu lang (höchstens {_NAME_MAX} Zeichen).")
    if not re.fullmatch(r"[^\W\d_]+(?:[ \-'’.,]+[^\W\d_]+)*", value):
        raise NormalisationError(
            "name", "Ein Name besteht nur aus Buchstaben, Leerzeichen und Bindestrichen."
        )
    if value.count(",") == 1:
        last, first = (part.strip() for part in value.split(","))
        if last and first:
            value = f"{first} {last}"
    value = re.sub(r"\s*-\s*", "-", value)
    if value == value.lower() or value == value.upper():
        value = _title_case(value)
    return value


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def strip_accents(value: str) -> str:
    """Drop combining marks: ``é`` -> ``e``, ``ü`` -> ``u``."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def spell_out_umlauts(value: str) -> str:
    """Write lower-case umlauts and ß the way a keyboard without them does: ``ü`` -> ``ue``."""
    return value.translate(_UMLAUTS)




def _name_keys(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Two order-free comparison keys: umlauts spelled out, and accents dropped."""
    value = unicodedata.normalize("NFC", _strip_name_prefixes(text)).casefold()
    value = re.sub(r"['’`´]", "", value)
    value = re.sub(r"[\s\-.,;]+", " ", value).strip()
    spelled_out = tuple(sorted(strip_accents(spell_out_umlauts(value)).split()))
    no_accents = tuple(sorted(strip_accents(value).split()))
    return spelled_out, no_accents


def names_match(a: str, b: str) -> bool:
    """Whether two names are the same person's name, tolerant of case, umlauts and order."""
    spelled_a, plain_a = _name_keys(a)
    spelled_b, plain_b = _name_keys(b)
    if not spelled_a or not spelled_b:
        return False
    return spelled_a == spelled_b or plain_a == plain_b
