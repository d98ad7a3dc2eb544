"""`mj commit` writes the commit itself (commit-tree, update-ref) when git commit would
do nothing more, and the commit is the one `git commit` writes; otherwise git commits."""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest
from conftest import mj
from gitutil import AGREEMENT, git, git_sandbox, make_journal, make_repo, write  # noqa: F401
from sshutil import make_key

from mentorjournal.errors import MjError
from mentorjournal.git import commitwriter

pytestmark = pytest.mark.usefixtures("git_sandbox")

NOTE = "---\ndate: 2025-07-18\nattendees: [ana, ben]\n---\n# Notes\n\n- [ ] @ana Draft it\n"
# Fixed times and identity: two commits of the same tree, parent and message are then
# the same object, sha for sha.
SAME_TIME = {
    "GIT_AUTHOR_DATE": "2025-07-18T10:00:00+02:00",
    "GIT_COMMITTER_DATE": "2025-07-18T10:00:00+02:00",
    "GIT_AUTHOR_NAME": "Ana Mentee",
    "GIT_AUTHOR_EMAIL": "ana@example.org",
    "GIT_COMMITTER_NAME": "Ana Mentee",
    "GIT_COMMITTER_EMAIL": "ana@example.org",
}


def _hook(repo: Path, name: str, body: str = "exit 0") -> Path:
    hook = repo / ".git" / "hooks" / name
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(f"#!/bin/sh\n{body}\n")
    hook.chmod(0o755)
    return hook


def _mj_commit(repo: Path, message: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Run `mj commit`; whether mj wrote the commit itself (rather than git commit)."""
    for name, value in SAME_TIME.items():
        monkeypatch.setenv(name, value)
    written: list[str] = []
    commit_tree = commitwriter._commit_tree

    def noted(*args: object) -> str:
        written.append(commit_tree(*args))  # type: ignore[arg-type]
        return written[-1]

    monkeypatch.setattr(commitwriter, "_commit_tree", noted)
    result = mj("commit", "-m", message, cwd=repo)
    assert result.exit_code == 0, result.output
    return bool(written)


def _pair(tmp_path: Path, *, unborn: bool = False) -> tuple[Path, Path]:
    """Two repositories in the same state, each with mj's hook, one note to commit."""
    repos = []
    for name in ("plumbing", "porcelain"):
        repo = make_repo(tmp_path / name) if unborn else make_journal(tmp_path / name)
        if unborn:  # the agreement staged by hand: an index, and no commit yet
            write(repo, "agreement.md", AGREEMENT)
            git(repo, "add", "--", "agreement.md")
        assert mj("hook", "install", cwd=repo).exit_code == 0
        write(repo, "sessions/2025-07-18.md", NOTE)
        repos.append(repo)
    return repos[0], repos[1]


@pytest.mark.parametrize("unborn", [False, True])
def test_mj_writes_the_commit_git_commit_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unborn: bool
) -> None:
    """The same commit object (sha), HEAD and branch reflogs worded alike, on a branch
    with history and on an unborn one; a commit-msg hook makes git commit the second."""
    plumbing, porcelain = _pair(tmp_path, unborn=unborn)
    # None of the settings set at all: git config then answers nothing, with exit code 1.
    git(plumbing, "config", "--global", "--unset", "commit.gpgsign")
    for repo in (plumbing, porcelain):
        git(repo, "config", "--unset", "commit.gpgsign")
    assert not git(plumbing, "config", "--get-regexp", "commit", check=False)
    if not unborn:  # one parent for both: the first commits must be the same object
        first = git(porcelain, "rev-parse", "HEAD").strip()
        git(plumbing, "fetch", "-q", str(porcelain), "main")
        git(plumbing, "reset", "-q", "--soft", first)
    ran = tmp_path / "commit-msg-ran"
    _hook(porcelain, "commit-msg", f"touch '{ran}'")
    message = "  Plan the portfolio  \n\n\n\nwith   \t\ntrailing space\n\n"
    assert _mj_commit(plumbing, message, monkeypatch)
    assert not _mj_commit(porcelain, message, monkeypatch)
    assert ran.exists()  # git commit ran, and with it the hook
    assert git(plumbing, "rev-parse", "HEAD") == git(porcelain, "rev-parse", "HEAD")
    for ref in ("HEAD", "main"):
        said = [git(r, "reflog", "show", "--format=%gs", ref).splitlines()[0] for r in (
            plumbing, porcelain)]  # fmt: skip
        assert said[0] == said[1]
        assert said[0].startswith("commit (initial): " if unborn else "commit: ")
    assert git(plumbing, "status", "--porcelain") == git(porcelain, "status", "--porcelain")


