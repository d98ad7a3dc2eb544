"""Front matter YAML as plain data with the position of every key: all PyYAML use lives here.

We read YAML *events* rather than calling ``yaml.safe_load``: that gives a line and
column for every key and list element, lets us refuse tags, anchors, aliases and
duplicate keys before anything is built, and builds the value with an explicit stack,
so deep nesting cannot raise RecursionError. Dates stay strings, as JSON Schema
expects them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

try:  # libyaml's parser is several times faster; PyYAML's own is the fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from mentorjournal.model import KeyPath

MAX_DEPTH = 64

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass(frozen=True)
class YamlProblem:
    """Why front matter could not be read, at a 1-based line and column."""

    line: int
    column: int
    code: str
    message: str


@dataclass(frozen=True)
class YamlData:
    value: Any
    positions: dict[KeyPath, tuple[int, int]]


class _Problem(Exception):
    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag


def _scalar(event: yaml.ScalarEvent, line: int, column: int) -> Any:
    tag = event.tag
    if tag not in (None, "!"):
        if tag not in _STANDARD_TAGS:
            raise _Problem(
                YamlProblem(
                    line,
                    column,
                    "yaml-tag",
                    f"YAML tag {_short_tag(tag)} is not allowed: front matter is plain data",
                )
            )
        if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
            return event.value
    elif event.style is not None and event.style != "":
        return event.value  # quoted or block scalar: always a string
    else:
        tag = _resolver.resolve(yaml.ScalarNode, event.value, (True, False))  # type: ignore[no-untyped-call]
    node = yaml.ScalarNode(tag, event.value)
    try:
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return _constructor.construct_yaml_bool(node)
        if tag == "tag:yaml.org,2002:int":
            return _constructor.construct_yaml_int(node)
        if tag == "tag:yaml.org,2002:float":
            return _constructor.construct_yaml_float(node)
    except (ValueError, yaml.YAMLError) as exc:
        raise _Problem(
            YamlProblem(line, column, "yaml-syntax", f"cannot read {event.value!r}: {exc}")
        ) from None
    return event.value  # timestamps, merge keys and anything else stay text


class _Frame:
    __slots__ = ("container", "key", "key_path", "seen")

    def __init__(self, container: dict[str, Any] | list[Any], key_path: KeyPath) -> None:
        self.container = container
        self.key_path = key_path
        self.key: str | None = None
        self.seen: dict[str, int] = {}


def load(text: str, first_line: int = 1) -> YamlData:
    """Parse front matter text that starts at ``first_line`` of its file.

    Raises nothing: problems come back as ``YamlProblem`` inside ``YamlLoadError``.
    """
    positions: dict[KeyPath, tuple[int, int]] = {}
    stack: list[_Frame] = []
    root: Any = None
    have_root = False

    def place(value: Any, line: int, column: int) -> KeyPath | None:
        """Attach a finished value to its parent; returns the key path it got."""
        nonlocal root, have_root
        if not stack:
            if have_root:
                raise _Problem(
                    YamlProblem(line, column, "yaml-syntax", "more than one YAML document")
                )
            root, have_root = value, True
            return ()
        frame = stack[-1]
        if isinstance(frame.container, list):
            path = (*frame.key_path, len(frame.container))
            frame.container.append(value)
            positions[path] = (line, column)
            return path
        if frame.key is None:
            if not isinstance(value, str):
                raise _Problem(YamlProblem(line, column, "yaml-syntax", "a key must be plain text"))
            if value in frame.seen:
                raise _Problem(
                    YamlProblem(
                        line,
                        column,
                        "duplicate-key",
                        f"duplicate key {value!r} (first at line {frame.seen[value]})",
                    )
                )
            frame.seen[value] = line
            frame.key = value
            positions[(*frame.key_path, value)] = (line, column)
            return None
        path = (*frame.key_path, frame.key)
        frame.container[frame.key] = value
        frame.key = None
        return path

    try:
        for event in yaml.parse(text, Loader=_Loader):
            mark = event.start_mark
            line = mark.line + first_line if mark else first_line
            column = mark.column + 1 if mark else 1
            if isinstance(event, yaml.AliasEvent):
                raise _Problem(
                    YamlProblem(
                        line,
                        column,
                        "yaml-alias",
                        f"alias *{event.anchor} is not allowed: write the value out",
                    )
                )
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise _Problem(
                    YamlProblem(
                        line,
                        column,
                        "yaml-alias",
                        f"anchor &{anchor} is not allowed: front matter is plain data",
                    )
                )
            if isinstance(event, yaml.ScalarEvent):
                # A scalar in key position is a key: never resolve it to a number.
                in_key = bool(stack) and isinstance(stack[-1].container, dict)
                is_key = in_key and stack[-1].key is None
                value = event.value if is_key else _scalar(event, line, column)
                if is_key and event.tag not in (None, "!") and event.tag not in _STANDARD_TAGS:
                    _scalar(event, line, column)  # raises the tag problem
                place(value, line, column)
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                tag = event.tag
                if tag not in (None, "!") and tag not in _STANDARD_TAGS and not event.implicit:
                    raise _Problem(
                        YamlProblem(
                            line,
                            column,
                            "yaml-tag",
                            f"YAML tag {_short_tag(tag)} is not allowed: plain data only",
                        )
                    )
                if len(stack) >= MAX_DEPTH:
                    raise _Problem(_depth_problem(line, column))
                if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None:
                    raise _Problem(
                        YamlProblem(line, column, "yaml-syntax", "a key must be plain text")
                    )
                container: dict[str, Any] | list[Any] = (
                    {} if isinstance(event, yaml.MappingStartEvent) else []
                )
                path = place(container, line, column)
                stack.append(_Frame(container, path if path is not None else ()))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
    except _Problem as problem:
        raise YamlLoadError(problem.problem) from None
    except yaml.MarkedYAMLError as exc:
        deep = _deep_flow(text, first_line, MAX_DEPTH - len(stack))
        if deep is not None:
            raise YamlLoadError(_depth_problem(*deep)) from None
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else first_line
        column = mark.column + 1 if mark else 1
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlLoadError(YamlProblem(line, column, "yaml-syntax", reason)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports marks
        raise YamlLoadError(YamlProblem(first_line, 1, "yaml-syntax", str(exc))) from None
    return YamlData(root, positions)


def _depth_problem(line: int, column: int) -> YamlProblem:
    message = f"front matter is nested more than {MAX_DEPTH} levels deep"
    return YamlProblem(line, column, "yaml-depth", message)


def _deep_flow(text: str, first_line: int, limit: int) -> tuple[int, int] | None:
    """Where ``[``/``{`` first nest more than ``limit`` deep, found without the YAML library.

    Asked only once the library has refused the text, so it only decides which error
    an invalid file gets. It has to be our own count: libyaml (PyYAML 6.0.4 on) gives
    up at 1,000 levels while it looks ahead for a key, before the event that would
    reach MAX_DEPTH, and another version may give up elsewhere.
    """
    depth, quote, token_start = 0, "", True  # a quote at a token's start opens a scalar
    line, line_start, i = first_line, 0, 0
    while i < len(text):
        char = text[i]
        if char == "\n":
            line, line_start = line + 1, i + 1
        if quote:
            if char == "\\" and quote == '"':
                i += 1
            elif char == quote == "'" and text[i + 1 : i + 2] == "'":
                i += 1  # '' is a quote inside a single-quoted scalar
            elif char == quote:
                quote, token_start = "", False
        elif char in "'\"" and token_start:
            quote = char
        elif char == "#" and (i == 0 or text[i - 1] in " \t\n"):
            end = text.find("\n", i)
            i = (end if end >= 0 else len(text)) - 1  # a comment runs to its line's end
        elif char in "[{":
            depth += 1
            if depth > limit:
                return line, i - line_start + 1
            token_start = True
        elif char in "]}":
            depth = max(depth - 1, 0)
        elif char in ",:\n":
            token_start = True
        elif char not in " \t" and not (char in "-?" and token_start):
            token_start = False
        i += 1
    return None


class YamlLoadError(Exception):
    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def dump_block(key: str, value: Any) -> str:
    """One top-level key and its value as block YAML, for surgical front matter edits."""
    text: str = yaml.safe_dump(
        {key: value}, default_flow_style=False, allow_unicode=True, sort_keys=False
    )
    return text
