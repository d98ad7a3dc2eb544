"""Colour follows no-color.org, force-color.org and TERM=dumb, decided in one place.

A real pseudo-terminal stands for "a terminal" and a pipe for "not one"; each command
is run as a person runs it (the click CLI in-process, and the `mj` fast path).
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest
from conftest import DATA, mj

from mentorjournal.cli import fastpath
from mentorjournal.render.terminal import palette_for

BOLD = "\x1b[1m"


@pytest.fixture
def tty() -> Iterator[TextIO]:
    """The writing end of a real pseudo-terminal."""
    leader, follower = os.openpty()
    stream = os.fdopen(follower, "w", encoding="utf-8")
    try:
        yield stream
    finally:
        stream.close()
        os.close(leader)


def colour(monkeypatch: pytest.MonkeyPatch, stream: TextIO, **env: str) -> bool:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        if name in env:
            monkeypatch.setenv(name, env[name])
        else:
            monkeypatch.delenv(name, raising=False)
    return palette_for(stream).enabled


def test_a_terminal_gets_colour_a_pipe_does_not(
    monkeypatch: pytest.MonkeyPatch, tty: TextIO
) -> None:
    assert colour(monkeypatch, tty, TERM="xterm-256color")
    assert not colour(monkeypatch, io.StringIO(), TERM="xterm-256color")


def test_no_color_counts_only_when_not_empty(monkeypatch: pytest.MonkeyPatch, tty: TextIO) -> None:
    assert not colour(monkeypatch, tty, NO_COLOR="1")
    assert not colour(monkeypatch, tty, NO_COLOR="0")  # any value at all
    assert colour(monkeypatch, tty, NO_COLOR="")  # empty: as if unset (no-color.org)


def test_force_color_reaches_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    assert colour(monkeypatch, pipe, FORCE_COLOR="1")
    assert colour(monkeypatch, pipe, FORCE_COLOR="0")  # regardless of its value
    assert not colour(monkeypatch, pipe, FORCE_COLOR="")


def test_term_dumb_and_the_order_of_the_three(monkeypatch: pytest.MonkeyPatch, tty: TextIO) -> None:
    assert not colour(monkeypatch, tty, TERM="dumb")
    assert colour(monkeypatch, tty, TERM="dumb", FORCE_COLOR="1")
    assert not colour(monkeypatch, tty, NO_COLOR="1", FORCE_COLOR="1")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "journal"
    shutil.copytree(DATA / "base-journal", root)
    session = root / "sessions" / "2025-07-04-kickoff.md"
    session.write_text(session.read_text() + "\n- [ ] @zed Someone unknown\n")
    return root


def test_force_color_through_the_click_cli(monkeypatch: pytest.MonkeyPatch, broken: Path) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert BOLD in mj("validate", cwd=broken).stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b" not in mj("validate", cwd=broken).stdout


def test_force_color_through_the_fast_path(
    monkeypatch: pytest.MonkeyPatch, sample_repo: Path
) -> None:
    mj("status", cwd=sample_repo)  # leaves the snapshot the fast path answers from
    monkeypatch.setenv("FORCE_COLOR", "yes")
    out = io.StringIO()
    assert fastpath.run(["-C", str(sample_repo), "status"], out, out) == 0
    assert BOLD in out.getvalue()
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("FORCE_COLOR", "")
    out = io.StringIO()
    assert fastpath.run(["-C", str(sample_repo), "status"], out, out) == 0
    assert "\x1b" not in out.getvalue()


def test_the_gate_escapes_exactly_the_controls_ascii_or_not() -> None:
    """ASCII text is checked on its bytes (a fast path); the answer must be the one the
    character-by-character rule gives: each control escaped, CRLF kept in a feed."""
    import random

    from mentorjournal.render import terminal

    def by_rule(text: str) -> str:
        return "".join(terminal._IN_TEXT.get(ord(c), c) for c in text)

    def feed_by_rule(text: str) -> str:  # line breaks kept (as CRLF), the rest by rule
        return "\r\n".join(by_rule(line) for line in text.replace("\r\n", "\n").split("\n"))

    chooser = random.Random(7)
    alphabet = [chr(c) for c in range(0x80)] + ["\r\n"] * 10 + ["é", "\u2028", "\x85", "\udc80"]
    for _ in range(5000):
        text = "".join(chooser.choice(alphabet) for _ in range(chooser.randint(0, 12)))
        assert terminal.terminal_text(text) == by_rule(text), repr(text)
        assert terminal.feed_text(text) == feed_by_rule(text), repr(text)
    big = ("DESCRIPTION:plain text\r\n" * 50_000, "x\ty\n" * 50_000)
    assert terminal.feed_text(big[0]) is big[0] and terminal.terminal_text(big[1]) is big[1]


def test_long_texts_are_checked_and_written_a_piece_at_a_time() -> None:
    """A report of megabytes is checked and written in pieces of about 1 MiB, never
    copied whole: a control in any piece is still escaped, a CRLF feed keeps its CRs
    wherever a piece ends, and what is written is the text, to the last byte."""
    from mentorjournal.render import terminal

    line = "DESCRIPTION:plain text é\r\n"
    feed = line * 120_000  # ~3 MB, so ~3 pieces
    assert terminal.feed_text(feed) is feed
    for at in (10, len(feed) // 2, len(feed) - 3):  # a lone CR, early, midway, at the end
        bad = feed[:at] + "\r" + feed[at:]
        assert terminal.feed_text(bad) != bad and "\\x0d" in terminal.feed_text(bad)
        ascii_bad = bad.replace("é", "e")
        assert terminal.feed_text(ascii_bad) != ascii_bad
    text = "x\ty\n" * 1_000_000
    assert terminal.terminal_text(text) is text
    late = text + "\x1b[2J"
    assert terminal.terminal_text(late) == text + "\\x1b[2J"
    for ending in ("", "\n", "\n\n\n"):
        out = io.StringIO()
        fastpath.say(out, late + ending, clean=True, ended=True)
        assert out.getvalue() == late + "\n"
    out = io.StringIO()
    terminal.written(out, feed)
    assert out.getvalue() == feed
    # A text in pieces: joined ~1 MiB at a time (the list emptied), written, and gated
    # piece by piece when it was not found clean.
    texts = [line] * 120_000
    pieces = terminal.joined(texts)
    assert texts == [] and "".join(pieces) == feed and len(pieces) == 3
    assert all(len(piece) >= 1 << 20 for piece in pieces[:-1])
    for clean in (True, False):
        out = io.StringIO()
        fastpath.say(out, (*pieces, "\x1b[2J"), crlf=True, clean=clean, ended=True)
        assert out.getvalue() == feed + ("\x1b[2J" if clean else "\\x1b[2J") + "\n"
    out = io.StringIO()
    fastpath.say(out, ('{"a": "\r"', "\x1b}"))
    assert out.getvalue() == '{"a": "\\x0d"\\x1b}'


def test_json_text_is_json_dumps_with_the_terminal_s_codes_escaped() -> None:
    """Encoded in batches, the text is json.dumps' own with DEL, C1 controls and lone
    surrogates as \\u escapes, batches of plain ASCII and others mixed, and it reads
    back as the value."""
    import json
    from random import Random

    from mentorjournal.render.terminal import json_text

    chance = Random(3)

    def value(depth: int = 0) -> object:
        pick = chance.random()
        if depth > 3 or pick < 0.3:
            letters = 'ab\x7f\x85é\x1b"\\\n\udc80'
            return "".join(chance.choice(letters) for _ in range(chance.randint(0, 5)))
        if pick < 0.5:
            return chance.choice([None, True, False, 1.5, -3])
        if pick < 0.75:
            return [value(depth + 1) for _ in range(chance.randint(0, 4))]
        return {f"k{n}": value(depth + 1) for n in range(chance.randint(0, 4))}

    escapes = {"\x7f": "\\u007f", "\x85": "\\u0085", "\x9b": "\\u009b", "\udc80": "\\udc80"}
    values = [value() for _ in range(500)]
    # Thousands of tokens: batches of plain ASCII, then batches with codes to escape.
    values.append({"items": [f"item {n}" for n in range(9000)] + ["\x7f\x9b"] * 9000})
    for shown in values:
        for indent in (None, 2):
            text = json_text(shown, indent)
            assert json.loads(text) == shown
            expected = json.dumps(shown, ensure_ascii=False, indent=indent)
            for code, escape in escapes.items():
                expected = expected.replace(code, escape)
            assert text == expected
