"""Tests for leitfaden.nlp.pipeline: build, save, reload and what the pipeline finds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from leitfaden.nlp import pipeline

Ents = list[tuple[str, str]]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pipeline, built once for this module into a temporary folder."""
    path = tmp_path_factory.mktemp("spacy") / "spacy-de"
    assert pipeline.ensure_pipeline(path) is True
    return path


@pytest.fixture(scope="module")
def nlp(model_dir: Path) -> Language:
    """The pipeline as Rasa gets it: loaded from disk by path."""
    return spacy.load(model_dir)


def ents(nlp: Language, text: str) -> Ents:
    """(text, label) of every entity in ``text``."""
    return [(ent.text, ent.label_) for ent in nlp(text).ents]


def tokens(nlp: Language, text: str) -> list[str]:
    """Token texts of ``text``."""
    return [token.text for token in nlp(text)]


# --------------------------------------------------------------------------- structure


def test_saved_pipeline_structure(model_dir: Path, nlp: Language) -> None:
    assert nlp.lang == "de"
    assert nlp.pipe_names == ["lemmatizer", "entity_ruler"]
    assert nlp.get_pipe("lemmatizer").mode == "lookup"
    visible = set(nlp.get_pipe("entity_ruler").labels) - {pipeline.BLOCKER_LABEL}
    assert visible == set(pipeline.ENTITY_LABELS)
    assert (model_dir / "config.cfg").is_file()
    meta = json.loads((model_dir / "meta.json").read_text())
    assert meta["name"] == "leitfaden_de"
    assert spacy.util.is_compatible_version(spacy.about.__version__, meta["spacy_version"])


def test_build_pipeline_in_memory_matches_saved(nlp: Language) -> None:
    fresh = pipeline.build_pipeline()
    text = "KdNr 123 a 456789, geb. 14.3.85, PLZ 90402."
    assert ents(fresh, text) == ents(nlp, text)
    assert tokens(fresh, text) == tokens(nlp, text)


# --------------------------------------------------------------------------- tokenizer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PLZ 90402.", ["PLZ", "90402", "."]),
        ("PLZ:90402", ["PLZ", ":", "90402"]),
        ("KdNr.123A456789", ["KdNr", ".", "123A456789"]),
        ("geb. 14.3.85.", ["geb.", "14.3.85", "."]),
        ("14.März 1985", ["14", ".", "März", "1985"]),
        ("50€.", ["50", "€", "."]),
        ("50,-€", ["50,-", "€"]),
        ("um 14:30 Uhr", ["um", "14:30", "Uhr"]),
        ("z.B. 5 Euro", ["z.B.", "5", "Euro"]),
    ],
)
def test_tokenizer_rules_survive_saving(nlp: Language, text: str, expected: list[str]) -> None:
    assert tokens(nlp, text) == expected


# --------------------------------------------------------------------------- entities

