"""`mj add`, `mj cancel`, `mj reopen`, `mj due` and naming an item by id prefix or text,
on real files in real repositories: each changes only its line, in the item's dialect."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import Result
from conftest import mj
from gitutil import SMALL_AGREEMENT as AGREEMENT
from gitutil import git, make_repo

from mentorjournal.journal import load_journal
from mentorjournal.model import ActionItem

MJ = Path(sys.executable).with_name("mj")  # the console script a user runs
TODAY = "2025-08-05"
GOAL = b"""---
title: Portfolio
status: active
opened: 2025-07-01
success: Site live with 3 case studies
---
# Portfolio

## Milestones

- [ ] @ana Outline case study 1 due:2025-08-01

## Notes

Milestones above.
"""
OBSIDIAN = """---\r
date: 2025-07-18\r
attendees: [ana, ben]\r
---\r
## Next actions\r
\r
1. [ ] @ana Update the agreement 🔼 📅 2025-08-01 ^agr\r
2. [/] @ben Call the venue 🆔 Venue_1 ⛔ agr1 🛫 2025-07-30\r
3. [x] @ana Sent the deck ✅ 2025-07-30\r
\r
## Notes\r
\r
Kept as is.\r
""".encode()
DATAVIEW = b"""---
date: 2025-07-25
attendees: [ana, ben]
---
## Decisions

- [ ] @ben Book the room [due:: 2025-08-01] [id:: room-2]
- [ ] @ana Update the agreement draft (due:: 2025-08-03)
"""
PLAIN = b"""---
date: 2025-08-01
attendees: [ana, ben]
---
## Next actions

<!-- One line per commitment: - [ ] @handle What to do due:YYYY-MM-DD #goal-id -->
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed journal with a goal and three sessions in three dialects."""
    root = make_repo(tmp_path / "journal")
    (root / "sessions").mkdir()
    (root / "goals").mkdir()
    (root / "agreement.md").write_bytes(AGREEMENT)
    (root / "goals" / "portfolio.md").write_bytes(GOAL)
    (root / "sessions" / "2025-07-18.md").write_bytes(OBSIDIAN)
    (root / "sessions" / "2025-07-25.md").write_bytes(DATAVIEW)
    (root / "sessions" / "2025-08-01.md").write_bytes(PLAIN)
    git(root, "add", "--", ".")
    git(root, "commit", "-q", "-m", "start")
    return root


def run(root: Path, *args: str, code: int = 0) -> Result:
    result = mj(*args, cwd=root)
    assert result.exit_code == code, result.output
    return result


def item(root: Path, text: str) -> ActionItem:
    found = [i for i in load_journal(root).items() if i.text == text]
    assert len(found) == 1, found
    return found[0]


def changed_lines(root: Path) -> list[str]:
    """The lines `git diff` shows removed and added, without the diff's own headers (and
    without CR: git's output is read as text)."""
    diff = git(root, "diff", "-U0")
    return [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]


def test_cancel_reopen_and_due_change_one_line_in_each_dialect(repo: Path) -> None:
    venue = item(repo, "Call the venue").id
    assert venue == "Venue_1"  # a non-hex Obsidian id is the item's id
    said = run(repo, "cancel", "venue_1", "--today", TODAY).output  # any case
    assert said.startswith(
        "cancelled Venue_1  Call the venue  (sessions/2025-07-18.md:8, 2025-08-05)"
    )
    assert changed_lines(repo) == [
        "-2. [/] @ben Call the venue 🆔 Venue_1 ⛔ agr1 🛫 2025-07-30",
        "+2. [-] @ben Call the venue 🆔 Venue_1 ⛔ agr1 🛫 2025-07-30 ❌ 2025-08-05",
    ]
    note = repo / "sessions" / "2025-07-18.md"
    assert note.read_bytes().count(b"\r\n") == OBSIDIAN.count(b"\r\n")
    run(repo, "reopen", "Venue_1")
    assert changed_lines(repo) == [
        "-2. [/] @ben Call the venue 🆔 Venue_1 ⛔ agr1 🛫 2025-07-30",
        "+2. [ ] @ben Call the venue 🆔 Venue_1 ⛔ agr1 🛫 2025-07-30",
    ]
    git(repo, "checkout", "--", ".")

    run(repo, "due", "room-2", "2025-08-20")
    run(repo, "cancel", "update the agreement draft", "--today", TODAY)
    assert changed_lines(repo) == [
        "-- [ ] @ben Book the room [due:: 2025-08-01] [id:: room-2]",
        "-- [ ] @ana Update the agreement draft (due:: 2025-08-03)",
        "+- [ ] @ben Book the room [due:: 2025-08-20] [id:: room-2]",
        "+- [-] @ana Update the agreement draft (due:: 2025-08-03) [cancelled:: 2025-08-05]",
    ]
    git(repo, "checkout", "--", ".")

    deck = item(repo, "Sent the deck").id
    run(repo, "reopen", deck)
    run(repo, "due", deck, "2025-08-09")  # no field left: written as mj's own
    run(repo, "done", "Update the agreement", "--today", TODAY)  # exact text beats a part
    assert changed_lines(repo) == [
        "-1. [ ] @ana Update the agreement 🔼 📅 2025-08-01 ^agr",
        "+1. [x] @ana Update the agreement 🔼 📅 2025-08-01 ✅ 2025-08-05 ^agr",
        "-3. [x] @ana Sent the deck ✅ 2025-07-30",
        "+3. [ ] @ana Sent the deck due:2025-08-09",
    ]
    assert run(repo, "validate").exit_code == 0