@pytest.mark.parametrize(
    "hook", ["prepare-commit-msg", "commit-msg", "post-commit", "pre-commit.before-mj"]
)
def test_any_other_hook_makes_git_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hook: str
) -> None:
    repo = make_journal(tmp_path / "repo")
    assert mj("hook", "install", cwd=repo).exit_code == 0
    ran = tmp_path / "ran"
    _hook(repo, hook, f"touch '{ran}'")
    write(repo, "sessions/2025-07-18.md", NOTE)
    assert not _mj_commit(repo, "With a hook", monkeypatch)
    assert ran.exists()
    assert git(repo, "log", "-1", "--format=%s").strip() == "With a hook"


def test_a_signing_setting_makes_git_commit_and_the_commit_is_signed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_journal(tmp_path / "repo")
    key = make_key(tmp_path / "keys", "ana")
    git(repo, "config", "gpg.format", "ssh")
    git(repo, "config", "user.signingkey", str(key))
    git(repo, "config", "commit.gpgsign", "true")
    write(repo, "sessions/2025-07-18.md", NOTE)
    assert not _mj_commit(repo, "Signed", monkeypatch)
    assert "-----BEGIN SSH SIGNATURE-----" in git(repo, "cat-file", "commit", "HEAD")


def test_a_hooks_path_makes_git_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_journal(tmp_path / "repo")
    hooks = tmp_path / "elsewhere"
    ran = tmp_path / "ran"
    hooks.mkdir()
    (hooks / "post-commit").write_text(f"#!/bin/sh\ntouch '{ran}'\n")
    (hooks / "post-commit").chmod(0o755)
    git(repo, "config", "core.hooksPath", str(hooks))
    write(repo, "sessions/2025-07-18.md", NOTE)
    assert not _mj_commit(repo, "Hooks elsewhere", monkeypatch)
    assert ran.exists()


def test_a_branch_moved_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    """The branch moves only from the parent the check saw (update-ref's old value)."""
    repo = make_journal(tmp_path / "repo")
    old = git(repo, "rev-parse", "HEAD").strip()
    tree = git(repo, "rev-parse", "HEAD^{tree}").strip()
    write(repo, "sessions/2025-07-18.md", NOTE)
    git(repo, "add", "--", "sessions/2025-07-18.md")
    git(repo, "commit", "-q", "-m", "Someone else's commit")
    moved = git(repo, "rev-parse", "HEAD").strip()
    with pytest.raises(MjError, match="could not move HEAD"):
        commitwriter._commit_tree(repo, "Stale", tree, old)
    assert git(repo, "rev-parse", "HEAD").strip() == moved
    with pytest.raises(MjError, match="could not move HEAD"):  # an unborn branch that was born
        commitwriter._commit_tree(repo, "Stale", tree, None)


