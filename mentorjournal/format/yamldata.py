"""Front matter YAML as plain data with the position of every key: all PyYAML use lives here.

We read YAML *events* (libyaml's parser through ``CSafeLoader``) rather than calling
``yaml.safe_load``: that gives a line and column for every key and list element, lets
us refuse tags, anchors, aliases and duplicate keys before anything is built, and
builds the value with an explicit stack, so deep nesting cannot raise RecursionError.
Dates stay strings, as JSON Schema expects them.

Every file's front matter comes through here, on the fast paths too (`mj status`
after an edit, the pre-commit check): so no dataclasses or typing at import time, PyYAML
is imported without its one slow line (below), and the loop over events is kept tight:
~30 us for a session note's front matter, of which libyaml's own events take ~15.
"""

from __future__ import annotations

import re

# Importing yaml/reader.py compiles a pattern that lists every printable code point:
# ~10 ms of a ~20 ms import, on every command that reads front matter (the pre-commit
# hook, `mj status` after an edit, done, add, new, commit). Only PyYAML's pure-Python
# reader uses it. The same set written as its complement compiles in well under a
# millisecond, and re's cache hands it to PyYAML for that one import (measured in the
# installed hook at 10,000 sessions: 89 -> 79 ms). tests/format/test_yamldata.py
# checks that both patterns match the same code points and that PyYAML still asks
# for this one; where it does not, or re keeps no such cache, this changes nothing.
_PYYAML_NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
_SAME_SET = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
_re_cache: dict[object, object] = getattr(re, "_cache", {})
if not isinstance(_re_cache, dict):  # another Python's re: seed a dict nobody reads
    _re_cache = {}
_seed = (str, _PYYAML_NON_PRINTABLE, 0)
_seeded = _seed not in _re_cache
if _seeded:
    _re_cache[_seed] = re.compile(_SAME_SET)
import yaml  # noqa: E402  (after the seed above)

if _seeded:  # (Python 3.12+ copies a hit into its second cache, re._cache2)
    for _cache in (_re_cache, getattr(re, "_cache2", {})):
        _cache.pop(_seed, None)

try:  # libyaml's parser is several times faster; PyYAML's own is the fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: the parse path stays off typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from mentorjournal.model import KeyPath

    Positions = dict[KeyPath, tuple[int, int]]

MAX_DEPTH = 64

_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
_BREAKS = "\x85\u2028\u2029"  # line breaks to YAML 1.1, not to us (nor CR: see load)
_PLAIN_TAGS = (None, "!")  # no tag, or the non-specific one: resolved as if untagged