SENTENCES: list[tuple[str, Ents]] = [
    # customers in the chat
    (
        "Meine Kundennummer ist 123A456789.",
        [("123A456789", "kundennummer")],
    ),
    (
        "Hallo, meine Kundennummer lautet 123 A 456789 und ich wohne in 90402 Nürnberg",
        [("123 A 456789", "kundennummer"), ("90402", "plz")],
    ),
    ("kundennummer 123a456789", [("123a456789", "kundennummer")]),
    ("Die Nummer ist 123-A-456789, glaube ich", [("123-A-456789", "kundennummer")]),
    ("KdNr. 123A456789", [("123A456789", "kundennummer")]),
    ("Ich bin am 14.03.1985 geboren.", [("14.03.1985", "geburtsdatum")]),
    ("Geboren bin ich am 14. März 1985", [("14. März 1985", "geburtsdatum")]),
    ("am 14. Maerz 1985", [("14. Maerz 1985", "geburtsdatum")]),
    ("14 März 85", [("14 März 85", "geburtsdatum")]),
    ("Geburtsdatum: 1985-03-14", [("1985-03-14", "geburtsdatum")]),
    ("mein geburtstag ist der 14/03/1985", [("14/03/1985", "geburtsdatum")]),
    ("Ich wurde am 2. Nov. 1979 geboren", [("2. Nov. 1979", "geburtsdatum")]),
    ("Meine PLZ ist 90402.", [("90402", "plz")]),
    ("Postleitzahl: 04109 Leipzig", [("04109", "plz")]),
    (
        "Meine IBAN ist DE89 3704 0044 0532 0130 00.",
        [("DE89 3704 0044 0532 0130 00", "iban")],
    ),
    ("neue iban de89370400440532013000 bitte", [("de89370400440532013000", "iban")]),
    ("de89 3704 0044 0532 0130 00", [("de89 3704 0044 0532 0130 00", "iban")]),
    ("Konto in England: GB82 WEST 1234 5698 7654 32", [("GB82 WEST 1234 5698 7654 32", "iban")]),
    ("Ich brauche dringend 200 Euro für die Miete", [("200 Euro", "betrag")]),
    ("Mir fehlen 889,10€ bis zum Monatsende", [("889,10€", "betrag")]),
    ("Die Stromrechnung ist 1.234,56 € hoch", [("1.234,56 €", "betrag")]),
    ("Nur € 50 bitte", [("€ 50", "betrag")]),
    ("Es geht um 50 Euro.", [("50 Euro", "betrag")]),
    # terse agent notes
    (
        "KdNr 123 a 456789, geb. 14.3.85, PLZ 90402",
        [("123 a 456789", "kundennummer"), ("14.3.85", "geburtsdatum"), ("90402", "plz")],
    ),
    (
        "Kd-Nr. 234B567890, geb 02.11.1979, 10115 Berlin, Abschlag 889,10 EUR",
        [
            ("234B567890", "kundennummer"),
            ("02.11.1979", "geburtsdatum"),
            ("10115", "plz"),
            ("889,10 EUR", "betrag"),
        ],
    ),
    (
        "Anruferin Fr. Schmidt, kdnr:123A456789, IBAN DE89370400440532013000 bestätigt",
        [("123A456789", "kundennummer"), ("DE89370400440532013000", "iban")],
    ),
    (
        "Tel. 0911 123456, PLZ 90402, Rückruf erbeten",
        [("90402", "plz")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES, ids=[s[0][:40] for s in SENTENCES])
def test_entities_in_realistic_sentences(nlp: Language, text: str, expected: Ents) -> None:
    assert ents(nlp, text) == expected


def test_entity_character_offsets(nlp: Language) -> None:
    text = "KdNr 123 a 456789, geb. 14.3.85, PLZ 90402"
    found = [(e.label_, e.start_char, e.end_char) for e in nlp(text).ents]
    assert found == [("kundennummer", 5, 17), ("geburtsdatum", 24, 31), ("plz", 37, 42)]
    assert all(text[s:e] for _, s, e in found)


@pytest.mark.parametrize(
    "text",
    [
        "Rufen Sie mich an: 0911 90402",
        "Tel. 90402",
        "Handy: 0176 90402123",
        "Meine Nummer ist +49 911 90402",
        "(0911) 90402",
        "0911/90402-0",
        "Telefonnummer: 0911-90402",
    ],
)
def test_phone_number_is_not_a_plz(nlp: Language, text: str) -> None:
    assert ents(nlp, text) == []


def test_phone_number_does_not_hide_a_later_plz(nlp: Language) -> None:
    assert ents(nlp, "Rückruf unter +49 911 90402, PLZ 90402") == [("90402", "plz")]


@pytest.mark.parametrize(
    "text",
    ["123A456789", "123 A 456789", "123 A456789", "123A 456789", "123.A.456789"],
)
def test_kundennummer_contains_no_plz(nlp: Language, text: str) -> None:
    assert ents(nlp, text) == [(text, "kundennummer")]


@pytest.mark.parametrize(
    "text",
    [
        "DE89 3704 0044 0532 0130 00",
        "DE89-3704-0044-0532-0130-00",
        "DE89370400440532013000",
        "BE68 5390 0754 7034",
    ],
)
def test_iban_contains_no_plz(nlp: Language, text: str) -> None:
    assert ents(nlp, f"IBAN: {text}") == [(text, "iban")]


def test_iban_stops_before_following_words(nlp: Language) -> None:
    assert ents(nlp, "BE68 5390 0754 7034 habe ich") == [("BE68 5390 0754 7034", "iban")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10000 Euro", [("10000 Euro", "betrag")]),  # an amount, not a postcode
        ("04109 50 Euro", [("04109", "plz"), ("50 Euro", "betrag")]),
        ("1234567890", []),
        ("123456", []),
        ("1234", []),
        ("ich brauche 200", []),  # no currency: not taken for an amount
        ("Ich habe 3 Kinder", []),
    ],
)
def test_numbers_that_are_not_what_they_seem(nlp: Language, text: str, expected: Ents) -> None:
    assert ents(nlp, text) == expected


# --------------------------------------------------------------------------- lemmas


@pytest.mark.parametrize(
    ("word", "lemma"),
    [
        ("Kunden", "Kunde"),
        ("Zahlungen", "Zahlung"),
        ("Anträge", "Antrag"),
        ("Abschläge", "Abschlag"),
        ("Ämter", "Amt"),
        ("Konten", "Konto"),
        ("Rechnungen", "Rechnung"),
        ("ging", "gehen"),
        ("bekamen", "bekommen"),
        ("überwiesen", "überweisen"),
        ("hatte", "haben"),
        # Rasa's SpacyNLP lower-cases by default: lower-case forms are in the table too
        ("kunden", "kunde"),
        ("zahlungen", "zahlung"),
        ("abschläge", "abschlag"),
    ],
)
def test_lookup_lemmas(nlp: Language, word: str, lemma: str) -> None:
    assert nlp(word)[0].lemma_ == lemma


# --------------------------------------------------------------------------- ensure / CLI


def test_ensure_pipeline_rebuilds_only_when_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model"
    assert pipeline.ensure_pipeline(path) is True
    assert pipeline.is_up_to_date(path)
    assert pipeline.stored_fingerprint(path) == pipeline.fingerprint()
    assert pipeline.ensure_pipeline(path) is False

    # a stored fingerprint that differs (e.g. built by another spaCy version) forces a rebuild
    fingerprint_file = path / pipeline.FINGERPRINT_FILE
    record = json.loads(fingerprint_file.read_text())
    record["fingerprint"] = "0" * 64
    fingerprint_file.write_text(json.dumps(record))
    (path / "stale-file").write_text("left over")
    assert pipeline.ensure_pipeline(path) is True
    assert not (path / "stale-file").exists()  # the folder was replaced, not patched
    assert pipeline.ensure_pipeline(path) is False

    # changed pattern definitions force a rebuild, and the new patterns are in the model
    original = pipeline.entity_patterns
    monkeypatch.setattr(
        pipeline,
        "entity_patterns",
        lambda: original() + [{"label": "plz", "pattern": [{"LOWER": "nirgendwo"}]}],
    )
    assert pipeline.fingerprint() != pipeline.stored_fingerprint(path)
    assert pipeline.ensure_pipeline(path) is True
    assert ents(spacy.load(path), "nirgendwo") == [("nirgendwo", "plz")]
    assert pipeline.ensure_pipeline(path) is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]  # no staging leftovers


