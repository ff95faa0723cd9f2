"""The project's German spaCy pipeline: blank ``de`` + lookup lemmatizer + entity rules.

No trained spaCy model can be downloaded, so the pipeline is built from ``spacy.blank("de")``:

* the tokenizer gets a few extra rules so that numbers typed in chat come out as clean tokens
  (``90402.`` -> ``90402`` ``.``; ``PLZ:90402`` -> ``PLZ`` ``:`` ``90402``; ``50,-€``);
* a lookup lemmatizer with spacy-lookups-data's German table, plus lower-case variants of its
  capitalised entries (Rasa's ``SpacyNLP`` lower-cases text unless ``case_sensitive: true``);
* an ``entity_ruler`` for ``kundennummer``, ``plz``, ``iban``, ``geburtsdatum`` and ``betrag``.

The ruler keeps the longest match. Phone numbers are matched by "blocker" patterns whose label
is the empty string: they claim their tokens (so no ``plz`` is found inside them) and spaCy drops
entity spans without a label, so they never show up in ``doc.ents``.

``python -m leitfaden.nlp.pipeline [PATH] [--force]`` builds the pipeline if it is missing or
out of date (see :func:`ensure_pipeline`).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import shutil
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import spacy
from spacy.lang.char_classes import ALPHA
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.util import (
    compile_infix_regex,
    compile_suffix_regex,
    load_language_data,
    registry,
)

from leitfaden.nlp.normalise import MONTH_NAMES

ENTITY_LABELS: tuple[str, ...] = ("kundennummer", "plz", "iban", "geburtsdatum", "betrag")
"""The entity labels the pipeline produces (names from the interface contract)."""

BLOCKER_LABEL = ""
"""Label of patterns that only claim tokens (phone numbers); spaCy drops such spans."""

FINGERPRINT_FILE = "leitfaden_fingerprint.json"
"""File inside the pipeline folder that records what the pipeline was built from."""

BUILD_REVISION = 1
"""Bump when the build code changes in a way the fingerprint would not notice."""

EXTRA_SUFFIXES: tuple[str, ...] = (
    r"(?<=[0-9€$£%])\.",  # "PLZ 90402." / "14.3.85." / "50€." end a sentence
    r"(?<=[0-9],-)€",  # "50,-€"
)
EXTRA_INFIXES: tuple[str, ...] = (
    rf"(?<=[{ALPHA}]{{2}})[:.](?=[0-9])",  # "PLZ:90402", "KdNr.123A456789"
    rf"(?<=[0-9])\.(?=[{ALPHA}]{{2}})",  # "14.März 1985"
)

Pattern = dict[str, Any]


def _regex(expression: str, op: str | None = None) -> Pattern:
    """A token pattern matching the whole token text against ``expression``."""
    token: Pattern = {"TEXT": {"REGEX": expression}}
    if op:
        token["OP"] = op
    return token


def _orth_in(values: list[str], op: str | None = None) -> Pattern:
    """A token pattern matching one of ``values`` exactly."""
    token: Pattern = {"ORTH": {"IN": values}}
    if op:
        token["OP"] = op
    return token


def _kundennummer_patterns() -> list[list[Pattern]]:
    """3 digits, 1 letter, 6 digits, written together or split by spaces, dashes or dots."""
    sep = _orth_in(["-", ".", "/"], "?")
    d3, letter, d6 = _regex(r"^\d{3}$"), _regex(r"^[A-Za-z]$"), _regex(r"^\d{6}$")
    return [
        [_regex(r"^\d{3}[-./]?[A-Za-z][-./]?\d{6}$")],
        [d3, sep, letter, sep, d6],
        [_regex(r"^\d{3}[-./]?[A-Za-z]$"), sep, d6],
        [d3, sep, _regex(r"^[A-Za-z][-./]?\d{6}$")],
    ]


def _iban_patterns() -> list[list[Pattern]]:
    """Compact IBANs and IBANs in blocks of four (any country, any case, ``-`` allowed)."""
    country = _regex(r"^[A-Za-z]{2}\d{2}$")
    first_block = _regex(r"^[A-Za-z0-9]{4}$")  # may be a bank code such as ABNA / WEST
    # Later blocks need a digit (or be upper case) so that "habe" after an IBAN is no block.
    block = _regex(r"^(?:(?=[A-Za-z]*\d)[A-Za-z0-9]{4}|[A-Z]{4})$")
    last = _regex(r"^(?=[A-Za-z]*\d)[A-Za-z0-9]{1,3}$")
    dash = _orth_in(["-"], "?")
    patterns = [[_regex(r"^[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}$")]]
    # 15 to 34 characters: country + check digits, then 3 to 7 full blocks, then the rest.
    for full_blocks in range(3, 8):
        pattern = [country, dash, first_block]
        for _ in range(full_blocks - 1):
            pattern += [dash, block]
        patterns += [pattern, pattern + [dash, last]]
    return patterns


def _geburtsdatum_patterns() -> list[list[Pattern]]:
    """Numeric, ISO and month-name dates. Plausibility is checked by the normaliser."""
    day, month = _regex(r"^\d{1,2}$"), _regex(r"^\d{1,2}$")
    year = _regex(r"^(?:\d{2}|\d{4})$")
    dot = _orth_in(["."], "?")
    month_names = sorted(MONTH_NAMES | {f"{m}." for m in MONTH_NAMES})
    month_name: Pattern = {"LOWER": {"IN": month_names}}
    return [
        [_regex(r"^\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})$")],
        [_regex(r"^\d{1,2}\.\d{1,2}\.?$"), dot, _regex(r"^\d{4}$")],  # "14.03. 1985"
        [day, dot, month_name, dot, year],
        [_regex(r"^\d{4}$"), _orth_in(["-"]), month, _orth_in(["-"]), day],
        [day, _orth_in(["/"]), month, _orth_in(["/"]), year],
        [day, _orth_in(["-"]), month, _orth_in(["-"]), _regex(r"^\d{4}$")],
    ]


def _betrag_patterns() -> list[list[Pattern]]:
    """A German-formatted number with €, EUR or Euro before or after it."""
    number = _regex(r"^(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,(?:\d{1,2}|-{1,2}))?$|^\d+\.\d{2}$")
    currency: Pattern = {"LOWER": {"IN": ["€", "eur", "euro", "euros"]}}
    return [[number, currency], [currency, number]]


def _phone_blocker_patterns() -> list[list[Pattern]]:
    """Phone numbers, so that a five-digit part of one is not taken for a postcode."""
    piece = _regex(r"^(?:\(?0?\)?\d{1,8}|[/()\-]|\(0\))$", "+")
    international = _regex(r"^(?:\+|00)[1-9]\d{0,2}$")
    area_code = _regex(r"^0[1-9]\d{1,4}$")
    subscriber = _regex(r"^\d{3,8}$")
    keyword: Pattern = {
        "LOWER": {
            "IN": [
                "tel", "tel.", "telefon", "telefonnr", "telefonnr.", "telefonnummer", "handy",
                "handynr", "handynr.", "handynummer", "mobil", "mobilnummer", "rufnummer",
                "festnetz", "festnetznummer", "fax", "rückrufnummer",
            ]
        }
    }  # fmt: skip
    return [
        [international, piece],
        [_orth_in(["("], "?"), area_code, _orth_in([")", "/", "-"], "?"), subscriber],
        [_orth_in(["("], "?"), area_code, _orth_in([")", "/", "-"], "?"), subscriber, piece],
        [
            keyword,
            _orth_in([".", ":"], "*"),
            {"LOWER": {"IN": ["ist", "lautet"]}, "OP": "?"},
            _regex(r"^(?:\+|\(?\d)[\d()]*$"),
            {**piece, "OP": "*"},
        ],
    ]


def entity_patterns() -> list[dict[str, Any]]:
    """All entity-ruler patterns, in the ``{"label": ..., "pattern": [...]}`` format."""
    groups: list[tuple[str, list[list[Pattern]]]] = [
        ("kundennummer", _kundennummer_patterns()),
        ("iban", _iban_patterns()),
        ("geburtsdatum", _geburtsdatum_patterns()),
        ("betrag", _betrag_patterns()),
        ("plz", [[_regex(r"^\d{5}$")]]),
        (BLOCKER_LABEL, _phone_blocker_patterns()),
    ]
    return [
        {"label": label, "pattern": pattern} for label, patterns in groups for pattern in patterns
    ]


def _customise_tokenizer(nlp: Language) -> None:
    """Add the suffix and infix rules for numbers typed in chat (saved with the pipeline)."""
    suffixes = list(nlp.Defaults.suffixes or []) + list(EXTRA_SUFFIXES)
    infixes = list(nlp.Defaults.infixes or []) + list(EXTRA_INFIXES)
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


@functools.lru_cache(maxsize=1)
def _german_lemma_table() -> dict[str, str]:
    """spacy-lookups-data's German lemma table plus lower-case variants of its entries.

    Cached per process; callers must not change the returned dict.
    """
    tables = registry.lookups.get("de")
    table: dict[str, str] = dict(load_language_data(tables["lemma_lookup"]))
    for form, lemma in list(table.items()):
        lower = form.lower()
        if lower != form and lower not in table:
            table[lower] = lemma.lower()
    return table


def _german_lemma_lookups() -> Lookups:
    """A fresh ``Lookups`` holding the German ``lemma_lookup`` table."""
    lookups = Lookups()
    lookups.add_table("lemma_lookup", _german_lemma_table())
    return lookups


def build_pipeline() -> Language:
    """Build the German pipeline in memory (tokenizer rules, lemmatizer, entity ruler)."""
    nlp = spacy.blank("de")
    _customise_tokenizer(nlp)
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    lemmatizer.initialize(lookups=_german_lemma_lookups())
    ruler = nlp.add_pipe("entity_ruler", config={"validate": True})
    ruler.add_patterns(entity_patterns())
    nlp.meta.update(
        {
            "name": "leitfaden_de",
            "version": f"1.0.{BUILD_REVISION}",
            "description": "Leitfaden: blank German pipeline with lookup lemmatizer and "
            "entity rules for kundennummer, plz, iban, geburtsdatum, betrag",
            "author": "Leitfaden",
            "license": "internal",
        }
    )
    return nlp


def _package_version(name: str) -> str:
    """Installed version of a distribution, or ``unknown``."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover - both are requirements
        return "unknown"


