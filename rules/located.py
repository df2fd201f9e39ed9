"""Safe YAML loading that remembers where every value was written (file, line, column).

Only plain YAML types are built (SafeLoader nodes): object tags such as !!python/object are
refused with a located error, and no constructor runs user code.
"""

from __future__ import annotations

import bisect
import re
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
    refused: frozenset = frozenset()  # paths whose value was refused (R001): no follow-up errors
    flawed: bool = False  # the YAML itself had an error (refused tag, key written twice, ...)

    def where(self, path: Path_) -> tuple[int, int]:
        """The position of `path`, or of its nearest written ancestor."""
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))

    def diag(self, path: Path_, code: str, message: str, severity: str = "error") -> Diagnostic:
        """A finding at `path`; under a refused value it is marked "suppressed" (the R001 says it all)."""
        line, col = self.where(path)
        if any(path[:len(r)] == r for r in self.refused):
            severity = "suppressed"
        return Diagnostic(self.file, line, col, code, message, severity)


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
}
_MAPPING_TAG = "tag:yaml.org,2002:map"
_SEQUENCE_TAG = "tag:yaml.org,2002:seq"
# Aliases can make a small file expand exponentially ("billion laughs"): cap the nodes built.
MAX_NODES = 50_000


class _TooLarge(Exception):
    pass


class _Lines:
    """Line and column (from 1) of a character offset, counting line breaks as editors do.

    PyYAML also breaks lines at U+0085, U+2028 and U+2029, which editors show inside a line;
    its own mark.line would then point below the place in the file."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def __call__(self, mark) -> tuple[int, int]:
        return self.at(mark.index) if mark is not None else (1, 1)

    def at(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


class _Builder:
    def __init__(self, file: str, lines: _Lines):
        self.file = file
        self.position = lines
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.errors: list[Diagnostic] = []
        self._constructor = yaml.SafeLoader(" ")
        self._open: set[int] = set()  # collection nodes being built: an alias to one is a cycle
        self._built = 0
        self.refused: set[Path_] = set()

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self._built += 1
        if self._built > MAX_NODES:
            raise _TooLarge
        self.marks[path] = self.position(node.start_mark)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            # !!python/object/apply:os.system [..] and !!set {..} are collections with a tag.
            if node.tag not in (_MAPPING_TAG, _SEQUENCE_TAG):
                return self._refuse(node, path, f"YAML tag {node.tag!r} is not allowed (plain YAML only)")
            if id(node) in self._open:
                return self._refuse(node, path, "a YAML alias refers to itself (recursive structure)")
            self._open.add(id(node))
            try:
                return self._mapping(node, path) if isinstance(node, yaml.MappingNode) else [
                    self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            finally:
                self._open.discard(id(node))
        if node.tag not in _SCALAR_TAGS:
            return self._refuse(node, path, f"YAML tag {node.tag!r} is not allowed (plain YAML only)")
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:  # e.g. a timestamp such as 2020-13-45
            return self._refuse(node, path, f"bad {node.tag.rsplit(':', 1)[-1]} value {node.value!r}: {getattr(exc, 'problem', None) or exc}")

    def _refuse(self, node: yaml.Node, path: Path_, message: str) -> None:
        self._error(node, "R001", message)
        self.refused.add(path)
        return None

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._error(key_node, "R001", "YAML merge keys (<<) are not supported: write the keys out")
                continue
            key = self.build(key_node, path + ("<key>",))
            if not isinstance(key, (str, int, float, bool)) or key is None:
                self._error(key_node, "R003", "mapping keys must be plain strings")
                continue
            if key in out:
                self._error(key_node, "R007", f"key {key!r} is written twice")
            where = self.position(key_node.start_mark)
            self.marks[path + (key,)] = where
            out[key] = self.build(value_node, path + (key,))
            # A value's own mark is where its text starts; errors about a key point at the key.
            self.marks[path + (key,)] = where
        return out

    def _error(self, node: yaml.Node, code: str, message: str) -> None:
        self.errors.append(Diagnostic(self.file, *self.position(node.start_mark), code, message))


def load_documents(path: Path, display: str | None = None) -> tuple[list[Located], list[Diagnostic]]:
    """Every YAML document in a file, located; syntax errors become diagnostics."""
    file = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Diagnostic(file, 1, 1, "R001", f"cannot read file: {exc}")]
    try:
        nodes = _compose(text)
    except yaml.MarkedYAMLError as exc:
        line, col = _Lines(text)(exc.problem_mark or exc.context_mark)
        return [], [Diagnostic(file, line, col, "R001", f"YAML syntax: {exc.problem or exc}")]
    except yaml.YAMLError as exc:  # reader errors: control characters, bad encoding
        line, col = _reader_position(text, getattr(exc, "position", None))
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        return [], [Diagnostic(file, line, col, "R001", f"YAML syntax: {reason}")]
    except RecursionError:  # PyYAML's parser recurses once per level: "[[[[..." exhausts it
        return [], [Diagnostic(file, 1, 1, "R001", "YAML nested too deeply (thousands of levels)")]
    docs, errors = [], []
    lines = _Lines(text)
    for node in nodes:
        if node is None:
            continue
        builder = _Builder(file, lines)
        try:
            data = builder.build(node, ())
        except (_TooLarge, RecursionError):
            errors.append(Diagnostic(file, *lines(node.start_mark), "R001",
                                     f"document too large or too deep (more than {MAX_NODES} values after aliases)"))
            continue
        errors.extend(builder.errors)
        docs.append(Located(data, builder.marks, file, frozenset(builder.refused), bool(builder.errors)))
    return docs, errors


def _compose(text: str) -> list:
    """The document nodes, by libyaml when PyYAML has it (about 10x faster: 10,000 rules load
    in seconds). A text libyaml refuses is composed again by the pure-Python loader, whose
    error messages the diagnostics (and their golden files) are written in."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return list(yaml.compose_all(text, Loader=fast))
        except yaml.YAMLError:
            pass
    return list(yaml.compose_all(text, Loader=yaml.SafeLoader))


def _reader_position(text: str, position: int | None) -> tuple[int, int]:
    return _Lines(text).at(position) if position is not None else (1, 1)
