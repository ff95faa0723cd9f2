"""Persist a component's JSON state in Rasa's model storage, and read it back."""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

logger = logging.getLogger(__name__)


def write_json(model_storage: ModelStorage, resource: Resource, filename: str,
               data: Any) -> None:
    """Write ``data`` as UTF-8 JSON into the component's resource folder."""
    with model_storage.write_to(resource) as directory:
        (directory / filename).write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def read_json(model_storage: ModelStorage, resource: Resource, filename: str,
              default: Any) -> Any:
    """The JSON the component persisted, or ``default`` if there is none (untrained)."""
    try:
        with model_storage.read_from(resource) as directory:
            return json.loads((directory / filename).read_text("utf-8"))
    except (ValueError, FileNotFoundError, OSError):
        logger.debug("%s: nothing persisted in %s.", filename, resource.name)
        return default
