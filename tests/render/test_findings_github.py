"""`mj validate --format github`: one GitHub Actions annotation per finding, escaped as
GitHub's own toolkit escapes, paths from the current folder, by click and the fast path."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import mj
from gitutil import git, make_journal, make_program, write

from mentorjournal.cli import fastpath
from mentorjournal.model import Finding
from mentorjournal.render.findings import findings_github

SESSION = "---\ndate: 2025-07-18\nattendees: [ana, bob]\natendees: x\n---\n- [ ] Nobody's\n"
EXPECTED = [
    "::error file={p},line=3,col=18,title=unknown-person::attendee 'bob' is not in the agreement",
    "::warning file={p},line=4,col=1,title=unknown-key::unknown key 'atendees' "
    "(did you mean 'attendees'?)",
    "::warning file={p},line=6,col=1,title=no-owner::"
    "action item has no owner: add @handle of who commits to it",
]


def expected(path: str) -> str:
    return "".join(line.format(p=path) + "\n" for line in EXPECTED)


def test_escapes_are_githubs() -> None:
    finding = Finding("odd, name:1.md", 2, 3, "error", "schema", "100% off\r\nnext: line")
    assert findings_github([finding], "../j") == (
        "::error file=../j/odd%2C name%3A1.md,line=2,col=3,title=schema::100%25 off%0D%0Anext: line"
    )


@pytest.fixture
def journal_repo(tmp_path: Path) -> Path:
    root = make_journal(tmp_path / "journal")
    write(root, "sessions/2025-07-18.md", SESSION)
    return root


def test_paths_are_relative_to_the_current_folder(
    journal_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(journal_repo.parent)
    result = mj("validate", "--format", "github", cwd=journal_repo)
    assert (result.exit_code, result.stdout) == (1, expected("journal/sessions/2025-07-18.md"))
    assert "1 error, 2 warnings in 1 file" in result.stderr
    monkeypatch.chdir(journal_repo / "sessions")
    result = mj("validate", "--format=github", "2025-07-18.md", cwd=journal_repo / "sessions")
    assert result.stdout == expected("2025-07-18.md")


def test_staged_by_click_and_by_the_fast_path(
    journal_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(journal_repo, "add", "--", ".")
    monkeypatch.chdir(journal_repo)
    for args in (("--format", "github"), ("--format=github", "--strict")):
        clicked = mj("validate", "--staged", *args)
        out, err = io.StringIO(), io.StringIO()
        code = fastpath.run(["validate", "--staged", *args], out, err)
        assert code == clicked.exit_code == 1
        assert out.getvalue() == clicked.stdout == expected("sessions/2025-07-18.md")
        assert err.getvalue() == clicked.stderr


def test_a_program_repository_staged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = make_program(tmp_path / "program")
    write(program, "pairs/ana-ben/sessions/2025-07-18.md", SESSION)
    git(program, "add", "--", ".")
    monkeypatch.chdir(tmp_path)
    result = mj("validate", "--staged", "--format", "github", cwd=program)
    assert (result.exit_code, result.stdout) == (
        1,
        expected("program/pairs/ana-ben/sessions/2025-07-18.md"),
    )


def test_json_and_github_together_is_a_usage_error(journal_repo: Path) -> None:
    result = mj("validate", "--json", "--format", "github", cwd=journal_repo)
    assert result.exit_code == 2
    assert "give one of them" in result.stderr
    assert (
        fastpath.run(
            ["-C", str(journal_repo), "validate", "--staged", "--json", "--format", "github"],
            io.StringIO(),
            io.StringIO(),
        )
        is None
    )


def test_a_valid_journal_prints_no_annotation(tmp_path: Path) -> None:
    root = make_journal(tmp_path / "journal")
    result = mj("validate", "--format", "github", cwd=root)
    assert (result.exit_code, result.stdout) == (0, "")
