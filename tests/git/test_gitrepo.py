"""gitrepo against real git repositories: reads, refusals, commits and sync."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from gitutil import (  # noqa: F401  (git_sandbox is a fixture)
    AGREEMENT,
    MENTEE,
    MENTOR,
    commit_files,
    git,
    git_sandbox,
    head,
    make_journal,
    make_program,
    make_repo,
    make_shared,
    repo_state,
    write,
)

from mentorjournal.errors import MjError
from mentorjournal.git import commitwriter, exchange, gitlog, gitrepo, remote, writes

pytestmark = pytest.mark.usefixtures("git_sandbox")

SESSION = (
    "---\ndate: 2025-07-18\nattendees: [ana, ben]\n---\n# Notes\n\n- [ ] @ana Read chapter 3\n"
)


# --------------------------------------------------------------------------- read path


def test_toplevel_and_git_dir_outside_and_inside(tmp_path: Path) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    assert gitrepo.repo_toplevel(outside) is None
    assert gitrepo.git_dir(outside) is None
    repo = make_journal(tmp_path / "j")
    (repo / "goals").mkdir()
    assert gitrepo.repo_toplevel(repo / "goals") == repo.resolve()
    assert gitrepo.git_dir(repo / "goals") == (repo / ".git").resolve()


def test_git_dir_of_a_worktree_is_its_own(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    other = tmp_path / "wt"
    git(repo, "worktree", "add", "--quiet", "-b", "side", str(other))
    own = gitrepo.git_dir(other)
    assert own is not None and own != (repo / ".git").resolve()
    assert gitrepo.common_git_dir(other) == (repo / ".git").resolve()
    assert gitrepo.hooks_dir(other) == (repo / ".git" / "hooks").resolve()


def _staged(journal: Path) -> dict[str, bytes]:
    """The bytes `git commit` would record, as mj reads them: index entries, then blobs."""
    entries = gitrepo.index_entries(journal)
    blobs = gitrepo.read_blobs(journal, sorted(set(entries.values())))
    return {path: blobs[blob] for path, blob in entries.items() if blob in blobs}


def _at(repo: Path, rev: str, path: str) -> bytes | None:
    """A file's bytes at a revision, read by `rev:./path` through read_blobs."""
    name = f"{rev}:./{path}"
    return gitrepo.read_blobs(repo, [name]).get(name)


