"""`mj history`: the agreement's versions and goal status changes, read from real git."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


# Names and subjects anyone can commit: git's own separators, a newline, a tab, bytes
# that are not UTF-8, a terminal escape. None of them may split a record or a line.
ODD_NAME = "a\x1eb\x1fc\td"
ODD_SUBJECT = "sub\x1eject\x1f \x1b[2Jclear"
ODD_GOALS = {b"goals/g\nh.md": "g\nh", b"goals/t\tb.md": "t\tb", b"goals/z\xfe.md": "z\ufffd"}


def _write_bytes_name(repo: Path, name: bytes, text: str) -> None:
    (repo / os.fsdecode(name)).write_bytes(text.encode())


def _odd_repo(tmp_path: Path) -> Path:
    """A journal whose commits carry separator bytes in author names, subjects and names."""
    repo = make_journal(tmp_path / "j")
    monthly = AGREEMENT.replace("every: biweekly", "every: monthly")
    (repo / "agreement.md").write_text(monthly, encoding="utf-8")
    git(repo, "-c", f"user.name={ODD_NAME}", "commit", "-q", "--no-verify", "-am", ODD_SUBJECT)
    (repo / "goals").mkdir()
    for name in ODD_GOALS:
        _write_bytes_name(repo, name, GOAL.format(status="active"))
    (repo / "sessions").mkdir()
    (repo / "sessions" / "2025-07-18-a\nb.md").write_text("---\nnot: valid\n---\n")
    git(repo, "add", "-A")
    git(repo, "-c", f"user.name={ODD_NAME}", "commit", "-q", "--no-verify", "-m", "goals\x1e")
    _write_bytes_name(repo, b"goals/g\nh.md", GOAL.format(status="achieved"))
    git(repo, "commit", "-q", "--no-verify", "-am", "done\x1f")
    return repo


def test_separator_bytes_in_commits_and_file_names_keep_history_whole(tmp_path: Path) -> None:
    repo = _odd_repo(tmp_path)

    history = _history(repo)

    second = history["agreement"][1]
    assert second["author"]["name"] == ODD_NAME
    assert second["subject"] == ODD_SUBJECT
    assert second["fields"] == [{"path": "cadence.every", "before": "biweekly", "after": "monthly"}]
    changes = [(g["goal"], g["before"], g["after"]) for g in history["goals"]]
    assert sorted(changes[:3]) == sorted((goal, None, "active") for goal in ODD_GOALS.values())
    assert changes[3:] == [("g\nh", "active", "achieved")]
    text = mj("history", cwd=repo).stdout
    # Every control character is shown as an escape: no line is split, no escape reaches
    # the terminal, and the report keeps its shape.
    assert not any(ch < " " and ch != "\n" for ch in text)
    assert "a\\x1eb\\x1fc\\x09d <" in text
    assert "sub\\x1eject\\x1f \\x1b[2Jclear" in text
    assert "g\\x0ah: active -> achieved" in text
    assert len(text.splitlines()) == 11


@pytest.mark.parametrize("output_format", ["text", "json", "md", "html"])
def test_separator_bytes_in_commits_and_file_names_keep_summary_whole(
    tmp_path: Path, output_format: str
) -> None:
    repo = _odd_repo(tmp_path)

    result = mj("summary", "--format", output_format, "--today", "2025-09-01", cwd=repo)

    assert result.exit_code == 0, result.output
    if output_format == "json":
        assert json.loads(result.stdout)["goals"]


def test_odd_file_names_keep_status_and_validate_readable(tmp_path: Path) -> None:
    repo = _odd_repo(tmp_path)

    status = mj("status", "--json", "--today", "2025-09-01", cwd=repo)
    assert status.exit_code == 0, status.output
    json.loads(status.stdout)
    assert mj("status", "--today", "2025-09-01", cwd=repo).exit_code == 0
    validated = mj("validate", cwd=repo)
    assert validated.exit_code == 1
    # One finding per line, each starting with its (escaped) path.
    lines = validated.stdout.splitlines()
    assert lines and all(line.startswith(("goals/", "sessions/")) for line in lines)
    assert any(line.startswith("sessions/2025-07-18-a\\x0ab.md:") for line in lines)
    assert any(line.startswith("goals/z\\xfe.md:") for line in lines)
    paths = {f["path"] for f in json.loads(mj("validate", "--json", cwd=repo).stdout)["findings"]}
    assert {"goals/g\nh.md", "goals/t\tb.md", "sessions/2025-07-18-a\nb.md"} <= paths


@pytest.mark.parametrize("args", [("validate", "--json"), ("validate",), ("history",)])
def test_a_name_that_is_not_utf8_prints_in_a_strict_locale(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Through the real executable, where stdout refuses what is not UTF-8."""
    repo = _odd_repo(tmp_path)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    proc = subprocess.run(
        [sys.executable, "-m", "mentorjournal", *args],
        cwd=repo,
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    assert proc.returncode == (0 if args == ("history",) else 1)
    proc.stdout.decode("utf-8")  # strict: every byte written is UTF-8
    if args == ("validate", "--json"):
        paths = {f["path"] for f in json.loads(proc.stdout)["findings"]}
        assert "goals/z\udcfe.md" in paths
