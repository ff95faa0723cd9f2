"""Typo- and dialect-tolerant keyword extraction for entities with a closed set of values.

``haertegrund`` and ``angebotsart`` have a handful of canonical values and a vocabulary that the
training data spells out (annotated spans and ``synonym`` lists); places come from the ``ort``
lookup table. A statistical tagger trained on ~2,000 sentences misses spellings it has not seen
(``Tablettn``, ``Miede``, ``Stromnachzahlung``, ``kuendigung``, ``Koeln``). This extractor
learns the vocabulary from the training data and matches it in new messages:

* words are compared after folding umlauts/``ß`` and their ASCII spellings, lower-cased, without
  hyphens (``Online-Formular`` = ``onlineformular``; ``Koeln`` = ``Köln``);
* the longest known phrase wins (``Kühlschrank ist leer``, ``Leichte Sprache``);
* for entities configured as ``fuzzy``, a single word also matches a known word when it starts
  with it (compounds: ``Stromnachzahlung`` -> ``Strom``), when it is a clipped form of it
  (``Miet`` -> ``Miete``, ``Medis`` -> ``Medikamente``) or when they differ by one letter
  (``Miede`` -> ``Miete``); prefixes must be at least ``min_prefix`` letters long;
* a match only counts when the message's intent is one of the entity's ``intents`` (if given),
  so that ``Strom`` in "Ich möchte meinen Stromanbieter wechseln" (out of scope) is no
  Härtegrund;
* the value is the canonical value of the matched word (``Tablettn`` -> ``medikamente``).

Entities of the same type found by earlier extractors (CRF, DIET) that overlap a keyword match are
replaced by it; the others are kept.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.german import fold
from nlu_components.storage import read_json, write_json

logger = logging.getLogger(__name__)

VOCABULARY_FILE = "keyword_entities.json"
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_STOPWORDS = {
    "ich", "mich", "mir", "mein", "meine", "meinen", "meiner", "meinem", "ein", "eine", "einen",
    "der", "die", "das", "den", "dem", "des", "und", "oder", "aber", "nicht", "kein", "keine",
    "habe", "haben", "hat", "ist", "sind", "wird", "werden", "kann", "konnen", "muss", "bitte",
    "danke", "mehr", "noch", "schon", "jetzt", "heute", "morgen", "geld", "euro", "kunde",
    "kundin", "seit", "wegen", "fur", "uber", "unter", "nach", "weil", "wenn", "dass", "auch",
    "alle", "alles", "immer", "mal", "ganz", "sehr", "viel", "wenig", "gegen", "genug", "gerne",
    "gestern", "gehen", "geht", "machen", "brauche", "brauchen", "bekommen", "kommen", "kommt",
}  # fmt: skip


def normalise_word(word: str) -> str:
    """Folded, lower-case, without hyphens and apostrophes: the key words are compared by."""
    return re.sub(r"[-'’]", "", fold(word).lower())


_ELISION = re.compile(r"^[^\W\d_]{1,2}['’](?=[^\W\d_]{3})")


def _words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised word) of the words of ``text``; a clitic article or preposition
    (``d'Miete``, ``z'Minga``) is cut off."""
    words = []
    for m in _WORD.finditer(text):
        start, word = m.start(), m.group()
        elision = _ELISION.match(word)
        if elision:
            start, word = start + elision.end(), word[elision.end() :]
        words.append((start, m.end(), normalise_word(word)))
    return words


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance of ``a`` and ``b`` is at most 1."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i += 1
            j += 1
            continue
        edits += 1
        if edits > 1:
            return False
        if len(a) == len(b):
            i += 1
        j += 1
    return edits + (len(b) - j) + (len(a) - i) <= 1


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class KeywordEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Finds entities of closed vocabularies by (fuzzy) keyword match, with canonical values."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # entity types handled by this extractor
            "entities": [],
            # entity types that also match by prefix / one-letter difference
            "fuzzy": [],
            # entity type -> intents under which it is extracted (missing: any intent)
            "intents": {},
            # lookup tables whose entries are values of the entity of the same name
            "use_lookup_tables": True,
            # shortest prefix that counts for a prefix match (acronyms: 3)
            "min_prefix": 4,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._vocabulary = vocabulary or {}
        self._index()

    @property
    def name(self) -> str:  # the extractor name shown in parsed entities
        return self.__class__.__name__

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KeywordEntityExtractor:
        return cls(config, model_storage, resource)

    # ---------------------------------------------------------------- vocabulary

    def _index(self) -> None:
        """Phrase tables (tuple of words -> value) and single-word lists per entity."""
        self._phrases: dict[str, dict[tuple[str, ...], str]] = {}
        self._single: dict[str, list[tuple[str, str]]] = {}
        self._max_len = 1
        for entity, entries in self._vocabulary.items():
            phrases: dict[tuple[str, ...], str] = {}
            for text, value in entries.items():
                key = tuple(w for _, _, w in _words(text))
                if key:
                    phrases.setdefault(key, value)
                    self._max_len = max(self._max_len, len(key))
            self._phrases[entity] = phrases
            self._single[entity] = [(k[0], v) for k, v in phrases.items() if len(k) == 1]

    def train(self, training_data: TrainingData) -> Resource:
        entities = list(self.config["entities"])
        vocabulary: dict[str, dict[str, str]] = {e: {} for e in entities}
        values: dict[str, set[str]] = {e: set() for e in entities}
        for example in training_data.nlu_examples:
            text = example.get(TEXT) or ""
            for entity in example.get(ENTITIES) or []:
                label = entity.get(ENTITY_ATTRIBUTE_TYPE)
                if (
                    label not in vocabulary
                    or ENTITY_ATTRIBUTE_START not in entity
                    or ENTITY_ATTRIBUTE_END not in entity
                ):
                    continue
                span = text[entity[ENTITY_ATTRIBUTE_START] : entity[ENTITY_ATTRIBUTE_END]]
                value = str(entity.get(ENTITY_ATTRIBUTE_VALUE) or span)
                vocabulary[label].setdefault(span, value)
                values[label].add(value)
        if self.config["use_lookup_tables"]:
            for table in training_data.lookup_tables:
                label = table.get("name")
                if label in vocabulary:
                    for element in table.get("elements") or []:
                        if isinstance(element, str):
                            vocabulary[label].setdefault(element, element)
                            values[label].add(element)
        for text, value in (training_data.entity_synonyms or {}).items():
            for label in entities:
                if value in values[label]:
                    vocabulary[label].setdefault(text, value)
        self._vocabulary = vocabulary
        self._index()
        write_json(self._model_storage, self._resource, VOCABULARY_FILE, vocabulary)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> KeywordEntityExtractor:
        vocabulary = read_json(model_storage, resource, VOCABULARY_FILE, {})
        return cls(config, model_storage, resource, vocabulary)

    # ---------------------------------------------------------------- matching

    def _fuzzy(self, entity: str, word: str, original: str) -> str | None:
        """Canonical value of the best known single word that ``word`` resembles."""
        if len(word) < 3 or word in _STOPWORDS or word.isdigit():
            return None
        min_prefix = int(self.config["min_prefix"])
        head = re.split(r"[-'’]", original)[0]
        acronym = len(head) >= 2 and head.isupper()
        best: tuple[int, str] | None = None
        for known, value in self._single.get(entity, []):
            if len(known) < 3:
                continue
            score = 0
            shorter = min(len(known), len(word))
            if word.startswith(known) and len(known) >= min_prefix:
                score = 100 + len(known)  # compound: Stromnachzahlung -> strom
            elif word.startswith(known) and len(known) >= 3 and acronym:
                score = 100 + len(known)  # acronym in a compound: DGS-Dolmetscher
            elif known.startswith(word) and len(word) >= max(min_prefix, 0.7 * len(known)):
                score = 90 + len(word)  # clipped word: Miet -> miete
            elif len(word) >= 4 and word[:2] == known[:2]:
                # one letter off; short words need three equal first letters, since they
                # have real neighbours ("Mitte" is no typo for "Miete", "Miede" is)
                prefix_ok = len(word) >= 6 or word[:3] == known[:3]
                if prefix_ok and _within_one_edit(word, known):
                    score = 50 + shorter  # one letter off: Miede -> miete
                else:
                    common = 0
                    for a, b in zip(word, known, strict=False):
                        if a != b:
                            break
                        common += 1
                    if common >= min_prefix and common == len(word) - 1:
                        score = 10 + common  # clipped and inflected: Medis -> medikamente
            if score and (best is None or score > best[0]):
                best = (score, value)
        return best[1] if best else None

    def _matches(self, message: Message) -> list[dict[str, Any]]:
        text = message.get(TEXT) or ""
        intent = (message.get(INTENT) or {}).get("name")
        words = _words(text)
        found: list[dict[str, Any]] = []
        for entity in self.config["entities"]:
            allowed = (self.config["intents"] or {}).get(entity)
            if allowed and intent not in allowed:
                continue
            phrases = self._phrases.get(entity, {})
            fuzzy = entity in (self.config["fuzzy"] or [])
            i = 0
            while i < len(words):
                hit = None
                for length in range(min(self._max_len, len(words) - i), 0, -1):
                    key = tuple(w for _, _, w in words[i : i + length])
                    if key in phrases:
                        hit = (length, phrases[key])
                        break
                if hit is None and fuzzy:
                    start, end, word = words[i]
                    value = self._fuzzy(entity, word, text[start:end])
                    if value is not None:
                        hit = (1, value)
                if hit is None:
                    i += 1
                    continue
                length, value = hit
                start, end = words[i][0], words[i + length - 1][1]
                found.append(
                    {
                        ENTITY_ATTRIBUTE_TYPE: entity,
                        ENTITY_ATTRIBUTE_START: start,
                        ENTITY_ATTRIBUTE_END: end,
                        ENTITY_ATTRIBUTE_VALUE: value,
                        "confidence_entity": 1.0,
                    }
                )
                i += length
        return found

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            matches = self._matches(message)
            if not matches:
                continue
            kept = [
                e
                for e in message.get(ENTITIES, [])
                if not any(
                    e.get(ENTITY_ATTRIBUTE_TYPE) == m[ENTITY_ATTRIBUTE_TYPE]
                    and e.get(ENTITY_ATTRIBUTE_START, 0) < m[ENTITY_ATTRIBUTE_END]
                    and m[ENTITY_ATTRIBUTE_START] < e.get(ENTITY_ATTRIBUTE_END, 0)
                    for m in matches
                )
            ]
            message.set(ENTITIES, kept + self.add_extractor_name(matches), add_to_output=True)
        return messages