class YamlLoadError(Exception):
    """Why front matter could not be read, at a 1-based line and column."""

    def __init__(self, line: int, column: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.code = code
        self.message = message


_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
# The first characters an implicit resolver looks at: a plain scalar starting with any
# other is text. A wildcard resolver (None) would look at every scalar.
_IMPLICIT = frozenset(_resolver.yaml_implicit_resolvers)
_TEXT_UNLESS = _IMPLICIT if None not in _IMPLICIT else None
_Scalar = yaml.ScalarEvent
_MappingStart = yaml.MappingStartEvent
_SequenceStart = yaml.SequenceStartEvent
_Alias = yaml.AliasEvent
_Ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org") else tag


def _tag_error(tag: str, line: int, column: int) -> YamlLoadError:
    message = f"YAML tag {_short_tag(tag)} is not allowed: front matter is plain data"
    return YamlLoadError(line, column, "yaml-tag", message)


_HINTS = {
    "tag:yaml.org,2002:bool": "write true or false",
    "tag:yaml.org,2002:int": "write a whole number",
    "tag:yaml.org,2002:float": "write a number",
    "tag:yaml.org,2002:timestamp": "write a date YYYY-MM-DD",
}
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_SHAPES = {_MAP: "keys and values", _SEQ: "a list"}


def _scalar(event: yaml.ScalarEvent, line: int, column: int) -> Any:
    """A scalar value as the YAML 1.1 resolver types it (dates and the rest stay text)."""
    tag = event.tag
    value: str = event.value
    if tag not in _PLAIN_TAGS:
        if tag not in _STANDARD_TAGS:
            raise _tag_error(tag, line, column)
        if tag == "tag:yaml.org,2002:str":
            return value
    elif event.style:
        return value  # quoted or block scalar: always a string
    else:
        tag = _resolver.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    node = yaml.ScalarNode(tag, value)
    # An explicit tag takes any text: PyYAML's constructors then raise whatever they
    # meet (KeyError for "!!bool maybe", IndexError for an empty "!!int").
    try:
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return _constructor.construct_yaml_bool(node)
        if tag == "tag:yaml.org,2002:int":
            return _constructor.construct_yaml_int(node)
        if tag == "tag:yaml.org,2002:float":
            return _constructor.construct_yaml_float(node)
        if tag == "tag:yaml.org,2002:timestamp":
            # Dates stay text, as JSON Schema expects them; the date checks judge them.
            if event.tag == tag and not _constructor.timestamp_regexp.match(value):
                raise ValueError
            return value
        if tag in _SHAPES:
            message = f"YAML tag {_short_tag(tag)} does not fit a single value: remove it"
            raise YamlLoadError(line, column, "yaml-syntax", message)
    except (ValueError, LookupError):
        what = repr(value) if value else "an empty value"
        message = f"{what} cannot be read as {_short_tag(tag)}: {_HINTS[tag]}"
        raise YamlLoadError(line, column, "yaml-syntax", message) from None
    return value  # merge keys and anything else stay text


class _Frame:
    """An open mapping or sequence; ``key`` is a mapping's key awaiting its value."""

    __slots__ = ("container", "key", "key_path", "mapping", "seen")

    def __init__(self, container: dict[str, Any] | list[Any], key_path: KeyPath) -> None:
        self.container = container
        self.key_path = key_path
        self.mapping = type(container) is dict
        self.key: str | None = None
        self.seen: dict[str, int] = {}  # key -> its line


def load(text: str, first_line: int = 1) -> tuple[Any, Positions]:
    """Parse front matter text that starts at ``first_line`` of its file: its value and
    the (line, column) of every key and list element, by key path.

    Raises ``YamlLoadError`` (only) for text that is not plain YAML data.
    """
    positions: Positions = {}
    stack: list[_Frame] = []
    # YAML also ends a line at CR, U+0085, U+2028 and U+2029; a file's lines end only
    # at LF, so with any of those present positions are counted from the mark's index.
    odd = "\r" in text or (not text.isascii() and any(c in text for c in _BREAKS))
    root: Any = None
    have_root = False
    loader = None
    try:
        loader = _Loader(text)
        # Any: PyYAML's stubs give Event, whose subclasses' fields are all read here.
        get_event: Callable[[], Any] = loader.get_event
        # The loop runs for every scalar of every file: hence the plain tests of the
        # event's type, most frequent first, and the inlined common cases.
        while (event := get_event()) is not None:
            kind = type(event)
            if kind is not _Scalar and kind is not _MappingStart and kind is not _SequenceStart:
                if kind in _Ends:
                    stack.pop()
                elif kind is _Alias:
                    line, column = _place(event.start_mark, text, first_line, odd)
                    message = f"alias *{event.anchor} is not allowed: write the value out"
                    raise YamlLoadError(line, column, "yaml-alias", message)
                continue  # the start and end of the stream and of documents
            mark = event.start_mark
            line = mark.line + first_line if mark else first_line
            column = mark.column + 1 if mark else 1
            if odd:
                line, column = _place(mark, text, first_line, odd)
            if event.anchor is not None:
                message = f"anchor &{event.anchor} is not allowed: front matter is plain data"
                raise YamlLoadError(line, column, "yaml-alias", message)
            parent = stack[-1] if stack else None
            wants_key = parent is not None and parent.mapping and parent.key is None
            value: Any
            if kind is _Scalar:
                if wants_key:
                    assert parent is not None
                    # A scalar in key position is a key: never resolve it to a number.
                    if event.tag not in _PLAIN_TAGS and event.tag not in _STANDARD_TAGS:
                        raise _tag_error(event.tag, line, column)
                    key: str = event.value
                    if key in parent.seen:
                        message = f"duplicate key {key!r} (first at line {parent.seen[key]})"
                        raise YamlLoadError(line, column, "duplicate-key", message)
                    parent.seen[key] = line
                    parent.key = key
                    positions[(*parent.key_path, key)] = (line, column)
                    continue
                value = event.value
                if (
                    event.tag is not None
                    or event.style
                    or _TEXT_UNLESS is None
                    or value[:1] in _TEXT_UNLESS
                ):
                    value = _scalar(event, line, column)
                # else: plain, untagged, and no resolver reads it: text, as _scalar says
            else:  # the start of a mapping or a sequence
                tag = event.tag
                fits = _MAP if kind is _MappingStart else _SEQ
                if tag not in _PLAIN_TAGS and tag != fits and not event.implicit:
                    if tag not in _STANDARD_TAGS:
                        raise _tag_error(tag, line, column)
                    message = f"YAML tag {_short_tag(tag)} does not fit {_SHAPES[fits]}: remove it"
                    raise YamlLoadError(line, column, "yaml-syntax", message)
                if len(stack) >= MAX_DEPTH:
                    raise _depth_error(line, column)
                if wants_key:
                    raise YamlLoadError(line, column, "yaml-syntax", "a key must be plain text")
                value = {} if kind is _MappingStart else []
            # A finished scalar or a new container: its place in its parent.
            path: KeyPath
            if parent is None:
                if have_root:
                    raise YamlLoadError(line, column, "yaml-syntax", "more than one YAML document")
                root, have_root, path = value, True, ()
            elif parent.mapping:
                assert parent.key is not None  # a mapping's value comes after its key
                path = (*parent.key_path, parent.key)
                parent.container[parent.key] = value  # type: ignore[call-overload]
                parent.key = None
            else:
                path = (*parent.key_path, len(parent.container))
                parent.container.append(value)  # type: ignore[union-attr]
                positions[path] = (line, column)
            if kind is not _Scalar:
                stack.append(_Frame(value, path))
    except yaml.MarkedYAMLError as exc:
        deep = _deep_flow(text, first_line, MAX_DEPTH - len(stack))
        if deep is not None:
            raise _depth_error(*deep) from None
        mark, reason = exc.problem_mark or exc.context_mark, exc.problem or exc.context
        if mark is exc.problem_mark and exc.context_mark and mark and mark.index >= len(text):
            # Found at the end of the text, which is the closing fence's line: what is
            # wrong is where the unclosed quote, list or key began.
            mark, reason = exc.context_mark, f"{reason} {exc.context}"
        line, column = _place(mark, text, first_line, odd)
        reason = reason or "invalid YAML"
        raise YamlLoadError(line, column, "yaml-syntax", reason) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports marks
        raise YamlLoadError(first_line, 1, "yaml-syntax", str(exc)) from None
    finally:
        if loader is not None:
            loader.dispose()
    return root, positions


def _place(mark: yaml.Mark | None, text: str, first_line: int, odd: bool) -> tuple[int, int]:
    """A mark's 1-based line and column in the file, counting only LF as a line end."""
    if mark is None:
        return first_line, 1
    if not odd:
        return mark.line + first_line, mark.column + 1
    index = min(mark.index, len(text))  # libyaml's index counts characters
    return text.count("\n", 0, index) + first_line, index - text.rfind("\n", 0, index)


def _depth_error(line: int, column: int) -> YamlLoadError:
    message = f"front matter is nested more than {MAX_DEPTH} levels deep"
    return YamlLoadError(line, column, "yaml-depth", message)


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


class _BlockDumper(yaml.SafeDumper):
    """Long text stays on one line; text of several lines (an SSH signature) is a `|` block."""

    def represent_str(self, data: str) -> yaml.ScalarNode:
        return self.represent_scalar("tag:yaml.org,2002:str", data, "|" if "\n" in data else None)


_BlockDumper.add_representer(str, _BlockDumper.represent_str)


def dump_block(key: str, value: Any) -> str:
    """One top-level key and its value as block YAML, for surgical front matter edits."""
    text: str = yaml.dump(
        {key: value},
        Dumper=_BlockDumper,
        default_flow_style=False,
        allow_unicode=True,
        sort_keys=False,
        width=1 << 16,
    )
    return text
