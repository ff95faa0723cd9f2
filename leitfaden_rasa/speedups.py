"""Speed-ups for the Rasa server, installed by the launcher (``python -m leitfaden_rasa``).

Rasa 3.6 checks every action-server response against its JSON schema with
``jsonschema.validate``, which re-checks and re-compiles the (large) events schema on every
call: in the benchmark that was about 15 ms of CPU per action, nearly half of the server's time
per turn. We keep the check but build the validator once.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_original = RemoteAction._validate_action_result


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Same contract as Rasa's: True, or ``ValidationError`` with Rasa's hint appended."""
    try:
        _validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise e


def install() -> None:
    """Replace Rasa's per-call schema compilation by the cached validator (idempotent)."""
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def uninstall() -> None:
    """Restore Rasa's original method (tests)."""
    RemoteAction._validate_action_result = _original  # type: ignore[method-assign]