def test_stripspace_is_gits(tmp_path: Path) -> None:
    """Against `git stripspace` itself, on random text made of the characters that
    matter (spaces, tabs, carriage returns, blank lines, a form feed git keeps)."""
    rng = random.Random(11)
    pieces = ["a", "b c", " ", "\t", "\r", "\n", "\n\n", "\f", "  x  ", "#", "é"]
    cases = ["", "\n\n", "one", "  lead\n\n\nmid  \n\n", "a\r\nb\r\n"]
    cases += ["".join(rng.choice(pieces) for _ in range(rng.randrange(30))) for _ in range(300)]
    for text in cases:
        expected = subprocess.run(
            ["git", "stripspace"], input=text.encode(), capture_output=True, check=True,
            env={**os.environ, "LC_ALL": "C"}, timeout=30,
        ).stdout.decode()  # fmt: skip
        assert commitwriter.stripspace(text) == expected, repr(text)


def test_a_refused_update_is_said_once_and_nothing_is_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reference-transaction hook that refuses the first update: mj says git's words
    and commits nothing (it never asks a second time, which could succeed)."""
    repo = make_journal(tmp_path / "repo")
    assert mj("hook", "install", cwd=repo).exit_code == 0
    before = git(repo, "rev-parse", "HEAD")
    marker = tmp_path / "refused-once"
    _hook(
        repo,
        "reference-transaction",
        f'[ "$1" = prepared ] || exit 0\n[ -e "{marker}" ] && exit 0\n'
        f'touch "{marker}"; echo "busy right now" >&2; exit 1',
    )
    write(repo, "sessions/2025-07-18.md", NOTE)
    for name, value in SAME_TIME.items():
        monkeypatch.setenv(name, value)
    result = mj("commit", "-m", "Refused", cwd=repo)
    assert result.exit_code == 1
    assert "could not move HEAD" in result.output and "busy right now" in result.output
    assert git(repo, "rev-parse", "HEAD") == before
    assert "A  sessions/2025-07-18.md" in git(repo, "status", "--porcelain")  # still staged


def test_after_a_squash_merge_git_commits_and_gives_back_the_stashed_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`git merge --squash --autostash` leaves SQUASH_MSG and the user's stashed edits
    (MERGE_AUTOSTASH) for git commit to finish: mj lets git commit."""
    repo = make_journal(tmp_path / "repo")
    assert mj("hook", "install", cwd=repo).exit_code == 0
    git(repo, "checkout", "-q", "-b", "other")
    write(repo, "sessions/2025-07-18.md", NOTE)
    git(repo, "add", "--", "sessions/2025-07-18.md")
    git(repo, "commit", "-q", "-m", "other")
    git(repo, "checkout", "-q", "main")
    write(repo, "notes.txt", "local\n")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-q", "-m", "notes")
    write(repo, "notes.txt", "local\ndirty\n")
    git(repo, "merge", "-q", "--squash", "--autostash", "other")
    assert (repo / ".git" / "MERGE_AUTOSTASH").exists()
    write(repo, "sessions/2025-07-18.md", NOTE + "- [ ] @ben Another\n")
    assert not _mj_commit(repo, "Squashed", monkeypatch)
    assert (repo / "notes.txt").read_text() == "local\ndirty\n"  # the edit is back
    assert not (repo / ".git" / "SQUASH_MSG").exists()
    assert not (repo / ".git" / "MERGE_AUTOSTASH").exists()


def test_a_relative_git_dir_is_read_from_where_mj_was_started(tmp_path: Path) -> None:
    """`cd sessions && GIT_DIR=../.git mj commit`: git would read the relative path from
    the journal's root, where mj runs it; mj reads it from where it was started, as git
    itself does (the console script, and the click CLI it falls back to)."""
    import sys

    repo = make_journal(tmp_path / "j")
    write(repo, "sessions/2025-07-18.md", NOTE)
    console = Path(sys.executable).with_name("mj")
    env = {**os.environ, "GIT_DIR": "../.git", "GIT_WORK_TREE": ".."}
    for args in (("commit", "-m", "From a subfolder"), ("status", "--json")):
        done = subprocess.run(
            [str(console), *args],
            cwd=repo / "sessions",
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
    assert git(repo, "log", "-1", "--format=%s").strip() == "From a subfolder"
    assert "sessions/2025-07-18.md" in git(repo, "show", "--name-only", "--format=", "HEAD")
