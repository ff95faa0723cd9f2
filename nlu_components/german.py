"""German spelling folding and phonetic features for the featurizers.

Callers type ``Muenchen``, ``Munchen`` and ``München``, ``geaendert`` and ``geändert``,
``Strasse`` and ``Straße``. :func:`fold` maps all of them to one form. :class:`GermanFolding`
applies it to the tokens (text and lemma) of every message, after the tokenizer and before the
featurizers, so that the count vectors, the lexical features and the entity extractors see the
folded words. The message text and the token offsets stay as they are: entity values are still cut
from the original text.

Dialects and typos change letters that sound alike: ``Tablettn``/``Tabletten``, ``kimmt``/``kommt``,
``basst``/``passt``, ``Dange``/``Danke``, ``Kondo``/``Konto``. :func:`koelner_phonetik` codes a word
by its sound (Kölner Phonetik, Postel 1969), and :class:`PhoneticFeaturizer` is a
``CountVectorsFeaturizer`` over these codes, so that such spellings share features.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_DIGRAPHS = re.compile(r"(?<=[^\W\d_])(ae|oe|ue)|\b(ae|oe|ue)(?=[^\W\d_])", re.IGNORECASE)
_CHARS = str.maketrans(
    {"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U", "ß": "ss", "ẞ": "SS"}
)


def fold(text: str) -> str:
    """Fold German spelling variants: ``ä/ae -> a``, ``ö/oe -> o``, ``ü/ue -> u``, ``ß -> ss``;
    other accents are dropped (``é -> e``, ``ı -> i``). Case is kept.

    The digraphs ``ae``, ``oe``, ``ue`` are folded everywhere inside a word (also in words such as
    ``neue`` -> ``neu``): the mapping only has to be the same for training and prediction.
    """
    text = text.translate(_CHARS)
    text = _DIGRAPHS.sub(lambda m: (m.group(1) or m.group(2))[0], text)
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        ).replace("ı", "i")
    return text


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class GermanFolding(GraphComponent):
    """Folds umlauts, ``ß`` and their ASCII spellings in token texts and lemmas."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"fold_text": True, "fold_lemma": True}

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GermanFolding:
        return cls(config)

    def _fold_message(self, message: Message) -> None:
        for token in message.get(TOKENS_NAMES[TEXT]) or []:
            if self._config["fold_text"]:
                token.text = fold(token.text)
            if self._config["fold_lemma"] and token.lemma:
                token.lemma = fold(token.lemma)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._fold_message(message)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._fold_message(message)
        return messages


# ---------------------------------------------------------------------------- Kölner Phonetik

_PHONETIC_LETTERS = str.maketrans("012345678", "aeiouwxyz")


def koelner_phonetik(word: str) -> str:
    """The Kölner Phonetik code of ``word`` (digits ``0``-``8``; empty if it has no letters).

    Letters that sound alike get the same digit (``b/p`` 1, ``d/t`` 2, ``f/v/w`` 3, ``g/k/q`` 4,
    ``l`` 5, ``m/n`` 6, ``r`` 7, ``s/z`` 8, ``c`` and ``x`` by context), vowels are dropped except
    at the start, repeated digits are merged.
    """
    w = re.sub(r"[^a-z]", "", fold(word).lower())
    codes: list[str] = []
    for i, c in enumerate(w):
        prev = w[i - 1] if i else ""
        nxt = w[i + 1] if i + 1 < len(w) else ""
        if c in "aeijouy":
            code = "0"
        elif c == "h":
            code = ""
        elif c == "b":
            code = "1"
        elif c == "p":
            code = "3" if nxt == "h" else "1"
        elif c in "dt":
            code = "8" if nxt and nxt in "csz" else "2"
        elif c in "fvw":
            code = "3"
        elif c in "gkq":
            code = "4"
        elif c == "c":
            if i == 0:
                code = "4" if nxt and nxt in "ahkloqrux" else "8"
            elif prev in "sz":
                code = "8"
            else:
                code = "4" if nxt and nxt in "ahkoqux" else "8"
        elif c == "x":
            code = "8" if prev and prev in "ckq" else "48"
        elif c == "l":
            code = "5"
        elif c in "mn":
            code = "6"
        elif c == "r":
            code = "7"
        elif c in "sz":
            code = "8"
        else:
            code = ""
        codes.append(code)
    merged: list[str] = []
    for ch in "".join(codes):
        if not merged or merged[-1] != ch:
            merged.append(ch)
    code = "".join(merged)
    return code[:1] + code[1:].replace("0", "") if code else ""


def phonetic_token(text: str) -> str:
    """A token's phonetic code written with letters (the featurizer treats digits as numbers);
    tokens without letters stay as they are."""
    code = koelner_phonetik(text)
    return "p" + code.translate(_PHONETIC_LETTERS) if code else text


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class PhoneticFeaturizer(CountVectorsFeaturizer):
    """``CountVectorsFeaturizer`` (same options) over the Kölner-Phonetik codes of the tokens."""

    def _get_message_tokens_by_attribute(self, message: Message, attribute: str) -> list[str]:
        tokens = super()._get_message_tokens_by_attribute(message, attribute)
        if attribute != TEXT:
            return tokens
        return [phonetic_token(t) for t in tokens]
