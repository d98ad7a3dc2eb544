"""ANSI colour for terminal output, off unless the caller says the terminal wants it."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: `mj status` imports this on its fast path
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import TextIO

_CODES = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35", "cyan": "36"}
_CODES |= {"dim": "2", "bold": "1"}


# What a terminal acts on: C0 and C1 controls, DEL, the Unicode line breaks, the bidi
# embeddings, overrides and isolates (they reorder what follows); and the bytes that
# were not UTF-8 (decoded with surrogateescape). Shown as escapes, never sent raw.
_CONTROLS = (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)
_CONTROLS += (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_ESCAPES = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _CONTROLS}
_UNDECODED = range(0xDC80, 0xDD00)
_ESCAPES |= {code: f"\\x{code - 0xDC00:02x}" for code in _UNDECODED}
# Whole output keeps its line breaks and tabs.
_IN_TEXT = {code: escape for code, escape in _ESCAPES.items() if code not in (0x09, 0x0A)}
# JSON escapes C0 itself; the rest become \u escapes, which decode to the same text.
_IN_JSON = {code: f"\\u{code:04x}" for code in (*_CONTROLS[0x20:], *_UNDECODED)}
# What ASCII text may hold as it is (the rest are controls: the check before escaping).
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
# The colour codes Palette writes (and its reset): the only escapes let through.
_SGR = {"0", *_CODES.values()}
# How much of a long text is checked or written at once.
_PIECE = 1 << 20
# Cursor home, then erase the screen: how `mj watch` draws each screen over the last.
# mj's own sequence, written before text that has passed the gate, never from a file.
CLEAR_SCREEN = "\x1b[H\x1b[2J"


def printable(text: str) -> str:
    """``text`` with control characters and undecodable bytes written as escapes, so a
    file name or a commit subject cannot break a line or drive the terminal."""
    return text if text.isprintable() else text.translate(_ESCAPES)


def terminal_text(text: str, colour: bool = False) -> str:
    """Output for a terminal: ``printable`` but for line breaks and tabs, and, with
    ``colour``, the Palette's own colour codes. Every command's output passes here
    last, so a value a renderer forgot to escape still cannot drive the terminal."""
    if not colour or "\x1b" not in text:
        return _escaped(text)
    pieces = text.split("\x1b")
    out = [_escaped(pieces[0])]
    for piece in pieces[1:]:
        code, end, rest = piece.partition("m")
        if end and code[:1] == "[" and set(code[1:].split(";")) <= _SGR:
            out.append(f"\x1b{code}m{_escaped(rest)}")
        else:
            out.append("\\x1b" + _escaped(piece))
    return "".join(out)


def feed_text(text: str) -> str:
    """``terminal_text`` of lines that end in CRLF (an iCalendar feed), the CRs kept.
    A feed mj rendered escapes its own text, so one check usually answers."""
    if text.isascii():  # every CR and LF in a CRLF pair, nothing else below space or DEL
        if all(_ascii_only(piece, _PRINTABLE_ASCII, b"\r\n") for piece in _pieces(text)):
            return text
    elif text.replace("\r\n", "").isprintable():
        return text
    return terminal_text(text.replace("\r\n", "\n")).replace("\n", "\r\n")


def _escaped(text: str) -> str:
    # Checking first costs ~3 ms a megabyte (ASCII: ~0.6 ms); translating, up to ~50 ms.
    if text.isascii():
        if all(_ascii_only(piece, _PRINTABLE_ASCII + b"\t\n") for piece in _pieces(text)):
            return text
    elif text.replace("\n", "").replace("\t", "").isprintable():
        return text
    return text.translate(_IN_TEXT)


def _pieces(text: str, stop: int | None = None) -> Iterator[str]:
    """``text[:stop]`` in pieces of about 1 MiB, each ending with a line, so that
    checking or writing a report of 10 MB never holds another 10 MB (or two) at once."""
    start, stop = 0, len(text) if stop is None else stop
    while start < stop:
        end = min(text.find("\n", start + _PIECE, stop) + 1 or stop, stop)
        yield text[start:end]
        start = end


def joined(texts: list[str]) -> tuple[str, ...]:
    """``texts`` joined into pieces of about 1 MiB, the list emptied as it goes: each
    text is let go once joined, so a 10 MB feed is not held twice."""
    pieces: list[str] = []
    batch: list[str] = []
    size = 0
    texts.reverse()
    while texts:
        batch.append(texts.pop())
        size += len(batch[-1])
        if size >= _PIECE or not texts:
            pieces.append("".join(batch))
            batch, size = [], 0
    return tuple(pieces)


def _ascii_only(piece: str, allowed: bytes, pairs: bytes = b"") -> bool:
    """Whether ASCII ``piece`` holds only ``allowed`` bytes, and ``pairs`` (CRLF) only
    as that pair: deleting the allowed bytes leaves nothing else."""
    data = piece.encode("ascii")
    rest = data.translate(None, allowed)
    if not pairs:
        return not rest
    return len(rest) == len(pairs) * data.count(pairs) and not rest.translate(None, pairs)


def written(stream: TextIO, text: str, stop: int | None = None) -> None:
    """``stream.write(text[:stop])`` a piece at a time: a text stream encodes what it
    is given whole, another copy of a 10 MB report."""
    for piece in _pieces(text, stop):
        stream.write(piece)


def json_text(value: object, indent: int | None = None) -> str:
    """``json.dumps`` (UTF-8 kept) with what a terminal acts on written as \\u escapes:
    ``terminal_text`` leaves it as it is."""
    return "".join(json_pieces(value, indent))


def json_pieces(value: object, indent: int | None = None) -> tuple[str, ...]:
    """``json_text`` in the pieces it is made of, for a report too long to hold twice
    (joined, a 10,000-session summary's ~9 MB would be: it is written piece by piece).

    Encoded in batches: with ``indent`` json joins one string per token, ~1.5 million
    for a 10,000-session summary, which held at once cost ~50 MB more than the text.
    """
    import json
    from itertools import islice

    if indent is None:  # json's C encoder, which makes few pieces
        return (json.dumps(value, ensure_ascii=False).translate(_IN_JSON),)
    chunks = json.JSONEncoder(ensure_ascii=False, indent=indent).iterencode(value)
    parts = []
    while batch := "".join(islice(chunks, 8192)):
        # ASCII holds nothing to escape but DEL; JSON escapes the C0 controls itself.
        safe = batch.isascii() and "\x7f" not in batch
        parts.append(batch if safe else batch.translate(_IN_JSON))
    return tuple(parts)


class Palette:
    """Wraps text in colour codes when ``enabled``; otherwise returns it unchanged."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles:
            return text
        codes = ";".join(_CODES[style] for style in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"


def palette_for(stream: TextIO) -> Palette:
    """Colour or not, decided here for every command: a non-empty NO_COLOR turns it off
    (https://no-color.org), a non-empty FORCE_COLOR turns it on even into a pipe
    (https://force-color.org), TERM=dumb turns it off; otherwise colour on a terminal.
    Empty values count as unset, as both conventions say; NO_COLOR wins over
    FORCE_COLOR, which wins over TERM, in the order CPython's own colouring takes."""
    if os.environ.get("NO_COLOR"):
        return Palette(False)
    if os.environ.get("FORCE_COLOR"):
        return Palette(True)
    if os.environ.get("TERM") == "dumb":
        return Palette(False)
    return Palette(hasattr(stream, "isatty") and stream.isatty())


def terminal_width() -> int:
    """The terminal's columns as ``shutil.get_terminal_size`` finds them (``COLUMNS``
    first, then standard output's terminal), 80 when there is none."""
    import sys

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns or 80


def plural(count: int, word: str) -> str:
    """``1 action``, ``2 actions``: never ``action(s)``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def errors_note(what: str) -> str:
    """What status and calendar say below their output when a file holds an error of its
    own (one that may keep its items from being read). No count: `mj validate` also
    counts the errors between files (an unknown owner), which hide nothing."""
    return f"Some files have errors, so some {what} may be missing: `mj validate` shows them."
