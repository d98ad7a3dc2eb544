"""`mj sync`: merge the other side's work, check it, share ours; `mj sync --merge`.

Talking to the remote (fetch, push, clone) is ``remote.py``; every local call goes
through ``gitrepo``'s runner.

Conflict strategy: **the repository is left exactly as before the sync.** After
fetching, the merge is computed in memory with `git merge-tree --write-tree`, which
touches neither the index nor the working tree. If it conflicts, sync stops before
changing anything and reports every conflicting file: the branch, HEAD, the index and
every working-tree byte are as they were, the user's commits are intact, and the other
side's version is recoverable from the remote-tracking ref that the fetch moved (`git
show origin/main:PATH`). Only a clean merge is committed (`commit-tree`) and checked
out. We chose this over leaving a half-done merge because a half-done merge puts
conflict markers into journal files, which makes every later `mj` command report
errors and the hook refuse commits, and because the people using mj are a mentor and
a mentee, not necessarily git users: "nothing happened, here is what differs" is a
state anyone can reason about. Who wants to resolve it asks for the markers knowingly
(`mj sync --merge`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mentorjournal.errors import MjError
from mentorjournal.git.gitrepo import (
    Upstream,
    _commit_of,
    _count,
    _out,
    _run,
    _split_z,
    _summarise,
    current_branch,
    head_commit,
    repo_toplevel,
    upstream_of,
)
from mentorjournal.git.remote import choose_remote, fetch, push
from mentorjournal.git.writes import _repo_dirs, ensure_can_sync, stage, trial_index

if TYPE_CHECKING:
    from mentorjournal.model import Finding

__all__ = ["KIND_WORDS", "SyncResult", "commit_findings", "start_merge", "sync"]


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
    # Errors in the journal as it would be shared (refused) or as it now is (pulled in).
    findings: tuple[Finding, ...] = ()
    # True when nothing was changed because what would be pushed is invalid.
    refused: bool = False
    # How each conflict came about: "both", "they-deleted", "you-deleted".
    kinds: dict[str, str] = field(default_factory=dict)
    # The files of a merge finished first (resolved by hand after `mj sync --merge`).
    finished: tuple[str, ...] = ()


KIND_WORDS = {
    "both": "you both changed the same lines",
    "they-deleted": "they deleted it, you changed it",
    "you-deleted": "you deleted it, they changed it",
}


def _merge_tree(repo: Path, head: str, ref: str) -> str | dict[str, str]:
    """The tree a merge of `ref` into `head` makes, or the files it would conflict on,
    with how (``_kinds``): computed without touching anything."""
    args = ["merge-tree", "--write-tree", "--no-messages", "-z", head, ref]
    proc = _run(repo, args, ok_codes=range(256))
    tree, *records = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    if proc.returncode == 0:
        return tree
    if proc.returncode == 1:
        return _kinds(records[: records.index("")] if "" in records else records)
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode == 129 or "usage:" in stderr:
        raise MjError("mj sync needs git 2.38 or newer (git merge-tree --write-tree)")
    raise MjError(f"cannot merge {ref}: {_summarise(stderr)}")


def _kinds(records: list[str]) -> dict[str, str]:
    """path -> "both" (both changed it), "they-deleted" or "you-deleted", from
    `<mode> <id> <stage>\t<path>` records (stage 2 is ours, 3 theirs)."""
    stages: dict[str, set[str]] = {}
    for record in records:
        meta, _, path = record.partition("\t")
        stages.setdefault(path, set()).add(meta.rsplit(" ", 1)[-1])
    return {
        path: "they-deleted" if "3" not in found else "you-deleted" if "2" not in found else "both"
        for path, found in sorted(stages.items())
    }


def _unmerged(repo: Path) -> dict[str, str]:
    """The files an unfinished merge holds in conflict, with how (``_kinds``)."""
    return _kinds(_split_z(_run(repo, ["ls-files", "-u", "-z", "--full-name"]).stdout))


def commit_findings(journal_root: Path, commit: str) -> list[Finding]:
    """What `mj validate --staged` would say of the journal as `commit` holds it."""
    from mentorjournal.index.stagedcheck import staged_findings

    with trial_index(journal_root, copy=False):
        _run(journal_root, ["read-tree", commit])
        return staged_findings(journal_root)[0]


def _refuse_overwrites(top: Path, old: str | None, new: str) -> None:
    """Refuse when `new` adds files that exist here untracked (git-ignored ones included):
    git would silently replace an ignored file."""
    if old is None:
        raw = _run(top, ["ls-tree", "-r", "--name-only", "-z", new]).stdout
    else:
        raw = _run(
            top, ["diff", "--name-only", "--no-renames", "--diff-filter=A", "-z", old, new]
        ).stdout
    clashes = []
    for path in _split_z(raw):
        parts = Path(path).parts
        folders = (top.joinpath(*parts[:i]) for i in range(1, len(parts)))
        if os.path.lexists(top / path) or any(
            os.path.lexists(f) and not f.is_dir() for f in folders
        ):
            clashes.append(path)
    if clashes:
        shown = "\n  ".join(clashes)
        raise MjError(
            "mj sync stopped before changing anything: the other side's work holds files "
            f"that exist here but are not tracked (git would overwrite them):\n  {shown}\n"
            "Both versions are kept: yours on disk, theirs in the remote-tracking branch. "
            "Rename or move your files, then run `mj sync` again."
        )


def _move_to(top: Path, branch: str, old: str | None, new: str) -> None:
    """Check out `new` and point the branch at it, refusing before any change when a
    file that is not tracked would be overwritten."""
    _refuse_overwrites(top, old, new)
    # A file whose times alone changed (a touch, a copy) reads as "not uptodate" to
    # read-tree until the index's stat data is refreshed.
    _run(top, ["update-index", "-q", "--refresh"], ok_codes=(0, 1))
    moved = _run(top, ["read-tree", "-m", "-u", *([old] if old else []), new], ok_codes=range(256))
    if moved.returncode:  # read-tree checks every file before it changes any
        said = moved.stderr.decode("utf-8", "replace")
        if dirty := re.findall(r"^error: Entry '(.+)' not uptodate\. Cannot merge\.$", said, re.M):
            raise MjError(
                f"mj sync stopped before changing anything: {', '.join(dirty)} has changes "
                "here that are not committed, and the other side changed it too. Commit "
                "them (`git commit -- FILE`) or put them aside (`git stash`), then run "
                "`mj sync` again."
            )
        raise MjError(f"git read-tree failed in {top}: {_summarise(said)}")
    _run(top, ["update-ref", "-m", "mj sync", f"refs/heads/{branch}", new, old or "0" * 40])
    if old is not None:
        _run(top, ["update-ref", "ORIG_HEAD", old])


def _refuse_rewritten(
    top: Path, upstream: Upstream, before: str | None, head: str | None, first: bool = False
) -> str:
    """The commit the remote branch now holds; refused, with the tracking branch put
    back, when the shared history was rewritten: what we had from it is gone from it
    (a force-push), or it shares no commit with ours. ``first``: the branch has never
    been shared there (no upstream yet), so a history apart is another journal's."""
    theirs = _out(top, "rev-parse", "--verify", f"{upstream.tracking_ref}^{{commit}}")
    gone = before is not None and not _is_ancestor(top, before, theirs)
    apart = head is not None and _run(top, ["merge-base", head, theirs], ok_codes=(0, 1)).returncode
    if not gone and not apart:
        return theirs
    if first and before is None:  # never shared there: another journal's history
        raise MjError(
            f"{upstream} ({theirs[:7]}) holds another history, which shares no commit with "
            f"this journal's: it is not where this journal is shared. Nothing was changed. "
            f"To join the journal there, `mj clone URL` into another folder; to share this "
            f"one, point {upstream.remote} at an empty repository (`git remote set-url "
            f"{upstream.remote} URL`)."
        )
    if before is not None:
        _run(top, ["update-ref", "-m", "mj sync: rewritten", upstream.tracking_ref, before])
    lost = "no longer holds the commits you had from it" if gone else "shares no commit with yours"
    raise MjError(
        f"the shared history was rewritten by someone; nothing was changed. {upstream} "
        f"({theirs[:7]}) {lost}: a force-push, or a new repository. Your commits and files "
        f"are as they were. Talk it through before anyone shares again; see what it holds "
        f"with `git log {theirs[:7]}`."
    )


