"""Tests for nlu_components.linear.LinearIntentClassifier on the project's featurizers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.sparse
from nlu_testing import (
    message,
    pipeline_config,
    run_process,
    run_training,
    tokenizer,
    training_data,
)
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from nlu_components.german import GermanFolding, PhoneticFeaturizer
from nlu_components.linear import META_FILE, MODEL_FILE, LinearIntentClassifier
from nlu_components.shape import ShapeFeaturizer

LINEAR = "nlu_components.linear.LinearIntentClassifier"
INTENTS = ["greet", "request_advance_payment", "change_bank_details"]

NLU = """
version: "3.1"
nlu:
- intent: greet
  examples: |
    - Hallo
    - Guten Tag
    - Guten Morgen
    - Hallo, guten Tag
    - Servus
    - Moin
- intent: request_advance_payment
  examples: |
    - Ich brauche einen Vorschuss
    - Kann ich einen Abschlag bekommen?
    - Ich brauche dringend Geld vorab
    - Gibt es einen Vorschuss auf die Leistung?
    - Ich möchte eine Vorauszahlung beantragen
    - Bitte einen Abschlag, das Geld reicht nicht
- intent: change_bank_details
  examples: |
    - Ich habe eine neue Bankverbindung
    - Meine IBAN hat sich geändert
    - Bitte das Konto ändern
    - Ich habe ein neues Konto
    - Die Kontonummer ist jetzt eine andere
    - Bankverbindung ändern bitte
