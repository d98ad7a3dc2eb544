"""The public API in mentorjournal.__all__, on the bundled sample journal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import mentorjournal

TODAY = dt.date(2026, 11, 21)


def test_the_api_answers_what_the_commands_answer(sample_repo: Path) -> None:
    import json

    from conftest import mj

    journal = mentorjournal.open_journal(sample_repo / "sessions")  # found from inside
    assert journal.agreement is not None and len(journal.sessions) > 5
    assert mentorjournal.validate(sample_repo) == []

    status = mentorjournal.status(sample_repo, TODAY)
    listed = json.loads(mj("status", "--json", "--today", str(TODAY), cwd=sample_repo).stdout)
    assert [item.id for item in status.open] == [item["id"] for item in listed["open"]]

    report = mentorjournal.summary(sample_repo, TODAY, audience="sponsor")
    shown = mj(
        "summary",
        "--format",
        "json",
        "--audience",
        "sponsor",
        "--today",
        str(TODAY),
        cwd=sample_repo,
    )
    assert [goal.id for goal in report.goals] == [
        g["id"] for g in json.loads(shown.stdout)["goals"]
    ]
    assert report.audience == "sponsor"


def test_public_names() -> None:
    assert set(mentorjournal.__all__) == {
        "__version__",
        "open_journal",
        "status",
        "summary",
        "validate",
    }