def test_each_command_refuses_what_does_not_apply_and_writes_nothing(repo: Path) -> None:
    before = {p: p.read_bytes() for p in (repo / "sessions").iterdir()}
    deck = item(repo, "Sent the deck").id
    out = run(repo, "cancel", deck, code=1).output
    assert "already done on 2025-07-30" in out and f"`mj reopen {deck}` first" in out
    out = run(repo, "reopen", "room-2", code=1).output
    assert "is open already (sessions/2025-07-25.md:7)" in out
    run(repo, "cancel", "room-2")
    out = run(repo, "done", "room-2", code=1).output
    assert "is cancelled" in out and "`mj reopen room-2`" in out
    out = run(repo, "due", "room-2", "2025-02-30", code=2).output
    assert "'2025-02-30' is not a real date" in out
    git(repo, "checkout", "--", ".")
    assert {p: p.read_bytes() for p in (repo / "sessions").iterdir()} == before


def test_an_item_is_named_by_a_prefix_of_four_or_its_text(repo: Path) -> None:
    target = item(repo, "Update the agreement").id
    short = run(repo, "done", target[:3], code=1).output
    assert f"'{target[:3]}' is too short to name an item by id: give at least 4" in short
    assert f"{target}  sessions/2025-07-18.md:7  Update the agreement" in short
    both = run(repo, "due", "agreement", "2025-09-01", code=1).output
    assert "text 'agreement' matches 2 items; give more of the text, or the id:" in both
    assert f"{target}  sessions/2025-07-18.md:7  Update the agreement" in both
    nothing = run(repo, "done", "Write the blog post", code=1).output
    assert "no action item has the id or text 'Write the blog post'" in nothing
    assert "no action item has the id or text 'Bob'" in run(repo, "done", "Bob", code=1).output
    (repo / "sessions" / "2025-08-01.md").write_bytes(PLAIN + b"\n- [ ] @ana Book a cafe\n")
    hexword = run(repo, "done", "cafe", code=1).output
    assert "no action item with id 'cafe'" in hexword
    assert "(a word of hex digits names an id; to name an item by its text" in hexword
    git(repo, "checkout", "--", ".")
    assert changed_lines(repo) == []
    said = run(repo, "done", "update THE agreement d", "--today", TODAY).output  # a part
    assert "Update the agreement draft" in said
    run(repo, "done", target[:4], "--today", TODAY)
    assert len(changed_lines(repo)) == 4


# ---------------------------------------------------------------- mj add


def added(root: Path, *args: str, code: int = 0) -> Result:
    return run(root, "add", *args, code=code)


def test_add_goes_under_the_latest_sessions_actions_in_its_dialect(repo: Path) -> None:
    said = added(repo, "Send the outline to Ben", "--owner", "@ana", "--due", "2025-08-12").output
    new = item(repo, "Send the outline to Ben")
    assert said.startswith(f"added   {new.id}  Send the outline to Ben  (sessions/2025-08-01.md:9)")
    text = (repo / "sessions" / "2025-08-01.md").read_bytes()
    assert text == PLAIN + b"\n- [ ] @ana Send the outline to Ben due:2025-08-12\n"
    added(repo, "Read chapter 2 #portfolio", "--owner", "ben")
    assert (
        (repo / "sessions" / "2025-08-01.md")
        .read_bytes()
        .endswith(b"due:2025-08-12\n- [ ] @ben Read chapter 2 #portfolio\n")
    )
    status = json.loads(run(repo, "status", "--json", "--today", TODAY).output)
    assert new.id in [entry["id"] for entry in status["open"]]
    assert run(repo, "validate").exit_code == 0


