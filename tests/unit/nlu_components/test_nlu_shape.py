"""Tests for nlu_components.shape: token shapes and the ShapeFeaturizer."""

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
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.shape import VOCABULARY_FILE, ShapeFeaturizer, token_shape

SHAPE = "nlu_components.shape.ShapeFeaturizer"

NLU = """
version: "3.1"
nlu:
- intent: inform
  examples: |
    - Ole Nissen
    - 123A456789
    - 14.03.85
    - Meine Kundennummer ist 123A456789
- intent: greet
  examples: |
    - hallo
    - Guten Tag
"""


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("Anna", "Xx"),
        ("hallo", "x"),
        ("123A456789", "dXd"),
        ("14.03.85", "d.d.d"),
        ("NRW", "X"),
        ("Hallo!!!", "Xx!"),
        ("", ""),
    ],
)
def test_token_shape(text: str, shape: str) -> None:
    assert token_shape(text) == shape


def features(msg: Message) -> tuple[np.ndarray, np.ndarray]:
    sequence, sentence = msg.get_sparse_features(TEXT, ["shape"])
    assert sequence is not None and sentence is not None
    return sequence.features.toarray(), sentence.features.toarray()


@pytest.fixture
def pipeline(create: Callable[..., Any]) -> list[Any]:
    components = [tokenizer(), create(ShapeFeaturizer, pipeline_config(SHAPE), "shape")]
    run_training(components, training_data(NLU))
    return components


def test_same_shape_same_features(pipeline: list[Any]) -> None:
    names = run_process(pipeline, [message("Ole Nissen"), message("Anna Schmidt")])
    number = run_process(pipeline, [message("987B654321")])[0]
    (seq_a, sent_a), (seq_b, sent_b) = features(names[0]), features(names[1])
    assert sent_a.any()
    np.testing.assert_array_equal(sent_a, sent_b)
    np.testing.assert_array_equal(seq_a, seq_b)
    assert seq_a.shape[0] == 2  # one row per token
    assert not np.array_equal(features(number)[1], sent_a)


def test_unseen_shapes_are_ignored(pipeline: list[Any]) -> None:
    [msg] = run_process(pipeline, [message("§§§ ### ***")])
    sequence, sentence = features(msg)
    assert not sequence.any()
    assert sentence.sum() <= 1  # at most the length bucket is known


def test_persists_and_loads(pipeline: list[Any], load: Callable[..., Any], model_storage) -> None:
    with model_storage.read_from(pipeline[-1]._resource) as directory:
        assert (directory / VOCABULARY_FILE).is_file()
    loaded = load(ShapeFeaturizer, pipeline_config(SHAPE), "shape")
    [a] = run_process(pipeline, [message("Meine Nummer ist 123A456789")])
    [b] = run_process([pipeline[0], loaded], [message("Meine Nummer ist 123A456789")])
    for fa, fb in zip(features(a), features(b), strict=True):
        np.testing.assert_array_equal(fa, fb)


def test_invalid_max_tokens_is_rejected(create: Callable[..., Any]) -> None:
    with pytest.raises(ValueError, match="max_tokens"):
        create(ShapeFeaturizer, {"max_tokens": 0})
