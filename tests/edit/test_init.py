"""`mj init`: a journal that validates out of the box, in or outside a repository."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import mj
from gitutil import git, make_repo

from mentorjournal.git.hook import is_ours


def test_init_in_an_empty_folder_then_validate_and_status(tmp_path: Path) -> None:
    target = tmp_path / "pair"
    result = mj("init", str(target), "--mentor", "ben", "--mentee", "ana", "--today", "2026-01-10")
    assert result.exit_code == 0, result.output
    assert (target / ".git").is_dir()
    assert (target / "goals").is_dir() and (target / "sessions").is_dir()
    assert (target / ".gitignore").read_text() == "private/\n"
    assert is_ours(target / ".git" / "hooks" / "pre-commit")
    validated = mj("validate", "--strict", "--json", cwd=target)
    assert json.loads(validated.stdout) == {"ok": True, "findings": []}
    status = json.loads(mj("status", "--json", "--today", "2026-01-10", cwd=target).stdout)
    assert status["review"] == {"due": "2026-04-10", "overdue": False}
    assert status["signatures"]["missing"] == ["ben", "ana"]


def test_agreement_template_covers_every_practice(tmp_path: Path) -> None:
    mj("init", str(tmp_path / "j"))
    body = (tmp_path / "j" / "agreement.md").read_text().lower()
    for section in (
        "purpose",
        "roles",
        "goals",
        "cadence and preparation",
        "communication boundaries",
        "confidentiality and consent",
        "conflicts of interest",
        "resources",
        "success criteria",
        "review and retrospectives",
        "escalation",
        "sign-off",
    ):
        assert f"## {section}" in body, section


def test_init_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "j"
    target.mkdir()
    (target / "agreement.md").write_text("mine\n")
    result = mj("init", str(target))
    assert result.exit_code == 1
    assert "agreement.md already exists" in result.output
    assert (target / "agreement.md").read_text() == "mine\n"
    assert not (target / "goals").exists()


def test_init_inside_a_repository_keeps_its_gitignore(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "program")
    (repo / ".gitignore").write_text("*.tmp")
    result = mj("init", "pairs/ana-ben", "--mentor", "ben", "--mentee", "ana", cwd=repo)
    assert result.exit_code == 0, result.output
    assert not (repo / "pairs" / "ana-ben" / ".git").exists()
    assert (repo / ".gitignore").read_text() == "*.tmp"
    assert (repo / "pairs" / "ana-ben" / ".gitignore").read_text() == "private/\n"
    assert git(repo, "status", "--porcelain") != ""


def test_bad_handle_is_refused(tmp_path: Path) -> None:
    result = mj("init", str(tmp_path / "j"), "--mentor", "Ben")
    assert result.exit_code == 1
    assert "'Ben' is not a handle" in result.output
    assert not (tmp_path / "j" / "agreement.md").exists()
