"""yamldata.load: front matter values, their types, and the position of every key."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT

from mentorjournal.format import yamldata

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
    assert yamldata.load(SESSION, 2) == (
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
    _, positions = yamldata.load(SESSION)
    assert positions[("ratings", "portfolio")] == (9, 3)


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
    assert yamldata.load(AGREEMENT, 2) == (
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


def test_scalars_keep_their_types() -> None:
    text = (
        "a: 1\nb: '1'\nc: \"1\"\nd: yes\ne: No\nf: ~\ng:\nh: null\ni: +0\nj: +12\n"
        "k: 2026-05-04\nl: 2026-05-04 10:00:00\nm: 1e+5\nn: 09h\no: 'it''s'\np: a:b # c\n"
        "q: 1.5\nr: 0x1F\ns: !!str 1\nt: <<\n"
    )
    value, _ = yamldata.load(text)
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
        "q": 1.5,
        "r": 31,
        "s": "1",
        "t": "<<",
    }
    assert [type(value[key]) for key in "adqs"] == [int, bool, float, str]
    # A key is text even where a value would be a number or a bool.
    assert yamldata.load("1: x\nyes: y\n")[0] == {"1": "x", "yes": "y"}


def test_sequences() -> None:
    text = "a:\n- x\n-\n- k: 1\n  l: [2]\nb:\n  - 'y'\n  - # empty\n  - {}\nc: []\n"
    assert yamldata.load(text, 2) == (
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


@pytest.mark.parametrize(
    ("text", "where", "code"),
    [
        ("a: 1\nb: 2\na: 3\n", (4, 1), "duplicate-key"),
        ("a: {b: 1, b: 2}\n", (2, 11), "duplicate-key"),
        ("a: !!python/object x\n", (2, 4), "yaml-tag"),
        ("a: !x [1]\n", (2, 4), "yaml-tag"),
        ("a: &x 1\nb: *x\n", (2, 4), "yaml-alias"),
        ("a: [b\n", (2, 4), "yaml-syntax"),  # where the list opens, not at the end
        ('a: 1\nb: "x\n', (3, 4), "yaml-syntax"),
        ("p: a: b\n", (2, 5), "yaml-syntax"),
        ("? [a]\n: b\n", (2, 3), "yaml-syntax"),
        ("a: 1\n---\nb: 2\n", (4, 1), "yaml-syntax"),
        ("a: [" * 70 + "]" * 70 + "\n", (2, 129), "yaml-depth"),
        ("".join("  " * level + f"k{level}:\n" for level in range(70)), (66, 129), "yaml-depth"),
    ],
)
def test_refused(text: str, where: tuple[int, int], code: str) -> None:
    with pytest.raises(yamldata.YamlLoadError) as refused:
        yamldata.load(text, 2)
    problem = refused.value
    assert (problem.line, problem.column, problem.code) == (*where, code)
    assert str(problem) == problem.message


def test_hostile_input_only_raises_yaml_load_error() -> None:
    for text in ["a: [" * 10_000, "a: {" + "b: " * 5_000]:
        with pytest.raises(yamldata.YamlLoadError):
            yamldata.load(text)
    assert yamldata.load("a:\n" + "  " * 5_000 + "b: 1\n")[0] == {"a": {"b": 1}}


def test_import_stays_off_typing_and_dataclasses() -> None:
    """Every parse of a note imports this (mj status after an edit, the hook)."""
    code = (
        "import sys, mentorjournal.format.yamldata, mentorjournal.format.document\n"
        "print(sorted(m for m in ('typing', 'dataclasses', 'pathlib') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
    )
    assert run.stdout.strip() == "[]"


def test_pyyaml_gets_the_same_printable_check_without_its_slow_compile() -> None:
    """yamldata hands PyYAML's reader an equivalent of its non-printable pattern (see
    the module): it must match exactly the same code points, PyYAML must still ask for
    that pattern (else the seed is dead), and re's cache must not keep the stand-in."""
    code = (
        "import re, sys\n"
        "from mentorjournal.format import yamldata\n"
        "import yaml.reader\n"
        "print(yaml.reader.Reader.NON_PRINTABLE.pattern == yamldata._SAME_SET)\n"
        # (Python 3.12+ copies a cache hit into re._cache2: the stand-in stayed there.)
        "print(re.compile(yamldata._PYYAML_NON_PRINTABLE).pattern"
        " == yamldata._PYYAML_NON_PRINTABLE)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=ROOT
    )
    assert run.stdout.split() == ["True", "True"]

    every_code_point = "".join(map(chr, range(0x110000)))
    theirs = re.compile(yamldata._PYYAML_NON_PRINTABLE)
    ours = re.compile(yamldata._SAME_SET)
    found = [m.start() for m in ours.finditer(every_code_point)]
    assert found == [m.start() for m in theirs.finditer(every_code_point)]
    # C0 but tab, LF and CR; DEL and C1 but NEL; the surrogates; U+FFFE and U+FFFF.
    assert len(found) == (0x20 - 3) + (0x21 - 1) + 0x800 + 2