def test_add_finds_the_latest_session_beside_other_files(repo: Path) -> None:
    """A README.md (greater than any date as a name) and a dated name that is not a
    note's are passed over; a slug after the same date sorts as mj always sorted it."""
    sessions = repo / "sessions"
    (sessions / "README.md").write_text("How we keep notes\n")
    (sessions / "2099-01-01.txt").write_text("not a note\n")
    said = added(repo, "After the readme", "--owner", "ana").output
    assert "(sessions/2025-08-01.md:" in said
    (sessions / "2025-08-01-retro.md").write_bytes((sessions / "2025-08-01.md").read_bytes())
    assert "(sessions/2025-08-01.md:" in added(repo, "Same day", "--owner", "ana").output


def test_add_passes_over_a_folder_or_fifo_named_as_the_latest_session(repo: Path) -> None:
    """Only a note is a session to add to: a folder or a FIFO with a later date's name
    is passed over, and named for what it is when given with --to."""
    import os

    sessions = repo / "sessions"
    (sessions / "2099-01-01.md").mkdir()
    os.mkfifo(sessions / "2099-02-01.md")
    said = added(repo, "Past the odd names", "--owner", "ana").output
    assert "(sessions/2025-08-01.md:" in said
    for odd in ("2099-01-01.md", "2099-02-01.md"):
        refused = added(repo, "Here", "--to", f"sessions/{odd}", code=1).output
        assert f"sessions/{odd} cannot be written: " in refused and "not a" in refused
    assert "does not exist" in added(repo, "Here", "--to", "sessions/2099-03-01.md", code=2).output


def test_add_continues_a_numbered_list_with_crlf_and_uses_obsidian_dates(repo: Path) -> None:
    note = repo / "sessions" / "2025-07-18.md"
    added(repo, "Print the handouts", "--owner", "ana", "--due", "2025-08-10", "--to", str(note))
    assert changed_lines(repo) == ["+4. [ ] @ana Print the handouts 📅 2025-08-10"]
    assert note.read_bytes().count(b"\r\n") == OBSIDIAN.count(b"\r\n") + 1


def test_add_to_a_goal_a_file_without_such_section_or_final_newline(repo: Path) -> None:
    added(repo, "Outline case study 2", "--to", "goals/portfolio.md", "--due", "2025-08-20")
    assert (repo / "goals" / "portfolio.md").read_bytes() == GOAL.replace(
        b"due:2025-08-01\n", b"due:2025-08-01\n- [ ] Outline case study 2 due:2025-08-20\n"
    )
    assert item(repo, "Outline case study 2").owners == ("ana",)  # the goal's owner
    dataview = repo / "sessions" / "2025-07-25.md"
    dataview.write_bytes(DATAVIEW.replace(b"## Decisions\n\n", b"").rstrip(b"\n"))
    said = added(repo, "Book a second room", "--to", str(dataview), "--due", "2025-08-21")
    assert dataview.read_bytes().endswith(
        b"(due:: 2025-08-03)\n- [ ] Book a second room [due:: 2025-08-21]\n"
    )
    assert "note    the item has no owner" in said.stderr


# Each is an argument that cannot be right: a usage error (2), as `mj status --owner`
# and `mj calendar --owner` say of an unknown handle; they exited 1.
@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (
            ("Do it", "--owner", "carla"),
            2,
            "@carla is not in the agreement; its people: @ana, @ben",
        ),
        (("Ask @carla about it",), 2, "@carla is not in the agreement"),
        (
            ("Do it", "--goal", "speaking"),
            2,
            "there is no goal 'speaking' (goals/speaking.md); the goals: portfolio",
        ),
        (("Do it", "--due", "2025-02-30"), 2, "'2025-02-30' is not a real date"),
        (("Do it due:2025-08-09", "--due", "2025-08-10"), 2, "already has a due date (2025-08-09)"),
        (("Do it", "--to", "agreement.md"), 2, "agreement.md is not a session or goal file"),
        (("Do it", "--to", "sessions/2025-09-09.md"), 2, "does not exist; `mj new session`"),
        (("Line one\nline two",), 2, "an item is one line"),
        (("  ",), 2, "give the item's text"),
    ],
)
def test_add_refuses_before_writing_anything(
    repo: Path, args: tuple[str, ...], code: int, said: str
) -> None:
    assert said in added(repo, *args, code=code).output
    assert changed_lines(repo) == []


