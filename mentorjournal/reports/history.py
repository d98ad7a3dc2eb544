"""`mj history`: how the agreement (and the goals' status) evolved, commit by commit.

Each commit that touched agreement.md is compared with its first parent: which
front-matter values changed (dotted paths, `cadence.every: biweekly -> monthly`),
which body sections changed, whose key changed (and whether that person confirmed it),
who signed, when, with which key and whether it counts. A merge commit reports
only what neither side had (a conflict resolution), so a change is told once, by
the commit that made it. All versions are read with one `git cat-file` per query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mentorjournal.checks import signatures as checks
from mentorjournal.checks.signatures import KeyChange
from mentorjournal.format.document import parse_document
from mentorjournal.format.layout import AGREEMENT
from mentorjournal.git import gitlog, gitrepo
from mentorjournal.model import Document
from mentorjournal.reports.changes import FieldChange, SectionChange, field_changes, section_changes

_GOAL_FILE = re.compile(r"goals/[^/]+\.md")


@dataclass(frozen=True)
class AgreementVersion:
    """One commit that changed agreement.md, and what it changed."""

    sha: str
    date: str
    author_name: str
    author_email: str
    subject: str
    created: bool
    removed: bool
    fields: tuple[FieldChange, ...]
    sections: tuple[SectionChange, ...]
    signatures_added: tuple[str, ...]
    signatures: tuple[SignatureEvent, ...] = ()
    key_changes: tuple[KeyChange, ...] = ()


@dataclass(frozen=True)
class SignatureEvent:
    """A signature a commit added or renewed, judged as it stood in that version."""

    by: str
    date: str
    fingerprint: str | None  # of the key that made it
    state: str  # valid, stale, invalid or unverified
    why: str = ""  # why it does not count


@dataclass(frozen=True)
class GoalStatusChange:
    """A goal's status as one commit changed it (`before` None: the goal was added)."""

    goal: str
    sha: str
    date: str
    author_name: str
    author_email: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class JournalHistory:
    """Oldest first, so it reads as the story of the mentorship."""

    agreement: tuple[AgreementVersion, ...]
    goals: tuple[GoalStatusChange, ...]


def _meta(doc: Document | None) -> dict[str, Any]:
    return dict(doc.meta) if doc is not None else {}


def _keyless(value: Any) -> Any:
    if isinstance(value, list):
        return [_keyless(item) for item in value]
    return {k: v for k, v in value.items() if k != "key"} if isinstance(value, dict) else value


def _unsigned(meta: dict[str, Any]) -> dict[str, Any]:
    """The front matter without signatures and keys: those are told in their own words."""
    return {
        key: _keyless(value) if key in ("mentor", "mentee", "others") else value
        for key, value in meta.items()
        if key != "signatures"
    }


def _signed(old: Document | None, new: Document, history: checks.Trail) -> list[Any]:
    """The signatures ``new`` holds that ``old`` did not, as they stood in ``new``."""
    before = checks.entries(old.meta) if old is not None else {}
    events = []
    for v in checks.verdicts(new, history):
        entry = checks.entries(new.meta)[v.by][1]
        if before.get(v.by, (0, None))[1] != entry:
            date = str(entry.get("date", ""))
            events.append(SignatureEvent(v.by, date, v.fingerprint, v.state, v.why))
    return events


def agreement_versions(root: Path) -> list[AgreementVersion]:
    """The agreement's versions in git, oldest first, each with what it changed."""
    commits = gitlog.log_for_path(root, AGREEMENT)
    names = [
        f"{commit.sha}{suffix}:./{AGREEMENT}" for commit in commits for suffix in ("", "^", "^2")
    ]
    docs = {
        name: parse_document(AGREEMENT, data)
        for name, data in gitrepo.read_blobs(root, names).items()
    }
    trail = checks.trail(root, None)
    versions: list[AgreementVersion] = []
    for commit in reversed(commits):
        new = docs.get(f"{commit.sha}:./{AGREEMENT}")
        old = docs.get(f"{commit.sha}^:./{AGREEMENT}")
        other = docs.get(f"{commit.sha}^2:./{AGREEMENT}")
        created = old is None and new is not None
        # A new agreement's values are its text; listing each as "(none) -> x" says nothing.
        fields = [] if created else field_changes(_unsigned(_meta(old)), _unsigned(_meta(new)))
        keys = checks.key_changes(old, new, trail) if new else []
        events = _signed(old, new, trail) if new else []
        sections = (
            [] if created else section_changes(old.body if old else None, new.body if new else None)
        )
        if other is not None:
            # A merge: keep only what differs from the second parent too.
            theirs = {(f.path, repr(f.after)) for f in field_changes(_meta(other), _meta(new))}
            fields = [f for f in fields if (f.path, repr(f.after)) in theirs]
            their_sections = {
                s.heading for s in section_changes(other.body, new.body if new else None)
            }
            sections = [s for s in sections if s.heading in their_sections]
            if new is not None:
                keys = [k for k in keys if k in checks.key_changes(other, new, trail)]
                events = [e for e in events if e in _signed(other, new, trail)]
            if not fields and not sections and not events and not keys:
                continue
        versions.append(
            AgreementVersion(
                sha=commit.sha,
                date=commit.date,
                author_name=commit.author_name,
                author_email=commit.author_email,
                subject=commit.subject,
                created=created,
                removed=new is None,
                fields=tuple(fields),
                sections=tuple(sections),
                signatures_added=tuple(e.by for e in events),
                signatures=tuple(events),
                key_changes=tuple(keys),
            )
        )
    return versions


def _status(path: str, data: bytes | None) -> str | None:
    status = parse_document(path, data).meta.get("status") if data is not None else None
    return status if isinstance(status, str) else None


def _goal_changes(root: Path) -> list[GoalStatusChange]:
    infos = {commit.sha: commit for commit in gitlog.log_for_path(root, "goals")}
    touched = [
        (sha, [change for change in changes if _GOAL_FILE.fullmatch(change.path)])
        for sha, changes in gitlog.log_file_changes(root, "goals")
    ]
    # By blob id, never by `rev:path`: a file name may hold a newline.
    blob_ids = {blob for _, changes in touched for c in changes for blob in (c.before, c.after)}
    blobs = gitrepo.read_blobs(root, sorted(blob for blob in blob_ids if blob))
    found: list[GoalStatusChange] = []
    for sha, changes in reversed(touched):
        info = infos.get(sha)
        if info is None:
            continue
        for change in changes:
            path = change.path
            after = _status(path, blobs.get(change.after or ""))
            before = _status(path, blobs.get(change.before or ""))
            if before != after:
                goal = path.removeprefix("goals/").removesuffix(".md")
                when_who = (info.date, info.author_name, info.author_email)
                found.append(GoalStatusChange(goal, sha, *when_who, before, after))
    return found


def journal_history(root: Path) -> JournalHistory:
    """The agreement's versions and the goals' status changes from git, oldest first."""
    from mentorjournal.errors import MjError

    if gitrepo.repo_toplevel(root) is None:
        raise MjError(
            f"{root} is not in a git repository, so it has no history: "
            "record versions with `mj commit`"
        )
    return JournalHistory(tuple(agreement_versions(root)), tuple(_goal_changes(root)))
