"""Load YAML while remembering the line of every mapping key and list item.

Trainers edit guides by hand; when something is wrong we must name the file *and* the line.
PyYAML's composer gives us nodes with positions; we build plain dicts and lists from them and
keep the positions beside them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class YamlSourceError(ValueError):
    """The file is not valid YAML (or has a duplicate key); carries file and line."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message


class LocatedDict(dict):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """Line of ``key`` if present, else the line of the mapping itself."""
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    """A sequence that knows its own line and the line of each item (1-based)."""

    line: int
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        """Line of item ``index``."""
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def _build(node: yaml.Node, path: Path | str, constructor: yaml.SafeLoader) -> Any:
    if isinstance(node, yaml.MappingNode):
        result = LocatedDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise YamlSourceError(
                    path, key_node.start_mark.line + 1, "Schlüssel muss Text sein")
            key = str(key)
            if key in result:
                raise YamlSourceError(
                    path,
                    key_node.start_mark.line + 1,
                    f"Schlüssel '{key}' doppelt (zuerst in Zeile {result.key_lines[key]})",
                )
            result.key_lines[key] = key_node.start_mark.line + 1
            result[key] = _build(value_node, path, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = LocatedList()
        items.line = node.start_mark.line + 1
        items.item_lines = []
        for item in node.value:
            items.item_lines.append(item.start_mark.line + 1)
            items.append(_build(item, path, constructor))
        return items
    if isinstance(node, yaml.ScalarNode) and node.tag in (_INT_TAG, _FLOAT_TAG):
        # "3.000" or "2026.10" unquoted would become 3.0 / 2026.1: keep what the trainer wrote.
        return node.value
    try:
        return constructor.construct_object(node, deep=True)
    except ValueError:
        # e.g. an impossible date such as 2026-02-30: keep the text, the validator names it.
        return node.value


_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


def load_located(text: str, path: Path | str = "<text>") -> Any:
    """Parse one YAML document into :class:`LocatedDict`/:class:`LocatedList`/scalars."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _build(node, path, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlSourceError(path, line, f"kein gültiges YAML: {exc.problem or exc}") from exc
    except yaml.YAMLError as exc:
        raise YamlSourceError(path, 1, f"kein gültiges YAML: {exc}") from exc
    finally:
        loader.dispose()


def load_located_file(path: Path) -> Any:
    """Read ``path`` (UTF-8) and parse it with positions."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlSourceError(path, 1, "Datei ist nicht UTF-8-kodiert") from exc
    return load_located(text, path)
