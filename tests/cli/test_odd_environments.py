"""Odd machines, repositories and files: each case is a clear
message and the exit code the SPEC gives, never a traceback, and nothing changed that
the user did not ask for. Every case runs the real `mj` as a process, with a timeout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import mj
from gitutil import git, make_journal, make_repo

TIMEOUT = 60


def run(
    cwd: Path, *args: str, env: dict[str, str] | None = None, shell_prefix: str = ""
) -> subprocess.CompletedProcess[str]:
    """`mj ARGS` in ``cwd`` as its own process (through sh when ``shell_prefix`` sets
    up its file descriptors); fails the test on a traceback."""
    argv = [sys.executable, "-m", "mentorjournal", *args]
    if shell_prefix:
        argv = ["sh", "-c", f'exec "$@" {shell_prefix}', "sh", *argv]
    done = subprocess.run(
        argv,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL if not shell_prefix else None,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stderr[-600:]
    return done


def test_a_closed_stdin_reads_as_no_answer(tmp_path: Path, sample_repo: Path) -> None:
    """`mj init` and `mj key` started with stdin closed (`<&-`, cron, some CI runners)
    ask nothing and say what they did or why not (was: AttributeError, RuntimeError)."""
    made = run(tmp_path, "init", "new", "--mentor", "ben", "--mentee", "ana", shell_prefix="<&-")
    assert made.returncode == 0 and (tmp_path / "new" / "agreement.md").is_file()
    home = tmp_path / "empty-home"  # no SSH key there, so `mj key` would ask to make one
    home.mkdir()
    for closed in ("<&-", "</dev/null"):  # closed, or no terminal: no prompt is shown
        key = run(sample_repo, "key", "--as", "ana", env={"HOME": str(home)}, shell_prefix=closed)
        assert key.returncode == 1 and "no key was made" in key.stderr
        assert "[y/N]" not in key.stdout + key.stderr


def test_an_item_due_on_the_last_day_there_is_still_makes_a_calendar(sample_repo: Path) -> None:
    """An item due 9999-12-31 is a one-day event without DTEND (there is no next day to
    end on; RFC 5545 reads a DATE event without one as lasting a day)."""
    assert (
        mj("add", "Far off", "--owner", "ana", "--due", "9999-12-31", cwd=sample_repo).exit_code
        == 0
    )
    feed = run(sample_repo, "calendar", "--today", "2026-11-21")
    assert feed.returncode == 0
    event = feed.stdout[feed.stdout.index("SUMMARY:Far off") :].split("END:VEVENT")[0]
    assert "DTSTART;VALUE=DATE:99991231" in event and "DTEND" not in event


def test_add_to_a_file_mj_cannot_read_says_why(sample_repo: Path) -> None:
    """`mj add --to` a symlink to itself, or a note that is not UTF-8, names the file and
    what is wrong with it (was: RuntimeError; 'an unclosed code block?')."""
    loop = sample_repo / "sessions" / "2026-11-25.md"
    loop.symlink_to(loop.name)
    looped = run(sample_repo, "add", "hi", "--to", "sessions/2026-11-25.md")
    assert looped.returncode == 1 and "sessions/2026-11-25.md cannot be written" in looped.stderr
    latin = sample_repo / "sessions" / "2026-11-30.md"
    before = b"---\ndate: 2026-11-30\nattendees: [ana, ben]\n---\n- [ ] @ana caf\xe9\n"
    latin.write_bytes(before)
    refused = run(sample_repo, "add", "hi", "--to", "sessions/2026-11-30.md")
    assert refused.returncode == 1
    assert "sessions/2026-11-30.md:5: byte 0xE9 is not valid UTF-8" in refused.stderr
    assert latin.read_bytes() == before


def test_a_corrupt_index_is_named_not_taken_for_no_repository(sample_repo: Path) -> None:
    (sample_repo / ".git" / "index").write_bytes(b"garbage")
    for args in (["validate", "--staged"], ["hook-run"]):
        done = run(sample_repo, *args)
        assert done.returncode == 1, args
        assert "index file smaller than expected" in done.stderr, args


def test_a_note_named_near_the_length_limit_can_be_ticked(sample_repo: Path) -> None:
    """atomic_write's temporary file beside it must fit in 255 bytes too."""
    name = f"sessions/2026-11-06-{'x' * 240}.md"
    (sample_repo / name).write_text(
        "---\ndate: 2026-11-06\nattendees: [ana, ben]\n---\n- [ ] @ana Long named\n"
    )
    done = run(sample_repo, "done", "Long named", "--today", "2026-11-21")
    assert done.returncode == 0, done.stderr
    assert "- [x] @ana Long named done:2026-11-21" in (sample_repo / name).read_text()
    # Its first characters cut short, in bytes: 60 four-byte characters were 261 bytes.
    wide = f"goals/{chr(0x1F3AF) * 60}.md"
    (sample_repo / wide).write_text("---\ntitle: Aim\n---\n- [ ] @ana Wide named\n")
    done = run(sample_repo, "add", "Second", "--owner", "ana", "--to", wide)
    assert done.returncode == 0, done.stderr
    assert "- [ ] @ana Second" in (sample_repo / wide).read_text()


