"""quickblocks.item_paragraphs against markdown-it-py itself: None, or exactly its answer."""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import re
import time
from pathlib import Path

import pytest
from conftest import DATA, ROOT, SAMPLE

from mentorjournal.format.items import _item_paragraphs
from mentorjournal.format.quickblocks import item_paragraphs

_FRONT_OPEN = re.compile(r"---[ \t]*")
_FRONT_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*")


def reference(body: str) -> list[tuple[int, int, str]]:
    """What items.extract_items sees through markdown-it, with its own configuration."""
    return _item_paragraphs(body)


def agrees(body: str) -> bool:
    """Assert the scanner is unsure or exactly right; True when it answered."""
    got = item_paragraphs(body)
    if got is None:
        return False
    assert got == reference(body), body
    return True


def split_front_matter(text: str) -> str:
    """The body after the front matter, cut the way document.parse_document cuts it."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not _FRONT_OPEN.fullmatch(lines[0]):
        return text
    for index in range(1, len(lines)):
        if _FRONT_CLOSE.fullmatch(lines[index]):
            return "\n".join(lines[index + 1 :])
    return text


# -- explicit answers ------------------------------------------------------------


def test_explicit_answers() -> None:
    assert item_paragraphs("") == []
    assert item_paragraphs("- [ ] @ana Draft\n") == [(0, 0, "[ ] @ana Draft")]
    assert item_paragraphs("## Next\n\n- [x] a\n  - [ ] b\n    wrapped\n") == [
        (2, 0, "[x] a"),
        (3, 1, "[ ] b\nwrapped"),
    ]
    # The first child of the item is a list, so the outer item has no paragraph.
    assert item_paragraphs("- - [ ] inner\n") == [(0, 1, "[ ] inner")]
    # An ordered list interrupts a paragraph only when it starts at 1.
    assert item_paragraphs("text\n2. [ ] no\n") == []
    assert item_paragraphs("text\n1. [ ] yes\n") == [(1, 0, "[ ] yes")]
    # Five spaces after the marker: the content is indented code.
    assert item_paragraphs("-     [ ] code\n") == []
    # A line break right after the box: the checkbox regex must see the "\n".
    assert item_paragraphs("- [ ]\n  foo\n") == [(0, 0, "[ ]\nfoo")]
    # A lazy continuation line joins the item's paragraph.
    assert item_paragraphs("- [ ] a\nlazy\n") == [(0, 0, "[ ] a\nlazy")]
    # A setext underline turns the item's paragraph into a heading.
    assert item_paragraphs("- [ ] a\n  ---\n") == []
    # Code blocks and comments hold no items.
    assert item_paragraphs("```\n- [ ] a\n```\n<!--\n- [ ] b\n-->\n- [ ] c\n") == [(6, 0, "[ ] c")]
    # An empty item whose content starts on the next line.
    assert item_paragraphs("-\n  [ ] a\n") == [(1, 0, "[ ] a")]


@pytest.mark.parametrize(
    "body",
    [
        "> - [ ] quoted\n",
        "<div>\n- [ ] a\n</div>\n",
        "[ref]: /url\n- [ ] a\n",
        "- [ ] a\tb\n",
        "- [ ] a\r\n",
        "- [ ] a\0\n",
        "- [ ] a\xa0\n",
        "\ufeff- [ ] a\n",
        "- [ ] a\n  > b\n",
        "".join("  " * level + "- x\n" for level in range(12)),
    ],
)
def test_unsure_answers_none(body: str) -> None:
    assert item_paragraphs(body) is None


# -- hand-written tricky cases: all inside the subset, so all must be answered -------------

TRICKY = [
    # checkbox shapes
    "- [ ]\n",
    "- [ ]  \n",
    "- [ ] \nnext\n",
    "- [ ]\nfoo\n",
    "- [ ]x\n- []\n- [-] c\n- [X] d\n- [x]\n",
    "-  [ ] two spaces\n-   [ ] three\n-    [ ] four\n-     [ ] five\n",
    "- [ ] a   \n  b  \n",
    # markers
    "* [ ] a\n+ [ ] b\n- [ ] c\n",
    "1. [ ] a\n2) [ ] b\n3. [ ] c\n",
    "0. [ ] a\n",
    "123456789. [ ] nine digits\n",
    "1234567890. [ ] ten digits\n",
    "1.[ ] no space\n-[ ] none\n",
    "1.\n",
    "- \n",
    "-\n\n  foo\n",
    "-\n  foo\n",
    "- a\n-\n- b\n",
    "1. a\n\n\n2. b\n",
    # interrupting paragraphs
    "para\n- [ ] a\n",
    "para\n* [ ] a\n",
    "para\n2. [ ] a\n",
    "para\n1) [ ] a\n",
    "para\n-\n",
    "para\n1.\n",
    "para\n    - [ ] code-indented, so lazy\n",
    "para\n# heading\n- [ ] a\n",
    "para\n####### not a heading\n",
    "#not a heading\n- [ ] a\n",
    "# h #\n## h\n###### h\n",
    # nesting and indentation
    "- a\n  - b\n    - c\n      - d\n",
    "- a\n - b\n  - c\n   - d\n    - e\n",
    "- a\n  - b\n   - c\n    - d\n     - e\n      - f\n",
    "1. a\n   - [ ] b\n      - [ ] c\n",
    "10. a\n    - [ ] b\n",
    "- a\n\n  b\n\n- [ ] c\n",
    "- a\n\n\n  b\n",
    "- a\n\n    b\n",
    "  - [ ] indented\n    more\n",
    "   - [ ] three\n",
    "    - [ ] four is code\n",
    "- a\n    - [ ] deeper sub\n",
    "- a\n      - [ ] sub, code?\n",
    "- [ ] a\n  - [ ] b\nlazy\n",
    "".join("  " * level + "- [ ] ten levels, the most answered\n" for level in range(10)),
    "".join("   " * level + "1. [ ] x\n" for level in range(10)),
    "- - - not a list\n",
    "- * [ ] a\n",
    "- 1. [ ] a\n",
    "- # [ ] heading\n",
    "- ```\n  [ ] x\n  ```\n- [ ] y\n",
    "- <!-- c -->\n- [ ] y\n",
    "- [ ] a\n- [ ] b\n* [ ] c\n1. [ ] d\n1) [ ] e\n",
    # thematic breaks and setext headings
    "- [ ] a\n---\n- [ ] b\n",
    "- [ ] a\n***\n",
    "para\n---\n- [ ] b\n",
    "para\n===\n",
    "- [ ] a\n===\n",
    "* * *\n- [ ] a\n",
    "_ _ _\n",
    "- [ ] a\n  ===\n",
    "--\n",
    # code and fences
    "    - [ ] code\n\n- [ ] a\n",
    "```\n- [ ] a\n",
    "~~~\n- [ ] a\n~~~\n- [ ] b\n",
    "````\n```\n- [ ] a\n````\n- [ ] b\n",
    "```a`b\n- [ ] a\n",
    "para\n```\n- [ ] a\n```\n",
    "- [ ] a\n```\ncode\n```\n",
    "- a\n  ```\n  - [ ] b\n - [ ] c\n",
    "   ```\n- [ ] a\n    ```\n- [ ] b\n",
    # HTML comments
    "<!-- a -->\n- [ ] a\n",
    "<!--\n- [ ] a\n\n- [ ] b\n-->\n- [ ] c\n",
    "para\n<!-- c -->\n",
    "- a\n  <!--\n\n- [ ] b\n  -->\n- [ ] c\n",
    "<!--\n- [ ] never closed\n",
]


@pytest.mark.parametrize("body", TRICKY)
def test_tricky_cases(body: str) -> None:
    assert agrees(body)
    assert agrees(body.rstrip("\n"))


# -- fixture files -----------------------------------------------------------------

FIXTURES = sorted(
    {
        *DATA.glob("items/*.md"),
        *DATA.glob("*/**/*.md"),
        *SAMPLE.glob("**/*.md"),
    }
)


@pytest.mark.parametrize("path", FIXTURES, ids=[str(p.relative_to(ROOT)) for p in FIXTURES])
def test_fixture_files(path: Path) -> None:
    text = path.read_bytes().decode("utf-8", "replace")
    for body in {text, text.replace("\r\n", "\n"), split_front_matter(text)}:
        agrees(body)


@pytest.mark.parametrize("path", sorted(SAMPLE.glob("sessions/*.md")), ids=lambda p: p.name)
def test_sample_sessions_are_answered(path: Path) -> None:
    assert agrees(split_front_matter(path.read_text(encoding="utf-8")))


def _generated_note(seed: int) -> str:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    text: str = generate.session(random.Random(seed), dt.date(2025, 3, 3), dt.date(2025, 4, 1))
    return split_front_matter(text)


def test_generated_notes_are_answered() -> None:
    for seed in range(20):
        body = _generated_note(seed)
        assert agrees(body)
        assert item_paragraphs(body)


def test_no_blowup_on_pathological_input() -> None:
    for body in [
        "*" * 100_000,
        "* " * 50_000,
        "* a " * 20_000,
        "- " * 30 + "a\n" * 2_000,
        "- a\n" + "  lazy\n" * 5_000,
        "```\n" + "- [ ] a\n" * 5_000,
        "<!--\n" + "- [ ] a\n" * 5_000,
        "1. a\n" * 5_000,
        "a\n" * 5_000,
    ]:
        start = time.perf_counter()
        item_paragraphs(body)
        assert time.perf_counter() - start < 0.5  # linear: a few ms here
        agrees(body)


# -- random documents ----------------------------------------------------------------

_WORDS = ["ana", "@ben", "due:2025-01-01", "x", "#tag", "a<b", "`x`", "1.", "-", "[x]", "==", "--"]
_BOXES = ["[ ]", "[x]", "[X]", "[-]", "[]", "[ ]x", "[ ] ", "[x]  ", "[", "]", "[ ] [x]"]
_ODD = [
    "---",
    "***",
    "* * *",
    "___",
    "- - -",
    "===",
    "--",
    "-",
    "=",
    "*",
    "1.",
    "1)",
    "```",
    "```py",
    "~~~",
    "````",
    "```a`b",
    "<!-- c",
    "-->",
    "<!-- x -->",
    "x -->",
    "#",
    "# h",
    "###### h",
    "####### h",
    "#h",
]
_UNSURE = ["> q", ">", "<div>", "<b>x</b>", "[a]: /u", "\tfoo", "a\tb", "a\rb", "\xa0[ ] x", "a\0"]


def _text(rng: random.Random) -> str:
    parts = [rng.choice(_WORDS) for _ in range(rng.randint(0, 3))]
    if rng.random() < 0.6:
        parts.insert(0, rng.choice(_BOXES))
    return " ".join(parts) + rng.choice(["", "", "", " ", "  "])


def _marker(rng: random.Random) -> str:
    if rng.random() < 0.65:
        return rng.choice("---**+")
    number = rng.choice([1, 1, 1, 0, 2, 3, 10, 123456789, 1234567890])
    return f"{number}{rng.choice('..)')}"


def _gap(rng: random.Random) -> str:
    return " " * rng.choice([0, 1, 1, 1, 1, 2, 3, 4, 5, 6])


def _line(rng: random.Random, indent: int, unsure: bool) -> str:
    pad = " " * indent
    roll = rng.random()
    if roll < 0.1:
        return " " * rng.choice([0, 0, 0, 2, 5])
    if roll < 0.45:
        line = pad + _marker(rng) + _gap(rng)
        if rng.random() < 0.15:
            line += _marker(rng) + _gap(rng)
        return line + _text(rng)
    if roll < 0.8:
        return pad + _text(rng)
    if roll < 0.95 or not unsure:
        return pad + rng.choice(_ODD)
    return pad + rng.choice(_UNSURE)


def _indent(rng: random.Random, base: int) -> int:
    return max(0, base + rng.choice([0, 0, 0, 0, -1, 1, -2, 2, 3, 4, -4, 5]))


def _list(rng: random.Random, base: int, level: int, unsure: bool) -> list[str]:
    """Items that look like a real list: markers at ``base``, children at the content column."""
    out: list[str] = []
    marker = _marker(rng)
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.2:
            marker = _marker(rng)
        gap = rng.choice([1, 1, 1, 2, 3, 5])
        out.append(" " * base + marker + " " * gap + _text(rng))
        column = base + len(marker) + (gap if gap <= 4 else 1)
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            roll = rng.random()
            if roll < 0.4:
                out.append(" " * _indent(rng, column) + _text(rng))
            elif roll < 0.6:
                out.append(_text(rng))  # lazy
            elif roll < 0.8 and level < 12:
                out += _list(rng, _indent(rng, column), level + 1, unsure)
            else:
                out.append(_line(rng, _indent(rng, column), unsure))
        if rng.random() < 0.25:
            out.append("")
    return out


def _chain(rng: random.Random, base: int, unsure: bool) -> list[str]:
    """Items nested one in the next, up to and past the scanner's depth limit."""
    out: list[str] = []
    for _ in range(rng.randint(2, 13)):
        marker = _marker(rng)
        gap = rng.choice([1, 1, 2])
        out.append(" " * base + marker + " " * gap + _text(rng))
        if rng.random() < 0.2:
            out.append(_line(rng, _indent(rng, base), unsure))
        base = _indent(rng, base + len(marker) + gap)
    return out


