"""Exchanging work with the shared remote: fetch, merge, push, and `mj sync`.

The network and merge commands run through GitPython (`Repo.git.*`), imported lazily;
every local call goes through `gitrepo`'s runner.

`mj sync` conflict strategy: **the repository is left exactly as before the sync.**
After fetching, the merge is first computed in memory with `git merge-tree
--write-tree`, which touches neither the index nor the working tree. If it
conflicts, sync stops before changing anything and reports every conflicting file:
the branch, HEAD, the index and every working-tree byte are as they were, the
user's commits are intact, and the other side's version is recoverable from the
remote-tracking ref that the fetch moved (`git show origin/main:PATH`). Only if the
in-memory merge is clean does the real `git merge` run (and should it conflict
after all, it is aborted, which is safe because sync refuses to start with
uncommitted journal changes). We chose this over leaving a half-done merge because
a half-done merge puts conflict markers into journal files, which makes every
later `mj` command report errors and the hook refuse commits, and because the
people using mj are a mentor and a mentee, not necessarily git users: "nothing
happened, here is what differs" is a state anyone can reason about, and a user who
wants to resolve it can run `git merge origin/main` knowingly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mentorjournal.errors import MjError
from mentorjournal.git.gitrepo import (
    Upstream,
    _count,
    _ensure_no_lock_or_operation,
    _git_env,
    _has_commits,
    _out,
    _ref_exists,
    _run,
    _split_z,
    _summarise,
    check_ref_value,
    current_branch,
    ensure_can_sync,
    repo_toplevel,
    upstream_of,
)

if TYPE_CHECKING:
    from git import Repo

__all__ = ["SyncResult", "fetch", "merge_upstream", "push", "sync"]


@dataclass(frozen=True)
class SyncResult:
    """What `sync` did; when `conflicts` is not empty it changed nothing but the fetch."""

    pulled: int
    pushed: bool
    set_upstream: bool
    # Repository-relative paths, so `git show <upstream>:<path>` works for each.
    conflicts: tuple[str, ...]
    # Where the other side's work is, e.g. `origin/main` (their version of a conflict).
    upstream: str
    # Our commits that the remote did not have before the push.
    pushed_commits: int = 0


def _open(path: Path) -> Repo:
    from git import Repo
    from git.exc import InvalidGitRepositoryError, NoSuchPathError

    try:
        return Repo(path, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError) as exc:
        raise MjError(
            f"{path} is not inside a git repository: run `git init` (or `mj init`)"
        ) from exc


def _git_stderr(exc: Exception) -> str:
    """What git said (stderr, else stdout), without GitPython's `stderr: '...'` decoration."""
    for stream in ("stderr", "stdout"):
        text = str(getattr(exc, stream, "") or "").strip()
        if text.startswith(f"{stream}:"):
            text = text[len(stream) + 1 :].strip()
            if len(text) >= 2 and text[0] == text[-1] == "'":
                text = text[1:-1]
        if text.strip():
            return text
    return ""


def _safe_env() -> dict[str, str]:
    """Config for network commands: forbid ext:: even if a user config allows it."""
    env = _git_env()
    count = int(env.get("GIT_CONFIG_COUNT", "0") or "0")
    env["GIT_CONFIG_COUNT"] = str(count + 1)
    env[f"GIT_CONFIG_KEY_{count}"] = "protocol.ext.allow"
    env[f"GIT_CONFIG_VALUE_{count}"] = "never"
    return env


def _git(repo: Repo, command: str, *args: str, doing: str, network: bool = False) -> str:
    """Run `git <command> <args>` through GitPython, translating failure into MjError."""
    from git.exc import GitCommandError

    method = getattr(repo.git, command.replace("-", "_"))
    try:
        if network:
            return str(method(*args, env=_safe_env()))
        return str(method(*args))
    except GitCommandError as exc:
        raise MjError(f"{doing} failed: {_summarise(_git_stderr(exc))}") from None


def _choose_remote(repo: Path) -> str:
    remotes = _out(repo, "remote").split()
    if not remotes:
        raise MjError(
            "no remote to sync with: add the shared repository with "
            "`git remote add origin <url>`, then run `mj sync` again"
        )
    if "origin" in remotes:
        return "origin"
    if len(remotes) == 1:
        return check_ref_value(remotes[0], "remote")
    raise MjError(
        f"several remotes ({', '.join(remotes)}) and no upstream for this branch: choose one "
        "with `git push -u <remote> <branch>`, then run `mj sync` again"
    )


def fetch(repo: Path, remote: str) -> None:
    """Update the remote-tracking refs of `remote`; local branches and files are untouched."""
    check_ref_value(remote, "remote")
    handle = _open(repo)
    from git.exc import GitCommandError

    try:
        handle.git.fetch("--quiet", "--no-recurse-submodules", "--", remote, env=_safe_env())
    except GitCommandError as exc:
        raise MjError(
            f"could not fetch from remote '{remote}': {_summarise(_git_stderr(exc))}. "
            "Nothing was changed; your commits are intact. Check the network and the "
            "remote's address (`git remote -v`), then run `mj sync` again."
        ) from None


