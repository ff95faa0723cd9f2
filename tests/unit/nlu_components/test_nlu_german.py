"""Tests for nlu_components.german: spelling folding (GermanFolding) and Kölner Phonetik
(PhoneticFeaturizer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from nlu_testing import (
    message,
    pipeline_config,
    run_process,
    run_training,
    tokenizer,
    training_data,
)
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.german import (
    GermanFolding,
    PhoneticFeaturizer,
    fold,
    koelner_phonetik,
    phonetic_token,
)

FOLDING = "nlu_components.german.GermanFolding"
PHONETIC = "nlu_components.german.PhoneticFeaturizer"

NLU = """
version: "3.1"
nlu:
- intent: inform
  examples: |
    - Ich wohne in [Nürnberg](ort)
    - Ich wohne in [Muenchen]{"entity": "ort", "value": "München"} an der Straße
    - Die Tabletten sind alle
- intent: state_hardship
  examples: |
    - Die Miete ist zu hoch
    - Es kommt eine Stromsperre
"""


def token_texts(msg: Message) -> list[str]:
    return [t.text for t in msg.get(TOKENS_NAMES[TEXT])]


def sentence_features(msg: Message, origin: str) -> np.ndarray:
    _, sentence = msg.get_sparse_features(TEXT, [origin])
    assert sentence is not None, f"no sentence features from {origin}"
    return sentence.features.toarray()


# --------------------------------------------------------------------------- fold()


@pytest.mark.parametrize(
    ("variants", "folded"),
    [
        (["Nürnberg", "Nuernberg", "Nurnberg"], "Nurnberg"),
        (["München", "Muenchen", "Munchen"], "Munchen"),
        (["Köln", "Koeln", "Koln"], "Koln"),
        (["geändert", "geaendert", "geandert"], "geandert"),
        (["Straße", "Strasse"], "Strasse"),
        (["Ärger", "Aerger", "Arger"], "Arger"),
        (["Öl", "Oel"], "Ol"),
        (["Übersetzer", "Uebersetzer"], "Ubersetzer"),
        (["NÜRNBERG", "NUERNBERG"], "NURNBERG"),
        (["STRAẞE", "STRASSE"], "STRASSE"),
        (["Müller-Lüdenscheidt", "Mueller-Luedenscheidt"], "Muller-Ludenscheidt"),
    ],
)
def test_fold_maps_spelling_variants_to_one_form(variants: list[str], folded: str) -> None:
    assert [fold(v) for v in variants] == [folded] * len(variants)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Café", "Cafe"),  # other accents are dropped
        ("Hallo 123", "Hallo 123"),  # ASCII without digraphs stays as it is
        ("ae", "ae"),  # a digraph that is not part of a word stays
        ("", ""),
    ],
)
def test_fold_leaves_other_text_alone(text: str, folded: str) -> None:
    assert fold(text) == folded


# --------------------------------------------------------------------------- GermanFolding


def test_folding_component_folds_token_texts_and_lemmas_only(
    create: Callable[..., Any],
) -> None:
    folding = create(GermanFolding, pipeline_config(FOLDING))
    text = "Nürnberg Nuernberg Straße"
    msg = message(text)
    run_process([tokenizer()], [msg])
    offsets = [(t.start, t.end) for t in msg.get(TOKENS_NAMES[TEXT])]

    folding.process([msg])

    tokens = msg.get(TOKENS_NAMES[TEXT])
    assert [t.text for t in tokens] == ["Nurnberg", "Nurnberg", "Strasse"]
    assert [t.lemma for t in tokens] == ["Nurnberg", "Nurnberg", "Strasse"]
    assert [(t.start, t.end) for t in tokens] == offsets  # offsets untouched
    assert msg.get(TEXT) == text  # the message text untouched


def test_folding_training_data_keeps_text_and_entity_offsets(
    create: Callable[..., Any],
) -> None:
    data = training_data(NLU)
    before = [(m.get(TEXT), [dict(e) for e in m.get(ENTITIES) or []]) for m in data.nlu_examples]

    run_training([tokenizer(), create(GermanFolding, pipeline_config(FOLDING))], data)

    after = [(m.get(TEXT), m.get(ENTITIES) or []) for m in data.nlu_examples]
    assert after == before
    nuernberg = next(m for m in data.nlu_examples if "Nürnberg" in m.get(TEXT))
    [entity] = nuernberg.get(ENTITIES)
    assert nuernberg.get(TEXT)[entity["start"] : entity["end"]] == "Nürnberg"
    assert "Nurnberg" in token_texts(nuernberg)  # but the featurizers see the folded token
    muenchen = next(m for m in data.nlu_examples if "Muenchen" in m.get(TEXT))
    assert token_texts(muenchen) == ["Ich", "wohne", "in", "Munchen", "an", "der", "Strasse"]


def test_folding_options_switch_text_and_lemma_folding_off(create: Callable[..., Any]) -> None:
    msg = message("Nürnberg")
    run_process([tokenizer()], [msg])

    create(GermanFolding, {"fold_text": False}).process([msg])

    [token] = msg.get(TOKENS_NAMES[TEXT])
    assert (token.text, token.lemma) == ("Nürnberg", "Nurnberg")

    msg = message("Nürnberg")
    run_process([tokenizer()], [msg])
    create(GermanFolding, {"fold_lemma": False}).process([msg])
    [token] = msg.get(TOKENS_NAMES[TEXT])
    assert (token.text, token.lemma) == ("Nurnberg", "Nürnberg")


def test_folded_spellings_get_identical_count_vector_features(
    create: Callable[..., Any],
) -> None:
    words = create(CountVectorsFeaturizer, {"alias": "words", "use_lemma": True}, "words")
    chars = create(
        CountVectorsFeaturizer,
        {"alias": "chars", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
        "chars",
    )
    pipeline = [tokenizer(), create(GermanFolding, pipeline_config(FOLDING)), words, chars]
    run_training(pipeline, training_data(NLU))

    variants = [message(f"Ich wohne in {city}") for city in ("Nürnberg", "Nuernberg", "Nurnberg")]
    street = [message("an der Straße"), message("an der Strasse")]
    other = message("Ich wohne in Berlin")
    run_process(pipeline, [*variants, *street, other])

    for origin in ("words", "chars"):
        reference = sentence_features(variants[0], origin)
        assert reference.any()
        for msg in variants[1:]:
            np.testing.assert_array_equal(sentence_features(msg, origin), reference)
        np.testing.assert_array_equal(
            sentence_features(street[0], origin), sentence_features(street[1], origin)
        )
        assert not np.array_equal(sentence_features(other, origin), reference)


def test_without_folding_the_spellings_differ(create: Callable[..., Any]) -> None:
    """Counter-check of the test above: the featurizer alone does not merge the spellings."""
    words = create(CountVectorsFeaturizer, {"alias": "words"}, "words")
    run_training([tokenizer(), words], training_data(NLU))
    a, b = message("in Nürnberg"), message("in Nuernberg")
    run_process([tokenizer(), words], [a, b])
    assert not np.array_equal(sentence_features(a, "words"), sentence_features(b, "words"))


def test_folding_hyphenated_token_with_digraph_after_the_hyphen(
    create: Callable[..., Any],
) -> None:
    umlaut, digraph = message("Online-Überweisung"), message("Online-Ueberweisung")
    run_process([tokenizer(), create(GermanFolding, pipeline_config(FOLDING))], [umlaut, digraph])
    assert token_texts(umlaut) == ["Online-Uberweisung"]
    assert token_texts(digraph) == token_texts(umlaut)


# --------------------------------------------------------------------------- Kölner Phonetik


@pytest.mark.parametrize(
    ("word", "code"),
    [
        # the published examples of the algorithm (Postel 1969; Wikipedia "Kölner Phonetik")
        ("Müller-Lüdenscheidt", "65752682"),
        ("Breschnew", "17863"),
        ("Wikipedia", "3412"),
        # single rules
        ("Chemnitz", "468"),  # initial C before h -> 4; t before z -> 8
        ("Zeitung", "8264"),
        ("Axel", "0485"),  # leading vowel kept; x not after c/k/q -> 48
        ("Hexe", "048"),
        ("Philipp", "351"),  # p before h -> 3
        ("Mueller-Luedenscheidt", "65752682"),  # folded before coding
        ("Straße", "8278"),
        ("", ""),
        ("123", ""),  # no letters
    ],
)
def test_koelner_phonetik_reference_codes(word: str, code: str) -> None:
    assert koelner_phonetik(word) == code


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tabletten", "Tablettn"),
        ("kommt", "kimmt"),
        ("passt", "basst"),
        ("Danke", "Dange"),
        ("Konto", "Kondo"),
        ("Straße", "Strasse"),
        ("Köln", "Koeln"),
    ],
)
def test_koelner_phonetik_same_code_for_spellings_that_sound_alike(a: str, b: str) -> None:
    assert koelner_phonetik(a) == koelner_phonetik(b) != ""


@pytest.mark.parametrize(
    ("a", "b"), [("Tabletten", "Miete"), ("kommt", "geht"), ("Strom", "Miete")]
)
def test_koelner_phonetik_different_code_for_different_words(a: str, b: str) -> None:
    assert koelner_phonetik(a) != koelner_phonetik(b)


@pytest.mark.parametrize(("word", "code"), [("Xaver", "4837"), ("Xanten", "48626")])
def test_koelner_phonetik_initial_x(word: str, code: str) -> None:
    assert koelner_phonetik(word) == code


def test_phonetic_token_spells_the_code_with_letters() -> None:
    token = phonetic_token("Tabletten")
    assert token.startswith("p") and token.isalpha()
    assert token == phonetic_token("Tablettn")
    assert len(token) == 1 + len(koelner_phonetik("Tabletten"))
    assert phonetic_token("123") == "123"  # no letters: unchanged


# --------------------------------------------------------------------------- PhoneticFeaturizer


def phonetic_pipeline(create: Callable[..., Any]) -> list[Any]:
    return [
        tokenizer(),
        create(GermanFolding, pipeline_config(FOLDING)),
        create(PhoneticFeaturizer, pipeline_config(PHONETIC), "phonetic"),
    ]


def test_phonetic_featurizer_gives_sound_alike_spellings_the_same_features(
    create: Callable[..., Any],
) -> None:
    pipeline = phonetic_pipeline(create)
    run_training(pipeline, training_data(NLU))

    pairs = [("Die Tabletten", "Die Tablettn"), ("es kommt", "es kimmt"), ("Köln", "Koeln")]
    for a, b in pairs:
        ma, mb = message(a), message(b)
        run_process(pipeline, [ma, mb])
        fa = sentence_features(ma, "phonetic")
        assert fa.any(), a
        np.testing.assert_array_equal(fa, sentence_features(mb, "phonetic"))

    tabletten, miete = message("Tabletten"), message("Miete")
    run_process(pipeline, [tabletten, miete])
    assert not np.array_equal(
        sentence_features(tabletten, "phonetic"), sentence_features(miete, "phonetic")
    )


def test_phonetic_featurizer_vocabulary_is_made_of_codes(create: Callable[..., Any]) -> None:
    pipeline = phonetic_pipeline(create)
    run_training(pipeline, training_data(NLU))
    vocabulary = pipeline[-1]._get_attribute_vocabulary(TEXT)
    # char_wb n-grams of the letter-coded tokens: " pie..." for Tabletten, no plain words
    assert any(phonetic_token("Tabletten")[:3] in ngram for ngram in vocabulary)
    assert not any("tab" in ngram or "mie" in ngram for ngram in vocabulary)
    assert not any(ch.isdigit() for ngram in vocabulary for ch in ngram)


def test_phonetic_featurizer_persists_and_loads(
    create: Callable[..., Any], load: Callable[..., Any]
) -> None:
    pipeline = phonetic_pipeline(create)
    run_training(pipeline, training_data(NLU))
    loaded = load(PhoneticFeaturizer, pipeline_config(PHONETIC), "phonetic")
    assert isinstance(loaded, PhoneticFeaturizer)

    trained, reloaded = message("Die Tablettn sind alle"), message("Die Tablettn sind alle")
    run_process(pipeline, [trained])
    run_process([*pipeline[:2], loaded], [reloaded])
    fa = sentence_features(trained, "phonetic")
    assert fa.any()
    np.testing.assert_array_equal(sentence_features(reloaded, "phonetic"), fa)
