"""What a pushed repository can make mj do on the other person's machine: a journal
folder that looks like a repository of its own, a note made to stall the merge driver."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE, mj
from gitutil import git, make_repo

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