def test_incomplete_or_unfingerprinted_folder_is_not_up_to_date(
    model_dir: Path, tmp_path: Path
) -> None:
    assert pipeline.is_up_to_date(model_dir)
    assert not pipeline.is_up_to_date(tmp_path / "missing")
    copy = tmp_path / "copy"
    shutil.copytree(model_dir, copy)
    assert pipeline.is_up_to_date(copy)
    (copy / pipeline.FINGERPRINT_FILE).write_text("kein json")
    assert pipeline.stored_fingerprint(copy) is None
    assert not pipeline.is_up_to_date(copy)
    shutil.copy(model_dir / pipeline.FINGERPRINT_FILE, copy / pipeline.FINGERPRINT_FILE)
    assert pipeline.is_up_to_date(copy)
    (copy / "config.cfg").unlink()
    assert not pipeline.is_up_to_date(copy)


def test_fingerprint_depends_on_spacy_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = pipeline.fingerprint()
    monkeypatch.setattr(spacy.about, "__version__", "9.9.9")
    assert pipeline.fingerprint() != before


def test_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "from-env"
    monkeypatch.setenv("LEITFADEN_SPACY_MODEL", str(target))
    assert pipeline.main([]) == 0  # default path comes from leitfaden.settings
    first = capsys.readouterr().out
    assert "gebaut" in first and str(target) in first
    assert pipeline.is_up_to_date(target)
    assert pipeline.main([str(target)]) == 0
    assert "ist aktuell" in capsys.readouterr().out
    assert pipeline.main([str(target), "--force"]) == 0
    assert "gebaut" in capsys.readouterr().out
