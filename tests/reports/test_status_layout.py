"""`mj status` for people: it fits the terminal, and `--owner` takes `@ana`."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, mj
from gitutil import git, make_repo

from mentorjournal.cli import fastpath

LONG = (
    "Ask two teammates for a written quote about the onboarding project and collect "
    "the before and after numbers of the support queue for case study 2"
)


@pytest.fixture
def wordy(tmp_path: Path) -> Path:
    """The base journal in git, with long items, one without a due date, one with a
    long id."""
    journal = make_repo(tmp_path / "journal")
    shutil.copytree(DATA / "base-journal", journal, dirs_exist_ok=True)
    git(journal, "add", "--", ".")
    git(journal, "commit", "-q", "-m", "start")
    note = journal / "sessions" / "2025-07-18.md"
    note.write_text(
        note.read_text()
        + f"- [ ] @ana {LONG} due:2025-07-30 #portfolio\n"
        + "- [ ] @ana Keep a running wins document for the promotion case\n"
        + "- [ ] @ben Share the checklist with the whole design team 🆔 abcdef0123\n"
    )
    return journal


def _status(root: Path, columns: int, *args: str, cache: bool = True) -> str:
    """`mj status` as its own process (the console script's fast path, or click)."""
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
    if not cache:
        env["MJ_NO_CACHE"] = "1"
    run = subprocess.run(
        [sys.executable, "-m", "mentorjournal", "status", "--today", "2025-08-05", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.mark.parametrize("cache", [True, False])
@pytest.mark.parametrize("columns", [80, 72, 100])
def test_status_fits_the_terminal(wordy: Path, columns: int, cache: bool) -> None:
    text = _status(wordy, columns, cache=cache)
    lines = text.rstrip("\n").split("\n")
    assert max(len(line) for line in lines) <= columns
    # No word is cut: every word of the long item is there whole, in order.
    assert " ".join(LONG.split()) in " ".join(text.split())
    # Ids and due dates in columns: every item's first line starts the same way.
    firsts = [line for line in lines if re.match(r"  [! ] [0-9a-f]{6}", line)]
    assert len(firsts) >= 5
    id_width = max(len(line.split()[1 if line[2] == "!" else 0]) for line in firsts)
    text_column = 2 + 2 + id_width + 2 + 10 + 2
    for line in firsts:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}| {10}", line[4 + id_width + 2 :][:10]), line
    continued = [line for line in lines if line.startswith(" " * text_column) and line.strip()]
    assert continued, "the long item wraps"
    assert all(not line[text_column].isspace() for line in continued)
    # The same run twice (kept output) and the click path print the same.
    assert text == _status(wordy, columns, cache=cache)


def test_a_wide_terminal_keeps_an_item_on_one_line(wordy: Path) -> None:
    text = _status(wordy, 300)
    line = next(line for line in text.split("\n") if "Ask two teammates" in line)
    assert LONG in line and "(6d overdue)" in line and "sessions/2025-07-18.md:" in line


@pytest.mark.parametrize("cache", [True, False])
def test_owner_takes_a_handle_with_or_without_at(wordy: Path, cache: bool) -> None:
    plain = _status(wordy, 80, "--owner", "ana", cache=cache)
    assert _status(wordy, 80, "--owner", "@ana", cache=cache) == plain
    assert "@ana" in plain and "@ben" not in plain
    data = json.loads(_status(wordy, 80, "--owner", "@ben", "--json", cache=cache))
    assert data["open"] and all("ben" in item["owner"] for item in data["open"])
    assert not [item for item in data["open"] if item["owner"] == ["ana"]]


def test_an_unknown_owner_is_a_usage_error(wordy: Path) -> None:
    result = mj("status", "--owner", "@zed", cwd=wordy)
    assert result.exit_code == 2
    assert "@zed is not in the agreement" in result.output and "@ana" in result.output
    # The fast path leaves it to click, which words it.
    out, err = io.StringIO(), io.StringIO()
    mj("status", cwd=wordy)  # a snapshot to answer from
    assert fastpath.run(["-C", str(wordy), "status", "--owner", "@ana"], out, err) == 0
    assert fastpath.run(["-C", str(wordy), "status", "--owner", "zed"], out, err) is None