def fingerprint() -> str:
    """Hash of everything the built pipeline depends on (patterns, rules, versions)."""
    payload = {
        "revision": BUILD_REVISION,
        "patterns": entity_patterns(),
        "suffixes": EXTRA_SUFFIXES,
        "infixes": EXTRA_INFIXES,
        "spacy": spacy.about.__version__,
        "spacy_lookups_data": _package_version("spacy-lookups-data"),
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def stored_fingerprint(path: Path) -> str | None:
    """The fingerprint saved beside a built pipeline, or ``None`` if there is none."""
    try:
        data = json.loads((Path(path) / FINGERPRINT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("fingerprint") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def is_up_to_date(path: Path) -> bool:
    """Whether ``path`` holds a complete pipeline built from the current definitions."""
    path = Path(path)
    return (path / "config.cfg").is_file() and stored_fingerprint(path) == fingerprint()


def save_pipeline(path: Path) -> None:
    """Build the pipeline and replace whatever is at ``path`` with it (atomically)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.parent / f".{path.name}.building-{os.getpid()}"
    retired = path.parent / f".{path.name}.old-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    nlp = build_pipeline()
    nlp.to_disk(staging)
    record = {
        "fingerprint": fingerprint(),
        "spacy": spacy.about.__version__,
        "spacy_lookups_data": _package_version("spacy-lookups-data"),
        "build_revision": BUILD_REVISION,
    }
    (staging / FINGERPRINT_FILE).write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    if path.exists():
        os.replace(path, retired)
    os.replace(staging, path)
    shutil.rmtree(retired, ignore_errors=True)


def ensure_pipeline(path: Path) -> bool:
    """Build the pipeline at ``path`` unless it is there and up to date; return if it built."""
    if is_up_to_date(Path(path)):
        return False
    save_pipeline(Path(path))
    return True


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m leitfaden.nlp.pipeline [PATH] [--force]``."""
    from leitfaden.settings import spacy_model_dir

    parser = argparse.ArgumentParser(
        prog="python -m leitfaden.nlp.pipeline",
        description="Baut die deutsche spaCy-Pipeline von Leitfaden, falls nötig.",
    )
    parser.add_argument("path", nargs="?", type=Path, help="Zielordner (Standard: settings)")
    parser.add_argument("--force", action="store_true", help="auch bauen, wenn aktuell")
    args = parser.parse_args(argv)
    path: Path = (args.path or spacy_model_dir()).resolve()
    if args.force:
        save_pipeline(path)
        built = True
    else:
        built = ensure_pipeline(path)
    state = "gebaut" if built else "ist aktuell, nichts zu tun"
    print(f"spaCy-Pipeline {path}: {state} (Fingerprint {fingerprint()[:12]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
