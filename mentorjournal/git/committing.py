"""`mj commit`: check what the commit would record, stage only journal files, and
commit with a message (``reports/changes.py``) that says what changed."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mentorjournal.errors import MjError
from mentorjournal.format import layout
from mentorjournal.git import gitrepo, writes
from mentorjournal.git.gitrepo import _JOURNAL_FILE, StatusEntry
from mentorjournal.index import gitstate
from mentorjournal.model import Finding
from mentorjournal.reports.changes import Change, commit_message, journal_changes

__all__ = ["CommitOutcome", "CommitPlan", "commit_journal", "plan_commit"]

# Besides the journal's own documents (_JOURNAL_FILE), `mj commit` stages what `mj init` writes.
_MANAGED_FILE = re.compile(r"^(\.gitignore|\.gitattributes|goals/\.gitkeep|sessions/\.gitkeep)$")

_NOTHING = (
    "nothing to commit: no journal file changed since the last commit. "
    "Edit a session, goal or the agreement first."
)


def _nothing(root: Path, ignored: Sequence[str]) -> str:
    """Why there is nothing to commit, naming the journal's notes git ignores, or the
    other tracked files that changed (a README: `mj commit` records none of them)."""
    if ignored:
        return f"nothing to commit, but {_ignored(root, ignored)}"
    tracked = gitrepo._run(
        root, ("status", "--porcelain=v1", "-z", "--untracked-files=no", "--", ".")
    )
    entries = gitrepo.status_entries(root, None, tracked.stdout)
    others = [e.path for e in entries if not e.path.startswith("private/")]
    if not others:
        return _NOTHING
    import shlex

    # The command is run where the user is, so its paths start from there.
    try:
        up = os.path.relpath(root)
    except OSError:  # mj was started in a folder since removed (`mj -C DIR`)
        up = str(root.absolute())
    if set(Path(up).parts) <= {os.pardir}:  # in the journal
        paths = [str(Path(up) / path) for path in others]
        command = "git commit -- " + " ".join(map(shlex.quote, paths))
    else:
        command = f"git -C {shlex.quote(up)} commit -- " + " ".join(map(shlex.quote, others))
    shown = " ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
    return (
        f"{_NOTHING.partition('. ')[0]}. {shown} changed, but `mj commit` records only the "
        f"journal's files: commit {'it' if len(others) == 1 else 'them'} with git "
        f"(`{command}`)."
    )


def _ignored(root: Path, notes: Sequence[str]) -> str:
    """What to say of journal notes git ignores (a pattern in .gitignore, perhaps pushed
    by the other person, or in .git/info/exclude): they are never staged, so never
    shared, while `mj status` lists their items. Names the rule that hides the first."""
    said = gitrepo._run(root, ("check-ignore", "--verbose", "--", notes[0]), ok_codes=(0, 1))
    # "SOURCE:LINE:PATTERN<TAB>PATH"
    rule = said.stdout.decode("utf-8", "surrogateescape").partition("\t")[0]
    source, _, rest = rule.partition(":")
    where = f" ({source}:{rest.replace(':', ': ', 1)})" if rest else ""
    shown = ", ".join(notes[:5]) + (" ..." if len(notes) > 5 else "")
    return (
        f"git ignores {shown}{where}, so it is never staged and never shared. Remove that "
        "rule, or add the note once with `git add -f -- FILE`; then `mj commit`."
    )


@dataclass(frozen=True)
class Trial:
    """The copy of the index the check passed, with the plan's files staged in it."""

    index: str  # the index file it is a copy of
    before: bytes  # that file's bytes when copied
    after: bytes  # the copy's bytes, the files staged
    times: tuple[int, int]  # the copy's (atime, mtime) in ns: git's racy check reads them
    # The repository's paths it changes against HEAD: (HEAD's blob, its blob)
    staged: dict[str, tuple[str | None, str | None]]


@dataclass(frozen=True)
class CommitPlan:
    """What `mj commit` would do: the journal files to stage, and the errors that stop it."""

    root: Path
    to_stage: tuple[str, ...]
    errors: tuple[Finding, ...]
    # The repository's (top level, git directory), and the journal's path in it.
    located: tuple[Path, Path]
    prefix: str
    # "TREE HEAD" that the check passed, when it covered all the hook checks (the
    # journal is the repository and holds no other): the hook then skips its check.
    checked: str | None = None
    trial: Trial | None = None
    # The journal's notes (or its notes' folders) an ignore rule keeps out of git.
    ignored: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommitOutcome:
    sha: str
    message: str
    staged: tuple[str, ...]
    changes: tuple[Change, ...]
    # What to say of notes git ignores, which were left behind (``_ignored``).
    left_behind: str | None = None


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


