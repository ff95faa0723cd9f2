"""Message-shape features: what a message looks like, regardless of its words.

An answer such as ``Ole Nissen`` consists of words the classifier has never seen, so word and
char n-gram features say little; its shape (two capitalised words, nothing else) says "a name,
so ``inform``". The same holds for ``123A456789`` (digits-letter-digits) or ``14.3.85``.
:class:`ShapeFeaturizer` adds sparse sentence features for

* the shape of the whole message (token shapes, e.g. ``Xx Xx``, ``dXd``, ``d.d.d``; messages of
  more than ``max_tokens`` tokens share one value),
* the number of tokens (bucketed), the shape of the first and of the last token,
* whether the message contains a question mark,

and a one-hot token-shape sequence feature per token. The vocabulary of features is learned from
the training data; unseen features are ignored.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.storage import read_json, write_json

logger = logging.getLogger(__name__)

VOCABULARY_FILE = "shape_vocabulary.json"
_LENGTH_BUCKETS = (1, 2, 3, 4, 7, 12)


def token_shape(text: str) -> str:
    """Shape of a token: ``Anna`` -> ``Xx``, ``hallo`` -> ``x``, ``123A456789`` -> ``dXd``,
    ``14.03.85`` -> ``d.d.d``."""
    out: list[str] = []
    for char in text:
        if char.isdigit():
            kind = "d"
        elif char.isalpha():
            kind = "X" if char.isupper() else "x"
        else:
            kind = char
        if not out or out[-1] != kind or not kind.isalnum():
            out.append(kind)
    return re.sub(r"([^\w])\1+", r"\1", "".join(out))


def _length_bucket(n: int) -> str:
    for bound in _LENGTH_BUCKETS:
        if n <= bound:
            return str(bound)
    return "more"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class ShapeFeaturizer(SparseFeaturizer, GraphComponent):
    """Sparse features for the shape of a message and of its tokens."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**SparseFeaturizer.get_default_config(), "max_tokens": 5}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        vocabulary: dict[str, dict[str, int]] | None = None,
    ) -> None:
        super().__init__(execution_context.node_name, config)
        self._model_storage = model_storage
        self._resource = resource
        self._vocabulary = vocabulary or {"sentence": {}, "token": {}}

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if int(config.get("max_tokens", 5)) < 1:
            raise ValueError("ShapeFeaturizer: max_tokens must be at least 1")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ShapeFeaturizer:
        return cls(
            {**cls.get_default_config(), **config}, model_storage, resource, execution_context
        )

    # ---------------------------------------------------------------- features

    def _raw(self, message: Message) -> tuple[list[str], list[str]]:
        """(sentence features, token shapes) of a message."""
        tokens = [t.text for t in message.get(TOKENS_NAMES[TEXT]) or []]
        shapes = [token_shape(t) for t in tokens]
        if not shapes:
            return [], []
        limit = int(self._config["max_tokens"])
        whole = " ".join(shapes) if len(shapes) <= limit else "long"
        sentence = [
            f"shape={whole}",
            f"len={_length_bucket(len(shapes))}",
            f"first={shapes[0]}",
            f"last={shapes[-1]}",
        ]
        if "?" in tokens:
            sentence.append("question")
        return sentence, shapes

    def train(self, training_data: TrainingData) -> Resource:
        sentence: dict[str, int] = {}
        token: dict[str, int] = {}
        for message in training_data.training_examples:
            features, shapes = self._raw(message)
            for f in features:
                sentence.setdefault(f, len(sentence))
            for s in shapes:
                token.setdefault(s, len(token))
        self._vocabulary = {"sentence": sentence, "token": token}
        write_json(self._model_storage, self._resource, VOCABULARY_FILE, self._vocabulary)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ShapeFeaturizer:
        vocabulary = read_json(model_storage, resource, VOCABULARY_FILE, None)
        return cls(
            {**cls.get_default_config(), **config},
            model_storage,
            resource,
            execution_context,
            vocabulary,
        )

    def _featurize(self, message: Message) -> None:
        if not message.get(TOKENS_NAMES[TEXT]):
            return
        features, shapes = self._raw(message)
        sentence_vocab, token_vocab = self._vocabulary["sentence"], self._vocabulary["token"]
        columns = [sentence_vocab[f] for f in features if f in sentence_vocab]
        sentence = scipy.sparse.coo_matrix(
            (np.ones(len(columns)), (np.zeros(len(columns), dtype=int), columns)),
            shape=(1, max(len(sentence_vocab), 1)),
        )
        rows, cols = [], []
        for row, shape in enumerate(shapes):
            if shape in token_vocab:
                rows.append(row)
                cols.append(token_vocab[shape])
        sequence = scipy.sparse.coo_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(len(shapes), max(len(token_vocab), 1))
        )
        self.add_features_to_message(sequence, sentence, TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._featurize(message)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._featurize(message)
        return messages
