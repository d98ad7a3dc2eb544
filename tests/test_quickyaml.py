"""quickyaml.load against yamldata.load itself: None, or exactly its answer."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE

from mentorjournal import quickyaml, yamldata

ROOT = Path(__file__).parent.parent

_FRONT_OPEN = re.compile(r"---[ \t]*")
_FRONT_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*")


def reference(text: str, first_line: int) -> tuple[Any, dict[Any, tuple[int, int]]] | None:
    """What yamldata.load gives, or None when it refuses the text."""
    try:
        loaded = yamldata.load(text, first_line)
    except yamldata.YamlLoadError:
        return None
    return loaded.value, loaded.positions


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (True is not 1, 1 is not 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def typed(positions: dict[Any, tuple[int, int]]) -> dict[Any, tuple[int, int]]:
    """Positions with each key path part paired with its type: (0,) is not (False,)."""
    return {tuple((type(part), part) for part in path): at for path, at in positions.items()}


def agrees(text: str, first_line: int = 2) -> bool:
    """Assert quickyaml is unsure or exactly right; True when it answered."""
    got = quickyaml.load(text, first_line)
    if got is None:
        return False
    expected = reference(text, first_line)
    assert expected is not None, f"answered what yamldata refuses: {text!r}"
    value, positions = got
    assert same(value, expected[0]), (text, value, expected[0])
    assert typed(positions) == typed(expected[1]), (text, positions, expected[1])
    return True


def front_matter(text: str) -> str | None:
    """The front matter text, cut the way document.parse_document cuts it."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not _FRONT_OPEN.fullmatch(lines[0]):
        return None
    for index in range(1, len(lines)):
        if _FRONT_CLOSE.fullmatch(lines[index]):
            return "\n".join(lines[1:index]) + "\n"
    return None


def _front_matters(paths: list[Path]) -> list[str]:
    found = [front_matter(path.read_text(encoding="utf-8")) for path in paths]
    return [text for text in found if text is not None]