"""

HELD_OUT = [
    ("Hallo, guten Morgen", "greet"),
    ("Ich brauche einen Abschlag", "request_advance_payment"),
    ("Kann ich einen Vorschuss bekommen", "request_advance_payment"),
    ("Meine Bankverbindung hat sich geändert", "change_bank_details"),
    ("Neue IBAN", "change_bank_details"),
]


def featurizers(create: Callable[..., Any], prefix: str = "") -> list[Any]:
    """Tokenizer and the sparse featurizers of config.yml (the ones the block weights name)."""

    def node(name: str) -> str:
        return f"{prefix}{name}"

    return [
        tokenizer(),
        create(GermanFolding, pipeline_config("nlu_components.german.GermanFolding")),
        create(CountVectorsFeaturizer, {"alias": "words", "use_lemma": True}, node("words")),
        create(
            CountVectorsFeaturizer,
            {"alias": "chars", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
            node("chars"),
        ),
        create(
            PhoneticFeaturizer,
            pipeline_config("nlu_components.german.PhoneticFeaturizer"),
            node("phonetic"),
        ),
        create(
            ShapeFeaturizer, pipeline_config("nlu_components.shape.ShapeFeaturizer"), node("shape")
        ),
    ]


def trained_pipeline(
    create: Callable[..., Any], config: dict[str, Any] | None = None, prefix: str = ""
) -> list[Any]:
    classifier = create(
        LinearIntentClassifier, {**pipeline_config(LINEAR), **(config or {})}, f"{prefix}linear"
    )
    pipeline = [*featurizers(create, prefix), classifier]
    run_training(pipeline, training_data(NLU))
    return pipeline


def predict(pipeline: list[Any], texts: list[str]) -> list[Message]:
    return run_process(pipeline, [message(t) for t in texts])


def ranking(msg: Message) -> list[tuple[str, float]]:
    return [(r["name"], r["confidence"]) for r in msg.get(INTENT_RANKING_KEY)]


@pytest.fixture
def pipeline(create: Callable[..., Any]) -> list[Any]:
    return trained_pipeline(create)


# --------------------------------------------------------------------------- prediction


def test_predicts_the_right_intent(pipeline: list[Any]) -> None:
    messages = predict(pipeline, [text for text, _ in HELD_OUT])
    assert [m.get(INTENT)["name"] for m in messages] == [intent for _, intent in HELD_OUT]


def test_confidence_and_ranking(pipeline: list[Any]) -> None:
    for msg in predict(pipeline, [text for text, _ in HELD_OUT]):
        intent = msg.get(INTENT)
        assert 0.0 <= intent["confidence"] <= 1.0
        assert isinstance(intent["confidence"], float)
        ranked = ranking(msg)
        assert sorted(name for name, _ in ranked) == sorted(INTENTS)  # all 3 < ranking_length
        assert ranked[0] == (intent["name"], intent["confidence"])
        confidences = [c for _, c in ranked]
        assert confidences == sorted(confidences, reverse=True)
        assert all(0.0 <= c <= 1.0 for c in confidences)
        assert sum(confidences) == pytest.approx(1.0)
        assert intent["confidence"] > 1 / len(INTENTS)


def test_intent_and_ranking_are_in_the_parse_output(pipeline: list[Any]) -> None:
    [msg] = predict(pipeline, ["Guten Tag"])
    output = msg.as_dict_nlu()
    assert output[INTENT]["name"] == "greet"
    assert [r["name"] for r in output[INTENT_RANKING_KEY]][0] == "greet"


def test_ranking_length(create: Callable[..., Any]) -> None:
    [msg] = predict(trained_pipeline(create, {"ranking_length": 2}), ["Guten Tag"])
    assert len(msg.get(INTENT_RANKING_KEY)) == 2
    assert msg.get(INTENT_RANKING_KEY)[0]["name"] == "greet"


def test_temperature_sharpens_without_changing_the_order(create: Callable[..., Any]) -> None:
    plain = predict(trained_pipeline(create, {"temperature": 1.0}, "a_"), ["Neue IBAN"])[0]
    sharp = predict(trained_pipeline(create, {"temperature": 0.5}, "b_"), ["Neue IBAN"])[0]
    assert [n for n, _ in ranking(sharp)] == [n for n, _ in ranking(plain)]
    assert sharp.get(INTENT)["confidence"] > plain.get(INTENT)["confidence"]


def test_block_weights_are_applied(create: Callable[..., Any]) -> None:
    """With every block weighted 0 the features do not count: all messages get the same
    probabilities (from the intercepts alone)."""
    zero = {"block_weights": {"words": 0, "chars": 0, "phonetic": 0, "shape": 0}}
    pipeline = trained_pipeline(create, zero)
    messages = predict(pipeline, [text for text, _ in HELD_OUT])
    first = ranking(messages[0])
    for msg in messages[1:]:
        assert dict(ranking(msg)) == pytest.approx(dict(first))


def test_idf_weighting_is_applied(create: Callable[..., Any]) -> None:
    texts = [text for text, _ in HELD_OUT]
    idf = predict(trained_pipeline(create, {"use_idf": True}, "a_"), texts)
    plain = predict(trained_pipeline(create, {"use_idf": False}, "b_"), texts)
    assert [m.get(INTENT)["name"] for m in idf] == [m.get(INTENT)["name"] for m in plain]
    with_idf = [dict(ranking(m))[name] for m in idf for name in INTENTS]
    without = [dict(ranking(m))[name] for m in plain for name in INTENTS]
    assert not np.allclose(with_idf, without, atol=1e-3)


def test_deterministic_with_the_same_random_seed(create: Callable[..., Any]) -> None:
    texts = [text for text, _ in HELD_OUT]
    a = predict(trained_pipeline(create, {"random_seed": 7}, "a_"), texts)
    b = predict(trained_pipeline(create, {"random_seed": 7}, "b_"), texts)
    assert [ranking(m) for m in a] == [ranking(m) for m in b]


# --------------------------------------------------------------------------- storage


def test_persists_and_loads_with_identical_predictions(
    pipeline: list[Any], load: Callable[..., Any], model_storage: Any
) -> None:
    classifier = pipeline[-1]
    with model_storage.read_from(classifier._resource) as directory:
        assert (directory / MODEL_FILE).is_file()
        assert (directory / META_FILE).is_file()
    loaded = load(LinearIntentClassifier, pipeline_config(LINEAR), "linear")
    assert isinstance(loaded, LinearIntentClassifier)

    texts = [text for text, _ in HELD_OUT]
    before = predict(pipeline, texts)
    after = predict([*pipeline[:-1], loaded], texts)
    assert [ranking(m) for m in after] == [ranking(m) for m in before]
    assert [m.get(INTENT) for m in after] == [m.get(INTENT) for m in before]


def test_load_without_a_trained_model_leaves_messages_unclassified(
    pipeline: list[Any], load: Callable[..., Any]
) -> None:
    loaded = load(LinearIntentClassifier, pipeline_config(LINEAR), "never_trained")
    [msg] = run_process([*pipeline[:-1], loaded], [message("Hallo")])
    assert msg.get(INTENT) is None


def test_untrained_classifier_leaves_messages_unclassified(create: Callable[..., Any]) -> None:
    classifier = create(LinearIntentClassifier, pipeline_config(LINEAR))
    [msg] = classifier.process([message("Hallo")])
    assert msg.get(INTENT) is None


# --------------------------------------------------------------------------- missing features


def test_empty_text_through_the_pipeline_does_not_crash(pipeline: list[Any]) -> None:
    empty, hello = predict(pipeline, ["", "Hallo"])
    assert empty.get(TEXT) == ""
    assert empty.get(INTENT) is None  # nothing to classify: left as it is
    assert hello.get(INTENT)["name"] == "greet"  # the rest of the batch is classified


def test_message_without_features_gets_a_valid_distribution(pipeline: list[Any]) -> None:
    """A text message on which no featurizer ran: an all-zero feature row."""
    msg = message("Hallo")
    pipeline[-1].process([msg])
    intent = msg.get(INTENT)
    assert intent["name"] in INTENTS
    assert 0.0 <= intent["confidence"] <= 1.0
    assert sum(c for _, c in ranking(msg)) == pytest.approx(1.0)


def test_features_of_unexpected_size_are_treated_as_missing(pipeline: list[Any]) -> None:
    [reference] = pipeline[-1].process([message("Hallo")])
    msg = message("Hallo")
    bogus = scipy.sparse.coo_matrix(np.ones((1, 3)))
    msg.add_features(Features(bogus, "sentence", TEXT, "words"))
    pipeline[-1].process([msg])
    assert ranking(msg) == ranking(reference)