def test_add_without_a_session_says_how_to_start_one(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "empty")
    (root / "agreement.md").write_bytes(AGREEMENT)
    assert "no session yet: `mj new session`" in added(root, "Do it", code=1).output


# ---------------------------------------------------------------- the console script


def script(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert MJ.is_file(), f"the console script is not installed at {MJ}"
    return subprocess.run(
        [str(MJ), "-C", str(root), *args], capture_output=True, text=True, timeout=60
    )


def test_the_console_script_adds_and_changes_items_from_the_snapshot(repo: Path) -> None:
    assert script(repo, "status").returncode == 0  # leaves the status snapshot behind
    first = script(repo, "add", "Confirm the date", "--owner", "ben", "--due", "2025-08-15")
    assert first.returncode == 0, first.stderr
    new_id = first.stdout.split()[1]
    for args in (
        ("due", new_id, "2025-08-16"),
        ("cancel", "confirm the DATE", "--today", TODAY),
        ("reopen", new_id),
        ("done", new_id[:4], "--today", TODAY),
    ):
        done = script(repo, *args)
        assert done.returncode == 0, (args, done.stderr)
        assert done.stdout.split()[1] == new_id
    assert changed_lines(repo)[-1] == "+- [x] @ben Confirm the date due:2025-08-16 done:2025-08-05"
    refused = script(repo, "done", new_id[:3])
    assert refused.returncode == 1 and "give at least 4 characters" in refused.stderr


@pytest.mark.parametrize(
    "given", ["- [ ] Send the draft", "[ ] Send the draft", "* [x] Send the draft"]
)
def test_add_takes_a_pasted_checkbox_as_part_of_the_line_not_the_text(
    repo: Path, given: str
) -> None:
    added(repo, "--owner", "ana", "--", given)
    text = (repo / "sessions" / "2025-08-01.md").read_bytes()
    assert text.endswith(b"\n- [ ] @ana Send the draft\n")
    assert b"[ ] - [ ]" not in text and b"[ ] [" not in text


def test_validate_refuses_to_call_a_file_it_does_not_check_valid(repo: Path) -> None:
    (repo / "private").mkdir()
    (repo / "private" / "2025-08-02.md").write_text("---\ndate: 2025-08-02\n---\n")
    (repo / "README.md").write_text("# Our journal\n")
    for path in ("private/2025-08-02.md", "README.md"):
        result = mj("validate", path, cwd=repo)
        assert result.exit_code == 2 and "not a journal file" in result.output, path
    assert mj("validate", "sessions/2025-08-01.md", cwd=repo).exit_code == 0


def test_a_blank_name_too_many_matches_and_a_date_on_a_later_line(journal: Path) -> None:
    """A blank name; a text matching more than ten items (the list is cut, the rest
    counted); a done or due date on an item's second line, which mj cannot change from
    the first (it says so, and writes nothing)."""
    note = journal / "sessions" / "2025-08-01.md"
    chores = "".join(f"- [ ] @ana Common chore number {n}\n" for n in range(1, 13))
    note.write_text(
        "---\ndate: 2025-08-01\nattendees: [ana, ben]\n---\n\n"
        "- [x] @ana Write the long report\n  for the team done:2025-08-01\n"
        "- [ ] @ana Book the venue\n  for the offsite due:2025-08-09\n" + chores
    )
    before = note.read_bytes()
    result = mj("done", "  ", cwd=journal)
    assert result.exit_code == 2 and "name the item by its id" in result.output  # usage
    result = mj("done", "common chore", cwd=journal)
    assert result.exit_code == 1 and "text 'common chore' matches 12 items" in result.output
    assert "Common chore number 10\n  ... and 2 more" in result.output
    assert "number 11" not in result.output
    for args, line, which in (
        (("reopen", "long report"), 6, "done"),
        (("due", "Book the venue", "2025-08-20"), 8, "due"),
    ):
        result = mj(*args, cwd=journal)
        assert result.exit_code == 1
        assert (
            f"sessions/2025-08-01.md:{line}: mj cannot change this item on its first line "
            f"alone (its {which} date is on a later line); change it by hand"
        ) in result.output
    assert note.read_bytes() == before
