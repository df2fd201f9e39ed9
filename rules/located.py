"""Safe YAML loading that remembers where every value was written (file, line, column).

Only plain YAML types are built (SafeLoader nodes): object tags such as !!python/object are
refused with a located error, and no constructor runs user code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple  # a path into a document: ("when", "victims", "any")


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, printed as `file:line:col CODE message`."""

    file: str
    line: int
    col: int
    code: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col} {self.code} {self.message}"

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("file", "line", "col", "code", "message", "severity")}


@dataclass
class Located:
    """A YAML document as plain data plus the position of each path in it."""

    data: Any
    marks: dict[Path_, tuple[int, int]]
    file: str

    def where(self, path: Path_) -> tuple[int, int]:
        """The position of `path`, or of its nearest written ancestor."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))

    def diag(self, path: Path_, code: str, message: str, severity: str = "error") -> Diagnostic:
        line, col = self.where(path)
        return Diagnostic(self.file, line, col, code, message, severity)


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.errors: list[Diagnostic] = []
        self._constructor = yaml.SafeLoader(" ")

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, path + ("<key>",))
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    self._error(key_node, "R003", "mapping keys must be plain strings")
                    continue
                if key in out:
                    self._error(key_node, "R002", f"key {key!r} is written twice")
                self.marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                out[key] = self.build(value_node, path + (key,))
                self.marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag not in _SCALAR_TAGS:
            self._error(node, "R001", f"YAML tag {node.tag!r} is not allowed (plain YAML only)")
            return None
        return self._constructor.construct_object(node, deep=True)

    def _error(self, node: yaml.Node, code: str, message: str) -> None:
        mark = node.start_mark
        self.errors.append(Diagnostic(self.file, mark.line + 1, mark.column + 1, code, message))


def load_documents(path: Path, display: str | None = None) -> tuple[list[Located], list[Diagnostic]]:
    """Every YAML document in a file, located; syntax errors become diagnostics."""
    file = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Diagnostic(file, 1, 1, "R001", f"cannot read file: {exc}")]
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return [], [Diagnostic(file, line, col, "R001", f"YAML syntax: {exc.problem or exc}")]
    docs, errors = [], []
    for node in nodes:
        if node is None:
            continue
        builder = _Builder(file)
        data = builder.build(node, ())
        errors.extend(builder.errors)
        docs.append(Located(data, builder.marks, file))
    return docs, errors