def test_staged_files_are_index_bytes_not_worktree_bytes(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    crlf = b"---\r\ntitle: Portfolio\r\n---\r\nBody\r\n"
    latin1 = b"---\ntitle: Caf\xe9\n---\n"
    write(repo, "goals/portfolio.md", crlf)
    write(repo, "goals/cafe.md", latin1)
    git(repo, "add", "--", "goals")
    # Unstaged edits and an untracked file must not show.
    write(repo, "goals/portfolio.md", b"worktree only\n")
    (repo / "goals" / "cafe.md").unlink()
    write(repo, "sessions/2025-07-18.md", SESSION)

    staged = _staged(repo)

    assert staged["goals/portfolio.md"] == crlf
    assert staged["goals/cafe.md"] == latin1
    assert staged["agreement.md"] == AGREEMENT.encode()
    assert "sessions/2025-07-18.md" not in staged
    # The working tree was not touched by reading.
    assert (repo / "goals" / "portfolio.md").read_bytes() == b"worktree only\n"


def test_staged_files_exclude_files_deleted_in_index(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    git(repo, "rm", "--quiet", "--cached", "--", "agreement.md")
    assert "agreement.md" not in _staged(repo)
    assert (repo / "agreement.md").exists()
    assert list(gitrepo.changed_in_index(repo)) == ["agreement.md"]
    assert gitrepo.changed_in_index(repo)["agreement.md"][1] is None  # gone from the index


def test_journal_in_a_subfolder_sees_only_its_files(tmp_path: Path) -> None:
    repo = make_program(tmp_path / "program")
    journal = repo / "pairs" / "ana-ben"
    write(journal, "sessions/2025-07-18.md", SESSION)
    write(repo, "pairs/cy-dee/goals/x.md", "---\ntitle: X\n---\n")
    git(repo, "add", "--", "pairs/ana-ben/sessions", "pairs/cy-dee/goals")
    write(journal, "agreement.md", AGREEMENT + "\nedited\n")
    write(journal, "notes.txt", "untracked\n")

    assert set(gitrepo.index_entries(journal)) == {"agreement.md", "sessions/2025-07-18.md"}
    assert set(_staged(journal)) == {"agreement.md", "sessions/2025-07-18.md"}
    assert list(gitrepo.changed_in_index(journal)) == ["sessions/2025-07-18.md"]
    assert sorted((e.code, e.path) for e in gitrepo.status_entries(journal)) == [
        (" M", "agreement.md"),
        ("??", "notes.txt"),
        ("A ", "sessions/2025-07-18.md"),
    ]


def test_status_reports_renames_with_their_origin(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    commit_files(repo, {"goals/old.md": "---\ntitle: A goal\n---\nsome body text\n"}, "goal")
    git(repo, "mv", "goals/old.md", "goals/new.md")
    entries = gitrepo.status_entries(repo)
    assert entries == [gitrepo.StatusEntry("R ", "goals/new.md", "goals/old.md")]


def test_status_in_an_unborn_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "j")
    write(repo, "agreement.md", AGREEMENT)
    git(repo, "add", "--", "agreement.md")
    assert list(gitrepo.changed_in_index(repo)) == ["agreement.md"]
    assert gitrepo.status_entries(repo) == [gitrepo.StatusEntry("A ", "agreement.md")]
    assert gitlog.log_for_path(repo, "agreement.md") == []


def test_reads_take_no_index_lock(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    write(repo, "agreement.md", AGREEMENT + "x\n")
    index = repo / ".git" / "index"
    before = index.read_bytes()
    time.sleep(0.01)
    gitrepo.status_entries(repo)
    assert index.read_bytes() == before


def test_file_at_revision_and_log(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j", identity=MENTOR)
    first = head(repo)
    git(repo, "config", "user.name", MENTEE.name)
    git(repo, "config", "user.email", MENTEE.email)
    commit_files(repo, {"agreement.md": AGREEMENT.replace("biweekly", "monthly")}, "Monthly")

    assert _at(repo, first, "agreement.md") == AGREEMENT.encode()
    assert b"monthly" in (_at(repo, "HEAD", "agreement.md") or b"")
    assert _at(repo, first, "goals/none.md") is None

    log = gitlog.log_for_path(repo, "agreement.md")
    assert [c.subject for c in log] == ["Monthly", "Start the journal"]
    assert (log[0].author_name, log[0].author_email) == (MENTEE.name, MENTEE.email)
    assert log[1].author_name == MENTOR.name
    assert log[0].sha == head(repo)
    assert log[0].date[:4].isdigit() and "T" in log[0].date


def test_file_at_revision_relative_to_a_subfolder_journal(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "program")
    commit_files(repo, {"pairs/a/agreement.md": AGREEMENT}, "pair")
    assert _at(repo / "pairs" / "a", "HEAD", "agreement.md") == (AGREEMENT.encode())
    assert [c.subject for c in gitlog.log_for_path(repo / "pairs" / "a", "agreement.md")] == [
        "pair"
    ]


def test_read_blobs_in_one_call(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    write(repo, "a.md", b"\x00binary\nbytes\n")
    write(repo, "b.md", b"")
    git(repo, "add", "--", "a.md", "b.md")
    entries = gitrepo.index_entries(repo)
    blobs = gitrepo.read_blobs(repo, [entries["a.md"], entries["b.md"]])
    assert blobs == {entries["a.md"]: b"\x00binary\nbytes\n", entries["b.md"]: b""}


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("value", ["-upload-pack=touch x", "--exec=evil", "ext::sh -c touch% x"])
def test_option_like_and_ext_values_are_refused(value: str) -> None:
    with pytest.raises(MjError, match="refusing"):
        gitrepo.check_ref_value(value, "remote")


def test_fetch_and_push_refuse_bad_values_before_running_git(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    marker = tmp_path / "pwned"
    with pytest.raises(MjError, match="ext::"):
        remote.fetch(repo, f"ext::sh -c touch% {marker}")
    with pytest.raises(MjError, match="starts with '-'"):
        remote.push(repo, "origin", "--force")
    with pytest.raises(MjError, match="starts with '-'"):
        gitrepo.check_ref_value("--output=x", "revision")
    assert not marker.exists()


def test_ext_url_on_a_configured_remote_is_never_run(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    marker = tmp_path / "pwned"
    git(repo, "remote", "add", "evil", f"ext::sh -c touch% {marker}")
    git(repo, "config", "protocol.ext.allow", "always")
    with pytest.raises(MjError, match="could not fetch"):
        remote.fetch(repo, "evil")
    assert not marker.exists()


def test_an_fd_url_is_refused_at_once_not_waited_on(tmp_path: Path) -> None:
    """From an adversarial trial: `fd::0` in `mj program --repos` waited out the whole
    timeout on a descriptor nobody writes to. (The short timeout bounds this test.)"""
    from mentorjournal.git import mirrors

    started = time.monotonic()
    with pytest.raises(MjError, match="clone failed") as refused:
        mirrors.mirror("fd::0", tmp_path / "cache", timeout=5)
    assert "gave no answer" not in str(refused.value)
    assert time.monotonic() - started < 4


def _conflicting_branches(repo: Path) -> None:
    git(repo, "switch", "--quiet", "-c", "side")
    commit_files(repo, {"agreement.md": AGREEMENT.replace("biweekly", "weekly")}, "side")
    git(repo, "switch", "--quiet", "main")
    commit_files(repo, {"agreement.md": AGREEMENT.replace("biweekly", "monthly")}, "main")


def test_commit_refused_during_a_merge(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    _conflicting_branches(repo)
    git(repo, "merge", "side", check=False)
    with pytest.raises(MjError, match=r"a merge is in progress.*git merge --abort"):
        writes.ensure_can_commit(repo)


@pytest.mark.parametrize("interactive", [False, True])
def test_commit_refused_during_a_rebase(tmp_path: Path, interactive: bool) -> None:
    repo = make_journal(tmp_path / "j")
    _conflicting_branches(repo)
    args = ["rebase", "--merge" if interactive else "--apply", "side"]
    if interactive:
        args.insert(1, "-i")
    git(repo, *args, check=False)
    with pytest.raises(MjError, match=r"a rebase is in progress.*git rebase --abort"):
        writes.ensure_can_commit(repo)


def test_commit_refused_during_a_cherry_pick(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    _conflicting_branches(repo)
    git(repo, "cherry-pick", "side", check=False)
    with pytest.raises(MjError, match=r"a cherry-pick is in progress.*--abort"):
        writes.ensure_can_commit(repo)


def test_commit_refused_during_a_revert(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    first = head(repo)
    commit_files(repo, {"agreement.md": AGREEMENT.replace("biweekly", "weekly")}, "weekly")
    commit_files(repo, {"agreement.md": AGREEMENT.replace("biweekly", "monthly")}, "monthly")
    git(repo, "revert", "--no-edit", "HEAD~1", check=False)
    assert first
    with pytest.raises(MjError, match=r"a revert is in progress.*git revert --abort"):
        writes.ensure_can_commit(repo)


def test_commit_refused_on_detached_head(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    git(repo, "switch", "--quiet", "--detach", "HEAD")
    with pytest.raises(MjError, match=r"HEAD is detached.*git switch"):
        writes.ensure_can_commit(repo)


def test_commit_refused_with_index_lock_which_is_left_alone(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    lock = repo / ".git" / "index.lock"
    lock.write_bytes(b"")
    write(repo, "agreement.md", AGREEMENT + "more\n")
    with pytest.raises(MjError) as excinfo:
        commitwriter.commit(repo, "should not happen")
    assert str(lock) in str(excinfo.value)
    assert lock.exists()


def test_commit_refused_in_a_worktree_with_its_own_lock(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    other = tmp_path / "wt"
    git(repo, "worktree", "add", "--quiet", "-b", "side", str(other))
    own = gitrepo.git_dir(other)
    assert own is not None
    (own / "index.lock").write_bytes(b"")
    writes.ensure_can_commit(repo)
    with pytest.raises(MjError, match=r"index\.lock"):
        writes.ensure_can_commit(other)


# --------------------------------------------------------------------------- write path


def test_init_stage_commit(tmp_path: Path) -> None:
    top = writes.init_repo(tmp_path / "new")
    assert top == (tmp_path / "new").resolve()
    assert writes.init_repo(top / ".") == top  # already a repository: left alone
    write(top, "agreement.md", AGREEMENT)
    write(top, "secrets.env", "TOKEN=1\n")
    write(top, "-odd name*.md", "x\n")
    writes.stage(top, ["agreement.md", "-odd name*.md"])
    assert set(gitrepo.changed_in_index(top)) == {"agreement.md", "-odd name*.md"}
    sha = commitwriter.commit(top, "Start the journal")
    assert sha == head(top)
    assert git(top, "status", "--porcelain").strip() == "?? secrets.env"


def test_stage_relative_to_a_subfolder_journal_and_deletions(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "program")
    commit_files(repo, {"pairs/a/agreement.md": AGREEMENT, "pairs/a/goals/x.md": "x\n"}, "pair")
    journal = repo / "pairs" / "a"
    (journal / "goals" / "x.md").unlink()
    write(journal, "sessions/2025-07-18.md", SESSION)
    writes.stage(journal, ["goals/x.md", "sessions/2025-07-18.md"])
    assert list(gitrepo.changed_in_index(journal)) == ["goals/x.md", "sessions/2025-07-18.md"]


def test_commit_failure_from_a_hook_becomes_mj_error(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'error: journal is invalid' >&2\nexit 1\n")
    hook.chmod(0o755)
    write(repo, "agreement.md", AGREEMENT + "x\n")
    writes.stage(repo, ["agreement.md"])
    with pytest.raises(MjError, match="journal is invalid"):
        commitwriter.commit(repo, "edit")


# --------------------------------------------------------------------------- sync


def test_sync_both_sides_add_different_files(tmp_path: Path) -> None:
    shared = make_shared(tmp_path)
    commit_files(shared.mentor, {"sessions/2025-07-18-kickoff.md": SESSION}, "mentor session")
    commit_files(shared.mentee, {"sessions/2025-07-18-notes.md": SESSION}, "mentee session")

    first = exchange.sync(shared.mentor)
    assert (first.pulled, first.pushed, first.conflicts, first.set_upstream) == (0, True, (), False)

    second = exchange.sync(shared.mentee)
    assert second.pulled == 1 and second.pushed and second.conflicts == ()
    assert (shared.mentee / "sessions/2025-07-18-kickoff.md").exists()

    third = exchange.sync(shared.mentor)
    assert third.pulled == 2 and not third.pushed  # the mentee's commit and the merge
    assert (shared.mentor / "sessions/2025-07-18-notes.md").exists()
    assert head(shared.mentor) == head(shared.mentee)
    authors = git(shared.mentor, "log", "--format=%an", "--", "sessions").split("\n")
    assert MENTOR.name in authors and MENTEE.name in authors


def test_sync_with_nothing_to_do(tmp_path: Path) -> None:
    shared = make_shared(tmp_path)
    result = exchange.sync(shared.mentee)
    assert (result.pulled, result.pushed, result.conflicts) == (0, False, ())
    assert result.upstream == "origin/main"


def test_sync_conflict_changes_nothing_and_keeps_both_versions(tmp_path: Path) -> None:
    shared = make_shared(tmp_path)
    mentor_text = AGREEMENT.replace("biweekly", "weekly")
    mentee_text = AGREEMENT.replace("biweekly", "monthly")
    commit_files(shared.mentor, {"agreement.md": mentor_text}, "mentor: weekly")
    commit_files(shared.mentee, {"agreement.md": mentee_text}, "mentee: monthly")
    # Untracked and outside-journal work must survive too.
    write(shared.mentee, "private/diary.md", b"mine\r\n\xff")
    assert exchange.sync(shared.mentor).pushed

    before = repo_state(shared.mentee)
    result = exchange.sync(shared.mentee)

    assert result.conflicts == ("agreement.md",)
    assert (result.pulled, result.pushed) == (0, False)
    assert repo_state(shared.mentee) == before
    git_dir = shared.mentee / ".git"
    assert not (git_dir / "MERGE_HEAD").exists()
    assert (shared.mentee / "agreement.md").read_text() == mentee_text
    theirs = _at(shared.mentee, result.upstream, "agreement.md")
    assert theirs == mentor_text.encode()
    # Nothing reached the remote from the mentee.
    assert git(shared.remote, "log", "--format=%s", "-1").strip() == "mentor: weekly"
    # A commit is still possible afterwards: the repository is in a normal state.
    writes.ensure_can_commit(shared.mentee)


def test_sync_same_day_sessions_with_different_slugs_merge_cleanly(tmp_path: Path) -> None:
    shared = make_shared(tmp_path)
    commit_files(shared.mentor, {"sessions/2025-07-18-kickoff.md": SESSION}, "a")
    commit_files(shared.mentee, {"sessions/2025-07-18-retro.md": SESSION}, "b")
    exchange.sync(shared.mentor)
    result = exchange.sync(shared.mentee)
    assert result.conflicts == () and result.pushed


def test_sync_refuses_uncommitted_journal_changes(tmp_path: Path) -> None:
    shared = make_shared(tmp_path)
    write(shared.mentee, "sessions/2025-07-18.md", SESSION)
    with pytest.raises(MjError, match="mj commit"):
        exchange.sync(shared.mentee)
    (shared.mentee / "sessions" / "2025-07-18.md").unlink()
    write(shared.mentee, "agreement.md", AGREEMENT + "edit\n")
    with pytest.raises(MjError, match="mj commit"):
        exchange.sync(shared.mentee)


def test_sync_ignores_untracked_files_that_are_not_journal_files(tmp_path: Path) -> None:
    shared = make_shared(tmp_path)
    write(shared.mentee, "scratch.txt", "notes\n")
    assert exchange.sync(shared.mentee).conflicts == ()
    assert (shared.mentee / "scratch.txt").read_text() == "notes\n"


def test_sync_mid_merge_names_the_marker_lines_left(tmp_path: Path) -> None:
    shared = make_shared(tmp_path)
    _conflicting_branches(shared.mentee)
    git(shared.mentee, "merge", "side", check=False)
    with pytest.raises(MjError, match=r"not finished(.|\n)*agreement\.md:7\n"):
        exchange.sync(shared.mentee)
    assert (shared.mentee / ".git" / "MERGE_HEAD").exists()


def test_first_push_sets_upstream(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    repo = make_journal(tmp_path / "j")
    git(repo, "remote", "add", "origin", str(remote))

    result = exchange.sync(repo)

    assert result.set_upstream and result.pushed and result.pushed_commits == 1
    assert git(repo, "rev-parse", "--abbrev-ref", "main@{upstream}").strip() == "origin/main"
    assert git(remote, "rev-parse", "main").strip() == head(repo)
    again = exchange.sync(repo)
    assert not again.set_upstream and not again.pushed


def test_sync_into_an_empty_clone(tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(remote))
    mentee = tmp_path / "mentee"
    git(tmp_path, "clone", "--quiet", str(remote), str(mentee))
    with pytest.raises(MjError, match="mj commit"):
        exchange.sync(mentee)
    mentor = make_journal(tmp_path / "mentor")
    git(mentor, "remote", "add", "origin", str(remote))
    exchange.sync(mentor)
    result = exchange.sync(mentee)
    assert result.pulled == 1
    assert (mentee / "agreement.md").read_text() == AGREEMENT


def test_sync_without_a_remote_says_how_to_add_one(tmp_path: Path) -> None:
    repo = make_journal(tmp_path / "j")
    with pytest.raises(MjError, match="git remote add origin"):
        exchange.sync(repo)


def test_unreachable_remote_leaves_local_commits_intact(tmp_path: Path) -> None:
    shared = make_shared(tmp_path)
    commit_files(shared.mentor, {"sessions/2025-07-18.md": SESSION}, "local work")
    git(shared.mentor, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    before = repo_state(shared.mentor)
    with pytest.raises(MjError, match=r"could not fetch.*commits are intact"):
        exchange.sync(shared.mentor)
    assert repo_state(shared.mentor) == before


def test_refused_push_leaves_local_commits_intact(tmp_path: Path) -> None:
    shared = make_shared(tmp_path)
    hook = shared.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    sha = commit_files(shared.mentor, {"sessions/2025-07-18.md": SESSION}, "local work")
    with pytest.raises(MjError, match=r"refused.*protected branch.*intact") as refused:
        exchange.sync(shared.mentor)
    # Its own rules, not the other person's work (a newer run of mj sync would not help).
    assert "remote's own rules" in str(refused.value) and "mj sync" not in str(refused.value)
    assert head(shared.mentor) == sha
    assert git(shared.remote, "log", "--format=%s", "-1").strip() == "Start the journal"


@pytest.mark.parametrize("how", ["-a", "path"])
def test_staged_files_inside_a_hook_see_what_the_commit_records(tmp_path: Path, how: str) -> None:
    """`git commit -a` and `git commit PATH` use a temporary index (GIT_INDEX_FILE)."""
    repo = make_journal(tmp_path / "j")
    commit_files(repo, {"goals/x.md": "old x\n"}, "x")
    dump = tmp_path / "dump"
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        "#!/bin/sh\n"
        f"cd goals && '{sys.executable}' -c 'import pathlib; from mentorjournal.git import gitrepo;"
        ' entry = gitrepo.index_entries(pathlib.Path(".."))["agreement.md"];'
        f' pathlib.Path("{dump}").write_bytes(gitrepo.read_blobs(pathlib.Path(".."), [entry])'
        "[entry])'\n"
    )
    hook.chmod(0o755)
    write(repo, "agreement.md", AGREEMENT + "committed edit\n")
    write(repo, "goals/x.md", "unstaged x\n")
    args = ["-a"] if how == "-a" else ["--", "agreement.md"]
    git(repo, "commit", "--quiet", "-m", "edit", *args)
    assert dump.read_bytes() == (AGREEMENT + "committed edit\n").encode()


def test_sync_merge_commit_says_what_it_merged(tmp_path: Path) -> None:
    shared = make_shared(tmp_path)
    commit_files(shared.mentor, {"sessions/2025-07-18-a.md": SESSION}, "a")
    commit_files(shared.mentee, {"sessions/2025-07-18-b.md": SESSION}, "b")
    exchange.sync(shared.mentor)
    exchange.sync(shared.mentee)
    subject = git(shared.mentee, "log", "-1", "--format=%s").strip()
    assert subject == "Merge origin/main into main (mj sync)"
    assert git(shared.mentee, "log", "-1", "--format=%an").strip() == MENTEE.name
