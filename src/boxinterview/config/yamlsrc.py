"""YAML that remembers where every value came from.

Config files and interview templates are written by people; when something in them is wrong the error must
point at the line. PyYAML's composer keeps marks on every node, so we build plain Python values from the node
tree ourselves and keep a map from each key path to its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PathKey = tuple[str | int, ...]


class YamlSyntaxError(ValueError):
    """The text is not valid YAML (or uses a feature we refuse, such as duplicate keys)."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass
class YamlDoc:
    """A parsed document: its value and the line of every key path (1-based)."""

    source: str
    value: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def dotted(path: PathKey) -> str:
    """`("questions", 2, "prompt")` -> `questions[2].prompt` (0-based indexes, as in the file's order)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def parse(text: str, source: str = "<string>") -> YamlDoc:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(source, line, f"not valid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(source, None, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    doc = YamlDoc(source=source, value=None)
    if node is None:
        return doc
    doc.lines[()] = node.start_mark.line + 1
    doc.value = _build(loader, node, (), doc)
    return doc


def load_file(path: Path) -> YamlDoc:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlSyntaxError(str(path), None, "not a UTF-8 text file") from None
    return parse(text, str(path))


def _build(loader: yaml.SafeLoader, node: yaml.Node, path: PathKey, doc: YamlDoc) -> Any:
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves `<<` merge keys
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str | int):
                raise YamlSyntaxError(doc.source, line, f"keys must be plain words, not {key!r}")
            key = str(key)
            if key in out:
                raise YamlSyntaxError(
                    doc.source, line, f"key {key!r} appears twice in the same section; keep one of them"
                )
            doc.lines[(*path, key)] = line
            out[key] = _build(loader, value_node, (*path, key), doc)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            doc.lines[(*path, index)] = item.start_mark.line + 1
            items.append(_build(loader, item, (*path, index), doc))
        return items
    return loader.construct_object(node, deep=True)