def _journal_files_to_stage(root: Path, entries: Sequence[StatusEntry]) -> list[str]:
    paths: list[str] = []
    for entry in entries:
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


def plan_commit(root: Path, status: gitstate.Git | None = None) -> CommitPlan:
    """Refuse what must be refused (no repository, mid-merge, lock, detached HEAD,
    private files staged), validate the working tree, and list the files to stage.
    ``status``: `git status` of the journal (``gitstate.STATUS``) started earlier."""
    located = _locate(root)
    if located is None:
        raise MjError(f"{root} is not in a git repository: run `git init` there, then retry")
    writes.ensure_can_commit(root, located)
    prefix = _prefix(root, located[0])
    raw = status.output() if status else None
    if raw is None:  # not started, or it failed: again, for git's own words
        raw = gitrepo._run(root, gitstate.STATUS).stdout
    entries = gitrepo.status_entries(root, prefix, raw)
    ignored = tuple(
        entry.path
        for entry in gitrepo.status_entries(root, prefix, raw, ignored=True)
        if entry.path in ("goals/", "sessions/")
        or (
            _JOURNAL_FILE.match(entry.path)
            and not layout.is_editor_temp(entry.path.rsplit("/", 1)[-1])
        )
    )
    staged_private = [
        path
        for entry in entries
        if entry.code[0] not in " ?"
        for path in (entry.path, entry.orig_path)
        if path is not None and path.startswith("private/")
    ]
    if staged_private:
        shown = ", ".join(staged_private[:5])
        raise MjError(
            f"private notes are staged ({shown}); private/ never leaves this computer. "
            "Unstage them with `git restore --staged -- private/` (before the first "
            "commit: `git rm -r --cached -- private/`), then retry."
        )
    to_stage = tuple(_journal_files_to_stage(root, entries))
    for path in to_stage:  # git refuses paths beyond a symlink; say why in words
        if path.count("/") and (refusal := layout.write_refusal(str(root), str(root / path))):
            raise MjError(f"not committed: {refusal}")
    findings, checked, trial = _findings_if_staged(
        root, located[0], to_stage, whole_repository=not prefix
    )
    errors = tuple(
        f
        for f in findings
        if f.severity == "error"
        and (not f.path.startswith("private/") or f.code == "private-staged")
    )
    if errors:
        return CommitPlan(root, to_stage, errors, located, prefix, ignored=ignored)
    return CommitPlan(root, to_stage, errors, located, prefix, checked, trial, ignored)


def _locate(root: Path) -> tuple[Path, Path] | None:
    """(top level, this worktree's git directory), as ``gitrepo.locate`` finds them,
    read from the `.git` folder or file (a git process less) unless git's own
    variables say where the repository is."""
    found = None if gitstate.located_elsewhere() else gitstate.git_location(str(root))
    if found is None:
        return gitrepo.locate(root)
    return Path(os.path.realpath(found[2])), Path(os.path.realpath(found[1]))


def _prefix(root: Path, top: Path) -> str:
    """The journal's path in its repository: "" or ending in "/"."""
    inside = root.resolve().relative_to(top.resolve()).as_posix()
    return "" if inside == "." else inside + "/"


def _findings_if_staged(
    root: Path, top: Path, to_stage: Sequence[str], *, whole_repository: bool
) -> tuple[list[Finding], str | None, Trial | None]:
    """What the commit would record, checked as the hook checks it (``staged_findings``,
    which re-checks only the notes that changed), in a copy of the index with
    ``to_stage`` added: nothing of the user's is staged before the plan is accepted.

    Also the copy itself (``Trial``) and, when the check covered all the hook would
    check (``whole_repository``, no other journal in the index), "TREE HEAD": the
    tree checked (`git write-tree`, which keeps it in the copy, so that neither git
    commit nor the hook hash it again) and the history it was checked under."""
    from mentorjournal.index.stagedcheck import staged_check

    with writes.trial_index(root, copy=True) as (index, before, trial_file):
        writes.stage(root, to_stage, meanwhile=_prefetch_check)
        if before is None:  # no index yet: nothing to put in place, so no skip either
            return staged_check(root)[0], None, None
        # What the commit needs of git is asked now, and runs on the other core while
        # the check runs on this one; it is used only if the check passes.
        tree = gitstate.Git(str(root), ["write-tree"]) if whole_repository else None
        head = gitstate.Git(str(root), gitrepo.HEAD_COMMIT)
        diff = gitstate.Git(str(top), gitrepo.DIFF_CACHED)
        try:
            findings, _, alone = staged_check(root)
            if any(f.severity == "error" for f in findings):
                return findings, None, None
            checked = None
            # The fast check answers only for an index that holds no journal in a folder.
            if tree is not None and (alone or not gitrepo.other_journals(top)):
                tree_id = gitrepo.answer(tree, root, ["write-tree"])
                parent = gitrepo.answer(head, root, gitrepo.HEAD_COMMIT, ok=(0, 1))  # 1: unborn
                checked = f"{tree_id.decode().strip()} {parent.decode().strip()}"
            staged = gitrepo.changed_in_index(top, gitrepo.answer(diff, top, gitrepo.DIFF_CACHED))
        finally:
            for git in (tree, head, diff):  # the trial index is git's until they end
                if git is not None:
                    git.output()
        after, times = Path(trial_file).read_bytes(), Path(trial_file).stat()
        trial = Trial(index, before, after, (times.st_atime_ns, times.st_mtime_ns), staged)
        return findings, checked, trial


