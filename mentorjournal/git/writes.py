"""Changing a repository: the checks that come first (a safe ref or remote name, no
unfinished merge or rebase, no index.lock, a branch checked out, nothing left
uncommitted before a sync) and the writes themselves (init, add, commit) through
``gitrepo``'s one runner; a private index to check a commit or a merge in
(``trial_index``), and putting a checked one in place (``promote_index``) as git
itself writes an index."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from mentorjournal.errors import MjError
from mentorjournal.git.gitrepo import (
    _JOURNAL_FILE,
    _run,
    answer,
    current_branch,
    locate,
    repo_toplevel,
    status_entries,
)
from mentorjournal.index import gitstate

# (the index file, its bytes when copied, the trial index file)
Trial = tuple[str, bytes | None, str]

__all__ = [
    "ensure_can_commit",
    "ensure_can_sync",
    "init_repo",
    "promote_index",
    "stage",
    "trial_index",
]


def _repo_dirs(path: Path) -> tuple[Path, Path]:
    """(top level, git directory) of the repository holding ``path``; refused outside one."""
    located = locate(path)
    if located is None:
        raise MjError(f"{path} is not inside a git repository: run `git init` (or `mj init`)")
    return located


def _ensure_no_lock_or_operation(
    path: Path, doing: str, located: tuple[Path, Path] | None = None
) -> tuple[Path, Path]:
    top, gdir = located or _repo_dirs(path)
    lock = gdir / "index.lock"
    if lock.exists():
        # Never delete it: another git process (an editor, a GUI) may be running.
        raise MjError(
            f"cannot {doing}: {lock} exists, so another git process is using the repository "
            f"or one crashed. Wait for it to finish; if no git program is running, delete "
            f"{lock} yourself and retry."
        )
    operation = gitstate.operation_in_progress(str(gdir))
    if operation is not None:
        what, finish = operation
        raise MjError(
            f"cannot {doing}: {what} is in progress in {top}. Finish it first ({finish}), "
            "then retry."
        )
    return top, gdir


def ensure_can_commit(repo: Path, located: tuple[Path, Path] | None = None) -> None:
    """Refuse to commit mid-merge/rebase/cherry-pick/revert, on a detached HEAD or locked
    index. ``located``: the repository's (top level, git directory), when known."""
    top, gdir = _ensure_no_lock_or_operation(repo, "commit", located)
    if _branch_checked_out(top, gdir) is None:
        raise MjError(
            f"cannot commit: HEAD is detached in {top} (no branch is checked out), so the "
            "commit would be easy to lose. Switch to a branch with `git switch <branch>` "
            "(or create one with `git switch -c <name>`), then retry."
        )


def _branch_checked_out(top: Path, gdir: Path) -> str | None:
    """The branch HEAD names (None: detached), from the HEAD file when it is a plain
    symbolic ref, else from git."""
    try:
        head = (gdir / "HEAD").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return current_branch(top)
    if head.startswith("ref: refs/heads/"):
        return head[len("ref: refs/heads/") :]
    return current_branch(top)  # a detached HEAD holds a sha; git says what else means


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


def stage(
    repo: Path, paths: Sequence[str | Path], meanwhile: Callable[[], object] | None = None
) -> None:
    """`git add` exactly these paths (relative to `repo` or absolute), deletions included;
    ``meanwhile`` is called while git adds them."""
    if not paths:
        return
    # Only the directory is resolved, so a tracked symlink is staged as itself.
    base = repo.resolve()
    arguments = ["add", "--", *(str(base / path) for path in paths)]
    literal = {"GIT_LITERAL_PATHSPECS": "1"}  # a file named `*.md` or `:(glob)x` is a file
    if meanwhile is None:
        _run(repo, arguments, env=literal)
        return
    adding = gitstate.Git(str(repo), arguments, env=literal)
    meanwhile()
    answer(adding, repo, arguments, env=literal)