def _is_ancestor(top: Path, commit: str, of: str) -> bool:
    return _run(top, ["merge-base", "--is-ancestor", commit, of], ok_codes=(0, 1)).returncode == 0


def _fetched(journal_root: Path) -> tuple[Path, str, Upstream, bool, str | None]:
    """(top, branch, upstream, whether the branch has no upstream yet, the tracking ref's
    commit before the fetch moved it), once the other side's work is fetched."""
    ensure_can_sync(journal_root)
    top = repo_toplevel(journal_root)
    branch = current_branch(journal_root)
    assert top is not None and branch is not None  # ensure_can_sync checked both
    found = upstream_of(top, branch)  # checks the branch name first
    upstream = found or Upstream(choose_remote(top), branch)
    before = _commit_of(top, upstream.tracking_ref)
    fetch(top, upstream.remote)
    return top, branch, upstream, found is None, before


def _merged_commit(top: Path, head: str | None, theirs: str, message: str) -> str | dict[str, str]:
    """The commit sync would move to: theirs (fast forward) or a merge commit made from
    the in-memory merge; or the files that conflict."""
    if head is None or _is_ancestor(top, head, theirs):
        return theirs
    merged = _merge_tree(top, head, theirs)
    if isinstance(merged, dict):
        return merged
    return _out(top, "commit-tree", merged, "-p", head, "-p", theirs, "-m", message)


_MARKER = re.compile(rb"^(?:<{7,}|>{7,}|\|{7,})(?: |\r?$)|^={7,}\r?$", re.MULTILINE)


def _marked(top: Path, paths: list[str]) -> list[str]:
    """`PATH:LINE` of each conflict marker left in these files."""
    found = []
    for path in paths:
        try:
            data = (top / path).read_bytes()
        except OSError:
            continue
        lines = (data.count(b"\n", 0, m.start()) + 1 for m in _MARKER.finditer(data))
        found += [f"{path}:{line}" for line in lines]
    return found