SAMPLE_FILES = sorted(SAMPLE.glob("**/*.md"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Front matter of every note benchmarks/generate.py writes for a small journal."""
    out = tmp_path_factory.mktemp("generated") / "journal"
    script = str(ROOT / "benchmarks" / "generate.py")
    command = [sys.executable, script, str(out), "--sessions", "40", "--seed", "7", "--no-git"]
    subprocess.run(command, check=True)
    texts = _front_matters(sorted(out.glob("**/*.md")))
    assert len(texts) >= 40
    return texts


# -- explicit answers ------------------------------------------------------------

SESSION = """\
date: 2026-05-04
attendees: [ben, ana]
kind: kickoff  # a comment
goals: [portfolio, design-critique]

duration: 60
confidential: true
ratings:
  portfolio: 2
  design-critique: 3
"""


def test_session_with_positions() -> None:
    assert quickyaml.load(SESSION, 2) == (
        {
            "date": "2026-05-04",
            "attendees": ["ben", "ana"],
            "kind": "kickoff",
            "goals": ["portfolio", "design-critique"],
            "duration": 60,
            "confidential": True,
            "ratings": {"portfolio": 2, "design-critique": 3},
        },
        {
            ("date",): (2, 1),
            ("attendees",): (3, 1),
            ("attendees", 0): (3, 13),
            ("attendees", 1): (3, 18),
            ("kind",): (4, 1),
            ("goals",): (5, 1),
            ("goals", 0): (5, 9),
            ("goals", 1): (5, 20),
            ("duration",): (7, 1),
            ("confidential",): (8, 1),
            ("ratings",): (9, 1),
            ("ratings", "portfolio"): (10, 3),
            ("ratings", "design-critique"): (11, 3),
        },
    )
    assert agrees(SESSION)
    assert agrees(SESSION, first_line=1)


AGREEMENT = """\
mentor:
  handle: ben
  name: Ben Okafor
others:
  - handle: carla
    name: Carla Mendes
  - {handle: dan, role: 'peer'}
purpose: >-
  Help Ana grow
  within a year.

  Second paragraph.
cadence: {every: 2 days, length: 45}
"""


def test_agreement_with_positions() -> None:
    assert quickyaml.load(AGREEMENT, 2) == (
        {
            "mentor": {"handle": "ben", "name": "Ben Okafor"},
            "others": [
                {"handle": "carla", "name": "Carla Mendes"},
                {"handle": "dan", "role": "peer"},
            ],
            "purpose": "Help Ana grow within a year.\nSecond paragraph.",
            "cadence": {"every": "2 days", "length": 45},
        },
        {
            ("mentor",): (2, 1),
            ("mentor", "handle"): (3, 3),
            ("mentor", "name"): (4, 3),
            ("others",): (5, 1),
            ("others", 0): (6, 5),
            ("others", 0, "handle"): (6, 5),
            ("others", 0, "name"): (7, 5),
            ("others", 1): (8, 5),
            ("others", 1, "handle"): (8, 6),
            ("others", 1, "role"): (8, 19),
            ("purpose",): (9, 1),
            ("cadence",): (14, 1),
            ("cadence", "every"): (14, 11),
            ("cadence", "length"): (14, 26),
        },
    )
    assert agrees(AGREEMENT)


def test_scalars_keep_their_types() -> None:
    text = (
        "a: 1\nb: '1'\nc: \"1\"\nd: yes\ne: No\nf: ~\ng:\nh: null\ni: +0\nj: +12\n"
        "k: 2026-05-04\nl: 2026-05-04 10:00:00\nm: 1e+5\nn: 09h\no: 'it''s'\np: a: b\n"
    )
    assert quickyaml.load(text) is None  # "p: a: b" is an error
    text = text.replace("p: a: b\n", "p: a:b # c\n")
    value, _ = quickyaml.load(text) or (None, None)
    assert value == {
        "a": 1,
        "b": "1",
        "c": "1",
        "d": True,
        "e": False,
        "f": None,
        "g": None,
        "h": None,
        "i": 0,
        "j": 12,
        "k": "2026-05-04",
        "l": "2026-05-04 10:00:00",
        "m": "1e+5",
        "n": "09h",
        "o": "it's",
        "p": "a:b",
    }
    assert agrees(text)


def test_sequences() -> None:
    text = "a:\n- x\n-\n- k: 1\n  l: [2]\nb:\n  - 'y'\n  - # empty\n  - {}\nc: []\n"
    assert quickyaml.load(text, 2) == (
        {"a": ["x", None, {"k": 1, "l": [2]}], "b": ["y", None, {}], "c": []},
        {
            ("a",): (2, 1),
            ("a", 0): (3, 3),
            ("a", 1): (4, 2),
            ("a", 2): (5, 3),
            ("a", 2, "k"): (5, 3),
            ("a", 2, "l"): (6, 3),
            ("a", 2, "l", 0): (6, 7),
            ("b",): (7, 1),
            ("b", 0): (8, 5),
            ("b", 1): (9, 4),
            ("b", 2): (10, 5),
            ("c",): (11, 1),
        },
    )
    assert agrees(text)


BLOCK_SCALARS = [
    "a: |\n  x\n  y\n",
    "a: |-\n  x\n\n  y\n\n\n",
    "a: >\n  x\n  y\n\n\n  z\nb: 1\n",
    "a: >-\n\n\n  x\n  y\n# comment\nb: 1\n",
    "a: |\n    x\n      more\n    y\n",
    "a: |  # comment\n  x\n  # not a comment\n",
    "a: >\n  x\n  y",
    "a: |-\n  x  \n  y\n",
    "a:\n  b: |\n    x\n  c: >-\n    y\n    z\n",
    "- a: |\n    x\n",
    "a: |\n  x\n \n  y\n",
    "a: >\n  x\n\n",
]


@pytest.mark.parametrize("text", BLOCK_SCALARS)
def test_block_scalars(text: str) -> None:
    assert agrees(text) or text.startswith("- ")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n",
        "# only a comment\n\n",
        "a: 1\n",
        "  a: 1\n  b: 2\n",
        "a:\n  - x\n  - y\nb:\n- z\n",
        "- a:\n  - x\n  b: 1\n",
        "a: 'x' # c\nb: \"y\"   \nc: [ a ,b ]  # c\n",
        "a: C#, x[1], {y}, 'q', \"r\", 50%\n",
        "a: 😀 é\n",
        "a: \xa0b\u3000\n\u200dc: d\xad\n",
        "a: <<\nb: =\nc: <\n",
        "yes: 1\nnull: 2\n1: 3\n",
        "a b: 1\nc[d]: {e: f}\n~: null\n<<: =\nC#: 'x'\ne'f: g\n",
        "a:\n- b: |\n   x\n\n   y\n  c: >-\n   z\n- d\n",
    ],
)
def test_answered(text: str) -> None:
    if text.startswith("- "):
        assert quickyaml.load(text) is None  # a sequence root: not answered
    else:
        assert agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",
        "a: {b: 1, b: 2}\n",
        # PyYAML's own loader (no libyaml) refuses "?" inside a flow scalar.
        "goals: [port?olio, hiring]\n",
        "a: !!str 1\n",
        "a: &x 1\nb: *x\n",
        "a: 0x1F\n",
        "a: 010\n",
        "a: 1_000\n",
        "a: 1:20\n",
        "a: 1.5\n",
        "a: .inf\n",
        "a: -1\n",
        "a: 'unclosed\n",
        'a: "esc\\n"\n',
        "a: b\n  c\n",
        "a: [b,\n  c]\n",
        "a: [b, [c]]\n",
        "a: [b,]\n",
        "a: [b: c]\n",
        "a:\tb\n",
        "a: b\r\n",
        "\ufeffa: b\n",
        "a: b\x85c\n",
        "a: b\u2028c\n",
        "a: b\0\n",
        "a: b\ue000\n",
        "---\na: 1\n",
        "%YAML 1.1\n---\na: 1\n",
        "? a\n: b\n",
        '"a": b\n',
        "a: |+\n  x\n",
        "a: |2\n  x\n",
        "a: >\n  x\n   y\n",
        "a: |\n",
        "- a\n- b\n",
        "just text\n",
        "a: 1\n b: 2\n",
        "a:\n  b: 1\n c: 2\n",
        "a: 'x'y\n",
        "a: 'x'#c\n",
        "a: [x]y\n",
        "a: @x\n",
        "a: `x`\n",
        "".join("  " * level + f"k{level}:\n" for level in range(30)),
    ],
)
def test_unsure_answers_none(text: str) -> None:
    assert quickyaml.load(text) is None
    agrees(text)


def test_never_raises() -> None:
    for text in ["\ud800: x\n", "a: '\ud800'\n", "a: [" * 10_000, "a: {" + "b: " * 5_000]:
        assert quickyaml.load(text) is None
    assert agrees("a:\n" + "  " * 5_000 + "b: 1\n")


def test_import_is_light() -> None:
    code = (
        "import sys, mentorjournal.quickyaml\n"
        "print(sorted(m for m in ('yaml', 'typing', 're', 'dataclasses', 'pathlib')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    assert out.strip() == "[]"


# -- real front matter: all of it must be answered -------------------------------------


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[p.name for p in SAMPLE_FILES])
def test_sample_journal_is_answered(path: Path) -> None:
    text = front_matter(path.read_text(encoding="utf-8"))
    if text is None:
        assert path.name == "README.md"
        return
    assert agrees(text)
    assert agrees(text, first_line=1)


def test_generated_notes_are_answered(generated: list[str]) -> None:
    for text in generated:
        assert agrees(text)


# -- random mutations ------------------------------------------------------------------

_CHARS = [
    *":-#'\"[]{},&*!|>%@`\\ \t\n?~.+_=<0123456789abcxyYnNeE",
    "é",
    "\u200d",
    "\u3000",
    "\ue000",
    "😀",
    "\xa0",
    "\x85",
    "\u2028",
    "\ufeff",
    "\r",
    "\0",
]
_SNIPPETS = [
    ": ",
    " #",
    "- ",
    "  ",
    "\n  ",
    "\n- ",
    "\n\n",
    "yes",
    "No",
    "on",
    "null",
    "~",
    "0",
    "-1",
    "+1",
    "07",
    "0x1F",
    "0b1",
    "1_000",
    "1:20",
    "1.5",
    ".inf",
    "1e3",
    "2026-05-04",
    "2026-05-04 10:00:00",
    "'",
    "''",
    '"',
    "[a, b]",
    "{a: 1}",
    "[]",
    "{}",
    ">-",
    "|",
    "|-",
    ">",
    "|+",
    "&a ",
    "*a",
    "!!str ",
    "<<",
    "---",
    "...",
    "%YAML 1.1\n",
    "? ",
    "\\n",
]
# Hand-written seeds for what real notes use less often than the generator.
_SEEDS = [
    AGREEMENT,
    SESSION,
    *BLOCK_SCALARS,
    "a:\n- x\n-\n- k: 1\n  l: [2]\nb:\n  - 'y'\n  - # empty\n  - {}\nc: []\n",
    "a: 'x' # c\nb: \"y\"   \nc: [ a ,b ]  # c\nd: {e: 'f', g: yes, h: ~}\n",
    "a:\n  b:\n    c: 1\n    d:\n    - e\n    - f: g\n      h: 2\n  i: j\n",
    "a:\n- b: |\n   x\n\n   y\n  c: >-\n   z\n- d\n",
    "a b: 1\nc[d]: {e: f}\n~: null\n1: yes\nC#: 'x'\n",
]


def _mutate(rng: random.Random, text: str) -> str:
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        roll = rng.random()
        if roll < 0.55 or "\n" not in text:
            at = rng.randint(0, len(text))
            piece = rng.choice(_CHARS) if rng.random() < 0.7 else rng.choice(_SNIPPETS)
            kind = rng.randrange(3)
            if kind == 0:  # insert
                text = text[:at] + piece + text[at:]
            elif kind == 1:  # delete
                text = text[:at] + text[at + rng.randint(1, 3) :]
            else:  # replace
                text = text[:at] + piece + text[at + 1 :]
            continue
        lines = text.split("\n")
        index = rng.randrange(len(lines))
        if roll < 0.65:  # duplicate a line
            lines.insert(rng.randrange(len(lines) + 1), lines[index])
        elif roll < 0.7:  # delete a line
            del lines[index]
        elif roll < 0.75:  # swap two lines
            other = rng.randrange(len(lines))
            lines[index], lines[other] = lines[other], lines[index]
        else:  # change the indentation
            stripped = lines[index].lstrip(" ")
            indent = len(lines[index]) - len(stripped)
            lines[index] = " " * max(0, indent + rng.choice([-4, -2, -1, 1, 2, 4])) + stripped
        text = "\n".join(lines)
    return text


def _fuzz(texts: list[str], cases: int, seed: int) -> tuple[int, int]:
    rng = random.Random(seed)
    answered = 0
    for _ in range(cases):
        text = _mutate(rng, rng.choice(texts))
        if agrees(text, rng.choice([1, 2, 2, 7])):
            answered += 1
    return cases, answered


def test_mutations(generated: list[str]) -> None:
    texts = _front_matters(SAMPLE_FILES) + generated[:10] + _SEEDS
    for text in texts:
        agrees(text)
    cases, answered = _fuzz(texts, 10_000, 20250718)
    # Most mutations stay inside the subset, or this test would prove little.
    assert answered > cases * 0.3, answered


@pytest.mark.skipif(not os.environ.get("QUICKYAML_FUZZ"), reason="set QUICKYAML_FUZZ=200000")
def test_mutations_long(generated: list[str]) -> None:
    texts = _front_matters(SAMPLE_FILES) + generated + _SEEDS
    seed = int(os.environ.get("QUICKYAML_FUZZ_SEED", "1"))
    cases, answered = _fuzz(texts, int(os.environ["QUICKYAML_FUZZ"]), seed)
    print(f"\nquickyaml fuzz: {cases} cases, {answered} answered ({answered / cases:.1%})")
