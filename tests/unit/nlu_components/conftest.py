"""Fixtures for the tests of the custom NLU components: a model storage in ``tmp_path`` and
``create`` / ``load`` of components the way Rasa's graph does it (defaults merged with the config,
one resource per component)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource


@pytest.fixture
def model_storage(tmp_path: Path) -> LocalModelStorage:
    (tmp_path / "model").mkdir()
    return LocalModelStorage(tmp_path / "model")


@pytest.fixture
def execution_context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test-model")


@pytest.fixture
def create(
    model_storage: LocalModelStorage, execution_context: ExecutionContext
) -> Callable[..., Any]:
    """``create(cls, config, name)``: a new component with its defaults merged with ``config``
    and its own resource ``name`` in the test's model storage."""

    def _create(cls: type, config: dict[str, Any] | None = None, name: str | None = None) -> Any:
        resource = Resource(name or cls.__name__)
        context = ExecutionContext(
            execution_context.graph_schema, execution_context.model_id, node_name=resource.name
        )
        return cls.create(
            {**cls.get_default_config(), **(config or {})}, model_storage, resource, context
        )

    return _create


@pytest.fixture
def load(
    model_storage: LocalModelStorage, execution_context: ExecutionContext
) -> Callable[..., Any]:
    """``load(cls, config, name)``: the component loaded back from resource ``name``."""

    def _load(cls: type, config: dict[str, Any] | None = None, name: str | None = None) -> Any:
        resource = Resource(name or cls.__name__)
        context = ExecutionContext(
            execution_context.graph_schema, execution_context.model_id, node_name=resource.name
        )
        return cls.load(
            {**cls.get_default_config(), **(config or {})}, model_storage, resource, context
        )

    return _load