def start_merge(journal_root: Path) -> dict[str, str]:
    """`mj sync --merge`: merge the other side's work here, leaving each clash marked in
    its file; the files that need a person (repository-relative), with how
    (``_kinds``)."""
    top, branch, upstream, first, before = _fetched(journal_root)
    if _commit_of(top, upstream.tracking_ref) is None:
        raise MjError(f"{upstream} does not exist yet: there is nothing to merge")
    head = head_commit(top)
    theirs = _refuse_rewritten(top, upstream, before, head, first)
    _refuse_overwrites(top, head, theirs)
    message = f"Merge {upstream} into {branch} (mj sync)"
    _run(
        top, ["merge", "--no-edit", "--no-stat", "--quiet", "-m", message, theirs], ok_codes=(0, 1)
    )
    return _unmerged(top)


def _finish_merge(journal_root: Path) -> tuple[str, ...]:
    """Conclude a merge the person has resolved: stage the files that were in conflict
    (nothing else), check the journal, and commit with git's prepared message; the files
    it staged (none: there was no merge to finish)."""
    top, gdir = _repo_dirs(journal_root)
    if not (gdir / "MERGE_HEAD").exists() or (gdir / "index.lock").exists():
        return ()
    unmerged = _unmerged(top)
    deleted = [p for p, kind in unmerged.items() if kind != "both"]
    if deleted:
        raise MjError(
            "the merge is not finished: one of you deleted a file the other changed:\n  "
            + "\n  ".join(f"{p} ({KIND_WORDS[unmerged[p]]})" for p in deleted)
            + "\nDecide together: keep it with `git add -- FILE` or delete it with "
            "`git rm -- FILE`, then run `mj sync` again."
        )
    left = _marked(top, list(unmerged))
    if left:
        raise MjError(
            "the merge is not finished: these lines still hold conflict markers "
            "(<<<<<<<, =======, >>>>>>>):\n  " + "\n  ".join(left) + "\nKeep what you both "
            "want, delete the marker lines, then run `mj sync` again (or give up the merge "
            "with `git merge --abort`)."
        )
    stage(top, list(unmerged))
    from mentorjournal.index.stagedcheck import staged_findings

    errors = [f for f in staged_findings(journal_root)[0] if f.severity == "error"]
    if errors:  # back in conflict, so that the next run stages the files as fixed then
        _run(top, ["update-index", "--unresolve", *(f"./{path}" for path in unmerged)])
        shown = "\n  ".join(f"{f.path}:{f.line}: {f.message}" for f in errors[:20])
        raise MjError(
            f"the merge is not finished: the journal has errors:\n  {shown}\n"
            "Fix them, then run `mj sync` again."
        )
    _run(top, ["commit", "--no-edit", "--no-verify", "--quiet"])
    return tuple(sorted(unmerged))


def sync(journal_root: Path) -> SyncResult:
    """Fetch, merge the other side's work, check the result, then push ours.

    Changes nothing but the fetch when the merge conflicts, when what would be pushed
    is invalid (``refused``), or when a file that is not tracked would be overwritten.
    A merge the person resolved by hand (`mj sync --merge`) is finished first.
    """
    finished = _finish_merge(journal_root)
    result = _sync(journal_root)
    return replace(result, finished=finished) if finished else result


def _sync(journal_root: Path) -> SyncResult:
    top, branch, upstream, set_upstream, before = _fetched(journal_root)
    head = head_commit(top)
    remote_has_branch = _commit_of(top, upstream.tracking_ref) is not None
    if head is None and not remote_has_branch:
        raise MjError("nothing to sync yet: record your first change with `mj commit`")

    target, pulled = head, 0
    if remote_has_branch:
        theirs = _refuse_rewritten(top, upstream, before, head, set_upstream)
        pulled = _count(top, f"HEAD..{theirs}" if head else theirs)
        if pulled:
            merged = _merged_commit(top, head, theirs, f"Merge {upstream} into {branch} (mj sync)")
            if isinstance(merged, dict):
                return SyncResult(0, False, False, tuple(merged), str(upstream), kinds=merged)
            target = merged
        outgoing = _count(top, f"{theirs}..{target}")
    else:
        outgoing = _count(top, "HEAD")
    assert target is not None

    findings = commit_findings(journal_root, target) if (outgoing or pulled) else []
    errors = tuple(f for f in findings if f.severity == "error")
    if errors and outgoing:
        return SyncResult(0, False, False, (), str(upstream), findings=errors, refused=True)
    if target != head:
        _move_to(top, branch, head, target)
    if outgoing or set_upstream:
        push(top, upstream.remote, branch, remote_branch=upstream.branch, set_upstream=set_upstream)
    return SyncResult(
        pulled=pulled,
        pushed=bool(outgoing or set_upstream),
        set_upstream=set_upstream,
        conflicts=(),
        upstream=str(upstream),
        pushed_commits=outgoing,
        findings=errors,
    )
