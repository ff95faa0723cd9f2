"""Tests for nlu_components.keywords.KeywordEntityExtractor, configured as in config.yml."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from nlu_testing import message, pipeline_config, training_data
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.keywords import VOCABULARY_FILE, KeywordEntityExtractor

KEYWORDS = "nlu_components.keywords.KeywordEntityExtractor"

# A small excerpt in the style of data/nlu: annotated spans with canonical values, synonyms and
# the ``ort`` lookup table.
NLU = """
version: "3.1"
nlu:
- intent: state_hardship
  examples: |
    - Die Stadtwerke drohen mit einer [Stromsperre]{"entity": "haertegrund", "value": "energie"}
    - Mir wird der [Strom]{"entity": "haertegrund", "value": "energie"} abgestellt
    - Ich kann die [Miete]{"entity": "haertegrund", "value": "miete"} nicht zahlen
    - Ich habe keine [Tabletten]{"entity": "haertegrund", "value": "medikamente"} mehr
    - Der [Kühlschrank ist leer]{"entity": "haertegrund", "value": "lebensmittel"}
    - Der [Kühlschrank]{"entity": "haertegrund", "value": "lebensmittel"} ist kaputt
    - Ich habe die [Kündigung]{"entity": "haertegrund", "value": "miete"} bekommen
- intent: need_support
  examples: |
    - Unterstützungsbedarf: [Gebärdensprache]{"entity": "angebotsart", "value": "gebaerdensprache"}
    - Ich brauche Hilfe in [Leichter Sprache]{"entity": "angebotsart", "value": "leichte_sprache"}
    - Gibt es [DGS]{"entity": "angebotsart", "value": "gebaerdensprache"}-Begleitung?
- intent: inform
  examples: |
    - Ich wohne in [Nürnberg](ort)
    - Ich rufe als [Betreuer]{"entity": "rolle", "value": "betreuer"} an
- synonym: energie
  examples: |
    - Gassperre
    - Heizung
- synonym: medikamente
  examples: |
    - Medikamente
- lookup: ort
  examples: |
    - Köln
    - Berlin
"""


def found(msg: Message) -> list[tuple[str, str, str]]:
    """(type, value, text span) of the message's entities."""
    text = msg.get(TEXT)
    return [(e["entity"], e["value"], text[e["start"] : e["end"]]) for e in msg.get(ENTITIES) or []]


@pytest.fixture
def extractor(create: Callable[..., Any]) -> KeywordEntityExtractor:
    component = create(KeywordEntityExtractor, pipeline_config(KEYWORDS))
    component.train(training_data(NLU))
    return component


def extract(extractor: KeywordEntityExtractor, text: str, intent: str | None) -> Message:
    msg = message(text, intent)
    extractor.process([msg])
    return msg


# --------------------------------------------------------------------------- matches


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        # exact, and after folding umlauts / digraphs
        ("Es droht eine Stromsperre", "state_hardship", ("haertegrund", "energie", "Stromsperre")),
        (
            "Gebärdensprache bitte",
            "need_support",
            ("angebotsart", "gebaerdensprache", "Gebärdensprache"),
        ),
        (
            "Gebaerdensprache bitte",
            "need_support",
            ("angebotsart", "gebaerdensprache", "Gebaerdensprache"),
        ),
        ("Ich wohne in Koeln", "inform", ("ort", "Köln", "Koeln")),
        ("Ich wohne in Köln", "inform", ("ort", "Köln", "Köln")),
        ("Ich wohne in Nuernberg", "inform", ("ort", "Nürnberg", "Nuernberg")),
        ("Ich bin sein betreuer", "inform", ("rolle", "betreuer", "betreuer")),
        ("Die Kuendigung kam gestern", "state_hardship", ("haertegrund", "miete", "Kuendigung")),
        # synonyms of a known value
        ("Die Gassperre kommt", "request_advance_payment", ("haertegrund", "energie", "Gassperre")),
        # typos and compounds (haertegrund, angebotsart are fuzzy)
        ("Es droht eine Stromspere", "state_hardship", ("haertegrund", "energie", "Stromspere")),
        ("Die Stromnachzahlung", "state_hardship", ("haertegrund", "energie", "Stromnachzahlung")),
        ("Die Tablettn sind alle", "state_hardship", ("haertegrund", "medikamente", "Tablettn")),
        ("Die Miede ist offen", "state_hardship", ("haertegrund", "miete", "Miede")),
        ("Keine Medikamnte", "state_hardship", ("haertegrund", "medikamente", "Medikamnte")),
        ("Bitte Gebärdenspr", "need_support", ("angebotsart", "gebaerdensprache", "Gebärdenspr")),
        (
            "Ein DGS-Dolmetscher",
            "need_support",
            ("angebotsart", "gebaerdensprache", "DGS-Dolmetscher"),
        ),
    ],
)
def test_finds_canonical_value(
    extractor: KeywordEntityExtractor, text: str, intent: str, expected: tuple[str, str, str]
) -> None:
    msg = extract(extractor, text, intent)
    assert found(msg) == [expected]
    [entity] = msg.get(ENTITIES)
    assert entity["extractor"] == "KeywordEntityExtractor"
    assert entity["confidence_entity"] == 1.0