def _prefetch_check() -> None:
    """What checking a staged note imports (~10 ms), while git stages it."""
    from mentorjournal.checks import crossfile, filecheck  # noqa: F401
    from mentorjournal.format import yamldata  # noqa: F401


@contextmanager
def _interrupts_deferred() -> Iterator[list[int]]:
    """Hold Ctrl-C while git writes; yield the signals held, for the caller to act on
    between writes (``commit_journal`` stops before the commit, never after it).

    Python's subprocess answers KeyboardInterrupt by killing git with SIGKILL, which
    leaves `index.lock` behind; git itself, if it got the signal too, cleans up.
    """
    import signal

    received: list[int] = []

    def remember(signum: int, frame: object) -> None:
        received.append(signum)

    previous = signal.signal(signal.SIGINT, remember)
    try:
        yield received
    finally:
        signal.signal(signal.SIGINT, previous)


def _staged_versions(
    root: Path, blobs: dict[str, tuple[str | None, str | None]]
) -> tuple[dict[str, bytes | None], ...]:
    """The HEAD and index bytes of the paths in ``blobs`` (path -> their two blob ids;
    None: absent). A staged version that is the file on disk, as a note just added
    is, is read from there; the rest in one `git cat-file`."""
    from mentorjournal.index.stagedcheck import on_disk

    found = on_disk(str(root), {path: new for path, (_, new) in blobs.items() if new})
    wanted = {blob for pair in blobs.values() for blob in pair if blob and blob not in found}
    found |= gitrepo.read_blobs(root, sorted(wanted))
    before = {path: found.get(old) if old else None for path, (old, _) in blobs.items()}
    after = {path: found.get(new) if new else None for path, (_, new) in blobs.items()}
    return before, after


def commit_journal(
    plan: CommitPlan, user_message: str | None = None, settings: gitstate.Git | None = None
) -> CommitOutcome:
    """Stage the plan's files and commit them with a message saying what changed
    (a plan without errors: its one caller, `mj commit`, shows those instead).
    ``settings``: ``commitwriter.commit_settings`` started earlier."""
    from mentorjournal.git import commitwriter

    root, prefix = plan.root, plan.prefix
    checked, trial = plan.checked, plan.trial
    if trial is not None and not trial.staged:
        raise MjError(_nothing(root, plan.ignored))  # known before anything of the user's is staged
    if settings is None and checked:
        settings = commitwriter.commit_settings(root)  # read meanwhile
    with _interrupts_deferred() as interrupted:
        promoted = trial is not None and writes.promote_index(
            trial.index, trial.before, trial.after, trial.times
        )
        if trial is not None and promoted:
            staged = trial.staged
        else:
            writes.stage(root, plan.to_stage)
            staged = gitrepo.changed_in_index(plan.located[0])  # the whole repository's
            checked = None  # the index changed meanwhile: not what was checked
        if not staged:
            raise MjError(_nothing(root, plan.ignored))
        changed = {p[len(prefix) :]: blobs for p, blobs in staged.items() if p.startswith(prefix)}
        before, after = _staged_versions(root, changed)
        changes = journal_changes(before, after)
        # Paths staged outside this journal: the user staged them; they go too.
        outside = [path for path in staged if not path.startswith(prefix)]
        if outside:
            changes = [*changes, Change("file", f"also {', '.join(outside[:3])}")]
        message = commit_message(changes, user_message)
        if interrupted:  # Ctrl-C while staging: stop before the commit, not after it
            raise KeyboardInterrupt
        sha = commitwriter.commit(
            root,
            message,
            located=plan.located,
            checked=checked,
            settings=settings,
        )
    left_behind = _ignored(root, plan.ignored) if plan.ignored else None
    return CommitOutcome(sha, message, plan.to_stage, tuple(changes), left_behind)
