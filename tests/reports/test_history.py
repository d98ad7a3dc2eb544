"""`mj history`: the agreement's versions and goal status changes, read from real git."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import mj
from gitutil import (  # noqa: F401  (git_sandbox is a fixture)
    AGREEMENT,
    MENTEE,
    MENTOR,
    Identity,
    commit_files,
    configure,
    git,
    git_sandbox,
    make_journal,
    make_repo,
    make_shared,
)

pytestmark = pytest.mark.usefixtures("git_sandbox")

GOAL = """\
---
title: Portfolio
status: {status}
opened: 2025-07-01
success: Site live with 3 case studies
---
"""


def _commit_as(repo: Path, identity: Identity, files: dict[str, str], message: str) -> None:
    configure(repo, identity)
    commit_files(repo, files, message)


def _history(repo: Path) -> dict[str, Any]:
    result = mj("history", "--json", cwd=repo)
    assert result.exit_code == 0, result.output
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


def test_history_lists_a_cadence_change_with_its_author(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j", MENTOR)
    monthly = AGREEMENT.replace("every: biweekly", "every: monthly")
    _commit_as(repo, MENTEE, {"agreement.md": monthly}, "Meet monthly")

    history = _history(repo)

    first, second = history["agreement"]
    assert first["created"] is True
    assert first["author"] == {"name": MENTOR.name, "email": MENTOR.email}
    assert second["author"] == {"name": MENTEE.name, "email": MENTEE.email}
    assert second["subject"] == "Meet monthly"
    assert second["fields"] == [{"path": "cadence.every", "before": "biweekly", "after": "monthly"}]
    assert second["sections"] == []
    text = mj("history", cwd=repo).output
    assert "cadence.every: biweekly -> monthly" in text
    assert f"{MENTEE.name} <{MENTEE.email}>" in text


def test_history_tells_sections_signatures_and_removed_fields(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    signed = AGREEMENT.replace(
        "cadence:", "signatures:\n  - {by: ana, date: 2025-07-02, digest: x}\ncadence:"
    )
    signed = signed.replace("review: 2025-10-01\n", "")
    signed += "\n## Goals\n\nA portfolio.\n"
    _commit_as(repo, MENTEE, {"agreement.md": signed}, "Sign, drop review, add goals")

    (_, version) = _history(repo)["agreement"]

    assert version["fields"] == [{"path": "review", "before": "2025-10-01", "after": None}]
    assert version["sections"] == [{"heading": "Goals", "change": "added"}]
    assert version["signatures_added"] == ["ana"]
    text = mj("history", cwd=repo).output
    assert "review: 2025-10-01 -> (none)" in text
    assert "section 'Goals' added" in text
    assert "signed by ana" in text


def test_goal_status_changes_over_time(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    _commit_as(repo, MENTEE, {"goals/portfolio.md": GOAL.format(status="proposed")}, "Goal")
    _commit_as(repo, MENTOR, {"goals/portfolio.md": GOAL.format(status="active")}, "Start it")
    _commit_as(
        repo,
        MENTEE,
        {"goals/portfolio.md": GOAL.format(status="active").replace("Portfolio", "Folio")},
        "Rename only",
    )
    _commit_as(repo, MENTEE, {"goals/portfolio.md": GOAL.format(status="achieved")}, "Done!")

    goals = _history(repo)["goals"]

    assert [(g["goal"], g["before"], g["after"], g["author"]["name"]) for g in goals] == [
        ("portfolio", None, "proposed", MENTEE.name),
        ("portfolio", "proposed", "active", MENTOR.name),
        ("portfolio", "active", "achieved", MENTEE.name),
    ]
    assert "portfolio: active -> achieved" in mj("history", cwd=repo).output


def test_a_merge_does_not_repeat_the_other_sides_change(tmp_path: Path) -> None:
    shared = make_shared(tmp_path)
    configure(shared.mentor, MENTOR)
    commit_files(
        shared.mentor,
        {"agreement.md": AGREEMENT.replace("every: biweekly", "every: monthly")},
        "Monthly",
    )
    assert mj("sync", cwd=shared.mentor).exit_code == 0
    commit_files(
        shared.mentee,
        {"agreement.md": AGREEMENT.replace("Grow Ana", "Help Ana")},
        "Purpose",
    )
    assert mj("sync", cwd=shared.mentee).exit_code == 0

    versions = _history(shared.mentee)["agreement"]

    changes = [(v["author"]["name"], f["path"], f["after"]) for v in versions for f in v["fields"]]
    assert sorted(changes) == sorted(
        [
            (MENTOR.name, "cadence.every", "monthly"),
            (MENTEE.name, "purpose", "Help Ana into a confident product designer."),
        ]
    )


def test_no_history_yet(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "j")
    (repo / "agreement.md").write_text(AGREEMENT)
    result = mj("history", cwd=repo)
    assert result.exit_code == 0
    assert "no committed version yet" in result.output
    assert git(repo, "status", "--porcelain") == "?? agreement.md\n"