def test_longest_phrase_wins(extractor: KeywordEntityExtractor) -> None:
    # 'Kühlschrank' alone is known as well; the whole phrase is taken
    msg = extract(
        extractor, "Mein Kühlschrank ist leer und Hilfe in leichter Sprache", "state_hardship"
    )
    assert found(msg) == [("haertegrund", "lebensmittel", "Kühlschrank ist leer")]
    msg = extract(extractor, "Hilfe in Leichter Sprache", "need_support")
    assert found(msg) == [("angebotsart", "leichte_sprache", "Leichter Sprache")]


def test_several_entities_in_one_message(extractor: KeywordEntityExtractor) -> None:
    msg = extract(extractor, "Miete und Strom in Koeln sind offen", "state_hardship")
    assert found(msg) == [
        ("haertegrund", "miete", "Miete"),
        ("haertegrund", "energie", "Strom"),
        ("ort", "Köln", "Koeln"),
    ]


def test_non_fuzzy_entities_need_the_exact_folded_word(extractor: KeywordEntityExtractor) -> None:
    # ort and rolle are not in `fuzzy`: a typo, a clipped or a compound word is no match
    for text in ("Ich wohne in Kooln", "Ich wohne in Kölnerstadt", "Ich wohne in Berli"):
        assert found(extract(extractor, text, "inform")) == [], text


# --------------------------------------------------------------------------- intents


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Ich möchte meinen Stromanbieter wechseln", "out_of_scope"),
        ("Es droht eine Stromsperre", "greet"),
        ("Gebärdensprache bitte", "state_hardship"),
        ("Ich rufe als Betreuer an", "need_support"),
        ("Es droht eine Stromsperre", None),  # not classified
    ],
)
def test_only_under_the_configured_intents(
    extractor: KeywordEntityExtractor, text: str, intent: str | None
) -> None:
    assert found(extract(extractor, text, intent)) == []


@pytest.mark.parametrize("intent", ["state_hardship", "request_advance_payment"])
def test_haertegrund_under_both_configured_intents(
    extractor: KeywordEntityExtractor, intent: str
) -> None:
    assert found(extract(extractor, "Stromsperre", intent)) == [
        ("haertegrund", "energie", "Stromsperre")
    ]


def test_ort_is_not_restricted_to_intents(extractor: KeywordEntityExtractor) -> None:
    for intent in ("inform", "need_support", "out_of_scope", None):
        assert found(extract(extractor, "in Koeln", intent)) == [("ort", "Köln", "Koeln")]


# --------------------------------------------------------------------------- no false matches


@pytest.mark.parametrize(
    "text",
    [
        "Ich möchte einen Termin vereinbaren",
        "Hallo, ich habe eine Frage zu meinem Antrag",
        "Ich brauche bitte mehr Geld, danke",
        "Mir geht es nicht gut, ich komme nicht weiter",
        "Mein Konto wurde gesperrt",
        "Der Kunde ruft wegen seiner Kundin an",  # stop words, though close to 'Kündigung'
        "",
    ],
)
def test_no_entities_in_unrelated_words(extractor: KeywordEntityExtractor, text: str) -> None:
    for intent in ("state_hardship", "need_support", "inform"):
        assert found(extract(extractor, text, intent)) == [], (text, intent)


def test_no_haertegrund_for_mitte_des_monats(extractor: KeywordEntityExtractor) -> None:
    msg = extract(
        extractor, "Ich brauche den Vorschuss bis Mitte des Monats", "request_advance_payment"
    )
    assert found(msg) == []


# --------------------------------------------------------------------------- other extractors


