"""An exact, import-light reader for the simple YAML that front matter is made of.

``yamldata.load`` goes through PyYAML (libyaml events), and importing PyYAML costs
~30 ms: too much when ``mj status`` re-reads the one note just edited. ``load`` here
returns exactly what ``yamldata.load(text, first_line)`` would return, the value and
the key positions, or None ("not sure") as soon as the text leaves the subset below,
so the caller falls back to yamldata (which then also reports any error).

Answered: a block mapping of plain keys (in flow mappings: ``[A-Za-z0-9_][A-Za-z0-9_-]*``),
nested block mappings and block sequences (also a sequence at its key's own indentation), sequence
items that are scalars, one-line flow collections or compact mappings
(``- handle: ana``), empty values and empty items (null), one-line flow sequences and
mappings of scalars (``[a, b]``, ``{x: 1}``, ``[]``, ``{}``), one-line single- and
double-quoted scalars (no backslash), plain scalars resolved like PyYAML's YAML 1.1
resolver (bools, nulls, decimal ints; dates and other timestamps stay text), the block
scalars ``|``, ``|-``, ``>`` and ``>-`` as mapping values, comments and blank lines.

Answered None: anything else, among it tabs, carriage returns, the characters
``str.isprintable`` rejects other than ``_PRINTABLE_TOO`` (NUL and other controls, BOM,
U+0085, U+2028, U+2029, surrogates, private use, unassigned code points), document
markers and directives, tags, anchors, aliases, quoted or complex keys, duplicate
keys, multi-line plain or quoted scalars, backslashes in double quotes, nested flow
collections, trailing commas, floats and every number spelled other than
``[-+]?(0|[1-9][0-9]*)`` (octal, hex, binary, ``1_000``, sexagesimal ``1:20``),
``|+``/``>+``/indentation indicators, more-indented lines in folded scalars, a root
that is not a mapping, and nesting deeper than ``_MAX_DEPTH``.

Nothing is imported here (not even ``re``): this runs on the fast paths.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~12 ms
if TYPE_CHECKING:
    from typing import Any

    from mentorjournal.model import KeyPath

    Positions = dict[KeyPath, tuple[int, int]]

_MAX_DEPTH = 20  # yamldata refuses 64 levels; deeper than this is never front matter
_MAX_KEY = 200  # libyaml refuses simple keys longer than 1024 characters

_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
# Characters str.isprintable rejects that libyaml reads as any other character (no
# space, break or BOM among them): spaces other than " ", soft hyphen, zero-width
# joiners and direction marks.
_PRINTABLE_TOO = str.maketrans(
    dict.fromkeys(
        "\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
        "\u202f\u205f\u3000\xad\u200b\u200c\u200d\u200e\u200f\u2060",
        "x",
    )
)
# Characters that cannot start a plain scalar we answer (YAML indicators).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Characters a flow plain scalar must not hold here (some would end it, some are
# read differently by libyaml versions).
_FLOW_UNSURE = frozenset(":#[]{}'\"?")
# Every character of PyYAML's int and float regexes: a plain scalar that starts like
# a number and holds some other character cannot resolve to int or float.
_NUMBER_START = frozenset("-+.0123456789")
_NUMBER_CHARS = frozenset("0123456789_.:+-abcdefABCDEFxinIN")
# The whole of PyYAML's bool and null resolvers (YAML 1.1: no y/n).
_WORDS: dict[str, bool | None] = {
    "yes": True,
    "Yes": True,
    "YES": True,
    "true": True,
    "True": True,
    "TRUE": True,
    "on": True,
    "On": True,
    "ON": True,
    "no": False,
    "No": False,
    "NO": False,
    "false": False,
    "False": False,
    "FALSE": False,
    "off": False,
    "Off": False,
    "OFF": False,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
}


class _Unsure(Exception):
    """Raised when the text leaves the subset handled here."""


def _resolve(text: str) -> Any:
    """A plain scalar's value, as PyYAML's resolver and yamldata._scalar give it."""
    if text in _WORDS:
        return _WORDS[text]
    if text[0] not in _NUMBER_START or not _NUMBER_CHARS.issuperset(text):
        return text  # no int, float or timestamp resolver can match it
    body = text[1:] if text[0] in "+-" else text
    if body.isdigit() and body.isascii() and (body[0] != "0" or body == "0") and len(body) < 1000:
        return int(text)
    if "." not in text and ":" not in text and ("-" in text[1:] or "+" in text[1:]):
        # No float without ".", no int with a sign inside: a date or other text.
        return text
    raise _Unsure


def _key_end(line: str, start: int) -> int:
    """Where the ``:`` ending a plain block key that starts at ``start`` is, or -1.

    Keys are never resolved (yamldata keeps their text), so any plain scalar will do:
    it ends at the first ``:`` followed by a space or the end of the line.
    """
    if line[start] in _INDICATORS:
        return -1
    size = len(line)
    end = line.find(":", start)
    while 0 <= end < size - 1 and line[end + 1] != " ":
        end = line.find(":", end + 1)
    if end < 0 or end - start > _MAX_KEY:
        return -1
    key = line[start:end]
    if key[-1] == " " or " #" in key or key.startswith("..."):
        return -1
    return end


def _flow_key_end(line: str, start: int) -> int:
    """Where the ``:`` after a word key (``[A-Za-z0-9_][A-Za-z0-9_-]*``) is, or -1."""
    size = len(line)
    end = start
    while end < size and line[end] in _KEY_CHARS:
        end += 1
    if (
        end == start
        or end + 1 >= size
        or line[end] != ":"
        or line[end + 1] != " "
        or line[start] == "-"
        or end - start > _MAX_KEY
    ):
        return -1
    return end


def _quoted(line: str, start: int) -> tuple[str, int]:
    """A one-line quoted scalar at ``start``: its value and the index after it."""
    if line[start] == '"':
        end = line.find('"', start + 1)
        if end < 0 or "\\" in line[start + 1 : end]:
            raise _Unsure
        return line[start + 1 : end], end + 1
    parts: list[str] = []
    at = start + 1
    while True:
        end = line.find("'", at)
        if end < 0:
            raise _Unsure
        if line.startswith("'", end + 1):
            parts.append(line[at : end + 1])
            at = end + 2
            continue
        parts.append(line[at:end])
        return "".join(parts), end + 1


def _check_tail(line: str, end: int) -> None:
    """After a quoted scalar or flow collection: only blanks and a comment."""
    if end < len(line):
        if line[end] != " ":
            raise _Unsure
        rest = line[end:].lstrip(" ")
        if rest and rest[0] != "#":
            raise _Unsure


class _Reader:
    __slots__ = ("first", "ind", "lines", "n", "positions")

    def __init__(self, lines: list[str], ind: list[int], first_line: int) -> None:
        self.lines = lines
        self.ind = ind
        self.n = len(lines)
        self.first = first_line
        self.positions: Positions = {}

    def skip(self, index: int) -> int:
        """The first line at or after ``index`` that is neither blank nor a comment."""
        lines = self.lines
        ind = self.ind
        n = self.n
        while index < n:
            line = lines[index]
            column = ind[index]
            if column < len(line) and line[column] != "#":
                return index
            index += 1
        return n

    @staticmethod
    def is_item(line: str, column: int) -> bool:
        return line[column] == "-" and (column + 1 == len(line) or line[column + 1] == " ")

    def mapping(self, index: int, column: int, path: KeyPath, depth: int) -> tuple[Any, int]:
        """A block mapping whose first key is at ``column`` of line ``index``."""
        if depth > _MAX_DEPTH:
            raise _Unsure
        lines = self.lines
        ind = self.ind
        n = self.n
        positions = self.positions
        result: dict[str, Any] = {}
        while True:
            line = lines[index]
            end = _key_end(line, column)
            if end < 0:
                raise _Unsure
            key = line[column:end]
            if key in result:
                raise _Unsure  # duplicate key: yamldata reports it
            key_path = (*path, key)
            positions[key_path] = (index + self.first, column + 1)
            at = end + 1
            size = len(line)
            while at < size and line[at] == " ":
                at += 1
            value: Any
            if at >= size or line[at] == "#":
                following = self.skip(index + 1)
                value = None
                if following < n:
                    other = lines[following]
                    start = ind[following]
                    if start >= column and self.is_item(other, start):
                        value, following = self.sequence(following, start, key_path, depth + 1)
                    elif start > column:
                        value, following = self.mapping(following, start, key_path, depth + 1)
            elif line[at] in "|>":
                value, following = self.block_scalar(index, at, column)
                following = self.skip(following)
            else:
                value = self.inline(line, at, index, key_path, depth + 1)
                following = self.skip(index + 1)
            result[key] = value
            if following >= n or ind[following] < column:
                return result, following
            if ind[following] > column:
                raise _Unsure
            index = following

    def sequence(self, index: int, column: int, path: KeyPath, depth: int) -> tuple[Any, int]:
        """A block sequence whose first ``-`` is at ``column`` of line ``index``."""
        if depth > _MAX_DEPTH:
            raise _Unsure
        lines = self.lines
        ind = self.ind
        n = self.n
        positions = self.positions
        result: list[Any] = []
        while True:
            line = lines[index]
            item_path = (*path, len(result))
            size = len(line)
            at = column + 1
            while at < size and line[at] == " ":
                at += 1
            value: Any
            if at >= size or line[at] == "#":
                following = self.skip(index + 1)
                if following < n and ind[following] > column:
                    raise _Unsure  # the item's node starts on a later line
                value = None
                positions[item_path] = (index + self.first, column + 2)
            elif self.is_item(line, at) or line[at] in "|>":
                raise _Unsure
            elif _key_end(line, at) >= 0:
                positions[item_path] = (index + self.first, at + 1)
                value, following = self.mapping(index, at, item_path, depth + 1)
            else:
                positions[item_path] = (index + self.first, at + 1)
                value = self.inline(line, at, index, item_path, depth + 1)
                following = self.skip(index + 1)
            result.append(value)
            if following >= n or ind[following] < column:
                return result, following
            if ind[following] > column:
                raise _Unsure
            if not self.is_item(lines[following], column):
                # The caller's next key (for a sequence at its key's indentation)
                # or an error the caller refuses.
                return result, following
            index = following

    def inline(self, line: str, at: int, index: int, path: KeyPath, depth: int) -> Any:
        """A scalar or flow collection that starts at ``at`` and ends on this line."""
        char = line[at]
        if char in "[{":
            value, end = self.flow(line, at, index, path, depth)
            _check_tail(line, end)
            return value
        if char in "'\"":
            text, end = _quoted(line, at)
            _check_tail(line, end)
            return text
        if char in _INDICATORS:
            raise _Unsure
        end = line.find(" #", at)
        text = (line[at:end] if end >= 0 else line[at:]).rstrip(" ")
        if ": " in text or text[-1] == ":":
            raise _Unsure
        return _resolve(text)

    def flow(self, line: str, at: int, index: int, path: KeyPath, depth: int) -> tuple[Any, int]:
        """A one-line flow sequence or mapping of scalars, opening at ``at``."""
        if depth > _MAX_DEPTH:
            raise _Unsure
        size = len(line)
        is_map = line[at] == "{"
        close = "}" if is_map else "]"
        row = index + self.first
        positions = self.positions
        mapping: dict[str, Any] = {}
        sequence: list[Any] = []
        at += 1
        while at < size and line[at] == " ":
            at += 1
        if at < size and line[at] == close:
            return (mapping if is_map else sequence), at + 1
        key = ""
        while True:
            if is_map:
                end = _flow_key_end(line, at)
                if end < 0:
                    raise _Unsure
                key = line[at:end]
                if key in mapping:
                    raise _Unsure
                positions[(*path, key)] = (row, at + 1)
                at = end + 2
                while at < size and line[at] == " ":
                    at += 1
            start = at
            if at >= size:
                raise _Unsure
            char = line[at]
            value: Any
            if char in "'\"":
                value, at = _quoted(line, at)
            else:
                if char in _INDICATORS:
                    raise _Unsure
                at = line.find(",", start)
                if at < 0:
                    at = size
                for closer in "]}":
                    end = line.find(closer, start, at)
                    if end >= 0:
                        at = end
                text = line[start:at].rstrip(" ")
                if not _FLOW_UNSURE.isdisjoint(text):
                    raise _Unsure
                value = _resolve(text)
            if is_map:
                mapping[key] = value
            else:
                positions[(*path, len(sequence))] = (row, start + 1)
                sequence.append(value)
            while at < size and line[at] == " ":
                at += 1
            if at >= size:
                raise _Unsure
            char = line[at]
            if char == close:
                return (mapping if is_map else sequence), at + 1
            if char != ",":
                raise _Unsure
            at += 1
            while at < size and line[at] == " ":
                at += 1
            if at >= size or line[at] in ",]}":
                raise _Unsure  # a trailing comma or an empty entry

    def block_scalar(self, index: int, at: int, parent: int) -> tuple[str, int]:
        """``|``, ``|-``, ``>`` or ``>-`` at ``at`` of line ``index``, a value of a key at
        column ``parent``: the text and the first line after it."""
        lines = self.lines
        ind = self.ind
        n = self.n
        line = lines[index]
        literal = line[at] == "|"
        at += 1
        strip = line.startswith("-", at)
        if strip:
            at += 1
        if at < len(line):
            if line[at] != " ":
                raise _Unsure  # "+", an indentation digit, or anything else
            rest = line[at:].lstrip(" ")
            if rest and rest[0] != "#":
                raise _Unsure
        first = index + 1
        while first < n and ind[first] == len(lines[first]):
            first += 1
        if first >= n:
            raise _Unsure  # empty
        indent = ind[first]
        if indent <= parent:
            raise _Unsure  # empty
        chunks: list[str] = []
        empties = 0
        last = -1
        current = index + 1
        while current < n:
            text = lines[current]
            column = ind[current]
            if column == len(text):
                if column > indent:
                    raise _Unsure  # spaces past the indentation are content
                if current == n - 1:
                    break  # the text after the last line break: not a line
                empties += 1
                current += 1
                continue
            if column < indent:
                break
            if column > indent and not literal:
                raise _Unsure  # more-indented lines fold differently
            if last < 0 or literal:
                chunks.append("\n" * (empties + (last >= 0)))
            else:
                chunks.append("\n" * empties if empties else " ")
            chunks.append(text[indent:])
            empties = 0
            last = current
            current += 1
        if not strip and last < n - 1:
            chunks.append("\n")
        return "".join(chunks), current


def load(text: str, first_line: int = 1) -> tuple[Any, Positions] | None:
    """``(value, positions)`` exactly as ``yamldata.load(text, first_line)`` gives them,
    or None when not sure (that includes every text yamldata refuses)."""
    try:
        lines = text.split("\n")
        ind: list[int] = []
        for line in lines:
            if not line.isprintable() and not line.translate(_PRINTABLE_TOO).isprintable():
                return None  # tabs, CR, NUL, BOM, YAML 1.1 line breaks, ...
            ind.append(len(line) - len(line.lstrip(" ")))
        reader = _Reader(lines, ind, first_line)
        index = reader.skip(0)
        if index >= reader.n:
            return None, {}
        value, index = reader.mapping(index, ind[index], (), 1)
        if index < reader.n:
            return None  # text left over, less indented than the mapping
        return value, reader.positions
    except Exception:  # _Unsure, and anything this reader did not foresee
        return None
