"""`mj commit`: check what the commit would record, stage only journal files, and
commit with a message (``reports/changes.py``) that says what changed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mentorjournal.errors import MjError
from mentorjournal.format import layout
from mentorjournal.model import Finding

__all__ = ["CommitOutcome", "CommitPlan", "commit_journal", "plan_commit"]

# Files `mj commit` stages: the journal's own documents and what `mj init` writes.
from mentorjournal.reports.changes import (
    _JOURNAL_FILE,
    _MANAGED_FILE,
    Change,
    commit_message,
    journal_changes,
)


@dataclass(frozen=True)
class CommitPlan:
    """What `mj commit` would do: the journal files to stage, and the errors that stop it."""

    root: Path
    to_stage: tuple[str, ...]
    errors: tuple[Finding, ...]


@dataclass(frozen=True)
class CommitOutcome:
    sha: str
    message: str
    staged: tuple[str, ...]
    changes: tuple[Change, ...]


def _is_managed(root: Path, path: str) -> bool:
    """`.gitignore` counts when it is mj's (it keeps private/ out), `.gitattributes`
    when it names mj's merge driver (both people need it); `.gitkeep`s always."""
    if path not in (".gitignore", ".gitattributes"):
        return True
    try:
        lines = (root / path).read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return True  # a deleted file: stage the deletion like any tracked file
    if path == ".gitattributes":
        from mentorjournal.git.mergedriver import ATTRIBUTE

        return ATTRIBUTE in (line.strip() for line in lines)
    words = {word for line in lines for word in line.split()}
    return "private/" in words or "/private/" in words


def _journal_files_to_stage(root: Path) -> list[str]:
    from mentorjournal.git import gitrepo

    paths: list[str] = []
    for entry in gitrepo.status_entries(root):
        if entry.code[1] == " ":
            continue  # staged already, nothing in the working tree to add
        path = entry.path
        if path.startswith("private/") or layout.is_editor_temp(path.rsplit("/", 1)[-1]):
            continue
        if (root / path).is_symlink():
            continue  # a link resolves elsewhere on the other computer: never shared
        if _JOURNAL_FILE.match(path) or (_MANAGED_FILE.match(path) and _is_managed(root, path)):
            paths.append(path)
    return sorted(set(paths))


def plan_commit(root: Path) -> CommitPlan:
    """Refuse what must be refused (no repository, mid-merge, lock, detached HEAD,
    private files staged), validate the working tree, and list the files to stage."""
    from mentorjournal.git import gitrepo, writes

    if gitrepo.repo_toplevel(root) is None:
        raise MjError(f"{root} is not in a git repository: run `git init` there, then retry")
    writes.ensure_can_commit(root)
    staged_private = [p for p in gitrepo.changed_in_index(root) if p.startswith("private/")]
    if staged_private:
        shown = ", ".join(staged_private[:5])
        raise MjError(
            f"private notes are staged ({shown}); private/ never leaves this computer. "
            "Unstage them with `git restore --staged -- private/`, then retry."
        )
    to_stage = tuple(_journal_files_to_stage(root))
    for path in to_stage:  # git refuses paths beyond a symlink; say why in words
        if path.count("/") and (refusal := layout.write_refusal(str(root), str(root / path))):
            raise MjError(f"not committed: {refusal}")
    findings = _findings_if_staged(root, to_stage)
    errors = tuple(
        f
        for f in findings
        if f.severity == "error"
        and (not f.path.startswith("private/") or f.code == "private-staged")
    )
    return CommitPlan(root, to_stage, errors)


def _findings_if_staged(root: Path, to_stage: Sequence[str]) -> list[Finding]:
    """What the commit would record, checked as the hook checks it (``staged_findings``,
    which re-checks only the notes that changed), in a copy of the index with
    ``to_stage`` added: nothing of the user's is staged before the plan is accepted."""
    from mentorjournal.git import writes
    from mentorjournal.index.stagedcheck import staged_findings, trial_index

    with trial_index(root, copy=True):
        writes.stage(root, to_stage)
        return staged_findings(root)[0]


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C until the git writes are done, then raise it.

    Python's subprocess answers KeyboardInterrupt by killing git with SIGKILL, which
    leaves `index.lock` behind; git itself, if it got the signal too, cleans up.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def remember(signum: int, frame: object) -> None:
        received.append(signum)

    previous = signal.signal(signal.SIGINT, remember)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def _staged_versions(root: Path, paths: Sequence[str]) -> tuple[dict[str, bytes | None], ...]:
    """The HEAD and index bytes of ``paths`` only, in one `git cat-file` (None: absent)."""
    from mentorjournal.git import gitrepo

    # On an unborn branch git answers "missing" for HEAD's side.
    found = gitrepo.read_blobs(root, [f"{side}:./{p}" for p in paths for side in ("HEAD", "")])
    before = {path: found.get(f"HEAD:./{path}") for path in paths}
    after = {path: found.get(f":./{path}") for path in paths}
    return before, after


def commit_journal(plan: CommitPlan, user_message: str | None = None) -> CommitOutcome:
    """Stage the plan's files and commit them with a message saying what changed."""
    from mentorjournal.git import gitrepo, writes

    if plan.errors:
        raise MjError("the journal has errors: fix them (see `mj validate`), then retry")
    root = plan.root
    if not plan.to_stage and not gitrepo.changed_in_index(gitrepo.repo_toplevel(root) or root):
        raise MjError(
            "nothing to commit: no journal file changed since the last commit. "
            "Edit a session, goal or the agreement first."
        )
    with _interrupts_deferred():
        writes.stage(root, plan.to_stage)
        changed = gitrepo.changed_in_index(root)
        before, after = _staged_versions(root, changed)
        changes = journal_changes(before, after)
        outside = _staged_outside(root)
        if outside:
            changes = [*changes, Change("file", f"also {', '.join(outside[:3])}")]
        message = commit_message(changes, user_message)
        sha = writes.commit(root, message)
    return CommitOutcome(sha, message, plan.to_stage, tuple(changes))


def _staged_outside(root: Path) -> list[str]:
    """Repository paths staged outside this journal (the user staged them; they go too)."""
    from mentorjournal.git import gitrepo

    top = gitrepo.repo_toplevel(root)
    if top is None or top.resolve() == root.resolve():
        return []
    prefix = root.resolve().relative_to(top.resolve()).as_posix() + "/"
    return [p for p in gitrepo.changed_in_index(top) if not p.startswith(prefix)]