def _merge_tree_conflicts(repo: Path, ref: str) -> list[str] | None:
    """Files a merge of `ref` into HEAD would conflict on, computed without touching
    anything; None when this git has no `merge-tree --write-tree` (before 2.38)."""
    proc = _run(
        repo,
        ["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", "HEAD", ref],
        ok_codes=range(256),
    )
    if proc.returncode == 0:
        return []
    if proc.returncode == 1:
        names = _split_z(proc.stdout)[1:]  # the first record is the merged tree's id
        return sorted(set(names))
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode == 129 or "usage:" in stderr:
        return None
    raise MjError(f"cannot merge {ref}: {_summarise(stderr)}")


def _unmerged_paths(repo: Path) -> list[str]:
    raw = _run(repo, ["diff", "--name-only", "--diff-filter=U", "-z"]).stdout
    return sorted(set(_split_z(raw)))


def merge_upstream(repo: Path, ref: str, *, message: str | None = None) -> list[str]:
    """Merge `ref` into the current branch, or change nothing and return the conflicting files.

    Paths are relative to the repository's top level. On a conflict HEAD, the index
    and the working tree are exactly as before (see the module docstring).
    """
    check_ref_value(ref, "ref")
    top, _ = _ensure_no_lock_or_operation(repo, "merge")
    if _has_commits(top):
        conflicts = _merge_tree_conflicts(top, ref)
        if conflicts:
            return conflicts
    handle = _open(top)
    from git.exc import GitCommandError

    try:
        options = ["--no-edit", "--no-stat", "--quiet"]
        if message:
            options += ["-m", message]
        handle.git.merge(*options, ref)
    except GitCommandError as exc:
        unmerged = _unmerged_paths(top) if (Path(handle.git_dir) / "MERGE_HEAD").exists() else []
        if unmerged:
            # Only reached on a git without merge-tree --write-tree, or if the two disagree.
            _git(handle, "merge", "--abort", doing="git merge --abort")
            return unmerged
        raise MjError(
            f"could not merge {ref}: {_summarise(_git_stderr(exc))}. Nothing was merged; "
            "your commits are intact."
        ) from None
    return []


def push(
    repo: Path,
    remote: str,
    branch: str,
    *,
    remote_branch: str | None = None,
    set_upstream: bool = False,
) -> None:
    """Push `branch` to `remote` (as `remote_branch`), optionally recording it as upstream."""
    check_ref_value(remote, "remote")
    check_ref_value(branch, "branch")
    target = check_ref_value(remote_branch or branch, "branch")
    handle = _open(repo)
    args = ["--quiet"]
    if set_upstream:
        args.append("--set-upstream")
    refspec = f"refs/heads/{branch}:refs/heads/{target}"
    from git.exc import GitCommandError

    try:
        handle.git.push(*args, "--", remote, refspec, env=_safe_env())
    except GitCommandError as exc:
        summary = _summarise(_git_stderr(exc))
        if "rejected" in summary or "non-fast-forward" in summary or "fetch first" in summary:
            advice = "The remote has work you do not have yet: run `mj sync` again."
        else:
            advice = "Check the network and your access to the remote, then run `mj sync` again."
        raise MjError(
            f"push to '{remote}' was refused or failed: {summary}. Your local commits are "
            f"intact. {advice}"
        ) from None


def sync(journal_root: Path) -> SyncResult:
    """Fetch, merge the other side's work, then push ours; on a conflict change nothing.

    Refuses (MjError) with uncommitted journal changes or mid-merge/rebase; the first
    push of a branch without an upstream sets it.
    """
    ensure_can_sync(journal_root)
    top = repo_toplevel(journal_root)
    branch = current_branch(journal_root)
    assert top is not None and branch is not None  # ensure_can_sync checked both
    check_ref_value(branch, "branch")

    upstream = upstream_of(top, branch)
    set_upstream = upstream is None
    if upstream is None:
        upstream = Upstream(_choose_remote(top), branch)

    fetch(top, upstream.remote)
    has_commits = _has_commits(top)
    remote_has_branch = _ref_exists(top, upstream.tracking_ref)
    if not has_commits and not remote_has_branch:
        raise MjError("nothing to sync yet: record your first change with `mj commit`")

    pulled = 0
    if remote_has_branch:
        incoming = f"HEAD..{upstream.tracking_ref}" if has_commits else upstream.tracking_ref
        pulled = _count(top, incoming)
        if pulled:
            conflicts = merge_upstream(
                top, upstream.tracking_ref, message=f"Merge {upstream} into {branch} (mj sync)"
            )
            if conflicts:
                return SyncResult(0, False, False, tuple(conflicts), str(upstream))

    outgoing = (
        _count(top, f"{upstream.tracking_ref}..HEAD") if remote_has_branch else _count(top, "HEAD")
    )
    if outgoing or set_upstream:
        push(top, upstream.remote, branch, remote_branch=upstream.branch, set_upstream=set_upstream)
    return SyncResult(
        pulled=pulled,
        pushed=bool(outgoing or set_upstream),
        set_upstream=set_upstream,
        conflicts=(),
        upstream=str(upstream),
        pushed_commits=outgoing,
    )