def _block(rng: random.Random, indent: int, unsure: bool) -> list[str]:
    pad = " " * indent
    roll = rng.random()
    if roll < 0.1:
        fence = rng.choice(["```", "~~~", "````", "```text", "~~~~"])
        inner = [_line(rng, _indent(rng, indent), unsure) for _ in range(rng.randint(0, 3))]
        close = rng.choice(["```", "~~~", "````", "```  ", "``", "``` x", fence, fence])
        tail = [" " * _indent(rng, indent) + close] if rng.random() < 0.85 else []
        return [pad + fence, *inner, *tail]
    if roll < 0.17:
        inner = [_line(rng, _indent(rng, indent), unsure) for _ in range(rng.randint(0, 3))]
        close = rng.choice(["-->", "x -->", "- [ ] a -->"])
        tail = [" " * _indent(rng, indent) + close] if rng.random() < 0.85 else []
        return [pad + "<!--", *inner, *tail]
    if roll < 0.45:
        return _list(rng, indent, 0, unsure)
    if roll < 0.5:
        return _chain(rng, indent, unsure)
    return [_line(rng, indent, unsure) for _ in range(rng.randint(1, 3))]


def random_document(rng: random.Random) -> str:
    unsure = rng.random() < 0.25
    lines: list[str] = []
    for _ in range(rng.randint(1, 6)):
        lines += _block(rng, rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 8]), unsure)
        if rng.random() < 0.5:
            lines.append("")
    return "\n".join(lines) + rng.choice(["", "\n", "\n", "\n\n", "\n  "])


def test_random_documents() -> None:
    rng = random.Random(20250718)
    total = 6000
    answered = items = 0
    for _ in range(total):
        body = random_document(rng)
        if agrees(body):
            answered += 1
            items += len(reference(body))
    # The generator must mostly stay inside the subset, or this test proves little.
    assert answered > total * 0.6, answered
    assert items > total, items
