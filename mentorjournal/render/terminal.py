"""ANSI colour for terminal output, off unless the caller says the terminal wants it."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: `mj status` imports this on its fast path
if TYPE_CHECKING:
    from typing import TextIO

_CODES = {
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "magenta": "35",
    "cyan": "36",
    "dim": "2",
    "bold": "1",
}


# C0 and C1 controls, DEL, the Unicode line breaks, and the bytes that were not UTF-8
# (decoded with surrogateescape): shown as escapes, never sent to the terminal raw.
_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
_ESCAPES |= {0x2028: "\\u2028", 0x2029: "\\u2029"}
_ESCAPES |= {code: f"\\x{code - 0xDC00:02x}" for code in range(0xDC80, 0xDD00)}


def printable(text: str) -> str:
    """``text`` with control characters and undecodable bytes written as escapes, so a
    file name or a commit subject cannot break a line or drive the terminal."""
    return text if text.isprintable() else text.translate(_ESCAPES)


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
    """Colour on a terminal, unless NO_COLOR is set (https://no-color.org)."""
    enabled = "NO_COLOR" not in os.environ and hasattr(stream, "isatty") and stream.isatty()
    return Palette(enabled)
