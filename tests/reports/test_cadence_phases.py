"""Sessions held of expected, phase by phase, from the agreement's history in git."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import mj
from gitutil import commit_files, make_repo

AGREEMENT = """\
---
mentor: {{handle: ben, name: Ben Okafor}}
mentee: {{handle: ana, name: Ana Lima}}
purpose: Grow Ana into a design lead.
start: 2025-01-06
review: 2025-12-01
cadence: {{every: {every}, length: 45, mode: video}}
phase: {phase}
---
# Agreement
"""


def _session(day: str) -> str:
    return f"---\ndate: {day}\nattendees: [ana, ben]\n---\n# Notes\n"


def _commit_on(
    repo: Path, day: str, files: dict[str, str | bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_AUTHOR_DATE", f"{day}T18:00:00+00:00")
    monkeypatch.setenv("GIT_COMMITTER_DATE", f"{day}T18:00:00+00:00")
    commit_files(repo, files, f"on {day}")


@pytest.fixture
def moved_to_monthly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Biweekly from 2025-01-06; at the retro of 2025-03-03 the pair moves to monthly."""
    repo = make_repo(tmp_path / "pair")
    first = {"agreement.md": AGREEMENT.format(every="biweekly", phase=1)}
    _commit_on(
        repo, "2025-01-06", first | {"sessions/2025-01-06.md": _session("2025-01-06")}, monkeypatch
    )
    for day in ("2025-01-20", "2025-02-03", "2025-02-17"):
        _commit_on(repo, day, {f"sessions/{day}.md": _session(day)}, monkeypatch)
    moved = {"agreement.md": AGREEMENT.format(every="monthly", phase=2)}
    _commit_on(
        repo, "2025-03-03", moved | {"sessions/2025-03-03.md": _session("2025-03-03")}, monkeypatch
    )
    for day in ("2025-04-03", "2025-05-05"):
        _commit_on(repo, day, {f"sessions/{day}.md": _session(day)}, monkeypatch)
    return repo


def _summary(repo: Path, *args: str) -> str:
    result = mj("summary", "--today", "2025-06-01", *args, cwd=repo)
    assert result.exit_code == 0, result.output
    return result.output


def test_expected_follows_each_phase(moved_to_monthly: Path) -> None:
    cadence = json.loads(_summary(moved_to_monthly, "--format", "json"))["cadence"]
    assert cadence["phases"] == [
        # Biweekly: 01-06, 01-20, 02-03, 02-17 asked for, all four held.
        {"start": "2025-01-06", "end": "2025-03-02", "every": "biweekly", "phase": 1,
         "expected": 4, "held": 4},
        # Monthly from the change: 04-03 and 05-03 asked for; 03-03, 04-03, 05-05 held.
        {"start": "2025-03-03", "end": "2025-06-01", "every": "monthly", "phase": 2,
         "expected": 2, "held": 3},
    ]  # fmt: skip
    assert (cadence["held"], cadence["expected"]) == (7, 6)
    assert cadence["expected_dates"] == [
        "2025-01-06", "2025-01-20", "2025-02-03", "2025-02-17", "2025-04-03", "2025-05-03",
    ]  # fmt: skip
    text = _summary(moved_to_monthly)
    assert "7 held of 6 expected (biweekly, then monthly)" in text
    assert "biweekly (phase 1), 2025-01-06 to 2025-03-02: 4 held of 4 expected" in text
    assert "monthly (phase 2), 2025-03-03 to 2025-06-01: 3 held of 2 expected" in text
    md = _summary(moved_to_monthly, "--format", "md")
    assert "- Sessions held: 7 of 6 expected (biweekly, then monthly)" in md


def test_the_timeline_is_drawn_per_phase(moved_to_monthly: Path) -> None:
    html = _summary(moved_to_monthly, "--format", "html")
    assert "biweekly · phase 1: 4 of 4" in html and "monthly · phase 2: 3 of 2" in html
    assert html.count('stroke-dasharray="4 3"') == 1  # one boundary between two phases
    timeline = html[html.index('aria-label="Sessions against') :]
    timeline = timeline[: timeline.index("</svg>")]
    assert timeline.count('stroke="#9ca3af" stroke-width="3"') == 6 + 1  # 6 ticks, 1 legend
    assert "Feb 2025" in html and "Feb 25<" not in html


def test_a_window_inside_one_phase_counts_that_phase_only(moved_to_monthly: Path) -> None:
    cadence = json.loads(_summary(moved_to_monthly, "--format", "json", "--since", "2025-03-10"))[
        "cadence"
    ]
    assert [(p["every"], p["start"], p["expected"], p["held"]) for p in cadence["phases"]] == [
        ("monthly", "2025-03-10", 2, 2)
    ]


def test_a_change_not_committed_yet_starts_a_phase_today(moved_to_monthly: Path) -> None:
    (moved_to_monthly / "agreement.md").write_text(AGREEMENT.format(every="weekly", phase=3))
    cadence = json.loads(_summary(moved_to_monthly, "--format", "json"))["cadence"]
    assert [(p["every"], p["start"], p["end"]) for p in cadence["phases"]] == [
        ("biweekly", "2025-01-06", "2025-03-02"),
        ("monthly", "2025-03-03", "2025-05-31"),
        ("weekly", "2025-06-01", "2025-06-01"),
    ]


def test_outside_git_the_current_cadence_is_the_only_phase(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    (root / "sessions").mkdir(parents=True)
    (root / "agreement.md").write_text(AGREEMENT.format(every="monthly", phase=2))
    (root / "sessions" / "2025-02-06.md").write_text(_session("2025-02-06"))
    cadence = json.loads(_summary(root, "--format", "json"))["cadence"]
    assert [(p["every"], p["start"], p["expected"], p["held"]) for p in cadence["phases"]] == [
        ("monthly", "2025-01-06", 5, 1)
    ]
