"""Values that validate (or are findings) but once broke a report: dates past year 9999,
ratings that are not a mapping. Every report, every format, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import mj

FORMATS = ("text", "md", "json", "html")
SESSION = "sessions/2025-07-18.md"


def _run(root: Path, *args: str) -> str:
    result = mj(*args, cwd=root)
    assert result.exit_code == 0, result.output
    return result.stdout


def _every(journal: Path, every: str) -> None:
    agreement = journal / "agreement.md"
    agreement.write_text(agreement.read_text().replace("every: biweekly", f'every: "{every}"'))


@pytest.mark.parametrize("every", ["99999999999 weeks", "99999999999 days", "3000000 days"])
def test_a_cadence_past_year_9999_has_no_next_meeting(journal: Path, every: str) -> None:
    _every(journal, every)
    assert _run(journal, "validate", "--json") == '{"ok": true, "findings": []}\n'
    status = json.loads(_run(journal, "status", "--json", "--today", "2025-08-05"))
    assert status["next_meeting"] == {"due": None, "overdue": False, "last": "2025-07-18"}
    text = _run(journal, "status", "--today", "2025-08-05")
    assert f"Next meeting  none: every {every} after 2025-07-18 is past 9999" in text
    for audience in ("pair", "sponsor"):
        for form in FORMATS:
            out = _run(journal, "summary", "--format", form, "--audience", audience)
            assert out.strip()
    report = json.loads(_run(journal, "summary", "--format", "json", "--today", "2025-08-05"))
    # Only the start counts as an expected meeting: the next one never comes.
    assert (report["cadence"]["expected"], report["cadence"]["held"]) == (1, 2)


def test_reports_on_the_last_days_of_the_calendar(journal: Path, tmp_path: Path) -> None:
    for form in FORMATS:
        assert _run(journal, "summary", "--format", form, "--today", "9999-12-31").strip()
    status = json.loads(_run(journal, "status", "--json", "--today", "9999-12-31"))
    assert status["next_meeting"]["due"] == "2025-08-01"

    made = tmp_path / "late"
    _run(tmp_path, "init", str(made), "--mentor", "ben", "--mentee", "ana", "--today", "9999-11-01")
    # Three months after November 9999 is past the calendar: the review is its last day.
    review = json.loads(_run(made, "status", "--json", "--today", "9999-11-01"))["review"]
    assert review == {"due": "9999-12-31", "overdue": False}


@pytest.mark.parametrize("ratings", ["3", "[1, 2]", "great", "{portfolio: [4]}", "{portfolio: x}"])
def test_ratings_that_are_no_mapping_of_numbers_are_findings_not_crashes(
    journal: Path, ratings: str
) -> None:
    note = journal / SESSION
    note.write_text(note.read_text().replace("goals:\n", f"ratings: {ratings}\ngoals:\n", 1))
    validated = mj("validate", "--json", cwd=journal)
    assert validated.exit_code == 1
    codes = {(f["path"], f["line"]) for f in json.loads(validated.stdout)["findings"]}
    assert codes == {(SESSION, 6)}
    for audience in ("pair", "sponsor"):
        for form in FORMATS:
            assert _run(journal, "summary", "--format", form, "--audience", audience).strip()
    report = json.loads(_run(journal, "summary", "--format", "json"))
    portfolio = next(g for g in report["goals"] if g["id"] == "portfolio")
    assert portfolio["ratings"] == [["2025-07-04", 2]]  # the kickoff's, the only readable one
