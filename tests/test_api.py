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


def test_a_misspelt_audience_is_refused_not_given_the_pairs_report(sample_repo: Path) -> None:
    import pytest

    from mentorjournal.errors import UsageError

    for wrong in ("Sponsor", "sponsors", "SPONSOR ", ""):
        with pytest.raises(UsageError, match="audience must be 'pair' or 'sponsor'"):
            mentorjournal.summary(sample_repo, TODAY, audience=wrong)  # type: ignore[arg-type]


def test_dates_may_be_given_as_the_command_line_takes_them(sample_repo: Path) -> None:
    import pytest

    from mentorjournal.errors import NoJournalError, UsageError

    as_text = mentorjournal.status(sample_repo, "2026-11-21")
    assert as_text == mentorjournal.status(sample_repo, TODAY)
    report = mentorjournal.summary(sample_repo, "2026-11-21", since="2026-10-01")
    assert report == mentorjournal.summary(sample_repo, TODAY, since=dt.date(2026, 10, 1))
    for wrong in ("2026-02-30", "21/11/2026", "20261121"):
        with pytest.raises(UsageError, match=f"today must be a date or YYYY-MM-DD, not '{wrong}'"):
            mentorjournal.status(sample_repo, wrong)
    with pytest.raises(NoJournalError, match="is not a folder"):
        mentorjournal.open_journal(sample_repo / "no-such-folder")
