"""What a pushed repository can make mj do on the other person's machine (adversarial
trial, session 9). Each test reproduces a defect found then, fixed since."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLE, mj
from gitutil import git, make_repo

from mentorjournal.index.cachefile import framed_dict

TIMEOUT = 60


def _lookalike(tmp_path: Path) -> tuple[Path, Path]:
    """A repository whose journal folder also holds HEAD, config, objects/ and refs/:
    files anyone can commit and push, which make git take that folder for a repository
    of its own (with the pushed config) when it is started there."""
    top = make_repo(tmp_path / "shared")
    journal = top / "journal"
    shutil.copytree(SAMPLE, journal)
    marker = tmp_path / "ran"
    (journal / "HEAD").write_text("ref: refs/heads/main\n")
    for folder in ("objects", "refs"):
        (journal / folder).mkdir()
        (journal / folder / ".keep").write_text("")
    (journal / "config").write_text(
        "[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = .\n"
        f'\tfsmonitor = "touch {marker}; false"\n'
    )
    git(top, "add", "--", ".")
    git(top, "commit", "-q", "-m", "pushed by the other person")
    return journal, marker


@pytest.mark.parametrize("command", ["status", "summary", "calendar", "validate"])
def test_pushed_repository_lookalike_runs_no_command(tmp_path: Path, command: str) -> None:
    journal, marker = _lookalike(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-P", "-c", "from mentorjournal.cli.fastpath import main; main()",
         "-C", str(journal), command],
        capture_output=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip
    assert b"Traceback" not in proc.stderr
    assert not marker.exists(), "core.fsmonitor from a pushed journal/config ran"


def test_hook_install_and_commit_in_a_lookalike_refuse_and_write_nothing(tmp_path: Path) -> None:
    """Git refuses the lookalike (gitstate.SAFE), and mj says why instead of "not a
    repository": nothing goes into the journal's files, no command of theirs runs."""
    journal, marker = _lookalike(tmp_path)
    before = (journal / "config").read_text()
    for args in (("hook", "install"), ("commit", "-m", "x")):
        result = mj(*args, cwd=journal)
        assert result.exit_code == 1 and "repository of its own" in result.output, result.output
    assert not (journal / "hooks").exists() and (journal / "config").read_text() == before
    assert not marker.exists()


def test_merge_driver_of_a_long_note_ends_soon(tmp_path: Path) -> None:
    """A note of many equal item lines, changed on one line on both sides: the driver
    must hand it to git's conflict (or merge it) in seconds, not hang `mj sync`."""
    lines = [b"---\n", b"date: 2026-11-23\n", b"---\n", *[b"- [ ] @ana a\n"] * 12_000]
    base = b"".join(lines)
    ours = b"".join([*lines[:3], b"- [ ] @ana ours\n", *lines[4:]])
    theirs = b"".join([*lines[:3], b"- [ ] @ana theirs\n", *lines[4:-1]])
    paths = []
    for name, data in (("base", base), ("ours", ours), ("theirs", theirs)):
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    argv = [sys.executable, "-P", "-c", "from mentorjournal.cli.fastpath import main; main()"]
    try:
        subprocess.run(
            [*argv, "merge-driver", *paths, "7", "sessions/2026-11-23.md"],
            capture_output=True, timeout=8, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail("the merge driver ran past 8 s on a 150 KB note")


@pytest.mark.parametrize(
    "value", [("d", "x", "y"), ("d", None, None, ""), ("d", 2**70, 1), ("d", 1.5, 1)]
)
def test_calendar_ledger_of_odd_values_starts_afresh(
    journal: Path, value: tuple[object, ...]
) -> None:
    """A ledger entry of the right shape but the wrong types (a damaged or foreign file)
    is dropped like a damaged file, not a traceback on every `mj calendar`."""
    make_repo(journal)
    first = mj("calendar", cwd=journal)
    assert first.exit_code == 0, first.output
    folder = journal / ".git" / "mentorjournal"
    (ledger,) = folder.glob("calendar-pair-*.marshal")
    uids = [line[4:].strip() for line in first.output.splitlines() if line.startswith("UID:")]
    ledger.write_bytes(b"".join(framed_dict("any head", {uid: value for uid in uids})))
    for view in folder.glob("view-calendar-*"):
        view.unlink()
    again = mj("calendar", cwd=journal)
    assert again.exit_code == 0, again.output
    assert again.output.count("SEQUENCE:") == first.output.count("SEQUENCE:")


def _sequence(output: str, text: str) -> int:
    """The SEQUENCE of the event whose text holds ``text``."""
    event = next(e for e in output.split("BEGIN:VEVENT") if text in e)
    return int(event.split("SEQUENCE:")[1].split()[0])


def test_calendar_sequence_grows_past_a_lost_ledger(journal: Path) -> None:
    """RFC 5545: an importer skips an update whose SEQUENCE did not grow. A ledger cut
    right after its head (a crash, a full disk, a copied .git) reads as empty, so the
    next change of an event goes out as SEQUENCE 0 and calendars keep the old one."""
    make_repo(journal)
    note = journal / "sessions" / "2025-07-04-kickoff.md"
    assert mj("calendar", cwd=journal).exit_code == 0
    for old, new in (("01", "02"), ("02", "03")):
        note.write_text(note.read_text().replace(f"due:2025-08-{old}", f"due:2025-08-{new}"))
        assert mj("calendar", cwd=journal).exit_code == 0
    before = _sequence(mj("calendar", cwd=journal).output, "Draft case study 1")
    assert before >= 1
    time.sleep(3)  # the ledger is lost after the feed last changed (not within a second)
    (ledger,) = (journal / ".git" / "mentorjournal").glob("calendar-pair-*.marshal")
    data = ledger.read_bytes()
    ledger.write_bytes(data[: 8 + int.from_bytes(data[:8], "little")])
    note.write_text(note.read_text().replace("due:2025-08-03", "due:2025-08-04"))
    after = _sequence(mj("calendar", cwd=journal).output, "Draft case study 1")
    assert after > before
