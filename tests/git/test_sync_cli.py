"""`mj commit` + `mj sync` between a mentor's and a mentee's clone of one bare remote."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import mj
from gitutil import (  # noqa: F401  (git_sandbox is a fixture)
    AGREEMENT,
    MENTEE,
    MENTOR,
    SharedRepo,
    commit_files,
    git,
    git_sandbox,
    head,
    make_journal,
    make_repo,
    make_shared,
    repo_state,
    write,
)

pytestmark = pytest.mark.usefixtures("git_sandbox")

SESSION = "---\ndate: {date}\nattendees: [ana, ben]\n---\n# {title}\n\n- [ ] @ana {title}\n"


def _session(date: str, title: str = "Notes") -> str:
    return SESSION.format(date=date, title=title)


def _ok(*args: str, cwd: Path) -> str:
    result = mj(*args, cwd=cwd)
    assert result.exit_code == 0, result.output
    return result.output


def _tracked(repo: Path) -> set[str]:
    return set(git(repo, "ls-files").split())


@pytest.fixture
def shared(tmp_path: Path) -> SharedRepo:
    return make_shared(tmp_path)


def test_both_sides_add_sessions_and_sync_both_ways(shared: SharedRepo) -> None:
    write(shared.mentor, "sessions/2025-07-18.md", _session("2025-07-18", "Mentor notes"))
    _ok("commit", cwd=shared.mentor)
    # Nothing came in, one commit went out: not "up to date", which reads as "nothing to do".
    assert _ok("sync", cwd=shared.mentor).splitlines()[-2:] == [
        "nothing new on origin/main",
        "1 commit pushed to origin/main",
    ]

    write(shared.mentee, "sessions/2025-08-01.md", _session("2025-08-01", "Mentee notes"))
    _ok("commit", cwd=shared.mentee)
    output = _ok("sync", cwd=shared.mentee)
    assert "pulled 1 commit from origin/main" in output
    assert "pushed to origin/main" in output

    assert "pulled" in _ok("sync", cwd=shared.mentor)
    for side in (shared.mentor, shared.mentee):
        assert {"sessions/2025-07-18.md", "sessions/2025-08-01.md"} <= _tracked(side)
    assert head(shared.mentor) == head(shared.mentee)
    authors = git(shared.mentor, "log", "--format=%an").split("\n")
    assert MENTOR.name in authors and MENTEE.name in authors
    assert "up to date" in _ok("sync", cwd=shared.mentee)


def test_same_day_sessions_with_different_slugs_merge_cleanly(shared: SharedRepo) -> None:
    write(shared.mentor, "sessions/2025-07-18-design.md", _session("2025-07-18", "Design"))
    write(shared.mentee, "sessions/2025-07-18-career.md", _session("2025-07-18", "Career"))
    for side in (shared.mentor, shared.mentee):
        _ok("commit", cwd=side)
        _ok("sync", cwd=side)
    _ok("sync", cwd=shared.mentor)
    wanted = {"sessions/2025-07-18-design.md", "sessions/2025-07-18-career.md"}
    assert wanted <= _tracked(shared.mentor) and wanted <= _tracked(shared.mentee)
    assert mj("validate", cwd=shared.mentee).exit_code == 0


def test_same_line_edit_stops_names_the_file_and_loses_nothing(shared: SharedRepo) -> None:
    theirs = AGREEMENT.replace("Grow Ana", "Coach Ana")
    ours = AGREEMENT.replace("Grow Ana", "Help Ana")
    write(shared.mentor, "agreement.md", theirs)
    _ok("commit", cwd=shared.mentor)
    _ok("sync", cwd=shared.mentor)

    write(shared.mentee, "agreement.md", ours)
    _ok("commit", "-m", "Our purpose", cwd=shared.mentee)
    before = repo_state(shared.mentee)

    result = mj("sync", cwd=shared.mentee)

    assert result.exit_code == 1
    assert "agreement.md" in result.output
    assert "stopped before changing anything" in result.output
    assert "git show origin/main:agreement.md" in result.output
    assert "mj sync --merge" in result.output and "without an editor" in result.output
    # Exactly as before: branch, HEAD, index, every working-tree byte; no merge begun.
    assert repo_state(shared.mentee) == before
    assert not (shared.mentee / ".git" / "MERGE_HEAD").exists()
    # Both versions are recoverable.
    assert git(shared.mentee, "show", "HEAD:agreement.md") == ours
    assert git(shared.mentee, "show", "origin/main:agreement.md") == theirs
    # The remote still has only the mentor's version.
    assert git(shared.remote, "show", "main:agreement.md") == theirs
    # Following the printed advice finishes the job.
    git(shared.mentee, "merge", "origin/main", check=False)
    write(shared.mentee, "agreement.md", AGREEMENT.replace("Grow Ana", "Coach and help Ana"))
    assert mj("commit", cwd=shared.mentee).exit_code == 1  # mid-merge: git finishes it
    git(shared.mentee, "add", "--", "agreement.md")
    git(shared.mentee, "commit", "--quiet", "--no-edit")
    _ok("sync", cwd=shared.mentee)
    _ok("sync", cwd=shared.mentor)
    assert "Coach and help Ana" in (shared.mentor / "agreement.md").read_text()


def test_sync_refuses_uncommitted_journal_work(shared: SharedRepo) -> None:
    write(shared.mentee, "sessions/2025-08-01.md", _session("2025-08-01"))
    before = repo_state(shared.mentee)
    result = mj("sync", cwd=shared.mentee)
    assert result.exit_code == 1
    assert "mj commit" in result.output
    assert repo_state(shared.mentee) == before


def test_first_sync_sets_the_upstream(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    repo = make_journal(tmp_path / "j")
    git(repo, "remote", "add", "origin", str(remote))
    output = _ok("sync", cwd=repo)
    assert output.splitlines()[-1] == "1 commit pushed to origin/main (now its upstream)"
    assert "up to date" not in output  # origin/main did not exist before this push
    assert git(repo, "rev-parse", "--abbrev-ref", "main@{upstream}").strip() == "origin/main"
    assert git(remote, "rev-parse", "main").strip() == head(repo)
    # The branch is there but not its upstream (unset by hand): nothing moves either way.
    git(repo, "branch", "--unset-upstream")
    again = _ok("sync", cwd=repo).splitlines()[-2:]
    assert again == ["up to date with origin/main", "origin/main is now this branch's upstream"]
    assert git(repo, "rev-parse", "--abbrev-ref", "main@{upstream}").strip() == "origin/main"


def test_a_first_sync_to_another_journal_says_so(tmp_path: Path) -> None:
    """From a newcomer's trial: a new journal pointed at a repository that holds another
    journal was told "the shared history was rewritten by someone", as if one of the
    two had force-pushed. Nothing changes either way."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    other = make_repo(tmp_path / "other")
    commit_files(other, {"agreement.md": AGREEMENT.replace("biweekly", "weekly")}, "Theirs")
    git(other, "push", "--quiet", str(remote), "main")
    repo = make_journal(tmp_path / "j")
    git(repo, "remote", "add", "origin", str(remote))
    before = head(repo)
    result = mj("sync", cwd=repo)
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and "rewritten" not in said
    assert "holds another history" in said and "`mj clone URL`" in said
    assert "an empty repository" in said
    assert head(repo) == before and git(remote, "rev-parse", "main").strip() == head(other)


