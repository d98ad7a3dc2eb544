"""`mj new session` lists what one meeting reviews, by person, and stays a small valid note
however large the journal (the status snapshot answers; the full path agrees)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import mj
from gitutil import AGREEMENT, commit_files, make_repo

from mentorjournal.edit.authoring import REVIEW_LIMIT


def _note(day: str, *items: str, confidential: bool = False) -> str:
    secret = "confidential: true\n" if confidential else ""
    return f"---\ndate: {day}\nattendees: [ana, ben]\n{secret}---\n# Notes\n\n" + "".join(
        f"{item}\n" for item in items
    )


@pytest.fixture
def pair(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "pair")
    commit_files(
        repo,
        {
            "agreement.md": AGREEMENT,
            "sessions/2025-07-04.md": _note(
                "2025-07-04",
                "- [ ] @ana Old and not due yet due:2025-12-01",
                "- [ ] @ben Old without a date",
                "- [ ] @ana Old and overdue due:2025-07-20",
            ),
            "sessions/2025-07-18.md": _note(
                "2025-07-18",
                "- [ ] @ben New since the last session due:2025-09-30",
                "- [ ] @ana @ben New and shared",
                "- [x] @ana Done already done:2025-07-19",
            ),
            "sessions/2025-07-25.md": _note(
                "2025-07-25", "- [ ] @ana Talk to HR about SECRETCANARY", confidential=True
            ),
        },
        "start",
    )
    return repo


def _review(root: Path, day: str, cache: bool = True) -> str:
    env = {**os.environ} if cache else {**os.environ, "MJ_NO_CACHE": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "mentorjournal", "new", "session", "--date", day, "--today", day],
        cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    text = (root / "sessions" / f"{day}.md").read_text(encoding="utf-8")
    (root / "sessions" / f"{day}.md").unlink()
    return text.split("## Review\n")[1].split("## Notes")[0]


@pytest.mark.parametrize("cache", [True, False])
def test_what_one_meeting_reviews_by_person(pair: Path, cache: bool) -> None:
    review = _review(pair, "2025-08-01", cache)
    assert "since the last session (2025-07-25)" in review
    assert "### @ben" not in review  # nothing of ben's is overdue, due or new
    ana = review.split("### @ana")[1]
    assert "Draft case study 1, due 2025-08-01 (agreement.md:" in ana  # due today
    assert "Old and overdue, due 2025-07-20 (overdue)" in ana
    assert "(in the confidential session of 2025-07-25)" in ana and "SECRETCANARY" not in review
    assert "Old and not due yet" not in review and "Old without a date" not in review
    assert "Done already" not in review
    # Since 2025-07-25: the confidential note's item is new; the 07-18 items are not.
    assert "New since the last session" not in review
    assert "And 4 more open items: `mj status`." in review


@pytest.mark.parametrize("cache", [True, False])
def test_the_last_sessions_items_are_new(pair: Path, cache: bool) -> None:
    (pair / "sessions" / "2025-07-25.md").unlink()
    review = _review(pair, "2025-08-01", cache)
    assert "since the last session (2025-07-18)" in review
    ana, ben = review.split("### @ana")[1].split("### @ben")
    assert "New and shared (with @ben)" in ana
    assert "New since the last session, due 2025-09-30" in ben
    assert "And 2 more open items" in review


def test_a_huge_journal_gives_a_small_valid_note(tmp_path: Path) -> None:
    """1,500 sessions with 4,500 open items: the note lists a screenful and says so."""
    repo = make_repo(tmp_path / "big")
    start = dt.date(2020, 1, 6)
    files: dict[str, str | bytes] = {"agreement.md": AGREEMENT.replace("2025-07-01", "2020-01-06")}
    for n in range(1500):
        day = (start + dt.timedelta(days=n)).isoformat()
        files[f"sessions/{day}.md"] = _note(
            day,
            f"- [ ] @ana Overdue item {n} with a longish text to make the note grow due:{day}",
            f"- [ ] @ben Item {n} without a date",
            f"- [ ] @ana Item {n} for later due:2030-01-01",
        )
    commit_files(repo, files, "years of sessions")
    day = (start + dt.timedelta(days=1500)).isoformat()
    result = mj("new", "session", "--today", day, cwd=repo)
    assert result.exit_code == 0, result.output
    note = repo / "sessions" / f"{day}.md"
    assert note.stat().st_size < 16 * 1024
    text = note.read_text(encoding="utf-8")
    assert len(re.findall(r"(?m)^- `[0-9a-f]+`", text)) == REVIEW_LIMIT
    # The agreement's own item (not due yet) counts among the rest.
    assert f"And {4501 - REVIEW_LIMIT} more open items: `mj status`." in text
    # The same again through the snapshot (the fast path) writes the same bytes.
    note.rename(tmp_path / "first.md")
    assert mj("new", "session", "--today", day, cwd=repo).exit_code == 0
    assert note.read_bytes() == (tmp_path / "first.md").read_bytes()
    validated = mj("validate", str(note), cwd=repo)
    assert validated.exit_code == 0, validated.output


def test_the_snapshot_plans_what_the_whole_journal_plans(pair: Path) -> None:
    """After edits to a shared note (the snapshot is brought up to date, not rebuilt),
    the plan from the status snapshot is the plan from the whole journal, the count of
    the rest included, which leaves out a private note's items."""
    (pair / "private").mkdir()
    private = pair / "private" / "ana.md"
    private.write_text("---\ntitle: mine\n---\n- [ ] @ana Private PRIVCANARY due:2025-07-01\n")
    assert mj("status", cwd=pair).exit_code == 0  # the snapshot is written
    shared = pair / "sessions" / "2025-07-18.md"
    for step in range(3):
        with shared.open("a") as handle:
            handle.write(f"- [ ] @ben Shared more {step} due:2025-07-2{step}\n")
        cached, full = _review(pair, "2025-08-01"), _review(pair, "2025-08-01", cache=False)
        assert cached == full
        assert "PRIVCANARY" not in cached
        assert f"Shared more {step}" in cached
        # Listed: the overdue, the due today, the confidential note's, every "Shared more".
        assert "And 4 more open items: `mj status`." in cached
