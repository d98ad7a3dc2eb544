"""Changing a repository: the checks that come first (a safe ref or remote name, no
unfinished merge or rebase, no index.lock, a branch checked out, nothing left
uncommitted before a sync) and the writes themselves (init, add, commit), all through
``gitrepo``'s one runner."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mentorjournal.errors import MjError
from mentorjournal.git.gitrepo import (
    _JOURNAL_FILE,
    _run,
    current_branch,
    git_dir,
    head_commit,
    repo_toplevel,
    status_entries,
)

__all__ = [
    "commit",
    "ensure_can_commit",
    "ensure_can_sync",
    "init_repo",
    "stage",
]


def _operation_in_progress(gdir: Path) -> tuple[str, str] | None:
    """(what, how to finish or abandon it) for an unfinished git operation, or None."""
    if (gdir / "rebase-merge").is_dir():
        return ("a rebase", "`git rebase --continue` or `git rebase --abort`")
    if (gdir / "rebase-apply").is_dir():
        if (gdir / "rebase-apply" / "applying").exists():
            return ("a `git am`", "`git am --continue` or `git am --abort`")
        return ("a rebase", "`git rebase --continue` or `git rebase --abort`")
    if (gdir / "MERGE_HEAD").exists():
        return (
            "a merge",
            "resolve the conflicts, `git add` the files and `git commit`, or `git merge --abort`",
        )
    if (gdir / "CHERRY_PICK_HEAD").exists():
        return ("a cherry-pick", "`git cherry-pick --continue` or `git cherry-pick --abort`")
    if (gdir / "REVERT_HEAD").exists():
        return ("a revert", "`git revert --continue` or `git revert --abort`")
    if (gdir / "sequencer").is_dir():
        return ("a cherry-pick or revert sequence", "`git cherry-pick --abort` or `--continue`")
    return None


def _repo_dirs(path: Path) -> tuple[Path, Path]:
    top = repo_toplevel(path)
    gdir = git_dir(path)
    if top is None or gdir is None:
        raise MjError(f"{path} is not inside a git repository: run `git init` (or `mj init`)")
    return top, gdir


def _ensure_no_lock_or_operation(path: Path, doing: str) -> tuple[Path, Path]:
    top, gdir = _repo_dirs(path)
    lock = gdir / "index.lock"
    if lock.exists():
        # Never delete it: another git process (an editor, a GUI) may be running.
        raise MjError(
            f"cannot {doing}: {lock} exists, so another git process is using the repository "
            f"or one crashed. Wait for it to finish; if no git program is running, delete "
            f"{lock} yourself and retry."
        )
    operation = _operation_in_progress(gdir)
    if operation is not None:
        what, finish = operation
        raise MjError(
            f"cannot {doing}: {what} is in progress in {top}. Finish it with {finish}, then retry."
        )
    return top, gdir


def ensure_can_commit(repo: Path) -> None:
    """Refuse to commit mid-merge/rebase/cherry-pick/revert, on a detached HEAD or locked index."""
    top, _ = _ensure_no_lock_or_operation(repo, "commit")
    if current_branch(top) is None:
        raise MjError(
            f"cannot commit: HEAD is detached in {top} (no branch is checked out), so the "
            "commit would be easy to lose. Switch to a branch with `git switch <branch>` "
            "(or create one with `git switch -c <name>`), then retry."
        )


def ensure_can_sync(journal_root: Path) -> None:
    """Refuse to sync with uncommitted journal changes or an unfinished git operation."""
    top, _ = _ensure_no_lock_or_operation(journal_root, "sync")
    if current_branch(top) is None:
        raise MjError(
            f"cannot sync: HEAD is detached in {top}. Switch to your branch with "
            "`git switch <branch>`, then run `mj sync` again."
        )
    from mentorjournal.format.layout import is_editor_temp

    # What `mj commit` would record; other files are git's to carry over (read-tree
    # refuses to overwrite a changed one), editor files and symlinks mj never stages.
    pending = [
        entry.path
        for entry in status_entries(journal_root)
        if _JOURNAL_FILE.match(entry.path)
        and not is_editor_temp(entry.path.rsplit("/", 1)[-1])
        and not (entry.code == "??" and (journal_root / entry.path).is_symlink())
    ]
    if pending:
        shown = ", ".join(pending[:5]) + (" ..." if len(pending) > 5 else "")
        raise MjError(
            f"cannot sync: uncommitted journal changes ({shown}). Run `mj commit` first, "
            "then `mj sync`."
        )


# --------------------------------------------------------------------------- write path


def init_repo(path: Path) -> Path:
    """Create a git repository at `path` unless it is already inside one; return its top level."""
    existing = repo_toplevel(path) if path.exists() else None
    if existing is not None:
        return existing
    path.mkdir(parents=True, exist_ok=True)
    _run(path, ["init", "--quiet"])
    top = repo_toplevel(path)
    if top is None:
        raise MjError(f"git init did not create a repository in {path}")
    return top


def stage(repo: Path, paths: Sequence[str | Path]) -> None:
    """`git add` exactly these paths (relative to `repo` or absolute), deletions included."""
    if not paths:
        return
    # Only the directory is resolved, so a tracked symlink is staged as itself.
    base = repo.resolve()
    absolute = [str(base / path) for path in paths]
    # A file named `*.md` or `:(glob)x` is a file, not a pattern.
    _run(repo, ["add", "--", *absolute], env={"GIT_LITERAL_PATHSPECS": "1"})


def commit(repo: Path, message: str) -> str:
    """Commit the index with `message` (hooks run); return the new commit's sha."""
    ensure_can_commit(repo)
    staged = _run(repo, ["diff", "--cached", "--quiet", "--no-ext-diff"], ok_codes=(0, 1))
    if staged.returncode == 0:
        raise MjError("nothing to commit: no change is staged. Edit a journal file first.")
    _run(repo, ["commit", "--quiet", "-m", message])
    sha = head_commit(repo)
    if sha is None:
        raise MjError(f"git commit left no commit in {repo}")
    return sha
