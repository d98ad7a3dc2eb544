"""A guided `mj init`: questions on a real terminal, flags for scripts, and template
prompts that stay visible (a `placeholder` warning) and block `mj sign` until written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import mj
from ptyutil import Terminal
from sshutil import make_key

from mentorjournal.format.document import parse_document


def test_init_on_a_terminal_asks_every_question(tmp_path: Path) -> None:
    term = Terminal("init", "pair", "--today", "2026-01-10", cwd=tmp_path)
    term.expect("Mentor's handle")
    term.type("Ben")  # not a handle: asked again
    assert "'Ben' is not a handle" in term.expect("Mentor's handle")
    term.type("ben")
    term.expect("Mentor's name [Ben]")
    term.type("Ben Okafor")
    term.expect("Mentee's handle")
    term.type("ben")  # the mentor's: asked again
    assert "different handles" in term.expect("Mentee's handle")
    term.type("ana")
    term.expect("Mentee's name [Ana]")
    term.type("")  # the default
    term.expect("shared purpose")
    term.type("Ana grows into a design lead who runs her own studio.")
    term.expect("How often you meet (weekly, biweekly, monthly, N weeks, N days) [biweekly]")
    term.type("every now and then")
    assert "is not a cadence" in term.expect("How often you meet")
    term.type("monthly")
    term.expect("in minutes [45]")
    term.type("60")
    term.expect("How you meet")
    term.type("in-person")
    term.expect("review this agreement (YYYY-MM-DD) [2026-04-10]")
    term.type("2026-02-30")
    assert "not a date" in term.expect("review this agreement")
    term.type("2026-06-30")
    term.expect("sponsor report may show")
    term.type("cadence, goals")
    code, rest = term.finish()
    assert code == 0, rest
    assert "wrote   agreement.md" in rest
    agreement = parse_document("agreement.md", (tmp_path / "pair" / "agreement.md").read_bytes())
    meta = agreement.meta
    assert meta["mentor"] == {"handle": "ben", "name": "Ben Okafor"}
    assert meta["mentee"] == {"handle": "ana", "name": "Ana"}
    assert meta["purpose"] == "Ana grows into a design lead who runs her own studio."
    assert meta["cadence"] == {"every": "monthly", "length": 60, "mode": "in-person"}
    assert (meta["start"], meta["review"]) == ("2026-01-10", "2026-06-30")
    assert meta["consent"] == {"sponsor": ["cadence", "goals"]}


def test_flags_answer_their_questions_and_the_rest_is_asked(tmp_path: Path) -> None:
    term = Terminal(
        "init", "pair", "--mentor", "ben", "--mentee", "ana", "--mentor-name", "Ben",
        "--mentee-name", "Ana", "--purpose", "Grow.", "--cadence", "weekly", "--length", "30",
        "--mode", "video", "--review", "2026-03-01", "--today", "2026-01-10",
        cwd=tmp_path,
    )  # fmt: skip
    term.expect("sponsor report may show")  # the one question no flag answered
    term.type("none")
    code, rest = term.finish()
    assert code == 0, rest
    for question in ("handle", "name", "purpose", "How often", "minutes", "How you meet"):
        assert question not in rest
    meta = parse_document("agreement.md", (tmp_path / "pair" / "agreement.md").read_bytes()).meta
    assert meta["consent"] == {"sponsor": []}
    assert meta["cadence"]["every"] == "weekly"


def test_without_a_terminal_nothing_is_asked(tmp_path: Path) -> None:
    result = mj("init", "j", "--mentor", "ben", "--mentee", "ana", "--cadence", "3 weeks",
                "--consent", "cadence,ratings", "--today", "2026-01-10", cwd=tmp_path)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "?" not in result.output and "[" not in result.output
    meta = parse_document("agreement.md", (tmp_path / "j" / "agreement.md").read_bytes()).meta
    assert meta["cadence"] == {"every": "3 weeks", "length": 45, "mode": "video"}
    assert meta["consent"] == {"sponsor": ["cadence", "ratings"]}
    assert meta["review"] == "2026-04-10"


@pytest.mark.parametrize(
    ("flag", "value", "says"),
    [
        ("--cadence", "sometimes", "is not a cadence"),
        ("--length", "0", "minutes"),
        ("--mode", "carrier pigeon", "is not one of"),
        ("--review", "2025-12-31", "from today"),
        ("--consent", "notes", "'notes' is not one of"),
        ("--mentor", "Ben", "is not a handle"),
    ],
)
def test_a_bad_flag_is_a_usage_error(tmp_path: Path, flag: str, value: str, says: str) -> None:
    result = mj("init", "j", flag, value, "--today", "2026-01-10", cwd=tmp_path)
    assert result.exit_code == 2
    assert says in result.output
    assert not (tmp_path / "j").exists()


def _placeholder_lines(root: Path) -> list[tuple[str, int]]:
    found = json.loads(mj("validate", "--json", cwd=root).stdout)["findings"]
    return [(f["path"], f["line"]) for f in found if f["code"] == "placeholder"]


def test_template_prompts_are_placeholder_warnings_at_their_lines(tmp_path: Path) -> None:
    root = tmp_path / "j"
    assert mj("init", str(root), "--mentor", "ben", "--mentee", "ana").exit_code == 0
    lines = (root / "agreement.md").read_text().split("\n")
    expected = [i + 1 for i, line in enumerate(lines) if "Replace with" in line]
    assert len(expected) == 7  # the purpose and six body sections
    assert _placeholder_lines(root) == [("agreement.md", n) for n in expected]
    assert mj("validate", cwd=root).exit_code == 0  # warnings: the journal is usable
    assert mj("validate", "--strict", cwd=root).exit_code == 1

    # A new goal without its success criterion: that is to write (front matter and body).
    assert mj("new", "goal", "portfolio", "--title", "Portfolio", cwd=root).exit_code == 0
    assert [p for p, _ in _placeholder_lines(root)].count("goals/portfolio.md") == 2

    # Written over, the warnings go, line by line.
    text = (root / "agreement.md").read_text()
    text = text.replace("Replace with the books", "The books", 1)
    (root / "agreement.md").write_text(text)
    assert len([p for p, _ in _placeholder_lines(root) if p == "agreement.md"]) == 6


def test_sign_refuses_an_agreement_with_prompts_left(tmp_path: Path) -> None:
    root = tmp_path / "j"
    assert mj("init", str(root), "--mentor", "ben", "--mentee", "ana",
              "--purpose", "Ana leads design reviews by June.").exit_code == 0  # fmt: skip
    before = (root / "agreement.md").read_bytes()
    result = mj("sign", "--as", "ben", cwd=root)
    assert result.exit_code == 1
    assert "template text to fill in" in result.output
    assert (root / "agreement.md").read_bytes() == before  # nothing written

    # Each prompt written over in the pair's own words: now it signs.
    lines = before.decode().split("\n")
    filled = ["We agreed this part." if line.startswith("Replace with") else line for line in lines]
    (root / "agreement.md").write_text("\n".join(filled))
    assert _placeholder_lines(root) == []
    key = make_key(tmp_path / "ssh", "ben")
    assert mj("key", "--as", "ben", "--file", str(key), cwd=root).exit_code == 0
    assert mj("commit", "-m", "Our agreement", cwd=root).exit_code == 0
    result = mj("sign", "--as", "ben", "--key", str(key), "--today", "2026-01-11", cwd=root)
    assert result.exit_code == 0, result.output


def test_init_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert mj("init", str(tmp_path / "j")).exit_code == 0
        out = tmp_path / "report.html"
        result = mj("summary", "--format", "html", "-o", str(out), cwd=tmp_path / "j")
        assert result.exit_code == 0, result.output
    finally:
        os.umask(old)
    for path in ("j/agreement.md", "j/.gitignore", "j/.gitattributes", "report.html"):
        assert (tmp_path / path).stat().st_mode & 0o777 == 0o644, path