def promote_index(index: str, before: bytes, after: bytes, times: tuple[int, int]) -> bool:
    """Put ``after`` (a trial index: ``before`` with files staged) in place of the index
    file, as git itself writes it: under ``index.lock``, and only if the index still
    holds ``before``. False, changing nothing, when git holds the lock or the index has
    changed meanwhile (then the caller stages as usual).

    The index keeps its permissions (``core.sharedRepository``) and takes the trial's
    times (``times``: atime, mtime in ns): git re-reads a file whose stat matches its
    entry only when the file is not older than the index ("racy git"), so a later
    time would hide a note edited again in the second the trial was written."""
    lock = Path(index + ".lock")
    try:
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as target:
            try:
                current = Path(index)
                unchanged = current.read_bytes() == before
                mode = current.stat().st_mode & 0o7777
            except OSError:
                unchanged = False
            if unchanged:
                target.write(after)
                os.fchmod(target.fileno(), mode)
        if unchanged:
            os.utime(lock, ns=times)
    except BaseException:
        lock.unlink()  # still ours: nobody else takes a lock that exists
        raise
    if not unchanged:
        lock.unlink()
        return False
    lock.replace(index)  # from here on the lock is gone, and may be another's
    return True


@contextmanager
def trial_index(root: Path, *, copy: bool) -> Iterator[Trial]:
    """Make a private index file (a copy of the current one, or empty) the one git and
    mj use meanwhile: a commit or a merge is checked before anything of the user's is
    staged or moved. Yields (the index file, its bytes when copied, the trial file)."""
    location = gitstate.git_location(str(root))
    if location is None:
        raise MjError(f"{root} is not in a git repository")
    index = Path(os.environ.get("GIT_INDEX_FILE") or Path(location[1]) / "index")
    trial = Path(location[0]) / "mentorjournal" / f"trial-index-{os.getpid()}"
    copied = None
    try:
        trial.parent.mkdir(parents=True, exist_ok=True)
        _remove_orphans(trial.parent)
        if copy and index.exists():  # no index yet: git starts one
            # With its mtime: git trusts an entry's stat data only when the file is older
            # than the index, so a copy made a second later would make a note edited in
            # place (same size and second, a reused inode) look unchanged, and the check
            # would judge what was staged before.
            with index.open("rb") as source:
                copied = source.read()
                times = os.fstat(source.fileno())
            trial.write_bytes(copied)
            os.utime(trial, ns=(times.st_atime_ns, times.st_mtime_ns))
    except OSError as exc:
        with suppress(OSError):
            trial.unlink(missing_ok=True)
        raise MjError(
            f"cannot write mj's trial index in {trial.parent} ({exc.strerror or exc}): "
            "a commit or a merge is checked there before anything is staged"
        ) from None
    previous = os.environ.get("GIT_INDEX_FILE")
    try:
        os.environ["GIT_INDEX_FILE"] = str(trial)
        yield str(index), copied, str(trial)
    finally:
        if previous is None:
            os.environ.pop("GIT_INDEX_FILE", None)
        else:
            os.environ["GIT_INDEX_FILE"] = previous
        trial.unlink(missing_ok=True)


# A trial index lives for seconds: one an hour old whose process is gone was left.
_ORPHAN_AGE_NS = 3600 * 10**9


def _remove_orphans(folder: Path) -> None:
    """Trial indexes of runs that were killed: each is a copy of the whole index, a
    megabyte in a large journal. Only old ones: a repository shared with a container
    or another machine sees other process ids, and a live run's must stay."""
    import time

    old = time.time_ns() - _ORPHAN_AGE_NS
    for path in folder.iterdir():
        pid = path.name.removeprefix("trial-index-")
        if pid == path.name or not pid.isdigit():
            continue
        try:
            if path.stat().st_mtime_ns > old:
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            with suppress(OSError):
                path.unlink()
        except OSError:
            pass  # alive, another user's, or gone meanwhile