def test_unreachable_remote_keeps_local_commits(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    git(repo, "remote", "add", "origin", str(tmp_path / "nowhere.git"))
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18"))
    _ok("commit", cwd=repo)
    before = repo_state(repo)
    result = mj("sync", cwd=repo)
    assert result.exit_code == 1
    assert "commits are intact" in result.output
    assert "Traceback" not in result.output
    assert repo_state(repo) == before


def test_a_changed_file_here_that_they_changed_too_is_named_in_words(shared: SharedRepo) -> None:
    commit_files(shared.mentor, {"README.md": "# Our mentorship\n"}, "readme")
    _ok("sync", cwd=shared.mentor)
    _ok("sync", cwd=shared.mentee)
    commit_files(shared.mentor, {"README.md": "# Ana and Ben\n"}, "readme, renamed")
    _ok("sync", cwd=shared.mentor)
    write(shared.mentee, "README.md", "# Our mentorship, Ana's draft\n")
    before = repo_state(shared.mentee)
    result = mj("sync", cwd=shared.mentee)
    said = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "README.md has changes here that are not committed" in said, said
    assert "git stash" in said and "not uptodate" not in said
    assert repo_state(shared.mentee) == before  # nothing changed, the draft kept


def _clash(shared: SharedRepo) -> None:
    """The mentor and the mentee changed the same agreement line; `mj sync --merge`."""
    commit_files(shared.mentor, {"agreement.md": AGREEMENT.replace("biweekly", "weekly")}, "w")
    _ok("sync", cwd=shared.mentor)
    commit_files(shared.mentee, {"agreement.md": AGREEMENT.replace("biweekly", "monthly")}, "m")
    assert mj("sync", "--merge", cwd=shared.mentee).exit_code == 1


def test_a_merge_resolved_into_an_invalid_journal_is_not_committed(shared: SharedRepo) -> None:
    _clash(shared)
    write(shared.mentee, "agreement.md", AGREEMENT.replace("biweekly", "fortnightly"))
    result = mj("sync", cwd=shared.mentee)
    said = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "the merge is not finished: the journal has errors" in said
    assert "agreement.md:7:" in said and "Fix them, then run `mj sync` again" in said
    assert (shared.mentee / ".git" / "MERGE_HEAD").exists()  # still mid-merge, nothing lost
    fixed = AGREEMENT.replace("biweekly", "weekly")
    write(shared.mentee, "agreement.md", fixed)  # as told: fix it, run mj sync again
    _ok("sync", cwd=shared.mentee)
    assert git(shared.remote, "show", "main:agreement.md") == fixed


def test_a_conflicted_note_deleted_by_hand_is_merged_as_deleted(shared: SharedRepo) -> None:
    note = "sessions/2025-07-18.md"
    commit_files(shared.mentor, {note: _session("2025-07-18")}, "note")
    _ok("sync", cwd=shared.mentor)
    _ok("sync", cwd=shared.mentee)
    commit_files(shared.mentor, {note: _session("2025-07-18", "Design")}, "design")
    _ok("sync", cwd=shared.mentor)
    commit_files(shared.mentee, {note: _session("2025-07-18", "Career")}, "career")
    assert mj("sync", "--merge", cwd=shared.mentee).exit_code == 1
    (shared.mentee / note).unlink()  # neither version: the person's own decision
    said = _ok("sync", cwd=shared.mentee)
    assert "Traceback" not in said
    assert note not in _tracked(shared.mentee)
    assert git(shared.mentee, "status", "--porcelain") == ""


def test_sync_merge_before_the_other_side_ever_pushed(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    repo = make_journal(tmp_path / "j")
    git(repo, "remote", "add", "origin", str(remote))
    before = repo_state(repo)
    result = mj("sync", "--merge", cwd=repo)
    assert result.exit_code == 1
    assert "origin/main does not exist yet: there is nothing to merge" in result.output
    assert repo_state(repo) == before


def test_sync_and_clone_refusals_say_what_to_do(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    write(plain, "agreement.md", AGREEMENT)
    result = mj("sync", cwd=plain)
    assert result.exit_code == 1
    assert f"{plain} is not inside a git repository: run `git init`" in result.output
    repo = make_journal(tmp_path / "j")
    git(repo, "checkout", "--quiet", "--detach")
    result = mj("sync", cwd=repo)
    assert result.exit_code == 1
    assert "cannot sync: HEAD is detached" in result.output and "git switch" in result.output
    for address, why in (("", "the address is empty: give one"), ("a\nb", "control characters")):
        result = mj("clone", address, cwd=tmp_path)
        assert result.exit_code == 1 and why in result.output, result.output


def test_without_git_on_path_mj_says_to_install_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    repo = make_journal(tmp_path / "j")
    write(repo, "sessions/2025-07-18.md", _session("2025-07-18"))
    for args in (["commit"], ["sync"]):
        proc = subprocess.run(
            [sys.executable, "-m", "mentorjournal", *args],
            cwd=repo,
            env={"PATH": str(tmp_path / "nowhere"), "HOME": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 1, proc.stderr
        assert "git is not installed or not on PATH: install git and retry" in proc.stderr


def test_sync_picks_the_only_remote_whatever_its_name_and_asks_among_several(
    shared: SharedRepo, tmp_path: Path
) -> None:
    write(shared.mentee, "sessions/2025-08-01.md", _session("2025-08-01"))
    _ok("commit", cwd=shared.mentee)
    git(shared.mentee, "remote", "rename", "origin", "shared")
    git(shared.mentee, "branch", "--quiet", "--unset-upstream")
    assert "pushed to shared/main" in _ok("sync", cwd=shared.mentee)
    git(shared.mentor, "remote", "rename", "origin", "one")
    git(shared.mentor, "remote", "add", "two", str(tmp_path / "elsewhere.git"))
    git(shared.mentor, "branch", "--quiet", "--unset-upstream")
    result = mj("sync", cwd=shared.mentor)
    said = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "several remotes (one, two) and no upstream for this branch" in said


def test_sync_refusing_many_errors_shows_twenty_and_counts_the_rest(shared: SharedRepo) -> None:
    bad = {
        f"sessions/2025-08-{day:02d}.md": _session(f"2025-08-{day:02d}").replace("ana, ben", "zed")
        for day in range(1, 26)
    }
    commit_files(shared.mentee, bad, "unchecked")  # --no-verify: past the hook
    before = repo_state(shared.mentee)
    result = mj("sync", cwd=shared.mentee)
    assert result.exit_code == 1
    assert result.output.count("error[unknown-person]") == 20
    assert "... and 5 more (`mj validate`)" in result.output
    assert repo_state(shared.mentee) == before
