"""`mj commit` against real repositories: what it stages, what it says, when it refuses."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import mj
from gitutil import (  # noqa: F401  (git_sandbox is a fixture)
    AGREEMENT,
    MENTEE,
    commit_files,
    git,
    git_sandbox,
    head,
    make_journal,
    make_repo,
    repo_state,
    snapshot,
    write,
)

from mentorjournal.reports.changes import commit_message, journal_changes

pytestmark = pytest.mark.usefixtures("git_sandbox")

SESSION = """\
---
date: {date}
attendees: [ana, ben]
---
# Notes

{items}
"""
GOAL = """\
---
title: A portfolio that gets interviews
status: {status}
opened: 2025-07-01
success: Site live with 3 case studies
---
- [ ] Case study 1
"""


def _session(date: str, *items: str) -> str:
    return SESSION.format(date=date, items="\n".join(items))


def _files_in(repo: Path, rev: str = "HEAD") -> set[str]:
    return set(git(repo, "ls-tree", "-r", "--name-only", rev).split())


def _message(repo: Path) -> str:
    return git(repo, "log", "-1", "--format=%B").strip()


# --------------------------------------------------------------------------- staging


def test_commit_stages_journal_files_only(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18", "- [ ] @ana Read chapter 3"))
    write(repo, "goals/portfolio.md", GOAL.format(status="active"))
    write(repo, "secrets.env", "TOKEN=hunter2\n")
    write(repo, "private/notes.md", "---\ntype: session\n---\nonly mine\n")
    write(repo, "notes.txt", "scratch\n")
    write(repo, "sessions/draft.txt", "not a session\n")

    result = mj("commit", cwd=repo)

    assert result.exit_code == 0, result.output
    assert _files_in(repo) == {"agreement.md", "sessions/2025-07-18.md", "goals/portfolio.md"}
    status = git(repo, "status", "--porcelain", "--untracked-files=all")
    for untracked in ("secrets.env", "notes.txt", "sessions/draft.txt"):
        assert f"?? {untracked}" in status
    assert "private" not in git(repo, "ls-files")
    assert _message(repo) == ("Add session 2025-07-18 (1 action); add goal portfolio (active)")


def test_commit_stages_deletions_and_mj_managed_files(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    commit_files(
        repo,
        {"sessions/2025-07-04.md": _session("2025-07-04", "- [ ] @ana Say hello")},
        "Kickoff",
    )
    (repo / "sessions" / "2025-07-04.md").unlink()
    write(repo, ".gitignore", "private/\n")
    write(repo, "goals/.gitkeep", "")

    assert mj("commit", cwd=repo).exit_code == 0
    assert _files_in(repo) == {"agreement.md", ".gitignore", "goals/.gitkeep"}
    assert _message(repo).startswith("Remove session 2025-07-04")
    # A folder's placeholder is named as the folder.
    assert _message(repo).splitlines()[0] == "Remove session 2025-07-04; add .gitignore; add goals/"


def test_a_removed_placeholder_is_named_as_the_file_not_its_folder(tmp_path: Path) -> None:
    # An added placeholder makes the folder, but removing it (once the folder holds notes)
    # removes no folder: "Remove goals/" would tell the other person their goals went.
    repo = make_journal(tmp_path / "j")
    commit_files(repo, {"goals/.gitkeep": ""}, "Placeholder")
    (repo / "goals" / ".gitkeep").unlink()
    assert mj("commit", cwd=repo).exit_code == 0
    assert _message(repo) == "Remove goals/.gitkeep"


def test_deleting_mjs_gitignore_or_gitattributes_is_committed(tmp_path: Path) -> None:
    # Once deleted there is nothing to read to tell mj's from another: tracked, so staged.
    repo = make_journal(tmp_path / "j")
    commit_files(repo, {".gitignore": "private/\n", ".gitattributes": "*.log -diff\n"}, "mine")
    (repo / ".gitignore").unlink()
    (repo / ".gitattributes").unlink()
    assert mj("commit", cwd=repo).exit_code == 0
    assert _files_in(repo) == {"agreement.md"}


def test_a_journal_in_a_folder_commits_with_what_was_staged_outside_it(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "program")
    write(repo, "pairs/ana-ben/agreement.md", AGREEMENT)
    write(repo, "README.md", "# Program\n")
    git(repo, "add", "--", "README.md")
    result = mj("commit", cwd=repo / "pairs" / "ana-ben")
    assert result.exit_code == 0, result.output
    assert _message(repo) == "Add the agreement; also README.md"
    assert _files_in(repo) == {"README.md", "pairs/ana-ben/agreement.md"}


def test_commit_outside_git_and_before_gits_first_index_say_what_to_do(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    write(plain, "agreement.md", AGREEMENT)
    result = mj("commit", cwd=plain)
    assert result.exit_code == 1
    assert f"{plain} is not in a git repository: run `git init` there" in result.output
    # A fresh repository (no index file yet) whose only note git ignores.
    repo = make_repo(tmp_path / "fresh")
    write(repo, "agreement.md", AGREEMENT)
    write(repo, ".gitignore", "*.md\n")
    result = mj("commit", cwd=repo)
    said = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "nothing to commit, but git ignores agreement.md (.gitignore:1: *.md)" in said
    assert not (repo / ".git" / "index").exists()


def test_a_foreign_gitignore_is_not_staged(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    write(repo, ".gitignore", "*.log\n")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18"))
    assert mj("commit", cwd=repo).exit_code == 0
    assert ".gitignore" not in _files_in(repo)


def test_editor_files_and_symlinks_are_never_staged(tmp_path: Path) -> None:
    """Emacs' lock symlink and autosave, vim's swap files and write test, backups, and
    any symlink: none is a journal file, whatever its name ends with."""
    repo = make_journal(tmp_path / "j")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18", "- [ ] @ana Read chapter 3"))
    sessions = repo / "sessions"
    (sessions / ".#2025-07-18.md").symlink_to("ana@laptop.4242:1700000000")
    for name in ("#2025-07-18.md#", ".2025-07-18.md.swp", ".2025-07-18.md.swo", "4913"):
        write(repo, f"sessions/{name}", "editor bytes\n")
    write(repo, "sessions/2025-07-18.md~", _session("2025-07-18"))
    (sessions / "2025-07-19.md").symlink_to("2025-07-18.md")
    (repo / "goals").symlink_to(tmp_path)

    result = mj("commit", cwd=repo)

    assert result.exit_code == 0, result.output
    assert _files_in(repo) == {"agreement.md", "sessions/2025-07-18.md"}
    assert git(repo, "diff", "--cached", "--name-only") == ""


def test_a_symlink_staged_by_hand_is_refused_by_commit_and_hook(tmp_path: Path) -> None:
    from mentorjournal.git import hook

    repo = make_journal(tmp_path / "j")
    hook.install(repo)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / "goals").symlink_to(elsewhere)
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18"))
    (repo / "sessions" / "2025-07-19.md").symlink_to("2025-07-18.md")
    git(repo, "add", "--", "goals", "sessions")

    output = _refused(repo, "not committed")
    assert "goals:1:1: error[symlink-staged]" in output
    assert "sessions/2025-07-19.md:1:1: error[symlink-staged]" in output
    run = subprocess.run(
        ["git", "commit", "-q", "-m", "links"], cwd=repo, capture_output=True, text=True, timeout=60
    )
    assert run.returncode != 0 and "symlink-staged" in run.stdout + run.stderr
    assert len(git(repo, "log", "--format=%H").split()) == 1


def test_user_message_is_the_subject_and_the_summary_the_body(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18"))
    result = mj("commit", "-m", "First real session", cwd=repo)
    assert result.exit_code == 0, result.output
    assert _message(repo) == "First real session\n\n- add session 2025-07-18"


def test_generated_message_says_what_changed(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    commit_files(
        repo,
        {
            "goals/portfolio.md": GOAL.format(status="active"),
            "sessions/2025-09-01.md": _session(
                "2025-09-01", "- [ ] @ana Draft case study", "- [ ] @ben Send intro", "- [ ] @ana X"
            ),
        },
        "Earlier work",
    )
    write(
        repo,
        "sessions/2025-09-01.md",
        _session(
            "2025-09-01",
            "- [x] @ana Draft case study done:2025-09-10",
            "- [x] @ben Send intro",
            "- [ ] @ana X",
        ),
    )
    write(repo, "goals/portfolio.md", GOAL.format(status="achieved"))
    write(repo, "agreement.md", AGREEMENT.replace("every: biweekly", "every: monthly"))
    write(
        repo,
        "sessions/2025-09-15.md",
        _session("2025-09-15", "- [ ] @ana One", "- [ ] @ana Two", "- [ ] @ben Three"),
    )

    result = mj("commit", cwd=repo)

    assert result.exit_code == 0, result.output
    assert _message(repo) == (
        "Add session 2025-09-15 (3 actions); tick: Draft case study; Send intro; goal "
        "portfolio: active -> achieved; and 1 more\n\n"
        "- add session 2025-09-15 (3 actions)\n"
        "- tick: Draft case study\n"
        "- tick: Send intro\n"
        "- goal portfolio: active -> achieved\n"
        "- agreement: cadence.every biweekly -> monthly"
    )
    assert "committed" in result.output


def _ticked(repo: Path, texts: list[str], day: str = "2025-09-01", **meta: str) -> None:
    """A session with ``texts`` as open items, committed, then all of them ticked."""
    front = "".join(f"{key}: {value}\n" for key, value in meta.items())
    open_items = [f"- [ ] @ana {text}" for text in texts]
    note = f"sessions/{day}.md"
    commit_files(
        repo, {note: _session(day, *open_items).replace("---\n#", front + "---\n#", 1)}, "s"
    )
    write(repo, note, (repo / note).read_text().replace("- [ ]", "- [x]"))


def test_ticks_are_named(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    _ticked(repo, ["Draft case study 1", "Send the intro"])
    result = mj("commit", cwd=repo)
    assert result.exit_code == 0, result.output
    assert _message(repo) == "Tick: Draft case study 1; Send the intro"
    assert (
        "committed" in result.output and "Tick: Draft case study 1; Send the intro" in result.output
    )


def test_a_new_due_date_is_named(tmp_path: Path) -> None:
    """`mj due` then `mj commit`: the message says which item got which date (found by
    a newcomer's trial: it said "Update the journal"), and a confidential session's
    item is counted, not named."""
    repo = make_journal(tmp_path / "j")
    note = "sessions/2025-09-01.md"
    items = ("- [ ] @ana Send the outline due:2025-09-10", "- [ ] @ana Book the room")
    commit_files(repo, {note: _session("2025-09-01", *items)}, "s")
    text = (repo / note).read_text()
    write(repo, note, text.replace("due:2025-09-10", "due:2025-09-17"))
    assert mj("commit", cwd=repo).exit_code == 0
    assert _message(repo) == "Re-date: Send the outline -> 2025-09-17"
    secret = "sessions/2025-09-02.md"
    hidden = _session("2025-09-02", "- [ ] @ana SECRETCANARY due:2025-09-10")
    commit_files(repo, {secret: hidden.replace("---\n#", "confidential: true\n---\n#", 1)}, "c")
    write(repo, secret, (repo / secret).read_text().replace("2025-09-10", "2025-09-12"))
    write(
        repo,
        note,
        (repo / note).read_text().replace("Book the room", "Book the room due:2025-09-20"),
    )
    assert mj("commit", cwd=repo).exit_code == 0
    message = _message(repo)
    assert "SECRETCANARY" not in message
    assert message.startswith("Re-date: Book the room -> 2025-09-20 and 1 more")
    assert "- re-date 1 action in a confidential session" in message
    # A done date written again (a tick dated wrong) is named too.
    write(repo, note, (repo / note).read_text().replace("- [ ] @ana Send", "- [x] @ana Send"))
    assert mj("commit", cwd=repo).exit_code == 0
    done = (repo / note).read_text().replace("[x] @ana Send", "[x] @ana Send done:2025-09-11")
    write(repo, note, done)
    assert mj("commit", cwd=repo).exit_code == 0
    assert _message(repo) == "Re-date: Send the outline done 2025-09-11"


def test_many_ticks_name_the_first_and_list_all_in_the_body(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    texts = [f"Read chapter {n} of the design systems book" for n in range(1, 13)]
    _ticked(repo, texts)
    assert mj("commit", cwd=repo).exit_code == 0
    subject, _, body = _message(repo).partition("\n\n")
    assert subject.startswith("Tick: Read chapter 1 of the design systems book; Read chapter 2")
    shown = subject.count("Read chapter")
    assert subject.endswith(f" and {12 - shown} more") and 12 - shown > 0
    assert body.split("\n") == [f"- tick: {text}" for text in texts]
    for words in ("and 0 more", "(s)"):
        assert words not in _message(repo)


def test_a_confidential_sessions_items_are_counted_not_named(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    _ticked(repo, ["Talk to HR about the SECRETCANARY"], confidential="true")
    _ticked(repo, ["Send the intro"], day="2025-09-02")
    assert mj("commit", cwd=repo).exit_code == 0
    message = _message(repo)
    assert "SECRETCANARY" not in message
    assert message.startswith("Tick: Send the intro and 1 more")
    assert "- tick 1 action in a confidential session" in message


def test_long_messages_keep_a_short_subject() -> None:
    after = {
        f"sessions/2025-07-{day:02d}.md": _session(f"2025-07-{day:02d}").encode()
        for day in range(1, 20)
    }
    message = commit_message(journal_changes({}, after))
    subject, _, body = message.partition("\n\n")
    assert len(subject) <= 140
    assert subject.endswith("more")
    assert body.count("- add session") == 19


def test_files_the_user_staged_go_along_and_are_named(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    write(repo, "README.md", "# Our journal\n")
    git(repo, "add", "--", "README.md")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18"))
    assert mj("commit", cwd=repo).exit_code == 0
    assert "README.md" in _files_in(repo)
    assert "add README.md" in _message(repo)


# --------------------------------------------------------------------------- refusals


def _git_entries(repo: Path) -> list[str]:
    # .git/mentorjournal/ is mj's read cache, which any command may fill: not git's state.
    return sorted(p.name for p in (repo / ".git").iterdir() if p.name != "mentorjournal")


def _state(repo: Path) -> tuple[object, ...]:
    """`repo_state` that also works on a detached HEAD (mid-rebase), plus git's own state."""
    if git(repo, "symbolic-ref", "-q", "HEAD", check=False):
        return (*repo_state(repo), _git_entries(repo))
    return (head(repo), git(repo, "ls-files", "-s"), snapshot(repo), _git_entries(repo))


def _refused(repo: Path, *needles: str) -> str:
    before = _state(repo)
    result = mj("commit", cwd=repo)
    assert result.exit_code == 1, result.output
    for needle in needles:
        assert needle in result.output
    assert _state(repo) == before
    return result.output


def test_refuses_a_journal_with_errors_and_lists_them(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    write(
        repo,
        "sessions/2025-07-18.md",
        SESSION.format(date="2025-07-18", items="").replace("[ana, ben]", "[zed]"),
    )
    output = _refused(repo, "not committed")
    assert "sessions/2025-07-18.md:3:" in output
    assert "error[unknown-person]" in output


def test_errors_in_private_notes_do_not_block(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    write(repo, "private/sessions/2025-07-18.md", "no front matter\n")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18"))
    assert mj("commit", cwd=repo).exit_code == 0


def test_refuses_staged_private_notes(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    write(repo, "private/notes.md", "mine\n")
    git(repo, "add", "-f", "--", "private/notes.md")
    _refused(repo, "private/notes.md", "git restore --staged")


def test_refuses_when_nothing_changed(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    write(repo, "secrets.env", "x\n")
    said = " ".join(_refused(repo, "nothing to commit").split())
    assert "secrets.env" not in said  # untracked: never suggested


def test_a_changed_file_that_is_no_journal_file_is_named_with_the_way_to_commit_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_journal(tmp_path / "j")
    commit_files(repo, {"README.md": "# Ours\n"}, "readme")
    write(repo, "README.md", "# Ours, edited\n")
    monkeypatch.chdir(repo)
    said = " ".join(_refused(repo, "nothing to commit").split())
    assert "README.md changed, but `mj commit` records only the journal's files" in said
    assert "(`git commit -- README.md`)" in said
    # The command runs where the user is: from a folder inside the journal, or outside.
    (repo / "goals").mkdir(exist_ok=True)
    monkeypatch.chdir(repo / "goals")
    assert "(`git commit -- ../README.md`)" in _refused(repo)
    monkeypatch.chdir(tmp_path)
    assert "(`git -C j commit -- README.md`)" in _refused(repo)
    # `mj -C j commit` from a folder since removed: no path from there, so the journal's
    # own (it was a FileNotFoundError traceback from Path.cwd).
    (tmp_path / "gone").mkdir()
    monkeypatch.chdir(tmp_path / "gone")
    (tmp_path / "gone").rmdir()
    assert f"(`git -C {repo} commit -- README.md`)" in _refused(repo)
    monkeypatch.chdir(repo)
    # The command runs as shown: every path, quoted where the shell needs it.
    names = ["my notes.txt", "a.txt", "b.txt", "c.txt"]
    commit_files(repo, dict.fromkeys(names, "x\n"), "more")
    for name in names:
        write(repo, name, "y\n")
    said = " ".join(_refused(repo, "nothing to commit").split())
    assert "and 2 more changed" in said and "..." not in said
    assert "git commit -- README.md a.txt b.txt c.txt 'my notes.txt'`" in said


def test_a_refused_commit_names_gits_reason_not_the_checks_warnings(tmp_path: Path) -> None:
    # A hook of the user's own prints mj's warnings (eight items with no owner) and
    # passes; then commit-msg refuses. The error is that refusal, not six warnings.
    repo = make_journal(tmp_path / "j")
    hooks = repo / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    for name, script in {
        "pre-commit": f'exec "{sys.executable}" -m mentorjournal validate --staged\n',
        "commit-msg": "echo 'commit message must name a ticket'\nexit 1\n",
    }.items():
        (hooks / name).write_text("#!/bin/sh\n" + script)
        (hooks / name).chmod(0o755)
    items = [f"- [ ] Read chapter {n}" for n in range(8)]
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18", *items))

    result = mj("commit", cwd=repo)

    assert result.exit_code != 0
    reason = result.output.split("git commit failed in", 1)[1]
    assert "commit message must name a ticket" in reason
    assert "warning" not in reason


def test_refuses_with_index_lock_and_never_deletes_it(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18"))
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"")
    _refused(repo, "index.lock")
    assert lock.exists()


def test_refuses_on_a_detached_head(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    git(repo, "checkout", "--quiet", "--detach")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18"))
    output = _refused(repo, "detached")
    assert "git switch" in output


def _diverge(repo: Path) -> str:
    """A side branch and main both change the purpose line; return the side's sha."""
    git(repo, "switch", "--quiet", "-c", "side")
    side = commit_files(
        repo, {"agreement.md": AGREEMENT.replace("Grow Ana", "Help Ana")}, "Side purpose"
    )
    git(repo, "switch", "--quiet", "main")
    commit_files(repo, {"agreement.md": AGREEMENT.replace("Grow Ana", "Coach Ana")}, "Ours")
    return side


@pytest.mark.parametrize(
    ("start", "needle"),
    [
        (["merge", "side"], "a merge is in progress"),
        (["rebase", "side"], "a rebase is in progress"),
        (["cherry-pick", "SIDE"], "a cherry-pick is in progress"),
        (["revert", "--no-edit", "HEAD"], "a revert is in progress"),
    ],
)
def test_refuses_during_an_unfinished_operation(
    tmp_path: Path, start: list[str], needle: str
) -> None:
    repo = make_journal(tmp_path / "j")
    side = _diverge(repo)
    if start[0] == "revert":
        commit_files(repo, {"agreement.md": AGREEMENT.replace("Grow Ana", "Lead Ana")}, "Again")
        start = ["revert", "--no-edit", "HEAD~1"]
    args = [side if arg == "SIDE" else arg for arg in start]
    assert git(repo, *args, check=False, identity=MENTEE) is not None
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18"))
    _refused(repo, needle)


# --------------------------------------------------------------------------- Ctrl-C


def _many_files_journal(path: Path) -> Path:
    repo = make_journal(path)
    for day in range(1, 29):
        for month in range(1, 13):
            write(
                repo,
                f"sessions/2024-{month:02d}-{day:02d}.md",
                _session(f"2024-{month:02d}-{day:02d}", "- [ ] @ana Something to do"),
            )
    from mentorjournal.git import hook

    hook.install(repo)  # the hook runs inside `git commit`, widening the window
    return repo


@pytest.mark.slow
def test_ctrl_c_during_commit_leaves_no_lock_and_no_partial_state(tmp_path: Path) -> None:
    template = _many_files_journal(tmp_path / "template")
    first = head(template)
    files = snapshot(template)
    outcomes: set[str] = set()
    for attempt, delay in enumerate((0.05, 0.3, 0.6, 0.9, 1.2, 1.6, 2.2)):
        repo = tmp_path / f"run{attempt}"
        shutil.copytree(template, repo, symlinks=True)
        from mentorjournal.git import hook

        hook.install(repo)
        proc = subprocess.Popen(
            [sys.executable, "-m", "mentorjournal", "commit"],
            cwd=repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=120)

        assert not (repo / ".git" / "index.lock").exists(), err
        assert snapshot(repo) == files
        assert b"Traceback" not in err or b"KeyboardInterrupt" in err
        if head(repo) == first:
            outcomes.add("none")
        else:
            # A complete commit: every session is in it and nothing is left over.
            assert git(repo, "status", "--porcelain") == ""
            assert len([p for p in _files_in(repo) if p.startswith("sessions/")]) == 28 * 12
            outcomes.add("complete")
        git(repo, "fsck", "--no-progress")
    assert outcomes  # at least one run reached a verdict


def test_commit_takes_the_index_it_checked_unless_the_index_changed(tmp_path: Path) -> None:
    """The trial index the check passed is put in place only while the index still
    holds what it was copied from; git's lock is respected."""
    from mentorjournal.git.writes import promote_index

    repo = make_journal(tmp_path / "j")
    index = repo / ".git" / "index"
    before = index.read_bytes()
    times = (0, 0)
    assert not promote_index(str(index), before + b"x", b"trial", times)  # changed meanwhile
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"")
    assert not promote_index(str(index), before, b"trial", times)  # git holds the lock
    assert lock.exists() and index.read_bytes() == before
    lock.unlink()

    write(repo, "README.md", "# ours\n")
    git(repo, "add", "--", "README.md")  # the user stages something as mj checks
    staged = git(repo, "ls-files", "-s")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18"))
    from mentorjournal.git.committing import commit_journal, plan_commit

    plan = plan_commit(repo)
    git(repo, "rm", "-q", "--cached", "--", "README.md")  # and unstages it again
    trial = plan.trial
    assert trial is not None
    assert not promote_index(trial.index, trial.before, trial.after, trial.times)
    commit_journal(plan)  # stages as usual instead
    assert _files_in(repo) >= {"sessions/2025-07-18.md"}
    assert "README.md" not in _files_in(repo) and "README.md" in staged


def test_the_checked_index_keeps_its_permissions_and_the_trials_times(tmp_path: Path) -> None:
    """As git writes an index: the mode it had (core.sharedRepository), and the time
    the trial was written, which git's racy check compares with each file's."""
    from mentorjournal.git.writes import promote_index

    repo = make_journal(tmp_path / "j")
    index = repo / ".git" / "index"
    index.chmod(0o664)
    past = (1_600_000_000 * 10**9, 1_600_000_000 * 10**9)
    before = index.read_bytes()
    assert promote_index(str(index), before, before, past)
    assert index.stat().st_mode & 0o777 == 0o664 and index.stat().st_mtime_ns == past[1]
    assert not (repo / ".git" / "index.lock").exists()


def test_a_killed_runs_trial_index_is_removed(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    left = repo / ".git" / "mentorjournal" / f"trial-index-{gone}"
    left.parent.mkdir(parents=True, exist_ok=True)
    left.write_bytes(b"a copy of an index")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18"))
    assert mj("commit", cwd=repo).exit_code == 0
    assert left.exists()  # young: maybe a live run that this host's pids do not show
    hours_ago = time.time() - 2 * 3600
    os.utime(left, (hours_ago, hours_ago))
    write(repo, "sessions/2025-07-19.md", _session("2025-07-19"))
    assert mj("commit", cwd=repo).exit_code == 0
    assert not left.exists()


def test_a_staged_removal_is_left_as_it_was_when_nothing_would_change(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    commit_files(repo, {"sessions/2025-07-18.md": _session("2025-07-18")}, "note")
    git(repo, "rm", "-q", "--cached", "--", "sessions/2025-07-18.md")
    staged = git(repo, "diff", "--cached", "--name-status")
    assert staged == "D\tsessions/2025-07-18.md\n"
    result = mj("commit", cwd=repo)
    assert result.exit_code == 1 and "nothing to commit" in result.output
    assert git(repo, "diff", "--cached", "--name-status") == staged


@pytest.mark.parametrize("shell", ["status | true", "commit | true", "status >&-"])
def test_the_fast_path_has_no_traceback_for_a_closed_output(tmp_path: Path, shell: str) -> None:
    repo = make_journal(tmp_path / "j")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18"))
    mj_exe = Path(sys.executable).parent / "mj"
    done = subprocess.run(["sh", "-c", f"'{mj_exe}' {shell}"], cwd=repo, capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr


def test_the_message_reads_what_git_stages_when_a_filter_changes_it(tmp_path: Path) -> None:
    """A note is read from disk for the message only when its bytes are the staged
    blob's; a clean filter makes them differ, and the message follows the staged text."""
    repo = make_journal(tmp_path / "j")
    # The clean filter adds an item to every session as git stages it.
    git(repo, "config", "filter.extra.clean", "sed 's/^# Notes$/# Notes\\n\\n- [ ] @ben Added/'")
    git(repo, "config", "filter.extra.smudge", "cat")
    write(repo, ".git/info/attributes", "sessions/*.md filter=extra\n")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18", "- [ ] @ana Draft"))
    result = mj("commit", cwd=repo)
    assert result.exit_code == 0, result.output
    assert "@ben Added" in git(repo, "show", "HEAD:sessions/2025-07-18.md")
    assert "(2 actions)" in _message(repo)


def test_mj_commit_says_why_when_its_folder_in_git_cannot_be_made(tmp_path: Path) -> None:
    """A file where .git/mentorjournal should be (or a folder mj may not write): the
    trial index cannot be made, and mj commit says so in words, changing nothing."""
    repo = make_journal(tmp_path / "j")
    (repo / ".git" / "mentorjournal").write_text("not a folder\n")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18", "- [ ] @ana Draft"))
    before = snapshot(repo)
    result = mj("commit", "-m", "one more", cwd=repo)
    assert result.exit_code == 1
    assert "cannot write mj's trial index in" in result.output
    assert "Traceback" not in result.output
    assert snapshot(repo) == before