def test_mj_today_from_the_environment_is_blamed_by_name(sample_repo: Path) -> None:
    done = run(sample_repo, "status", env={"MJ_TODAY": "garbage"})
    assert done.returncode == 2
    assert "MJ_TODAY (in the environment) must be a real date YYYY-MM-DD" in done.stderr
    assert "--today" not in done.stderr.splitlines()[-1]


def test_a_missing_identity_says_how_to_set_it(sample_repo: Path) -> None:
    git(sample_repo, "config", "--unset", "user.name")
    git(sample_repo, "config", "--unset", "user.email")
    git(sample_repo, "config", "user.useConfigOnly", "true")
    empty = sample_repo.parent / "empty.gitconfig"
    empty.write_text("")
    (sample_repo / "sessions" / "2026-11-16.md").open("a").write("- [ ] @ana One more\n")
    done = run(sample_repo, "commit", "-m", "x", env={"GIT_CONFIG_GLOBAL": str(empty)})
    assert done.returncode == 1
    assert "git config --global user.email you@example.com" in done.stderr


def test_clone_says_what_to_do_when_there_is_no_journal(tmp_path: Path) -> None:
    """An empty repository, one whose HEAD names no branch, and one that is no journal:
    each clone's next step says what it found (was: `cd X && mj status`, which fails)."""
    empty = tmp_path / "empty.git"
    git(tmp_path, "init", "-q", "--bare", str(empty))
    other = make_repo(tmp_path / "other")
    (other / "README").write_text("not a journal\n")
    git(other, "add", "README")
    git(other, "commit", "-q", "-m", "readme")
    odd = tmp_path / "odd.git"
    git(tmp_path, "clone", "-q", "--bare", str(other), str(odd))
    git(odd, "symbolic-ref", "HEAD", "refs/heads/gone")
    said = {u.name: run(tmp_path, "clone", str(u), f"c-{u.name}") for u in (empty, other, odd)}
    assert [done.returncode for done in said.values()] == [0, 0, 0], said
    assert "the repository is empty: start the journal with `mj init" in said["empty.git"].stdout
    assert "no agreement.md at its top, so it is no journal" in said["other"].stdout
    assert "Its branches: main;" in said["odd.git"].stdout
    # The same clone made with plain git: status names the branch, not `mj init`.
    git(tmp_path, "clone", "-q", str(odd), "plain")
    status = run(tmp_path / "plain", "status")
    assert status.returncode == 1 and "switch main`" in status.stderr
    assert "mj init" not in status.stderr


def test_a_git_file_naming_no_directory_makes_none(tmp_path: Path, sample_repo: Path) -> None:
    """A `.git` file whose gitdir does not exist is no repository, as git says, and mj
    creates no cache folder at the path it names (it did: /nonexistent/x/mentorjournal)."""
    (sample_repo / ".git").rename(tmp_path / "moved.git")
    named = tmp_path / "nowhere" / "x"
    (sample_repo / ".git").write_text(f"gitdir: {named}\n")
    for args in (["status"], ["validate"], ["summary"]):
        assert run(sample_repo, *args, env={"MJ_TODAY": "2026-11-21"}).returncode == 0
    staged = run(sample_repo, "validate", "--staged")
    assert staged.returncode == 1 and "is not in one" in staged.stderr
    assert not (tmp_path / "nowhere").exists()


def test_a_garbage_git_config_count_is_git_words(tmp_path: Path) -> None:
    done = run(tmp_path, "clone", str(tmp_path / "x"), env={"GIT_CONFIG_COUNT": "abc"})
    assert done.returncode == 1 and "bogus count in GIT_CONFIG_COUNT" in done.stderr


def test_a_folder_deleted_under_mj_is_said_not_a_traceback(tmp_path: Path) -> None:
    """The folder a shell is in can be deleted from another terminal; mj then has no
    current folder. Each way in says so (fast path and click), and -C with a full
    path still works."""
    journal = make_journal(tmp_path / "j")
    gone = tmp_path / "gone"
    for args in (["status"], ["validate"], ["summary"], ["-C", str(journal), "commit"]):
        gone.mkdir()
        argv = [sys.executable, "-m", "mentorjournal", *args]
        done = subprocess.run(
            ["sh", "-c", 'cd "$1" && rmdir "$1" && shift && exec "$@"', "sh", str(gone), *argv],
            capture_output=True, text=True, timeout=TIMEOUT, check=False,
        )  # fmt: skip
        assert "Traceback" not in done.stderr, done.stderr
        if args[0] == "-C":
            assert "nothing to commit" in done.stderr
        else:
            assert done.returncode == 1 and "no longer exists" in done.stderr