def test_replaces_overlapping_entity_of_the_same_type(extractor: KeywordEntityExtractor) -> None:
    text = "Die Stromspere in Koeln und das Heizoel"
    msg = message(text, "state_hardship")
    crf = [
        {"entity": "haertegrund", "start": 4, "end": 14, "value": "Stromspere",
         "extractor": "CRFEntityExtractor"},
        {"entity": "ort", "start": 18, "end": 23, "value": "Koeln",
         "extractor": "CRFEntityExtractor"},
        {"entity": "haertegrund", "start": 32, "end": 39, "value": "Heizoel",
         "extractor": "CRFEntityExtractor"},
        {"entity": "name", "start": 4, "end": 14, "value": "Stromspere",
         "extractor": "CRFEntityExtractor"},
    ]  # fmt: skip
    msg.set(ENTITIES, [dict(e) for e in crf], add_to_output=True)

    extractor.process([msg])

    entities = msg.get(ENTITIES)
    by_extractor = sorted(
        (e["extractor"], e["entity"], text[e["start"] : e["end"]], e["value"]) for e in entities
    )
    assert by_extractor == [
        # the overlapping same-type CRF entities are gone, each span is there once
        ("CRFEntityExtractor", "haertegrund", "Heizoel", "Heizoel"),  # no keyword match: kept
        ("CRFEntityExtractor", "name", "Stromspere", "Stromspere"),  # other type: kept
        ("KeywordEntityExtractor", "haertegrund", "Stromspere", "energie"),
        ("KeywordEntityExtractor", "ort", "Koeln", "Köln"),
    ]
    spans = [(e["entity"], e["start"], e["end"]) for e in entities]
    assert len(spans) == len(set(spans))


def test_keeps_other_entities_when_nothing_matches(extractor: KeywordEntityExtractor) -> None:
    msg = message("Ich heiße Anna", "inform")
    crf = [{"entity": "name", "start": 10, "end": 14, "value": "Anna", "extractor": "CRF"}]
    msg.set(ENTITIES, [dict(e) for e in crf], add_to_output=True)
    extractor.process([msg])
    assert msg.get(ENTITIES) == crf


# --------------------------------------------------------------------------- training, storage


def test_vocabulary_learned_from_spans_synonyms_and_lookup_tables(
    extractor: KeywordEntityExtractor,
) -> None:
    for text, intent, expected in [
        ("Heizung", "state_hardship", ("haertegrund", "energie", "Heizung")),  # synonym
        ("Medikamente", "state_hardship", ("haertegrund", "medikamente", "Medikamente")),
        ("Berlin", "inform", ("ort", "Berlin", "Berlin")),  # lookup table
    ]:
        assert found(extract(extractor, text, intent)) == [expected]


def test_lookup_tables_can_be_switched_off(create: Callable[..., Any]) -> None:
    component = create(
        KeywordEntityExtractor, {**pipeline_config(KEYWORDS), "use_lookup_tables": False}
    )
    component.train(training_data(NLU))
    assert found(extract(component, "Berlin", "inform")) == []
    assert found(extract(component, "Nürnberg", "inform")) == [("ort", "Nürnberg", "Nürnberg")]


def test_untrained_extractor_finds_nothing(create: Callable[..., Any]) -> None:
    component = create(KeywordEntityExtractor, pipeline_config(KEYWORDS))
    assert found(extract(component, "Stromsperre in Köln", "state_hardship")) == []


def test_persists_and_loads_the_vocabulary(
    extractor: KeywordEntityExtractor, load: Callable[..., Any], model_storage: Any
) -> None:
    with model_storage.read_from(extractor._resource) as directory:
        assert (directory / VOCABULARY_FILE).is_file()
    loaded = load(KeywordEntityExtractor, pipeline_config(KEYWORDS))
    for text, intent in [
        ("Stromspere und Miede in Koeln", "state_hardship"),
        ("Gebaerdensprache oder Leichte Sprache", "need_support"),
        ("Ich bin der Betreuer", "inform"),
    ]:
        expected = found(extract(extractor, text, intent))
        assert expected
        assert found(extract(loaded, text, intent)) == expected


def test_load_without_a_trained_vocabulary_does_not_crash(load: Callable[..., Any]) -> None:
    loaded = load(KeywordEntityExtractor, pipeline_config(KEYWORDS), "never_trained")
    assert found(extract(loaded, "Stromsperre in Köln", "state_hardship")) == []
