"""Helpers for the tests of the custom NLU components (``nlu_components``).

The components are driven the way Rasa's graph drives them (see the ``create`` / ``load``
fixtures in conftest.py): ``train`` / ``process_training_data`` on the training data in pipeline
order, then ``process`` on new messages. The component configs are taken from the project's
``config.yml`` where the test is about the configured behaviour.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

PROJECT = Path(__file__).resolve().parents[3]


def pipeline_config(name: str) -> dict[str, Any]:
    """The config of the pipeline component ``name`` in the project's ``config.yml``, without
    the ``name`` key (as the graph passes it to ``create``)."""
    config = yaml.safe_load((PROJECT / "config.yml").read_text(encoding="utf-8"))
    for component in config["pipeline"]:
        if component["name"] == name:
            return {k: v for k, v in component.items() if k != "name"}
    raise LookupError(f"{name} is not in config.yml")


def training_data(nlu_yaml: str) -> TrainingData:
    """Training data from Rasa YAML (entity annotations, synonyms and lookup tables included)."""
    return RasaYAMLReader().reads(nlu_yaml)


def message(text: str, intent: str | None = None) -> Message:
    """A message as the pipeline sees it at inference (optionally already classified)."""
    data: dict[str, Any] = {TEXT: text}
    if intent is not None:
        data[INTENT] = {"name": intent, "confidence": 1.0}
    return Message(data=data)


def tokenizer() -> WhitespaceTokenizer:
    return WhitespaceTokenizer({**WhitespaceTokenizer.get_default_config()})


def run_training(components: list[Any], data: TrainingData) -> TrainingData:
    """Train the components in pipeline order as the graph does: each trainable one is trained on
    the data the components before it have processed, then processes the data itself."""
    for component in components:
        if hasattr(component, "train"):
            component.train(data)
        if hasattr(component, "process_training_data"):
            data = component.process_training_data(data)
    return data


def run_process(components: list[Any], messages: list[Message]) -> list[Message]:
    for component in components:
        messages = component.process(messages)
    return messages
